package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
)

// testDB is a fresh writable warehouse in t's temp dir.
func testDB(t testing.TB) *DB {
	t.Helper()
	db, err := Open(filepath.Join(t.TempDir(), "w.duckdb"), false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// typesQuery has a column of every scalar type Parley's views use, NULLs
// every seventh row, and more rows than one DuckDB chunk (2048).
const typesQuery = `
SELECT i::BIGINT AS big, (i % 100)::INTEGER AS int, i / 3.0 AS dbl, i % 2 = 0 AS flag,
       'c-' || i AS txt, DATE '2024-01-01' + (i % 30)::INTEGER AS day,
       TIMESTAMP '2024-03-31 00:30:00' + to_seconds(i) AS ts,
       CASE WHEN i % 7 <> 0 THEN 'x' || i END AS maybe
FROM range(5000) t(i) ORDER BY i`

// TestArrowMatchesRows reads the same result through Arrow and through
// database/sql, the driver's value-by-value path, and compares every cell.
func TestArrowMatchesRows(t *testing.T) {
	db := testDB(t)
	ctx := context.Background()
	var fromArrow [][]string
	batches := 0
	err := db.Arrow(ctx, func(rec arrow.Record) error {
		batches++
		for r := range int(rec.NumRows()) {
			row := make([]string, rec.NumCols())
			for c := range row {
				row[c] = cell(rec.Column(c), r)
			}
			fromArrow = append(fromArrow, row)
		}
		return nil
	}, typesQuery)
	if err != nil {
		t.Fatal(err)
	}
	if batches < 3 {
		t.Errorf("%d batches for 5000 rows, want one per DuckDB chunk (>= 3)", batches)
	}
	fromRows := scanAll(t, db, typesQuery)
	if len(fromArrow) != len(fromRows) {
		t.Fatalf("arrow gave %d rows, database/sql %d", len(fromArrow), len(fromRows))
	}
	for i := range fromRows {
		if fmt.Sprint(fromArrow[i]) != fmt.Sprint(fromRows[i]) {
			t.Fatalf("row %d: arrow %q, database/sql %q", i, fromArrow[i], fromRows[i])
		}
	}
}

// cell renders an Arrow value the way scanAll renders a database/sql one,
// copied out of the batch (which is released after the callback).
func cell(col arrow.Array, r int) string {
	return strings.Clone(cellView(col, r))
}

func cellView(col arrow.Array, r int) string {
	if col.IsNull(r) {
		return "NULL"
	}
	switch a := col.(type) {
	case interface{ Value(int) arrow.Timestamp }:
		return a.Value(r).ToTime(arrow.Microsecond).Format(time.DateTime)
	case interface{ Value(int) arrow.Date32 }:
		return a.Value(r).ToTime().Format(time.DateOnly)
	}
	return col.ValueStr(r)
}

func scanAll(t *testing.T, db *DB, query string) [][]string {
	t.Helper()
	rows, err := db.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.ColumnTypes()
	var out [][]string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		row := make([]string, len(vals))
		for i, v := range vals {
			switch v := v.(type) {
			case nil:
				row[i] = "NULL"
			case time.Time:
				if cols[i].DatabaseTypeName() == "DATE" {
					row[i] = v.Format(time.DateOnly)
				} else {
					row[i] = v.Format(time.DateTime)
				}
			default:
				row[i] = fmt.Sprint(v)
			}
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestArrowStatements covers what a query can be: bound arguments of each
// kind the callers pass, several statements, no rows, and failures.
func TestArrowStatements(t *testing.T) {
	db := testDB(t)
	if _, err := db.Exec(`CREATE TABLE t AS SELECT i, 'v' || i AS s FROM range(10) t(i)`); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		query   string
		args    []any
		want    string // rows joined by ";", cells by ","
		wantErr string
	}{
		{"string and int args", "SELECT s FROM t WHERE i >= ? AND s <> ? ORDER BY i", []any{int64(7), "v8"}, "v7;v9", ""},
		{"list arg", "SELECT count(*) FROM t WHERE list_contains(?, s)", []any{[]string{"v1", "v2", "zz"}}, "2", ""},
		{"last statement's result", "CREATE TEMP TABLE u AS SELECT 42 AS x; SELECT x FROM u", nil, "42", ""},
		{"no rows", "SELECT s FROM t WHERE i < 0", nil, "", ""},
		{"syntax error", "SELEKT 1", nil, "", "syntax error"},
		{"missing table", "SELECT * FROM nowhere", nil, "", "nowhere"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			err := db.Arrow(context.Background(), func(rec arrow.Record) error {
				for r := range int(rec.NumRows()) {
					var cells []string
					for col := range int(rec.NumCols()) {
						cells = append(cells, strings.Clone(rec.Column(col).ValueStr(r)))
					}
					got = append(got, strings.Join(cells, ","))
				}
				return nil
			}, c.query, c.args...)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, ";") != c.want {
				t.Errorf("got %q, want %q", strings.Join(got, ";"), c.want)
			}
		})
	}
}

// TestArrowStops: an error from fn and a cancelled context end the read,
// and the connection stays usable afterwards.
func TestArrowStops(t *testing.T) {
	db := testDB(t)
	stop := errors.New("stop")
	calls := 0
	err := db.Arrow(context.Background(), func(arrow.Record) error { calls++; return stop }, typesQuery)
	if !errors.Is(err, stop) || calls != 1 {
		t.Fatalf("err %v after %d calls, want the callback's error after 1", err, calls)
	}
	ctx, cancel := context.WithCancel(context.Background())
	calls = 0
	err = db.Arrow(ctx, func(arrow.Record) error { calls++; cancel(); return nil }, typesQuery)
	if !errors.Is(err, context.Canceled) || calls != 1 {
		t.Fatalf("err %v after %d calls, want context.Canceled after 1", err, calls)
	}
	var n int
	if err := db.QueryRow("SELECT count(*) FROM range(3)").Scan(&n); err != nil || n != 3 {
		t.Fatalf("pool after stopped reads: %d, %v", n, err)
	}
}

// BenchmarkArrow reads a conversations-like result (500k rows: ids, times,
// counts, flags, scores) through the Arrow path and through database/sql
// scanning, in the same run; the tagged build adds go-duckdb's Arrow API.
func BenchmarkArrow(b *testing.B) {
	db := testDB(b)
	if _, err := db.Exec(benchTable); err != nil {
		b.Fatal(err)
	}
	const query = "SELECT * FROM bench"
	for _, p := range append(benchPaths, tagPaths...) {
		b.Run(p.name, func(b *testing.B) {
			for b.Loop() {
				n, err := p.read(db, query)
				if err != nil {
					b.Fatal(err)
				}
				if n != benchRows {
					b.Fatalf("%d rows, want %d", n, benchRows)
				}
			}
			b.ReportMetric(float64(benchRows*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

const benchRows = 500_000

var benchTable = fmt.Sprintf(`CREATE TABLE bench AS
SELECT 'conv-' || i AS conversation_id, 'agent-' || (i %% 300) AS agent_id,
       TIMESTAMP '2024-01-01' + to_seconds(i * 5) AS started_at,
       i %% 40 AS messages, (i %% 1000) / 7.0 AS friction_score,
       i %% 3 = 0 AS escalated, CASE WHEN i %% 5 = 0 THEN NULL ELSE i %% 600 END AS first_response_s
FROM range(%d) t(i)`, benchRows)

// benchPath is one way of reading a result into Go; it returns the rows read.
type benchPath struct {
	name string
	read func(db *DB, query string) (int, error)
}

var benchPaths = []benchPath{
	{"arrow", func(db *DB, query string) (int, error) {
		n := 0
		err := db.Arrow(context.Background(), func(rec arrow.Record) error { n += int(rec.NumRows()); return nil }, query)
		return n, err
	}},
	{"database-sql", func(db *DB, query string) (int, error) {
		return scanCount(db.DB, query)
	}},
}

func scanCount(db *sql.DB, query string) (int, error) {
	rows, err := db.Query(query)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	n := 0
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}
