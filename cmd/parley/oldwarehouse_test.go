package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parley-cx/parley/internal/warehouse"
)

// TestReadersRefuseAnOlderWarehouse: a warehouse built by an older parley
// (here: warehouse_info without offset_gaps, or no ingest_gaps table) makes
// parley report and parley export say so, naming what is missing and the
// build that fixes it, before they write a file: not DuckDB's binder or
// catalog error half-way through.
func TestReadersRefuseAnOlderWarehouse(t *testing.T) {
	dir := t.TempDir()
	lake := filepath.Join(dir, "lake")
	mustParley(t, "import", "--lake", lake, metricsFixture("async.jsonl"))
	built := filepath.Join(dir, "built.duckdb")
	mustParley(t, "build", "--lake", lake, "--db", built)
	original, err := os.ReadFile(built)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ drop, missing string }{
		{"ALTER TABLE warehouse_info DROP COLUMN offset_gaps", "no warehouse_info.offset_gaps"},
		{"DROP TABLE ingest_gaps CASCADE", "no ingest_gaps"},
	} {
		t.Run(tc.missing, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "old.duckdb")
			if err := os.WriteFile(db, original, 0o644); err != nil {
				t.Fatal(err)
			}
			w, err := warehouse.Open(db, false)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.ExecContext(context.Background(), tc.drop); err != nil {
				t.Fatal(errors.Join(err, w.Close()))
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			for _, cmd := range []string{"report", "export"} {
				out := filepath.Join(t.TempDir(), cmd)
				_, err := parley(t, cmd, "--db", db, "--out", out)
				if err == nil || !errors.Is(err, warehouse.ErrBuiltByOlder) || !strings.Contains(err.Error(), tc.missing) || !strings.Contains(err.Error(), "parley build") {
					t.Errorf("parley %s of an older warehouse: %v; want it built by an older parley, %s, run parley build", cmd, err, tc.missing)
				}
				if files, _ := filepath.Glob(filepath.Join(out, "*")); len(files) > 0 { //nolint:errcheck // a constant pattern
					t.Errorf("parley %s wrote %d files before failing: %v", cmd, len(files), files)
				}
			}
		})
	}
}
