package ingest

import (
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
		files      []string
		wantNext   int64
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
				if err := writeCheckpoint(root, "t", 0, tc.checkpoint); err != nil {
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
			next, _, err := recoverPartition(root, "t", 0)
			if err != nil {
				t.Fatal(err)
			}
			if next != tc.wantNext {
				t.Errorf("next = %d, want %d", next, tc.wantNext)
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
			if err != nil || !ok || cp.NextOffset != tc.wantNext {
				t.Errorf("checkpoint after recovery = %+v, %v, %v; want next %d", cp, ok, err, tc.wantNext)
			}
		})
	}
}
