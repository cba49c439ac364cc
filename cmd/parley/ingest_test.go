package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/parley-cx/parley/internal/broker"
	"github.com/parley-cx/parley/internal/objstore/s3test"
)

// TestIngestAndCompactCommands runs ingest then compact through the CLI,
// on a lake folder and on a bucket (--lake s3://, --s3-endpoint).
func TestIngestAndCompactCommands(t *testing.T) {
	for _, kind := range []string{"folder", "bucket"} {
		t.Run(kind, func(t *testing.T) { ingestAndCompact(t, kind) })
	}
}

func ingestAndCompact(t *testing.T, kind string) {
	b, err := broker.Start(context.Background(), broker.Config{Partitions: 2, Topics: []string{"events"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	w := &kafka.Writer{Addr: kafka.TCP(b.Addr()), Topic: "events", BatchTimeout: time.Millisecond}
	var msgs []kafka.Message
	for i := range 50 {
		msgs = append(msgs, kafka.Message{Value: fmt.Appendf(nil, `{"event_id":"e%d","conversation_id":"c%d","type":"resolved","occurred_at":"2026-03-0%dT10:00:00Z"}`, i, i%5, 1+i%3)})
	}
	msgs = append(msgs, kafka.Message{Value: []byte("not json")})
	if err := w.WriteMessages(context.Background(), msgs...); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	lakeDir := t.TempDir()
	lakeArgs := []string{"--lake", lakeDir}
	// files lists the complete events files: in the folder, or in a fresh
	// copy of the bucket made as build makes it.
	files := func() []string {
		m, _ := filepath.Glob(filepath.Join(lakeDir, "events", "date=*", "*.parquet"))
		return m
	}
	if kind == "bucket" {
		srv := s3test.Start(t, s3test.Options{})
		srv.SetEnv(t)
		lakeArgs = []string{"--lake", srv.LakeURL("lake"), "--s3-endpoint", srv.Endpoint}
		files = func() []string {
			cache := t.TempDir()
			mustParley(t, append([]string{"build", "--db", filepath.Join(cache, "w.duckdb"), "--cache", cache}, lakeArgs...)...)
			m, _ := filepath.Glob(filepath.Join(cache, "events", "date=*", "*.parquet"))
			return m
		}
	}
	run := func(args ...string) (string, error) { return parleyCombined(t, append(args, lakeArgs...)...) }
	// The run lasts at least --until-idle, so the progress line comes at least once.
	out, err := run("ingest", "--brokers", b.Addr(), "--topic", "events", "--flush-rows", "10", "--until-idle", "1s", "--metrics-addr", "127.0.0.1:0", "--progress-every", "100ms")
	if err != nil {
		t.Fatalf("ingest: %v\n%s", err, out)
	}
	if !strings.Contains(out, "ingested 50 events, 1 dead letters") {
		t.Errorf("ingest output does not report 50 events and 1 dead letter:\n%s", out)
	}
	// Without -v: where the metrics are and the progress, in words; no INFO log.
	if !regexp.MustCompile(`(?m)^serving metrics at http://127\.0\.0\.1:\d+/metrics$`).MatchString(out) ||
		!regexp.MustCompile(`(?m)^read \d+ messages/s, lag by partition .+; \d+ read, \d+ events written, \d+ dead letters, \d+ files$`).MatchString(out) ||
		strings.Contains(out, "level=INFO") {
		t.Errorf("ingest printed:\n%s\nwant where it serves metrics and its progress in words, and no INFO log", out)
	}
	if out, err := run("ingest", "--brokers", b.Addr(), "--topic", "events", "--until-idle", "1s", "-v"); err != nil || !strings.Contains(out, `level=INFO msg="partitions assigned"`) {
		t.Errorf("ingest -v: %v\n%s\nwant its steps logged", err, out)
	}
	// compact logs each merge with -v only; by default it prints the summary alone.
	if out, err := run("compact", "--dry-run", "-v"); err != nil || !strings.Contains(out, "level=INFO msg=merge ") {
		t.Errorf("compact --dry-run -v: %v\n%s\nwant each merge logged", err, out)
	}
	before := files()
	out, err = run("compact")
	if err != nil {
		t.Fatalf("compact: %v\n%s", err, out)
	}
	if !strings.HasPrefix(out, "compacted: ") || strings.Count(out, "\n") != 1 {
		t.Errorf("compact printed:\n%s\nwant the summary line alone", out)
	}
	after := files()
	if len(after) >= len(before) || len(after) > 6 {
		t.Errorf("compact left %d of %d files, want at most one per partition and date (6)", len(after), len(before))
	}
}

func TestIngestCommandRejectsBadFlags(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"ingest", "--topic", "t", "--lake", "l"}, "--brokers: at least one"},
		{[]string{"ingest", "--brokers", "h:1", "--topic", "a/b", "--lake", "l"}, "--topic:"},
		{[]string{"ingest", "--brokers", "h:1", "--topic", "t", "--lake", "l", "--sasl-mechanism", "GSSAPI", "--sasl-user", "u"}, "--sasl-mechanism: must be"},
		{[]string{"ingest", "--brokers", "h:1", "--topic", "t", "--lake", "l", "--tls-ca", "ca.pem"}, "need TLS"},
		{[]string{"ingest", "--brokers", "h:1", "--topic", "t", "--lake", "l", "--reset-partition", "three"}, "--reset-partition: \"three\": want a partition number or all"},
		{[]string{"ingest", "--brokers", "h:1", "--topic", "t", "--lake", "l", "--reset-partition", "3=oldest"}, "must be earliest or latest"},
		{[]string{"import", "x.jsonl"}, "--lake is required"},
		{[]string{"compact"}, "--lake is required"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			_, err := parley(t, tc.args...)
			var ue usageError
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want a usage error containing %q", err, tc.want)
			}
		})
	}
}

