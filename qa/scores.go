package qa

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/fielderr"
	"github.com/parley-cx/parley/internal/lake"
)

// ImportConfig says which scores files to import into which lake.
type ImportConfig struct {
	// Lake is the lake root; the reviews go to its reviews/ dataset.
	Lake string
	// Files are scores files: JSON lines as the packet's "Download scores"
	// writes them, or filled-in scores templates (names ending in .csv).
	Files []string
	// Inputs are scores given as data rather than files, each JSON lines
	// (what `parley serve` receives from a packet's review form); they are
	// checked and stored exactly as Files are.
	Inputs []Input
	// Settings supplies the scorecards reviews are checked against; nil
	// means the defaults (the default scorecard).
	Settings *config.Config
	// Ledger, when set, is the QA ledger whose rows of the imported
	// reviews' runs and conversations are marked reviewed.
	Ledger string
	// Now stamps the rows written; zero means the wall clock.
	Now time.Time
	// Log receives progress; nil discards it.
	Log *slog.Logger
}

// Validate checks the configuration without changing it and returns every
// problem found, each naming its field.
func (c *ImportConfig) Validate() error {
	var errs []error
	if c.Lake == "" {
		errs = append(errs, fielderr.New("lake", "required"))
	}
	if len(c.Files) == 0 && len(c.Inputs) == 0 {
		errs = append(errs, fielderr.New("files", "at least one scores file is required"))
	}
	if c.Settings != nil {
		if err := c.Settings.Validate(); err != nil {
			errs = append(errs, fielderr.New("settings", "%w", err))
		}
	}
	return errors.Join(errs...)
}

// ImportResult counts what Import did.
type ImportResult struct {
	// Read is the number of reviews in the files.
	Read int
	// Stored of them were new versions and were written; Known were in the
	// lake already (same review id and reviewed_at); Unchanged were scored
	// exactly like their review's latest version (or, for a review whose
	// dispute was accepted, like any version the lake holds of it) and are
	// not a new one.
	Stored, Known, Unchanged int
	// Unfilled counts the scores templates' reviews not made yet (no
	// rating or comment on any of their rows), which are skipped.
	Unfilled int
	// File is the lake file written, "" when nothing was new.
	File string
	// LedgerRows is the number of ledger rows marked reviewed.
	LedgerRows int
}

