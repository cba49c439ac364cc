package metrics_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/metrics"
)

func TestQueryFormats(t *testing.T) {
	db := build(t, readFixture(t, "basic.jsonl"), config.Default())
	ctx := context.Background()
	const q = "SELECT conversation_id, first_response_s, csat, started_at FROM conversations WHERE conversation_id IN ('c-bot-handoff', 'c-open') ORDER BY 1"
	cases := []struct {
		format metrics.Format
		want   string
	}{
		// TIMESTAMP (no zone) prints as DuckDB prints it, without a "Z" that would claim UTC for *_local columns.
		{metrics.FormatCSV, "conversation_id,first_response_s,csat,started_at\nc-bot-handoff,130,4,2026-03-02 10:00:00\nc-open,,,2026-03-10 11:00:00\n"},
		{metrics.FormatTable, "" +
			"conversation_id  first_response_s  csat  started_at\n" +
			"---------------  ----------------  ----  ----------\n" +
			"c-bot-handoff    130               4     2026-03-02 10:00:00\n" +
			"c-open           NULL              NULL  2026-03-10 11:00:00\n" +
			"(2 rows)\n"},
	}
	for _, c := range cases {
		var buf bytes.Buffer
		if err := metrics.Query(ctx, db, q, c.format, &buf); err != nil {
			t.Fatal(err)
		}
		if buf.String() != c.want {
			t.Errorf("%s:\n%s\nwant:\n%s", c.format, buf.String(), c.want)
		}
	}
	var buf bytes.Buffer
	if err := metrics.Query(ctx, db, q, metrics.FormatJSON, &buf); err != nil {
		t.Fatal(err)
	}
	var rows []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rows); err != nil {
		t.Fatalf("json output does not parse: %v\n%s", err, buf.String())
	}
	if len(rows) != 2 || rows[0]["first_response_s"] != 130.0 || rows[1]["csat"] != nil || rows[0]["started_at"] != "2026-03-02 10:00:00" {
		t.Errorf("json rows = %v", rows)
	}
}

func TestQueryErrors(t *testing.T) {
	db := build(t, readFixture(t, "basic.jsonl"), config.Default())
	ctx := context.Background()
	var buf bytes.Buffer
	err := metrics.Query(ctx, db, "DROP TABLE conversations", metrics.FormatTable, &buf)
	if !errors.Is(err, metrics.ErrReadOnly) {
		t.Errorf("write on the read-only warehouse: error %v, want ErrReadOnly", err)
	}
	err = metrics.QueryToFile(ctx, db, "CREATE TABLE x AS SELECT 1", metrics.FormatParquet, filepath.Join(t.TempDir(), "x.parquet"))
	if err == nil {
		t.Error("QueryToFile ran a CREATE on the read-only warehouse")
	}
	if err := metrics.Query(ctx, db, "SELEC 1", metrics.FormatTable, &buf); err == nil || !strings.Contains(err.Error(), "syntax error") {
		t.Errorf("bad SQL: error %v, want a syntax error", err)
	}
	var n int
	if err := db.QueryRow("SELECT count(*) FROM conversations").Scan(&n); err != nil || n == 0 {
		t.Errorf("conversations after the refused writes: %d rows, %v", n, err)
	}
}

func TestQueryToFileAndExport(t *testing.T) {
	evs := readFixture(t, "basic.jsonl")
	// A later copy of the first event with another queue, so that
	// duplicate_conflicts has a row to export.
	edited := evs[0]
	edited.Queue += "-edited"
	db := build(t, append(evs, edited), config.Default())
	ctx := context.Background()
	dir := t.TempDir()
	out := filepath.Join(dir, "frt.parquet")
	// A trailing comment and semicolon must not break the COPY around the query.
	q := "SELECT conversation_id, first_response_s FROM conversations -- every conversation\n;"
	if err := metrics.QueryToFile(ctx, db, q, metrics.FormatParquet, out); err != nil {
		t.Fatal(err)
	}
	csvOut := filepath.Join(dir, "frt.csv")
	if err := metrics.QueryToFile(ctx, db, q, metrics.FormatCSV, csvOut); err != nil {
		t.Fatal(err)
	}
	paths, err := metrics.Export(ctx, db, filepath.Join(dir, "export"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != len(metrics.PublicObjects) {
		t.Fatalf("exported %d files, want %d", len(paths), len(metrics.PublicObjects))
	}
	// Every written file must hold exactly the rows of its source.
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
		if err := db.QueryRow("SELECT count(*) FROM "+reader+"(?)", path).Scan(&fromFile); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if err := db.QueryRow(direct).Scan(&fromDB); err != nil {
			t.Fatal(err)
		}
		if fromFile != fromDB || fromDB == 0 {
			t.Errorf("%s: %d rows, source has %d", filepath.Base(path), fromFile, fromDB)
		}
	}
}
