package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parley-cx/parley/internal/warehouse"
)

// sandboxFixture is a real warehouse built from basic.jsonl, with the files
// an attacker or a careless query would aim at around it. The test runs in
// dir, so relative paths in queries resolve there.
type sandboxFixture struct {
	dir        string
	db         string // the warehouse
	other      string // another DuckDB file, a copy of the warehouse
	secret     string // a file outside every allowed folder
	checkpoint string // a lake offset checkpoint
	data       string // a folder for --allow-read, holding in.csv
}

func newSandboxFixture(t *testing.T) sandboxFixture {
	t.Helper()
	events, err := filepath.Abs(filepath.Join("..", "..", "testdata", "metrics", "basic.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Chdir(dir)
	fx := sandboxFixture{
		dir:        dir,
		db:         filepath.Join(dir, "warehouse.duckdb"),
		other:      filepath.Join(dir, "other.duckdb"),
		secret:     filepath.Join(dir, "secret.txt"),
		checkpoint: filepath.Join(dir, "lake", "_offsets", "conversation-events", "0.json"),
		data:       filepath.Join(dir, "data"),
	}
	mustParley(t, "import", "--lake", "lake", events)
	mustParley(t, "build", "--lake", "lake")
	wh, err := os.ReadFile(fx.db)
	if err != nil {
		t.Fatal(err)
	}
	for path, content := range map[string][]byte{
		fx.other:                             wh,
		fx.secret:                            []byte("TOP-SECRET-42\n"),
		fx.checkpoint:                        []byte(`{"next_offset":1234}` + "\n"),
		filepath.Join(fx.data, "in.csv"):     []byte("channel,target_s\nemail,3600\nchat,60\n"),
		filepath.Join(fx.data, "n", "x.csv"): []byte("channel,target_s\nsms,600\n"),
	} {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return fx
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sqlRun runs parley sql in-process with stdin and returns what it printed on stdout.
func sqlRun(stdin string, args ...string) (string, error) {
	out, _, err := cli(strings.NewReader(stdin), args...)
	return out, err
}

// untouched checks that a path an escape aimed at is as it was: absent, or with the same bytes.
func untouched(t *testing.T, path string, before []byte) {
	t.Helper()
	got, err := os.ReadFile(path)
	switch {
	case before == nil && !errors.Is(err, os.ErrNotExist):
		t.Errorf("%s was created (%v)", path, err)
	case before != nil && !bytes.Equal(got, before):
		t.Errorf("%s changed: %q, was %q (%v)", path, got, before, err)
	}
}

// TestSQLSandboxRefusesEscapes: every escape of issue 17 ("parley sql is a
// sandbox") is refused, with an error saying why, and leaves no trace.
func TestSQLSandboxRefusesEscapes(t *testing.T) {
	fx := newSandboxFixture(t)
	checkpoint, err := os.ReadFile(fx.checkpoint)
	if err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(fx.dir, "script.sql")
	writeScript := func(t *testing.T, text string) {
		t.Helper()
		if err := os.WriteFile(script, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	linked := filepath.Join(fx.dir, "linked")
	if err := os.MkdirAll(linked, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(fx.secret, filepath.Join(linked, "innocent.csv")); err != nil {
		t.Fatal(err)
	}
	const denied = "Permission Error"
	cases := []struct {
		name   string
		script string // written to script.sql first, when set
		stdin  string
		args   []string // after sql --db WAREHOUSE
		usage  bool     // exit 2
		want   string   // in the error
		target string   // a path the statement aims at, which must stay absent
	}{
		{name: "read any file", args: []string{"SELECT * FROM read_text('/etc/passwd')"}, want: denied},
		{name: "read a secret next to the warehouse", args: []string{"SELECT content FROM read_text('" + fx.secret + "')"}, want: denied},
		{name: "read a relative path", args: []string{"SELECT * FROM read_csv('secret.txt')"}, want: denied},
		{name: "sniff a file", args: []string{"SELECT * FROM sniff_csv('" + fx.secret + "')"}, want: denied},
		{name: "list a folder", args: []string{"SELECT * FROM glob('" + fx.dir + "/*')"}, want: denied},
		{name: "list /etc", args: []string{"SELECT * FROM glob('/etc/*')"}, want: denied},
		{name: "write any file", args: []string{"COPY (SELECT 'owned') TO '" + filepath.Join(fx.dir, "owned.csv") + "'"}, want: "COPY", target: filepath.Join(fx.dir, "owned.csv")},
		{name: "COPY over the lake's checkpoint", args: []string{"COPY (SELECT 0 AS next_offset) TO '" + fx.checkpoint + "' (FORMAT json)"}, want: "COPY"},
		{name: "EXPORT DATABASE", args: []string{"EXPORT DATABASE '" + filepath.Join(fx.dir, "dump") + "'"}, want: "EXPORT", target: filepath.Join(fx.dir, "dump")},
		{name: "ATTACH another DuckDB file", args: []string{"ATTACH '" + fx.other + "' AS o"}, want: "ATTACH"},
		{name: "ATTACH read-only", args: []string{"ATTACH '" + fx.other + "' AS o (READ_ONLY)"}, want: "ATTACH"},
		{name: "ATTACH and DROP in one call", args: []string{"ATTACH '" + fx.other + "' AS o; DROP TABLE o.events"}, usage: true, want: "one statement per call"},
		{name: "ATTACH and DROP in a script", script: "ATTACH '" + fx.other + "' AS o;\nDROP TABLE o.events;\n", args: []string{"-f", script}, want: "statement 1 of 2"},
		{name: "SET", args: []string{"SET threads = 1"}, want: "SET"},
		{name: "SET external access back on", args: []string{"SET enable_external_access = true"}, want: "SET"},
		{name: "RESET the lock", args: []string{"RESET lock_configuration"}, want: "SET"},
		{name: "PRAGMA that writes a profile", args: []string{"PRAGMA profile_output = '" + filepath.Join(fx.dir, "profile.json") + "'"}, want: "PRAGMA", target: filepath.Join(fx.dir, "profile.json")},
		{name: "INSTALL an extension", args: []string{"INSTALL httpfs"}, want: "INSTALL"},
		{name: "INSTALL from community", args: []string{"INSTALL h3 FROM community"}, want: "INSTALL"},
		{name: "LOAD an extension", args: []string{"LOAD httpfs"}, want: "LOAD"},
		{name: "autoload through a URL", args: []string{"SELECT * FROM read_csv('https://example.invalid/x.csv')"}, want: denied},
		{name: "query hiding a COPY", args: []string{"SELECT 1; COPY (SELECT 1) TO '" + filepath.Join(fx.dir, "hidden.csv") + "'"}, usage: true, want: "one statement per call", target: filepath.Join(fx.dir, "hidden.csv")},
		{name: "script with a COPY after a query", script: "SELECT 42 AS answer;\nCOPY (SELECT 1) TO '" + filepath.Join(fx.dir, "late.csv") + "';\n", args: []string{"-f", script}, want: "statement 2 of 2", target: filepath.Join(fx.dir, "late.csv")},
		{name: "script from stdin with a DELETE", stdin: "SELECT 1;\nDELETE FROM conversations;\n", args: []string{"-f", "-"}, want: "read-only"},
		{name: "logging into an allowed folder", script: "SELECT * FROM enable_logging(level = 'trace', storage = 'file', storage_config = {'path': 'data/logs'});\nSELECT count(*) FROM conversations;\n",
			args: []string{"--allow-read", "data", "-f", script}, want: "enable_logging", target: filepath.Join(fx.data, "logs")},
		{name: "logging to a folder outside", args: []string{"SELECT * FROM enable_logging(storage = 'file', storage_config = {'path': '" + filepath.Join(fx.dir, "logs") + "'})"}, want: "table function not allowed", target: filepath.Join(fx.dir, "logs")},
		{name: "SQL hidden in a string", args: []string{"FROM query('SELECT * FROM enable_logging()')"}, want: "query"},
		{name: "CREATE TEMP", args: []string{"CREATE TEMP TABLE t AS SELECT 1"}, want: "CREATE"},
		{name: "CALL", args: []string{"CALL pragma_version()"}, want: "CALL"},
		{name: "CHECKPOINT", args: []string{"CHECKPOINT"}, want: "CHECKPOINT"},
		{name: "DELETE", args: []string{"DELETE FROM conversations"}, want: "read-only"},
		{name: "COPY into an allowed folder", args: []string{"--allow-read", "data", "COPY (SELECT 1) TO 'data/w.csv'"}, want: "COPY", target: filepath.Join(fx.data, "w.csv")},
		{name: "EXPLAIN ANALYZE COPY into an allowed folder", args: []string{"--allow-read", "data", "EXPLAIN ANALYZE COPY (SELECT 1) TO 'data/e.csv'"}, want: "EXPLAIN", target: filepath.Join(fx.data, "e.csv")},
		{name: "EXPORT DATABASE into an allowed folder", args: []string{"--allow-read", fx.data, "EXPORT DATABASE '" + filepath.Join(fx.data, "dump") + "'"}, want: "EXPORT", target: filepath.Join(fx.data, "dump")},
		{name: "ATTACH a new file in an allowed folder", args: []string{"--allow-read", "data", "ATTACH 'data/new.duckdb' AS n"}, want: "ATTACH", target: filepath.Join(fx.data, "new.duckdb")},
		{name: "leave an allowed folder with ..", args: []string{"--allow-read", "data", "SELECT * FROM read_text('data/../secret.txt')"}, want: denied},
		{name: "leave an allowed folder with .. absolute", args: []string{"--allow-read", fx.data, "SELECT * FROM read_text('" + fx.data + "/n/../../secret.txt')"}, want: denied},
		{name: "allowed folder holding a link out", args: []string{"--allow-read", linked, "SELECT * FROM read_text('" + filepath.Join(linked, "innocent.csv") + "')"}, usage: true, want: "innocent.csv is a link to"},
		{name: "allow-read of a missing folder", args: []string{"--allow-read", "nope", "SELECT 1"}, usage: true, want: "--allow-read"},
		{name: "--out with a query breaking out of COPY", args: []string{"--out", "x.parquet", "--format", "parquet", "SELECT 1) TO '" + filepath.Join(fx.dir, "broke.csv") + "' (FORMAT csv); --"}, want: "syntax error", target: filepath.Join(fx.dir, "broke.csv")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.script != "" {
				writeScript(t, c.script)
			}
			out, err := sqlRun(c.stdin, append([]string{"sql", "--db", fx.db}, c.args...)...)
			if err == nil {
				t.Fatalf("ran; printed %q", out)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q, want it to contain %q", err, c.want)
			}
			var ue usageError
			if errors.As(err, &ue) != c.usage {
				t.Errorf("usage error = %v, want %v", !c.usage, c.usage)
			}
			if out != "" {
				t.Errorf("printed %q before refusing", out)
			}
			if c.target != "" {
				untouched(t, c.target, nil)
			}
		})
	}
	untouched(t, fx.checkpoint, checkpoint)
	// The other DuckDB file still has its tables, and the warehouse its rows.
	other, err := warehouse.Open(fx.other, true)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := other.QueryRow("SELECT count(*) FROM events").Scan(&n); err != nil || n == 0 {
		t.Errorf("other.duckdb events: %d, %v", n, err)
	}
	other.Close()
	if out := mustParley(t, "sql", "--db", fx.db, "--format", "csv", "SELECT count(*) AS n FROM conversations"); out != "n\n14\n" {
		t.Errorf("warehouse after the escapes: %q", out)
	}
	// No scratch folder or temporary file is left anywhere.
	filepath.WalkDir(fx.dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), "_tmp-") && !strings.Contains(p, string(filepath.Separator)+"lake"+string(filepath.Separator)) {
			t.Errorf("left behind: %s", p)
		}
		return nil
	})
}

// TestSQLSandboxReads: what parley sql is for still works in the sandbox:
// the views, time zones (ICU is built in), DESCRIBE and friends, scripts
// from a file or stdin, --out, and files inside an --allow-read folder.
func TestSQLSandboxReads(t *testing.T) {
	kpis, err := filepath.Abs(filepath.Join("..", "..", "sql", "dashboards", "overview_kpis.sql"))
	if err != nil {
		t.Fatal(err)
	}
	fx := newSandboxFixture(t)
	frt := filepath.Join(fx.data, "frt.parquet")
	if _, err := sqlRun("", "sql", "--db", fx.db, "--out", frt, "--format", "parquet", "SELECT conversation_id, first_response_s FROM conversations"); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(fx.dir, "weekly.sql")
	if err := os.WriteFile(script, []byte("-- two queries; the second's ';' is in a string\nSELECT count(*) AS n FROM conversations;\nSELECT 'a;b' AS s;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		stdin string
		args  []string
		want  string // the whole CSV output, or with a leading "~" a part of it
	}{
		{"a view", "", []string{"SELECT count(*) AS n FROM conversations"}, "n\n14\n"},
		{"time zones", "", []string{"SELECT strftime(timezone('America/New_York', TIMESTAMPTZ '2024-01-01 00:00:00+00'), '%Y-%m-%d %H:%M') AS t"}, "t\n2023-12-31 19:00\n"},
		{"warehouse_info", "", []string{"FROM warehouse_info SELECT events"}, "events\n77\n"},
		{"DESCRIBE", "", []string{"DESCRIBE conversations"}, "~conversation_id,VARCHAR"},
		{"SHOW TABLES", "", []string{"SHOW TABLES"}, "~kpi_daily"},
		{"SUMMARIZE", "", []string{"SELECT column_name FROM (SUMMARIZE kpi_daily) WHERE column_name = 'channel'"}, "column_name\nchannel\n"},
		{"pragma_table_info", "", []string{"SELECT name FROM pragma_table_info('events') WHERE name = 'event_id'"}, "name\nevent_id\n"},
		{"script from a file", "", []string{"-f", script}, "n\n14\n\ns\na;b\n"},
		{"script from stdin", "SELECT 1 AS a;\nSELECT 2 AS b\n", []string{"-f", "-"}, "a\n1\n\nb\n2\n"},
		{"allowed CSV by relative path", "", []string{"--allow-read", "data", "SELECT count(*) AS n FROM read_csv('data/in.csv')"}, "n\n2\n"},
		{"allowed CSV by absolute path", "", []string{"--allow-read", "data", "SELECT count(*) AS n FROM read_csv('" + filepath.Join(fx.data, "in.csv") + "')"}, "n\n2\n"},
		{"allowed glob", "", []string{"--allow-read", fx.data, "SELECT count(*) AS n FROM read_csv('" + fx.data + "/**/*.csv')"}, "n\n3\n"},
		{"allowed Parquet joined with a view", "", []string{"--allow-read", "data", "SELECT count(*) AS n FROM read_parquet('data/frt.parquet') JOIN conversations USING (conversation_id)"}, "n\n14\n"},
		{"a dashboard query with --param", "", []string{"-f", kpis, "--param", "from=2026-03-01", "--param", "to=2026-03-31",
			"--param", "queue=", "--param", "channel=", "--param", "market=", "--param", "reason="}, "~\n14,"},
		{"--param in a script", "SELECT conversation_id, first_response_s FROM conversations WHERE conversation_id = $id;\nSELECT 1 AS one;\n",
			[]string{"-f", "-", "--param", "id=c-notes"}, "conversation_id,first_response_s\nc-notes,240\n\none\n1\n"},
		{"two allowed folders", "", []string{"--allow-read", "data", "--allow-read", "lake", "SELECT count(*) > 0 AS ok FROM read_parquet('lake/events/*/*.parquet')"}, "ok\ntrue\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := sqlRun(c.stdin, append([]string{"sql", "--db", fx.db, "--format", "csv"}, c.args...)...)
			if err != nil {
				t.Fatal(err)
			}
			if part, ok := strings.CutPrefix(c.want, "~"); ok {
				if !strings.Contains(out, part) {
					t.Errorf("output %q, want it to contain %q", out, part)
				}
			} else if out != c.want {
				t.Errorf("output %q, want %q", out, c.want)
			}
		})
	}
	// The invariant checks run as one script, as their header says.
	checkInvariants(t, fx.db)
	// A parameter without a --param is refused: go-duckdb would bind it to
	// whatever value sits at its position.
	_, err = sqlRun("", "sql", "--db", fx.db, "-f", kpis, "--param", "from=2026-03-01", "--param", "limit=3")
	var ue usageError
	if err == nil || !strings.Contains(err.Error(), "$to") || !errors.As(err, &ue) {
		t.Errorf("missing --param to: %v, want a usage error naming $to", err)
	}
	entries, err := os.ReadDir(fx.data)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "frt.parquet in.csv n" {
		t.Errorf("the data folder holds %v: a scratch folder or a stray file was left", names)
	}
}

// TestExportSandbox: parley export takes no SQL, but it runs the views the
// warehouse file defines. A warehouse from elsewhere whose view reads a
// file must fail to export, not copy the file into the export.
func TestExportSandbox(t *testing.T) {
	fx := newSandboxFixture(t)
	out := filepath.Join(fx.dir, "export")
	for _, c := range []struct{ name, view, want string }{
		{"a view reading a file", "SELECT content FROM read_text('" + fx.secret + "')", "Permission Error"},
		{"a view turning logging on", "SELECT * FROM enable_logging(storage = 'file', storage_config = {'path': '" + out + "'})", "enable_logging"},
	} {
		hostile := filepath.Join(fx.dir, "hostile.duckdb")
		if err := os.WriteFile(hostile, mustRead(t, fx.db), 0o644); err != nil {
			t.Fatal(err)
		}
		db, err := warehouse.Open(hostile, false)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec("DROP TABLE warehouse_info; CREATE VIEW warehouse_info AS " + c.view); err != nil {
			t.Fatal(err)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := sqlRun("", "export", "--db", hostile, "--out", out); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("export of %s: %v, want an error containing %q", c.name, err, c.want)
		}
	}
	filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if b, _ := os.ReadFile(p); bytes.Contains(b, []byte("TOP-SECRET")) {
			t.Errorf("%s holds the secret", p)
		}
		if strings.HasPrefix(d.Name(), "_tmp-") || strings.Contains(p, "_tmp-") {
			t.Errorf("left behind: %s", p)
		}
		return nil
	})
	// The genuine warehouse exports, and only its files are left.
	if _, err := sqlRun("", "export", "--db", fx.db, "--out", out); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".parquet") || e.IsDir() {
			t.Errorf("export folder holds %s", e.Name())
		}
	}
}

