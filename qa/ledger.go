package qa

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/parley-cx/parley/internal/csvsafe"
	"github.com/parley-cx/parley/reports"
)

// ledgerHeader is the ledger's CSV header, a public format: QA leads open it
// in a spreadsheet to see what was reviewed when.
var ledgerHeader = []string{"run", "sampled_at", "conversation_id", "agent_id", "reason", "seed"}

// ledger is the record of every conversation sampled so far, one row per
// conversation per run, oldest run first.
type ledger struct {
	rows [][]string
}

// readLedger reads the ledger at path; a missing file is an empty ledger.
func readLedger(path string) (ledger, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return ledger{}, nil
	}
	if err != nil {
		return ledger{}, fmt.Errorf("qa: open ledger: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = len(ledgerHeader)
	head, err := r.Read()
	if errors.Is(err, io.EOF) {
		return ledger{}, nil
	}
	if err != nil {
		return ledger{}, fmt.Errorf("qa: read ledger %s: %w", path, err)
	}
	if !slices.Equal(head, ledgerHeader) {
		return ledger{}, fmt.Errorf("qa: ledger %s: header %v, want %v (is it a Parley ledger?)", path, head, ledgerHeader)
	}
	rows, err := r.ReadAll()
	if err != nil {
		return ledger{}, fmt.Errorf("qa: read ledger %s: %w", path, err)
	}
	for _, row := range rows {
		for i := range row {
			row[i] = csvsafe.Unescape(row[i])
		}
	}
	return ledger{rows: rows}, nil
}

// writeRow writes one ledger row, spreadsheet-safe. Every column is text
// or a number parley formats (a timestamp, a seed) that never starts with
// a character csvsafe escapes, so escaping every cell changes only text,
// and readLedger unescapes every cell.
func writeRow(w *csv.Writer, row []string) error {
	cells := make([]string, len(row))
	for i, c := range row {
		cells[i] = csvsafe.Escape(c)
	}
	return w.Write(cells)
}

// sampledBefore returns the ids sampled by runs other than run. A rerun of
// the same run (same date and seed) does not exclude its own earlier picks,
// so it reproduces the same packet.
func (l ledger) sampledBefore(run string) map[string]bool {
	seen := map[string]bool{}
	for _, row := range l.rows {
		if row[0] != run {
			seen[row[2]] = true
		}
	}
	return seen
}

// record rewrites the ledger at path with run's picks replacing any rows an
// earlier attempt of the same run left, atomically, so an interrupted write
// never loses the history. An empty run replaces nothing: the ledger's rows
// are written back as they are, followed by picks.
func (l ledger) record(path, run string, now time.Time, seed uint64, picks []Pick) error {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write(ledgerHeader); err != nil {
		return fmt.Errorf("qa: write ledger: %w", err)
	}
	for _, row := range l.rows {
		if run != "" && row[0] == run {
			continue
		}
		if err := writeRow(w, row); err != nil {
			return fmt.Errorf("qa: write ledger: %w", err)
		}
	}
	at := now.UTC().Format(time.RFC3339)
	s := strconv.FormatUint(seed, 10)
	for _, p := range picks {
		if err := writeRow(w, []string{run, at, p.ConversationID, p.Agent, p.Reason, s}); err != nil {
			return fmt.Errorf("qa: write ledger: %w", err)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("qa: write ledger: %w", err)
	}
	if err := reports.WriteFileAtomic(path, buf.Bytes()); err != nil {
		return fmt.Errorf("qa: ledger: %w", err)
	}
	return nil
}
