package metrics_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/lake"
	"github.com/parley-cx/parley/internal/warehouse"
	"github.com/parley-cx/parley/metrics"
	"github.com/parley-cx/parley/query"
)

// TestWriteFileAndExport: every public object of the warehouse (the
// metrics' PublicObjects) exports through package query, with rows in each.
func TestWriteFileAndExport(t *testing.T) {
	root := filepath.Join(t.TempDir(), "lake")
	evs := readFixture(t, "basic.jsonl")
	// A later copy of the first event with another queue, so that
	// duplicate_conflicts has a row to export.
	edited := evs[0]
	edited.Queue += "-edited"
	writeLake(t, root, append(evs, edited))
	writeGap(t, root, lake.OffsetGap{Topic: "events", Partition: 0, From: 5, To: 9, DetectedAt: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)})
	// And reviews, so that the QA tables and views have rows to export.
	at := time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)
	writeReviews(t, root, "import-1", at, syntheticReviews(evs, at))
	path := buildLakeFile(t, root, config.Default())
	ctx := context.Background()
	dir := t.TempDir()
	db, err := warehouse.OpenSandbox(path, warehouse.Sandbox{WriteIn: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := filepath.Join(dir, "frt.parquet")
	// A trailing comment and semicolon must not break the COPY around the query.
	q := "SELECT conversation_id, first_response_s FROM conversations -- every conversation\n;"
	if err := query.WriteFile(ctx, db, q, query.FormatParquet, out); err != nil {
		t.Fatal(err)
	}
	csvOut := filepath.Join(dir, "frt.csv")
	if err := query.WriteFile(ctx, db, q, query.FormatCSV, csvOut); err != nil {
		t.Fatal(err)
	}
	paths, err := query.Export(ctx, db, filepath.Join(dir, "export"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != len(metrics.PublicObjects) {
		t.Fatalf("exported %d files, want %d", len(paths), len(metrics.PublicObjects))
	}
	// Every written file must hold exactly the rows of its source. The
	// sandbox reads nothing outside its scratch folder, so a second,
	// in-memory DuckDB reads the files.
	files, err := warehouse.Open("", false)
	if err != nil {
		t.Fatal(err)
	}
	defer files.Close()
	checks := map[string]string{
		out:    "SELECT count(*) FROM conversations",
		csvOut: "SELECT count(*) FROM conversations",
	}
	for i, name := range metrics.PublicObjects {
		checks[paths[i]] = "SELECT count(*) FROM " + name
	}
	for path, direct := range checks {
		var fromFile, fromDB int
		reader := "read_parquet"
		if strings.HasSuffix(path, ".csv") {
			reader = "read_csv"
		}
		if err := files.QueryRow("SELECT count(*) FROM "+reader+"(?)", path).Scan(&fromFile); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if err := db.QueryRow(direct).Scan(&fromDB); err != nil {
			t.Fatal(err)
		}
		if fromFile != fromDB || fromDB == 0 {
			t.Errorf("%s: %d rows, source has %d", filepath.Base(path), fromFile, fromDB)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	// Nothing but the outputs is left: no scratch folder, no temporary file.
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "export frt.csv frt.parquet" {
		t.Errorf("left in the output folder: %v", names)
	}
}