// invariantsSQL is sql/build/checks/invariants.sql, found before any test changes the working directory.
var invariantsSQL, _ = filepath.Abs(filepath.Join("..", "..", "sql", "build", "checks", "invariants.sql"))

// checkInvariants runs sql/build/checks/invariants.sql on the warehouse db
// as one script, as its header says: one block per check, each a header
// and a 0 on a consistent warehouse.
func checkInvariants(t *testing.T, db string) {
	t.Helper()
	out, err := sqlRun("", "sql", "--db", db, "--format", "csv", "-f", invariantsSQL)
	if err != nil {
		t.Fatal(err)
	}
	blocks := strings.Split(strings.TrimSuffix(out, "\n"), "\n\n")
	if len(blocks) < 10 {
		t.Errorf("invariants.sql printed %d results:\n%s", len(blocks), out)
	}
	for _, b := range blocks {
		if lines := strings.Split(b, "\n"); len(lines) != 2 || lines[1] != "0" {
			t.Errorf("invariant result %q, want a header and 0", b)
		}
	}
}

// TestSQLOutFormat: --out writes the format its extension names when
// --format is not given; a --format that contradicts the extension, or an
// extension naming no format without --format, is a usage error.
func TestSQLOutFormat(t *testing.T) {
	dir, db := importAndBuild(t, metricsFixture("basic.jsonl"))
	const q = "SELECT count(*) AS n FROM conversations"
	cases := []struct {
		name   string
		out    string
		format []string // the --format flag, if given
		want   string   // "parquet", "csv", or a part of the usage error
	}{
		{"parquet by extension", "a.parquet", nil, "parquet"},
		{"csv by extension", "a.csv", nil, "csv"},
		{"extension in capitals", "b.CSV", nil, "csv"},
		{"agreeing --format", "c.parquet", []string{"--format", "parquet"}, "parquet"},
		{"--format for another name", "d.txt", []string{"--format", "csv"}, "csv"},
		{"contradicting --format", "e.parquet", []string{"--format", "csv"}, "--format csv contradicts --out " + filepath.Join(dir, "e.parquet") + ", a parquet file"},
		{"no format known", "f.json", nil, `cannot tell the format from the extension ".json"`},
		{"--format table", "g.csv", []string{"--format", "table"}, `--format "table" cannot be written with --out`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(dir, c.out)
			_, err := parley(t, append(append([]string{"sql", "--db", db, "--out", out}, c.format...), q)...)
			if c.want != "parquet" && c.want != "csv" {
				var ue usageError
				if !errors.As(err, &ue) || !strings.Contains(err.Error(), c.want) {
					t.Errorf("err = %v, want a usage error saying %q", err, c.want)
				}
				if _, serr := os.Stat(out); !errors.Is(serr, os.ErrNotExist) {
					t.Errorf("a refused --out wrote %s", out)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			isParquet := bytes.HasPrefix(b, []byte("PAR1"))
			if isParquet != (c.want == "parquet") || (c.want == "csv" && string(b) != "n\n14\n") {
				t.Errorf("wrote %q, want %s", b, c.want)
			}
		})
	}
}

// TestOperationsDeadLetterQuery runs the parley sql command docs/operations.md
// gives for reading the dead letters, as a shell splits it, on a lake with one.
func TestOperationsDeadLetterQuery(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "operations.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, command, ok := strings.Cut(string(doc), "\n    parley sql ")
	command, _, _ = strings.Cut(command, "\n\n")
	if !ok || !strings.Contains(command, "deadletter") {
		t.Fatalf("operations.md gives no indented parley sql command reading the dead letters")
	}
	events, err := os.ReadFile(filepath.Join("..", "..", "testdata", "metrics", "basic.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.WriteFile("events.jsonl", append(events, "not json\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	mustParley(t, "import", "--lake", "lake", "events.jsonl")
	mustParley(t, "build", "--lake", "lake", "--db", "warehouse.duckdb")
	out, err := exec.Command("sh", "-c", `printf '%s\0' `+strings.ReplaceAll(command, "DIR", "lake")).Output()
	if err != nil {
		t.Fatalf("sh: %v", err)
	}
	args := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	got, err := parley(t, append([]string{"sql"}, args...)...)
	if err != nil || !strings.Contains(got, "malformed_json") || !strings.Contains(got, "(1 row)") {
		t.Errorf("parley sql %q: %v\n%s", args, err, got)
	}
}
