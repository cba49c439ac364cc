package ingest

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/parley-cx/parley/internal/lake"
)

func TestRecoverPartition(t *testing.T) {
	day1 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	day2 := day1.AddDate(0, 0, 1)
	tests := []struct {
		name       string
		checkpoint int64 // -2: no checkpoint file
		epoch      int
		files      []string
		wantNext   int64
		wantEpoch  int
		wantKept   []string
	}{
		{
			name:       "batch published but checkpoint not advanced",
			checkpoint: 100,
			files: []string{
				"events/date=2026-03-01/t-0-0-49.parquet", "events/date=2026-03-02/t-0-50-99.parquet",
				"events/date=2026-03-01/t-0-100-149.parquet", "deadletter/date=2026-03-02/t-0-100-149.parquet",
				"events/date=2026-03-02/_tmp-t-0-150-170.parquet.123.part",
				"_offsets/t/_tmp-0.json.99.part",
				// other partitions and topics are not touched
				"events/date=2026-03-01/t-1-100-149.parquet", "events/date=2026-03-01/t-0-x-100-149.parquet",
			},
			wantNext: 100,
			wantKept: []string{
				"events/date=2026-03-01/t-0-0-49.parquet", "events/date=2026-03-02/t-0-50-99.parquet",
				"events/date=2026-03-01/t-1-100-149.parquet", "events/date=2026-03-01/t-0-x-100-149.parquet",
			},
		},
		{
			name:       "crash inside the very first batch",
			checkpoint: -1,
			files:      []string{"events/date=2026-03-01/t-0-0-49.parquet"},
			wantNext:   -1,
		},
		{
			name:       "checkpoint deleted by hand: files are trusted",
			checkpoint: -2,
			files:      []string{"events/date=2026-03-01/t-0-0-49.parquet", "deadletter/date=2026-03-02/t-0-50-60.parquet"},
			wantNext:   61,
			wantKept:   []string{"events/date=2026-03-01/t-0-0-49.parquet", "deadletter/date=2026-03-02/t-0-50-60.parquet"},
		},
		{
			name:       "gap records are part of their batch",
			checkpoint: 100,
			files: []string{
				"_gaps/t/0-50-60.json", "events/date=2026-03-01/t-0-61-99.parquet", // a gap then rows, checkpointed
				"_gaps/t/0-100-120.json", "events/date=2026-03-01/t-0-121-130.parquet", // published, not checkpointed
				"_gaps/t/_tmp-0-131-140.json.7.part", // never published
				"_gaps/t/1-100-120.json",             // another partition's
			},
			wantNext: 100,
			wantKept: []string{"_gaps/t/0-50-60.json", "events/date=2026-03-01/t-0-61-99.parquet", "_gaps/t/1-100-120.json"},
		},
		{
			name:       "after a reset only the new epoch's unfinished batch is removed",
			checkpoint: 20,
			epoch:      1,
			files: []string{
				"events/date=2026-03-01/t-0-0-499.parquet", "_gaps/t/0-500-599.json", // read before the reset, above the new checkpoint
				"events/date=2026-03-01/t-0-0-19.r1.parquet",                             // the new epoch, checkpointed
				"events/date=2026-03-02/t-0-20-29.r1.parquet", "_gaps/t/0-30-39.r1.json", // the new epoch, not checkpointed
			},
			wantNext:  20,
			wantEpoch: 1,
			wantKept: []string{
				"events/date=2026-03-01/t-0-0-499.parquet", "_gaps/t/0-500-599.json", "events/date=2026-03-01/t-0-0-19.r1.parquet",
			},
		},
		{
			name:       "checkpoint deleted by hand after a reset: the latest epoch's files are trusted",
			checkpoint: -2,
			files: []string{
				"events/date=2026-03-01/t-0-0-499.parquet", "events/date=2026-03-01/t-0-0-19.r1.parquet", "_gaps/t/0-20-29.r1.json",
			},
			wantNext:  30,
			wantEpoch: 1,
			wantKept: []string{
				"events/date=2026-03-01/t-0-0-499.parquet", "events/date=2026-03-01/t-0-0-19.r1.parquet", "_gaps/t/0-20-29.r1.json",
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			for _, dir := range []string{lake.PartitionDir(root, day1), lake.PartitionDir(root, day2)} {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			if tc.checkpoint > -2 {
				if err := writeCheckpoint(root, "t", 0, tc.epoch, tc.checkpoint); err != nil {
					t.Fatal(err)
				}
			}
			for _, f := range tc.files {
				p := filepath.Join(root, f)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			got, _, err := recoverPartition(root, "t", 0)
			if err != nil {
				t.Fatal(err)
			}
			if got.NextOffset != tc.wantNext || got.Epoch != tc.wantEpoch {
				t.Errorf("recovered next %d epoch %d, want %d epoch %d", got.NextOffset, got.Epoch, tc.wantNext, tc.wantEpoch)
			}
			var kept []string
			for _, f := range tc.files {
				if _, err := os.Stat(filepath.Join(root, f)); err == nil {
					kept = append(kept, f)
				}
			}
			if !slices.Equal(kept, tc.wantKept) {
				t.Errorf("kept %q, want %q", kept, tc.wantKept)
			}
			cp, ok, err := readCheckpoint(root, "t", 0)
			if err != nil || !ok || cp.NextOffset != tc.wantNext || cp.Epoch != tc.wantEpoch {
				t.Errorf("checkpoint after recovery = %+v, %v, %v; want next %d epoch %d", cp, ok, err, tc.wantNext, tc.wantEpoch)
			}
		})
	}
}

// TestPublishFencesStaleOwner plays the zombie of a rebalance: two owners
// read the same partition from the same checkpoint; the first to publish
// wins and the other's batch is discarded, so no offset lands twice.
func TestPublishFencesStaleOwner(t *testing.T) {
	root := t.TempDir()
	const topic = "t"
	cp, _, err := recoverPartition(root, topic, 0)
	if err != nil || cp.NextOffset != -1 {
		t.Fatalf("recover an empty lake: next %d, err %v", cp.NextOffset, err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	batchOf := func(first, last, after int64) *batch {
		b := newBatch(topic, 0)
		for off := first; off <= last; off++ {
			b.add(mustJSON(t, testEvent(rng, int(off), int(off%3))), nil, off, time.Now())
		}
		b.after = after
		return b
	}
	steps := []struct {
		name       string
		b          *batch
		wantFenced bool
		wantNext   int64
	}{
		{"new owner publishes from the start", batchOf(0, 9, -1), false, 10},
		{"stalled old owner publishes the same start", batchOf(0, 14, -1), true, 10},
		{"new owner continues", batchOf(10, 19, 10), false, 20},
		{"old owner's second batch is stale too", batchOf(15, 24, 15), true, 20},
	}
	for _, s := range steps {
		_, err := publishKafkaBatch(root, topic, "", s.b)
		if got := errors.Is(err, errFenced); got != s.wantFenced || (err != nil && !got) {
			t.Fatalf("%s: err = %v, want fenced %v", s.name, err, s.wantFenced)
		}
		cp, _, err := readCheckpoint(root, topic, 0)
		if err != nil || cp.NextOffset != s.wantNext {
			t.Fatalf("%s: checkpoint %d (%v), want %d", s.name, cp.NextOffset, err, s.wantNext)
		}
	}
	files, err := partitionFiles(root, topic, 0)
	if err != nil {
		t.Fatal(err)
	}
	var ranges [][2]int64
	for _, f := range files {
		if f.temp {
			t.Errorf("a fenced batch left its temporary file %s", f.path)
		}
		ranges = append(ranges, [2]int64{f.first, f.last})
	}
	slices.SortFunc(ranges, func(a, b [2]int64) int { return int(a[0] - b[0]) })
	if len(ranges) == 0 || ranges[0][0] != 0 || ranges[len(ranges)-1][1] != 19 {
		t.Fatalf("files cover %v, want exactly offsets 0-19", ranges)
	}
	for i := 1; i < len(ranges); i++ {
		if ranges[i][0] <= ranges[i-1][1] && ranges[i] != ranges[i-1] {
			t.Errorf("overlapping files %v and %v: an offset was published twice", ranges[i-1], ranges[i])
		}
	}
	db := openDuck(t)
	if n, distinct := queryInt(t, db, "SELECT count(*) FROM "+lakeEvents(root)),
		queryInt(t, db, "SELECT count(DISTINCT \"offset\") FROM "+lakeEvents(root)); n != 20 || distinct != 20 {
		t.Errorf("lake holds %d rows with %d distinct offsets, want 20 and 20", n, distinct)
	}
}

// TestFolderClaimFencesPreviousOwner: recovery claims the partition by
// rewriting its checkpoint with a new owner, so a previous owner that wakes
// with a batch continuing the very checkpoint the new owner recovered from
// is fenced, instead of publishing it and making the new owner's own batch
// of those offsets the one refused (which stopped the new owner's
// partition). Offsets 0-19 end in the lake once, published by the new owner.
func TestFolderClaimFencesPreviousOwner(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	const topic = "t"
	rng := rand.New(rand.NewPCG(3, 4))
	batchOf := func(first, last, after int64) *batch {
		b := newBatch(topic, 0)
		for off := first; off <= last; off++ {
			b.add(mustJSON(t, testEvent(rng, int(off), int(off%3))), nil, off, time.Now())
		}
		b.after = after
		return b
	}
	old, cur := &fsLake{root: root, topic: topic}, &fsLake{root: root, topic: topic}
	if _, _, err := old.recover(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := old.publish(ctx, batchOf(0, 9, -1)); err != nil {
		t.Fatal(err)
	}
	if cp, _, err := cur.recover(ctx, 0); err != nil || cp.NextOffset != 10 {
		t.Fatalf("new owner's recovery: %+v %v", cp, err)
	}
	if _, err := old.publish(ctx, batchOf(10, 19, 10)); !errors.Is(err, errFenced) {
		t.Fatalf("previous owner's batch continuing the recovered checkpoint: %v, want fenced", err)
	}
	if _, err := cur.publish(ctx, batchOf(10, 19, 10)); err != nil {
		t.Fatalf("new owner's batch: %v", err)
	}
	db := openDuck(t)
	if n, distinct := queryInt(t, db, "SELECT count(*) FROM "+lakeEvents(root)),
		queryInt(t, db, "SELECT count(DISTINCT \"offset\") FROM "+lakeEvents(root)); n != 20 || distinct != 20 {
		t.Errorf("lake holds %d rows with %d distinct offsets, want 20 and 20", n, distinct)
	}
}
