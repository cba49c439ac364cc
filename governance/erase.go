package governance

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/fielderr"
	"github.com/parley-cx/parley/internal/lake"
	"github.com/parley-cx/parley/internal/objstore"
	"github.com/parley-cx/parley/internal/suggest"
)

// EraseConfig configures Erase.
type EraseConfig struct {
	// Lake is the lake root: a directory, or s3://bucket/prefix.
	Lake string
	// S3 says how to reach the bucket of an s3:// Lake.
	S3 objstore.Options
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
	// Outputs are folders (or files) of outputs made from the lake: QA
	// packets and ledgers, `parley export` and `parley sql --out` files. The
	// customer's conversations are removed from them too, whole, and every
	// file under them is then checked for what is left (an
	// *OutputsStillHoldError lists what is).
	Outputs []string
	// OutputRewriters rewrite the kinds of output whose layout this package
	// does not own; cmd/parley passes QA's (packets and ledgers). Tables
	// (CSV with a header, Parquet) with conversation_id, customer_id or
	// actor_id columns are rewritten here, and those with a review_id of a
	// review another table ties to a conversation (qa_ratings).
	OutputRewriters []OutputRewriter
}

// Validate checks the configuration and returns every problem, each naming its field.
func (c *EraseConfig) Validate() error {
	var errs []error
	if c.Lake == "" {
		errs = append(errs, fielderr.New("lake", "required"))
	}
	if c.Customer == "" {
		errs = append(errs, fielderr.New("customer", "required"))
	}
	for _, out := range c.Outputs {
		if err := outsideLake(c.Lake, out); err != nil {
			errs = append(errs, fielderr.New("outputs", "%w", err))
		}
	}
	return errors.Join(errs...)
}

// outsideLake checks that out exists and neither lies in the lake nor holds
// it: the lake's files are erased by their own rules, not as outputs.
func outsideLake(lakeDir, out string) error {
	realOut, err := filepath.EvalSymlinks(out)
	if err != nil {
		return err
	}
	realLake, err := filepath.EvalSymlinks(lakeDir)
	if err != nil {
		return nil //nolint:nilerr // no lake yet, so no overlap; the lake field reports it
	}
	for _, pair := range [][2]string{{realLake, realOut}, {realOut, realLake}} {
		if rel, err := filepath.Rel(pair[0], pair[1]); err == nil && filepath.IsLocal(rel) {
			return fmt.Errorf("%s overlaps the lake %s; give folders of outputs only", out, lakeDir)
		}
	}
	return nil
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
	// Reviews are the rows of the QA reviews dataset (review versions,
	// disputes, resolutions) of the customer's conversations whose free
	// text was cleared (and, with Conversations, whose conversation ID was
	// replaced by ErasedConversationID).
	Reviews int64
	// DeadLettersUnverifiable were cut at 1 MiB and written before ingest
	// recorded the IDs of whole messages: the customer may be named after
	// the cut, which no longer exists, so they are kept and reported.
	DeadLettersUnverifiable int64
	// Leftovers of interrupted lake commands removed first (lake.Sweep),
	// and LeftoversInUse: temporary entries live processes were writing.
	Leftovers, LeftoversInUse int
	// Outputs is what erasing from EraseConfig.Outputs did.
	Outputs OutputStats
	// AlreadyErased is the end line of the latest earlier erase of the
	// customer (not a dry run) that erased the lake, when this run found
	// nothing of theirs left in the lake: a repeated request, not a
	// mistyped ID. That run may have failed afterwards, on outputs still
	// holding the customer (its Status says so).
	AlreadyErased *Entry
}

// found reports whether the run found anything of the customer: in the
// lake, or in the outputs.
func (s EraseStats) found() bool {
	return s.Events+s.DeadLetters+s.Reviews+s.Outputs.Removed > 0 || s.Outputs.StillHolding > 0
}

