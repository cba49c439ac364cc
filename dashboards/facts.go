package dashboards

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/parley-cx/parley/internal/warehouse"
	sqlfiles "github.com/parley-cx/parley/sql"
)

// table is the rows of one query as the page's script reads them: one JSON value per column.
// A column is a plain array of values (null for NULL), or, to keep the file small, a
// dictionary {"dict": [...], "codes": [...]} for text with few distinct values (code -1 is
// NULL); the BOOLEAN columns without NULL travel together as bits of one array
// {"names": [...], "bits": [...]} (bit k of a value is names[k]).
type table struct {
	N    int            `json:"n"`
	Cols map[string]any `json:"cols"`
}

type dictColumn struct {
	Dict  []string `json:"dict"`
	Codes []int32  `json:"codes"`
}

type bitColumns struct {
	Names []string `json:"names"`
	Bits  []uint32 `json:"bits"`
}

// rawColumn gathers one result column across record batches.
type rawColumn struct {
	name   string
	values []any // string, bool, int64, float64 or nil
}

// queryTable runs sql/dashboards/<name>.sql through the Arrow path and encodes its columns.
func queryTable(ctx context.Context, db *warehouse.DB, name string, args ...any) (table, error) {
	file := "dashboards/" + name + ".sql"
	var cols []*rawColumn
	err := db.Arrow(ctx, func(rec arrow.Record) error {
		if cols == nil {
			for _, f := range rec.Schema().Fields() {
				cols = append(cols, &rawColumn{name: f.Name})
			}
		}
		for c, col := range rec.Columns() {
			for r := range col.Len() {
				v, err := cellValue(col, r)
				if err != nil {
					return fmt.Errorf("column %s: %w", cols[c].name, err)
				}
				cols[c].values = append(cols[c].values, v)
			}
		}
		return nil
	}, sqlfiles.File(file), args...)
	if err != nil {
		return table{}, fmt.Errorf("dashboards: run %s: %w", file, err)
	}
	return encodeTable(cols), nil
}

// cellValue is one Arrow value as a Go value JSON encodes exactly: integers as int64, floating
// point as float64 (encoding/json writes the shortest digits that read back as the same
// number), text as string.
func cellValue(col arrow.Array, r int) (any, error) {
	if col.IsNull(r) {
		return nil, nil
	}
	switch a := col.(type) {
	case *array.String:
		return strings.Clone(a.Value(r)), nil // the batch's memory is released after the callback
	case *array.LargeString:
		return strings.Clone(a.Value(r)), nil
	case *array.Boolean:
		return a.Value(r), nil
	case *array.Int8:
		return int64(a.Value(r)), nil
	case *array.Int16:
		return int64(a.Value(r)), nil
	case *array.Int32:
		return int64(a.Value(r)), nil
	case *array.Int64:
		return a.Value(r), nil
	case *array.Float64:
		return a.Value(r), nil
	}
	return nil, fmt.Errorf("type %s is not one the report carries", col.DataType())
}

// encodeTable picks each column's encoding (see table).
func encodeTable(cols []*rawColumn) table {
	t := table{Cols: map[string]any{}}
	var flags []*rawColumn
	for _, c := range cols {
		t.N = len(c.values)
		if isBool(c.values) && !slices.Contains(c.values, nil) {
			flags = append(flags, c)
			continue
		}
		if d, ok := dictionary(c.values); ok {
			t.Cols[c.name] = d
			continue
		}
		t.Cols[c.name] = c.values
	}
	if len(flags) > 0 {
		b := bitColumns{Bits: make([]uint32, t.N)}
		for k, c := range flags {
			b.Names = append(b.Names, c.name)
			for i, v := range c.values {
				if v.(bool) {
					b.Bits[i] |= 1 << k
				}
			}
		}
		t.Cols["flags"] = b
	}
	return t
}

func isBool(values []any) bool {
	for _, v := range values {
		if _, ok := v.(bool); !ok && v != nil {
			return false
		}
	}
	return len(values) > 0
}

// dictionary encodes a text column whose distinct values are at most a quarter of its rows.
func dictionary(values []any) (dictColumn, bool) {
	codes := map[string]int32{}
	for _, v := range values {
		s, ok := v.(string)
		if !ok && v != nil {
			return dictColumn{}, false
		}
		if ok {
			if _, seen := codes[s]; !seen {
				codes[s] = int32(len(codes))
			}
		}
	}
	if len(codes) == 0 || len(codes)*4 > len(values) {
		return dictColumn{}, false
	}
	d := dictColumn{Dict: make([]string, len(codes)), Codes: make([]int32, len(values))}
	for s, k := range codes {
		d.Dict[k] = s
	}
	for i, v := range values {
		if s, ok := v.(string); ok {
			d.Codes[i] = codes[s]
		} else {
			d.Codes[i] = -1
		}
	}
	return d, true
}

// termPostings are the terms of report_terms.sql: for each, the numbers of the conversations
// using it, each as the difference from the one before (they ascend), which keeps them short.
type termPostings struct {
	Names    []string  `json:"names"`
	Postings [][]int64 `json:"postings"`
}

func loadTerms(ctx context.Context, db *warehouse.DB, args []any) (termPostings, error) {
	t, err := queryTable(ctx, db, "report_terms", args...)
	if err != nil {
		return termPostings{}, err
	}
	out := termPostings{Names: []string{}, Postings: [][]int64{}}
	if t.N == 0 {
		return out, nil
	}
	terms, convs := columnStrings(t.Cols["term"]), t.Cols["conv"].([]any)
	byTerm := map[string][]int64{}
	for i, term := range terms {
		byTerm[term] = append(byTerm[term], convs[i].(int64))
	}
	for _, term := range slices.Sorted(maps.Keys(byTerm)) {
		list, last := byTerm[term], int64(0)
		deltas := make([]int64, len(list))
		for i, c := range list {
			deltas[i], last = c-last, c
		}
		out.Names = append(out.Names, term)
		out.Postings = append(out.Postings, deltas)
	}
	return out, nil
}

// columnStrings decodes a text column of a table.
func columnStrings(col any) []string {
	switch c := col.(type) {
	case dictColumn:
		out := make([]string, len(c.Codes))
		for i, k := range c.Codes {
			if k >= 0 {
				out[i] = c.Dict[k]
			}
		}
		return out
	case []any:
		out := make([]string, len(c))
		for i, v := range c {
			if s, ok := v.(string); ok {
				out[i] = s
			}
		}
		return out
	}
	return nil
}

// capabilities is the row of report_capabilities.sql: what the data holds at all.
type capabilities struct {
	Resolved    bool `json:"resolved"`
	Reopened    bool `json:"reopened"`
	CSAT        bool `json:"csat"`
	Escalations bool `json:"escalations"`
	Bot         bool `json:"bot"`
	Customers   bool `json:"customers"`
	Cost        bool `json:"cost"`
	SLA         bool `json:"sla"`
	Windows     bool `json:"windows"`
	Markets     bool `json:"markets"`
}

func loadCapabilities(ctx context.Context, db *sql.DB) (capabilities, error) {
	rows, err := query[capabilities](ctx, db, "report_capabilities")
	if err != nil {
		return capabilities{}, err
	}
	if len(rows) != 1 {
		return capabilities{}, fmt.Errorf("dashboards: report_capabilities returned %d rows, want 1", len(rows))
	}
	return rows[0], nil
}