// Import checks every review of the scores files against its scorecard
// version and stores the new ones in the lake's reviews dataset, as one
// Parquet file written atomically. A file with any problem stops the whole
// import before anything is written (a *ScoresError lists every problem).
// Importing the same files again stores nothing: a version already in the
// lake (same review id and reviewed_at), or scored exactly like its
// review's latest version, is skipped. Of a review's versions, the one
// with the latest reviewed_at is final (see the warehouse's qa_reviews).
// A review whose dispute was accepted keeps its rescore: a version dated
// after the resolution is skipped if scored like any version the lake
// holds, and a problem otherwise (it changes by another dispute). A
// ledger (cfg.Ledger) that is missing or not a ledger, or that sampled
// none of the reviews' conversations (the wrong ledger, or files of another
// lake's packets), is a *fielderr.Error of field "ledger", found before
// anything is written.
func Import(ctx context.Context, cfg ImportConfig) (ImportResult, error) {
	var res ImportResult
	if err := cfg.Validate(); err != nil {
		return res, fmt.Errorf("qa: import: %w", err)
	}
	settings, err := config.OrDefault(cfg.Settings)
	if err != nil {
		return res, fmt.Errorf("qa: import: %w", err)
	}
	var led ledger
	if cfg.Ledger != "" {
		if led, err = ledgerToMark(cfg.Ledger); err != nil {
			return res, fmt.Errorf("qa: import: %w", fielderr.New("ledger", "%w; nothing was imported", err))
		}
	}
	now, log := orNow(cfg.Now), orDiscard(cfg.Log)
	st, err := openReviews(ctx, cfg.Lake, log)
	if err != nil {
		return res, err
	}
	defer st.close()

	scs := newScorecards(settings.QA.List(), st.rows)
	var incoming []lake.ReviewRow
	var probs []Problem
	var empty []string
	for _, path := range cfg.Files {
		rows, unfilled, p, err := readScores(scs, path)
		if err != nil {
			return res, err
		}
		if len(rows) == 0 && len(p) == 0 {
			empty = append(empty, emptyFile(filepath.Base(path), unfilled))
		}
		res.Unfilled += unfilled
		incoming = append(incoming, rows...)
		probs = append(probs, p...)
	}
	for _, in := range cfg.Inputs {
		rows, p := in.read(scs)
		if len(rows) == 0 && len(p) == 0 {
			empty = append(empty, emptyFile(in.Name, 0))
		}
		incoming = append(incoming, rows...)
		probs = append(probs, p...)
	}
	probs = append(probs, st.conflicts(incoming)...)
	if len(probs) > 0 {
		return res, &ScoresError{Problems: probs}
	}
	res.Read = len(incoming)
	if res.Read == 0 {
		return res, fmt.Errorf("qa: import: %w; nothing was imported: %s (fill in the rating of each category, save the file, and import it again)",
			ErrNoReviews, strings.Join(empty, "; "))
	}
	if cfg.Ledger != "" {
		if err := led.matches(cfg.Ledger, incoming, log); err != nil {
			return res, fmt.Errorf("qa: import: %w", fielderr.New("ledger", "%w; nothing was imported", err))
		}
	}
	for _, e := range empty {
		// The other files' reviews are stored; this one may be the wrong file.
		log.Warn("qa: import: " + e)
	}

	fresh, probs := st.newVersions(incoming, &res)
	if len(probs) > 0 {
		return ImportResult{}, &ScoresError{Problems: probs}
	}
	for _, p := range future(incoming, now) {
		// A warning, not a refusal: the clock may be the importer's. A
		// disputed review's accepted rescore still becomes final.
		log.Warn("qa: a review is dated in the future; it outranks any version dated before it", "file", p.File, "line", p.Line, "problem", p.Msg)
	}
	if len(fresh) > 0 {
		if res.File, err = st.publish(ctx, "import", fresh, now); err != nil {
			return res, err
		}
	}
	log.Info("qa: scores imported", "reviews", res.Read, "stored", res.Stored, "known", res.Known, "unchanged", res.Unchanged, "file", res.File)
	if cfg.Ledger != "" {
		if res.LedgerRows, err = markReviewed(cfg.Ledger, led, st.rows); err != nil {
			return res, err
		}
	}
	return res, nil
}

// maxClockSkew is how far in the future a review's reviewed_at may lie: a
// reviewer's clock a little ahead is tolerated, a review dated hours ahead
// would outrank every later correction (the final version is the latest).
const maxClockSkew = 10 * time.Minute

// future names the reviews dated more than maxClockSkew after now, which
// import warns of.
func future(rows []lake.ReviewRow, now time.Time) []Problem {
	var probs []Problem
	for _, r := range rows {
		if r.At.After(now.Add(maxClockSkew)) {
			probs = append(probs, Problem{File: r.Source, Line: int(r.Line), Field: "reviewed_at",
				Msg: fmt.Sprintf("%s is in the future (now %s): is the reviewer's clock right?", r.At.Format(time.RFC3339), now.UTC().Format(time.RFC3339))})
		}
	}
	return probs
}

// Input is scores as data: JSON lines, as a scores file holds them.
type Input struct {
	// Name says where the scores came from; problems and the stored rows'
	// source name it ("web:alice").
	Name string
	Data []byte
}

func (in Input) read(scs scorecards) ([]lake.ReviewRow, []Problem) {
	return scs.parseJSONL(bytes.NewReader(in.Data), in.Name)
}

