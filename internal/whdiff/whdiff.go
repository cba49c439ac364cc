// Package whdiff compares two warehouse files object by object: every table
// and view, internal ones included, as multisets of rows compared exactly.
// It is how a change that must not change the build's output (a refactor,
// a faster statement) is checked: build the same lake with the binary
// before and after, then `go run ./internal/whdiff/cmd/whdiff A B`.
package whdiff

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/parley-cx/parley/internal/warehouse"
)

var (
	//go:embed objects.sql
	objectsSQL string
	//go:embed diff.sql
	diffSQL string
)

// Object is one table or view as two warehouses hold it.
type Object struct {
	Name string
	// Problem says why the rows were not compared: the object is in one
	// warehouse only, or its columns differ. "" when they were.
	Problem string
	// Rows in each warehouse, and the rows of each the other lacks.
	RowsA, RowsB, OnlyA, OnlyB int64
	// Ignored lists the columns left out of the comparison; Skipped says
	// the whole object was.
	Ignored []string
	Skipped bool
}

// Same says the object holds the same rows in both warehouses.
func (o Object) Same() bool { return o.Skipped || o.Problem == "" && o.OnlyA == 0 && o.OnlyB == 0 }

func (o Object) String() string {
	s := fmt.Sprintf("%-28s ", o.Name)
	switch {
	case o.Skipped:
		s += "not compared"
	case o.Problem != "":
		s += "DIFFERS: " + o.Problem
	case o.Same():
		s += fmt.Sprintf("identical (%d rows)", o.RowsA)
	default:
		s += fmt.Sprintf("DIFFERS: %d rows / %d rows; %d only in a, %d only in b", o.RowsA, o.RowsB, o.OnlyA, o.OnlyB)
	}
	if len(o.Ignored) > 0 {
		s += " [ignoring " + strings.Join(o.Ignored, ", ") + "]"
	}
	return s
}

type column struct{ name, typ string }

// Compare compares every table and view of the warehouse files a and b,
// in name order. ignore lists what is left out of the comparison, as
// "object.column" or a whole "object": what is meant to differ between two
// builds, such as warehouse_info.built_at.
func Compare(ctx context.Context, a, b string, ignore ...string) ([]Object, error) {
	db, err := warehouse.Open(a, true)
	if err != nil {
		return nil, fmt.Errorf("whdiff: %w", err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("whdiff: %w", err)
	}
	defer conn.Close()
	var catA string
	if err := conn.QueryRowContext(ctx, "SELECT current_database()").Scan(&catA); err != nil {
		return nil, fmt.Errorf("whdiff: %s: %w", a, err)
	}
	if _, err := conn.ExecContext(ctx, "ATTACH "+quoteString(b)+" AS whdiff_b (READ_ONLY)"); err != nil {
		return nil, fmt.Errorf("whdiff: attach %s: %w", b, err)
	}
	read := func(catalog string) (map[string][]column, error) {
		rows, err := conn.QueryContext(ctx, objectsSQL, catalog)
		if err != nil {
			return nil, fmt.Errorf("whdiff: list objects of %s: %w", catalog, err)
		}
		defer rows.Close()
		out := map[string][]column{}
		for rows.Next() {
			var name, kind string
			var c column
			if err := rows.Scan(&name, &kind, &c.name, &c.typ); err != nil {
				return nil, fmt.Errorf("whdiff: list objects of %s: %w", catalog, err)
			}
			out[name] = append(out[name], c)
		}
		return out, rows.Err()
	}
	objsA, err := read(catA)
	if err != nil {
		return nil, err
	}
	objsB, err := read("whdiff_b")
	if err != nil {
		return nil, err
	}
	var names []string
	for n := range objsA {
		names = append(names, n)
	}
	for n := range objsB {
		if _, ok := objsA[n]; !ok {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	var out []Object
	for _, name := range names {
		o := Object{Name: name}
		if slices.Contains(ignore, name) {
			o.Skipped = true
			out = append(out, o)
			continue
		}
		colsA, inA := objsA[name]
		colsB, inB := objsB[name]
		switch {
		case !inA:
			o.Problem = "only in " + b
		case !inB:
			o.Problem = "only in " + a
		case !slices.Equal(colsA, colsB):
			o.Problem = fmt.Sprintf("columns %v in a, %v in b", colsA, colsB)
		}
		if o.Problem != "" {
			out = append(out, o)
			continue
		}
		var list []string
		for _, c := range colsA {
			if slices.Contains(ignore, name+"."+c.name) {
				o.Ignored = append(o.Ignored, c.name)
				continue
			}
			list = append(list, quoteIdent(c.name))
		}
		if len(list) == 0 {
			list = []string{"1"}
		}
		q := fmt.Sprintf(diffSQL, strings.Join(list, ", "), quoteIdent(catA)+"."+quoteIdent(name), "whdiff_b."+quoteIdent(name))
		if err := conn.QueryRowContext(ctx, q).Scan(&o.RowsA, &o.RowsB, &o.OnlyA, &o.OnlyB); err != nil {
			return nil, fmt.Errorf("whdiff: compare %s: %w", name, err)
		}
		out = append(out, o)
	}
	if _, err := conn.ExecContext(ctx, "DETACH whdiff_b"); err != nil {
		return out, fmt.Errorf("whdiff: detach %s: %w", b, err)
	}
	return out, nil
}

// ErrDiffer is returned by Check when some object differs.
var ErrDiffer = errors.New("the warehouses differ")

// Check is Compare that fails, naming each object that differs.
func Check(ctx context.Context, a, b string, ignore ...string) ([]Object, error) {
	objs, err := Compare(ctx, a, b, ignore...)
	if err != nil {
		return objs, err
	}
	var differ []string
	for _, o := range objs {
		if !o.Same() {
			differ = append(differ, o.Name)
		}
	}
	if len(differ) > 0 {
		return objs, fmt.Errorf("whdiff: %w: %s", ErrDiffer, strings.Join(differ, ", "))
	}
	return objs, nil
}

func quoteIdent(s string) string  { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
func quoteString(s string) string { return `'` + strings.ReplaceAll(s, `'`, `''`) + `'` }
