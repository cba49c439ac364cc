package query_test

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

	"github.com/parley-cx/parley/internal/buildtest"
	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/warehouse"
	"github.com/parley-cx/parley/query"
)

func TestQueryFormats(t *testing.T) {
	db := buildtest.Open(t, basicWarehouse(t))
	ctx := context.Background()
	const q = "SELECT conversation_id, first_response_s, csat, started_at FROM conversations WHERE conversation_id IN ('c-bot-handoff', 'c-open') ORDER BY 1"
	cases := []struct {
		format query.Format
		want   string
	}{
		// TIMESTAMP (no zone) prints as DuckDB prints it, without a "Z" that would claim UTC for *_local columns.
		{query.FormatCSV, "conversation_id,first_response_s,csat,started_at\nc-bot-handoff,130,4,2026-03-02 10:00:00\nc-open,,,2026-03-10 11:00:00\n"},
		{query.FormatTable, "" +
			"conversation_id  first_response_s  csat  started_at\n" +
			"---------------  ----------------  ----  ----------\n" +
			"c-bot-handoff    130               4     2026-03-02 10:00:00\n" +
			"c-open           NULL              NULL  2026-03-10 11:00:00\n" +
			"(2 rows)\n"},
	}
	for _, c := range cases {
		var buf bytes.Buffer
		if err := query.Write(ctx, db, q, c.format, &buf); err != nil {
			t.Fatal(err)
		}
		if buf.String() != c.want {
			t.Errorf("%s:\n%s\nwant:\n%s", c.format, buf.String(), c.want)
		}
	}
	var buf bytes.Buffer
	if err := query.Write(ctx, db, q, query.FormatJSON, &buf); err != nil {
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
	db := buildtest.Open(t, basicWarehouse(t))
	ctx := context.Background()
	var buf bytes.Buffer
	err := query.Write(ctx, db, "DROP TABLE conversations", query.FormatTable, &buf)
	if !errors.Is(err, query.ErrReadOnly) {
		t.Errorf("write on the read-only warehouse: error %v, want ErrReadOnly", err)
	}
	err = query.WriteFile(ctx, db, "CREATE TABLE x AS SELECT 1", query.FormatParquet, filepath.Join(t.TempDir(), "x.parquet"))
	if !errors.Is(err, query.ErrReadOnly) {
		t.Errorf("WriteFile of a CREATE: error %v, want ErrReadOnly", err)
	}
	if err := query.Write(ctx, db, "SELEC 1", query.FormatTable, &buf); err == nil || !strings.Contains(err.Error(), "syntax error") {
		t.Errorf("bad SQL: error %v, want a syntax error", err)
	}
	// A second statement is refused before the first runs: go-duckdb would
	// run every statement but the last and print only the last result.
	hidden := filepath.Join(t.TempDir(), "hidden.csv")
	twoStatements := "SELECT 1; COPY (SELECT 1) TO '" + hidden + "'"
	for _, format := range []query.Format{query.FormatTable, query.FormatCSV} {
		buf.Reset()
		err := query.Write(ctx, db, twoStatements, format, &buf)
		if !errors.Is(err, warehouse.ErrManyStatements) || buf.Len() != 0 {
			t.Errorf("%s: two statements: error %v, output %q; want ErrManyStatements and nothing printed", format, err, buf.String())
		}
	}
	if err := query.WriteFile(ctx, db, twoStatements, query.FormatCSV, filepath.Join(t.TempDir(), "x.csv")); !errors.Is(err, warehouse.ErrManyStatements) {
		t.Errorf("WriteFile of two statements: %v, want ErrManyStatements", err)
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
	path := basicWarehouse(t)
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
	if err := query.Write(ctx, db, q, query.FormatCSV, &buf); err != nil {
		t.Fatal(err)
	}
	if buf.String() != want {
		t.Errorf("stdout CSV:\n%s\nwant:\n%s", buf.String(), want)
	}
	out := filepath.Join(dir, "cells.csv")
	if err := query.WriteFile(ctx, db, q, query.FormatCSV, out); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(out); err != nil || string(b) != want {
		t.Errorf("--out CSV: %v\n%s\nwant:\n%s", err, b, want)
	}
	// JSON is not for spreadsheets and keeps the value as it is.
	buf.Reset()
	if err := query.Write(ctx, db, "SELECT '=1+1' AS f", query.FormatJSON, &buf); err != nil || !strings.Contains(buf.String(), `"f": "=1+1"`) {
		t.Errorf("json: %v %s", err, buf.String())
	}
}

// basicWarehouse builds the metric fixture basic.jsonl with the default
// settings and returns the warehouse's path.
func basicWarehouse(t *testing.T) string {
	t.Helper()
	evs, err := buildtest.ReadEvents(filepath.Join("..", "testdata", "metrics", "basic.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(t.TempDir(), "lake")
	if _, err := buildtest.WriteBatch(root, "fixture", time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), evs); err != nil {
		t.Fatal(err)
	}
	return buildtest.Build(t, root, config.Default())
}
