// Experiment of issue 24 (docs/performance.md, "Second pass"): the lake written with
// arrow-go's parquet/file column writers, measured against parquet-go and not kept.

package ingest

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"

	apq "github.com/apache/arrow-go/v18/parquet"
	acompress "github.com/apache/arrow-go/v18/parquet/compress"
	afile "github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/schema"
	"github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go"

	"github.com/parley-cx/parley/internal/lake"
)

type fastZstd struct {
	encs sync.Pool
	dec  *zstd.Decoder
}

func (c *fastZstd) Encode(dst, src []byte) []byte {
	e, _ := c.encs.Get().(*zstd.Encoder)
	if e == nil {
		e, _ = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithWindowSize(zstdWindow),
			zstd.WithEncoderConcurrency(1), zstd.WithZeroFrames(true), zstd.WithEncoderCRC(false))
	}
	defer c.encs.Put(e)
	return e.EncodeAll(src, dst[:0])
}
func (c *fastZstd) EncodeLevel(dst, src []byte, _ int) []byte { return c.Encode(dst, src) }
func (c *fastZstd) CompressBound(n int64) int64               { return n + n>>8 + 64 }
func (c *fastZstd) Decode(dst, src []byte) []byte {
	d, err := c.dec.DecodeAll(src, dst[:0])
	if err != nil {
		panic(err)
	}
	return d
}
func (c *fastZstd) NewReader(r io.Reader) io.ReadCloser {
	d, _ := zstd.NewReader(r)
	return d.IOReadCloser()
}
func (c *fastZstd) NewWriter(w io.Writer) io.WriteCloser { e, _ := zstd.NewWriter(w); return e }
func (c *fastZstd) NewWriterLevel(w io.Writer, _ int) (io.WriteCloser, error) {
	return zstd.NewWriter(w)
}

func init() {
	d, _ := zstd.NewReader(nil)
	acompress.RegisterCodec(acompress.Codecs.Zstd, &fastZstd{dec: d})
}

func strNode(name string, rep apq.Repetition) schema.Node {
	return schema.MustPrimitive(schema.NewPrimitiveNodeLogical(name, rep, schema.StringLogicalType{}, apq.Types.ByteArray, -1, -1))
}
func i32Node(name string, rep apq.Repetition) schema.Node {
	return schema.MustPrimitive(schema.NewPrimitiveNodeLogical(name, rep, schema.NewIntLogicalType(32, true), apq.Types.Int32, -1, -1))
}
func tsNode(name string) schema.Node {
	return schema.MustPrimitive(schema.NewPrimitiveNodeLogical(name, apq.Repetitions.Required, schema.NewTimestampLogicalType(true, schema.TimeUnitMicros), apq.Types.Int64, -1, -1))
}

var arrowSchema = func() *schema.GroupNode {
	R, O := apq.Repetitions.Required, apq.Repetitions.Optional
	kv := schema.MustGroup(schema.NewGroupNode("key_value", apq.Repetitions.Repeated, schema.FieldList{strNode("key", R), strNode("value", R)}, -1))
	attrs := schema.MustGroup(schema.NewGroupNodeLogical("attributes", O, schema.FieldList{kv}, schema.MapLogicalType{}, -1))
	return schema.MustGroup(schema.NewGroupNode("Row", R, schema.FieldList{
		strNode("event_id", R), strNode("conversation_id", R), strNode("type", R), tsNode("occurred_at"), i32Node("occurred_offset_s", R),
		strNode("channel", O), strNode("actor_role", O), strNode("actor_id", O), strNode("queue", O), strNode("message_text", O),
		schema.NewBooleanNode("message_private", O, -1), schema.NewBooleanNode("message_automated", O, -1),
		strNode("to_role", O), strNode("to_id", O), strNode("to_queue", O), i32Node("csat_score", O),
		attrs, strNode("extra", O), strNode("source", R), i32Node("partition", R),
		schema.MustPrimitive(schema.NewPrimitiveNodeLogical("offset", R, schema.NewIntLogicalType(64, true), apq.Types.Int64, -1, -1)),
		tsNode("ingested_at"),
	}, -1))
}()

func arrowProps() *apq.WriterProperties {
	opts := []apq.WriterProperty{
		apq.WithCompression(acompress.Codecs.Zstd), apq.WithDictionaryDefault(false),
		apq.WithDataPageVersion(apq.DataPageV2), apq.WithMaxRowGroupLength(rowGroupRows),
		apq.WithDataPageSize(parquet.DefaultPageBufferSize), apq.WithStats(true),
	}
	for _, c := range []string{"type", "channel", "actor_role", "actor_id", "queue", "to_role", "to_id", "to_queue", "source"} {
		opts = append(opts, apq.WithDictionaryFor(c, true))
	}
	return apq.NewWriterProperties(opts...)
}

type colBufs struct {
	ba  []apq.ByteArray
	i32 []int32
	i64 []int64
	b   []bool
	def []int16
	rep []int16
}

