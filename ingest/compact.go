package ingest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/parquet-go/parquet-go"

	"github.com/parley-cx/parley/internal/atomicfile"
	"github.com/parley-cx/parley/internal/fielderr"
	"github.com/parley-cx/parley/internal/lake"
	"github.com/parley-cx/parley/internal/objstore"
)

// DefaultSmallFileBytes is the size under which compact considers a file small.
const DefaultSmallFileBytes = 64 << 20

// CompactConfig configures Compact.
type CompactConfig struct {
	// Lake is the lake root: a directory, or s3://bucket/prefix.
	Lake string
	// S3 says how to reach the bucket of an s3:// Lake.
	S3 objstore.Options
	// SmallFileBytes: files below it are merged (default DefaultSmallFileBytes).
	SmallFileBytes int64
	// DryRun reports what would be merged without changing anything.
	DryRun bool
	// Log receives one line per merge; nil discards them.
	Log *slog.Logger
}

// Validate checks the configuration and returns every problem, each naming its field.
func (c *CompactConfig) Validate() error {
	var errs []error
	if c.Lake == "" {
		errs = append(errs, fielderr.New("lake", "required"))
	}
	if c.SmallFileBytes < 0 {
		errs = append(errs, fielderr.New("small_file_bytes", "must not be negative"))
	}
	return errors.Join(errs...)
}

// CompactStats counts what Compact did.
type CompactStats struct {
	// Partitions is the number of date partitions rewritten.
	Partitions int
	// FilesBefore were merged into FilesAfter.
	FilesBefore, FilesAfter int
	// Rows is the number of rows rewritten.
	Rows int64
}

// kafkaFile is a complete events file of a Kafka partition.
type kafkaFile struct {
	name        string
	topic       string
	partition   int32
	epoch       int
	first, last int64
	size        int64
}

// parseAnyKafkaName splits <topic>-<partition>-<first>-<last>[.r<epoch>].parquet
// from the right. Import files are left alone, since their input's record in
// _imports/ lists them by name: <source>-<hash>-<first>-<last> has a
// 16-digit hash where the partition goes, which is never how a partition
// number is written (ParseKafkaFileName compares the decimal form), and
// files imported before names carried a hash, <source>-<first>-<last>
// with a source without dashes, have one numeric field too few.
func parseAnyKafkaName(name string) (kafkaFile, bool) {
	base, ok := strings.CutSuffix(name, lake.ParquetExt)
	if !ok || strings.HasPrefix(name, lake.TempPrefix) {
		return kafkaFile{}, false
	}
	f := strings.Split(base, "-")
	if len(f) < 4 {
		return kafkaFile{}, false
	}
	p, err := strconv.ParseInt(f[len(f)-3], 10, 32)
	if err != nil {
		return kafkaFile{}, false
	}
	topic := strings.Join(f[:len(f)-3], "-")
	first, last, epoch, ok := lake.ParseKafkaFileName(name, topic, int32(p))
	if !ok {
		return kafkaFile{}, false
	}
	return kafkaFile{name: name, topic: topic, partition: int32(p), epoch: epoch, first: first, last: last}, true
}

