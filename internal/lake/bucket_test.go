package lake_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parley-cx/parley/internal/lake"
	"github.com/parley-cx/parley/internal/objstore"
	"github.com/parley-cx/parley/internal/objstore/s3test"
)

func testBucket(t *testing.T) *objstore.Bucket {
	t.Helper()
	srv := s3test.Start(t, s3test.Options{})
	srv.SetEnv(t)
	b, err := lake.OpenBucket(context.Background(), srv.LakeURL("lake"), objstore.Options{Endpoint: srv.Endpoint})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func put(t *testing.T, b *objstore.Bucket, key, body string) {
	t.Helper()
	if _, err := b.PutBytes(context.Background(), key, []byte(body), objstore.Condition{}); err != nil {
		t.Fatal(err)
	}
}

// TestAppendAuditBucketConcurrently: appends racing from many writers
// never lose a line (each append is a conditional rewrite that retries).
func TestAppendAuditBucketConcurrently(t *testing.T) {
	ctx := context.Background()
	b := testBucket(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			e := lake.NewAuditEntry("erase", "r"+string(rune('a'+i)), false, time.Now())
			if err := lake.AppendAuditBucket(ctx, b, e); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	entries, err := lake.ReadAuditBucket(ctx, b)
	if err != nil || len(entries) != 8 {
		t.Fatalf("%d entries (%v), want all 8", len(entries), err)
	}
}

// TestSyncCache: the first sync downloads every complete file, the second
// nothing; a changed object is downloaded again, a deleted one removed;
// files in progress and staging are never copied; a compaction journal
// hides its merged files while prepared and its inputs once committed.
func TestSyncCache(t *testing.T) {
	ctx := context.Background()
	b := testBucket(t)
	for _, k := range []string{
		"events/date=2026-03-01/t-0-0-9.parquet", "events/date=2026-03-01/t-0-10-19.parquet",
		"_gaps/t/0-20-29.json", "reviews/date=2026-03-02/review-ab.parquet",
		"events/date=2026-03-01/_tmp-t-0-30-39.parquet.1.part", "_staging/t/0/tok/events/date=2026-03-01/t-0-30-39.parquet",
		"deadletter/date=2026-03-01/t-0-0-9.parquet",
	} {
		put(t, b, k, k)
	}
	dir := t.TempDir()
	st, err := lake.SyncCache(ctx, b, dir, lake.BuildPrefixes, nil)
	if err != nil || st.Objects != 4 || st.Downloaded != 4 {
		t.Fatalf("first sync %+v (%v), want 4 objects downloaded", st, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "events", "date=2026-03-01", "_tmp-t-0-30-39.parquet.1.part")); !errors.Is(err, os.ErrNotExist) {
		t.Error("a file in progress was copied")
	}
	if st, err = lake.SyncCache(ctx, b, dir, lake.BuildPrefixes, nil); err != nil || st.Downloaded != 0 || st.Requests.Get != 0 || st.Requests.List != 4 {
		t.Fatalf("second sync %+v (%v), want nothing downloaded: one LIST of the journals and one per dataset, no GET", st, err)
	}
	put(t, b, "events/date=2026-03-01/t-0-0-9.parquet", "rewritten by erase")
	if err := b.Delete(ctx, "_gaps/t/0-20-29.json"); err != nil {
		t.Fatal(err)
	}
	if st, err = lake.SyncCache(ctx, b, dir, lake.BuildPrefixes, nil); err != nil || st.Downloaded != 1 || st.Removed != 1 {
		t.Fatalf("sync after a rewrite and a delete %+v (%v), want 1 downloaded, 1 removed", st, err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "events", "date=2026-03-01", "t-0-0-9.parquet")); string(got) != "rewritten by erase" {
		t.Errorf("rewritten object in the cache: %q", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "_gaps", "t", "0-20-29.json")); !errors.Is(err, os.ErrNotExist) {
		t.Error("a deleted object stayed in the cache")
	}

	// A compaction of the two events files into one, journal by journal.
	merged := "events/date=2026-03-01/t-0-0-19.parquet"
	inputs := []string{"events/date=2026-03-01/t-0-0-9.parquet", "events/date=2026-03-01/t-0-10-19.parquet"}
	put(t, b, merged, "merged")
	names := func() []string {
		t.Helper()
		if _, err := lake.SyncCache(ctx, b, dir, lake.BuildPrefixes, nil); err != nil {
			t.Fatal(err)
		}
		m, _ := filepath.Glob(filepath.Join(dir, "events", "date=*", "*.parquet"))
		for i := range m {
			m[i] = filepath.Base(m[i])
		}
		return m
	}
	for _, tc := range []struct {
		state string
		want  string
	}{
		{lake.JournalPrepared, "t-0-0-9.parquet t-0-10-19.parquet"},
		{lake.JournalCommitted, "t-0-0-19.parquet"},
	} {
		j := `{"state":"` + tc.state + `","merged":["` + merged + `"],"inputs":["` + strings.Join(inputs, `","`) + `"]}`
		put(t, b, "_journal/compact-date=2026-03-01.json", j)
		if got := strings.Join(names(), " "); got != tc.want {
			t.Errorf("journal %s: the cache holds %s, want %s", tc.state, got, tc.want)
		}
	}
}

// TestSweepBucket: staged objects of a partition's fenced owners go, its
// current owner's stay; an import that committed and stopped is finished;
// staged objects of an import whose record another attempt wrote go.
func TestSweepBucket(t *testing.T) {
	ctx := context.Background()
	b := testBucket(t)
	put(t, b, "_offsets/t/0.json", `{"topic":"t","partition":0,"next_offset":10,"owner":"live"}`)
	// Partition 2 was claimed by "claimer", which died before finishing the
	// batch "committer" committed: that staging must stay for the next claim.
	put(t, b, "_offsets/t/2.json", `{"topic":"t","partition":2,"next_offset":10,"owner":"claimer","pending":{"first":0,"last":9,"files":["events/date=2026-03-01/t-2-0-9.parquet"],"staged":"_staging/t/2/committer/"}}`)
	put(t, b, "_staging/t/2/committer/events/date=2026-03-01/t-2-0-9.parquet", "committed, not yet in place")
	put(t, b, "_staging/t/0/live/events/date=2026-03-01/t-0-10-19.parquet", "live batch")
	put(t, b, "_staging/t/0/fenced/events/date=2026-03-01/t-0-10-14.parquet", "fenced batch")
	put(t, b, "_staging/t/1/nobody/events/date=2026-03-01/t-1-0-9.parquet", "no checkpoint at all")
	put(t, b, "_imports/src-0123456789abcdef.json", `{"source":"src","files":["events/date=2026-03-01/src-0123456789abcdef-1-9.parquet"],"staged":"won"}`)
	put(t, b, "_staging/_imports/src-0123456789abcdef/won/events/date=2026-03-01/src-0123456789abcdef-1-9.parquet", "imported")
	put(t, b, "_staging/_imports/src-0123456789abcdef/lost/events/date=2026-03-01/src-0123456789abcdef-1-9.parquet", "the other attempt")
	put(t, b, "_staging/_imports/new-0123456789abcdef/running/events/date=2026-03-01/new-0123456789abcdef-1-9.parquet", "an import still uploading")

	dry, err := lake.SweepBucket(ctx, b, lake.SweepOptions{DryRun: true})
	if err != nil || len(dry.Removed) != 4 || len(dry.InUse) != 3 {
		t.Fatalf("dry run %+v (%v), want 4 to remove and 3 in use", dry, err)
	}
	if _, err := lake.SweepBucket(ctx, b, lake.SweepOptions{}); err != nil {
		t.Fatal(err)
	}
	objs, err := b.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, o := range objs {
		left = append(left, o.Key)
	}
	want := []string{
		"_imports/src-0123456789abcdef.json",
		"_offsets/t/0.json",
		"_offsets/t/2.json",
		"_staging/_imports/new-0123456789abcdef/running/events/date=2026-03-01/new-0123456789abcdef-1-9.parquet",
		"_staging/t/0/live/events/date=2026-03-01/t-0-10-19.parquet",
		"_staging/t/2/committer/events/date=2026-03-01/t-2-0-9.parquet",
		"events/date=2026-03-01/src-0123456789abcdef-1-9.parquet",
	}
	if strings.Join(left, "\n") != strings.Join(want, "\n") {
		t.Errorf("after the sweep:\n%s\nwant:\n%s", strings.Join(left, "\n"), strings.Join(want, "\n"))
	}
	if data, _, _ := b.Get(ctx, "_imports/src-0123456789abcdef.json"); strings.Contains(string(data), "staged") {
		t.Errorf("the finished import's record still names its staging: %s", data)
	}
}

// TestMaintenanceLease: one holder at a time; the next takes it once the
// first releases it, or once it expires without renewal.
func TestMaintenanceLease(t *testing.T) {
	ctx := context.Background()
	b := testBucket(t)
	first, err := lake.AcquireLease(ctx, b, "compact", nil)
	if err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 1500*time.Millisecond)
	_, err = lake.AcquireLease(short, b, "erase", nil)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "compact") {
		t.Fatalf("second holder while the first holds it: %v, want to wait (naming compact) until its context ends", err)
	}
	got := make(chan error, 1)
	go func() {
		l, err := lake.AcquireLease(ctx, b, "erase", nil)
		if err == nil {
			err = l.Release()
		}
		got <- err
	}()
	if err := first.Release(); err != nil {
		t.Fatal(err)
	}
	if err := <-got; err != nil {
		t.Fatalf("after the release: %v", err)
	}
	// A holder that died: its lease's term has run out.
	put(t, b, lake.MaintenanceLeaseKey, `{"holder":"dead","command":"retention","expires":"2000-01-01T00:00:00Z"}`)
	l, err := lake.AcquireLease(ctx, b, "compact", nil)
	if err != nil {
		t.Fatalf("taking over an expired lease: %v", err)
	}
	if err := l.Check(); err != nil {
		t.Fatal(err)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
}

// TestFinishPending: a batch a checkpoint committed but whose owner died
// before copying it is copied into place (what erase does first), and a
// second run finds nothing to do.
func TestFinishPending(t *testing.T) {
	ctx := context.Background()
	b := testBucket(t)
	final := "events/date=2026-03-01/t-0-10-19.parquet"
	put(t, b, "_offsets/t/0.json", `{"topic":"t","partition":0,"next_offset":20,"owner":"dead","pending":{"first":10,"last":19,"files":["`+final+`"],"staged":"_staging/t/0/dead/"}}`)
	put(t, b, "_offsets/t/1.json", `{"topic":"t","partition":1,"next_offset":5,"owner":"other"}`)
	put(t, b, "_staging/t/0/dead/"+final, "the committed batch")
	n, err := lake.FinishPending(ctx, b)
	if err != nil || n != 1 {
		t.Fatalf("FinishPending: %d, %v; want 1 batch finished", n, err)
	}
	if data, _, err := b.Get(ctx, final); err != nil || string(data) != "the committed batch" {
		t.Fatalf("final key: %q %v", data, err)
	}
	if staged, _ := b.List(ctx, lake.StagingDir+"/"); len(staged) != 0 {
		t.Errorf("staged copies left: %v", staged)
	}
	// Again (the checkpoint still names it until its owner settles it): idempotent.
	if n, err := lake.FinishPending(ctx, b); err != nil || n != 1 {
		t.Fatalf("second FinishPending: %d, %v", n, err)
	}
}
