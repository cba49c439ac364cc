// Package query runs data teams' queries on the warehouse for `parley sql`
// and `parley export`: one read-only statement at a time, written as a
// table, CSV (neutralised for spreadsheets), JSON or Parquet, and the
// public tables exported as Parquet files.
package query

import (
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/parley-cx/parley/internal/atomicfile"
	"github.com/parley-cx/parley/internal/csvsafe"
	"github.com/parley-cx/parley/internal/termsafe"
	"github.com/parley-cx/parley/internal/warehouse"
	"github.com/parley-cx/parley/metrics"
	sqlfiles "github.com/parley-cx/parley/sql"
)

// Format is an output format of Write.
type Format string

// The formats of Write (table, csv, json) and WriteFile (parquet, csv).
const (
	FormatTable   Format = "table"
	FormatCSV     Format = "csv"
	FormatJSON    Format = "json"
	FormatParquet Format = "parquet"
)

// ErrReadOnly is returned for a statement that is not a query; it is
// warehouse.ErrReadOnly, so errors.Is matches either name.
var ErrReadOnly = warehouse.ErrReadOnly

// Write runs query on db with args and writes its result to w in format
// (table, csv or json). query must be exactly one query
// (warehouse.CheckQuery): a second statement or a statement that is not a
// query is refused before anything runs. Its parameters ($name) are bound
// from args, which must be sql.NamedArg values.
// JSON is an array of objects in column order; NULL is null in JSON, empty in CSV
// and "NULL" in a table. CSV text cells are neutralised for spreadsheets (csvsafe).
// A table escapes control characters, newlines and tabs as \x1b, \n, \t
// (termsafe); CSV keeps them, as data (quoted as CSV needs), and JSON writes
// them as JSON escapes.
func Write(ctx context.Context, db *warehouse.DB, query string, format Format, w io.Writer, args ...any) error {
	var out resultWriter
	switch format {
	case FormatTable:
		out = &tableWriter{w: w}
	case FormatCSV:
		out = &csvWriter{w: csv.NewWriter(w)}
	case FormatJSON:
		out = &jsonWriter{w: w}
	default:
		return fmt.Errorf("query: format %q cannot be printed (want table, csv or json)", format)
	}
	if err := db.CheckQuery(ctx, query, args...); err != nil {
		return queryError(err)
	}
	if err := db.Arrow(ctx, out.write, query, args...); err != nil {
		return queryError(err)
	}
	return out.close()
}

// WriteFile runs query on db with args and writes its result to path, replacing it
// only once the whole file is written: CSV with a header (as Write writes
// it), or Parquet (zstd) through DuckDB's COPY. query must be exactly one
// query with named args, as for Write; a trailing semicolon is allowed. Parquet is written
// into db's scratch folder, so db must come from warehouse.OpenSandbox with
// WriteIn set to path's folder.
func WriteFile(ctx context.Context, db *warehouse.DB, query string, format Format, path string, args ...any) error {
	if format != FormatParquet && format != FormatCSV {
		return fmt.Errorf("query: format %q cannot be written to a file (want parquet or csv)", format)
	}
	if err := db.CheckQuery(ctx, query, args...); err != nil {
		return queryError(err)
	}
	if format == FormatCSV {
		err := atomicfile.Write(path, atomicfile.Options{}, func(w io.Writer) error {
			out := &csvWriter{w: csv.NewWriter(w)}
			if err := db.Arrow(ctx, out.write, query, args...); err != nil {
				return queryError(err)
			}
			return out.close()
		})
		if err != nil {
			return fmt.Errorf("query: %w", err)
		}
		return nil
	}
	if db.Scratch() == "" {
		return errors.New("query: Parquet output needs the warehouse opened by warehouse.OpenSandbox with WriteIn set")
	}
	// The user's own query is the subject of COPY, so it is spliced in; the
	// output path stays a bound parameter, named because DuckDB does not mix
	// named and positional ones. The query was checked to be one query, and
	// the spliced text must still be one statement.
	query = strings.TrimRight(strings.TrimSpace(query), "; \t\n")
	stmt := strings.Replace(sqlfiles.File("build/stmt/copy_parquet.sql"), queryMarker, query, 1)
	if stmts, err := warehouse.SplitStatements(stmt); err != nil || len(stmts) != 1 {
		return fmt.Errorf("query: the query does not fit in COPY (...) TO as one statement: %v", err)
	}
	tmp := filepath.Join(db.Scratch(), filepath.Base(path))
	if _, err := db.ExecContext(ctx, stmt, slices.Concat(args, []any{sql.Named("parley_out", tmp)})...); err != nil {
		return fmt.Errorf("query: write %s: %w", path, queryError(err))
	}
	if err := atomicfile.Publish(tmp, path); err != nil {
		return fmt.Errorf("query: %w", err)
	}
	return nil
}

