package ingest

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	parquetzstd "github.com/parquet-go/parquet-go/compress/zstd"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"

	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/lake"
	"github.com/parley-cx/parley/internal/synth"
)

// synthRows is n lake rows of the synthetic operation.
func synthRows(t *testing.T, n int) []lake.Row {
	t.Helper()
	cfg := synth.DefaultConfig()
	// A day of 1,000 conversations is about 15,000 rows; a week at least.
	cfg.Days, cfg.PerDay = max(7, n/15_000+1), 1000
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	var rows []lake.Row
	_, err := synth.Generate(context.Background(), cfg, func(ev *event.Event) error {
		r, err := lake.FromEvent(ev, "topic", 0, int64(len(rows)), now)
		if err != nil {
			return err
		}
		rows = append(rows, r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < n {
		t.Fatalf("the synthetic operation made %d rows, want %d", len(rows), n)
	}
	return rows[:n]
}

// writeSynthFile writes n synthetic rows to a published events file in a
// new temporary folder the way ingest does, and returns the rows and the
// file's path.
func writeSynthFile(t *testing.T, n int) ([]lake.Row, string) {
	t.Helper()
	rows := synthRows(t, n)
	dir := t.TempDir()
	var fs fileSet
	if err := writeParquet(&fs, dir, "now.parquet", rows); err != nil {
		t.Fatal(err)
	}
	if err := fs.publish(); err != nil {
		t.Fatal(err)
	}
	return rows, filepath.Join(dir, "now.parquet")
}

// TestLakePageStatistics: the events files ingest writes carry each page's
// bounds once, in the column index, and each row group's statistics in the
// footer, but none in the data page headers (parquetOptions says why).
func TestLakePageStatistics(t *testing.T) {
	_, path := writeSynthFile(t, 20_000)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	indexes := f.ColumnIndexes()
	for _, rg := range f.Metadata().RowGroups {
		for i, cc := range rg.Columns {
			path := strings.Join(cc.MetaData.PathInSchema, ".")
			stats := cc.MetaData.Statistics
			if cc.MetaData.NumValues > stats.NullCount && (stats.MinValue == nil || stats.MaxValue == nil) {
				t.Errorf("%s: no row-group statistics", path)
			}
			if cc.ColumnIndexOffset == 0 || i >= len(indexes) || len(indexes[i].MinValues) == 0 {
				t.Errorf("%s: no column index", path)
			}
			var h format.PageHeader
			r := io.NewSectionReader(bytes.NewReader(data), cc.MetaData.DataPageOffset, int64(len(data))-cc.MetaData.DataPageOffset)
			if err := thrift.NewDecoder((&thrift.CompactProtocol{}).NewReader(r)).Decode(&h); err != nil {
				t.Fatalf("%s: first data page header: %v", path, err)
			}
			var ps format.Statistics
			switch {
			case h.DataPageHeader.Valid:
				ps = h.DataPageHeader.V.Statistics
			case h.DataPageHeaderV2.Valid:
				ps = h.DataPageHeaderV2.V.Statistics
			default:
				t.Fatalf("%s: the page at the data page offset is a %v page", path, h.Type)
			}
			if ps.MinValue != nil || ps.MaxValue != nil || ps.Min != nil || ps.Max != nil {
				t.Errorf("%s: the data page header has bounds %q..%q", path, ps.MinValue, ps.MaxValue)
			}
		}
	}
}

// TestLakeFilesDuckDBDifferential: an events file as ingest writes it and
// the same rows written with page statistics in the data page headers and
// parquet-go's own zstd codec (as before) read the same in DuckDB: schema,
// column chunks (physical types, compression, encodings, dictionary pages),
// row-group statistics, and the rows in their order.
func TestLakeFilesDuckDBDifferential(t *testing.T) {
	db := openDuck(t)
	for _, n := range []int{1, 20_000, 100_000} { // 100,000: ingest's default --flush-rows
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			rows, now := writeSynthFile(t, n)
			before := filepath.Join(filepath.Dir(now), "before.parquet")
			out, err := os.Create(before)
			if err != nil {
				t.Fatal(err)
			}
			w := parquet.NewGenericWriter[lake.Row](out, append(parquetOptions(), parquet.DataPageStatistics(true), parquet.Compression(&parquetzstd.Codec{Level: parquetzstd.SpeedFastest}))...)
			if _, err := w.Write(rows); err != nil {
				t.Fatal(err)
			}
			if err := errors.Join(w.Close(), out.Close()); err != nil {
				t.Fatal(err)
			}
			for _, q := range []string{
				`SELECT * EXCLUDE (file_name) FROM parquet_schema('%s')`,
				`SELECT row_group_id, row_group_num_rows, column_id, path_in_schema, type, compression, encodings,
				        dictionary_page_offset IS NOT NULL, stats_min_value, stats_max_value, stats_null_count
				   FROM parquet_metadata('%s') ORDER BY row_group_id, column_id`,
				`SELECT * FROM read_parquet('%s', file_row_number=true) ORDER BY file_row_number`,
			} {
				b, a := queryRows(t, db, fmt.Sprintf(q, before)), queryRows(t, db, fmt.Sprintf(q, now))
				if len(b) == 0 {
					t.Fatalf("%s: no rows", q)
				}
				if !slices.Equal(b, a) {
					t.Errorf("%s: %d rows before, %d now; first difference at %d", q, len(b), len(a), firstDiff(b, a))
				}
			}
		})
	}
}

// firstDiff is the index of the first row where a and b differ.
func firstDiff(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// queryRows runs q and returns each row printed as one string.
func queryRows(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	rs, err := db.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rs.Close()
	cols, err := rs.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rs.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%#v", vals))
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestLakeRandomIDsCompressed: a page of random hex IDs is entropy coded.
// At zstd's fastest level such a page, where zstd finds no repeated
// sequence, was stored as it is (pageCodec says why); hex digits carry 4
// bits in 8, so coded they take little over half their bytes.
func TestLakeRandomIDsCompressed(t *testing.T) {
	_, path := writeSynthFile(t, 20_000) // random UUIDs as event IDs
	db := openDuck(t)
	var compressed, uncompressed int64
	q := fmt.Sprintf(`SELECT sum(total_compressed_size), sum(total_uncompressed_size) FROM parquet_metadata('%s') WHERE path_in_schema = 'event_id'`, path)
	if err := db.QueryRow(q).Scan(&compressed, &uncompressed); err != nil {
		t.Fatal(err)
	}
	if ratio := float64(compressed) / float64(uncompressed); ratio > 0.7 {
		t.Errorf("event_id: %d bytes compressed of %d (%.2f), want at most 0.7 of them", compressed, uncompressed, ratio)
	}
}

// optionalColumns are the lake's optional flat columns, each with its
// value in a lake.Row as text: nil for NULL.
var optionalColumns = []struct {
	name  string
	value func(r *lake.Row) *string
}{
	{"channel", func(r *lake.Row) *string { return r.Channel }},
	{"actor_role", func(r *lake.Row) *string { return r.ActorRole }},
	{"actor_id", func(r *lake.Row) *string { return r.ActorID }},
	{"queue", func(r *lake.Row) *string { return r.Queue }},
	{"message_text", func(r *lake.Row) *string { return r.MessageText }},
	{"message_private", func(r *lake.Row) *string { return formatNil(r.MessagePrivate) }},
	{"message_automated", func(r *lake.Row) *string { return formatNil(r.MessageAutomated) }},
	{"to_role", func(r *lake.Row) *string { return r.ToRole }},
	{"to_id", func(r *lake.Row) *string { return r.ToID }},
	{"to_queue", func(r *lake.Row) *string { return r.ToQueue }},
	{"csat_score", func(r *lake.Row) *string { return formatNil(r.CSATScore) }},
	{"extra", func(r *lake.Row) *string { return r.Extra }},
}

func formatNil[T any](p *T) *string {
	if p == nil {
		return nil
	}
	s := fmt.Sprint(*p)
	return &s
}

// TestLakeOptionalNulls: every optional column of an events file written
// the way ingest writes it is NULL exactly where the row holds no value, and
// holds the row's value everywhere else, read by DuckDB and by parquet-go.
// When lake.Row held optional strings as Go strings, parquet-go v0.32's
// writer stored the empty string for some of their nulls: where, within a
// 64-row chunk, a run of nulls ending at row y was followed by exactly y
// values and then only nulls, those last nulls were written as values
// (lake.Row, docs/performance.md).
func TestLakeOptionalNulls(t *testing.T) {
	// runs holds that pattern for every y it can take, one 64-row chunk
	// each: y rows without a target, y with one, the rest without.
	var runs []lake.Row
	base := synthRows(t, 64)
	for y := 1; y < 32; y++ {
		word := slices.Clone(base)
		for i := range word {
			r := &word[i]
			r.ToRole, r.ToID, r.ToQueue = nil, nil, nil
			if i >= y && i < 2*y {
				role, id, queue := "agent", "agent-7", "tier2"
				r.ToRole, r.ToID, r.ToQueue = &role, &id, &queue
			}
		}
		runs = append(runs, word...)
	}
	for _, tt := range []struct {
		name string
		rows []lake.Row
	}{
		{"runs", runs},
		{"synthetic", synthRows(t, 100_000)}, // ingest's default --flush-rows
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			var fs fileSet
			if err := writeParquet(&fs, dir, "now.parquet", tt.rows); err != nil {
				t.Fatal(err)
			}
			if err := fs.publish(); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "now.parquet")
			checkOptionalDuckDB(t, path, tt.rows)
			checkOptionalParquet(t, path, tt.rows)
		})
	}
}

