package governance

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/lake"
)

// EraseConfig configures Erase.
type EraseConfig struct {
	// Lake is the lake root directory.
	Lake string
	// Customer is the actor ID of the customer to erase.
	Customer string
	// Conversations also erases every event, of any actor, of each
	// conversation the customer took part in.
	Conversations bool
	// DryRun counts what would be erased and changes nothing but the audit log.
	DryRun bool
	// Reason is recorded in the audit log (a ticket or request reference).
	Reason string
	// Now stamps the audit entry; zero means time.Now.
	Now time.Time
	// Log receives one line per rewritten file; nil discards them.
	Log *slog.Logger
}

// Validate checks the configuration and returns every problem, each naming its field.
func (c *EraseConfig) Validate() error {
	var errs []error
	if c.Lake == "" {
		errs = append(errs, errors.New("lake: required"))
	}
	if c.Customer == "" {
		errs = append(errs, errors.New("customer: required"))
	}
	return errors.Join(errs...)
}

// EraseStats counts what Erase did (or, in a dry run, would do).
type EraseStats struct {
	// FilesScanned events and dead-letter files were read; FilesRewritten of them changed.
	FilesScanned, FilesRewritten int
	// Events removed from events files; Conversations is how many distinct
	// conversations those events belonged to.
	Events, Conversations int64
	// DeadLetters whose raw bytes (and key) were scrubbed.
	DeadLetters int64
	// DeadLettersUnverifiable were cut at 1 MiB and written before ingest
	// recorded the IDs of whole messages: the customer may be named after
	// the cut, which no longer exists, so they are kept and reported.
	DeadLettersUnverifiable int64
	// Leftovers of interrupted lake commands removed first (lake.Sweep),
	// and LeftoversInUse: temporary entries live processes were writing.
	Leftovers, LeftoversInUse int
}

// String is a one-line summary for the CLI.
func (s EraseStats) String() string {
	out := fmt.Sprintf("%d events of %d conversations removed, %d dead letters scrubbed, %d of %d files rewritten",
		s.Events, s.Conversations, s.DeadLetters, s.FilesRewritten, s.FilesScanned)
	if s.Leftovers > 0 {
		out += fmt.Sprintf(", %d leftovers of interrupted commands removed", s.Leftovers)
	}
	if s.DeadLettersUnverifiable > 0 {
		out += fmt.Sprintf(", %d dead letters cut before their IDs were recorded left to check by hand", s.DeadLettersUnverifiable)
	}
	if s.LeftoversInUse > 0 {
		out += fmt.Sprintf(", %d temporary entries of live processes left alone", s.LeftoversInUse)
	}
	return out
}

// erasedDetail replaces a scrubbed dead letter's detail, which may quote the input.
const erasedDetail = "raw bytes erased by parley erase"