// Compact merges, in every date partition of the events, the small files of
// each Kafka partition into one file named after the offsets it covers. Only
// files below the partition's checkpoint are merged, so resumption and
// recovery are unaffected. Each date directory is swapped in one atomic
// rename: a reader sees the files before or after, never both or neither.
//
// One compact runs at a time (the lake's compaction lock). It first removes
// what interrupted lake commands left behind (lake.Sweep), staging
// directories of an earlier compact included.
func Compact(ctx context.Context, cfg CompactConfig) (CompactStats, error) {
	var st CompactStats
	if err := cfg.Validate(); err != nil {
		return st, fmt.Errorf("ingest: compact config: %w", err)
	}
	if cfg.SmallFileBytes == 0 {
		cfg.SmallFileBytes = DefaultSmallFileBytes
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if objstore.IsURL(cfg.Lake) {
		return compactBucket(ctx, cfg, log)
	}
	if _, err := os.Stat(cfg.Lake); errors.Is(err, os.ErrNotExist) {
		return st, nil // no lake, nothing to compact
	}
	if !cfg.DryRun {
		// Held until every staging directory of this run is gone, so that a
		// sweep by another command can tell them from a dead compact's. The
		// sweep comes first, under the exclusive lake lock: a sweep running
		// meanwhile elsewhere therefore finishes before this run stages anything.
		unlock, err := lake.LockCompact(cfg.Lake)
		if err != nil {
			return st, fmt.Errorf("ingest: compact: %w", err)
		}
		defer unlock() //nolint:errcheck // closing the lock file releases the lock either way
		sweepLake(cfg.Lake, true, log)
	}
	days, err := filepath.Glob(filepath.Join(cfg.Lake, lake.EventsDir, "date=*"))
	if err != nil {
		return st, fmt.Errorf("ingest: compact: list partitions: %w", err)
	}
	checkpoints := make(map[string]checkpoint)
	for _, day := range days {
		if err := ctx.Err(); err != nil {
			return st, fmt.Errorf("ingest: compact: %w", err)
		}
		groups, err := mergeGroups(cfg, day, checkpoints)
		if err != nil {
			return st, err
		}
		if len(groups) == 0 {
			continue
		}
		for _, g := range groups {
			log.Info("merge", "partition_dir", filepath.Base(day), "files", len(g), "into", mergedName(g), "dry_run", cfg.DryRun)
			st.FilesBefore += len(g)
			st.FilesAfter++
		}
		st.Partitions++
		if cfg.DryRun {
			continue
		}
		rows, err := compactDay(ctx, cfg.Lake, day, groups)
		if err != nil {
			return st, err
		}
		st.Rows += rows
	}
	return st, nil
}

// mergeGroups picks, per Kafka partition, the committed small files of one
// date directory; groups of fewer than two files are left as they are.
func mergeGroups(cfg CompactConfig, day string, checkpoints map[string]checkpoint) ([][]kafkaFile, error) {
	entries, err := os.ReadDir(day)
	if err != nil {
		return nil, fmt.Errorf("ingest: compact: list %s: %w", day, err)
	}
	var files []kafkaFile
	for _, e := range entries {
		f, ok := parseAnyKafkaName(e.Name())
		if !ok {
			continue
		}
		info, err := e.Info()
		if err != nil {
			return nil, fmt.Errorf("ingest: compact: stat %s: %w", e.Name(), err)
		}
		f.size = info.Size()
		files = append(files, f)
	}
	return selectGroups(files, cfg.SmallFileBytes, checkpoints, func(topic string, partition int32) (checkpoint, bool, error) {
		return readCheckpoint(cfg.Lake, topic, partition)
	})
}

// selectGroups groups the small committed files of one date partition by
// Kafka partition and epoch, in offset order; groups of fewer than two
// files are left out. Checkpoints are read through read, once each.
func selectGroups(files []kafkaFile, small int64, checkpoints map[string]checkpoint, read func(string, int32) (checkpoint, bool, error)) ([][]kafkaFile, error) {
	byPart := make(map[string][]kafkaFile)
	for _, f := range files {
		if f.size >= small {
			continue
		}
		cpKey := f.topic + "/" + strconv.Itoa(int(f.partition))
		cp, seen := checkpoints[cpKey]
		if !seen {
			var ok bool
			var err error
			if cp, ok, err = read(f.topic, f.partition); err != nil {
				return nil, err
			}
			if !ok {
				cp.NextOffset = -1
			}
			if cp.Pending != nil {
				// A batch still being copied into place (in a bucket) is
				// left alone until its checkpoint settles.
				cp.NextOffset = cp.Pending.First
			}
			checkpoints[cpKey] = cp
		}
		// A file at or past the checkpoint may belong to a batch still being
		// published; recovery would delete it, so it must stay separate.
		// Files of an earlier epoch were all complete before the reset.
		if f.epoch < cp.Epoch || (f.epoch == cp.Epoch && f.last < cp.NextOffset) {
			key := cpKey + "/" + strconv.Itoa(f.epoch)
			byPart[key] = append(byPart[key], f)
		}
	}
	var groups [][]kafkaFile
	for _, key := range slices.Sorted(maps.Keys(byPart)) {
		g := byPart[key]
		if len(g) < 2 {
			continue
		}
		slices.SortFunc(g, func(a, b kafkaFile) int { return cmp.Compare(a.first, b.first) })
		groups = append(groups, g)
	}
	return groups, nil
}

func mergedName(g []kafkaFile) string {
	return lake.KafkaFileName(g[0].topic, g[0].partition, g[0].epoch, g[0].first, g[len(g)-1].last)
}

// testHookAfterSwap, when set by a test, runs right after a date directory
// is swapped: the moment a crash leaves the old files in the staging directory.
var testHookAfterSwap func()

// compactDay builds the compacted copy of day in a staging directory (merged
// files, plus hard links to every other file) and exchanges the two
// directories in one rename. The caller holds the compaction lock.
func compactDay(ctx context.Context, root, day string, groups [][]kafkaFile) (int64, error) {
	stage, err := os.MkdirTemp(filepath.Dir(day), lake.StagePrefix+strings.TrimPrefix(filepath.Base(day), "date=")+"-")
	if err != nil {
		return 0, fmt.Errorf("ingest: compact: create staging directory: %w", err)
	}
	defer os.RemoveAll(stage) // on failure; after a swap it is removed under the lock
	var rows int64
	// merged records each input as it was read, to check under the lock
	// that it is still the same file (erase replaces files under their names).
	merged := make(map[string]os.FileInfo)
	for _, g := range groups {
		fs := fileSet{}
		n, err := mergeFiles(ctx, &fs, day, stage, g, merged)
		if err == nil {
			err = fs.publish()
		}
		if err != nil {
			return rows, errors.Join(err, fs.abort())
		}
		rows += n
	}

	unlock, err := lake.Lock(root, true)
	if err != nil {
		return rows, err
	}
	defer unlock() //nolint:errcheck // closing a lock file we only read; the lock is released either way
	// Under the lock nothing is published, so this listing is final: link in
	// whatever arrived while merging, and check the inputs are still there.
	entries, err := os.ReadDir(day)
	if err != nil {
		return rows, fmt.Errorf("ingest: compact: list %s: %w", day, err)
	}
	present := 0
	for _, e := range entries {
		if read, ok := merged[e.Name()]; ok {
			now, err := e.Info()
			if err != nil {
				return rows, fmt.Errorf("ingest: compact: stat %s: %w", e.Name(), err)
			}
			// A file rewritten since it was read (erase) would bring back
			// what the rewrite removed.
			if os.SameFile(read, now) && read.ModTime().Equal(now.ModTime()) && read.Size() == now.Size() {
				present++
			}
			continue
		}
		if err := os.Link(filepath.Join(day, e.Name()), filepath.Join(stage, e.Name())); err != nil {
			return rows, fmt.Errorf("ingest: compact: link %s into staging: %w", e.Name(), err)
		}
	}
	if present != len(merged) {
		return rows, fmt.Errorf("ingest: compact: files of %s were rewritten or removed while merging (erase or retention ran); nothing swapped, run compact again", day)
	}
	if err := atomicfile.SyncDir(stage); err != nil {
		return rows, fmt.Errorf("ingest: compact: %w", err)
	}
	if err := lake.SwapDirs(day, stage); err != nil {
		return rows, fmt.Errorf("ingest: compact: %w", err)
	}
	if testHookAfterSwap != nil {
		testHookAfterSwap()
	}
	if err := atomicfile.SyncDir(filepath.Dir(day)); err != nil {
		return rows, fmt.Errorf("ingest: compact: %w", err)
	}
	// The old files go before the lock is released, so no erase can run
	// while a copy of what it removes still sits in the lake.
	if err := os.RemoveAll(stage); err != nil {
		return rows, fmt.Errorf("ingest: compact: remove the replaced files of %s: %w", day, err)
	}
	return rows, nil
}

// mergeFiles copies the row groups of g, in offset order, into one file in
// stage, and records in read each input file as it was read.
func mergeFiles(ctx context.Context, fs *fileSet, day, stage string, g []kafkaFile, read map[string]os.FileInfo) (int64, error) {
	var rows int64
	err := writeParquetWith(fs, stage, mergedName(g), func(w *parquet.GenericWriter[lake.Row]) error {
		for _, f := range g {
			if err := ctx.Err(); err != nil {
				return err
			}
			n, info, err := copyRowGroups(w, filepath.Join(day, f.name))
			rows += n
			if err != nil {
				return err
			}
			read[f.name] = info
		}
		return nil
	})
	return rows, err
}

// copyRowGroups appends the rows of the file at path to w as Parquet rows,
// without decoding them into Go values (the schemas are the same). Rows, not
// row groups, are copied so that the merged file gets full-size row groups.
// It returns the file's identity as opened.
func copyRowGroups(w *parquet.GenericWriter[lake.Row], path string) (int64, os.FileInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, nil, fmt.Errorf("ingest: compact: open %s: %w", path, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return 0, nil, fmt.Errorf("ingest: compact: stat %s: %w", path, err)
	}
	pf, err := parquet.OpenFile(f, info.Size())
	if err != nil {
		return 0, nil, fmt.Errorf("ingest: compact: open Parquet %s: %w", path, err)
	}
	var total int64
	for _, rg := range pf.RowGroups() {
		rows := rg.Rows()
		n, err := parquet.CopyRows(w, rows)
		total += n
		if cerr := rows.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return total, nil, fmt.Errorf("ingest: compact: copy %s: %w", path, err)
		}
	}
	return total, info, nil
}

// String is a one-line summary for the CLI.
func (s CompactStats) String() string {
	return fmt.Sprintf("%d files merged into %d in %d date partitions (%d rows)", s.FilesBefore, s.FilesAfter, s.Partitions, s.Rows)
}