func sb(s string) apq.ByteArray { return apq.ByteArray(unsafe.Slice(unsafe.StringData(s), len(s))) }

var spaced bool

func writeArrow(w io.Writer, rows []lake.Row) error {
	pw := afile.NewParquetWriter(w, arrowSchema, afile.WithWriterProps(arrowProps()))
	var c colBufs
	for len(rows) > 0 {
		n := min(len(rows), rowGroupRows)
		rg := rows[:n]
		rows = rows[n:]
		g := pw.AppendRowGroup()
		col := func() afile.ColumnChunkWriter {
			cw, err := g.NextColumn()
			if err != nil {
				panic(err)
			}
			return cw
		}
		reqStr := func(get func(*lake.Row) string) {
			c.ba = c.ba[:0]
			for i := range rg {
				c.ba = append(c.ba, sb(get(&rg[i])))
			}
			if _, err := col().(*afile.ByteArrayColumnChunkWriter).WriteBatch(c.ba, nil, nil); err != nil {
				panic(err)
			}
		}
		optStr := func(get func(*lake.Row) string) {
			c.ba, c.def = c.ba[:0], c.def[:0]
			bits := make([]byte, (len(rg)+7)/8)
			for i := range rg {
				s := get(&rg[i])
				c.ba = append(c.ba, sb(s))
				if s != "" {
					c.def = append(c.def, 1)
					bits[i/8] |= 1 << (i % 8)
				} else {
					c.def = append(c.def, 0)
				}
			}
			if spaced {
				col().(*afile.ByteArrayColumnChunkWriter).WriteBatchSpaced(c.ba, c.def, nil, bits, 0)
				return
			}
			j := 0
			for i, d := range c.def {
				if d == 1 {
					c.ba[j] = c.ba[i]
					j++
				}
			}
			if _, err := col().(*afile.ByteArrayColumnChunkWriter).WriteBatch(c.ba[:j], c.def, nil); err != nil {
				panic(err)
			}
		}
		ts := func(get func(*lake.Row) int64) {
			c.i64 = c.i64[:0]
			for i := range rg {
				c.i64 = append(c.i64, get(&rg[i]))
			}
			if _, err := col().(*afile.Int64ColumnChunkWriter).WriteBatch(c.i64, nil, nil); err != nil {
				panic(err)
			}
		}
		i32 := func(get func(*lake.Row) (int32, bool), opt bool) {
			c.i32, c.def = c.i32[:0], c.def[:0]
			for i := range rg {
				v, ok := get(&rg[i])
				if ok {
					c.i32 = append(c.i32, v)
					c.def = append(c.def, 1)
				} else {
					c.def = append(c.def, 0)
				}
			}
			d := c.def
			if !opt {
				d = nil
			}
			if _, err := col().(*afile.Int32ColumnChunkWriter).WriteBatch(c.i32, d, nil); err != nil {
				panic(err)
			}
		}
		optBool := func(get func(*lake.Row) *bool) {
			c.b, c.def = c.b[:0], c.def[:0]
			for i := range rg {
				if p := get(&rg[i]); p != nil {
					c.b = append(c.b, *p)
					c.def = append(c.def, 1)
				} else {
					c.def = append(c.def, 0)
				}
			}
			if _, err := col().(*afile.BooleanColumnChunkWriter).WriteBatch(c.b, c.def, nil); err != nil {
				panic(err)
			}
		}
		reqStr(func(r *lake.Row) string { return r.EventID })
		reqStr(func(r *lake.Row) string { return r.ConversationID })
		reqStr(func(r *lake.Row) string { return r.Type })
		ts(func(r *lake.Row) int64 { return r.OccurredAt.UnixMicro() })
		i32(func(r *lake.Row) (int32, bool) { return r.OccurredOffsetS, true }, false)
		optStr(func(r *lake.Row) string { return r.Channel })
		optStr(func(r *lake.Row) string { return r.ActorRole })
		optStr(func(r *lake.Row) string { return r.ActorID })
		optStr(func(r *lake.Row) string { return r.Queue })
		// message_text: nil pointer is null; "" is a value
		c.ba, c.def = c.ba[:0], c.def[:0]
		for i := range rg {
			if p := rg[i].MessageText; p != nil {
				c.ba = append(c.ba, sb(*p))
				c.def = append(c.def, 1)
			} else {
				c.def = append(c.def, 0)
			}
		}
		if _, err := col().(*afile.ByteArrayColumnChunkWriter).WriteBatch(c.ba, c.def, nil); err != nil {
			panic(err)
		}
		optBool(func(r *lake.Row) *bool { return r.MessagePrivate })
		optBool(func(r *lake.Row) *bool { return r.MessageAutomated })
		optStr(func(r *lake.Row) string { return r.ToRole })
		optStr(func(r *lake.Row) string { return r.ToID })
		optStr(func(r *lake.Row) string { return r.ToQueue })
		i32(func(r *lake.Row) (int32, bool) {
			if r.CSATScore == nil {
				return 0, false
			}
			return *r.CSATScore, true
		}, true)
		// attributes: keys then values
		var keys []string
		for k := 0; k < 2; k++ {
			c.ba, c.def, c.rep = c.ba[:0], c.def[:0], c.rep[:0]
			for i := range rg {
				m := rg[i].Attributes
				if len(m) == 0 {
					c.def, c.rep = append(c.def, 0), append(c.rep, 0)
					continue
				}
				keys = keys[:0]
				for key := range m {
					keys = append(keys, key)
				}
				slices.Sort(keys)
				for j, key := range keys {
					v := key
					if k == 1 {
						v = m[key]
					}
					c.ba = append(c.ba, sb(v))
					c.def = append(c.def, 2)
					c.rep = append(c.rep, int16(min(j, 1)))
				}
			}
			if _, err := col().(*afile.ByteArrayColumnChunkWriter).WriteBatch(c.ba, c.def, c.rep); err != nil {
				panic(err)
			}
		}
		optStr(func(r *lake.Row) string { return r.Extra })
		reqStr(func(r *lake.Row) string { return r.Source })
		i32(func(r *lake.Row) (int32, bool) { return r.Partition, true }, false)
		ts(func(r *lake.Row) int64 { return r.Offset })
		ts(func(r *lake.Row) int64 { return r.IngestedAt.UnixMicro() })
		if err := g.Close(); err != nil {
			return err
		}
	}
	return pw.Close()
}

