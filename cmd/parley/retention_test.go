package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/parley-cx/parley/internal/warehouse"
)

// TestRetentionThenBuild is the operator's sequence: import, build,
// retention that drops every partition, build again. The second build
// must take the expired conversations out of the warehouse (the lake is
// empty, so the warehouse is), so no report shows them any more; and
// importing the same file again is refused, saying that it was imported
// before and dropped by retention (lake status lists no source).
func TestRetentionThenBuild(t *testing.T) {
	input := metricsFixture("basic.jsonl")
	dir, db := importAndBuild(t, input)
	lakeDir := filepath.Join(dir, "lake")
	count := func(table string) int64 {
		t.Helper()
		wh, err := warehouse.Open(db, true)
		if err != nil {
			t.Fatal(err)
		}
		defer wh.Close()
		var n int64
		if err := wh.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		return n
	}
	if count("conversations") == 0 {
		t.Fatal("control: the first build holds no conversations")
	}

	// The fixture's events are of March 2026: a day's window drops them all.
	if out := mustParley(t, "retention", "--lake", lakeDir, "--keep", "1d"); !strings.Contains(out, "dropped ") {
		t.Fatalf("retention: %s", out)
	}
	mustParley(t, "build", "--lake", lakeDir)
	for _, table := range []string{"events", "conversations", "kpi_daily"} {
		if n := count(table); n != 0 {
			t.Errorf("after retention dropped every partition, %s holds %d rows", table, n)
		}
	}
	if out, err := parleyCombined(t, "report", "--db", db, "--out", filepath.Join(dir, "report")); err == nil || !strings.Contains(err.Error(), "holds no conversations") {
		t.Errorf("report over the emptied warehouse: %v\n%s", err, out)
	}

	if out := mustParley(t, "lake", "status", "--lake", lakeDir); !strings.Contains(out, "sources       none") {
		t.Fatalf("control: lake status after retention lists sources:\n%s", out)
	}
	out, err := parleyCombined(t, "import", "--lake", lakeDir, input)
	if err != nil || !strings.Contains(out, "1 input(s) imported before and since dropped by retention, not imported again") ||
		!strings.Contains(out, "input imported before and since dropped by retention") || strings.Contains(out, "already in the lake") {
		t.Errorf("import again after retention: %v\n%s", err, out)
	}
}
