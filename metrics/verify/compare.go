package verify

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/marcboeker/go-duckdb/v2"

	"github.com/parley-cx/parley/metrics/spec"
)

// Tolerances of the comparison: durations (DOUBLE columns named *_s) agree within a millisecond,
// other DOUBLE columns (the friction score and components) within 1e-9 relative.
const (
	durationTolerance = 1e-3
	relativeTolerance = 1e-9
)

// record is one table row by column name, with the values the warehouse's Go driver gives: nil
// for NULL, string, bool, int32/int64, float64, time.Time, map.
type record map[string]any

// Cell is one column of one row as the spec and the warehouse have it.
type Cell struct {
	Column    string
	Spec      any
	Warehouse any
	Differs   bool
}

// RowDiff is one row of one table that does not agree: a row only one side has (Missing says
// which), or a row both have whose Cells hold every column, the differing ones marked.
type RowDiff struct {
	Table string
	Key   string
	// Missing is "" when both sides have the row, else "warehouse" or "spec": the side without it.
	Missing string
	Cells   []Cell
}

// specRecord turns a spec row into a record, by its `col` tags; nil pointers are NULL.
func specRecord(row any) record {
	v := reflect.ValueOf(row)
	t := v.Type()
	out := record{}
	for i := range t.NumField() {
		name := t.Field(i).Tag.Get("col")
		if name == "" {
			continue
		}
		f := v.Field(i)
		switch {
		case f.Kind() == reflect.Pointer && f.IsNil(), f.Kind() == reflect.Map && f.IsNil():
			out[name] = nil
		case f.Kind() == reflect.Pointer:
			out[name] = f.Elem().Interface()
		default:
			out[name] = f.Interface()
		}
	}
	return out
}

// specColumns lists the `col` tags of a spec row type, in declaration order.
func specColumns(row any) []string {
	t := reflect.TypeOf(row)
	var cols []string
	for i := range t.NumField() {
		if name := t.Field(i).Tag.Get("col"); name != "" {
			cols = append(cols, name)
		}
	}
	return cols
}

// tables are the compared tables: name, the key that pairs rows of one conversation, and the
// spec row type that lists the columns.
var tables = []struct {
	name string
	key  string
	row  any
}{
	{"conversations", "conversation_id", spec.ConversationRow{}},
	{"events", "event_id", spec.EventRow{}},
	{"messages", "event_id", spec.MessageRow{}},
	{"episodes", "episode", spec.EpisodeRow{}},
	{"escalations", "event_id", spec.EscalationRow{}},
}

// specRecords is every row of one table that the spec gives for one conversation.
func specRecords(table string, r spec.Result) []record {
	switch table {
	case "conversations":
		return []record{specRecord(r.Conversation)}
	case "events":
		return recordsOf(r.Events)
	case "messages":
		return recordsOf(r.Messages)
	case "episodes":
		return recordsOf(r.Episodes)
	case "escalations":
		return recordsOf(r.Escalations)
	}
	return nil
}

// recordsOf turns the spec's rows of one table into records.
func recordsOf[T any](rows []T) []record {
	out := make([]record, len(rows))
	for i, x := range rows {
		out[i] = specRecord(x)
	}
	return out
}

// compareRows pairs one conversation's rows of one table by key and compares the columns both
// sides know. tally receives every compared column of every paired row and whether it agreed.
func compareRows(table, key string, columns []string, specRows, whRows []record, tally func(column string, agreed bool)) []RowDiff {
	byKey := map[string]record{}
	for _, w := range whRows {
		byKey[keyString(w[key])] = w
	}
	var diffs []RowDiff
	paired := map[string]bool{}
	for _, s := range specRows {
		k := keyString(s[key])
		w, ok := byKey[k]
		if !ok {
			tally("(row)", false)
			diffs = append(diffs, RowDiff{Table: table, Key: k, Missing: "warehouse", Cells: cellsOf(columns, s, nil)})
			continue
		}
		paired[k] = true
		tally("(row)", true)
		cells, differs := compareRecord(columns, s, w, tally)
		if differs {
			diffs = append(diffs, RowDiff{Table: table, Key: k, Cells: cells})
		}
	}
	for _, w := range whRows {
		if k := keyString(w[key]); !paired[k] {
			tally("(row)", false)
			diffs = append(diffs, RowDiff{Table: table, Key: k, Missing: "spec", Cells: cellsOf(columns, nil, w)})
		}
	}
	sort.SliceStable(diffs, func(i, j int) bool { return diffs[i].Key < diffs[j].Key })
	return diffs
}

// compareRecord compares one pair of rows column by column.
func compareRecord(columns []string, s, w record, tally func(string, bool)) ([]Cell, bool) {
	var cells []Cell
	differs := false
	for _, c := range columns {
		same := sameValue(c, s[c], w[c])
		tally(c, same)
		cells = append(cells, Cell{Column: c, Spec: s[c], Warehouse: w[c], Differs: !same})
		differs = differs || !same
	}
	return cells, differs
}

// cellsOf lists one side's row for a row the other side lacks.
func cellsOf(columns []string, s, w record) []Cell {
	var cells []Cell
	for _, c := range columns {
		cells = append(cells, Cell{Column: c, Spec: s[c], Warehouse: w[c], Differs: true})
	}
	return cells
}

// keyString is a row key as text (episode numbers are integers).
func keyString(v any) string { return fmt.Sprint(v) }

// sameValue reports whether the spec's and the warehouse's values of a column agree.
func sameValue(column string, s, w any) bool {
	if s == nil || w == nil {
		return s == nil && w == nil
	}
	switch sv := s.(type) {
	case float64:
		wv, ok := w.(float64)
		if !ok {
			return false
		}
		if math.IsNaN(sv) || math.IsNaN(wv) {
			return false
		}
		if strings.HasSuffix(column, "_s") {
			return math.Abs(sv-wv) <= durationTolerance
		}
		return math.Abs(sv-wv) <= relativeTolerance*math.Max(1, math.Max(math.Abs(sv), math.Abs(wv)))
	case int32, int64:
		si, sok := asInt(sv)
		wi, wok := asInt(w)
		return sok && wok && si == wi
	case time.Time:
		wv, ok := w.(time.Time)
		return ok && sv.Equal(wv)
	case map[string]string:
		return sameMap(sv, w)
	default:
		return s == w
	}
}

func asInt(v any) (int64, bool) {
	switch x := v.(type) {
	case int32:
		return int64(x), true
	case int64:
		return x, true
	}
	return 0, false
}

// sameMap compares a spec map with a DuckDB MAP value.
func sameMap(s map[string]string, w any) bool {
	m, ok := w.(duckdb.Map)
	if !ok || len(m) != len(s) {
		return false
	}
	for k, v := range m {
		ks, kok := k.(string)
		vs, vok := v.(string)
		if !kok || !vok || s[ks] != vs {
			return false
		}
	}
	return true
}