// readScores reads one scores file by its kind (.csv: a scores template;
// else JSON lines). unfilled counts a template's reviews not made yet.
func readScores(scs scorecards, path string) (rows []lake.ReviewRow, unfilled int, probs []Problem, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, nil, fmt.Errorf("qa: import: %w", err)
	}
	defer f.Close()
	source := filepath.Base(path)
	if strings.EqualFold(filepath.Ext(path), ".csv") {
		info, err := f.Stat()
		if err != nil {
			return nil, 0, nil, fmt.Errorf("qa: import: %w", err)
		}
		rows, unfilled, probs := scs.parseCSV(f, source, info.ModTime())
		return rows, unfilled, probs, nil
	}
	rows, probs = scs.parseJSONL(f, source)
	return rows, 0, probs, nil
}

// ErrNoReviews is wrapped by Import's error when the files hold no review
// at all (an empty file, a scores template nobody filled in): nothing is
// written, and the exit status tells a script that nothing was imported.
var ErrNoReviews = errors.New("no reviews in the scores")

// emptyFile describes a scores file (or input) that holds no review, for
// Import's error and warnings; unfilled is its template reviews not made yet.
func emptyFile(name string, unfilled int) string {
	if unfilled == 0 {
		return name + " holds no review"
	}
	return fmt.Sprintf("%s holds no review: none of its %d reviews (the rows of one conversation and reviewer) has a rating or comment filled in", name, unfilled)
}

// reviewStore is the lake's reviews dataset, read under the reviews lock,
// which it holds until close.
type reviewStore struct {
	root   string
	rows   []lake.ReviewRow
	unlock func() error
	log    *slog.Logger
}

// openReviews removes leftovers of interrupted lake commands, takes the
// reviews lock and reads the dataset.
func openReviews(ctx context.Context, root string, log *slog.Logger) (*reviewStore, error) {
	if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("qa: lake %s: not a directory", root)
	}
	if _, err := lake.SweepLocked(root, lake.SweepOptions{Log: log}); err != nil {
		// As ingest does: the leftovers are invisible to readers, and the next command retries.
		log.Error("qa: could not remove the leftovers of interrupted commands; the next command tries again", "lake", root, "err", err)
	}
	unlock, err := lake.LockReviews(root)
	if err != nil {
		return nil, fmt.Errorf("qa: %w", err)
	}
	rows, err := lake.ReadReviews(ctx, root)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("qa: read reviews: %w", err), unlock())
	}
	return &reviewStore{root: root, rows: rows, unlock: unlock, log: log}, nil
}

func (s *reviewStore) close() {
	if err := s.unlock(); err != nil {
		s.log.Error("qa: release the reviews lock", "err", err)
	}
}

// conflicts finds incoming versions that cannot be stored beside what the
// lake and the other incoming lines hold: a review id that names another
// conversation (the erased form of the same one is the same), or the same
// review id and reviewed_at scored differently on two lines.
func (s *reviewStore) conflicts(incoming []lake.ReviewRow) []Problem {
	type seen struct {
		row   lake.ReviewRow
		where string
	}
	conv := map[string]seen{}
	version := map[[2]string]seen{}
	for _, r := range s.rows {
		if r.Kind != lake.ReviewKindReview {
			continue
		}
		conv[r.ReviewID] = seen{r, "the lake"}
		version[versionKey(r)] = seen{r, "the lake"}
	}
	var probs []Problem
	for _, r := range incoming {
		here := fmt.Sprintf("line %d of %s", r.Line, r.Source)
		bad := func(field, format string, args ...any) {
			probs = append(probs, Problem{File: r.Source, Line: int(r.Line), Field: field, Msg: fmt.Sprintf(format, args...)})
		}
		// A review erased with its conversation names it by digest.
		if c, ok := conv[r.ReviewID]; ok && c.row.ConversationID != r.ConversationID && c.row.ConversationID != lake.ErasedConversationID(r.ConversationID) {
			bad("conversation_id", "review %s is of conversation %q in %s, not %q", r.ReviewID, c.row.ConversationID, c.where, r.ConversationID)
			continue
		}
		if v, ok := version[versionKey(r)]; ok && content(v.row) != content(r) && v.where != "the lake" {
			bad("reviewed_at", "review %s has another version with the same reviewed_at %s on %s", r.ReviewID, r.At.Format(time.RFC3339Nano), v.where)
			continue
		}
		conv[r.ReviewID] = seen{r, here}
		if _, ok := version[versionKey(r)]; !ok {
			version[versionKey(r)] = seen{r, here}
		}
	}
	return probs
}