// checkOptionalDuckDB reads every optional column of path in DuckDB and
// compares it, row by row, with rows.
func checkOptionalDuckDB(t *testing.T, path string, rows []lake.Row) {
	t.Helper()
	db := openDuck(t)
	cols := make([]string, 0, len(optionalColumns))
	for _, c := range optionalColumns {
		cols = append(cols, fmt.Sprintf("CAST(%q AS VARCHAR)", c.name))
	}
	rs, err := db.Query(fmt.Sprintf(`SELECT %s FROM read_parquet('%s', file_row_number=true) ORDER BY file_row_number`, strings.Join(cols, ", "), path))
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	got := make([]sql.NullString, len(optionalColumns))
	dest := make([]any, 0, len(got))
	for i := range got {
		dest = append(dest, &got[i])
	}
	wrong := map[string]int{}
	n := 0
	for ; rs.Next(); n++ {
		if err := rs.Scan(dest...); err != nil {
			t.Fatal(err)
		}
		if n >= len(rows) {
			continue
		}
		r := &rows[n]
		for i, c := range optionalColumns {
			want := c.value(r)
			if (want == nil) != !got[i].Valid || want != nil && *want != got[i].String {
				if wrong[c.name]++; wrong[c.name] == 1 {
					t.Errorf("DuckDB: row %d: %s is %s, want %s", n, c.name, showNull(got[i]), showPtr(want))
				}
			}
		}
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	if n != len(rows) {
		t.Errorf("DuckDB read %d rows, want %d", n, len(rows))
	}
	for name, k := range wrong {
		t.Errorf("DuckDB: %s wrong in %d of %d rows", name, k, len(rows))
	}
}

// checkOptionalParquet reads every optional flat column of path with
// parquet-go, value by value (one per row, NULL by its definition level),
// and compares it with rows.
func checkOptionalParquet(t *testing.T, path string, rows []lake.Row) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range optionalColumns {
		leaf, ok := pf.Schema().Lookup(c.name)
		if !ok {
			t.Fatalf("no column %s", c.name)
		}
		n, wrong := 0, 0
		buf := make([]parquet.Value, 1024)
		for _, rg := range pf.RowGroups() {
			pages := rg.ColumnChunks()[leaf.ColumnIndex].Pages()
			for {
				p, err := pages.ReadPage()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("%s: %v", c.name, err)
				}
				vr := p.Values()
				for {
					k, err := vr.ReadValues(buf)
					for _, v := range buf[:k] {
						if n < len(rows) {
							want := c.value(&rows[n])
							if v.IsNull() != (want == nil) || want != nil && v.String() != *want {
								if wrong++; wrong == 1 {
									t.Errorf("parquet-go: row %d: %s is %s, want %s", n, c.name, showValue(v), showPtr(want))
								}
							}
						}
						n++
					}
					if err == io.EOF {
						break
					}
					if err != nil {
						t.Fatalf("%s: %v", c.name, err)
					}
				}
				parquet.Release(p)
			}
			if err := pages.Close(); err != nil {
				t.Fatal(err)
			}
		}
		if n != len(rows) {
			t.Errorf("parquet-go: %s has %d values, want %d", c.name, n, len(rows))
		}
		if wrong > 0 {
			t.Errorf("parquet-go: %s wrong in %d of %d rows", c.name, wrong, len(rows))
		}
	}
}

