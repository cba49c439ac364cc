package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/lake"
)

const secondsPerDay = 24 * 60 * 60

// batch accumulates the decoded rows and dead letters of a contiguous range
// of one source (a Kafka partition, or lines of an import input) until it is
// flushed as one set of files sharing one name.
type batch struct {
	source    string
	partition int32 // -1 for imports
	epoch     int   // the partition's reset count (Kafka batches only), part of file names
	first     int64 // first offset or line in the batch
	last      int64
	// after is the lake checkpoint this batch continues (Kafka batches
	// only): publishing it is valid only while the checkpoint still says so.
	after    int64
	messages int   // rows + dead letters + skipped blank lines
	bytes    int64 // raw input bytes, for the flush-by-size rule
	started  time.Time
	rows     []lake.Row
	dead     []lake.DeadLetter
	// gaps are ranges of offsets (Kafka batches only) that were deleted
	// before they were read; they are recorded with the batch.
	gaps    []lake.OffsetGap
	reasons map[event.Reason]int64
}

func newBatch(source string, partition int32) *batch {
	return &batch{source: source, partition: partition, reasons: make(map[event.Reason]int64)}
}

func (b *batch) empty() bool { return b.messages == 0 && len(b.gaps) == 0 }

// note extends the batch's range to pos without adding a row; imports use
// it for blank lines so that file names still cover every line read.
func (b *batch) note(pos int64, size int, now time.Time) {
	if b.empty() {
		b.first, b.started = pos, now
	}
	b.last = pos
	b.messages++
	b.bytes += int64(size)
}

// addGap records that offsets from..to of the batch's partition were
// deleted before they were read.
func (b *batch) addGap(from, to int64, now time.Time) {
	if b.empty() {
		b.first, b.started = from, now
	}
	b.last = to
	b.gaps = append(b.gaps, lake.OffsetGap{Topic: b.source, Partition: b.partition, From: from, To: to, DetectedAt: now.UTC(), Epoch: b.epoch})
}

// skipTo extends a non-empty batch over offsets up to next (exclusive) that
// held nothing to keep (transaction markers, aborted records), so that its
// checkpoint lands past them; an empty batch has no checkpoint to move.
func (b *batch) skipTo(next int64) {
	if !b.empty() && next-1 > b.last {
		b.last = next - 1
	}
}

// add decodes raw and keeps it as a row, or as a dead letter with its reason.
func (b *batch) add(raw, key []byte, pos int64, now time.Time) {
	b.note(pos, len(raw), now)
	ev, err := event.Decode(raw)
	if err == nil {
		var row lake.Row
		row, err = lake.FromEvent(&ev, b.source, b.partition, pos, now)
		if err == nil {
			b.rows = append(b.rows, row)
			return
		}
	}
	b.addDead(raw, int64(len(raw)), event.ScanIDs(raw), key, pos, now, err)
}

// addDead keeps a rejected input, with the IDs read from all of it. raw
// may be a prefix of an input of size bytes; it is copied, cut at
// event.MaxEventBytes, because callers reuse buffers.
func (b *batch) addDead(raw []byte, size int64, ids event.IDs, key []byte, pos int64, now time.Time, cause error) {
	inv := &event.InvalidError{Reason: event.ReasonMalformed, Detail: cause.Error()}
	errors.As(cause, &inv)
	if len(raw) > event.MaxEventBytes {
		raw = raw[:event.MaxEventBytes]
	}
	d := lake.DeadLetter{
		Source:     b.source,
		Partition:  b.partition,
		Offset:     pos,
		Raw:        bytes.Clone(raw),
		RawSize:    size,
		Reason:     string(inv.Reason),
		Detail:     inv.Detail,
		ReceivedAt: now.UTC(),
		// Read from all of raw, not only the part kept.
		ConversationID: &ids.ConversationID,
		ActorID:        &ids.ActorID,
	}
	if key != nil { // a record without a key: NULL, not an empty key
		k := bytes.Clone(key)
		d.Key = &k
	}
	if f := inv.Field; f != "" { // a whole-event problem: NULL
		d.Field = &f
	}
	b.dead = append(b.dead, d)
	b.reasons[inv.Reason]++
}

// limits bound one batch: whichever is reached first flushes it.
type limits struct {
	rows  int
	bytes int64
	age   time.Duration
}

// due reports whether the batch should be flushed under lim. A batch with
// a gap is due at once: the loss is recorded (and logged) without delay.
func (b *batch) due(lim limits, now time.Time) bool {
	if b.empty() {
		return false
	}
	return len(b.gaps) > 0 || len(b.rows)+len(b.dead) >= lim.rows || b.bytes >= lim.bytes || now.Sub(b.started) >= lim.age
}

