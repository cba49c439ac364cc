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

	parleysql "github.com/parley-cx/parley/sql"
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
		for i := strings.IndexByte(rest, ';'); i >= 0; i = nextSemicolon(rest, i) {
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

// nextSemicolon returns the index of the next ';' in s after i, or -1.
func nextSemicolon(s string, i int) int {
	j := strings.IndexByte(s[i+1:], ';')
	if j < 0 {
		return -1
	}
	return i + 1 + j
}

// CheckQuery returns nil if stmt is exactly one statement that is a query:
// a SELECT to DuckDB's parser, which includes WITH, FROM, VALUES, TABLE,
// DESCRIBE, SHOW and SUMMARIZE. Anything else is refused with
// ErrManyStatements or ErrReadOnly before it is even prepared (preparing
// EXPORT DATABASE already creates its folder): COPY, EXPORT, ATTACH, SET,
// PRAGMA, INSTALL, LOAD, CALL, CREATE (even TEMP), and EXPLAIN, since
// EXPLAIN ANALYZE runs the statement it explains. A query is then prepared,
// so one DuckDB cannot bind (a missing table, a file outside the sandbox)
// returns DuckDB's error before anything runs, and one whose parameters
// ($name) args do not all name returns ErrMissingParam: go-duckdb would
// bind a missing name to whatever argument sits at its position.
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
	var isQuery bool
	var reason string
	if err := db.QueryRowContext(ctx, parleysql.File("sandbox/is_query.sql"), stmt).Scan(&isQuery, &reason); err != nil {
		return fmt.Errorf("warehouse: classify statement: %w", err)
	}
	if !isQuery {
		return fmt.Errorf("%w; refused %s", ErrReadOnly, excerpt(stmt))
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
