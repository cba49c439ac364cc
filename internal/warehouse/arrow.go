package warehouse

// Query results reach Go as Arrow record batches through DuckDB's own C
// Arrow interface (duckdb_result_get_arrow_options, duckdb_to_arrow_schema,
// duckdb_data_chunk_to_arrow), with no build tag:
//
//   - go-duckdb's Arrow API (NewArrowFromConn) and the bindings' Go wrappers
//     of those C functions compile only with the duckdb_arrow tag, because
//     they import arrow-go, which go-duckdb does not want to impose on every
//     user. Parley already depends on arrow-go, so it calls the three C
//     functions itself: they are in libduckdb, which go-duckdb's bindings
//     link into every binary whatever the tags.
//   - go-duckdb runs the query (preparing every statement, binding the
//     arguments, interrupting on a cancelled context) and hands back its
//     driver rows; resultOf takes the DuckDB result out of them, as
//     go-duckdb's own Arrow reader does, and the chunks are converted to
//     Arrow instead of being scanned value by value.
//
// Rows go the other way the same way (AppendArrow): Go builds Arrow record
// batches, DuckDB turns each into a data chunk in C
// (duckdb_schema_from_arrow, duckdb_data_chunk_from_arrow) and a DuckDB
// appender appends it, where go-duckdb's Appender crosses cgo once per value.
// It takes the DuckDB connection out of go-duckdb's driver connection, as
// resultOf takes the result out of its rows.
//
// This is the conversion go-duckdb's newer Arrow reader uses (duckdb/duckdb-go
// arrow.go): same DuckDB code, same types. TestArrowMatchesGoDuckDB (built
// with -tags duckdb_arrow) checks it record for record against go-duckdb's
// Arrow API, and BenchmarkArrow measures both against database/sql scanning.

/*
#include <stdint.h>
#include <stdlib.h>

// From duckdb.h (DuckDB's stable C API): only the declarations used here.
typedef uint64_t idx_t;
typedef struct _duckdb_arrow_options { void *internal_ptr; } *duckdb_arrow_options;
typedef struct _duckdb_data_chunk { void *internal_ptr; } *duckdb_data_chunk;
typedef struct _duckdb_logical_type { void *internal_ptr; } *duckdb_logical_type;
typedef struct _duckdb_error_data { void *internal_ptr; } *duckdb_error_data;
typedef struct {
	idx_t deprecated_column_count;
	idx_t deprecated_row_count;
	idx_t deprecated_rows_changed;
	void *deprecated_columns;
	char *deprecated_error_message;
	void *internal_data;
} duckdb_result;

// The Arrow C data interface (https://arrow.apache.org/docs/format/CDataInterface.html).
#ifndef ARROW_C_DATA_INTERFACE
#define ARROW_C_DATA_INTERFACE
struct ArrowSchema {
	const char *format;
	const char *name;
	const char *metadata;
	int64_t flags;
	int64_t n_children;
	struct ArrowSchema **children;
	struct ArrowSchema *dictionary;
	void (*release)(struct ArrowSchema *);
	void *private_data;
};
struct ArrowArray {
	int64_t length;
	int64_t null_count;
	int64_t offset;
	int64_t n_buffers;
	int64_t n_children;
	const void **buffers;
	struct ArrowArray **children;
	struct ArrowArray *dictionary;
	void (*release)(struct ArrowArray *);
	void *private_data;
};
#endif

duckdb_arrow_options duckdb_result_get_arrow_options(duckdb_result *result);
void duckdb_destroy_arrow_options(duckdb_arrow_options *arrow_options);
duckdb_error_data duckdb_to_arrow_schema(duckdb_arrow_options arrow_options, duckdb_logical_type *types,
	const char **names, idx_t column_count, struct ArrowSchema *out_schema);
duckdb_error_data duckdb_data_chunk_to_arrow(duckdb_arrow_options arrow_options, duckdb_data_chunk chunk,
	struct ArrowArray *out_arrow_array);

// The other way, for AppendArrow.
typedef struct _duckdb_connection { void *internal_ptr; } *duckdb_connection;
typedef struct _duckdb_arrow_converted_schema { void *internal_ptr; } *duckdb_arrow_converted_schema;
duckdb_error_data duckdb_schema_from_arrow(duckdb_connection connection, struct ArrowSchema *schema,
	duckdb_arrow_converted_schema *out_types);
duckdb_error_data duckdb_data_chunk_from_arrow(duckdb_connection connection, struct ArrowArray *arrow_array,
	duckdb_arrow_converted_schema converted_schema, duckdb_data_chunk *out_chunk);
void duckdb_destroy_arrow_converted_schema(duckdb_arrow_converted_schema *arrow_converted_schema);
*/
import "C"

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"reflect"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/cdata"
	"github.com/marcboeker/go-duckdb/mapping"
	"github.com/marcboeker/go-duckdb/v2"
)

