package ingest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/parley-cx/parley/importers"
	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/fielderr"
	"github.com/parley-cx/parley/internal/lake"
	"github.com/parley-cx/parley/internal/objstore"
)

// Import chunking is fixed rather than configurable so that the same input
// always gives the same files: an import interrupted while publishing is
// recognised and completed by the next one.
const (
	importChunkLines = 100_000
	importChunkBytes = 64 << 20
)

// An input is refused early, after refuseAfter records, when none of them
// was valid and its first line (among its first sniffBytes) looks like
// another layout than the one it is read as: a file given the wrong
// --format is rejected line after line, and since an input with no valid
// record is refused whole (NothingImportedError), reading on would only
// take time, for gigabytes perhaps.
const (
	refuseAfter = 1000
	sniffBytes  = 64 << 10
)

// ImportConfig configures Import.
type ImportConfig struct {
	// Lake is the lake root: a directory, or s3://bucket/prefix.
	Lake string
	// S3 says how to reach the bucket of an s3:// Lake.
	S3 objstore.Options
	// Inputs are JSON-lines files; "-" reads Stdin.
	Inputs []string
	// Stdin is read for "-"; nil means os.Stdin.
	Stdin io.Reader
	// Format reads inputs in another layout than JSON lines (a CSV export
	// with a mapping, the Twitter support data); nil reads JSON lines.
	Format importers.Format
	// Log receives progress; nil discards it.
	Log *slog.Logger
}

// Validate checks the configuration and returns every problem, each naming its field.
func (c *ImportConfig) Validate() error {
	var errs []error
	if c.Lake == "" {
		errs = append(errs, fielderr.New("lake", "required"))
	}
	if len(c.Inputs) == 0 {
		errs = append(errs, fielderr.New("inputs", "at least one file (or - for stdin) required"))
	}
	return errors.Join(errs...)
}

// SourceName is the name an import input gets in the lake (the source column
// and the file names): the base name without extensions, reduced to
// [A-Za-z0-9_.]. Dashes become underscores so that an import file can never
// be mistaken for a Kafka partition's file.
func SourceName(input string) string {
	if input == "-" {
		return "stdin"
	}
	base := filepath.Base(input)
	if i := strings.IndexByte(base, '.'); i > 0 {
		base = base[:i]
	}
	name := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_':
			return r
		}
		return '_'
	}, base)
	if name == "" {
		return "import"
	}
	return name
}

// ImportStats counts what an import read and wrote.
type ImportStats struct {
	Stats
	// Read is the number of input records (JSON lines or CSV rows, header and
	// blank lines excluded): Events + DeadLetters + Skipped.
	Read int64
	// Skipped counts rows a mapping deliberately leaves out (type "skip").
	Skipped int64
	// AlreadyImported counts the inputs the lake held already (same source
	// name, same bytes, same format): nothing of them was written, and
	// nothing of them is counted above.
	AlreadyImported int64
	// Dropped counts those of AlreadyImported whose every date partition
	// is gone from the lake since (parley retention dropped them): their
	// record still keeps them from being imported again.
	Dropped int64
	// Refused counts the inputs in which no record was valid (see
	// NothingImportedError): nothing of them was written, and nothing of
	// them is counted above.
	Refused int64
}

// String is a one-line summary for logs and the CLI.
func (s ImportStats) String() string {
	var out string
	switch {
	case s.Read == 0 && s.Files == 0 && s.AlreadyImported+s.Refused != 0:
		// Every input was refused or in the lake already: "0 read: 0
		// events, …" would say their records were not read.
		out = "nothing"
	case s.Skipped != 0:
		out = fmt.Sprintf("%d read, %d skipped by the mapping: %s", s.Read, s.Skipped, s.Stats)
	default:
		out = fmt.Sprintf("%d read: %s", s.Read, s.Stats)
	}
	if n := s.AlreadyImported - s.Dropped; n != 0 {
		out += fmt.Sprintf("; %d input(s) already in the lake, not imported again", n)
	}
	if s.Dropped != 0 {
		out += fmt.Sprintf("; %d input(s) imported before and since dropped by retention, not imported again (their records in %s/ keep them out)", s.Dropped, lake.ImportsDir)
	}
	if s.Refused != 0 {
		out += fmt.Sprintf("; %d input(s) REFUSED, nothing of them imported: no record in them was valid", s.Refused)
	}
	return out
}

