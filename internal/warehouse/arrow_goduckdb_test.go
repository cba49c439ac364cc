//go:build duckdb_arrow

package warehouse

import (
	"context"
	"database/sql/driver"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/marcboeker/go-duckdb/v2"
)

// Built with -tags duckdb_arrow, go-duckdb's own Arrow API is compiled in:
// the tests compare Parley's tag-free Arrow path with it, and BenchmarkArrow
// times it beside the other two paths.

// goDuckDBArrow reads query through go-duckdb's Arrow API.
func goDuckDBArrow(ctx context.Context, db *DB, fn func(arrow.Record) error, query string, args ...any) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(raw any) error {
		ar, err := duckdb.NewArrowFromConn(raw.(driver.Conn))
		if err != nil {
			return err
		}
		rdr, err := ar.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rdr.Release()
		for rdr.Next() {
			if err := fn(rdr.Record()); err != nil {
				return err
			}
		}
		return rdr.Err()
	})
}

var tagPaths = []benchPath{{"go-duckdb-arrow", func(db *DB, query string) (int, error) {
	n := 0
	err := goDuckDBArrow(context.Background(), db, func(rec arrow.Record) error { n += int(rec.NumRows()); return nil }, query)
	return n, err
}}}

// TestArrowMatchesGoDuckDB: for every DuckDB type a query can return, the
// tag-free path gives the same schema and the same batches as go-duckdb's
// Arrow API.
func TestArrowMatchesGoDuckDB(t *testing.T) {
	db := testDB(t)
	ctx := context.Background()
	if _, err := db.Exec(`CREATE TYPE mood AS ENUM ('calm', 'cross'); SET TimeZone = 'Europe/London'`); err != nil {
		t.Fatal(err)
	}
	queries := map[string]string{
		"scalars": typesQuery,
		"numbers": `SELECT 1::TINYINT a, 2::SMALLINT b, 3::UTINYINT c, 4::USMALLINT d, 5::UINTEGER e, 6::UBIGINT f,
			1.5::FLOAT g, 12.345::DECIMAL(9,3) h, 123456789012.5::DECIMAL(18,1) i, 1e30::DECIMAL(38,2) j,
			170141183460469231731687303715884105727::HUGEINT k`,
		"times": `SELECT TIMESTAMPTZ '2024-03-31 00:30:00+00' tz, TIME '13:14:15.5' tm, INTERVAL 90 MINUTE iv,
			TIMESTAMP_MS '2024-01-01 01:02:03.004' ms, TIMESTAMP_NS '2024-01-01 01:02:03.000000005' ns, TIMESTAMP_S '2024-01-01 01:02:03' s`,
		"nested": `SELECT [1, NULL, 3] l, {'a': 1, 'b': 'x'} st, MAP {'k2': 2, 'k1': 1} m, [['a'], []] ll,
			[1, 2]::INTEGER[2] arr, union_value(n := 3) u`,
		"other": `SELECT 'calm'::mood e, gen_random_uuid() IS NOT NULL AS has_uuid, '8f14e45f-ceea-467e-a2d9-1b44e8b5c0c1'::UUID id,
			'\xAA\xBB'::BLOB bl, '{"a": 1}'::JSON js, NULL AS nothing`,
		"empty": `SELECT 1 AS x WHERE false`,
	}
	for name, q := range queries {
		t.Run(name, func(t *testing.T) {
			ours := collect(t, func(fn func(arrow.Record) error) error { return db.Arrow(ctx, fn, q) })
			theirs := collect(t, func(fn func(arrow.Record) error) error { return goDuckDBArrow(ctx, db, fn, q) })
			if len(ours) != len(theirs) {
				t.Fatalf("%d batches, go-duckdb %d", len(ours), len(theirs))
			}
			for i := range ours {
				if !ours[i].Schema().Equal(theirs[i].Schema()) {
					t.Fatalf("batch %d schema\n%s\ngo-duckdb\n%s", i, ours[i].Schema(), theirs[i].Schema())
				}
				if !array.RecordEqual(ours[i], theirs[i]) {
					t.Fatalf("batch %d differs:\n%v\ngo-duckdb:\n%v", i, ours[i], theirs[i])
				}
			}
		})
	}
}

// collect keeps every batch read (retained) until the test ends.
func collect(t *testing.T, read func(func(arrow.Record) error) error) []arrow.Record {
	t.Helper()
	var out []arrow.Record
	if err := read(func(rec arrow.Record) error {
		rec.Retain()
		out = append(out, rec)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, r := range out {
			r.Release()
		}
	})
	return out
}