// Erase removes the customer's events from every events file of the lake,
// and scrubs the raw bytes of their dead letters, each file by atomic
// rewrite under its own name. It holds the lake's exclusive lock throughout,
// so ingest publishes and compaction wait for it. It first removes what
// interrupted lake commands left behind (lake.Sweep): copies of events that
// no reader sees, such as the old files of a compact killed after its swap.
// It records itself in the audit log before it changes anything and again
// when it ends, whether it succeeds or fails part way (auditedRun).
//
// Dead letters keep their row (source, offset, reason), so received = written
// + dead-lettered still reconciles; Raw, Key, Detail and the ID columns are
// cleared. A dead letter is the customer's if the IDs ingest read from the
// whole message name them as actor (or, with Conversations, name one of
// their conversations), if its key is the ID, or if its bytes hold the ID
// as a JSON string (compared decoded) or as a whole word: invalid input is
// erased generously rather than kept on a technicality. Cut dead letters
// from before the ID columns existed cannot be attributed; they are kept,
// counted and logged (EraseStats.DeadLettersUnverifiable).
func Erase(ctx context.Context, cfg EraseConfig) (EraseStats, error) {
	var st EraseStats
	if err := cfg.Validate(); err != nil {
		return st, fmt.Errorf("governance: erase: %w", err)
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	now := cfg.Now
	if now.IsZero() {
		now = time.Now()
	}
	unlock, err := lake.Lock(cfg.Lake, true)
	if err != nil {
		return st, fmt.Errorf("governance: erase: %w", err)
	}
	defer unlock() //nolint:errcheck // closing the lock file releases the lock either way

	e := newEntry("erase", cfg.Reason, cfg.DryRun, now)
	e.Params["customer_sha256"] = CustomerDigest(cfg.Customer)
	e.Params["conversations"] = strconv.FormatBool(cfg.Conversations)
	err = auditedRun(cfg.Lake, e, log, func(e *Entry) error {
		runErr := erase(ctx, cfg, log, &st)
		e.Counts["events"] = st.Events
		e.Counts["conversations"] = st.Conversations
		e.Counts["dead_letters"] = st.DeadLetters
		e.Counts["dead_letters_unverifiable"] = st.DeadLettersUnverifiable
		e.Counts["files_scanned"] = int64(st.FilesScanned)
		e.Counts["files_rewritten"] = int64(st.FilesRewritten)
		e.Counts["leftovers_removed"] = int64(st.Leftovers)
		e.Counts["leftovers_in_use"] = int64(st.LeftoversInUse)
		return runErr
	})
	return st, err
}

func erase(ctx context.Context, cfg EraseConfig, log *slog.Logger, st *EraseStats) error {
	// Leftovers of interrupted commands hold copies of events no reader
	// sees, and so no rewrite below would reach: they go first.
	sw, err := lake.Sweep(cfg.Lake, lake.SweepOptions{DryRun: cfg.DryRun, Log: log})
	st.Leftovers, st.LeftoversInUse = len(sw.Removed), len(sw.InUse)
	if err != nil {
		return fmt.Errorf("governance: erase: %w", err)
	}
	if len(sw.InUse) > 0 {
		log.Warn("erase: live processes are writing temporary files this erase cannot reach: an ingest or import batch not yet published "+
			"(new input, published after this erase: erase again once it is in) or a compact's merge (refused at its swap if it read a file this erase rewrites)",
			"entries", sw.InUse)
	}
	events, err := lakeFiles(cfg.Lake, lake.EventsGlob(cfg.Lake))
	if err != nil {
		return err
	}
	dead, err := lakeFiles(cfg.Lake, lake.DeadLetterGlob(cfg.Lake))
	if err != nil {
		return err
	}
	isCustomer := func(r *lake.Row) bool {
		return r.ActorRole == event.RoleCustomer && r.ActorID == cfg.Customer
	}
	// The customer's conversations: counted either way, and needed up front
	// (one extra pass over the lake) only to erase them whole.
	convs := make(map[string]bool)
	if cfg.Conversations {
		for _, path := range events {
			err := eachRow(ctx, path, func(r *lake.Row) error {
				if isCustomer(r) {
					convs[r.ConversationID] = true
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
	}
	dropEvent := func(r *lake.Row) (keep, changed bool) {
		if isCustomer(r) {
			convs[r.ConversationID] = true
			return false, false
		}
		return !(cfg.Conversations && convs[r.ConversationID]), false
	}
	for _, path := range events {
		n, err := apply(ctx, path, dropEvent, cfg.DryRun, log)
		st.FilesScanned++
		if n.removed > 0 {
			st.FilesRewritten++
		}
		st.Events += n.removed
		st.Conversations = int64(len(convs))
		if err != nil {
			return err
		}
	}

	var wholeConvs map[string]bool
	if cfg.Conversations {
		wholeConvs = convs
	}
	m := newDeadLetterMatcher(cfg.Customer, wholeConvs)
	// Keyed by origin: apply may call scrub twice per row (scan, rewrite).
	unknown := make(map[string]bool)
	scrub := func(d *lake.DeadLetter) (keep, changed bool) {
		if d.Raw == nil && d.Key == nil && d.Detail == erasedDetail {
			return true, false // scrubbed by an earlier run
		}
		if !m.matches(d) {
			if unverifiable(d) {
				unknown[fmt.Sprintf("%s/%d/%d", d.Source, d.Partition, d.Offset)] = true
			}
			return true, false
		}
		// The ID columns name the customer too.
		d.Raw, d.Key, d.Detail, d.ActorID, d.ConversationID = nil, nil, erasedDetail, nil, nil
		return true, true
	}
	for _, path := range dead {
		n, err := apply(ctx, path, scrub, cfg.DryRun, log)
		st.FilesScanned++
		if n.changed > 0 {
			st.FilesRewritten++
		}
		st.DeadLetters += n.changed
		if err != nil {
			return err
		}
	}
	st.DeadLettersUnverifiable = int64(len(unknown))
	if len(unknown) > 0 {
		log.Warn("erase: dead letters cut at 1 MiB before ingest recorded message IDs may name the customer after the cut; they were kept. "+
			"Inspect them (source/partition/offset) and scrub by hand if they are the customer's",
			"count", len(unknown), "dead_letters", slices.Sorted(maps.Keys(unknown)))
	}
	return nil
}

// apply scans the file and, unless dryRun, rewrites it if ed changes anything.
func apply[T any](ctx context.Context, path string, ed edit[T], dryRun bool, log *slog.Logger) (rewriteResult, error) {
	n, err := scanFile(ctx, path, ed)
	if err != nil || dryRun || n.removed+n.changed == 0 {
		return n, err
	}
	n, err = rewriteFile(ctx, path, ed)
	if err == nil {
		log.Info("erase: rewrote", "file", path, "rows", n.rows, "removed", n.removed, "scrubbed", n.changed)
	}
	return n, err
}