// errDriverLayout means go-duckdb's driver rows or connection no longer
// carry the DuckDB result or connection where this package looks for them:
// a go-duckdb upgrade changed them.
var errDriverLayout = errors.New("go-duckdb's driver rows (field res) or connection (field conn) are not laid out as expected (go-duckdb was upgraded: adapt resultOf and connectionOf)")

// queryArrow runs query on the driver connection conn and calls fn for each
// chunk of the result as an Arrow record batch.
func queryArrow(ctx context.Context, conn driver.Conn, fn func(arrow.Record) error, query string, args ...any) error {
	q, ok := conn.(driver.QueryerContext)
	if !ok {
		return fmt.Errorf("warehouse: driver connection %T cannot query", conn)
	}
	named, err := namedArgs(conn, args)
	if err != nil {
		return err
	}
	rows, err := q.QueryContext(ctx, query, named)
	if err != nil {
		return fmt.Errorf("warehouse: query: %w", err)
	}
	defer rows.Close()
	res, err := resultOf(rows)
	if err != nil {
		return err
	}
	return readArrow(ctx, res, fn)
}

// namedArgs converts args the way database/sql does for this driver: its
// NamedValueChecker first, the default converter where it declines.
func namedArgs(conn driver.Conn, args []any) ([]driver.NamedValue, error) {
	checker, _ := conn.(driver.NamedValueChecker)
	named := make([]driver.NamedValue, len(args))
	for i, a := range args {
		nv := driver.NamedValue{Ordinal: i + 1, Value: a}
		err := driver.ErrSkip
		if checker != nil {
			err = checker.CheckNamedValue(&nv)
		}
		if errors.Is(err, driver.ErrSkip) {
			nv.Value, err = driver.DefaultParameterConverter.ConvertValue(a)
		}
		if err != nil {
			return nil, fmt.Errorf("warehouse: argument %d: %w", i+1, err)
		}
		named[i] = nv
	}
	return named, nil
}

// resultOf returns the DuckDB result inside go-duckdb's driver rows (the
// unexported field res, a mapping.Result). The field's type is checked, so a
// go-duckdb that changes it fails with errDriverLayout, never reads memory wrongly.
func resultOf(rows driver.Rows) (*mapping.Result, error) {
	return unexported[mapping.Result](rows, "res")
}

// readArrow converts every chunk of res to an Arrow record batch and calls fn
// with it; the batch is released when fn returns.
func readArrow(ctx context.Context, res *mapping.Result, fn func(arrow.Record) error) error {
	// A copy in C's layout: mapping.Result wraps exactly one duckdb_result,
	// and the options only read its internal pointer.
	cres := *(*C.duckdb_result)(unsafe.Pointer(res))
	opts := C.duckdb_result_get_arrow_options(&cres)
	defer C.duckdb_destroy_arrow_options(&opts)

	schema, err := arrowSchema(res, opts)
	if err != nil {
		return err
	}
	arr := (*C.struct_ArrowArray)(C.calloc(1, C.sizeof_struct_ArrowArray))
	defer C.free(unsafe.Pointer(arr))
	n := mapping.ResultChunkCount(*res)
	for i := mapping.IdxT(0); i < n; i++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := readChunk(res, i, opts, arr, schema, fn); err != nil {
			return err
		}
	}
	return nil
}