func versionKey(r lake.ReviewRow) [2]string {
	return [2]string{r.ReviewID, r.At.UTC().Format(time.RFC3339Nano)}
}

// newVersions returns the incoming versions worth storing, counting the
// others in res: versions the lake holds (by review id and reviewed_at;
// that the lake's copy may differ, after an erase cleared its comments,
// keeps a re-import from bringing them back), and versions scored exactly
// like their review's latest version. A review whose dispute was accepted
// changes only by another dispute: an incoming version dated at or after
// that resolution would outrank its rescore, so it is unchanged if scored
// like any version the lake holds of the review (a sheet saved again: its
// rows still hold the scoring first imported, not the rescore), and a
// problem otherwise.
func (s *reviewStore) newVersions(incoming []lake.ReviewRow, res *ImportResult) ([]lake.ReviewRow, []Problem) {
	have := map[[2]string]bool{}
	latest := map[string]lake.ReviewRow{}
	scorings := map[string]map[string]bool{} // review id: scored() of each version
	consider := func(r lake.ReviewRow) {
		have[versionKey(r)] = true
		if l, ok := latest[r.ReviewID]; !ok || r.At.After(l.At) {
			latest[r.ReviewID] = r
		}
		if scorings[r.ReviewID] == nil {
			scorings[r.ReviewID] = map[string]bool{}
		}
		scorings[r.ReviewID][scored(r)] = true
	}
	accepted := map[string]lake.ReviewRow{} // review id: its latest accepted resolution
	for _, r := range s.rows {
		switch {
		case r.Kind == lake.ReviewKindReview:
			consider(r)
		case r.Kind == lake.ReviewKindResolution && r.Decision == lake.DecisionAccept:
			if a, ok := accepted[r.ReviewID]; !ok || r.At.After(a.At) {
				accepted[r.ReviewID] = r
			}
		}
	}
	// Oldest first, so that each version is compared with the one before it.
	sorted := slices.Clone(incoming)
	slices.SortStableFunc(sorted, func(a, b lake.ReviewRow) int { return a.At.Compare(b.At) })
	var fresh []lake.ReviewRow
	var probs []Problem
	for _, r := range sorted {
		a, resolved := accepted[r.ReviewID]
		resolved = resolved && !r.At.Before(a.At)
		switch l, ok := latest[r.ReviewID]; {
		case have[versionKey(r)]:
			res.Known++
		case resolved && scorings[r.ReviewID][scored(r)]:
			res.Unchanged++
		case resolved:
			probs = append(probs, Problem{File: r.Source, Line: int(r.Line), Msg: fmt.Sprintf(
				"review %s (conversation %s) was rescored when its dispute was accepted by %s on %s, and the rescore is final; "+
					"this version, dated %s, is scored like none the lake holds of the review and would replace the rescore: "+
					"put its ratings and comments back as they were, or to change the review, dispute it again and resolve it with this version as the rescore",
				r.ReviewID, r.ConversationID, a.By, a.At.Format(time.DateOnly), r.At.Format(time.RFC3339))})
		case ok && scored(l) == scored(r):
			res.Unchanged++
		default:
			res.Stored++
			fresh = append(fresh, r)
			consider(r)
		}
	}
	return fresh, probs
}