// String is a one-line summary for the CLI.
func (s EraseStats) String() string {
	out := fmt.Sprintf("%d events of %d conversations removed, %d dead letters scrubbed, %d QA review rows scrubbed, %d of %d files rewritten",
		s.Events, s.Conversations, s.DeadLetters, s.Reviews, s.FilesRewritten, s.FilesScanned)
	if s.Leftovers > 0 {
		out += fmt.Sprintf(", %d leftovers of interrupted commands removed", s.Leftovers)
	}
	if s.DeadLettersUnverifiable > 0 {
		out += fmt.Sprintf(", %d dead letters cut before their IDs were recorded left to check by hand", s.DeadLettersUnverifiable)
	}
	if s.LeftoversInUse > 0 {
		out += fmt.Sprintf(", %d temporary entries of live processes left alone", s.LeftoversInUse)
	}
	if o := s.Outputs; o.FilesChecked > 0 {
		out += fmt.Sprintf("; outputs: %d rows and pages removed, %d of %d files rewritten, %d still holding the customer",
			o.Removed, o.FilesRewritten, o.FilesChecked, o.StillHolding)
	}
	if a := s.AlreadyErased; a != nil {
		out += fmt.Sprintf("; the lake holds nothing of the customer: already erased by run %s on %s (%d events removed then",
			a.Run, a.Time.UTC().Format(time.RFC3339), a.Counts["events"])
		if a.Status == StatusFailed {
			out += "; its outputs check failed"
		}
		out += ")"
	}
	return out
}

// CustomerNotFoundError is Erase's error when neither the lake (events,
// dead letters, QA reviews) nor the outputs hold anything of the customer
// and the audit log records no earlier erase of them: most likely a
// mistyped ID, which must not look like a request carried out. Nothing was
// changed. Near lists customer IDs of the lake close to the one given.
type CustomerNotFoundError struct {
	Customer string
	Near     []string
}

func (e *CustomerNotFoundError) Error() string {
	return fmt.Sprintf("governance: erase: no event, dead letter or QA review in the lake has the customer ID %q, and no earlier erase of it is recorded; nothing was erased%s",
		e.Customer, suggest.Hint(e.Customer, e.Near))
}

// AuditText is the error as the audit log records it: the audit log names
// customers by digest only, so neither the ID given nor those of Near
// (other customers') appear.
func (e *CustomerNotFoundError) AuditText() string {
	return "governance: erase: no event, dead letter or QA review in the lake has this customer ID, and no earlier erase of it is recorded; nothing was erased"
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
	h, err := holdLake(ctx, cfg.Lake, cfg.S3, "erase", log)
	if err != nil {
		return st, fmt.Errorf("governance: erase: %w", err)
	}
	defer func() {
		if uerr := h.unlock(); uerr != nil {
			log.Warn("erase: could not release the lake", "err", uerr)
		}
	}()

	e := newEntry("erase", cfg.Reason, cfg.DryRun, now)
	e.Params["customer_sha256"] = CustomerDigest(cfg.Customer)
	e.Params["conversations"] = strconv.FormatBool(cfg.Conversations)
	if len(cfg.Outputs) > 0 {
		e.Params["outputs"] = strings.Join(cfg.Outputs, ",")
	}
	err = auditedRun(h.audit, e, log, func(e *Entry) error {
		convs, lakeDone, runErr := erase(ctx, cfg, h, log, &st)
		// The lake part's own outcome, beside the run's status: a run that
		// erased the lake and then failed its outputs check still erased
		// the customer, and a repeated run must know it (earlierErase).
		e.Params["lake_status"] = StatusFailed
		if lakeDone {
			e.Params["lake_status"] = StatusCompleted
		}
		// By digest only, like the customer: a later run with --also-outputs
		// recognises these conversations once the lake no longer holds them.
		if len(convs) > 0 {
			e.Params["conversations_sha256"] = digestList(convs)
		}
		if len(cfg.Outputs) > 0 {
			e.Counts["outputs_files_checked"] = int64(st.Outputs.FilesChecked)
			e.Counts["outputs_files_rewritten"] = int64(st.Outputs.FilesRewritten)
			e.Counts["outputs_removed"] = st.Outputs.Removed
			e.Counts["outputs_still_holding"] = int64(st.Outputs.StillHolding)
		}
		e.Counts["events"] = st.Events
		e.Counts["conversations"] = st.Conversations
		e.Counts["dead_letters"] = st.DeadLetters
		e.Counts["dead_letters_unverifiable"] = st.DeadLettersUnverifiable
		e.Counts["reviews"] = st.Reviews
		e.Counts["files_scanned"] = int64(st.FilesScanned)
		e.Counts["files_rewritten"] = int64(st.FilesRewritten)
		e.Counts["leftovers_removed"] = int64(st.Leftovers)
		e.Counts["leftovers_in_use"] = int64(st.LeftoversInUse)
		return runErr
	})
	return st, err
}

