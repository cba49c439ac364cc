package warehouse

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/marcboeker/go-duckdb/mapping"
	"github.com/marcboeker/go-duckdb/v2"

	sqlfiles "github.com/parley-cx/parley/sql"
)

// ErrReadOnly is returned by CheckQuery for a statement that is not a
// query; the error quotes the statement's start.
var ErrReadOnly = errors.New("the warehouse is read-only here and only queries run " +
	"(SELECT, WITH, FROM, VALUES, TABLE, DESCRIBE, SHOW, SUMMARIZE)")

// ErrManyStatements is returned by CheckQuery for text holding more than one statement.
var ErrManyStatements = errors.New("more than one statement")

// ErrMissingParam is returned by CheckQuery for a parameter of the
// statement ($name) that no sql.NamedArg gives a value for.
var ErrMissingParam = errors.New("statement parameter without a value")

// ErrFunctionRefused is returned for a query that calls a table function
// outside AllowedTableFunctions, itself or through a view or macro of the
// warehouse.
var ErrFunctionRefused = errors.New("table function not allowed in the sandbox")

// ErrNoStatement is returned for text holding no statement (only blanks, comments or semicolons).
var ErrNoStatement = errors.New("no statement")

// SplitStatements splits script into its statements as DuckDB's own parser
// sees them, so a semicolon inside a string, a quoted name or a comment
// never splits one. Nothing is run.
func SplitStatements(script string) ([]string, error) {
	p, err := sharedParser()
	if err != nil {
		return nil, err
	}
	n, err := p.count(script)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, fmt.Errorf("warehouse: %w", ErrNoStatement)
	}
	// The C API counts statements but does not say where they are, so the
	// script is cut at the first semicolon whose head is one statement and
	// whose tail is all the others. A semicolon inside a string or a block
	// comment leaves an unterminated head; one inside a line comment leaves
	// a tail that does not hold the others. Each part is checked again by
	// CheckQuery before it runs, so a wrong cut could only refuse a script.
	var stmts []string
	rest := script
	for ; n > 1; n-- {
		cut := -1
		for i := strings.IndexByte(rest, ';'); i >= 0; i = nextIndex(rest, ";", i) {
			if h, err := p.count(rest[:i+1]); err != nil || h != 1 {
				continue
			}
			if t, err := p.count(rest[i+1:]); err == nil && t == n-1 {
				cut = i + 1
				break
			}
		}
		if cut < 0 {
			return nil, fmt.Errorf("warehouse: cannot find where the statement %d of the script ends", len(stmts)+1)
		}
		stmts = append(stmts, strings.TrimSpace(rest[:cut]))
		rest = rest[cut:]
	}
	return append(stmts, strings.TrimSpace(rest)), nil
}

