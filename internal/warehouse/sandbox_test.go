package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
)

// smallWarehouse writes a real DuckDB file with one table and one view.
func smallWarehouse(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	db, err := Open(path, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE t AS SELECT range AS i FROM range(3); CREATE VIEW v AS SELECT i * 2 AS j FROM t"); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func openSandbox(t *testing.T, path string, sb Sandbox) *DB {
	t.Helper()
	db, err := OpenSandbox(path, sb)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestOpenSandboxLocksEveryConnection: the settings belong to the
// database, so a second connection of the pool is as locked as the first.
func TestOpenSandboxLocksEveryConnection(t *testing.T) {
	db := openSandbox(t, smallWarehouse(t), Sandbox{})
	ctx := context.Background()
	var conns []*sql.Conn
	for range 2 {
		c, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns = append(conns, c)
	}
	const q = `SELECT current_setting('enable_external_access'), current_setting('lock_configuration'),
		current_setting('access_mode'), current_setting('autoinstall_known_extensions'), current_setting('autoload_known_extensions')`
	for i, conn := range conns {
		var ext, lock, install, load bool
		var mode string
		if err := conn.QueryRowContext(ctx, q).Scan(&ext, &lock, &mode, &install, &load); err != nil {
			t.Fatal(err)
		}
		if ext || !lock || !strings.EqualFold(mode, "read_only") || install || load {
			t.Errorf("connection %d: external access %v, lock %v, access mode %s, autoinstall %v, autoload %v", i+1, ext, lock, mode, install, load)
		}
		if _, err := conn.ExecContext(ctx, "SET enable_external_access = true"); err == nil {
			t.Errorf("connection %d: SET enable_external_access = true succeeded", i+1)
		}
	}
	var n int
	if err := db.QueryRow("SELECT sum(j) FROM v").Scan(&n); err != nil || n != 6 {
		t.Errorf("the warehouse's own view: %d, %v", n, err)
	}
}

func TestCheckQuery(t *testing.T) {
	allowed := t.TempDir()
	db := openSandbox(t, smallWarehouse(t), Sandbox{AllowRead: []string{allowed}})
	dump := filepath.Join(allowed, "dump")
	cases := []struct {
		stmt string
		want error // nil: allowed; errNoPrepare: DuckDB's own error
	}{
		{"SELECT * FROM v", nil},
		{"WITH x AS (SELECT 1) SELECT * FROM x;", nil},
		{"FROM t", nil},
		{"VALUES (1)", nil},
		{"DESCRIBE t", nil},
		{"SHOW TABLES", nil},
		{"SUMMARIZE t", nil},
		{"SELECT * FROM pragma_table_info('t')", nil},
		{"PRAGMA table_info('t')", ErrReadOnly},
		{"COPY t TO '" + filepath.Join(allowed, "t.csv") + "'", ErrReadOnly},
		{"EXPORT DATABASE '" + dump + "'", ErrReadOnly},
		{"SELECT 1; SELECT 2", ErrManyStatements},
		{"SELECT 1; DROP TABLE t", ErrManyStatements},
		{"DELETE FROM t", ErrReadOnly},
		{"DROP TABLE t", ErrReadOnly},
		{"CREATE TEMP TABLE x AS SELECT 1", ErrReadOnly},
		{"SET threads = 1", ErrReadOnly},
		{"SET VARIABLE x = 1", ErrReadOnly},
		{"INSTALL httpfs", ErrReadOnly},
		{"LOAD httpfs", ErrReadOnly},
		{"CALL pragma_version()", ErrReadOnly},
		{"CHECKPOINT", ErrReadOnly},
		{"EXPLAIN SELECT 1", ErrReadOnly},
		{"EXPLAIN ANALYZE SELECT 1", ErrReadOnly},
		{"ATTACH ':memory:' AS m", ErrReadOnly},
		{"SELECT * FROM range(3) r, duckdb_tables() t", nil},
		{"SELECT * FROM enable_logging(storage = 'file', storage_config = {'path': '" + allowed + "'})", ErrFunctionRefused},
		{"SELECT 1 WHERE 1 IN (FROM system.main.disable_logging())", ErrFunctionRefused},
		{"WITH c AS (FROM checkpoint()) SELECT 1", ErrFunctionRefused},
		{"FROM query('SELECT * FROM enable_logging()')", ErrFunctionRefused},
		{"FROM json_execute_serialized_sql(json_serialize_sql('SELECT 1'))", ErrFunctionRefused},
		{"", ErrNoStatement},
		{"SELEC 1", errNoPrepare},
		{"SELECT * FROM read_text('/etc/passwd')", errNoPrepare},
	}
	for _, c := range cases {
		err := db.CheckQuery(context.Background(), c.stmt)
		switch {
		case c.want == nil && err != nil:
			t.Errorf("%q: %v, want it allowed", c.stmt, err)
		case c.want == errNoPrepare && (err == nil || errors.Is(err, ErrReadOnly) || errors.Is(err, ErrManyStatements)):
			t.Errorf("%q: %v, want DuckDB's error", c.stmt, err)
		case c.want != nil && c.want != errNoPrepare && !errors.Is(err, c.want):
			t.Errorf("%q: %v, want %v", c.stmt, err, c.want)
		}
	}
	// Refused before it was prepared: preparing EXPORT DATABASE creates its folder.
	if entries, _ := os.ReadDir(allowed); len(entries) != 0 {
		t.Errorf("checking left %v in the allowed folder", entries)
	}
}

// errNoPrepare marks the statements DuckDB itself refuses to prepare.
var errNoPrepare = errors.New("DuckDB's error")

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestAllowRead: files inside an --allow-read folder are readable by
// absolute and by relative path; files outside it are not, through ".."
// or otherwise; a folder with a link leading out of it is refused at open.
func TestAllowRead(t *testing.T) {
	wh := smallWarehouse(t)
	root := t.TempDir()
	data := filepath.Join(root, "data")
	writeFile(t, filepath.Join(data, "in.csv"), "a,b\n1,x\n")
	writeFile(t, filepath.Join(data, "sub", "deep.csv"), "a,b\n2,y\n")
	writeFile(t, filepath.Join(root, "secret.csv"), "a,b\n9,secret\n")
	// A link that stays inside is fine.
	if err := os.Symlink(filepath.Join(data, "sub"), filepath.Join(data, "alias")); err != nil {
		t.Fatal(err)
	}
	t.Chdir(root)

	db := openSandbox(t, wh, Sandbox{AllowRead: []string{"data"}})
	count := func(path string) (int, error) {
		var n int
		err := db.QueryRow("SELECT count(*) FROM read_csv(?)", path).Scan(&n)
		return n, err
	}
	for _, p := range []string{filepath.Join(data, "in.csv"), "data/in.csv", "data/sub/deep.csv", "data/alias/deep.csv", filepath.Join(data, "*.csv")} {
		if n, err := count(p); err != nil || n != 1 {
			t.Errorf("read %s: %d rows, %v", p, n, err)
		}
	}
	for _, p := range []string{filepath.Join(root, "secret.csv"), "secret.csv", "data/../secret.csv", filepath.Join(data, "..", "secret.csv"), filepath.Join(data, "sub", "..", "..", "secret.csv"), "/etc/passwd"} {
		if _, err := count(p); err == nil || !strings.Contains(err.Error(), "Permission Error") {
			t.Errorf("read %s: %v, want a permission error", p, err)
		}
	}

	refused := []struct {
		name  string
		setup func(dir string)
	}{
		{"link to a file outside", func(dir string) {
			if err := os.Symlink(filepath.Join(root, "secret.csv"), filepath.Join(dir, "link.csv")); err != nil {
				t.Fatal(err)
			}
		}},
		{"link to a folder outside", func(dir string) {
			if err := os.Symlink(root, filepath.Join(dir, "sub", "up")); err != nil {
				t.Fatal(err)
			}
		}},
		{"dangling link", func(dir string) {
			if err := os.Symlink(filepath.Join(root, "not-yet"), filepath.Join(dir, "later.csv")); err != nil {
				t.Fatal(err)
			}
		}},
	}
	// DuckDB shares one instance per file within a process, and db's is
	// locked: the refusals use a warehouse of their own.
	wh2 := smallWarehouse(t)
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "d")
			writeFile(t, filepath.Join(dir, "sub", "ok.csv"), "a\n1\n")
			c.setup(dir)
			db, err := OpenSandbox(wh2, Sandbox{AllowRead: []string{dir}})
			if err == nil {
				db.Close()
				t.Fatal("opened")
			}
			if !errors.Is(err, ErrReadFolder) {
				t.Errorf("error %v, want ErrReadFolder", err)
			}
		})
	}
	// The same folders without the escaping links open.
	ok := filepath.Join(t.TempDir(), "d")
	writeFile(t, filepath.Join(ok, "sub", "ok.csv"), "a\n1\n")
	if db, err := OpenSandbox(wh2, Sandbox{AllowRead: []string{ok}}); err != nil {
		t.Errorf("a folder without links: %v", err)
	} else {
		db.Close()
	}
	for _, bad := range []string{filepath.Join(root, "missing"), filepath.Join(root, "secret.csv")} {
		if db, err := OpenSandbox(wh2, Sandbox{AllowRead: []string{bad}}); !errors.Is(err, ErrReadFolder) {
			if err == nil {
				db.Close()
			}
			t.Errorf("allow-read %s: %v, want ErrReadFolder", bad, err)
		}
	}
}