func (s *ImportStats) merge(other ImportStats) {
	s.Stats.merge(other.Stats)
	s.Read += other.Read
	s.Skipped += other.Skipped
	s.AlreadyImported += other.AlreadyImported
	s.Dropped += other.Dropped
	s.Refused += other.Refused
}

// NothingImportedError is Import's error for an input in which no record
// was valid. Nothing of such an input is written, neither events nor dead
// letters: most often it was read in the wrong layout (--format), and
// thousands of dead letters would be noise to clean up, while the input
// itself is still where it was. Import goes on with its other inputs and
// returns these errors at the end.
type NothingImportedError struct {
	// Input is the path given to import ("-" for stdin).
	Input string
	// Read counts the records read, Rejected those of them rejected (the
	// rest were rows a mapping skips), by reason in Reasons.
	Read, Rejected int64
	Reasons        map[event.Reason]int64
	// FirstLine is the line of the first rejected record, FirstReason and
	// FirstDetail why it was rejected, FirstField the field at fault ("" for
	// a whole-record problem such as malformed JSON).
	FirstLine   int64
	FirstReason event.Reason
	FirstField  string
	FirstDetail string
	// Stopped is set when reading stopped after the first records because
	// the input looks like another layout (so Read is less than the input holds).
	Stopped bool
	// Format is the layout the input was read as, LooksLike the layout its
	// first line suggests (importers.Sniff; "" for no guess).
	Format, LooksLike string
}

func (e *NothingImportedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "import %s: NOTHING IMPORTED (no events, no dead letters written): ", e.Input)
	if e.Stopped {
		fmt.Fprintf(&b, "none of its first %d records was valid, so reading stopped there", e.Read)
	} else {
		fmt.Fprintf(&b, "none of its %d records was valid", e.Read)
	}
	reasons := make([]string, 0, len(e.Reasons))
	for _, r := range slices.Sorted(maps.Keys(e.Reasons)) {
		reasons = append(reasons, fmt.Sprintf("%s: %d", r, e.Reasons[r]))
	}
	fmt.Fprintf(&b, " (%d rejected, %s", e.Rejected, strings.Join(reasons, ", "))
	if skipped := e.Read - e.Rejected; skipped > 0 {
		fmt.Fprintf(&b, "; %d skipped by the mapping", skipped)
	}
	detail := e.FirstDetail
	if r := []rune(detail); len(r) > 200 {
		detail = string(r[:200]) + "…"
	}
	fmt.Fprintf(&b, "); the first, line %d: %s: ", e.FirstLine, e.FirstReason)
	if e.FirstField != "" {
		// Without it "required (empty or only white space)" does not say what is.
		fmt.Fprintf(&b, "%s: ", e.FirstField)
	}
	b.WriteString(detail)
	if hint := formatHint(e.Format, e.LooksLike); hint != "" {
		b.WriteString("; " + hint)
	}
	return b.String()
}

// formatHint says what to do about an input read as format that looks like
// another layout; "" when it does not, or nothing is known.
func formatHint(format, looks string) string {
	if format == "" || looks == format {
		return ""
	}
	switch looks {
	case importers.LayoutTWCS:
		return "this looks like the Twitter support data (its header has the TWCS columns): did you mean --format twcs?"
	case importers.LayoutCSV:
		return "this looks like CSV: did you mean --format csv (with --mapping) or --format twcs?"
	case importers.LayoutJSONLines:
		return "this looks like JSON lines: did you mean --format jsonl (the default)?"
	case importers.LayoutJSONDocument:
		return "this looks like one JSON document, not one event per line: write one event per line (for a JSON array: jq -c '.[]') and import that"
	}
	return ""
}

// layoutOf names the layout a Format reads, in importers.Sniff's terms;
// "" for a Format this package does not know.
func layoutOf(f importers.Format) string {
	switch f.(type) {
	case nil:
		return importers.LayoutJSONLines
	case importers.TWCS, *importers.TWCS:
		return importers.LayoutTWCS
	case *importers.Mapping:
		return importers.LayoutCSV
	}
	return ""
}

