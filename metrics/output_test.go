package metrics_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/lake"
	"github.com/parley-cx/parley/internal/warehouse"
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
	if !errors.Is(err, metrics.ErrReadOnly) {
		t.Errorf("QueryToFile of a CREATE: error %v, want ErrReadOnly", err)
	}
	if err := metrics.Query(ctx, db, "SELEC 1", metrics.FormatTable, &buf); err == nil || !strings.Contains(err.Error(), "syntax error") {
		t.Errorf("bad SQL: error %v, want a syntax error", err)
	}
	// A second statement is refused before the first runs: go-duckdb would
	// run every statement but the last and print only the last result.
	hidden := filepath.Join(t.TempDir(), "hidden.csv")
	twoStatements := "SELECT 1; COPY (SELECT 1) TO '" + hidden + "'"
	for _, format := range []metrics.Format{metrics.FormatTable, metrics.FormatCSV} {
		buf.Reset()
		err := metrics.Query(ctx, db, twoStatements, format, &buf)
		if !errors.Is(err, warehouse.ErrManyStatements) || buf.Len() != 0 {
			t.Errorf("%s: two statements: error %v, output %q; want ErrManyStatements and nothing printed", format, err, buf.String())
		}
	}
	if err := metrics.QueryToFile(ctx, db, twoStatements, metrics.FormatCSV, filepath.Join(t.TempDir(), "x.csv")); !errors.Is(err, warehouse.ErrManyStatements) {
		t.Errorf("QueryToFile of two statements: %v, want ErrManyStatements", err)
	}
	if _, err := os.Stat(hidden); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the hidden COPY ran: %v", err)
	}
	var n int
	if err := db.QueryRow("SELECT count(*) FROM conversations").Scan(&n); err != nil || n == 0 {
		t.Errorf("conversations after the refused writes: %d rows, %v", n, err)
	}
}

// TestQueryCSVIsSpreadsheetSafe: text cells that a spreadsheet would run
// as formulas are neutralised, numbers (negative ones too) are not, on
// stdout and in --out files alike.
func TestQueryCSVIsSpreadsheetSafe(t *testing.T) {
	path := buildFile(t, readFixture(t, "basic.jsonl"), config.Default())
	dir := t.TempDir()
	db, err := warehouse.OpenSandbox(path, warehouse.Sandbox{WriteIn: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	const q = `SELECT '=HYPERLINK("http://evil.example","x")' AS link, '@SUM(A1)' AS at, '-5' AS text_minus,
		-5 AS int_minus, -2.5::DOUBLE AS float_minus, -1.25::DECIMAL(5,2) AS dec_minus,
		chr(9) || '=1' AS tab, '''quoted' AS quote, 'c-1' AS plain, DATE '2026-03-02' AS day, NULL AS none`
	const want = "link,at,text_minus,int_minus,float_minus,dec_minus,tab,quote,plain,day,none\n" +
		`"'=HYPERLINK(""http://evil.example"",""x"")",'@SUM(A1),'-5,-5,-2.5,-1.25,` + "'\t=1,''quoted,c-1,2026-03-02,\n"
	var buf bytes.Buffer
	if err := metrics.Query(ctx, db, q, metrics.FormatCSV, &buf); err != nil {
		t.Fatal(err)
	}
	if buf.String() != want {
		t.Errorf("stdout CSV:\n%s\nwant:\n%s", buf.String(), want)
	}
	out := filepath.Join(dir, "cells.csv")
	if err := metrics.QueryToFile(ctx, db, q, metrics.FormatCSV, out); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(out); err != nil || string(b) != want {
		t.Errorf("--out CSV: %v\n%s\nwant:\n%s", err, b, want)
	}
	// JSON is not for spreadsheets and keeps the value as it is.
	buf.Reset()
	if err := metrics.Query(ctx, db, "SELECT '=1+1' AS f", metrics.FormatJSON, &buf); err != nil || !strings.Contains(buf.String(), `"f": "=1+1"`) {
		t.Errorf("json: %v %s", err, buf.String())
	}
}

func TestQueryToFileAndExport(t *testing.T) {
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
