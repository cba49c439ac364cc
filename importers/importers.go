// Package importers turns history exported from other support tools (any CSV
// described by a YAML mapping, and the "Customer Support on Twitter" layout)
// into contract v1 events for parley import.
package importers

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/parley-cx/parley/internal/event"
)

// Reasons an importer rejects a source row for, in addition to the
// contract's own (event.Reason*) that validation of the mapped event gives.
const (
	// ReasonMalformedRow: the row is not valid CSV (a stray quote, say).
	ReasonMalformedRow event.Reason = "malformed_row"
	// ReasonShortRow: the row has fewer fields than the header.
	ReasonShortRow event.Reason = "short_row"
)

// Record is one source row turned into an event, or the reason it could not be.
type Record struct {
	// Line is the input line the row starts on, from 1 (the header is line 1).
	// It names the lake files and locates dead letters, as line numbers do for JSON lines.
	Line int64
	// Event is the mapped event; meaningful only when Err is nil and Skip is false.
	Event event.Event
	// Raw is the row exactly as read, without its line terminator; the
	// dead-letter store keeps it when the row is rejected.
	Raw []byte
	// Skip is set for rows the mapping deliberately leaves out (a type mapped to "skip").
	Skip bool
	// Err says why the row could not be mapped; an *event.InvalidError names
	// the reason and the field.
	Err error
}

// Reader yields the records of one input in input order.
type Reader interface {
	// Next returns the next record, or io.EOF after the last one. Any other
	// error means the input itself could not be read and the import must stop.
	Next() (Record, error)
	// Close releases what the reader holds (temporary files included).
	Close() error
}

// Format opens inputs of one layout.
type Format interface {
	// Open reads the header (and whatever else the layout needs up front)
	// and returns a Reader for the rows. An error means the whole input is
	// unusable (a missing column, say), not one bad row.
	Open(r io.Reader) (Reader, error)
}

func invalid(r event.Reason, field, format string, args ...any) *event.InvalidError {
	return &event.InvalidError{Reason: r, Field: field, Detail: fmt.Sprintf(format, args...)}
}

// rowReader reads CSV records and keeps each one's exact source bytes, so
// that a rejected row reaches the dead-letter store as it was written and
// event ids can be derived from the row itself.
type rowReader struct {
	cr  *csv.Reader
	tee teeReader
	end int64 // input offset just after the previous record
}

// teeReader keeps the bytes the CSV reader has taken from src but not yet
// assigned to a record; base is the input offset of buf[0].
type teeReader struct {
	src  io.Reader
	buf  []byte
	base int64
}

func (t *teeReader) Read(p []byte) (int, error) {
	n, err := t.src.Read(p)
	t.buf = append(t.buf, p[:n]...)
	return n, err
}

func newRowReader(r io.Reader, comma rune) *rowReader {
	rr := &rowReader{tee: teeReader{src: r}}
	rr.cr = csv.NewReader(&rr.tee)
	rr.cr.Comma = comma
	rr.cr.FieldsPerRecord = -1 // a short row is one dead letter, not the end of the import
	return rr
}

// next returns the next record's fields, its first line and its raw bytes.
// A *csv.ParseError comes back with the line and raw bytes of the bad row;
// the reader carries on after it.
func (rr *rowReader) next() (fields []string, line int64, raw []byte, err error) {
	fields, err = rr.cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, 0, nil, io.EOF
	}
	var perr *csv.ParseError
	if err != nil && !errors.As(err, &perr) {
		return nil, 0, nil, fmt.Errorf("read CSV: %w", err)
	}
	start, end := rr.end, rr.cr.InputOffset()
	raw = bytes.Clone(rr.tee.buf[start-rr.tee.base : end-rr.tee.base])
	raw = bytes.TrimRight(raw, "\r\n")
	// Drop what is now assigned so the buffer holds only the read-ahead.
	rr.tee.buf = append(rr.tee.buf[:0], rr.tee.buf[end-rr.tee.base:]...)
	rr.tee.base, rr.end = end, end
	if perr != nil {
		return nil, int64(perr.StartLine), raw, perr
	}
	l, _ := rr.cr.FieldPos(0)
	return fields, int64(l), raw, nil
}

// header reads the first record and indexes its column names. A UTF-8 byte
// order mark, which spreadsheet exports often start with, is dropped.
func (rr *rowReader) header() (map[string]int, []string, error) {
	names, _, _, err := rr.next()
	if errors.Is(err, io.EOF) {
		return nil, nil, errors.New("empty input: no header row")
	}
	if err != nil {
		return nil, nil, fmt.Errorf("header row: %w", err)
	}
	if len(names) > 0 {
		names[0] = strings.TrimPrefix(names[0], "\ufeff")
	}
	cols := make(map[string]int, len(names))
	for i, n := range names {
		if _, dup := cols[n]; !dup {
			cols[n] = i
		}
	}
	return cols, names, nil
}

// missingColumn explains a mapped column the header lacks, listing what it has.
func missingColumn(field, col string, names []string) error {
	return fmt.Errorf("%s: no column %q in the header (columns: %s)", field, col, quoteAll(names))
}

// quoteAll lists column names quoted (a name may hold spaces or commas).
func quoteAll(names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(quoted, ", ")
}

// rowID derives an event id from a row's bytes: importing the same row again
// gives the same id, so the warehouse keeps one copy even if the file was
// renamed. Identical rows in one input are told apart by their occurrence
// number, so no real duplicate of the source is lost.
type rowID struct {
	prefix string
	seen   map[[16]byte]int
}

func newRowID(prefix string) *rowID { return &rowID{prefix: prefix, seen: make(map[[16]byte]int)} }

func (g *rowID) next(raw []byte) string {
	sum := sha256.Sum256(raw)
	key := [16]byte(sum[:16])
	n := g.seen[key]
	g.seen[key] = n + 1
	id := g.prefix + hex.EncodeToString(key[:])
	if n > 0 {
		id += fmt.Sprintf("-%d", n+1)
	}
	return id
}

// lookup returns field i of a row, or false if the row is too short.
func lookup(fields []string, i int) (string, bool) {
	if i < 0 || i >= len(fields) {
		return "", false
	}
	return fields[i], true
}

// shortRow is the error for a row with fewer fields than a mapped column needs.
func shortRow(fields []string, header []string) *event.InvalidError {
	return invalid(ReasonShortRow, "", "row has %d fields, the header has %d", len(fields), len(header))
}

// Skip, as a mapped event type, leaves the row out of the import (counted, not rejected).
const Skip = "skip"
