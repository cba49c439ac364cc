package produce

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/synth"
)

const partitions = 4

// cluster starts a kfake broker on 127.0.0.1 with one seeded topic.
func cluster(t testing.TB, topic string) []string {
	t.Helper()
	c, err := kfake.NewCluster(kfake.Ports(0), kfake.SeedTopics(partitions, topic))
	if err != nil {
		t.Fatalf("start kfake: %v", err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs()
}

// readAll reads every message of every partition of topic, in offset order per partition.
func readAll(t *testing.T, brokers []string, topic string, want int) map[int][]kafka.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out := map[int][]kafka.Message{}
	total := 0
	for p := range partitions {
		client := &kafka.Client{Addr: kafka.TCP(brokers...)}
		resp, err := client.ListOffsets(ctx, &kafka.ListOffsetsRequest{
			Topics: map[string][]kafka.OffsetRequest{topic: {kafka.LastOffsetOf(p)}},
		})
		if err != nil {
			t.Fatalf("list offsets: %v", err)
		}
		end := resp.Topics[topic][0].LastOffset
		if end == 0 {
			continue
		}
		// A short MaxWait: the partition's end is known, so waiting for more data is pointless.
		r := kafka.NewReader(kafka.ReaderConfig{Brokers: brokers, Topic: topic, Partition: p, MaxBytes: 10 << 20, MaxWait: 100 * time.Millisecond})
		for {
			m, err := r.ReadMessage(ctx)
			if err != nil {
				t.Fatalf("read partition %d: %v", p, err)
			}
			out[p] = append(out[p], m)
			total++
			if m.Offset == end-1 {
				break
			}
		}
		if err := r.Close(); err != nil {
			t.Fatalf("close reader: %v", err)
		}
	}
	if total != want {
		t.Fatalf("read %d messages, want %d", total, want)
	}
	return out
}

func generated(t testing.TB) []*event.Event {
	t.Helper()
	cfg := synth.DefaultConfig()
	cfg.Days, cfg.PerDay = 2, 700 // about 20,000 events: more than one encode chunk
	var evs []*event.Event
	if _, err := synth.Generate(context.Background(), cfg, func(ev *event.Event) error {
		evs = append(evs, ev)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return evs
}

func TestWriteEventsRoundTrip(t *testing.T) {
	const topic = "conversation-events"
	brokers := cluster(t, topic)
	evs := generated(t)
	w := New(Config{Brokers: brokers, Topic: topic})
	ctx := context.Background()
	// A large call (several encode chunks, pipelined) and a small one.
	if len(evs) < encodeChunk+100 {
		t.Fatalf("only %d events: the test must span several chunks", len(evs))
	}
	cut := len(evs) - 100
	if err := w.WriteEvents(ctx, evs[:cut]); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteEvents(ctx, evs[cut:]); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteEvents(ctx, nil); err != nil {
		t.Fatalf("empty write: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	got := readAll(t, brokers, topic, len(evs))
	// Per conversation, the emitted order.
	wantOrder := map[string][][]byte{}
	for _, ev := range evs {
		b, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		wantOrder[ev.ConversationID] = append(wantOrder[ev.ConversationID], b)
	}
	gotOrder := map[string][][]byte{}
	partitionOf := map[string]int{}
	for p, msgs := range got {
		for _, m := range msgs {
			ev, err := event.Decode(m.Value)
			if err != nil {
				t.Fatalf("partition %d offset %d: %v", p, m.Offset, err)
			}
			if string(m.Key) != ev.ConversationID {
				t.Fatalf("key %q, conversation_id %q", m.Key, ev.ConversationID)
			}
			if q, seen := partitionOf[ev.ConversationID]; seen && q != p {
				t.Fatalf("conversation %s split over partitions %d and %d", ev.ConversationID, q, p)
			}
			partitionOf[ev.ConversationID] = p
			gotOrder[ev.ConversationID] = append(gotOrder[ev.ConversationID], m.Value)
		}
	}
	if len(got) != partitions {
		t.Errorf("messages landed in %d of %d partitions", len(got), partitions)
	}
	if len(gotOrder) != len(wantOrder) {
		t.Fatalf("%d conversations read back, %d written", len(gotOrder), len(wantOrder))
	}
	for id, want := range wantOrder {
		have := gotOrder[id]
		if len(have) != len(want) {
			t.Fatalf("conversation %s: %d events read, %d written", id, len(have), len(want))
		}
		for i := range want {
			if !bytes.Equal(have[i], want[i]) {
				t.Fatalf("conversation %s event %d:\n got %s\nwant %s", id, i, have[i], want[i])
			}
		}
	}
}

func TestWriteRaw(t *testing.T) {
	const topic = "raw"
	brokers := cluster(t, topic)
	w := New(Config{Brokers: brokers, Topic: topic})
	t.Cleanup(func() {
		if err := w.Close(); err != nil {
			t.Error(err)
		}
	})
	planted := []kafka.Message{
		{Key: []byte("c1"), Value: []byte(`{"event_id": "x", "type": `)},
		{Key: []byte("c1"), Value: []byte{0xff, 0xfe, 'n', 'o'}},
		{Key: nil, Value: []byte(`[]`)},
	}
	if err := w.WriteRaw(context.Background(), planted); err != nil {
		t.Fatal(err)
	}
	var values [][]byte
	for _, msgs := range readAll(t, brokers, topic, len(planted)) {
		for _, m := range msgs {
			values = append(values, m.Value)
		}
	}
	for _, p := range planted {
		found := false
		for _, v := range values {
			found = found || bytes.Equal(v, p.Value)
		}
		if !found {
			t.Errorf("planted value %q not read back", p.Value)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name  string
		cfg   Config
		field string
	}{
		{"no brokers", Config{Topic: "t"}, "brokers:"},
		{"empty broker", Config{Brokers: []string{"127.0.0.1:9092", ""}, Topic: "t"}, "brokers[1]:"},
		{"no topic", Config{Brokers: []string{"127.0.0.1:9092"}}, "topic:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := New(tt.cfg)
			err := w.WriteEvents(context.Background(), []*event.Event{{EventID: "e"}})
			if err == nil || !strings.Contains(err.Error(), tt.field) {
				t.Fatalf("WriteEvents = %v, want an error naming %q", err, tt.field)
			}
			if err := w.WriteRaw(context.Background(), []kafka.Message{{}}); err == nil {
				t.Fatal("WriteRaw accepted an invalid config")
			}
			if err := w.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
		})
	}
}

func TestWriteTooLarge(t *testing.T) {
	const topic = "large"
	brokers := cluster(t, topic)
	w := New(Config{Brokers: brokers, Topic: topic})
	t.Cleanup(func() { _ = w.Close() })
	huge := []kafka.Message{{Key: []byte("k"), Value: bytes.Repeat([]byte("x"), 2<<20)}}
	err := w.WriteRaw(context.Background(), huge)
	if err == nil || !strings.Contains(err.Error(), "produce: write 1 messages to large") {
		t.Fatalf("WriteRaw of a 2 MiB message = %v, want a wrapped error", err)
	}
	if len(err.Error()) > 500 {
		t.Errorf("error is %d bytes long; want a summary", len(err.Error()))
	}
}

func TestWriteFailsWithoutBroker(t *testing.T) {
	// A port nothing listens on: the broker closed before the write.
	c, err := kfake.NewCluster(kfake.Ports(0), kfake.SeedTopics(1, "gone"))
	if err != nil {
		t.Fatal(err)
	}
	addrs := c.ListenAddrs()
	c.Close()
	w := New(Config{Brokers: addrs, Topic: "gone"})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = w.WriteEvents(ctx, generated(t)[:10])
	if err == nil || !strings.Contains(err.Error(), "produce: write 10 messages to gone") {
		t.Fatalf("WriteEvents = %v, want a wrapped write error", err)
	}
	if err := w.Close(); err != nil {
		t.Logf("close after failure: %v", err)
	}
}

func BenchmarkWriteEvents(b *testing.B) {
	const topic = "bench"
	brokers := cluster(b, topic)
	cfg := synth.DefaultConfig()
	cfg.Days, cfg.PerDay = 3, 2000
	var evs []*event.Event
	if _, err := synth.Generate(context.Background(), cfg, func(ev *event.Event) error {
		evs = append(evs, ev)
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	w := New(Config{Brokers: brokers, Topic: topic})
	b.Cleanup(func() { _ = w.Close() })
	n := 0
	for b.Loop() {
		for i := 0; i < len(evs); i += 50_000 {
			if err := w.WriteEvents(context.Background(), evs[i:min(len(evs), i+50_000)]); err != nil {
				b.Fatal(err)
			}
		}
		n += len(evs)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
}