// TestScratch: DuckDB may write parley's own files into the scratch folder
// and nowhere else, and Close removes the folder.
func TestScratch(t *testing.T) {
	out := t.TempDir()
	db, err := OpenSandbox(smallWarehouse(t), Sandbox{WriteIn: out})
	if err != nil {
		t.Fatal(err)
	}
	scratch := db.Scratch()
	if filepath.Dir(scratch) != out {
		t.Fatalf("scratch folder %s is not inside %s", scratch, out)
	}
	if _, err := db.Exec("COPY t TO '" + filepath.Join(scratch, "t.parquet") + "' (FORMAT parquet)"); err != nil {
		t.Errorf("write into the scratch folder: %v", err)
	}
	if _, err := db.Exec("COPY t TO '" + filepath.Join(out, "t.parquet") + "' (FORMAT parquet)"); err == nil {
		t.Error("wrote next to the scratch folder")
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(scratch); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("scratch folder left after Close: %v", err)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("left in %s: %v", out, entries)
	}
}

// TestArrowNamedArgs: go-duckdb's Arrow interface binds by position only;
// Arrow binds sql.NamedArg values by name whatever their order, and a
// parameter no argument names is an error, not the value at its position.
func TestArrowNamedArgs(t *testing.T) {
	db := openSandbox(t, smallWarehouse(t), Sandbox{})
	ctx := context.Background()
	const q = "SELECT $b::VARCHAR || $a::VARCHAR AS s"
	var got string
	read := func(rec arrow.Record) error {
		got = strings.Clone(rec.Column(0).ValueStr(0)) // the batch is released after read returns
		return nil
	}
	if err := db.Arrow(ctx, read, q, sql.Named("a", "1"), sql.Named("b", "2")); err != nil || got != "21" {
		t.Errorf("got %q, %v; want 21", got, err)
	}
	if err := db.CheckQuery(ctx, q, sql.Named("a", "1")); !errors.Is(err, ErrMissingParam) || !strings.Contains(err.Error(), "$b") {
		t.Errorf("CheckQuery without $b: %v, want ErrMissingParam naming $b", err)
	}
	if err := db.Arrow(ctx, read, q, sql.Named("a", "1"), sql.Named("c", "3")); !errors.Is(err, ErrMissingParam) {
		t.Errorf("Arrow without $b: %v, want ErrMissingParam", err)
	}
}