// Import reads JSON lines of contract v1 (or, with a Format, another layout
// mapped to it) and writes them to the lake through the same validation and
// writer as Run. Line numbers (from 1) take the place of offsets. Like Run,
// it starts by removing what interrupted lake commands left behind
// (lake.Sweep).
//
// Each input is published whole or not at all: its files are written under
// temporary names and renamed into place after its last line, named after
// the input's hash (lake.ImportFileName), and a record of the input is
// written to lake.ImportsDir after them. An input whose record exists is
// not imported again, so repeating an import adds nothing and leaves the
// earlier files, and their ingested_at, as they were.
//
// An input in which no record is valid is refused: nothing of it is
// written, the other inputs are imported, and the returned error joins a
// *NothingImportedError for each refused input.
func Import(ctx context.Context, cfg ImportConfig) (ImportStats, error) {
	start := time.Now()
	var total ImportStats
	if err := cfg.Validate(); err != nil {
		return total, fmt.Errorf("import: config: %w", err)
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if _, err := os.Stat(cfg.Lake); errors.Is(err, os.ErrNotExist) && !objstore.IsURL(cfg.Lake) {
		// A lake folder this import creates goes again if nothing is
		// published into it: a refused import leaves no trace.
		defer removeIfBare(cfg.Lake, true, log)
	} else if _, err := os.Stat(filepath.Join(cfg.Lake, lake.LockFile)); errors.Is(err, os.ErrNotExist) && !objstore.IsURL(cfg.Lake) {
		// An empty folder given as the lake keeps nothing but itself.
		defer removeIfBare(cfg.Lake, false, log)
	}
	target, err := openImportTarget(ctx, cfg, log)
	if err != nil {
		return total, err
	}
	defer target.close() //nolint:errcheck // removes a scratch folder of temporary copies
	var refused []error
	for _, in := range cfg.Inputs {
		st, err := importOne(ctx, cfg, target, in, log)
		total.merge(st)
		if nothing := (*NothingImportedError)(nil); errors.As(err, &nothing) {
			// A verdict on this input, not a failure of the import:
			// the next inputs may well be fine.
			total.Refused++
			refused = append(refused, err)
			continue
		}
		if err != nil {
			total.Elapsed = time.Since(start)
			return total, err
		}
		if st.AlreadyImported == 0 {
			log.Info("imported", "input", in, "source", SourceName(in), "read", st.Read, "events", st.Events, "dead_letters", st.DeadLetters, "skipped", st.Skipped, "files", st.Files)
		}
	}
	total.Elapsed = time.Since(start)
	return total, errors.Join(refused...)
}

// removeIfBare is lake.RemoveIfBare for Import, which warns if it fails:
// the inputs were dealt with whatever the folder holds.
func removeIfBare(root string, folderToo bool, log *slog.Logger) {
	if err := lake.RemoveIfBare(root, folderToo); err != nil {
		log.Warn("could not remove the lock file or lake folder this import created and wrote nothing into", "lake", root, "err", err)
	}
}

func importOne(ctx context.Context, cfg ImportConfig, target importTarget, input string, log *slog.Logger) (ImportStats, error) {
	r, sum, closeInput, err := openInput(cfg, input)
	if err != nil {
		return ImportStats{}, err
	}
	defer closeInput()
	source := SourceName(input)
	if sum.done {
		// A file is hashed before it is read, so an input the lake already
		// holds costs one read of its bytes, not a conversion.
		rec, found, err := target.record(ctx, source, sum.hex())
		if err != nil {
			return ImportStats{}, err
		}
		if found {
			return alreadyImported(ctx, target, log, input, rec)
		}
	}
	var st ImportStats
	imp := importer{cfg: cfg, root: target.root(), input: input, log: log, st: &st, b: newBatch(source, -1), fs: fileSet{root: target.lockRoot()}, sum: sum}
	if cfg.Format == nil {
		err = imp.jsonLines(ctx, r)
	} else {
		err = imp.records(ctx, r)
	}
	if err == nil {
		err = imp.flush()
	}
	if err == nil {
		err = imp.refusal()
	}
	if err == nil && !sum.done {
		err = sum.finish(r)
	}
	var (
		rec   importRecord
		found bool
	)
	if err == nil {
		rec, found, err = target.publish(ctx, &imp, sum.hex())
	}
	if err != nil || found {
		// Nothing of this input is published (or, after a failed rename,
		// not all of it and without its record, which the next import of
		// it replaces): its temporary files go.
		aerr := errors.Join(imp.fs.abort(), imp.fs.removeNewDirs())
		if aerr != nil || err != nil {
			return ImportStats{}, errors.Join(err, aerr)
		}
		return alreadyImported(ctx, target, log, input, rec)
	}
	if st.DeadLetters > 0 {
		log.Warn("rejected input went to the dead-letter store", "input", input, "dead_letters", st.DeadLetters)
	}
	return st, nil
}

// alreadyImported is importOne's result for an input whose record was
// found. When none of the date partitions it was written to is left, the
// lake no longer shows it (lake status: no such source), so the warning
// says where it went: retention dropped it, and its record keeps it out
// as docs/ingest.md promises.
func alreadyImported(ctx context.Context, target importTarget, log *slog.Logger, input string, rec importRecord) (ImportStats, error) {
	gone, err := target.partitionsGone(ctx, rec.Files)
	if err != nil {
		return ImportStats{}, err
	}
	attrs := []any{"input", input, "source", rec.Source, "imported_at", rec.ImportedAt, "as", rec.Input, "events", rec.Events, "dead_letters", rec.DeadLetters}
	if gone {
		log.Warn("input imported before and since dropped by retention (none of its date partitions is left): not imported again, "+
			"so that expired data stays dropped; to import it anyway, delete its record", append(attrs, "record", lake.ImportRecordPath("", rec.Source, rec.SHA256))...)
		return ImportStats{AlreadyImported: 1, Dropped: 1}, nil
	}
	log.Warn("input already in the lake: not imported again", attrs...)
	return ImportStats{AlreadyImported: 1}, nil
}

// openInput opens input (a file, or stdin for "-") and starts its hash.
// A regular file is hashed whole at once and rewound; anything else is
// hashed as the import reads it.
func openInput(cfg ImportConfig, input string) (io.Reader, *inputSum, func(), error) {
	sum, err := newInputSum(cfg.Format)
	if err != nil {
		return nil, nil, nil, err
	}
	var r io.Reader
	closeInput := func() {}
	if input == "-" {
		r = cfg.Stdin
		if r == nil {
			r = os.Stdin
		}
	} else {
		f, err := os.Open(input)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("import: %w", err) // os.Open names the file
		}
		r, closeInput = f, func() { f.Close() } //nolint:errcheck // only read from

	}
	// Only an input that starts at its beginning is rewound there: a
	// stdin left part-read by the caller is hashed as it streams.
	if s, ok := r.(io.ReadSeeker); ok {
		if pos, err := s.Seek(0, io.SeekCurrent); err == nil && pos == 0 {
			if _, err := io.Copy(sum, s); err != nil {
				closeInput()
				return nil, nil, nil, fmt.Errorf("import: hash %s: %w", input, err)
			}
			if _, err := s.Seek(0, io.SeekStart); err != nil {
				closeInput()
				return nil, nil, nil, fmt.Errorf("import: rewind %s: %w", input, err)
			}
			sum.done = true
			return r, sum, closeInput, nil
		}
	}
	return io.TeeReader(r, sum), sum, closeInput, nil
}

