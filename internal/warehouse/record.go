package warehouse

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Record looks up an Arrow batch's columns by name and type, so a change in
// the query's column order or types fails with the column's name.
type Record struct {
	rec   arrow.Record
	index map[string]int
}

// NewRecord indexes rec's columns by name.
func NewRecord(rec arrow.Record) Record {
	r := Record{rec: rec, index: make(map[string]int, rec.NumCols())}
	for i, f := range rec.Schema().Fields() {
		r.index[f.Name] = i
	}
	return r
}

func (r Record) column(name string) (arrow.Array, error) {
	i, ok := r.index[name]
	if !ok {
		return nil, fmt.Errorf("warehouse: query result has no column %s", name)
	}
	return r.rec.Column(i), nil
}

// StringValues is what every Arrow string layout DuckDB may produce offers.
type StringValues interface {
	IsNull(int) bool
	Value(int) string
}

// Strings is the VARCHAR column name, in whichever string layout DuckDB wrote it.
func (r Record) Strings(name string) (StringValues, error) {
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
	return nil, fmt.Errorf("warehouse: column %s is %s, want a string", name, col.DataType())
}

// Bools is the BOOLEAN column name.
func (r Record) Bools(name string) (*array.Boolean, error) {
	col, err := r.column(name)
	if err != nil {
		return nil, err
	}
	if a, ok := col.(*array.Boolean); ok {
		return a, nil
	}
	return nil, fmt.Errorf("warehouse: column %s is %s, want BOOLEAN", name, col.DataType())
}

// Floats is the DOUBLE column name.
func (r Record) Floats(name string) (*array.Float64, error) {
	col, err := r.column(name)
	if err != nil {
		return nil, err
	}
	if a, ok := col.(*array.Float64); ok {
		return a, nil
	}
	return nil, fmt.Errorf("warehouse: column %s is %s, want DOUBLE", name, col.DataType())
}

// Ints is the BIGINT column name.
func (r Record) Ints(name string) (*array.Int64, error) {
	col, err := r.column(name)
	if err != nil {
		return nil, err
	}
	if a, ok := col.(*array.Int64); ok {
		return a, nil
	}
	return nil, fmt.Errorf("warehouse: column %s is %s, want BIGINT", name, col.DataType())
}
