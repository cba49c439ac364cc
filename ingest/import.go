package ingest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

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

// Import reads JSON lines of contract v1 and writes them to the lake through
// the same validation and writer as Run. Line numbers (from 1) take the place
// of offsets. Importing the same input again replaces its files.
func Import(ctx context.Context, cfg ImportConfig) (Stats, error) {
	start := time.Now()
	var total Stats
	if err := cfg.Validate(); err != nil {
		return total, fmt.Errorf("ingest: import config: %w", err)
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	for _, in := range cfg.Inputs {
		st, err := importOne(ctx, cfg, in, log)
		total.merge(st)
		if err != nil {
			total.Elapsed = time.Since(start)
			return total, err
		}
		log.Info("imported", "input", in, "source", SourceName(in), "events", st.Events, "dead_letters", st.DeadLetters, "files", st.Files)
	}
	total.Elapsed = time.Since(start)
	return total, nil
}

func importOne(ctx context.Context, cfg ImportConfig, input string, log *slog.Logger) (Stats, error) {
	var st Stats
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
	b := newBatch(SourceName(input), -1)
	flush := func() error {
		if b.empty() {
			return nil
		}
		files, err := b.write(cfg.Lake)
		if err != nil {
			return fmt.Errorf("ingest: import %s lines %d-%d: %w", input, b.first, b.last, err)
		}
		st.add(b, files)
		b.reset()
		return nil
	}
	lr := lineReader{r: bufio.NewReaderSize(r, 1<<20)}
	for lineNo := int64(1); ; lineNo++ {
		if err := ctx.Err(); err != nil {
			return st, fmt.Errorf("ingest: import %s: %w", input, err)
		}
		line, size, err := lr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return st, fmt.Errorf("ingest: import: read %s line %d: %w", input, lineNo, err)
		}
		now := time.Now()
		switch {
		case len(bytes.TrimSpace(line)) == 0 && size == int64(len(line)):
			b.note(lineNo, int(size), now)
		case size > int64(len(line)):
			b.note(lineNo, len(line), now)
			b.addDead(line, size, nil, lineNo, now, &event.InvalidError{
				Reason: event.ReasonTooLarge,
				Detail: fmt.Sprintf("%d bytes exceeds the %d-byte limit", size, event.MaxEventBytes),
			})
		default:
			b.add(line, nil, lineNo, now)
		}
		if b.messages >= importChunkLines || b.bytes >= importChunkBytes {
			if err := flush(); err != nil {
				return st, err
			}
		}
	}
	if err := flush(); err != nil {
		return st, err
	}
	if st.DeadLetters > 0 {
		log.Warn("rejected lines went to the dead-letter store", "input", input, "dead_letters", st.DeadLetters)
	}
	return st, nil
}

// lineReader yields lines without their terminator (\n or \r\n), keeping at
// most event.MaxEventBytes+1 bytes of a longer line so memory stays bounded
// whatever the input; size is the line's full length.
type lineReader struct {
	r   *bufio.Reader
	buf []byte
}

func (lr *lineReader) next() (line []byte, size int64, err error) {
	lr.buf = lr.buf[:0]
	newline := false
	for {
		chunk, err := lr.r.ReadSlice('\n')
		size += int64(len(chunk))
		if room := event.MaxEventBytes + 1 - len(lr.buf); room > 0 {
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