// inputSum is the SHA-256 that names an import input: of its bytes, preceded
// for another layout than JSON lines by the format and its settings (a CSV
// mapping), since the same bytes read through another mapping are other
// events. For JSON lines it is the file's plain SHA-256, as sha256sum prints it.
type inputSum struct {
	h    hash.Hash
	done bool // every byte of the input is in h
	// head is the input's first sniffBytes bytes, to guess its layout
	// (importers.Sniff) when nothing in it is valid.
	head []byte
}

// Write adds input bytes, in order, to the sum and to the head.
func (s *inputSum) Write(p []byte) (int, error) {
	if room := sniffBytes - len(s.head); room > 0 {
		s.head = append(s.head, p[:min(room, len(p))]...)
	}
	return s.h.Write(p)
}

func newInputSum(f importers.Format) (*inputSum, error) {
	s := &inputSum{h: sha256.New()}
	if f != nil {
		// The format's type and exported settings, as JSON (fields in
		// declaration order, map keys sorted): the same for the same mapping
		// however its YAML was laid out.
		b, err := json.Marshal(f)
		if err != nil {
			return nil, fmt.Errorf("import: describe the format %T: %w", f, err)
		}
		fmt.Fprintf(s.h, "%T %s\n", f, b) // not the input's bytes: not in head
	}
	return s, nil
}