// lakeErased is what erasing from the lake found.
type lakeErased struct {
	// convs are the customer's conversations.
	convs map[string]bool
	// near are customer IDs of the lake close to the one asked for, looked
	// for only when the lake holds nothing of the customer and no erase of
	// them is recorded (the "did you mean" of CustomerNotFoundError).
	near []string
}

// erase does the work of Erase and returns the customer's conversations,
// and whether erasing from the lake completed (whatever the outputs then
// showed).
func erase(ctx context.Context, cfg EraseConfig, h *heldLake, log *slog.Logger, st *EraseStats) (map[string]bool, bool, error) {
	var found lakeErased
	var err error
	if h.bucket != nil {
		found, err = eraseBucket(ctx, cfg, h, log, st)
	} else {
		found, err = eraseFolder(ctx, cfg, h.audit, log, st)
	}
	convs := found.convs
	if err != nil {
		return convs, false, err
	}
	if st.Events+st.DeadLetters+st.Reviews == 0 {
		st.AlreadyErased = earlierErase(h.audit, cfg.Customer)
	}
	if len(cfg.Outputs) > 0 {
		err = eraseOutputs(ctx, cfg, h, log, st, convs)
	}
	if err == nil && !st.found() && st.AlreadyErased == nil {
		err = &CustomerNotFoundError{Customer: cfg.Customer, Near: found.near}
	}
	return convs, true, err
}

// eraseOutputs removes the customer's conversations from cfg.Outputs.
func eraseOutputs(ctx context.Context, cfg EraseConfig, h *heldLake, log *slog.Logger, st *EraseStats, convs map[string]bool) error {
	o := outputEraser{cfg: cfg, log: log, convs: convs, hashed: conversationDigests(h.audit, cfg.Customer), st: &st.Outputs}
	if len(convs) == 0 && len(o.hashed) == 0 {
		log.Warn("erase: neither the lake nor the audit log knows a conversation of the customer; outputs are checked for the customer's ID and customer_id/actor_id columns only")
	}
	err := o.run(ctx)
	st.Outputs.StillHolding = len(o.remaining)
	if err == nil && len(o.remaining) > 0 {
		err = &OutputsStillHoldError{Files: o.remaining, DryRun: cfg.DryRun}
	}
	return err
}

// earlierErase is the end line of the latest erase of customer, not a dry
// run, that found something of theirs and erased the lake: recorded as
// completed, or as failed after its lake part completed (params.lake_status:
// its outputs still held the customer); nil if none. A line of the log
// that does not decode was reported when the run started.
func earlierErase(audit auditLog, customer string) *Entry {
	entries, _ := audit.read() //nolint:errcheck // see above; every whole line is returned
	want := CustomerDigest(customer)
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		found := e.Counts["events"] + e.Counts["dead_letters"] + e.Counts["reviews"] + e.Counts["outputs_removed"]
		lakeErased := e.Status == StatusCompleted || (e.Status == StatusFailed && e.Params["lake_status"] == StatusCompleted)
		if e.Action == "erase" && lakeErased && !e.DryRun && e.Params["customer_sha256"] == want && found > 0 {
			return &e
		}
	}
	return nil
}

