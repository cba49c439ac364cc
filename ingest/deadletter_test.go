package ingest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/parley-cx/parley/internal/event"
)

// deadLetterIDCases are rejected messages whose customer erasure used to
// miss: an ID holding a character JSON escapes, an ID written with an escape
// in the raw bytes, an actor named only after the 1 MiB cut, and a message
// that is not JSON at all (it names nobody).
func deadLetterIDCases() []struct {
	raw        string
	conv, user string
} {
	late := `{"event_id":"x3","conversation_id":"conv-big","type":"message","occurred_at":"2026-03-01T10:00:00Z","channel":"webchat",` +
		`"message":{"text":"` + strings.Repeat("y", event.MaxEventBytes+100) + `"},"actor":{"role":"customer","id":"cust-late"}}`
	return []struct {
		raw        string
		conv, user string
	}{
		{`{"event_id":"x1","conversation_id":"conv-amp","type":"teleported","occurred_at":"2026-03-01T10:00:00Z","actor":{"role":"customer","id":"a\u0026b"}}`, "conv-amp", "a&b"},
		{`{"event_id":"x2","conversation_id":"conv-\u0065sc","type":"message","actor":{"role":"customer","id":"c\u0031"}}`, "conv-esc", "c1"},
		{late, "conv-big", "cust-late"},
		{`not json at all, cust-9`, "", ""},
	}
}

// TestDeadLettersRecordIDs: the dead-letter store records, in its own
// columns, the conversation and actor IDs read from the whole message, both
// through Kafka ingest and through import, even when the stored bytes are
// cut before the actor appears.
func TestDeadLettersRecordIDs(t *testing.T) {
	cases := deadLetterIDCases()
	paths := []struct {
		name  string
		write func(t *testing.T, root string)
	}{
		{"import", func(t *testing.T, root string) {
			var lines []string
			for _, c := range cases {
				lines = append(lines, c.raw)
			}
			// One valid event after them: an input with none is refused whole.
			data := append([]byte(strings.Join(lines, "\n")+"\n"), eventLines(t, 1, 1)...)
			in := filepath.Join(t.TempDir(), "dead.jsonl")
			if err := os.WriteFile(in, data, 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := Import(context.Background(), ImportConfig{Lake: root, Inputs: []string{in}}); err != nil {
				t.Fatal(err)
			}
		}},
		{"kafka", func(t *testing.T, root string) {
			// kfake directly: the broker must take the 1 MiB+ message
			// (Kafka's default limit is 1 MB) so that ingest is the one to refuse it.
			cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, testTopic),
				kfake.BrokerConfigs(map[string]string{"message.max.bytes": strconv.Itoa(8 << 20)}))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(cluster.Close)
			addr := cluster.ListenAddrs()[0]
			var msgs []kafka.Message
			for i, c := range cases {
				msgs = append(msgs, kafka.Message{Key: []byte(fmt.Sprint("k", i)), Value: []byte(c.raw)})
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			w := &kafka.Writer{Addr: kafka.TCP(addr), Topic: testTopic, BatchBytes: 8 << 20, BatchTimeout: 5 * time.Millisecond, RequiredAcks: kafka.RequireOne}
			if err := w.WriteMessages(ctx, msgs...); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if _, err := Run(ctx, Config{Brokers: []string{addr}, Topic: testTopic, Lake: root, UntilIdle: time.Second}); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, p := range paths {
		t.Run(p.name, func(t *testing.T) {
			root := t.TempDir()
			p.write(t, root)
			db := openDuck(t)
			rows, err := db.Query(`SELECT conversation_id, actor_id, octet_length(raw), raw_size FROM ` + lakeDeadLetters(root) + ` ORDER BY "offset"`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			i := 0
			for ; rows.Next(); i++ {
				var conv, user string
				var stored, size int64
				if err := rows.Scan(&conv, &user, &stored, &size); err != nil {
					t.Fatal(err)
				}
				if i >= len(cases) {
					continue
				}
				if c := cases[i]; conv != c.conv || user != c.user {
					t.Errorf("dead letter %d: conversation %q, actor %q; want %q, %q", i, conv, user, c.conv, c.user)
				}
				if i == 2 && (stored != event.MaxEventBytes || size <= stored) {
					t.Errorf("the too-large message kept %d of %d bytes, want it cut at %d", stored, size, event.MaxEventBytes)
				}
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			if i != len(cases) {
				t.Errorf("%d dead letters, want %d", i, len(cases))
			}
		})
	}
}