// finish hashes what is left of a streamed input after the import stopped
// reading it, so the sum covers every byte.
func (s *inputSum) finish(r io.Reader) error {
	if _, err := io.Copy(io.Discard, r); err != nil { // r tees into s
		return fmt.Errorf("import: hash the rest of the input: %w", err)
	}
	s.done = true
	return nil
}

func (s *inputSum) hex() string { return hex.EncodeToString(s.h.Sum(nil)) }

// importRecord is what lake.ImportRecordPath holds about an imported input.
type importRecord struct {
	Source string `json:"source"`
	// Input is the path given to import ("-" for stdin).
	Input       string    `json:"input"`
	SHA256      string    `json:"sha256"`
	Read        int64     `json:"read"`
	Events      int64     `json:"events"`
	DeadLetters int64     `json:"dead_letters"`
	Skipped     int64     `json:"skipped"`
	Files       []string  `json:"files"` // relative to the lake root
	ImportedAt  time.Time `json:"imported_at"`
	// Staged, in a lake on object storage, is the token of the import
	// whose staged files this record committed while they are being
	// copied into place (lake.SweepBucket finishes an interrupted copy).
	Staged string `json:"staged,omitempty"`
}

func readImportRecord(root, source, sum string) (importRecord, bool, error) {
	var rec importRecord
	path := lake.ImportRecordPath(root, source, sum)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return rec, false, nil
	}
	if err == nil {
		err = json.Unmarshal(b, &rec)
	}
	if err != nil {
		return rec, false, fmt.Errorf("import: read record %s: %w", path, err)
	}
	return rec, true, nil
}

// importer feeds one input's records to batches of fixed size, whose files
// it keeps under temporary names until the whole input has been read.
type importer struct {
	cfg ImportConfig
	// root is where batches are written: the lake folder, or a scratch
	// folder whose files are uploaded to a bucket.
	root  string
	input string
	log   *slog.Logger
	st    *ImportStats
	b     *batch
	// fs holds the temporary files of every batch so far; ranges[i] is the
	// line range of fs.files[i], which names it once the input's hash is known.
	fs     fileSet
	ranges [][2]int64
	// sum is the input's hash, and its first bytes.
	sum *inputSum
	// first is the input's first dead letter (its raw bytes left out),
	// stopped is set when reading stopped early (wrongLayout).
	first   *lake.DeadLetter
	stopped bool
}

func (imp *importer) flush() error {
	b := imp.b
	if b.empty() {
		return nil
	}
	if imp.first == nil && len(b.dead) > 0 {
		d := b.dead[0]
		d.Raw = nil
		imp.first = &d
	}
	files, err := b.writeTemp(imp.root, &imp.fs)
	if err != nil {
		return fmt.Errorf("import %s lines %d-%d: %w", imp.input, b.first, b.last, err)
	}
	for range files {
		imp.ranges = append(imp.ranges, [2]int64{b.first, b.last})
	}
	imp.st.add(b, files)
	b.reset()
	return nil
}

// looksLike is importers.Sniff's guess at the input's layout.
func (imp *importer) looksLike() string { return importers.Sniff(imp.input, imp.sum.head) }

// wrongLayout reports, once refuseAfter records are read, whether none of
// them was valid, some were rejected, and the input looks like another
// layout than the one it is read as; if so, reading stops there.
func (imp *importer) wrongLayout() bool {
	b := imp.b
	if imp.st.Read != refuseAfter || imp.st.Events+int64(len(b.rows)) > 0 || imp.st.DeadLetters+int64(len(b.dead)) == 0 ||
		formatHint(layoutOf(imp.cfg.Format), imp.looksLike()) == "" {
		return false
	}
	imp.stopped = true
	return true
}