func showNull(s sql.NullString) string {
	if !s.Valid {
		return "NULL"
	}
	return fmt.Sprintf("%q", s.String)
}

func showPtr(s *string) string {
	if s == nil {
		return "NULL"
	}
	return fmt.Sprintf("%q", *s)
}

func showValue(v parquet.Value) string {
	if v.IsNull() {
		return "NULL"
	}
	return fmt.Sprintf("%q", v.String())
}

// TestDeadLetterOptionalNulls: a dead letter's field and key are NULL in
// its file exactly where it has none (a whole-event problem, a Kafka record
// without a key), read by DuckDB. Held as a Go string and byte slice, some
// of those NULLs were written as empty values by the defect
// TestLakeOptionalNulls describes: here one chunk of the pattern for every
// y from 1 to 31, the field's and the key's.
func TestDeadLetterOptionalNulls(t *testing.T) {
	var rows []lake.DeadLetter
	for y := 1; y < 32; y++ {
		for i := range 64 {
			d := lake.DeadLetter{Source: "topic", Offset: int64(len(rows)), Raw: []byte("{"), Reason: string(event.ReasonMalformed)}
			if i >= y && i < 2*y {
				field, key := "type", []byte("k")
				d.Reason, d.Field, d.Key = string(event.ReasonBadValue), &field, &key
			}
			rows = append(rows, d)
		}
	}
	dir := t.TempDir()
	var fs fileSet
	if err := writeParquet(&fs, dir, "dead.parquet", rows); err != nil {
		t.Fatal(err)
	}
	if err := fs.publish(); err != nil {
		t.Fatal(err)
	}
	db := openDuck(t)
	rs, err := db.Query(fmt.Sprintf(`SELECT field, key IS NULL FROM read_parquet('%s', file_row_number=true) ORDER BY file_row_number`, filepath.Join(dir, "dead.parquet")))
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	n, wrongField, wrongKey := 0, 0, 0
	for ; rs.Next(); n++ {
		var field sql.NullString
		var keyNull bool
		if err := rs.Scan(&field, &keyNull); err != nil {
			t.Fatal(err)
		}
		if n >= len(rows) {
			continue
		}
		if want := rows[n].Field; field.Valid != (want != nil) || want != nil && field.String != *want {
			if wrongField++; wrongField == 1 {
				t.Errorf("row %d: field is %s, want %s", n, showNull(field), showPtr(want))
			}
		}
		if want := rows[n].Key == nil; keyNull != want {
			if wrongKey++; wrongKey == 1 {
				t.Errorf("row %d: key IS NULL is %v, want %v", n, keyNull, want)
			}
		}
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	if n != len(rows) || wrongField > 0 || wrongKey > 0 {
		t.Errorf("%d rows read of %d; field wrong in %d, key in %d", n, len(rows), wrongField, wrongKey)
	}
}
