// Package warehouse opens Parley's DuckDB warehouse file and reads query results into Go through Arrow.
package warehouse

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/marcboeker/go-duckdb/mapping"
	"github.com/marcboeker/go-duckdb/v2"
)

// ErrNoWarehouse is returned when a read-only open names a file that does not exist.
var ErrNoWarehouse = errors.New("warehouse file does not exist (run `parley build` first)")

// ErrIsDirectory is returned when an open names a directory (a lake folder,
// say): DuckDB's own "Could not read from file …: Is a directory" says
// nothing of what was meant.
var ErrIsDirectory = errors.New("is a directory, not a warehouse file")

// checkPath fails with ErrIsDirectory if path is a directory and, when
// mustExist, with ErrNoWarehouse if nothing is there.
func checkPath(path string, mustExist bool) error {
	switch fi, err := os.Stat(path); {
	case errors.Is(err, os.ErrNotExist) && mustExist:
		return fmt.Errorf("warehouse: open %s: %w", path, ErrNoWarehouse)
	case err == nil && fi.IsDir():
		return fmt.Errorf("warehouse: open %s: %w", path, ErrIsDirectory)
	}
	return nil
}

// DB is an open warehouse.
type DB struct {
	*sql.DB
	connector *duckdb.Connector
	scratch   string // OpenSandbox's private output folder, removed by Close
}

// Open opens the warehouse at path. Read-only opens fail with ErrNoWarehouse
// rather than creating an empty file, and reject writes at the DuckDB level.
// A directory at path fails with ErrIsDirectory.
func Open(path string, readOnly bool) (*DB, error) {
	if err := checkPath(path, readOnly); err != nil {
		return nil, err
	}
	dsn := path
	if readOnly {
		dsn += "?access_mode=read_only"
	}
	c, err := duckdb.NewConnector(dsn, nil)
	if err != nil {
		return nil, fmt.Errorf("warehouse: open %s: %w", path, err)
	}
	return &DB{DB: sql.OpenDB(c), connector: c}, nil
}

// DuckDBVersion is the version of the DuckDB library linked into parley, such as "v1.4.3".
func DuckDBVersion() string {
	return mapping.LibraryVersion()
}

// Close closes the pool and the underlying DuckDB database, and removes
// the scratch folder of OpenSandbox.
func (db *DB) Close() error {
	err := errors.Join(db.DB.Close(), db.connector.Close())
	if db.scratch != "" {
		if rerr := os.RemoveAll(db.scratch); rerr != nil {
			err = errors.Join(err, fmt.Errorf("warehouse: remove scratch folder: %w", rerr))
		}
	}
	return err
}

// Arrow runs query with args and calls fn for each Arrow record batch of the
// result. The batch is released after fn returns; fn must copy what it keeps.
// Arguments are bound by position, or by name when they are all
// sql.NamedArg; query must then be one statement.
func (db *DB) Arrow(ctx context.Context, fn func(arrow.Record) error, query string, args ...any) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("warehouse: connect: %w", err)
	}
	defer conn.Close()
	return ConnArrow(ctx, conn, fn, query, args...)
}

// ConnArrow is DB.Arrow on the connection conn, for a query that reads
// the connection's own temporary tables and views (the build's scopes).
func ConnArrow(ctx context.Context, conn *sql.Conn, fn func(arrow.Record) error, query string, args ...any) error {
	return conn.Raw(func(raw any) error {
		if len(args) > 0 && !slices.ContainsFunc(args, func(a any) bool { _, ok := a.(sql.NamedArg); return !ok }) {
			var err error
			if args, err = byPosition(ctx, raw.(driver.ConnPrepareContext), query, args); err != nil {
				return err
			}
		}
		return queryArrow(ctx, raw.(driver.Conn), fn, query, args...)
	})
}

// byPosition orders named args as query's parameters, so that they bind
// as the positional ones do. A parameter no arg names is an error
// (ErrMissingParam) rather than whatever argument sits at its position.
func byPosition(ctx context.Context, conn driver.ConnPrepareContext, query string, args []any) ([]any, error) {
	st, err := conn.PrepareContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("warehouse: query: %w", err)
	}
	defer st.Close()
	ds := st.(*duckdb.Stmt)
	out := make([]any, ds.NumInput())
	for i := range out {
		name, err := ds.ParamName(i + 1)
		if err != nil {
			return nil, fmt.Errorf("warehouse: query: %w", err)
		}
		j := slices.IndexFunc(args, func(a any) bool { return a.(sql.NamedArg).Name == name })
		if j < 0 {
			return nil, fmt.Errorf("warehouse: %w: $%s", ErrMissingParam, name)
		}
		out[i] = args[j].(sql.NamedArg).Value
	}
	return out, nil
}