// refusal returns a *NothingImportedError when the input, read and
// flushed, held rejected records and no valid one.
func (imp *importer) refusal() error {
	st := imp.st
	if st.Events > 0 || st.DeadLetters == 0 {
		return nil
	}
	var field string
	if imp.first.Field != nil {
		field = *imp.first.Field
	}
	return &NothingImportedError{
		Input: imp.input, Read: st.Read, Rejected: st.DeadLetters, Reasons: maps.Clone(st.Reasons), FirstField: field,
		FirstLine: imp.first.Offset, FirstReason: event.Reason(imp.first.Reason), FirstDetail: imp.first.Detail,
		Stopped: imp.stopped, Format: layoutOf(imp.cfg.Format), LooksLike: imp.looksLike(),
	}
}

// publish gives the input's temporary files their final names and renames
// them into place, then writes the input's record, all under the input's
// lock. If the record exists already, another import published this input
// first: publish returns it and leaves the temporary files to the caller.
func (imp *importer) publish(sum string) (rec importRecord, found bool, err error) {
	root, source := imp.cfg.Lake, imp.b.source
	unlock, err := lake.LockImport(root, source, sum)
	if err != nil {
		return rec, false, err
	}
	defer func() { err = errors.Join(err, unlock()) }()
	if rec, found, err = readImportRecord(root, source, sum); found || err != nil {
		return rec, found, err
	}
	// Files of this input without its record are what an import stopped
	// half-way through publishing left (the same input gives the same
	// files, but its dead letters are filed under the day they were read).
	prefix := lake.ImportFilePrefix(source, sum)
	var stale []string
	for _, top := range []string{lake.EventsDir, lake.DeadLetterDir} {
		m, err := filepath.Glob(filepath.Join(root, top, "date=*", prefix+"*"+lake.ParquetExt))
		if err != nil {
			return rec, false, fmt.Errorf("import: list earlier files of %s: %w", imp.input, err)
		}
		stale = append(stale, m...)
	}
	for _, p := range stale {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return rec, false, fmt.Errorf("import: remove %s, left by an unfinished import of %s: %w", p, imp.input, err)
		}
	}
	if len(stale) > 0 {
		imp.log.Warn("removed the files of an unfinished earlier import of the same input", "input", imp.input, "files", len(stale))
	}
	rec = importRecord{
		Source: source, Input: imp.input, SHA256: sum,
		Read: imp.st.Read, Events: imp.st.Events, DeadLetters: imp.st.DeadLetters, Skipped: imp.st.Skipped,
		Files: make([]string, len(imp.fs.files)), ImportedAt: time.Now().UTC(),
	}
	for i, f := range imp.fs.files {
		f.SetName(lake.ImportFileName(source, sum, imp.ranges[i][0], imp.ranges[i][1]))
		if rec.Files[i], err = filepath.Rel(root, f.Path()); err != nil {
			return rec, false, fmt.Errorf("import: %w", err)
		}
	}
	if err := imp.fs.publish(); err != nil {
		return rec, false, fmt.Errorf("import %s: %w", imp.input, err)
	}
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return rec, false, fmt.Errorf("import: encode record: %w", err)
	}
	if err := writeFileAtomic(lake.ImportRecordPath(root, source, sum), append(b, '\n')); err != nil {
		return rec, false, fmt.Errorf("import %s: its files are published but its record is not, so the next import of it replaces them: %w", imp.input, err)
	}
	return rec, false, nil
}

// flushIfFull cuts the batch at fixed sizes, so the same input always gives
// the same files, and reports progress through long inputs.
func (imp *importer) flushIfFull() error {
	if imp.b.messages < importChunkLines && imp.b.bytes < importChunkBytes {
		return nil
	}
	last := imp.b.last
	if err := imp.flush(); err != nil {
		return err
	}
	imp.log.Info("import progress", "input", imp.input, "through_line", last, "read", imp.st.Read, "events", imp.st.Events, "dead_letters", imp.st.DeadLetters)
	return nil
}