// queryMarker is where copy_parquet.sql takes the query to copy.
const queryMarker = "/*query*/"

// Export writes every public table and view of db as dir/<name>.parquet and
// returns the paths written, in PublicObjects order. Each file is written
// in db's scratch folder and renamed into dir, so a reader never sees half
// a file, and fsynced; db must come from warehouse.OpenSandbox with WriteIn set to dir.
func Export(ctx context.Context, db *warehouse.DB, dir string) ([]string, error) {
	if db.Scratch() == "" {
		return nil, errors.New("export: needs the warehouse opened by warehouse.OpenSandbox with WriteIn set to the output folder")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("export: create %s: %w", dir, err)
	}
	var paths []string
	for _, name := range metrics.PublicObjects {
		tmp := filepath.Join(db.Scratch(), name+".parquet")
		if _, err := db.ExecContext(ctx, sqlfiles.File("build/stmt/export_object.sql"), name, tmp); err != nil {
			return paths, fmt.Errorf("export: %s: %w", name, err)
		}
		path := filepath.Join(dir, name+".parquet")
		if err := atomicfile.Publish(tmp, path); err != nil {
			return paths, fmt.Errorf("export: %s: %w", name, err)
		}
		paths = append(paths, path)
	}
	return paths, nil
}

// queryError turns DuckDB's read-only refusal into ErrReadOnly, keeping its text.
func queryError(err error) error {
	if !errors.Is(err, ErrReadOnly) && strings.Contains(err.Error(), "read-only mode") {
		return fmt.Errorf("%w: %v", ErrReadOnly, err)
	}
	return err
}

// resultWriter receives the record batches of one result.
type resultWriter interface {
	write(arrow.Record) error
	close() error
}

// tableWriter writes an aligned table for a terminal. Every cell and column
// name is escaped (termsafe): a control character from the data would
// otherwise reach the terminal (ESC sequences set its title or erase
// lines), and a newline or tab would break the row or its alignment.
type tableWriter struct {
	w    io.Writer
	tw   *tabwriter.Writer
	rows int
}

func (t *tableWriter) write(rec arrow.Record) error {
	if t.tw == nil {
		t.tw = tabwriter.NewWriter(t.w, 0, 0, 2, ' ', 0)
		var head, rule []string
		for _, f := range rec.Schema().Fields() {
			name := termsafe.Escape(f.Name)
			head = append(head, name)
			rule = append(rule, strings.Repeat("-", len(name)))
		}
		fmt.Fprintln(t.tw, strings.Join(head, "\t"))
		fmt.Fprintln(t.tw, strings.Join(rule, "\t"))
	}
	cells := make([]string, rec.NumCols())
	for r := range int(rec.NumRows()) {
		for c := range cells {
			cells[c] = termsafe.Escape(cellString(rec.Column(c), r, "NULL"))
		}
		fmt.Fprintln(t.tw, strings.Join(cells, "\t"))
		t.rows++
	}
	return nil
}

