package ingest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/parley-cx/parley/internal/lake"
)

// TestRunRetriesWhileLakeUnwritable blocks the lake (a file where the events
// directory belongs, which even root cannot write through), checks ingest
// keeps retrying without committing, then unblocks it and checks that
// everything lands exactly once.
func TestRunRetriesWhileLakeUnwritable(t *testing.T) {
	b := startBroker(t, 2)
	msgs, _, _ := mixedMessages(t, 400)
	produce(t, b.Addr(), msgs)
	lakeDir := t.TempDir()
	blocker := filepath.Join(lakeDir, lake.EventsDir)
	if err := os.WriteFile(blocker, []byte("not a directory"), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type result struct {
		st  Stats
		err error
	}
	done := make(chan result, 1)
	go func() {
		st, err := Run(ctx, Config{Brokers: []string{b.Addr()}, Topic: testTopic, Lake: lakeDir, FlushRows: 100, FlushInterval: 200 * time.Millisecond, Metrics: m})
		done <- result{st, err}
	}()
	waitFor(t, "flush failures", func() bool { return counterValue(t, m.flushErrors) >= 3 })
	for p := range int32(2) {
		cp, ok, err := readCheckpoint(lakeDir, testTopic, p)
		if err != nil || (ok && cp.NextOffset > 0) {
			t.Fatalf("partition %d checkpoint advanced to %+v (%v) while the lake was unwritable", p, cp, err)
		}
	}
	if err := os.Remove(blocker); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "every message written", func() bool {
		return counterValue(t, m.events)+sumDead(t, m) == float64(len(msgs))
	})
	cancel()
	res := <-done
	if res.err != nil {
		t.Fatal(res.err)
	}
	assertExactlyOnce(t, openDuck(t), lakeDir, int64(len(msgs)))
}

func sumDead(t *testing.T, m *Metrics) float64 {
	t.Helper()
	ch := make(chan prometheus.Metric, 16)
	m.deadLetters.Collect(ch)
	close(ch)
	var sum float64
	for c := range ch {
		sum += counterValue(t, c)
	}
	return sum
}

// waitFor polls cond for up to 30 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