// TestIngestCommandStopsAtRecreatedTopic deletes and recreates the topic
// under a lake that read it: ingest must fail naming --reset-partition
// instead of reporting "ingested 0 events", and succeed with it.
func TestIngestCommandStopsAtRecreatedTopic(t *testing.T) {
	b, err := broker.Start(context.Background(), broker.Config{Partitions: 1, Topics: []string{"events"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	produceEvents := func(first, n int) {
		t.Helper()
		w := &kafka.Writer{Addr: kafka.TCP(b.Addr()), Topic: "events", BatchTimeout: time.Millisecond}
		var msgs []kafka.Message
		for i := first; i < first+n; i++ {
			msgs = append(msgs, kafka.Message{Value: fmt.Appendf(nil, `{"event_id":"e%d","conversation_id":"c%d","type":"resolved","occurred_at":"2026-03-01T10:00:00Z"}`, i, i)})
		}
		if err := errors.Join(w.WriteMessages(context.Background(), msgs...), w.Close()); err != nil {
			t.Fatal(err)
		}
	}
	run := func(args ...string) (string, error) { return parleyCombined(t, args...) }
	lakeDir := t.TempDir()
	ingestArgs := []string{"ingest", "--brokers", b.Addr(), "--topic", "events", "--lake", lakeDir, "--until-idle", "1s"}
	produceEvents(0, 20)
	if out, err := run(ingestArgs...); err != nil {
		t.Fatalf("ingest: %v\n%s", err, out)
	}
	admin := &kafka.Client{Addr: kafka.TCP(b.Addr())}
	ctx := context.Background()
	if res, err := admin.DeleteTopics(ctx, &kafka.DeleteTopicsRequest{Topics: []string{"events"}}); err != nil || res.Errors["events"] != nil {
		t.Fatalf("delete topic: %v %v", err, res)
	}
	if res, err := admin.CreateTopics(ctx, &kafka.CreateTopicsRequest{Topics: []kafka.TopicConfig{{Topic: "events", NumPartitions: 1, ReplicationFactor: 1}}}); err != nil || res.Errors["events"] != nil {
		t.Fatalf("create topic: %v %v", err, res)
	}
	produceEvents(100, 3)

	out, err := run(ingestArgs...)
	if err == nil || !strings.Contains(err.Error(), "--reset-partition 0") || !strings.Contains(out, "level=ERROR") {
		t.Fatalf("ingest over a recreated topic: err %v, want an error naming --reset-partition 0 and an ERROR log\n%s", err, out)
	}
	out, err = run(append(ingestArgs, "--reset-partition", "all")...)
	if err != nil || !strings.Contains(out, "ingested 3 events") {
		t.Fatalf("ingest --reset-partition all: %v, want the 3 new events\n%s", err, out)
	}
}

// TestIngestUntilIdleFailsWithoutBroker: a batch run (--until-idle) against
// an address where no broker listens used to retry joining the group until
// killed, so a cron job hung. It exits 1 (not a usage error) after
// --join-timeout, by default the longer of --until-idle and twice
// --session-timeout, with an error naming the brokers.
func TestIngestUntilIdleFailsWithoutBroker(t *testing.T) {
	addr, err := broker.ClosedAddr()
	if err != nil {
		t.Fatal(err)
	}
	lakeDir := t.TempDir()
	type result struct {
		out string
		err error
	}
	done := make(chan result, 1)
	go func() {
		out, err := parleyCombined(t, "ingest", "--brokers", addr, "--topic", "t", "--lake", lakeDir, "--until-idle", "1s", "--session-timeout", "1s")
		done <- result{out, err}
	}()
	var r result
	select {
	case r = <-done:
	case <-time.After(time.Minute): // only so that a run that never ends fails the test
		t.Fatal("ingest --until-idle without a broker still running after a minute")
	}
	out, err := r.out, r.err
	var ue usageError
	if err == nil || errors.As(err, &ue) || !strings.Contains(err.Error(), "could not join the consumer group parley-ingest at "+addr) {
		t.Errorf("ingest without a broker: %v, want exit status 1 saying the group could not be joined at %s\n%s", err, addr, out)
	}
}
