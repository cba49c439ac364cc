package ingest

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/parley-cx/parley/internal/broker"
	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/lake"
)

const testTopic = "conversation-events"

// startBroker starts an embedded broker for one test.
func startBroker(t testing.TB, partitions int32) *broker.Broker {
	t.Helper()
	b, err := broker.Start(context.Background(), broker.Config{Partitions: partitions, Topics: []string{testTopic}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return b
}

// produce writes msgs to the topic, spreading them over partitions by key.
func produce(t testing.TB, addr string, msgs []kafka.Message) {
	t.Helper()
	if err := produceErr(addr, msgs); err != nil {
		t.Fatal(err)
	}
}

// produceErr is produce for goroutines other than the test's own.
func produceErr(addr string, msgs []kafka.Message) error {
	w := &kafka.Writer{
		Addr:         kafka.TCP(addr),
		Topic:        testTopic,
		Balancer:     &kafka.Hash{},
		BatchSize:    1000,
		BatchTimeout: 5 * time.Millisecond,
		RequiredAcks: kafka.RequireAll,
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := w.WriteMessages(ctx, msgs...); err != nil {
		return errors.Join(fmt.Errorf("produce: %w", err), w.Close())
	}
	return w.Close()
}

// mixedMessages returns valid events (some sent twice) with bad messages
// mixed in, and how many of each kind there are.
func mixedMessages(t testing.TB, valid int) (msgs []kafka.Message, dups int, bad map[event.Reason]int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, 7))
	bad = make(map[event.Reason]int)
	inputs := badInputs()
	for i := range valid {
		ev := testEvent(rng, i, i%97)
		m := kafka.Message{Key: []byte(ev.ConversationID), Value: mustJSON(t, ev)}
		msgs = append(msgs, m)
		if i%40 == 0 { // a producer retry: the same event delivered again
			msgs = append(msgs, m)
			dups++
		}
		if i%33 == 5 {
			in := inputs[i%len(inputs)]
			msgs = append(msgs, kafka.Message{Key: []byte(fmt.Sprint("bad", i)), Value: in.raw})
			bad[in.reason]++
		}
	}
	return msgs, dups, bad
}

func TestRunEndToEnd(t *testing.T) {
	const valid = 3000
	b := startBroker(t, 3)
	msgs, dups, bad := mixedMessages(t, valid)
	produce(t, b.Addr(), msgs)
	totalBad := 0
	for _, n := range bad {
		totalBad += n
	}

	cfg := Config{
		Brokers:   []string{b.Addr()},
		Topic:     testTopic,
		Lake:      t.TempDir(),
		FlushRows: 400,
		UntilIdle: time.Second,
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st, err := Run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if st.Events != valid+int64(dups) || st.DeadLetters != int64(totalBad) {
		t.Fatalf("stats %+v, want %d events and %d dead letters", st, valid+dups, totalBad)
	}

	db := openDuck(t)
	if n := queryInt(t, db, "SELECT count(*) FROM "+lakeEvents(cfg.Lake)); n != int64(valid+dups) {
		t.Errorf("lake rows = %d, want %d", n, valid+dups)
	}
	if n := queryInt(t, db, "SELECT count(DISTINCT event_id) FROM "+lakeEvents(cfg.Lake)); n != valid {
		t.Errorf("distinct events = %d, want %d", n, valid)
	}
	for reason, want := range bad {
		q := fmt.Sprintf("SELECT count(*) FROM %s WHERE reason = '%s' AND source = '%s'", lakeDeadLetters(cfg.Lake), reason, testTopic)
		if n := queryInt(t, db, q); n != int64(want) {
			t.Errorf("dead letters with reason %s = %d, want %d", reason, n, want)
		}
	}
	assertExactlyOnce(t, db, cfg.Lake, int64(len(msgs)))
	assertNoTempFiles(t, cfg.Lake)

	// A second run finds everything in the lake and must add nothing.
	st, err = Run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if st.Events != 0 || st.DeadLetters != 0 {
		t.Errorf("second run wrote %+v, want nothing", st)
	}
	assertExactlyOnce(t, db, cfg.Lake, int64(len(msgs)))
}

// assertExactlyOnce checks that events and dead letters together hold every
// produced offset of every partition exactly once: no loss, no duplicate.
func assertExactlyOnce(t *testing.T, db *sql.DB, root string, produced int64) {
	t.Helper()
	var parts []string
	for _, glob := range []string{lake.EventsGlob(root), lake.DeadLetterGlob(root)} {
		if m, _ := filepath.Glob(glob); len(m) > 0 {
			parts = append(parts, fmt.Sprintf(`SELECT source, partition, "offset" FROM read_parquet('%s')`, glob))
		}
	}
	if len(parts) == 0 {
		t.Fatalf("lake %s is empty, want %d offsets", root, produced)
	}
	q := `WITH o AS (` + strings.Join(parts, " UNION ALL ") + `),
	per AS (SELECT partition, count(*) AS n, count(DISTINCT "offset") AS d, min("offset") AS lo, max("offset") AS hi FROM o GROUP BY partition)
	SELECT coalesce(sum(n), 0), coalesce(sum(d), 0), coalesce(sum(hi - lo + 1), 0), coalesce(max(lo), 0) FROM per`
	var rows, distinct, span, maxLow int64
	if err := db.QueryRow(q).Scan(&rows, &distinct, &span, &maxLow); err != nil {
		t.Fatal(err)
	}
	if rows != produced || distinct != produced || span != produced || maxLow != 0 {
		t.Errorf("lake holds %d offsets (%d distinct, spanning %d, lowest start %d), want exactly the %d produced from 0", rows, distinct, span, maxLow, produced)
	}
}

// TestRunLogsElapsed: the "ingest stopped" log line carries the run's
// elapsed time, which includes the idle wait, not the "0s" it had when the
// summary was logged before Run timed it.
func TestRunLogsElapsed(t *testing.T) {
	b := startBroker(t, 1)
	msgs, _, _ := mixedMessages(t, 50)
	produce(t, b.Addr(), msgs)
	var logs bytes.Buffer
	st, err := runIngest(t, Config{Brokers: []string{b.Addr()}, Lake: t.TempDir(), Log: testLogger(&logs)})
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`msg="ingest stopped" summary="[^"]* in ([^" ;]+)`).FindStringSubmatch(logs.String())
	if m == nil {
		t.Fatalf("no summary in the log:\n%s", logs.String())
	}
	logged, err := time.ParseDuration(m[1])
	if err != nil {
		t.Fatal(err)
	}
	// The run waited a whole UntilIdle (1s) before stopping; the summary is
	// logged before Run returns, so it cannot exceed st.Elapsed (both are
	// printed rounded to the millisecond).
	if logged < time.Second || logged > st.Elapsed.Round(time.Millisecond) {
		t.Errorf("summary logged %s, want between the idle wait (1s) and the run's %s", logged, st.Elapsed)
	}
}
