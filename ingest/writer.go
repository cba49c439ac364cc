package ingest

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"syscall"

	"github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go"
	parquetzstd "github.com/parquet-go/parquet-go/compress/zstd"

	"github.com/parley-cx/parley/internal/atomicfile"
	"github.com/parley-cx/parley/internal/lake"
)

// rowGroupRows matches DuckDB's own row-group size, the unit of its parallel
// scans: smaller groups cost metadata, larger ones serialise reads.
const rowGroupRows = 122_880

// writeBufferBytes batches the small writes the Parquet encoder makes.
const writeBufferBytes = 1 << 20

// writeBuffers are reused across files: allocating and clearing 1 MiB for
// every file showed up in ingest's profile.
var writeBuffers = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, writeBufferBytes) }}

// pageCodec compresses every lake file's pages. It is parquet-go's zstd
// codec (fastest level) with one change: its encoders use a zstd window of
// zstdWindow instead of 8 MiB. A page is compressed on its own, so a
// window larger than a page finds nothing more, but parquet-go's encoders
// each allocate and clear twice their window for history, and their pool
// is emptied by every garbage collection: with the default window that was
// 16 MiB cleared per new encoder, a quarter of the live heap and more CPU
// than decoding JSON.
var pageCodec = &windowedZstd{}

// zstdWindow is the pages' zstd window: twice parquet-go's page buffer, so
// that even a page holding one large value compresses as a whole.
const zstdWindow = 2 * parquet.DefaultPageBufferSize

type windowedZstd struct {
	parquetzstd.Codec // String, CompressionCodec and Decode
	encoders          sync.Pool
}

// Encode compresses src into dst as one zstd frame.
func (c *windowedZstd) Encode(dst, src []byte) ([]byte, error) {
	e, _ := c.encoders.Get().(*zstd.Encoder)
	if e == nil {
		var err error
		e, err = zstd.NewWriter(nil,
			zstd.WithEncoderLevel(zstd.SpeedFastest),
			zstd.WithWindowSize(zstdWindow),
			zstd.WithEncoderConcurrency(1),
			zstd.WithZeroFrames(true),
			zstd.WithEncoderCRC(false),
			// At its fastest level zstd stores a block in which it finds
			// no repeated sequence as it is, without entropy coding its
			// bytes. A page of random IDs (UUIDs in hex, written by
			// parquet-go back to back without length prefixes) is such a
			// block: event_id was stored uncompressed, a third of a
			// synthetic lake file. Entropy coding makes a synthetic lake
			// 29 % smaller for no measurable CPU (docs/performance.md).
			zstd.WithAllLitEntropyCompression(true),
		)
		if err != nil {
			return dst, fmt.Errorf("ingest: zstd encoder: %w", err)
		}
	}
	defer c.encoders.Put(e)
	return e.EncodeAll(src, dst[:0]), nil
}

// parquetOptions are the writer settings every lake file shares. The schema
// itself (microsecond timestamps, dictionary columns) comes from the row
// types' struct tags in internal/lake.
//
// Data pages carry no statistics in their headers: parquet-go computed
// every page's bounds twice, once for its header and once for the column
// index and the column chunk's statistics, and the header's copy cost about
// 6 % of ingest's CPU (docs/performance.md). Each row group's statistics,
// which DuckDB prunes by, and the column index, where readers that skip
// pages find each page's bounds, are written as before; only a reader that
// skips pages by their headers (not the DuckDB Parley links) loses.
func parquetOptions() []parquet.WriterOption {
	return []parquet.WriterOption{
		parquet.Compression(pageCodec),
		parquet.MaxRowsPerRowGroup(rowGroupRows),
		parquet.DataPageStatistics(false),
		lake.CreatedBy(),
	}
}

// tempSuffix ends every temporary file, so no glob for *.parquet matches it.
const tempSuffix = ".part"

// tempPattern names the temporary file of final name as
// _tmp-<name>.<random>.part: recovery can tell whose it is from the name.
func tempPattern(name string) string {
	return lake.TempPrefix + name + ".*" + tempSuffix
}

// fileSet collects the temporary files of one batch so that they become
// visible together (as far as a file system allows: rename by rename, with
// the checkpoint written only after the last one) or not at all.
type fileSet struct {
	// root, if set, is the lake whose lock is held while creating and
	// publishing files, and whose sweep must leave these files alone.
	root  string
	files []*atomicfile.File
	// release lets go of the temporary files held against the lake's sweep.
	release []func() error
	// dirs to fsync after the renames: every target directory, plus the
	// parents of any directory this batch created.
	dirs map[string]struct{}
	// created lists the directories this set created, parents first, for
	// removeNewDirs to take back when nothing is published into them.
	created []string
}

// ensureDir creates dir if needed and remembers which directories must be
// fsynced for the new entries to survive a crash.
func (fs *fileSet) ensureDir(dir string) error {
	if fs.dirs == nil {
		fs.dirs = make(map[string]struct{})
	}
	fs.dirs[dir] = struct{}{}
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	// Walk up to the first existing ancestor: each created level needs its
	// parent fsynced, or the new directory entry can vanish in a crash.
	var levels []string
	for d := dir; ; d = filepath.Dir(d) {
		levels = append(levels, d)
		parent := filepath.Dir(d)
		fs.dirs[parent] = struct{}{}
		if _, err := os.Stat(parent); err == nil || parent == d {
			break
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("ingest: create directory %s: %w", dir, err)
	}
	slices.Reverse(levels)
	fs.created = append(fs.created, levels...)
	return nil
}

// removeNewDirs removes the directories the set created that are still
// empty (nothing was published into them, no other writer used them), so
// that an input refused whole leaves no empty date=… folder behind. It
// runs under the lake's exclusive lock, and temporary files are created
// under the shared one after their directory is made (createTemp), so no
// writer ever finds its directory gone. Call it after abort.
func (fs *fileSet) removeNewDirs() (err error) {
	if fs.root == "" || len(fs.created) == 0 {
		return nil
	}
	unlock, err := lake.Lock(fs.root, true)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, unlock()) }()
	for _, dir := range slices.Backward(fs.created) { // children first
		if err := os.Remove(dir); err != nil && !errors.Is(err, os.ErrNotExist) && !isNotEmpty(err) {
			return fmt.Errorf("ingest: remove empty directory %s: %w", dir, err)
		}
	}
	fs.created = nil
	return nil
}

