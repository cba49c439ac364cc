package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// hostileText is an event's message that, printed raw, sets the terminal's
// title and erases the line above; hostileQueue is a queue name doing the first.
const (
	hostileText  = "hi \x1b]0;PWNED\x07\x1b[1A\x1b[2K gone\nsecond line"
	hostileQueue = "sa\x1b]0;PWNED\x07les"
)

// controlWarehouse is a warehouse built from basic.jsonl with hostileText
// as the message of event bc-2 and hostileQueue for the queue sales.
func controlWarehouse(t *testing.T) string {
	t.Helper()
	events, err := os.ReadFile(filepath.Join("..", "..", "testdata", "metrics", "basic.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(string(events), `"queue":"sales"`, `"queue":"sa\u001b]0;PWNED\u0007les"`)
	text = strings.Replace(text, `"text":"Where is my order?"`, `"text":"hi \u001b]0;PWNED\u0007\u001b[1A\u001b[2K gone\nsecond line"`, 1)
	if text == string(events) {
		t.Fatal("basic.jsonl has none of the values replaced")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "events.jsonl")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	lakeDir, db := filepath.Join(dir, "lake"), filepath.Join(dir, "warehouse.duckdb")
	mustParley(t, "import", "--lake", lakeDir, path)
	mustParley(t, "build", "--lake", lakeDir, "--db", db)
	return db
}

// TestControlCharactersEscaped: control characters from the data reach
// the terminal escaped in parley sql's table and in errors that list the
// data's values, while CSV and JSON keep the value itself.
func TestControlCharactersEscaped(t *testing.T) {
	db := controlWarehouse(t)
	query := "SELECT message_text FROM events WHERE event_id = 'bc-2'"
	table := mustParley(t, "sql", "--db", db, query)
	if strings.ContainsAny(table, "\x1b\x07") || !strings.Contains(table, `hi \x1b]0;PWNED\x07\x1b[1A\x1b[2K gone\nsecond line`) {
		t.Errorf("the table shows the message as\n%q\nwant its control characters and newline escaped", table)
	}
	if lines := strings.Count(table, "\n"); lines != 4 { // header, rule, the row, (1 row)
		t.Errorf("the table has %d lines, want 4:\n%s", lines, table)
	}
	if csv := mustParley(t, "sql", "--db", db, "--format", "csv", query); !strings.Contains(csv, hostileText) {
		t.Errorf("CSV %q does not keep the message as it is", csv)
	}
	if js := mustParley(t, "sql", "--db", db, "--format", "json", query); !strings.Contains(js, `hi \u001b]0;PWNED\u0007\u001b[1A\u001b[2K gone\nsecond line`) {
		t.Errorf("JSON %q does not hold the message as JSON escapes", js)
	}
	for _, args := range [][]string{
		{"report", "--db", db, "--queue", "nosuch", "--out", t.TempDir()},
		{"qa", "sample", "--db", db, "--queue", "nosuch", "--out", t.TempDir()},
		{"report", "--db", db, "--queue", "sa\x1b]0;PWNED\x07le", "--out", t.TempDir()}, // did you mean it?
	} {
		_, err := parley(t, args...)
		if err == nil {
			t.Fatalf("%s --queue %q: no error", args[0], args[4])
		}
		// The error itself, before main's errorLine escapes what is left.
		if msg := err.Error(); strings.ContainsAny(msg, "\x1b\x07") || !strings.Contains(msg, `sa\x1b]0;PWNED\x07les`) {
			t.Errorf("%s --queue %q: the error is %q, want the queue named with its control characters escaped", args[0], args[4], msg)
		}
	}
}

// TestErrorLine: main prints an error with its control characters escaped
// and its lines kept.
func TestErrorLine(t *testing.T) {
	err := errors.Join(errors.New("a: \x1b[2Kbad"), errors.New("b:\tworse\r"))
	if got, want := errorLine(err), "parley: a: \\x1b[2Kbad\nb:\tworse\\r"; got != want {
		t.Errorf("errorLine = %q, want %q", got, want)
	}
}

// TestSQLReadRefusedNamesTheFlag: reading a file outside the --allow-read
// folders fails with DuckDB's Permission Error and the flag that allows it
// (exit status 1, as before: TestSQLSandboxRefusesEscapes); the same query
// with the flag runs.
func TestSQLReadRefusedNamesTheFlag(t *testing.T) {
	fx := newSandboxFixture(t)
	query := "SELECT count(*) AS n FROM read_csv('data/in.csv')"
	_, err := sqlRun("", "sql", "--db", fx.db, query)
	if err == nil || !strings.Contains(err.Error(), "Permission Error") || !strings.Contains(err.Error(), "give --allow-read DIR") {
		t.Errorf("reading a file without --allow-read: %v, want DuckDB's error and --allow-read named", err)
	}
	if out, err := sqlRun("", "sql", "--db", fx.db, "--format", "csv", "--allow-read", "data", query); err != nil || out != "n\n2\n" {
		t.Errorf("with --allow-read data: %q, %v", out, err)
	}
}