// CheckQuery returns nil if stmt is exactly one statement that is a query:
// a SELECT to DuckDB's parser, which includes WITH, FROM, VALUES, TABLE,
// DESCRIBE, SHOW and SUMMARIZE. Anything else is refused with
// ErrManyStatements or ErrReadOnly before it is even prepared (preparing
// EXPORT DATABASE already creates its folder): COPY, EXPORT, ATTACH, SET,
// PRAGMA, INSTALL, LOAD, CALL, CREATE (even TEMP), and EXPLAIN, since
// EXPLAIN ANALYZE runs the statement it explains. A query that calls a
// table function outside AllowedTableFunctions is refused with
// ErrFunctionRefused. A query is then prepared, so one DuckDB cannot bind
// (a missing table, a file outside the sandbox) returns DuckDB's error
// before anything runs, and one whose parameters ($name) args do not all
// name returns ErrMissingParam: go-duckdb would bind a missing name to
// whatever argument sits at its position.
func (db *DB) CheckQuery(ctx context.Context, stmt string, args ...any) error {
	p, err := sharedParser()
	if err != nil {
		return err
	}
	n, err := p.count(stmt)
	switch {
	case err != nil:
		return err
	case n == 0:
		return fmt.Errorf("warehouse: %w", ErrNoStatement)
	case n > 1:
		return fmt.Errorf("warehouse: %w (%d found)", ErrManyStatements, n)
	}
	found, err := db.inspect(ctx, []string{stmt})
	if err != nil {
		return err
	}
	if !found[0].isQuery {
		return fmt.Errorf("%w; refused %s", ErrReadOnly, excerpt(stmt))
	}
	if refused := found[0].refused(); len(refused) > 0 {
		return fmt.Errorf("warehouse: %w: %s", ErrFunctionRefused, strings.Join(refused, ", "))
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("warehouse: connect: %w", err)
	}
	defer conn.Close()
	var typ duckdb.StmtType
	var missing []string
	err = conn.Raw(func(raw any) error {
		// One statement, so go-duckdb prepares it and runs nothing.
		st, err := raw.(driver.ConnPrepareContext).PrepareContext(ctx, stmt)
		if err != nil {
			return err
		}
		defer st.Close()
		ds := st.(*duckdb.Stmt)
		if typ, err = ds.StatementType(); err != nil {
			return err
		}
		for i := 1; i <= ds.NumInput(); i++ {
			name, err := ds.ParamName(i)
			if err != nil {
				return err
			}
			if !slices.ContainsFunc(args, func(a any) bool { n, ok := a.(sql.NamedArg); return ok && n.Name == name }) {
				missing = append(missing, "$"+name)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("warehouse: %w", err)
	}
	if typ != duckdb.STATEMENT_TYPE_SELECT { // the parser and the binder disagree: refuse
		return fmt.Errorf("%w; refused %s (DuckDB statement type %d)", ErrReadOnly, excerpt(stmt), typ)
	}
	if len(missing) > 0 {
		return fmt.Errorf("warehouse: %w: %s", ErrMissingParam, strings.Join(missing, ", "))
	}
	return nil
}

// AllowedTableFunctions are the table functions a sandboxed query may call:
// DuckDB's file readers (which the sandbox confines to the allowed
// folders) and its functions that describe the database. Anything else is
// refused, so a table function a later DuckDB adds stays refused until
// someone looks at it. Refused on purpose: enable_logging, disable_logging
// and truncate_duckdb_logs (they change the logging configuration despite
// lock_configuration and write log files into an allowed folder, or abort
// the process on a folder that is not), checkpoint and force_checkpoint,
// query and json_execute_serialized_sql (they run SQL held in a string,
// which this check cannot see), arrow_scan (reads memory at an address),
// and every macro the warehouse defines as a table.
var AllowedTableFunctions = map[string]bool{
	// Files: every path is checked against the sandbox's folders.
	"read_csv": true, "read_csv_auto": true, "sniff_csv": true, "read_parquet": true, "parquet_scan": true,
	"parquet_metadata": true, "parquet_schema": true, "parquet_file_metadata": true, "parquet_kv_metadata": true,
	"parquet_bloom_probe": true, "read_json": true, "read_json_auto": true, "read_json_objects": true,
	"read_json_objects_auto": true, "read_ndjson": true, "read_ndjson_auto": true, "read_ndjson_objects": true,
	"read_text": true, "read_blob": true, "glob": true,
	// Values.
	"range": true, "generate_series": true, "unnest": true, "repeat": true, "repeat_row": true,
	"json_each": true, "json_tree": true, "summary": true, "histogram": true, "histogram_values": true,
	"icu_calendar_names": true, "pg_timezone_names": true, "query_table": true,
	// The database described.
	"duckdb_columns": true, "duckdb_constraints": true, "duckdb_databases": true, "duckdb_dependencies": true,
	"duckdb_extensions": true, "duckdb_functions": true, "duckdb_indexes": true, "duckdb_keywords": true,
	"duckdb_memory": true, "duckdb_optimizers": true, "duckdb_schemas": true, "duckdb_sequences": true,
	"duckdb_settings": true, "duckdb_tables": true, "duckdb_temporary_files": true, "duckdb_types": true,
	"duckdb_variables": true, "duckdb_views": true, "pragma_collations": true, "pragma_database_size": true,
	"pragma_metadata_info": true, "pragma_platform": true, "pragma_show": true, "pragma_storage_info": true,
	"pragma_table_info": true, "pragma_user_agent": true, "pragma_version": true,
}

// inspection is what DuckDB's parser says of one text (sandbox/inspect.sql).
type inspection struct {
	isQuery   bool
	functions []string // the table functions it calls
}

// refused returns the table functions that AllowedTableFunctions lacks.
func (in inspection) refused() []string {
	var out []string
	for _, f := range in.functions {
		if !AllowedTableFunctions[f] {
			out = append(out, f)
		}
	}
	return out
}

// inspect parses texts with DuckDB's parser, without binding or running
// them, and returns one inspection per text, in order.
func (db *DB) inspect(ctx context.Context, texts []string) ([]inspection, error) {
	out := make([]inspection, len(texts))
	rows, err := db.QueryContext(ctx, sqlfiles.File("sandbox/inspect.sql"), texts)
	if err != nil {
		return nil, fmt.Errorf("warehouse: inspect SQL: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var i int
		var isQuery bool
		var function sql.NullString
		if err := rows.Scan(&i, &isQuery, &function); err != nil {
			return nil, fmt.Errorf("warehouse: inspect SQL: %w", err)
		}
		out[i-1].isQuery = isQuery
		if function.Valid {
			out[i-1].functions = append(out[i-1].functions, function.String)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("warehouse: inspect SQL: %w", err)
	}
	return out, nil
}

// checkDefinitions applies the table function rule to the SQL the
// warehouse itself defines (sandbox/definitions.sql), since a query runs a
// view's or a macro's body without naming what it calls. The body of a
// view is the text after " AS " in its CREATE VIEW statement; an " AS "
// can also sit inside a quoted name, so every text after one is inspected
// and a refused function in any of them refuses the warehouse.
func (db *DB) checkDefinitions(ctx context.Context) error {
	rows, err := db.QueryContext(ctx, sqlfiles.File("sandbox/definitions.sql"))
	if err != nil {
		return fmt.Errorf("warehouse: list views and macros: %w", err)
	}
	type definition struct{ kind, name string }
	var defs []definition
	var texts []string
	var owner []int // texts[i] belongs to defs[owner[i]]
	for rows.Next() {
		var d definition
		var body string
		if err := rows.Scan(&d.kind, &d.name, &body); err != nil {
			rows.Close()
			return fmt.Errorf("warehouse: list views and macros: %w", err)
		}
		var candidates []string
		switch d.kind {
		case "view":
			for i := strings.Index(body, " AS "); i >= 0; i = nextIndex(body, " AS ", i) {
				candidates = append(candidates, strings.TrimSuffix(strings.TrimSpace(body[i+4:]), ";"))
			}
		case "table_macro":
			candidates = []string{body}
		default: // a scalar macro's body is an expression
			candidates = []string{"SELECT " + body}
		}
		for _, c := range candidates {
			texts = append(texts, c)
			owner = append(owner, len(defs))
		}
		defs = append(defs, d)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return fmt.Errorf("warehouse: list views and macros: %w", err)
	}
	if len(texts) == 0 {
		return nil
	}
	found, err := db.inspect(ctx, texts)
	if err != nil {
		return err
	}
	read := make([]bool, len(defs))
	for i, in := range found {
		d := defs[owner[i]]
		read[owner[i]] = read[owner[i]] || in.isQuery
		if refused := in.refused(); in.isQuery && len(refused) > 0 {
			return fmt.Errorf("warehouse: %w: %s in %s %s, which the warehouse defines", ErrFunctionRefused, strings.Join(refused, ", "), d.kind, d.name)
		}
	}
	for i, ok := range read {
		if !ok {
			return fmt.Errorf("warehouse: cannot check the table functions of %s %s", defs[i].kind, defs[i].name)
		}
	}
	return nil
}

// nextIndex returns the index of the next sep in s after the one at i, or -1.
func nextIndex(s, sep string, i int) int {
	j := strings.Index(s[i+1:], sep)
	if j < 0 {
		return -1
	}
	return i + 1 + j
}

// excerpt quotes the start of a statement for an error message.
func excerpt(stmt string) string {
	s := strings.Join(strings.Fields(stmt), " ")
	if r := []rune(s); len(r) > 60 {
		s = string(r[:60]) + "…"
	}
	return fmt.Sprintf("%q", s)
}

// parser is an in-memory DuckDB used only for its SQL parser: it counts the
// statements in a text and never runs one. Its connection serves one call
// at a time.
type parser struct {
	mu   sync.Mutex
	conn mapping.Connection
}

// sharedParser is made on first use and lives as long as the process.
var sharedParser = sync.OnceValues(func() (*parser, error) {
	var db mapping.Database
	if mapping.Open(":memory:", &db) == mapping.StateError {
		return nil, errors.New("warehouse: open the SQL parser")
	}
	p := &parser{}
	if mapping.Connect(db, &p.conn) == mapping.StateError {
		mapping.Close(&db)
		return nil, errors.New("warehouse: connect to the SQL parser")
	}
	return p, nil
})

// count returns the number of statements DuckDB parses in text, or its parse error.
func (p *parser) count(text string) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var stmts mapping.ExtractedStatements
	n := mapping.ExtractStatements(p.conn, text, &stmts)
	defer mapping.DestroyExtracted(&stmts)
	if n == 0 {
		if msg := mapping.ExtractStatementsError(stmts); msg != "" {
			return 0, fmt.Errorf("warehouse: %s", msg)
		}
	}
	return int(n), nil
}