// OutputsStillHoldError lists the files under the outputs that still name
// the customer or one of their conversations after erasing from them (in
// a dry run: that would), in a form erase cannot rewrite: pages it did not
// write (dashboards), files in other formats, links.
type OutputsStillHoldError struct {
	Files  []string
	DryRun bool
}

func (e *OutputsStillHoldError) Error() string {
	verb := "still hold"
	if e.DryRun {
		verb = "would still hold (dry run)"
	}
	return fmt.Sprintf("governance: erase: %d files under the outputs %s the customer or their conversations; delete them or make them again from the rebuilt warehouse:\n  %s",
		len(e.Files), verb, strings.Join(e.Files, "\n  "))
}

// eraseFolder erases from a lake folder, after removing what interrupted
// commands left: leftovers hold copies of events no reader sees, and so no
// rewrite would reach.
func eraseFolder(ctx context.Context, cfg EraseConfig, audit auditLog, log *slog.Logger, st *EraseStats) (lakeErased, error) {
	sw, err := lake.Sweep(cfg.Lake, lake.SweepOptions{DryRun: cfg.DryRun, Log: log})
	st.Leftovers, st.LeftoversInUse = len(sw.Removed), len(sw.InUse)
	if err != nil {
		return lakeErased{}, fmt.Errorf("governance: erase: %w", err)
	}
	warnInUse(log, sw.InUse)
	return eraseLake(ctx, cfg, audit, log, st, nil)
}

// warnInUse says which temporary entries of live processes an erase
// cannot reach.
func warnInUse(log *slog.Logger, inUse []string) {
	if len(inUse) > 0 {
		log.Warn("erase: live processes are writing temporary files this erase cannot reach: an ingest or import batch not yet published "+
			"(new input, published after this erase: erase again once it is in) or a compact's merge (refused at its swap if it read a file this erase rewrites)",
			"entries", inUse)
	}
}

// eraseLake erases the customer from the lake folder cfg.Lake's files;
// rewritten, if set, is called with each file once it is rewritten.
func eraseLake(ctx context.Context, cfg EraseConfig, audit auditLog, log *slog.Logger, st *EraseStats, rewritten func(path string) error) (lakeErased, error) {
	events, err := lakeFiles(cfg.Lake, lake.EventsGlob(cfg.Lake))
	if err != nil {
		return lakeErased{}, err
	}
	dead, err := lakeFiles(cfg.Lake, lake.DeadLetterGlob(cfg.Lake))
	if err != nil {
		return lakeErased{}, err
	}
	isCustomer := func(r *lake.Row) bool {
		return lake.Text(r.ActorRole) == event.RoleCustomer && lake.Text(r.ActorID) == cfg.Customer
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
				return lakeErased{}, err
			}
		}
	}
	// What the erased events said of their conversations, which the reviews of them keep
	// (eraseReviews).
	gone := newRemoved()
	dropEvent := func(r *lake.Row) (keep, changed bool) {
		if isCustomer(r) {
			convs[r.ConversationID] = true
		} else if !(cfg.Conversations && convs[r.ConversationID]) {
			return true, false
		}
		gone.add(r)
		return false, false
	}
	for _, path := range events {
		n, err := apply(ctx, path, dropEvent, cfg.DryRun, log, rewritten)
		st.FilesScanned++
		if n.removed > 0 {
			st.FilesRewritten++
		}
		st.Events += n.removed
		st.Conversations = int64(len(convs))
		if err != nil {
			return lakeErased{}, err
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
		n, err := apply(ctx, path, scrub, cfg.DryRun, log, rewritten)
		st.FilesScanned++
		if n.changed > 0 {
			st.FilesRewritten++
		}
		st.DeadLetters += n.changed
		if err != nil {
			return lakeErased{}, err
		}
	}
	st.DeadLettersUnverifiable = int64(len(unknown))
	if len(unknown) > 0 {
		log.Warn("erase: dead letters cut at 1 MiB before ingest recorded message IDs may name the customer after the cut; they were kept. "+
			"Inspect them (source/partition/offset) and scrub by hand if they are the customer's",
			"count", len(unknown), "dead_letters", slices.Sorted(maps.Keys(unknown)))
	}
	if err := eraseReviews(ctx, cfg, audit, convs, gone, log, st, rewritten); err != nil {
		return lakeErased{}, err
	}
	found := lakeErased{convs: convs}
	if st.Events+st.DeadLetters+st.Reviews == 0 && earlierErase(audit, cfg.Customer) == nil {
		// Most likely a mistyped ID: the error names the customers it may have meant.
		if found.near, err = nearCustomers(ctx, events, cfg.Customer); err != nil {
			return lakeErased{}, err
		}
	}
	return found, nil
}

