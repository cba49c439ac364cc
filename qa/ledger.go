package qa

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/parley-cx/parley/internal/atomicfile"
	"github.com/parley-cx/parley/internal/csvsafe"
	"github.com/parley-cx/parley/internal/lake"
)

// ledgerHeader is the ledger's CSV header, a public format: QA leads open it
// in a spreadsheet to see what was sampled when, for whom, and whether it
// has been reviewed.
var ledgerHeader = []string{
	"run", "sampled_at", "conversation_id", "agent_id", "reason", "seed",
	"reviewer", "calibration", "status", "reviews", "last_reviewed_at",
}

// ledgerHeaderV1 is the header of ledgers written before reviews existed:
// their rows read as sampled, with no reviewer, and are written back with
// every column.
var ledgerHeaderV1 = ledgerHeader[:6]

// Ledger columns by position.
const (
	colRun = iota
	colSampledAt
	colConversation
	colAgent
	colReason
	colSeed
	colReviewer
	colCalibration
	colStatus
	colReviews
	colLastReviewed
)

// Ledger statuses: a sampled conversation becomes reviewed when
// `parley qa import --ledger` stores a review of it.
const (
	StatusSampled  = "sampled"
	StatusReviewed = "reviewed"
)

// ledger is the record of every conversation sampled so far, one row per
// conversation per run, oldest run first.
type ledger struct {
	rows [][]string
}

// readLedger reads the ledger at path; a missing file is an empty ledger.
// Its errors name the file, not the ledger: callers say what it is for.
func readLedger(path string) (ledger, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return ledger{}, nil
	}
	if err != nil {
		return ledger{}, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	head, err := r.Read()
	if errors.Is(err, io.EOF) {
		return ledger{}, nil
	}
	if err != nil {
		return ledger{}, fmt.Errorf("%s: %w", path, err)
	}
	if !slices.Equal(head, ledgerHeader) && !slices.Equal(head, ledgerHeaderV1) {
		return ledger{}, fmt.Errorf("%s: header %v, want %v (is it a Parley ledger?)", path, head, ledgerHeader)
	}
	r.FieldsPerRecord = len(head)
	rows, err := r.ReadAll()
	if err != nil {
		return ledger{}, fmt.Errorf("%s: %w", path, err)
	}
	for i, row := range rows {
		for j := range row {
			row[j] = csvsafe.Unescape(row[j])
		}
		if len(row) == len(ledgerHeaderV1) {
			rows[i] = append(row, "", "false", StatusSampled, "0", "")
		}
	}
	return ledger{rows: rows}, nil
}

// writeRow writes one ledger row, spreadsheet-safe. Every column is text
// or a value parley formats (a timestamp, a seed, a count, a boolean) that
// never starts with a character csvsafe escapes, so escaping every cell
// changes only text, and readLedger unescapes every cell.
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
		if row[colRun] != run {
			seen[row[colConversation]] = true
		}
	}
	return seen
}

// record rewrites the ledger at path with run's picks replacing any rows an
// earlier attempt of the same run left (keeping what those rows knew of
// reviews), atomically, so an interrupted write never loses the history.
// An empty run replaces nothing: the ledger's rows are written back as
// they are, followed by picks.
func (l ledger) record(path, run string, now time.Time, seed uint64, picks []Pick) error {
	reviewed := map[string][]string{}
	var keep [][]string
	for _, row := range l.rows {
		if run != "" && row[colRun] == run {
			reviewed[row[colConversation]+"\x00"+row[colReviewer]] = row[colStatus:]
			continue
		}
		keep = append(keep, row)
	}
	at := now.UTC().Format(time.RFC3339)
	s := strconv.FormatUint(seed, 10)
	for _, p := range picks {
		row := []string{run, at, p.ConversationID, p.Agent, p.Reason, s, p.Reviewer, strconv.FormatBool(p.Calibration)}
		if old, ok := reviewed[p.ConversationID+"\x00"+p.Reviewer]; ok {
			row = append(row, old...)
		} else {
			row = append(row, StatusSampled, "0", "")
		}
		keep = append(keep, row)
	}
	return writeLedger(path, keep)
}

func writeLedger(path string, rows [][]string) error {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write(ledgerHeader); err != nil {
		return fmt.Errorf("qa: write ledger: %w", err)
	}
	for _, row := range rows {
		if err := writeRow(w, row); err != nil {
			return fmt.Errorf("qa: write ledger: %w", err)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("qa: write ledger: %w", err)
	}
	if err := atomicfile.WriteFile(path, buf.Bytes()); err != nil {
		return fmt.Errorf("qa: ledger: %w", err)
	}
	return nil
}

// ledgerToMark reads the ledger an import marks, before the import writes
// anything: unlike the ledger a sample starts, it must exist and be a
// ledger, or a mistyped --ledger would fail only after the reviews were
// stored.
func ledgerToMark(path string) (ledger, error) {
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return ledger{}, fmt.Errorf("%s does not exist: give the ledger parley qa sample wrote, e.g. qa/ledger.csv", path)
	case err != nil:
		return ledger{}, err
	case info.IsDir():
		return ledger{}, fmt.Errorf("%s is a folder: give the ledger file in it, e.g. %s", path, filepath.Join(path, DefaultLedgerName))
	}
	return readLedger(path)
}

// markReviewed sets the review columns of l, the ledger at path, from the
// reviews dataset's rows: a row is reviewed when the lake holds a review
// of its conversation from its run (by any reviewer for a calibration
// row), with the number of reviews and the latest reviewed_at. It returns
// how many rows are reviewed, and rewrites the ledger only if a row changed.
func markReviewed(path string, l ledger, reviews []lake.ReviewRow) (int, error) {
	type tally struct {
		ids  map[string]bool
		last time.Time
	}
	byConv := map[[2]string]*tally{}
	for _, r := range reviews {
		if r.Kind != lake.ReviewKindReview {
			continue
		}
		k := [2]string{r.Run, r.ConversationID}
		t := byConv[k]
		if t == nil {
			t = &tally{ids: map[string]bool{}}
			byConv[k] = t
		}
		t.ids[r.ReviewID] = true
		if r.At.After(t.last) {
			t.last = r.At
		}
	}
	marked, changed := 0, false
	for _, row := range l.rows {
		t := byConv[[2]string{row[colRun], row[colConversation]}]
		if t == nil {
			continue
		}
		want := []string{StatusReviewed, strconv.Itoa(len(t.ids)), t.last.UTC().Format(time.RFC3339)}
		marked++
		if !slices.Equal(row[colStatus:], want) {
			copy(row[colStatus:], want)
			changed = true
		}
	}
	if changed {
		if err := writeLedger(path, l.rows); err != nil {
			return marked, err
		}
	}
	return marked, nil
}
