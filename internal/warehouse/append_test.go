package warehouse

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestAppendArrowRoundTrip reads typesQuery (every scalar type the views
// use, NULLs, several chunks) as Arrow batches, appends them to a table of
// the same columns with AppendArrow, and compares the table with the query
// cell by cell.
func TestAppendArrowRoundTrip(t *testing.T) {
	db := testDB(t)
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "CREATE TABLE copy AS "+typesQuery+" LIMIT 0"); err != nil {
		t.Fatal(err)
	}
	var recs []arrow.Record
	err := db.Arrow(ctx, func(rec arrow.Record) error {
		rec.Retain()
		recs = append(recs, rec)
		return nil
	}, typesQuery)
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	if err != nil {
		t.Fatal(err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := AppendArrow(ctx, conn, "copy", recs); err != nil {
		t.Fatal(err)
	}
	want := scanAll(t, db, typesQuery)
	got := scanAll(t, db, "SELECT * FROM copy ORDER BY big")
	if len(got) != len(want) {
		t.Fatalf("copy holds %d rows, want %d", len(got), len(want))
	}
	for i := range want {
		if !slices.Equal(got[i], want[i]) {
			t.Fatalf("row %d: %q, want %q", i, got[i], want[i])
		}
	}
}

// TestAppendArrowRefuses: batches AppendArrow cannot append are errors that
// say why; those it can tell before appending leave the table empty.
func TestAppendArrowRefuses(t *testing.T) {
	db := testDB(t)
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "CREATE TABLE t (s VARCHAR NOT NULL, n BIGINT)"); err != nil {
		t.Fatal(err)
	}
	schema := arrow.NewSchema([]arrow.Field{{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true}, {Name: "n", Type: arrow.PrimitiveTypes.Int64, Nullable: true}}, nil)
	batch := func(rows int, null bool) arrow.Record {
		b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
		defer b.Release()
		for i := range rows {
			if null {
				b.Field(0).AppendNull()
			} else {
				b.Field(0).(*array.StringBuilder).Append("x")
			}
			b.Field(1).(*array.Int64Builder).Append(int64(i))
		}
		return b.NewRecord()
	}
	other := arrow.NewSchema([]arrow.Field{{Name: "s", Type: arrow.BinaryTypes.String}}, nil)
	ob := array.NewRecordBuilder(memory.DefaultAllocator, other)
	ob.Field(0).(*array.StringBuilder).Append("x")
	narrow := ob.NewRecord()
	ob.Release()
	defer narrow.Release()
	tests := []struct {
		name  string
		table string
		recs  []arrow.Record
		want  string
		// before: refused before anything is appended
		before bool
	}{
		{"too many rows", "t", []arrow.Record{batch(1, false), batch(ChunkRows()+1, false)}, "more than a data chunk holds", true},
		{"no such table", "nope", []arrow.Record{batch(1, false)}, "create appender", false},
		{"too few columns", "t", []arrow.Record{narrow}, "append batch 0", true},
		{"NULL in a NOT NULL column", "t", []arrow.Record{batch(3, true)}, "NOT NULL", true},
		{"schemas differ", "t", []arrow.Record{batch(1, false), narrow}, "differs from the first batch's", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn, err := db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			err = AppendArrow(ctx, conn, tt.table, tt.recs)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one saying %q", err, tt.want)
			}
			if tt.before {
				var n int
				if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM t").Scan(&n); err != nil || n != 0 {
					t.Errorf("t holds %d rows (%v), want none", n, err)
				}
			}
		})
	}
}
