package dashboards

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"strings"

	sqlfiles "github.com/parley-cx/parley/sql"
)

// query runs the embedded file sql/dashboards/<name>.sql with args and scans
// each row into a T, matching result columns to T's json tags, so the
// golden files and the SQL speak the same names. Every column must have a
// field and every field a column: a renamed column fails loudly.
func query[T any](ctx context.Context, db *sql.DB, name string, args ...any) ([]T, error) {
	file := "dashboards/" + name + ".sql"
	rows, err := db.QueryContext(ctx, sqlfiles.File(file), args...)
	if err != nil {
		return nil, fmt.Errorf("dashboards: run %s: %w", file, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, fmt.Errorf("dashboards: columns of %s: %w", file, err)
	}
	var zero T
	index, err := fieldIndex(reflect.TypeOf(zero), cols)
	if err != nil {
		return nil, fmt.Errorf("dashboards: %s: %w", file, err)
	}
	var out []T
	dest := make([]any, len(cols))
	for rows.Next() {
		var row T
		v := reflect.ValueOf(&row).Elem()
		for i, fi := range index {
			dest[i] = v.Field(fi).Addr().Interface()
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("dashboards: scan %s: %w", file, err)
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("dashboards: read %s: %w", file, err)
	}
	return out, nil
}

// fieldIndex maps each column to the index of the struct field whose json tag names it.
func fieldIndex(t reflect.Type, cols []string) ([]int, error) {
	byName := map[string]int{}
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		byName[name] = i
	}
	if len(cols) != len(byName) {
		return nil, fmt.Errorf("%d columns %v for the %d fields of %s", len(cols), cols, len(byName), t.Name())
	}
	index := make([]int, len(cols))
	for i, c := range cols {
		fi, ok := byName[c]
		if !ok {
			return nil, fmt.Errorf("column %q has no field in %s", c, t.Name())
		}
		index[i] = fi
	}
	return index, nil
}

// period binds the period to a report query's $from and $to.
func period(p Period) []any {
	return []any{sql.Named("from", p.From.Format("2006-01-02")), sql.Named("to", p.To.Format("2006-01-02"))}
}