// readChunk converts chunk i of res into arr, imports it and calls fn.
func readChunk(res *mapping.Result, i mapping.IdxT, opts C.duckdb_arrow_options, arr *C.struct_ArrowArray, schema *arrow.Schema, fn func(arrow.Record) error) error {
	chunk := mapping.ResultGetChunk(*res, i)
	defer mapping.DestroyDataChunk(&chunk)
	if err := duckError(C.duckdb_data_chunk_to_arrow(opts, C.duckdb_data_chunk(chunk.Ptr), arr)); err != nil {
		cdata.ReleaseCArrowArray((*cdata.CArrowArray)(unsafe.Pointer(arr)))
		return fmt.Errorf("warehouse: chunk %d to arrow: %w", i, err)
	}
	// The import moves arr's buffers into the batch; arr is left empty and reused.
	rec, err := cdata.ImportCRecordBatchWithSchema((*cdata.CArrowArray)(unsafe.Pointer(arr)), schema)
	if err != nil {
		return fmt.Errorf("warehouse: import chunk %d: %w", i, err)
	}
	defer rec.Release()
	return fn(rec)
}

// arrowSchema is the Arrow schema of res under opts (time zone, string and
// offset sizes as the connection's settings say).
func arrowSchema(res *mapping.Result, opts C.duckdb_arrow_options) (*arrow.Schema, error) {
	n := mapping.ColumnCount(res)
	// C arrays, because DuckDB reads them after the call has begun.
	types := unsafe.Slice((*C.duckdb_logical_type)(C.calloc(C.size_t(max(n, 1)), C.size_t(unsafe.Sizeof(C.duckdb_logical_type(nil))))), n)
	names := unsafe.Slice((**C.char)(C.calloc(C.size_t(max(n, 1)), C.size_t(unsafe.Sizeof((*C.char)(nil))))), n)
	defer func() {
		for i := range types {
			lt := mapping.LogicalType{Ptr: unsafe.Pointer(types[i])}
			mapping.DestroyLogicalType(&lt)
			C.free(unsafe.Pointer(names[i]))
		}
		C.free(unsafe.Pointer(unsafe.SliceData(types)))
		C.free(unsafe.Pointer(unsafe.SliceData(names)))
	}()
	for i := range n {
		types[i] = C.duckdb_logical_type(mapping.ColumnLogicalType(res, i).Ptr)
		names[i] = C.CString(mapping.ColumnName(res, i))
	}
	sc := (*C.struct_ArrowSchema)(C.calloc(1, C.sizeof_struct_ArrowSchema))
	defer func() {
		cdata.ReleaseCArrowSchema((*cdata.CArrowSchema)(unsafe.Pointer(sc)))
		C.free(unsafe.Pointer(sc))
	}()
	if err := duckError(C.duckdb_to_arrow_schema(opts, unsafe.SliceData(types), unsafe.SliceData(names), C.idx_t(n), sc)); err != nil {
		return nil, fmt.Errorf("warehouse: arrow schema: %w", err)
	}
	schema, err := cdata.ImportCArrowSchema((*cdata.CArrowSchema)(unsafe.Pointer(sc)))
	if err != nil {
		return nil, fmt.Errorf("warehouse: import arrow schema: %w", err)
	}
	return schema, nil
}

// duckError turns DuckDB error data into an error (nil when it holds none) and destroys it.
func duckError(ed C.duckdb_error_data) error {
	if ed == nil {
		return nil
	}
	data := mapping.ErrorData{Ptr: unsafe.Pointer(ed)}
	defer mapping.DestroyErrorData(&data)
	if !mapping.ErrorDataHasError(data) {
		return nil
	}
	return errors.New(mapping.ErrorDataMessage(data))
}

// unexported returns a pointer to the field name of type T in the struct v
// points to, or errDriverLayout when v has no such field.
func unexported[T any](v any, name string) (*T, error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		return nil, fmt.Errorf("warehouse: %T: %w", v, errDriverLayout)
	}
	f := rv.Elem().FieldByName(name)
	if !f.IsValid() || f.Type() != reflect.TypeFor[T]() {
		return nil, fmt.Errorf("warehouse: %T: %w", v, errDriverLayout)
	}
	return (*T)(unsafe.Pointer(f.UnsafeAddr())), nil
}

// ChunkRows is the most rows an Arrow batch given to AppendArrow may hold:
// one DuckDB data chunk (DuckDB's vector size, 2048).
func ChunkRows() int { return int(mapping.VectorSize()) }

