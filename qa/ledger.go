package qa

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
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

// sampledBefore returns the ids sampled by the runs before run: those whose
// rows come before run's first row (record keeps every run's rows where its
// first attempt put them, so the ledger lists runs in the order they were
// first sampled), or every row when run is not in the ledger yet. A rerun
// thus skips what its first attempt skipped: not its own picks, nor those of
// later runs (which skipped its picks), so it reproduces the same packet.
func (l ledger) sampledBefore(run string) map[string]bool {
	seen := map[string]bool{}
	for _, row := range l.rows {
		if row[colRun] == run {
			break
		}
		seen[row[colConversation]] = true
	}
	return seen
}

// ErrRerunDiffers is wrapped by Sample's error, before anything is written,
// when a rerun draws other conversations than the ledger holds of its run
// (the warehouse, or the ledger's rows of earlier runs, changed since it was
// sampled) and replacing the run would drop a reviewed row or sample a
// conversation a later run holds.
var ErrRerunDiffers = errors.New("this rerun does not reproduce the run's sample")

// maxListed bounds the conversations an error lists.
const maxListed = 5

// checkReplace returns an error wrapping ErrRerunDiffers when recording picks
// as run would lose something: a reviewed row of run whose conversation (and
// reviewer) picks no longer hold, its review then naming a run the ledger
// no longer lists it in and the conversation sampleable again; or a pick,
// new to run, that a later run holds, which would be sampled twice (that run
// skipped run's picks, not this one). A run not in the ledger has nothing to
// lose; a rerun that differs otherwise replaces the run's rows.
func (l ledger) checkReplace(run string, picks []Pick) error {
	drawn, drawnConv := map[[2]string]bool{}, map[string]bool{}
	for _, p := range picks {
		drawn[[2]string{p.ConversationID, p.Reviewer}] = true
		drawnConv[p.ConversationID] = true
	}
	own := map[string]bool{}
	var dropped []string
	var later [][2]string // conversation, run
	for _, row := range l.rows {
		conv := row[colConversation]
		switch {
		case row[colRun] == run:
			own[conv] = true
			if row[colStatus] == StatusReviewed && !drawn[[2]string{conv, row[colReviewer]}] {
				dropped = append(dropped, conv)
			}
		case len(own) > 0 && drawnConv[conv]:
			later = append(later, [2]string{conv, row[colRun]})
		}
	}
	var twice []string
	for _, cr := range later {
		if !own[cr[0]] {
			twice = append(twice, fmt.Sprintf("%s (sampled by the later run %s)", cr[0], cr[1]))
		}
	}
	var why []string
	if len(dropped) > 0 {
		why = append(why, "it would drop the ledger's reviewed rows of "+listSome(dropped))
	}
	if len(twice) > 0 {
		why = append(why, "it would draw "+listSome(twice))
	}
	if len(why) == 0 {
		return nil
	}
	return fmt.Errorf("%w (the warehouse, or the ledger's rows of earlier runs, changed since run %s was sampled): %s",
		ErrRerunDiffers, run, strings.Join(why, "; "))
}

// listSome joins the first maxListed of items, saying how many more there are.
func listSome(items []string) string {
	s := strings.Join(items[:min(len(items), maxListed)], ", ")
	if more := len(items) - maxListed; more > 0 {
		s += fmt.Sprintf(" and %d more", more)
	}
	return s
}

// record rewrites the ledger at path with run's picks in place of any rows
// an earlier attempt of the same run left (keeping what those rows knew of
// reviews, and their place, so runs stay in the order sampledBefore relies
// on), or after every row for a new run, atomically, so an interrupted write
// never loses the history. An empty run replaces nothing: the ledger's rows
// are written back as they are, followed by picks.
func (l ledger) record(path, run string, now time.Time, seed uint64, picks []Pick) error {
	reviewed := map[string][]string{}
	var keep [][]string
	at := -1 // where run's rows go
	for _, row := range l.rows {
		if run != "" && row[colRun] == run {
			if at < 0 {
				at = len(keep)
			}
			reviewed[row[colConversation]+"\x00"+row[colReviewer]] = row[colStatus:]
			continue
		}
		keep = append(keep, row)
	}
	if at < 0 {
		at = len(keep)
	}
	ts := now.UTC().Format(time.RFC3339)
	s := strconv.FormatUint(seed, 10)
	var rows [][]string
	for _, p := range picks {
		row := []string{run, ts, p.ConversationID, p.Agent, p.Reason, s, p.Reviewer, strconv.FormatBool(p.Calibration)}
		if old, ok := reviewed[p.ConversationID+"\x00"+p.Reviewer]; ok {
			row = append(row, old...)
		} else {
			row = append(row, StatusSampled, "0", "")
		}
		rows = append(rows, row)
	}
	return writeLedger(path, slices.Insert(keep, at, rows...))
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

// matches checks that l, the ledger at path given to mark the reviews of
// incoming, sampled at least one of their conversations in its run. None
// is an error: the ledger (or the lake, with the ledger of its packets)
// is not the one the reviews belong to, and the import would store them
// and mark nothing. Some not in it is a warning: files of packets of
// several folders may be imported together with one folder's ledger.
func (l ledger) matches(path string, incoming []lake.ReviewRow, log *slog.Logger) error {
	sampled := map[[2]string]bool{}
	runs := map[string]bool{}
	for _, row := range l.rows {
		sampled[[2]string{row[colRun], row[colConversation]}] = true
		runs[row[colRun]] = true
	}
	var outside []lake.ReviewRow
	for _, r := range incoming {
		if !sampled[[2]string{r.Run, r.ConversationID}] {
			outside = append(outside, r)
		}
	}
	if len(outside) == 0 {
		return nil
	}
	var theirs []string // the runs of the reviews outside, and whether the ledger has them
	for _, r := range outside {
		desc := r.Run
		if !runs[r.Run] {
			desc += " (not in the ledger)"
		}
		if !slices.Contains(theirs, desc) {
			theirs = append(theirs, desc)
		}
	}
	if len(outside) == len(incoming) {
		return fmt.Errorf("%s sampled none of the conversations of the %d reviews in the scores (their runs: %s): "+
			"give the ledger of the packets the reviews come from (and the lake those packets were sampled from), "+
			"or leave out --ledger to store reviews of conversations no packet of it sampled",
			path, len(incoming), strings.Join(theirs, ", "))
	}
	log.Warn("qa: import: reviews of conversations the ledger did not sample in their run; stored, and no ledger row marked for them",
		"ledger", path, "reviews", len(outside), "of", len(incoming), "runs", strings.Join(theirs, ", "),
		"first", outside[0].Source+" line "+strconv.Itoa(int(outside[0].Line)))
	return nil
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
