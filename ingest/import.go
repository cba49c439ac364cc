package ingest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/parley-cx/parley/importers"
	"github.com/parley-cx/parley/internal/event"
)

// Import chunking is fixed rather than configurable so that importing the
// same input again produces the same file names and replaces the earlier
// files instead of duplicating them.
const (
	importChunkLines = 100_000
	importChunkBytes = 64 << 20
)

// ImportConfig configures Import.
type ImportConfig struct {
	// Lake is the lake root directory.
	Lake string
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
		errs = append(errs, errors.New("lake: required"))
	}
	if len(c.Inputs) == 0 {
		errs = append(errs, errors.New("inputs: at least one file (or - for stdin) required"))
	}
	seen := make(map[string]string)
	for _, in := range c.Inputs {
		src := SourceName(in)
		if prev, dup := seen[src]; dup {
			errs = append(errs, fmt.Errorf("inputs: %s and %s share the source name %q, so their files would overwrite each other; rename one", prev, in, src))
		}
		seen[src] = in
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
}

// String is a one-line summary for logs and the CLI.
func (s ImportStats) String() string {
	if s.Skipped == 0 {
		return fmt.Sprintf("%d read: %s", s.Read, s.Stats)
	}
	return fmt.Sprintf("%d read, %d skipped by the mapping: %s", s.Read, s.Skipped, s.Stats)
}

func (s *ImportStats) merge(other ImportStats) {
	s.Stats.merge(other.Stats)
	s.Read += other.Read
	s.Skipped += other.Skipped
}

// Import reads JSON lines of contract v1 (or, with a Format, another layout
// mapped to it) and writes them to the lake through the same validation and
// writer as Run. Line numbers (from 1) take the place of offsets. Importing
// the same input again replaces its files. Like Run, it starts by removing
// what interrupted lake commands left behind (lake.Sweep).
func Import(ctx context.Context, cfg ImportConfig) (ImportStats, error) {
	start := time.Now()
	var total ImportStats
	if err := cfg.Validate(); err != nil {
		return total, fmt.Errorf("ingest: import config: %w", err)
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	sweepLake(cfg.Lake, false, log)
	for _, in := range cfg.Inputs {
		st, err := importOne(ctx, cfg, in, log)
		total.merge(st)
		if err != nil {
			total.Elapsed = time.Since(start)
			return total, err
		}
		log.Info("imported", "input", in, "source", SourceName(in), "read", st.Read, "events", st.Events, "dead_letters", st.DeadLetters, "skipped", st.Skipped, "files", st.Files)
	}
	total.Elapsed = time.Since(start)
	return total, nil
}

func importOne(ctx context.Context, cfg ImportConfig, input string, log *slog.Logger) (ImportStats, error) {
	var st ImportStats
	var r io.Reader
	if input == "-" {
		r = cfg.Stdin
		if r == nil {
			r = os.Stdin
		}
	} else {
		f, err := os.Open(input)
		if err != nil {
			return st, fmt.Errorf("ingest: import: open %s: %w", input, err)
		}
		defer f.Close()
		r = f
	}
	imp := importer{cfg: cfg, input: input, log: log, st: &st, b: newBatch(SourceName(input), -1)}
	var err error
	if cfg.Format == nil {
		err = imp.jsonLines(ctx, r)
	} else {
		err = imp.records(ctx, r)
	}
	if err == nil {
		err = imp.flush()
	}
	if err != nil {
		return st, err
	}
	if st.DeadLetters > 0 {
		log.Warn("rejected input went to the dead-letter store", "input", input, "dead_letters", st.DeadLetters)
	}
	return st, nil
}

// importer feeds one input's records to batches of fixed size.
type importer struct {
	cfg   ImportConfig
	input string
	log   *slog.Logger
	st    *ImportStats
	b     *batch
}

func (imp *importer) flush() error {
	b := imp.b
	if b.empty() {
		return nil
	}
	files, err := b.write(imp.cfg.Lake)
	if err != nil {
		return fmt.Errorf("ingest: import %s lines %d-%d: %w", imp.input, b.first, b.last, err)
	}
	imp.st.add(b, files)
	b.reset()
	return nil
}

// flushIfFull cuts the batch at fixed sizes, so the same input always gives
// the same file names, and reports progress through long inputs.
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
			return fmt.Errorf("ingest: import %s: %w", imp.input, err)
		}
		line, size, err := lr.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("ingest: import: read %s line %d: %w", imp.input, lineNo, err)
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
		return fmt.Errorf("ingest: import %s: %w", imp.input, err)
	}
	defer func() {
		if cerr := rd.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("ingest: import %s: %w", imp.input, cerr)
		}
	}()
	b := imp.b
	for {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("ingest: import %s: %w", imp.input, err)
		}
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("ingest: import %s: %w", imp.input, err)
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