// TestOpenSandboxChecksDefinitions: a warehouse whose views or macros call
// a refused table function is refused at open, since any query naming them
// would run the call. A view's name may hold " AS " to hide its body.
func TestOpenSandboxChecksDefinitions(t *testing.T) {
	cases := []struct {
		name, ddl string
		refused   bool
	}{
		{"parley's own kinds of views and macros", `CREATE MACRO us(a, b) AS date_diff('microsecond', a, b);
			CREATE VIEW w AS WITH x AS (SELECT i AS "a AS b" FROM t) SELECT us(TIMESTAMP '2026-01-01', TIMESTAMP '2026-01-02') AS n FROM x, range(2)`, false},
		{"view calling enable_logging", `CREATE VIEW w AS SELECT * FROM enable_logging(storage = 'file')`, true},
		{"view hiding its body behind a name", `CREATE VIEW "w AS SELECT 1 --" AS SELECT * FROM t, enable_logging()`, true},
		{"view in a subquery", `CREATE VIEW w AS SELECT * FROM t WHERE i IN (SELECT 1 FROM checkpoint())`, true},
		{"scalar macro with a subquery", `CREATE MACRO m(a) AS (SELECT count(*) FROM disable_logging()) + a`, true},
		{"table macro shadowing range", `CREATE MACRO range(n) AS TABLE SELECT * FROM truncate_duckdb_logs()`, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := smallWarehouse(t)
			db, err := Open(path, false)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec(c.ddl); err != nil {
				t.Fatal(err)
			}
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			sb, err := OpenSandbox(path, Sandbox{})
			if err == nil {
				sb.Close()
			}
			if c.refused != errors.Is(err, ErrFunctionRefused) {
				t.Errorf("OpenSandbox: %v; want refused = %v", err, c.refused)
			}
			if !c.refused && err != nil {
				t.Errorf("OpenSandbox: %v", err)
			}
		})
	}
}
