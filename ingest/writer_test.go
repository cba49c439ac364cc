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
	cfg.Days, cfg.PerDay = 7, 1000
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

// TestLakePageStatistics: the events files ingest writes carry each page's
// bounds once, in the column index, and each row group's statistics in the
// footer, but none in the data page headers (parquetOptions says why).
func TestLakePageStatistics(t *testing.T) {
	rows := synthRows(t, 20_000)
	dir := t.TempDir()
	var fs fileSet
	if err := writeParquet(&fs, dir, "a.parquet", rows); err != nil {
		t.Fatal(err)
	}
	if err := fs.publish(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "a.parquet"))
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
			rows := synthRows(t, n)
			dir := t.TempDir()
			var fs fileSet
			if err := writeParquet(&fs, dir, "now.parquet", rows); err != nil {
				t.Fatal(err)
			}
			if err := fs.publish(); err != nil {
				t.Fatal(err)
			}
			now := filepath.Join(dir, "now.parquet")
			before := filepath.Join(dir, "before.parquet")
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
	rows := synthRows(t, 20_000) // random UUIDs as event IDs
	dir := t.TempDir()
	var fs fileSet
	if err := writeParquet(&fs, dir, "a.parquet", rows); err != nil {
		t.Fatal(err)
	}
	if err := fs.publish(); err != nil {
		t.Fatal(err)
	}
	db := openDuck(t)
	var compressed, uncompressed int64
	q := fmt.Sprintf(`SELECT sum(total_compressed_size), sum(total_uncompressed_size) FROM parquet_metadata('%s') WHERE path_in_schema = 'event_id'`, filepath.Join(dir, "a.parquet"))
	if err := db.QueryRow(q).Scan(&compressed, &uncompressed); err != nil {
		t.Fatal(err)
	}
	if ratio := float64(compressed) / float64(uncompressed); ratio > 0.7 {
		t.Errorf("event_id: %d bytes compressed of %d (%.2f), want at most 0.7 of them", compressed, uncompressed, ratio)
	}
}