func (b *batch) fileName() string {
	if b.partition < 0 {
		// An import's files are named after the hash of its whole input,
		// known after its last line (importer.publish); until then only
		// their temporary names show this one.
		return fmt.Sprintf("%s-%d-%d%s", b.source, b.first, b.last, lake.ParquetExt)
	}
	return lake.KafkaFileName(b.source, b.partition, b.epoch, b.first, b.last)
}

// writeTemp writes the batch's files (one per event date, one per
// dead-letter date) under temporary names into fs, which publishes them,
// and returns how many it wrote.
func (b *batch) writeTemp(root string, fs *fileSet) (int, error) {
	name := b.fileName()
	day := func(t time.Time) int64 { return t.Unix() / secondsPerDay }
	// A stable sort keeps source order within each day, so the file needs no
	// extra copy of the rows and readers see events in offset order.
	slices.SortStableFunc(b.rows, func(x, y lake.Row) int { return int(day(x.OccurredAt) - day(y.OccurredAt)) })
	files := 0
	for rows := b.rows; len(rows) > 0; {
		d := day(rows[0].OccurredAt)
		n := 1
		for n < len(rows) && day(rows[n].OccurredAt) == d {
			n++
		}
		if err := writeParquet(fs, lake.PartitionDir(root, rows[0].OccurredAt), name, rows[:n]); err != nil {
			return 0, err
		}
		files++
		rows = rows[n:]
	}
	// Dead letters have no trustworthy event date, so they are filed under
	// the date they were received; the whole batch shares one.
	if len(b.dead) > 0 {
		if err := writeParquet(fs, lake.DeadLetterPartitionDir(root, b.dead[0].ReceivedAt), name, b.dead); err != nil {
			return 0, err
		}
		files++
	}
	for _, g := range b.gaps {
		raw, err := json.Marshal(g)
		if err != nil {
			return 0, fmt.Errorf("ingest: encode gap record: %w", err)
		}
		if err := writeTempFile(fs, lake.GapDir(root, g.Topic), lake.GapFileName(g), append(raw, '\n')); err != nil {
			return 0, err
		}
	}
	return files, nil
}

// reset empties the batch for reuse, keeping its buffers.
func (b *batch) reset() {
	clear(b.rows) // drop references to message texts so they can be collected
	b.rows = b.rows[:0]
	clear(b.dead)
	b.dead = b.dead[:0]
	b.gaps = b.gaps[:0]
	clear(b.reasons)
	b.messages, b.bytes = 0, 0
}

// Stats counts what a run read and wrote.
type Stats struct {
	// Events is the number of valid events written to the lake.
	Events int64
	// DeadLetters is the number of inputs rejected into the dead-letter store.
	DeadLetters int64
	// Files is the number of Parquet files published (events and dead letters).
	Files int64
	// Bytes is the raw input size read.
	Bytes int64
	// Reasons counts dead letters by rejection reason.
	Reasons map[event.Reason]int64
	// Gaps and GapOffsets count the ranges of Kafka offsets found deleted
	// before they were read, and the offsets in them.
	Gaps, GapOffsets int64
	// Elapsed is the wall time of the run.
	Elapsed time.Duration
}

// add folds a flushed batch into the totals.
func (s *Stats) add(b *batch, files int) {
	s.Events += int64(len(b.rows))
	s.DeadLetters += int64(len(b.dead))
	s.Files += int64(files)
	s.Bytes += b.bytes
	for _, g := range b.gaps {
		s.Gaps++
		s.GapOffsets += g.Messages()
	}
	if s.Reasons == nil {
		s.Reasons = make(map[event.Reason]int64)
	}
	for r, n := range b.reasons {
		s.Reasons[r] += n
	}
}

// merge adds other's totals to s.
func (s *Stats) merge(other Stats) {
	s.Events += other.Events
	s.DeadLetters += other.DeadLetters
	s.Files += other.Files
	s.Bytes += other.Bytes
	s.Gaps += other.Gaps
	s.GapOffsets += other.GapOffsets
	if s.Reasons == nil {
		s.Reasons = make(map[event.Reason]int64)
	}
	for r, n := range other.Reasons {
		s.Reasons[r] += n
	}
}

// String is a one-line summary for logs and the CLI.
func (s Stats) String() string {
	line := fmt.Sprintf("%d events, %d dead letters, %d files, %.1f MB in %s", s.Events, s.DeadLetters, s.Files, float64(s.Bytes)/1e6, s.Elapsed.Round(time.Millisecond))
	if s.Gaps > 0 {
		line += fmt.Sprintf("; %d OFFSET GAPS: %d offsets were deleted from Kafka before they were read (recorded in %s/)", s.Gaps, s.GapOffsets, lake.GapsDir)
	}
	return line
}
