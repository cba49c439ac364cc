package warehouse

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/marcboeker/go-duckdb/mapping"
	"github.com/marcboeker/go-duckdb/v2"
)

// ErrReadOnly is returned by CheckQuery for a statement that is not a
// query; the error names the statement's kind.
var ErrReadOnly = errors.New("the warehouse is read-only here and only queries run " +
	"(SELECT, WITH, FROM, VALUES, DESCRIBE, SHOW, SUMMARIZE, PRAGMA table_info and other PRAGMAs that return a table)")

// ErrManyStatements is returned by CheckQuery for text holding more than one statement.
var ErrManyStatements = errors.New("more than one statement")

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

// CheckQuery returns nil if stmt is exactly one statement that DuckDB
// classifies as a query (SELECT, which DuckDB also uses for WITH, FROM,
// VALUES, DESCRIBE, SHOW, SUMMARIZE and table PRAGMAs). Anything else is
// refused with ErrManyStatements or ErrReadOnly before it runs: COPY,
// EXPORT, ATTACH, SET, INSTALL, LOAD, CALL, CREATE (even TEMP), and EXPLAIN,
// since EXPLAIN ANALYZE runs the statement it explains. A statement DuckDB
// cannot prepare (a syntax error, a file outside the sandbox) returns
// DuckDB's error.
func (db *DB) CheckQuery(ctx context.Context, stmt string) error {
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
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("warehouse: connect: %w", err)
	}
	defer conn.Close()
	var typ duckdb.StmtType
	err = conn.Raw(func(raw any) error {
		// One statement, so go-duckdb prepares it and runs nothing.
		st, err := raw.(driver.ConnPrepareContext).PrepareContext(ctx, stmt)
		if err != nil {
			return err
		}
		defer st.Close()
		typ, err = st.(*duckdb.Stmt).StatementType()
		return err
	})
	if err != nil {
		return fmt.Errorf("warehouse: %w", err)
	}
	if typ != duckdb.STATEMENT_TYPE_SELECT {
		return fmt.Errorf("%w; refused a %s statement", ErrReadOnly, statementKind(typ))
	}
	return nil
}

// statementKind names a statement type in an error message.
func statementKind(t duckdb.StmtType) string {
	switch t {
	case duckdb.STATEMENT_TYPE_INSERT:
		return "INSERT"
	case duckdb.STATEMENT_TYPE_UPDATE:
		return "UPDATE"
	case duckdb.STATEMENT_TYPE_DELETE:
		return "DELETE"
	case duckdb.STATEMENT_TYPE_EXPLAIN:
		return "EXPLAIN"
	case duckdb.STATEMENT_TYPE_CREATE, duckdb.STATEMENT_TYPE_CREATE_FUNC:
		return "CREATE"
	case duckdb.STATEMENT_TYPE_DROP:
		return "DROP"
	case duckdb.STATEMENT_TYPE_ALTER:
		return "ALTER"
	case duckdb.STATEMENT_TYPE_COPY:
		return "COPY"
	case duckdb.STATEMENT_TYPE_EXPORT:
		return "EXPORT"
	case duckdb.STATEMENT_TYPE_ATTACH:
		return "ATTACH"
	case duckdb.STATEMENT_TYPE_DETACH:
		return "DETACH"
	case duckdb.STATEMENT_TYPE_SET, duckdb.STATEMENT_TYPE_VARIABLE_SET:
		return "SET"
	case duckdb.STATEMENT_TYPE_LOAD, duckdb.STATEMENT_TYPE_EXTENSION:
		return "INSTALL/LOAD"
	case duckdb.STATEMENT_TYPE_PRAGMA:
		return "PRAGMA"
	case duckdb.STATEMENT_TYPE_CALL:
		return "CALL or CHECKPOINT"
	case duckdb.STATEMENT_TYPE_TRANSACTION:
		return "transaction"
	case duckdb.STATEMENT_TYPE_VACUUM, duckdb.STATEMENT_TYPE_ANALYZE:
		return "VACUUM/ANALYZE"
	case duckdb.STATEMENT_TYPE_PREPARE, duckdb.STATEMENT_TYPE_EXECUTE:
		return "PREPARE/EXECUTE"
	}
	return fmt.Sprintf("non-query (DuckDB statement type %d)", t)
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