// maxNearMisses bounds the IDs a "did you mean" offers.
const maxNearMisses = 5

// nearCustomers are the customer IDs of the events files close to id
// (suggest.Close), sorted, at most maxNearMisses of them.
func nearCustomers(ctx context.Context, events []string, id string) ([]string, error) {
	near := make(map[string]bool)
	for _, path := range events {
		err := lake.EachRow(ctx, path, func(r *lake.Row) error {
			if actor := lake.Text(r.ActorID); lake.Text(r.ActorRole) == event.RoleCustomer && !near[actor] && suggest.Close(id, actor) {
				near[actor] = true
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	out := slices.Sorted(maps.Keys(near))
	return out[:min(len(out), maxNearMisses)], nil
}

// removed is what the events erase removes said of their conversations, which the reviews of
// those conversations keep (eraseReviews): the earliest event of each, and its human replies.
type removed struct {
	starts map[string]time.Time
	// replies holds each conversation's human replies by event ID: apply reads a file twice
	// (scan, rewrite), and the lake may hold copies of an event, which the build counts once.
	replies map[string]map[string]reply
}

// reply is one human reply: who wrote it and where it falls in the conversation's order
// (occurred_at, then event_id, as the build's seq orders two messages).
type reply struct {
	agent, eventID string
	at             time.Time
}

func (a reply) before(b reply) bool {
	return a.at.Before(b.at) || a.at.Equal(b.at) && a.eventID < b.eventID
}

func newRemoved() removed {
	return removed{starts: map[string]time.Time{}, replies: map[string]map[string]reply{}}
}

// add records an event erase removes.
func (g removed) add(r *lake.Row) {
	if start, ok := g.starts[r.ConversationID]; !ok || r.OccurredAt.Before(start) {
		g.starts[r.ConversationID] = r.OccurredAt
	}
	// A human reply (docs/metrics.md; is_human_reply, sql/build/201_reference.sql): a public,
	// not automated message by an agent, counted for the agent's id when it has one.
	agent := lake.Text(r.ActorID)
	if event.Type(r.Type) != event.MessageSent || lake.Text(r.ActorRole) != event.RoleAgent || agent == "" ||
		(r.MessagePrivate != nil && *r.MessagePrivate) || (r.MessageAutomated != nil && *r.MessageAutomated) {
		return
	}
	if g.replies[r.ConversationID] == nil {
		g.replies[r.ConversationID] = map[string]reply{}
	}
	if _, seen := g.replies[r.ConversationID][r.EventID]; !seen {
		g.replies[r.ConversationID][r.EventID] = reply{agent: agent, eventID: r.EventID, at: r.OccurredAt}
	}
}

// mostActive is the conversation's most_active_agent_id as the build derived it from the removed
// events (docs/metrics.md: the agent with the most human replies; tie: the one who replied
// first); "" when none of them is a human reply.
func (g removed) mostActive(conversationID string) string {
	count := map[string]int{}
	first := map[string]reply{}
	for _, r := range g.replies[conversationID] {
		count[r.agent]++
		if f, ok := first[r.agent]; !ok || r.before(f) {
			first[r.agent] = r
		}
	}
	best := ""
	for agent, n := range count {
		if best == "" || n > count[best] || n == count[best] && first[agent].before(first[best]) {
			best = agent
		}
	}
	return best
}

// eraseReviews scrubs the customer's conversations from the QA reviews
// dataset. A review is the reviewed agent's record and the reviewer's
// work, not the customer's data, so its scores, agent, reviewer, scorecard
// and times stay; what could quote or point at the customer goes: the
// review's and every rating's comment and a dispute's reason are cleared,
// and with Conversations (the conversation is gone from the lake) its
// conversation ID becomes lake.ErasedConversationID. What the build reads
// of the conversation for the review is recorded on it, from the removed
// events, so that the review keeps the conversation's date and agent and
// the agents' figures do not change: its ConversationStartedAt becomes the
// earliest erased event of the conversation if that is earlier than what it
// holds (with the events the lake keeps, the conversation's start as it
// was), and a review that names no agent (the build gives it the
// conversation's most_active_agent_id) gets the most active agent of the
// removed events. The customer's
// conversations are those the lake holds, and those an earlier erase of
// the same customer recorded by digest in the audit log (a scores file
// imported after that erase, whose rows hold the start and agent the import
// took from the stored rows of the conversation, if any: qa's keepErased).
func eraseReviews(ctx context.Context, cfg EraseConfig, audit auditLog, convs map[string]bool, gone removed, log *slog.Logger, st *EraseStats, rewritten func(string) error) error {
	files, err := lakeFiles(cfg.Lake, lake.ReviewsGlob(cfg.Lake))
	if err != nil || len(files) == 0 {
		return err
	}
	hashed := conversationDigests(audit, cfg.Customer)
	theirs := func(id string) bool { return convs[id] || hashed[CustomerDigest(id)] }
	scrub := func(r *lake.ReviewRow) (keep, changed bool) {
		if !theirs(r.ConversationID) {
			return true, false
		}
		if r.Comment != "" || r.Reason != "" {
			r.Comment, r.Reason, changed = "", "", true
		}
		for i := range r.Ratings {
			if r.Ratings[i].Comment != "" {
				r.Ratings[i].Comment, changed = "", true
			}
		}
		if start, ok := gone.starts[r.ConversationID]; ok && (r.ConversationStartedAt.IsZero() || start.Before(r.ConversationStartedAt)) {
			r.ConversationStartedAt, changed = start, true
		}
		if agent := gone.mostActive(r.ConversationID); r.AgentID == "" && agent != "" {
			r.AgentID, changed = agent, true
		}
		if cfg.Conversations {
			r.ConversationID, changed = lake.ErasedConversationID(r.ConversationID), true
		}
		return true, changed
	}
	for _, path := range files {
		n, err := apply(ctx, path, scrub, cfg.DryRun, log, rewritten)
		st.FilesScanned++
		if n.changed > 0 {
			st.FilesRewritten++
		}
		st.Reviews += n.changed
		if err != nil {
			return err
		}
	}
	return nil
}

// apply scans the file and, unless dryRun, rewrites it if ed changes
// anything, then calls rewritten (if set) with it.
func apply[T any](ctx context.Context, path string, ed edit[T], dryRun bool, log *slog.Logger, rewritten func(string) error) (rewriteResult, error) {
	n, err := scanFile(ctx, path, ed)
	if err != nil || dryRun || n.removed+n.changed == 0 {
		return n, err
	}
	n, err = rewriteFile(ctx, path, ed)
	if err == nil && rewritten != nil {
		err = rewritten(path)
	}
	if err == nil {
		log.Info("erase: rewrote", "file", path, "rows", n.rows, "removed", n.removed, "scrubbed", n.changed)
	}
	return n, err
}
