package lake

import (
	"bytes"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestSweep plants every kind of temporary entry the lake commands make,
// some of them still held by a live writer, and checks that a sweep removes
// exactly the dead ones, logs each, and never follows a link out of the lake.
func TestSweep(t *testing.T) {
	tests := []struct {
		name          string
		dryRun        bool
		compactActive bool // another process holds the compaction lock
		holdsCompact  bool // the caller holds it
		wantRemoved   []string
		wantInUse     []string
	}{
		{name: "nothing running",
			wantRemoved: []string{"deadletter/date=2026-03-01/_tmp-t-0-5-9.parquet.2.part", "events/_tmp-date=2026-03-01-77", "events/_tmp-drop-date=2025-01-01",
				"events/date=2026-03-01/_tmp-link.part", "events/date=2026-03-01/_tmp-src-1-9.parquet.1.erase", "events/date=2026-03-01/_tmp-t-0-0-4.parquet.1.part"},
			wantInUse: []string{"events/date=2026-03-01/_tmp-t-0-10-19.parquet.3.part"}},
		{name: "a compact running", compactActive: true,
			wantRemoved: []string{"deadletter/date=2026-03-01/_tmp-t-0-5-9.parquet.2.part", "events/_tmp-drop-date=2025-01-01",
				"events/date=2026-03-01/_tmp-link.part", "events/date=2026-03-01/_tmp-src-1-9.parquet.1.erase", "events/date=2026-03-01/_tmp-t-0-0-4.parquet.1.part"},
			wantInUse: []string{"events/_tmp-date=2026-03-01-77", "events/date=2026-03-01/_tmp-t-0-10-19.parquet.3.part"}},
		{name: "the caller is the compact", holdsCompact: true,
			wantRemoved: []string{"deadletter/date=2026-03-01/_tmp-t-0-5-9.parquet.2.part", "events/_tmp-date=2026-03-01-77", "events/_tmp-drop-date=2025-01-01",
				"events/date=2026-03-01/_tmp-link.part", "events/date=2026-03-01/_tmp-src-1-9.parquet.1.erase", "events/date=2026-03-01/_tmp-t-0-0-4.parquet.1.part"},
			wantInUse: []string{"events/date=2026-03-01/_tmp-t-0-10-19.parquet.3.part"}},
		{name: "dry run", dryRun: true,
			wantRemoved: []string{"deadletter/date=2026-03-01/_tmp-t-0-5-9.parquet.2.part", "events/_tmp-date=2026-03-01-77", "events/_tmp-drop-date=2025-01-01",
				"events/date=2026-03-01/_tmp-link.part", "events/date=2026-03-01/_tmp-src-1-9.parquet.1.erase", "events/date=2026-03-01/_tmp-t-0-0-4.parquet.1.part"},
			wantInUse: []string{"events/date=2026-03-01/_tmp-t-0-10-19.parquet.3.part"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			outside := filepath.Join(t.TempDir(), "outside.parquet")
			write := func(rel string) string {
				t.Helper()
				p := filepath.Join(root, rel)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte("rows"), 0o644); err != nil {
					t.Fatal(err)
				}
				return p
			}
			kept := []string{"events/date=2026-03-01/t-0-0-4.parquet", "deadletter/date=2026-03-01/t-0-5-9.parquet", "events/date=2026-03-01/notes.txt"}
			for _, rel := range kept {
				write(rel)
			}
			write("events/date=2026-03-01/_tmp-t-0-0-4.parquet.1.part")     // ingest died mid-batch
			write("deadletter/date=2026-03-01/_tmp-t-0-5-9.parquet.2.part") // ditto, dead letters
			write("events/date=2026-03-01/_tmp-src-1-9.parquet.1.erase")    // erase died mid-rewrite
			write("events/_tmp-date=2026-03-01-77/t-0-0-9.parquet")         // compact died after its swap
			write("events/_tmp-drop-date=2025-01-01/t-0-0-1.parquet")       // retention died mid-delete
			live := write("events/date=2026-03-01/_tmp-t-0-10-19.parquet.3.part")
			release, err := HoldTemp(live) // a batch a live process is writing
			if err != nil {
				t.Fatal(err)
			}
			defer release() //nolint:errcheck // test cleanup
			if err := os.WriteFile(outside, []byte("not the lake's"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(outside, filepath.Join(root, "events/date=2026-03-01/_tmp-link.part")); err != nil {
				t.Fatal(err)
			}
			if tt.compactActive {
				unlock, err := LockCompact(root)
				if err != nil {
					t.Fatal(err)
				}
				defer unlock() //nolint:errcheck // test cleanup
			}
			before := tree(t, root)

			var logs bytes.Buffer
			sw, err := Sweep(root, SweepOptions{DryRun: tt.dryRun, HoldsCompactLock: tt.holdsCompact, Log: slog.New(slog.NewTextHandler(&logs, nil))})
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(sw.Removed)
			slices.Sort(sw.InUse)
			if !slices.Equal(sw.Removed, tt.wantRemoved) || !slices.Equal(sw.InUse, tt.wantInUse) {
				t.Errorf("swept %+v,\nwant removed %v\nand in use %v", sw, tt.wantRemoved, tt.wantInUse)
			}
			for _, rel := range tt.wantRemoved {
				if !strings.Contains(logs.String(), rel) {
					t.Errorf("removal of %s not logged:\n%s", rel, logs.String())
				}
				_, err := os.Lstat(filepath.Join(root, rel))
				if gone := errors.Is(err, fs.ErrNotExist); gone == tt.dryRun {
					t.Errorf("%s: gone = %v in a run with dry run %v", rel, gone, tt.dryRun)
				}
			}
			if tt.dryRun && !slices.Equal(tree(t, root), before) {
				t.Error("a dry run changed the lake")
			}
			for _, rel := range append(kept, tt.wantInUse...) {
				if _, err := os.Stat(filepath.Join(root, rel)); err != nil {
					t.Errorf("%s was removed: %v", rel, err)
				}
			}
			if b, err := os.ReadFile(outside); err != nil || string(b) != "not the lake's" {
				t.Errorf("the link's target outside the lake was touched: %q, %v", b, err)
			}
		})
	}
}

// tree lists every path under root.
func tree(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(path string, _ fs.DirEntry, err error) error {
		out = append(out, path)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
