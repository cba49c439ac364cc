package governance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
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
}

// String is a one-line summary for the CLI.
func (s EraseStats) String() string {
	return fmt.Sprintf("%d events of %d conversations removed, %d dead letters scrubbed, %d of %d files rewritten",
		s.Events, s.Conversations, s.DeadLetters, s.FilesRewritten, s.FilesScanned)
}

// erasedDetail replaces a scrubbed dead letter's detail, which may quote the input.
const erasedDetail = "raw bytes erased by parley erase"

// Erase removes the customer's events from every events file of the lake,
// and scrubs the raw bytes of their dead letters, each file by atomic
// rewrite under its own name. It holds the lake's exclusive lock throughout,
// so ingest publishes and compaction wait for it, and it appends an entry to
// the audit log whether it succeeds or fails part way.
//
// Dead letters keep their row (source, offset, reason), so received = written
// + dead-lettered still reconciles; only Raw, Key and Detail are cleared. A
// dead letter is the customer's if its bytes decode far enough to name them
// as actor (or, with Conversations, name one of their conversations), or if
// they contain the customer ID as a JSON string anywhere: invalid input is
// erased generously rather than kept on a technicality.
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

	runErr := erase(ctx, cfg, log, &st)
	e := newEntry("erase", cfg.Reason, cfg.DryRun, now)
	e.Params["customer_sha256"] = CustomerDigest(cfg.Customer)
	e.Params["conversations"] = strconv.FormatBool(cfg.Conversations)
	e.Counts["events"] = st.Events
	e.Counts["conversations"] = st.Conversations
	e.Counts["dead_letters"] = st.DeadLetters
	e.Counts["files_scanned"] = int64(st.FilesScanned)
	e.Counts["files_rewritten"] = int64(st.FilesRewritten)
	if runErr != nil {
		e.Error = runErr.Error()
	}
	return st, errors.Join(runErr, appendAudit(cfg.Lake, e))
}

func erase(ctx context.Context, cfg EraseConfig, log *slog.Logger, st *EraseStats) error {
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
			err := lake.EachRow(ctx, path, func(r *lake.Row) error {
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

	quotedID, err := json.Marshal(cfg.Customer)
	if err != nil {
		return fmt.Errorf("governance: erase: encode customer ID: %w", err)
	}
	scrub := func(d *lake.DeadLetter) (keep, changed bool) {
		if d.Raw == nil && d.Key == nil && d.Detail == erasedDetail {
			return true, false // scrubbed by an earlier run
		}
		if !deadLetterOf(d, cfg.Customer, quotedID, cfg.Conversations, convs) {
			return true, false
		}
		d.Raw, d.Key, d.Detail = nil, nil, erasedDetail
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

// deadLetterOf reports whether the dead letter d belongs to the customer.
func deadLetterOf(d *lake.DeadLetter, customer string, quotedID []byte, wholeConversations bool, convs map[string]bool) bool {
	// Loosely typed on purpose: dead letters failed strict decoding.
	var probe struct {
		ConversationID any `json:"conversation_id"`
		Actor          struct {
			ID any `json:"id"`
		} `json:"actor"`
	}
	if json.Unmarshal(d.Raw, &probe) == nil {
		if id, ok := probe.Actor.ID.(string); ok && id == customer {
			return true
		}
		if c, ok := probe.ConversationID.(string); ok && wholeConversations && convs[c] {
			return true
		}
	}
	if bytes.Contains(d.Raw, quotedID) || bytes.Equal(d.Key, []byte(customer)) {
		return true
	}
	return wholeConversations && convs[string(d.Key)]
}
