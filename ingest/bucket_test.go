package ingest

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parley-cx/parley/internal/lake"
	"github.com/parley-cx/parley/internal/objstore"
	"github.com/parley-cx/parley/internal/objstore/s3test"
)

// openTestBucket opens the bucket lake l as one process would.
func openTestBucket(t *testing.T, l testLake) *objstore.Bucket {
	t.Helper()
	b, err := OpenBucket(context.Background(), l.Root, l.S3())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBucketPublishFencesStaleOwner plays the zombie of a rebalance on a
// bucket, with bucketLakes as the processes: the new owner's claim makes
// the old owner's next commit fail (412 on the checkpoint's If-Match), the
// old owner's staged objects are deleted, and a batch an owner committed
// but did not copy into place is finished by the next owner's recovery.
// Offsets 0-29 end in the lake exactly once.
func TestBucketPublishFencesStaleOwner(t *testing.T) {
	ctx := context.Background()
	l := newTestLake(t, "bucket")
	const topic = "t"
	rng := rand.New(rand.NewPCG(1, 2))
	batchOf := func(first, last, after int64) *batch {
		b := newBatch(topic, 0)
		for off := first; off <= last; off++ {
			b.add(mustJSON(t, testEvent(rng, int(off), int(off%3))), nil, off, time.Now())
		}
		b.after = after
		return b
	}
	owner := func() *bucketLake {
		bl, err := newBucketLake(ctx, openTestBucket(t, l), topic, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { bl.close() })
		return bl
	}
	old, cur, next := owner(), owner(), owner()
	if cp, _, err := old.recover(ctx, 0); err != nil || cp.NextOffset != -1 {
		t.Fatalf("first claim: %+v %v", cp, err)
	}
	if _, err := old.publish(ctx, batchOf(0, 9, -1)); err != nil {
		t.Fatal(err)
	}
	if cp, _, err := cur.recover(ctx, 0); err != nil || cp.NextOffset != 10 {
		t.Fatalf("new owner's claim: %+v %v", cp, err)
	}
	// The old owner still believes it owns the partition at 10.
	if _, err := old.publish(ctx, batchOf(10, 19, 10)); !errors.Is(err, errFenced) {
		t.Fatalf("stalled old owner's publish: %v, want fenced", err)
	}
	if _, err := cur.publish(ctx, batchOf(10, 14, 10)); err != nil {
		t.Fatalf("new owner's publish: %v", err)
	}
	// The new owner commits 15-29 and "crashes" before copying it into place.
	testHookCommitted = func() error { return errors.New("simulated crash after the commit") }
	_, err := cur.publish(ctx, batchOf(15, 29, 15))
	testHookCommitted = nil
	if err == nil {
		t.Fatal("the hook did not stop the publish")
	}
	cp, removed, err := next.recover(ctx, 0)
	if err != nil || cp.NextOffset != 30 || cp.Pending != nil || removed != 0 {
		t.Fatalf("third owner's claim: next %d, pending %v, removed %d, %v; want 30, none, 0", cp.NextOffset, cp.Pending, removed, err)
	}
	dir := l.Local(t) // also fails on anything left staged
	db := openDuck(t)
	if n, distinct := queryInt(t, db, "SELECT count(*) FROM "+lakeEvents(dir)),
		queryInt(t, db, "SELECT count(DISTINCT \"offset\") FROM "+lakeEvents(dir)); n != 30 || distinct != 30 {
		t.Errorf("lake holds %d rows with %d distinct offsets, want 30 and 30", n, distinct)
	}
}

// TestRunOnBucket: Run into s3://bucket/prefix: every offset exactly once
// (rows, dead letters), nothing left staged, the checkpoints settled; a
// second run adds nothing.
func TestRunOnBucket(t *testing.T) {
	b := startBroker(t, 3)
	msgs, _, _ := mixedMessages(t, 900)
	produce(t, b.Addr(), msgs)
	l := newTestLake(t, "bucket")
	for run := range 2 {
		st, err := runIngest(t, Config{Brokers: []string{b.Addr()}, Lake: l.Root, S3: l.S3(), FlushRows: 200})
		if err != nil {
			t.Fatal(err)
		}
		want := int64(len(msgs))
		if run == 1 {
			want = 0
		}
		if got := st.Events + st.DeadLetters; got != want {
			t.Errorf("run %d wrote %d messages, want %d", run+1, got, want)
		}
	}
	assertExactlyOnce(t, openDuck(t), l.Local(t), int64(len(msgs)))
	bk := openTestBucket(t, l)
	for p := range int32(3) {
		bl := &bucketLake{b: bk, topic: testTopic}
		cp, _, ok, err := bl.readCheckpoint(context.Background(), p)
		if err != nil || !ok || cp.Pending != nil || cp.Owner == "" || cp.NextOffset <= 0 {
			t.Errorf("partition %d checkpoint %+v (found %v, %v): want settled, claimed, advanced", p, cp, ok, err)
		}
	}
}

// TestRunRefusesBucketWithoutConditionalWrites: a store that ignores
// If-None-Match and If-Match is refused before anything is read, by name.
func TestRunRefusesBucketWithoutConditionalWrites(t *testing.T) {
	b := startBroker(t, 1)
	srv := s3test.Start(t, s3test.Options{IgnoreConditions: true})
	srv.SetEnv(t)
	_, err := Run(context.Background(), Config{Brokers: []string{b.Addr()}, Topic: testTopic, Lake: srv.LakeURL("x"), S3: objstore.Options{Endpoint: srv.Endpoint}})
	if !errors.Is(err, objstore.ErrNoConditionalWrites) || !strings.Contains(err.Error(), "If-None-Match") {
		t.Fatalf("Run on a store without conditional writes: %v, want ErrNoConditionalWrites naming the header", err)
	}
}

// TestImportOnBucket: an input imported into a bucket lands whole, with its
// record and nothing left staged; importing it again writes nothing; four
// imports of one new input at once publish it exactly once (the record is
// created with If-None-Match: *, and the losers delete what they staged).
func TestImportOnBucket(t *testing.T) {
	ctx := context.Background()
	l := newTestLake(t, "bucket")
	data, bad := importInput(t, 500)
	in := writeInput(t, t.TempDir(), "history.jsonl", data)
	cfg := ImportConfig{Lake: l.Root, S3: l.S3(), Inputs: []string{in}}
	st, err := Import(ctx, cfg)
	if err != nil || st.Events != 501 || st.DeadLetters != int64(len(bad)) {
		t.Fatalf("import: %+v %v, want 501 events (one repeated by the input) and %d dead letters", st, err, len(bad))
	}
	if again, err := Import(ctx, cfg); err != nil || again.AlreadyImported != 1 || again.Files != 0 {
		t.Fatalf("second import: %+v %v, want the input recognised and nothing written", again, err)
	}
	other := writeInput(t, t.TempDir(), "other.jsonl", data[:len(data)/2])
	var wg sync.WaitGroup
	results := make([]ImportStats, 4)
	for i := range results {
		wg.Go(func() {
			var err error
			if results[i], err = Import(ctx, ImportConfig{Lake: l.Root, S3: l.S3(), Inputs: []string{other}}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	published := 0
	for _, r := range results {
		if r.AlreadyImported == 0 {
			published++
		}
	}
	if published != 1 {
		t.Errorf("%d of 4 concurrent imports of one input published it, want 1: %+v", published, results)
	}
	dir := l.Local(t) // fails on anything left staged
	db := openDuck(t)
	rows := queryInt(t, db, "SELECT count(*) FROM "+lakeEvents(dir))
	distinct := queryInt(t, db, `SELECT count(DISTINCT (source, "offset")) FROM `+lakeEvents(dir))
	if rows != distinct || rows <= 500 {
		t.Errorf("lake holds %d rows of %d distinct (source, line): an input landed twice", rows, distinct)
	}
}

// TestBucketReset: --reset-partition on a bucket appends its audit line to
// the bucket's log and moves the checkpoint to the next epoch under the
// claim; a process whose claim was taken over cannot reset.
func TestBucketReset(t *testing.T) {
	ctx := context.Background()
	l := newTestLake(t, "bucket")
	owner := func() *bucketLake {
		bl, err := newBucketLake(ctx, openTestBucket(t, l), "t", nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { bl.close() })
		return bl
	}
	old, cur := owner(), owner()
	cp, _, err := old.recover(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := cur.recover(ctx, 0); err != nil {
		t.Fatal(err)
	}
	next := checkpoint{Topic: "t", Partition: 0, NextOffset: -1, Epoch: 1, Owner: cp.Owner}
	if err := old.reset(ctx, 0, cp, next, lake.NewAuditEntry("reset-partition", "", false, time.Now())); !errors.Is(err, errFenced) {
		t.Fatalf("reset by a fenced owner: %v, want fenced", err)
	}
	cp, _, _, err = cur.readCheckpoint(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	next.Owner = cp.Owner
	if err := cur.reset(ctx, 0, cp, next, lake.NewAuditEntry("reset-partition", "", false, time.Now())); err != nil {
		t.Fatal(err)
	}
	got, _, _, err := cur.readCheckpoint(ctx, 0)
	if err != nil || got.Epoch != 1 || got.NextOffset != -1 {
		t.Fatalf("checkpoint after the reset: %+v %v", got, err)
	}
	entries, err := lake.ReadAuditBucket(ctx, openTestBucket(t, l))
	if err != nil || len(entries) != 1 || entries[0].Action != "reset-partition" {
		t.Fatalf("audit log %+v (%v): want one line, the reset that happened", entries, err)
	}
}

// TestBucketAnswerLost: a conditional write lands but its answer is lost,
// so the retry's write is refused (412) because the first one changed the
// checkpoint. For the commit, the process recognises its own batch there
// and finishes it, instead of taking the refusal for a fence and deleting
// the staged files a committed checkpoint names; for the settle, it
// carries on from the settled checkpoint instead of fencing itself at the
// next batch. Both batches end in the lake once.
func TestBucketAnswerLost(t *testing.T) {
	ctx := context.Background()
	l := newTestLake(t, "bucket")
	rng := rand.New(rand.NewPCG(5, 6))
	batchOf := func(first, last, after int64) *batch {
		b := newBatch("t", 0)
		for off := first; off <= last; off++ {
			b.add(mustJSON(t, testEvent(rng, int(off), 1)), nil, off, time.Now())
		}
		b.after = after
		return b
	}
	bl, err := newBucketLake(ctx, openTestBucket(t, l), "t", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bl.close() })
	if _, _, err := bl.recover(ctx, 0); err != nil {
		t.Fatal(err)
	}
	lost := func() error { return errors.New("connection reset (the answer was lost)") }
	for _, hook := range []*func() error{&testHookCommitted, &testHookSettled} {
		b := batchOf(0, 9, -1)
		if hook == &testHookSettled {
			b = batchOf(10, 19, 10)
		}
		*hook = lost
		_, err = bl.publish(ctx, b)
		*hook = nil
		if err == nil {
			t.Fatal("the hook did not fail the publish")
		}
		if _, err := bl.publish(ctx, b); err != nil {
			t.Fatalf("retry after a lost answer: %v", err)
		}
	}
	if _, err := bl.publish(ctx, batchOf(20, 24, 20)); err != nil {
		t.Fatalf("the next batch after a lost settle: %v", err)
	}
	cp, _, _, err := bl.readCheckpoint(ctx, 0)
	if err != nil || cp.NextOffset != 25 || cp.Pending != nil {
		t.Fatalf("checkpoint %+v (%v), want 25, settled", cp, err)
	}
	if n := queryInt(t, openDuck(t), "SELECT count(*) FROM "+lakeEvents(l.Local(t))); n != 25 {
		t.Errorf("lake holds %d rows, want 25", n)
	}
}

// TestBucketClaimCrashKeepsPendingBatch: an owner commits a batch and dies
// before copying it; the next owner claims the partition and dies before
// finishing it; a process starting meanwhile sweeps the bucket. The third
// owner still finds the batch where its committer staged it and puts it
// in place: exactly once.
func TestBucketClaimCrashKeepsPendingBatch(t *testing.T) {
	ctx := context.Background()
	l := newTestLake(t, "bucket")
	rng := rand.New(rand.NewPCG(7, 8))
	b := newBatch("t", 0)
	for off := range int64(10) {
		b.add(mustJSON(t, testEvent(rng, int(off), 1)), nil, off, time.Now())
	}
	b.after = -1
	owner := func() *bucketLake {
		bl, err := newBucketLake(ctx, openTestBucket(t, l), "t", nil) // sweeps the bucket, as every process start does
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { bl.close() })
		return bl
	}
	first := owner()
	if _, _, err := first.recover(ctx, 0); err != nil {
		t.Fatal(err)
	}
	testHookCommitted = func() error { return errors.New("crash after the commit") }
	_, err := first.publish(ctx, b)
	testHookCommitted = nil
	if err == nil {
		t.Fatal("the hook did not stop the publish")
	}
	testHookClaimed = func() error { return errors.New("crash after the claim") }
	_, _, err = owner().recover(ctx, 0)
	testHookClaimed = nil
	if err == nil {
		t.Fatal("the hook did not stop the claim")
	}
	cp, _, err := owner().recover(ctx, 0)
	if err != nil || cp.NextOffset != 10 || cp.Pending != nil {
		t.Fatalf("third owner's claim: %+v %v; want 10, finished", cp, err)
	}
	if n := queryInt(t, openDuck(t), "SELECT count(*) FROM "+lakeEvents(l.Local(t))); n != 10 {
		t.Errorf("lake holds %d rows, want 10", n)
	}
}
