package ingest

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/parley-cx/parley/internal/lake"
)

// LakeStatus is what a lake holds, as `parley lake status` shows it: read
// from the file names, the Parquet footers, the checkpoints, the dead
// letters' reasons and the gap records, without a warehouse.
type LakeStatus struct {
	// Partitions are the date directories of events/, oldest first.
	Partitions []DatePartition
	// Sources counts the events files of each source: a Kafka topic, or an
	// import's source name.
	Sources map[string]int
	// Checkpoints are the Kafka partitions' checkpoints, by topic and partition.
	Checkpoints []Checkpoint
	// DeadLetters counts the dead letters by reason; DeadLetterFiles is how
	// many files hold them.
	DeadLetters     map[string]int64
	DeadLetterFiles int
	// Gaps are the gap records (Kafka offsets deleted before ingest read
	// them), by topic, partition and offset.
	Gaps []lake.OffsetGap
	// TempFiles are the files still being written, or left by a crash
	// (named _tmp-…), under events/ and deadletter/.
	TempFiles int
	// ReviewFiles is how many files the QA reviews dataset holds.
	ReviewFiles int
	// Audit is the audit log's entries; Interrupted the runs (erase,
	// retention) that started and have no end line yet: killed part way,
	// until the next erase or retention records them.
	Audit       int
	LastAudit   *lake.AuditEntry
	Interrupted []lake.AuditEntry
}

// DatePartition is one events/date=YYYY-MM-DD directory.
type DatePartition struct {
	Date  string
	Files int
	Rows  int64
	Bytes int64
}

// Checkpoint is where ingest resumes one Kafka partition: every offset
// below NextOffset is in the lake; -1 means nothing is yet.
type Checkpoint struct {
	Topic      string
	Partition  int32
	NextOffset int64
	Epoch      int
	WrittenAt  time.Time
}

// Events is the number of rows in all events files.
func (s LakeStatus) Events() (rows int64, files int, bytes int64) {
	for _, p := range s.Partitions {
		rows, files, bytes = rows+p.Rows, files+p.Files, bytes+p.Bytes
	}
	return rows, files, bytes
}

// Status reads the state of the lake at root. A lake with no dead letters,
// no checkpoints (imports only) or no gap records is a normal lake: those
// parts are empty.
func Status(ctx context.Context, root string) (LakeStatus, error) {
	if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
		return LakeStatus{}, fmt.Errorf("ingest: lake status: %s is not a directory", root)
	}
	st := LakeStatus{Sources: map[string]int{}, DeadLetters: map[string]int64{}}
	if err := st.readEvents(ctx, root); err != nil {
		return st, err
	}
	if err := st.readDeadLetters(ctx, root); err != nil {
		return st, err
	}
	if err := st.readCheckpoints(root); err != nil {
		return st, err
	}
	if err := st.readGaps(root); err != nil {
		return st, err
	}
	reviews, err := filepath.Glob(lake.ReviewsGlob(root))
	if err != nil {
		return st, fmt.Errorf("ingest: lake status: %w", err)
	}
	st.ReviewFiles = len(reviews)
	return st, st.readAudit(root)
}

// readAudit counts the audit log's entries and finds the runs with a
// "started" line and no end line.
func (st *LakeStatus) readAudit(root string) error {
	entries, err := lake.ReadAudit(root)
	if err != nil {
		return fmt.Errorf("ingest: lake status: %w", err)
	}
	st.Audit = len(entries)
	if len(entries) > 0 {
		st.LastAudit = &entries[len(entries)-1]
	}
	open := map[string]int{}
	for i, e := range entries {
		switch {
		case e.Run == "":
		case e.Status == "started":
			open[e.Run] = i
		default:
			delete(open, e.Run)
		}
	}
	for _, i := range slices.Sorted(maps.Values(open)) {
		st.Interrupted = append(st.Interrupted, entries[i])
	}
	return nil
}

func (st *LakeStatus) readEvents(ctx context.Context, root string) error {
	days, err := filepath.Glob(filepath.Join(root, lake.EventsDir, "date=*"))
	if err != nil {
		return fmt.Errorf("ingest: lake status: %w", err)
	}
	for _, day := range days {
		if err := ctx.Err(); err != nil {
			return err
		}
		p := DatePartition{Date: strings.TrimPrefix(filepath.Base(day), "date=")}
		err := st.eachFile(day, func(path string, size int64) error {
			rows, err := parquetRows(path, size)
			if err != nil {
				return err
			}
			p.Files, p.Rows, p.Bytes = p.Files+1, p.Rows+rows, p.Bytes+size
			st.Sources[sourceOf(filepath.Base(path))]++
			return nil
		})
		if err != nil {
			return err
		}
		st.Partitions = append(st.Partitions, p)
	}
	return nil
}