func (t *tableWriter) close() error {
	if t.tw == nil { // no batch at all: the statement returned nothing
		_, err := fmt.Fprintln(t.w, "(no rows)")
		return err
	}
	if err := t.tw.Flush(); err != nil {
		return err
	}
	noun := "rows"
	if t.rows == 1 {
		noun = "row"
	}
	_, err := fmt.Fprintf(t.w, "(%d %s)\n", t.rows, noun)
	return err
}

// csvWriter writes CSV for spreadsheets: numbers as they are, every other
// cell neutralised by csvsafe.Escape.
type csvWriter struct {
	w      *csv.Writer
	header bool
}

func (c *csvWriter) write(rec arrow.Record) error {
	if !c.header {
		var head []string
		for _, f := range rec.Schema().Fields() {
			head = append(head, f.Name)
		}
		if err := c.w.Write(head); err != nil {
			return err
		}
		c.header = true
	}
	cells := make([]string, rec.NumCols())
	for r := range int(rec.NumRows()) {
		for i := range cells {
			col := rec.Column(i)
			cells[i] = cellString(col, r, "")
			if !numeric(col.DataType()) {
				cells[i] = csvsafe.Escape(cells[i])
			}
		}
		if err := c.w.Write(cells); err != nil {
			return err
		}
	}
	return nil
}

func (c *csvWriter) close() error {
	c.w.Flush()
	return c.w.Error()
}

type jsonWriter struct {
	w    io.Writer
	rows int
}

func (j *jsonWriter) write(rec arrow.Record) error {
	fields := rec.Schema().Fields()
	for r := range int(rec.NumRows()) {
		var b strings.Builder
		if j.rows == 0 {
			b.WriteString("[\n")
		} else {
			b.WriteString(",\n")
		}
		b.WriteString("  {")
		for c, f := range fields {
			if c > 0 {
				b.WriteString(", ")
			}
			name, err := json.Marshal(f.Name)
			if err != nil {
				return err
			}
			val, err := json.Marshal(cellJSON(rec.Column(c), r))
			if err != nil {
				return fmt.Errorf("encode column %s: %w", f.Name, err)
			}
			b.Write(name)
			b.WriteString(": ")
			b.Write(val)
		}
		b.WriteString("}")
		if _, err := io.WriteString(j.w, b.String()); err != nil {
			return err
		}
		j.rows++
	}
	return nil
}

func (j *jsonWriter) close() error {
	if j.rows == 0 {
		_, err := io.WriteString(j.w, "[]\n")
		return err
	}
	_, err := io.WriteString(j.w, "\n]\n")
	return err
}

// numeric reports whether values of t are numbers, which a spreadsheet
// must be able to sum (and which may be negative): they are not escaped.
func numeric(t arrow.DataType) bool {
	id := t.ID()
	return arrow.IsInteger(id) || arrow.IsFloating(id) || arrow.IsDecimal(id)
}

// cellString formats one value for text output.
func cellString(col arrow.Array, row int, null string) string {
	if col.IsNull(row) {
		return null
	}
	if ts, ok := naiveTimestamp(col, row); ok {
		return ts
	}
	return col.ValueStr(row)
}

// cellJSON is one value for JSON output.
func cellJSON(col arrow.Array, row int) any {
	if !col.IsNull(row) {
		if ts, ok := naiveTimestamp(col, row); ok {
			return ts
		}
	}
	return col.GetOneForMarshal(row)
}

// naiveTimestamp formats a TIMESTAMP without time zone the way DuckDB
// prints it. Arrow would append "Z", which would claim UTC for the
// wall-clock *_local columns.
func naiveTimestamp(col arrow.Array, row int) (string, bool) {
	arr, ok := col.(*array.Timestamp)
	if !ok {
		return "", false
	}
	typ := arr.DataType().(*arrow.TimestampType)
	if typ.TimeZone != "" {
		return "", false
	}
	return arr.Value(row).ToTime(typ.Unit).Format("2006-01-02 15:04:05.999999"), true
}