func (imp *importer) jsonLines(ctx context.Context, r io.Reader) error {
	b := imp.b
	lr := lineReader{r: bufio.NewReaderSize(r, 1<<20)}
	for lineNo := int64(1); ; lineNo++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("import %s: %w", imp.input, err)
		}
		line, size, err := lr.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("import: read %s line %d: %w", imp.input, lineNo, err)
		}
		now := time.Now()
		switch {
		case len(bytes.TrimSpace(line)) == 0 && size == int64(len(line)):
			b.note(lineNo, int(size), now)
		case size > int64(len(line)):
			imp.st.Read++
			b.note(lineNo, len(line), now)
			b.addDead(line, size, lr.ids.IDs(), nil, lineNo, now, &event.InvalidError{
				Reason: event.ReasonTooLarge,
				Detail: fmt.Sprintf("%d bytes exceeds the %d-byte limit", size, event.MaxEventBytes),
			})
		default:
			imp.st.Read++
			b.add(line, nil, lineNo, now)
		}
		if imp.wrongLayout() {
			return nil
		}
		if err := imp.flushIfFull(); err != nil {
			return err
		}
	}
}

// records imports an input through cfg.Format. Each mapped event is encoded
// in the contract's JSON and goes through the very decoder and validation
// that Kafka ingest uses; a row that cannot be mapped, or whose event fails
// validation, is kept in the dead-letter store as the source row.
func (imp *importer) records(ctx context.Context, r io.Reader) (err error) {
	rd, err := imp.cfg.Format.Open(r)
	if err != nil {
		return fmt.Errorf("import %s: %w", imp.input, err)
	}
	defer func() {
		if cerr := rd.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("import %s: %w", imp.input, cerr)
		}
	}()
	b := imp.b
	for {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("import %s: %w", imp.input, err)
		}
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("import %s: %w", imp.input, err)
		}
		imp.st.Read++
		now := time.Now()
		switch {
		case rec.Skip:
			imp.st.Skipped++
			b.note(rec.Line, len(rec.Raw), now)
		case rec.Err != nil:
			// The row could not be mapped, so it names no IDs Parley can
			// trust; erase still finds the customer's ID in its raw bytes.
			b.note(rec.Line, len(rec.Raw), now)
			b.addDead(rec.Raw, int64(len(rec.Raw)), event.IDs{}, nil, rec.Line, now, rec.Err)
		default:
			raw, jerr := json.Marshal(rec.Event)
			if jerr == nil {
				_, jerr = event.Decode(raw)
			}
			if jerr != nil {
				// The mapped event names the IDs the source row holds.
				b.note(rec.Line, len(rec.Raw), now)
				b.addDead(rec.Raw, int64(len(rec.Raw)), event.ScanIDs(raw), nil, rec.Line, now, jerr)
			} else {
				b.add(raw, nil, rec.Line, now)
			}
		}
		if imp.wrongLayout() {
			return nil
		}
		if err := imp.flushIfFull(); err != nil {
			return err
		}
	}
}

// lineReader yields lines without their terminator (\n or \r\n), keeping at
// most event.MaxEventBytes+1 bytes of a longer line so memory stays bounded
// whatever the input; size is the line's full length.
type lineReader struct {
	r   *bufio.Reader
	buf []byte
	// ids reads the IDs of a line longer than what is kept, as all of it
	// streams past, so its dead letter names them even if they come after the cut.
	ids event.IDScanner
}

func (lr *lineReader) next() (line []byte, size int64, err error) {
	lr.buf = lr.buf[:0]
	lr.ids = event.IDScanner{}
	newline, long := false, false
	for {
		chunk, err := lr.r.ReadSlice('\n')
		size += int64(len(chunk))
		room := event.MaxEventBytes + 1 - len(lr.buf)
		if !long && len(chunk) > room {
			long = true
			lr.ids.Write(lr.buf) //nolint:errcheck // never fails
		}
		if long {
			lr.ids.Write(chunk) //nolint:errcheck // never fails
		}
		if room > 0 {
			lr.buf = append(lr.buf, chunk[:min(room, len(chunk))]...)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if errors.Is(err, io.EOF) && size == 0 {
			return nil, 0, io.EOF
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, 0, err
		}
		newline = err == nil // ReadSlice only succeeds on the delimiter
		break
	}
	line = lr.buf
	if newline {
		size--
		if int64(len(line)) > size {
			line = line[:len(line)-1]
			if n := len(line); n > 0 && line[n-1] == '\r' {
				line, size = line[:n-1], size-1
			}
		}
	}
	return line, size, nil
}