// eachFile calls fn for every complete Parquet file in dir and counts its
// temporary files.
func (st *LakeStatus) eachFile(dir string, fn func(path string, size int64) error) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("ingest: lake status: %w", err)
	}
	for _, e := range entries {
		switch name := e.Name(); {
		case strings.HasPrefix(name, lake.TempPrefix):
			st.TempFiles++
		case strings.HasSuffix(name, lake.ParquetExt) && e.Type().IsRegular():
			info, err := e.Info()
			if err != nil {
				return fmt.Errorf("ingest: lake status: %w", err)
			}
			if err := fn(filepath.Join(dir, name), info.Size()); err != nil {
				return err
			}
		}
	}
	return nil
}

// sourceOf is the source an events file's name says: the topic of a Kafka
// file, else the import's source name (lake.ImportFileName).
func sourceOf(name string) string {
	if f, ok := parseAnyKafkaName(name); ok {
		return f.topic
	}
	base := strings.TrimSuffix(name, lake.ParquetExt)
	for range 3 { // <source>-<hash>-<firstLine>-<lastLine>
		if i := strings.LastIndexByte(base, '-'); i > 0 {
			base = base[:i]
		}
	}
	return "import " + base
}

func parquetRows(path string, size int64) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("ingest: lake status: %w", err)
	}
	defer f.Close()
	pf, err := parquet.OpenFile(f, size, parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		return 0, fmt.Errorf("ingest: lake status: read %s: %w", path, err)
	}
	return pf.NumRows(), nil
}

// deadLetterReason is the one column of lake.DeadLetter that status reads.
type deadLetterReason struct {
	Reason string `parquet:"reason"`
}

func (st *LakeStatus) readDeadLetters(ctx context.Context, root string) error {
	days, err := filepath.Glob(filepath.Join(root, lake.DeadLetterDir, "date=*"))
	if err != nil {
		return fmt.Errorf("ingest: lake status: %w", err)
	}
	for _, day := range days {
		if err := ctx.Err(); err != nil {
			return err
		}
		err := st.eachFile(day, func(path string, _ int64) error {
			st.DeadLetterFiles++
			return countReasons(path, st.DeadLetters)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// countReasons adds the dead letters of the file at path to counts, by reason.
func countReasons(path string, counts map[string]int64) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("ingest: lake status: %w", err)
	}
	defer f.Close()
	r := parquet.NewGenericReader[deadLetterReason](f)
	defer r.Close()
	buf := make([]deadLetterReason, 1024)
	for {
		n, err := r.Read(buf)
		for _, d := range buf[:n] {
			counts[d.Reason]++
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("ingest: lake status: read %s: %w", path, err)
		}
	}
}

func (st *LakeStatus) readCheckpoints(root string) error {
	paths, err := filepath.Glob(filepath.Join(root, lake.OffsetsDir, "*", "*.json"))
	if err != nil {
		return fmt.Errorf("ingest: lake status: %w", err)
	}
	for _, path := range paths {
		topic := filepath.Base(filepath.Dir(path))
		p, err := strconv.ParseInt(strings.TrimSuffix(filepath.Base(path), ".json"), 10, 32)
		if err != nil {
			continue // not a checkpoint: they are named <partition>.json
		}
		cp, ok, err := readCheckpoint(root, topic, int32(p))
		if err != nil {
			return err
		}
		if ok {
			st.Checkpoints = append(st.Checkpoints, Checkpoint{Topic: cp.Topic, Partition: cp.Partition, NextOffset: cp.NextOffset, Epoch: cp.Epoch, WrittenAt: cp.WrittenAt})
		}
	}
	slices.SortFunc(st.Checkpoints, func(a, b Checkpoint) int {
		return cmp.Or(cmp.Compare(a.Topic, b.Topic), cmp.Compare(a.Partition, b.Partition))
	})
	return nil
}

func (st *LakeStatus) readGaps(root string) error {
	paths, err := filepath.Glob(lake.GapsGlob(root))
	if err != nil {
		return fmt.Errorf("ingest: lake status: %w", err)
	}
	for _, path := range paths {
		raw, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("ingest: lake status: %w", err)
		}
		var g lake.OffsetGap
		if err := json.Unmarshal(raw, &g); err != nil {
			return fmt.Errorf("ingest: lake status: gap record %s: %w", path, err)
		}
		st.Gaps = append(st.Gaps, g)
	}
	slices.SortFunc(st.Gaps, func(a, b lake.OffsetGap) int {
		return cmp.Or(cmp.Compare(a.Topic, b.Topic), cmp.Compare(a.Partition, b.Partition), cmp.Compare(a.Epoch, b.Epoch), cmp.Compare(a.From, b.From))
	})
	return nil
}

// Reasons are the dead letters' reasons, the most frequent first.
func (s LakeStatus) Reasons() []string {
	reasons := slices.Sorted(maps.Keys(s.DeadLetters))
	slices.SortStableFunc(reasons, func(a, b string) int { return cmp.Compare(s.DeadLetters[b], s.DeadLetters[a]) })
	return reasons
}