func writeGo(w io.Writer, rows []lake.Row) error {
	pw := parquet.NewGenericWriter[lake.Row](w, parquetOptions()...)
	if _, err := pw.Write(rows); err != nil {
		return err
	}
	return pw.Close()
}

func cpuNow() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkArrowExperimentWriters(b *testing.B) {
	rows := synthRows(&testing.T{}, 16_000)
	var buf bytes.Buffer
	sp := func(w io.Writer, r []lake.Row) error {
		spaced = true
		defer func() { spaced = false }()
		return writeArrow(w, r)
	}
	type wr struct {
		name string
		f    func(io.Writer, []lake.Row) error
	}
	var ws []wr
	for range 4 {
		ws = append(ws, wr{"go", writeGo}, wr{"arrow", writeArrow}, wr{"arrowspaced", sp})
	}
	for _, w := range ws {
		b.Run(w.name, func(b *testing.B) {
			c0 := cpuNow()
			for b.Loop() {
				buf.Reset()
				if err := w.f(&buf, rows); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64((cpuNow()-c0).Nanoseconds())/float64(b.N*len(rows))/1e3, "cpu-µs/row")
			b.ReportMetric(float64(buf.Len())/float64(len(rows)), "B/row")
		})
	}
}

// TestArrowExperimentSameInDuckDB: the arrow-go file reads in DuckDB as the
// parquet-go one does (schema and rows), so the timing compares like with like.
func TestArrowExperimentSameInDuckDB(t *testing.T) {
	db := openDuck(t)
	rows := synthRows(t, 20_000)
	dir := t.TempDir()
	for _, spacedMode := range []bool{false, true} {
		spaced = spacedMode
		var a, g bytes.Buffer
		if err := writeArrow(&a, rows); err != nil {
			t.Fatal(err)
		}
		if err := writeGo(&g, rows); err != nil {
			t.Fatal(err)
		}
		pa, pg := dir+"/a.parquet", dir+"/g.parquet"
		if err := os.WriteFile(pa, a.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(pg, g.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		// Not compared: type_length (parquet-go writes it for fixed-width
		// columns), the root's repetition (arrow-go writes REQUIRED), and
		// encodings and sizes (logged).
		for _, q := range []string{
			`SELECT name, type, repetition_type, num_children, converted_type, logical_type FROM parquet_schema('%s') WHERE name <> 'Row'`,
			`SELECT * FROM read_parquet('%s', file_row_number=true) ORDER BY file_row_number`,
		} {
			x, y := queryRows(t, db, fmt.Sprintf(q, pg)), queryRows(t, db, fmt.Sprintf(q, pa))
			if len(x) == 0 || !slices.Equal(x, y) {
				t.Errorf("spaced=%v %s: %d rows parquet-go, %d arrow; first difference at %d", spacedMode, q, len(x), len(y), firstDiff(x, y))
			}
		}
		q := `SELECT path_in_schema, encodings, sum(total_compressed_size), sum(total_uncompressed_size) FROM parquet_metadata('%s') GROUP BY ALL ORDER BY ALL`
		t.Logf("parquet-go: %q\narrow-go: %q", queryRows(t, db, fmt.Sprintf(q, pg)), queryRows(t, db, fmt.Sprintf(q, pa)))
	}
	spaced = false
}