// AppendArrow appends the rows of recs, in order, to table (of the
// connection's default schema) through one DuckDB appender, converting each
// batch to a DuckDB data chunk in C rather than value by value. Every batch
// has recs[0]'s schema, one column per column of the table in its order
// (DuckDB casts where the types differ), and at most ChunkRows rows, or
// nothing is appended. The rows are in the table when AppendArrow returns
// without error; when DuckDB refuses a batch, the batches before it may have
// been appended.
func AppendArrow(ctx context.Context, conn *sql.Conn, table string, recs []arrow.Record) error {
	if len(recs) == 0 {
		return nil
	}
	err := conn.Raw(func(raw any) error {
		dc, ok := raw.(*duckdb.Conn)
		if !ok {
			return fmt.Errorf("warehouse: driver connection %T is not go-duckdb's", raw)
		}
		c, err := unexported[mapping.Connection](dc, "conn")
		if err != nil {
			return err
		}
		return appendArrow(ctx, *c, table, recs)
	})
	if err != nil {
		return fmt.Errorf("warehouse: append to %s: %w", table, err)
	}
	return nil
}

func appendArrow(ctx context.Context, c mapping.Connection, table string, recs []arrow.Record) (err error) {
	for i, rec := range recs {
		if !rec.Schema().Equal(recs[0].Schema()) {
			return fmt.Errorf("batch %d: schema %s differs from the first batch's %s", i, rec.Schema(), recs[0].Schema())
		}
		if n := rec.NumRows(); n > int64(ChunkRows()) {
			return fmt.Errorf("batch %d: %d rows, more than a data chunk holds (%d)", i, n, ChunkRows())
		}
	}
	conn := C.duckdb_connection(c.Ptr)
	converted, err := convertedSchema(conn, recs[0].Schema())
	if err != nil {
		return err
	}
	defer C.duckdb_destroy_arrow_converted_schema(&converted)

	var app mapping.Appender
	if mapping.AppenderCreate(c, "", table, &app) == mapping.StateError {
		err := errors.New(mapping.AppenderError(app))
		mapping.AppenderDestroy(&app)
		return fmt.Errorf("create appender: %w", err)
	}
	defer func() {
		// Closing flushes what the appender still holds.
		if mapping.AppenderClose(app) == mapping.StateError && err == nil {
			err = fmt.Errorf("close appender: %s", mapping.AppenderError(app))
		}
		mapping.AppenderDestroy(&app)
	}()

	arr := (*C.struct_ArrowArray)(C.calloc(1, C.sizeof_struct_ArrowArray))
	defer C.free(unsafe.Pointer(arr))
	for i, rec := range recs {
		if err := ctx.Err(); err != nil {
			return err
		}
		cdata.ExportArrowRecordBatch(rec, (*cdata.CArrowArray)(unsafe.Pointer(arr)), nil)
		var chunk C.duckdb_data_chunk
		// The chunk takes over the batch's export, and releases it when destroyed.
		if err := duckError(C.duckdb_data_chunk_from_arrow(conn, arr, converted, &chunk)); err != nil {
			cdata.ReleaseCArrowArray((*cdata.CArrowArray)(unsafe.Pointer(arr)))
			return fmt.Errorf("batch %d to a data chunk: %w", i, err)
		}
		dchunk := mapping.DataChunk{Ptr: unsafe.Pointer(chunk)}
		state := mapping.AppendDataChunk(app, dchunk)
		mapping.DestroyDataChunk(&dchunk)
		if state == mapping.StateError {
			return fmt.Errorf("append batch %d: %s", i, mapping.AppenderError(app))
		}
	}
	return nil
}

// convertedSchema is DuckDB's reading of the Arrow schema s on conn.
func convertedSchema(conn C.duckdb_connection, s *arrow.Schema) (C.duckdb_arrow_converted_schema, error) {
	sc := (*C.struct_ArrowSchema)(C.calloc(1, C.sizeof_struct_ArrowSchema))
	defer func() {
		cdata.ReleaseCArrowSchema((*cdata.CArrowSchema)(unsafe.Pointer(sc)))
		C.free(unsafe.Pointer(sc))
	}()
	cdata.ExportArrowSchema(s, (*cdata.CArrowSchema)(unsafe.Pointer(sc)))
	var converted C.duckdb_arrow_converted_schema
	if err := duckError(C.duckdb_schema_from_arrow(conn, sc, &converted)); err != nil {
		return nil, fmt.Errorf("arrow schema %s: %w", s, err)
	}
	return converted, nil
}