// publish writes rows as one new file of the reviews dataset, in today's
// partition, named by its content, and adds them to s.rows. Each row first
// gets what an erase recorded of its conversation (keepErased).
func (s *reviewStore) publish(ctx context.Context, kind string, rows []lake.ReviewRow, now time.Time) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("qa: %w", err)
	}
	s.keepErased(rows)
	h := sha256.New()
	for i := range rows {
		rows[i].RecordedAt = now.UTC().Truncate(time.Microsecond)
		b, err := json.Marshal(rows[i])
		if err != nil {
			return "", fmt.Errorf("qa: encode review: %w", err)
		}
		h.Write(b)
	}
	dir := lake.ReviewPartitionDir(s.root, now)
	name := kind + "-" + hex.EncodeToString(h.Sum(nil))[:lake.ImportHashLen] + lake.ParquetExt
	if err := lake.PublishParquet(s.root, dir, name, rows); err != nil {
		return "", fmt.Errorf("qa: store reviews: %w", err)
	}
	s.rows = append(s.rows, rows...)
	return filepath.Join(dir, name), nil
}

// keepErased gives rows what `parley erase` recorded on the stored rows of their conversation,
// which the scores files do not hold, so that a version imported or rescored after the erase
// keeps the review's date and agent in qa_reviews once the conversation is gone: the
// conversation's start (the earliest conversation_started_at of the stored rows naming the
// conversation as it is or in its erased form, lake.ErasedConversationID), and, for a row that
// names no agent, the agent its review's stored versions name (erase records the conversation's
// most active agent there). A conversation no stored row dates keeps none: its review is dated
// by its own time (docs/qa.md, "Erasure and retention of reviews").
func (s *reviewStore) keepErased(rows []lake.ReviewRow) {
	starts := map[string]time.Time{}
	agents := map[string]lake.ReviewRow{} // review id: its latest stored version naming an agent
	for _, r := range s.rows {
		if at := r.ConversationStartedAt; !at.IsZero() {
			if start, ok := starts[r.ConversationID]; !ok || at.Before(start) {
				starts[r.ConversationID] = at
			}
		}
		if a, ok := agents[r.ReviewID]; r.Kind == lake.ReviewKindReview && r.AgentID != "" && (!ok || r.At.After(a.At)) {
			agents[r.ReviewID] = r
		}
	}
	for i := range rows {
		r := &rows[i]
		for _, id := range []string{r.ConversationID, lake.ErasedConversationID(r.ConversationID)} {
			if start, ok := starts[id]; ok && (r.ConversationStartedAt.IsZero() || start.Before(r.ConversationStartedAt)) {
				r.ConversationStartedAt = start
			}
		}
		if r.AgentID == "" {
			r.AgentID = agents[r.ReviewID].AgentID
		}
	}
}

// history is one review's rows, each kind in the order it happened.
type history struct {
	versions, events []lake.ReviewRow // events: disputes and resolutions
}

func (s *reviewStore) history(id string) history {
	var h history
	for _, r := range s.rows {
		if r.ReviewID != id {
			continue
		}
		if r.Kind == lake.ReviewKindReview {
			h.versions = append(h.versions, r)
		} else {
			h.events = append(h.events, r)
		}
	}
	order := func(a, b lake.ReviewRow) int {
		return cmp.Or(a.At.Compare(b.At), a.RecordedAt.Compare(b.RecordedAt))
	}
	slices.SortStableFunc(h.versions, order)
	slices.SortStableFunc(h.events, order)
	return h
}

// openDispute is the review's dispute not yet resolved, if any.
func (h history) openDispute() (lake.ReviewRow, bool) {
	if n := len(h.events); n > 0 && h.events[n-1].Kind == lake.ReviewKindDispute {
		return h.events[n-1], true
	}
	return lake.ReviewRow{}, false
}

func orNow(t time.Time) time.Time {
	if t.IsZero() {
		return time.Now()
	}
	return t
}

func orDiscard(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l
}
