package qa

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// record looks up an Arrow batch's columns by name and type, so a change in
// the query's column order or types fails with the column's name.
type record struct {
	rec   arrow.Record
	index map[string]int
}

func newRecord(rec arrow.Record) record {
	r := record{rec: rec, index: make(map[string]int, rec.NumCols())}
	for i, f := range rec.Schema().Fields() {
		r.index[f.Name] = i
	}
	return r
}

func (r record) column(name string) (arrow.Array, error) {
	i, ok := r.index[name]
	if !ok {
		return nil, fmt.Errorf("qa: query result has no column %s", name)
	}
	return r.rec.Column(i), nil
}

// stringValues is what every Arrow string layout DuckDB may produce offers.
type stringValues interface {
	Value(int) string
}

func (r record) strings(name string) (stringValues, error) {
	col, err := r.column(name)
	if err != nil {
		return nil, err
	}
	switch a := col.(type) {
	case *array.String:
		return a, nil
	case *array.LargeString:
		return a, nil
	case *array.StringView:
		return a, nil
	}
	return nil, fmt.Errorf("qa: column %s is %s, want a string", name, col.DataType())
}

func (r record) bools(name string) (*array.Boolean, error) {
	col, err := r.column(name)
	if err != nil {
		return nil, err
	}
	if a, ok := col.(*array.Boolean); ok {
		return a, nil
	}
	return nil, fmt.Errorf("qa: column %s is %s, want BOOLEAN", name, col.DataType())
}

func (r record) floats(name string) (*array.Float64, error) {
	col, err := r.column(name)
	if err != nil {
		return nil, err
	}
	if a, ok := col.(*array.Float64); ok {
		return a, nil
	}
	return nil, fmt.Errorf("qa: column %s is %s, want DOUBLE", name, col.DataType())
}

func (r record) ints(name string) (*array.Int64, error) {
	col, err := r.column(name)
	if err != nil {
		return nil, err
	}
	if a, ok := col.(*array.Int64); ok {
		return a, nil
	}
	return nil, fmt.Errorf("qa: column %s is %s, want BIGINT", name, col.DataType())
}