// isNotEmpty reports whether err is rmdir's refusal of a directory that holds entries.
func isNotEmpty(err error) bool {
	return errors.Is(err, syscall.ENOTEMPTY) || errors.Is(err, syscall.EEXIST)
}

// writeParquet writes rows to a temporary file in dir that becomes name on publish.
func writeParquet[T any](fs *fileSet, dir, name string, rows []T) error {
	return writeParquetWith(fs, dir, name, func(w *parquet.GenericWriter[T]) error {
		_, err := w.Write(rows)
		return err
	})
}

// writeParquetWith is writeParquet for callers that stream their rows into w.
func writeParquetWith[T any](fs *fileSet, dir, name string, fill func(w *parquet.GenericWriter[T]) error) error {
	f, err := fs.createTemp(dir, name)
	if err != nil {
		return err
	}
	bw := writeBuffers.Get().(*bufio.Writer)
	bw.Reset(f)
	defer func() {
		bw.Reset(nil) // drop the file, and any unflushed bytes of a failed write
		writeBuffers.Put(bw)
	}()
	w := parquet.NewGenericWriter[T](bw, parquetOptions()...)
	err = fill(w)
	if err == nil {
		err = w.Close()
	}
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Seal()
	}
	if err != nil {
		// Closed and removed now; the set's abort has nothing left to do for it.
		return errors.Join(fmt.Errorf("ingest: write %s: %w", f.Name(), err), f.Cleanup())
	}
	return nil
}

// createTemp creates the temporary file that becomes dir/name on publish.
// In a lake, it is created and held under the shared lock, so that a sweep
// (which runs under the exclusive lock) never takes it for the leftover of
// a process that died.
//
// The directory is made under that lock too, so that removeNewDirs (under
// the exclusive lock) never removes it between its making and the file's.
func (fs *fileSet) createTemp(dir, name string) (_ *atomicfile.File, err error) {
	if fs.root != "" {
		unlock, err := lake.Lock(fs.root, false)
		if err != nil {
			return nil, err
		}
		defer func() { err = errors.Join(err, unlock()) }()
	}
	if err := fs.ensureDir(dir); err != nil {
		return nil, err
	}
	f, err := atomicfile.Create(filepath.Join(dir, name), atomicfile.Options{Pattern: tempPattern(name), Perm: lake.FilePerm})
	if err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	fs.files = append(fs.files, f)
	if fs.root != "" {
		release, err := lake.HoldTemp(f.Name())
		if err != nil {
			return nil, err // abort removes f
		}
		fs.release = append(fs.release, release)
	}
	return f, nil
}

// letGo releases the holds on the batch's files, once they are published or removed.
func (fs *fileSet) letGo() error {
	var errs []error
	for _, release := range fs.release {
		errs = append(errs, release())
	}
	fs.release = nil
	return errors.Join(errs...)
}

// publish renames every temporary file to its final name and fsyncs the
// directories, after which the files survive a crash.
func (fs *fileSet) publish() (err error) {
	if fs.root != "" {
		// Shared: many writers may publish at once, but never while compact
		// swaps a date directory, which would strand the new file in the old one.
		unlock, err := lake.Lock(fs.root, false)
		if err != nil {
			return err
		}
		defer func() { err = errors.Join(err, unlock()) }()
	}
	for _, f := range fs.files {
		if err := f.Rename(); err != nil {
			return fmt.Errorf("ingest: publish %s: %w", f.Path(), err)
		}
	}
	fs.files = nil
	if err := fs.letGo(); err != nil {
		return fmt.Errorf("ingest: release published files: %w", err)
	}
	for dir := range fs.dirs {
		if err := atomicfile.SyncDir(dir); err != nil {
			return fmt.Errorf("ingest: %w", err)
		}
	}
	return nil
}

// abort removes the temporary files of a batch that will not be published.
func (fs *fileSet) abort() error {
	var errs []error
	for _, f := range fs.files {
		if err := f.Cleanup(); err != nil {
			errs = append(errs, fmt.Errorf("ingest: remove temporary file: %w", err))
		}
	}
	fs.files = nil
	return errors.Join(append(errs, fs.letGo())...)
}

// writeTempFile writes data to a temporary file in dir, synced, that
// becomes name when fs is published.
func writeTempFile(fs *fileSet, dir, name string, data []byte) error {
	f, err := fs.createTemp(dir, name)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Seal()
	}
	if err != nil {
		// Closed and removed now; the set's abort has nothing left to do for it.
		return errors.Join(fmt.Errorf("ingest: write %s: %w", f.Name(), err), f.Cleanup())
	}
	return nil
}

// writeFileAtomic replaces path with data so that a reader or a crash sees
// either the old content or the new one, never a mix.
func writeFileAtomic(path string, data []byte) error {
	var fs fileSet
	err := writeTempFile(&fs, filepath.Dir(path), filepath.Base(path), data)
	if err == nil {
		err = fs.publish()
	}
	if err != nil {
		return errors.Join(fmt.Errorf("ingest: write %s: %w", path, err), fs.abort())
	}
	return nil
}
