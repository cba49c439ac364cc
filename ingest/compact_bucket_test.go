package ingest

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/parley-cx/parley/internal/lake"
)

// TestCompactBucket compacts a lake in a bucket, crashing it once while
// its journal is prepared and once right after the switch: a reader that
// follows journals (the build's sync) sees exactly the same rows at every
// moment, a reader that lists objects directly sees the duplicates the
// docs describe, and the next compact finishes the job. At the end one
// file per Kafka partition and date remains, with the same rows.
func TestCompactBucket(t *testing.T) {
	ctx := context.Background()
	br := startBroker(t, 2)
	msgs, _, _ := mixedMessages(t, 1200)
	produce(t, br.Addr(), msgs)
	l := newTestLake(t, "bucket")
	if _, err := runIngest(t, Config{Brokers: []string{br.Addr()}, Lake: l.Root, S3: l.S3(), FlushRows: 60}); err != nil {
		t.Fatal(err)
	}
	db := openDuck(t)
	fingerprint := func(dir string) string {
		t.Helper()
		var fp string
		q := `SELECT count(*) || ':' || sum(hash(source, partition, "offset", event_id, message_text, occurred_at)) FROM ` + lakeEvents(dir)
		if err := db.QueryRow(q).Scan(&fp); err != nil {
			t.Fatal(err)
		}
		return fp
	}
	b := openTestBucket(t, l)
	listed := func() int {
		t.Helper()
		objs, err := b.List(ctx, lake.EventsDir+"/")
		if err != nil {
			t.Fatal(err)
		}
		return len(objs)
	}
	before, filesBefore := fingerprint(l.Local(t)), listed()

	dry, err := Compact(ctx, CompactConfig{Lake: l.Root, S3: l.S3(), DryRun: true})
	if err != nil || dry.FilesBefore != filesBefore || listed() != filesBefore {
		t.Fatalf("dry run: %+v %v, %d objects now; want all %d planned and none changed", dry, err, listed(), filesBefore)
	}

	for _, crashAt := range []string{lake.JournalPrepared, lake.JournalCommitted} {
		testHookBucketJournal = func(state string) error {
			if state == crashAt {
				return errors.New("simulated crash")
			}
			return nil
		}
		_, err := Compact(ctx, CompactConfig{Lake: l.Root, S3: l.S3()})
		testHookBucketJournal = nil
		if err == nil || !strings.Contains(err.Error(), "simulated crash") {
			t.Fatalf("crash at %s: %v", crashAt, err)
		}
		journals, _, err := lake.ReadJournals(ctx, b)
		if err != nil || len(journals) != 1 {
			t.Fatalf("crash at %s left %d journals (%v), want 1", crashAt, len(journals), err)
		}
		if got := fingerprint(l.Local(t)); got != before {
			t.Errorf("crash at %s: a reader following the journal sees %s, want %s", crashAt, got, before)
		}
		if crashAt == lake.JournalPrepared && listed() <= filesBefore {
			t.Errorf("crash while prepared: %d objects listed, want more than %d (the merged files beside their inputs, as documented)", listed(), filesBefore)
		}
	}
	st, err := Compact(ctx, CompactConfig{Lake: l.Root, S3: l.S3()})
	if err != nil {
		t.Fatal(err)
	}
	if journals, _, _ := lake.ReadJournals(ctx, b); len(journals) != 0 {
		t.Errorf("journals left: %v", journals)
	}
	if got := fingerprint(l.Local(t)); got != before {
		t.Errorf("compacted lake %s, want %s", got, before)
	}
	days := map[string]bool{}
	objs, _ := b.List(ctx, lake.EventsDir+"/")
	for _, o := range objs {
		days[o.Key[:strings.LastIndexByte(o.Key, '/')]] = true
	}
	if want := len(days) * 2; len(objs) != want {
		t.Errorf("compact %+v left %d objects, want %d (one per partition and date)", st, len(objs), want)
	}
	// Ingest resumes after compaction as before.
	more, _, _ := mixedMessages(t, 100)
	produce(t, br.Addr(), more)
	if _, err := runIngest(t, Config{Brokers: []string{br.Addr()}, Lake: l.Root, S3: l.S3(), FlushRows: 60}); err != nil {
		t.Fatal(err)
	}
	assertExactlyOnce(t, db, l.Local(t), int64(len(msgs)+len(more)))
}
