package metrics

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory/mallocator"

	"github.com/parley-cx/parley/internal/autoqa"
	"github.com/parley-cx/parley/internal/warehouse"
	sqlfiles "github.com/parley-cx/parley/sql"
)

// autoQA runs the automatic QA checks (internal/autoqa, configured by
// qa.auto) into auto_qa, after 247_auto_qa.sql created it: on every
// conversation in a full build; in an incremental one on the conversations
// whose conversations row it recomputed, or on all of them when the
// checks' digest differs from the one the warehouse recorded (another
// configuration, code version or dictionary). It reads the events in
// passes (autoQAPasses: at least as many as the per-conversation
// statements' chunks), runs each pass's checks on one worker per core, and
// appends its verdicts before reading the next.
func (r *runner) autoQA(ctx context.Context, suite *autoqa.Suite, incremental bool, chunks int) error {
	start, cpu := time.Now(), sqlfiles.ProcessCPU()
	names, types, categories := suite.Categories()
	for i := range names {
		var category any
		if categories[i] != "" {
			category = categories[i]
		}
		if err := r.exec(ctx, "build/stmt/auto_qa_check.sql", names[i], types[i], category, i+1); err != nil {
			return err
		}
	}
	// One transaction for the verdicts: each append committed on its own
	// went through the write-ahead log and was compressed again at the
	// checkpoint, 0.25 CPU-s more on the demo (docs/performance.md). It
	// also makes the step all or nothing on its connection.
	if _, err := r.conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return fmt.Errorf("metrics: begin the automatic checks' transaction: %w", err)
	}
	committed := false
	defer func() {
		if !committed {
			// Its error would hide the step's, which is the one to report.
			_, _ = r.conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		}
	}()
	digest := suite.Digest()
	scope := "all"
	if incremental {
		var recorded string
		switch err := r.conn.QueryRowContext(ctx, sqlfiles.File("build/stmt/auto_qa_state.sql")).Scan(&recorded); {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return fmt.Errorf("metrics: read auto_qa_state: %w", err)
		}
		if recorded == digest {
			scope = "affected"
		} else {
			r.log.Info("metrics: the automatic checks changed since the last build (configuration, version or dictionaries); recomputing auto_qa for every conversation")
			chunks = 1
		}
	}
	if err := r.exec(ctx, "build/stmt/auto_qa_scope_"+scope+".sql"); err != nil {
		return err
	}
	var conversations, rows int64
	if len(names) > 0 {
		defer raiseGCPercent()()
		passes, err := r.autoQAPasses(ctx, chunks)
		if err != nil {
			return err
		}
		var events []autoqa.Event // reused from pass to pass
		for k := range passes {
			c, n, err := r.autoQAChunk(ctx, suite, passes, k, &events)
			if err != nil {
				return err
			}
			conversations, rows = conversations+c, rows+n
		}
	}
	if err := r.exec(ctx, "build/stmt/set_auto_qa_state.sql", digest); err != nil {
		return err
	}
	if _, err := r.conn.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("metrics: commit the automatic checks' verdicts: %w", err)
	}
	committed = true
	r.log.Info("metrics: ran the automatic QA checks", "checks", len(names), "conversations", conversations, "verdicts", rows,
		"scope", scope, "elapsed", time.Since(start).Round(time.Millisecond), "cpu", (sqlfiles.ProcessCPU() - cpu).Round(time.Millisecond))
	if len(names) > 0 {
		r.progress("automatic QA checks done in %s: %d verdicts (%d checks on %d conversations)", time.Since(start).Round(time.Millisecond), rows, len(names), conversations)
	}
	return nil
}

// autoQAGCPercent is the garbage collector's GOGC while the checks run
// (unless GOGC is set higher or off). Their live heap (the dictionaries
// and a pass's events, ~200 MB on the demo) was marked on each of about
// eleven cycles at the default 100; at 400 the step alone took 0.2-0.7 s
// less CPU on the demo, and a build's peak RSS stayed well under twice
// the build's without the checks (docs/performance.md).
const autoQAGCPercent = 400

// gcRaise counts the autoQA steps running (a server may build several
// warehouses at once), so that the last one to finish restores GOGC.
var gcRaise struct {
	sync.Mutex
	users  int
	before int
}

// raiseGCPercent sets GOGC to autoQAGCPercent if lower (not off) and
// returns the function that puts it back.
func raiseGCPercent() (restore func()) {
	gcRaise.Lock()
	defer gcRaise.Unlock()
	if gcRaise.users++; gcRaise.users == 1 {
		gcRaise.before = debug.SetGCPercent(autoQAGCPercent)
		if gcRaise.before < 0 || gcRaise.before > autoQAGCPercent {
			debug.SetGCPercent(gcRaise.before)
		}
	}
	return func() {
		gcRaise.Lock()
		defer gcRaise.Unlock()
		if gcRaise.users--; gcRaise.users == 0 {
			debug.SetGCPercent(gcRaise.before)
		}
	}
}

// autoQAPassEvents is about the most events a pass of the automatic checks
// holds: a pass's events, its query result in DuckDB, the same in Arrow and
// its verdicts stay in memory until its verdicts are appended, which in one
// pass over the demo's 914k events doubled the build's peak memory.
const autoQAPassEvents = 500_000

// autoQAPasses is how many passes the automatic checks read the events in:
// as many as the per-conversation statements (chunks), or more, so that a
// pass holds about autoQAPassEvents events at most.
func (r *runner) autoQAPasses(ctx context.Context, chunks int) (int, error) {
	var events int64
	if err := r.conn.QueryRowContext(ctx, sqlfiles.File("build/stmt/auto_qa_event_count.sql")).Scan(&events); err != nil {
		return 0, fmt.Errorf("metrics: count the events for the automatic checks: %w", err)
	}
	return max(chunks, 1, int((events+autoQAPassEvents-1)/autoQAPassEvents)), nil
}

// autoQAChunk runs the checks on the conversations of pass k of n and
// appends their verdicts to auto_qa. The events come in no order (sorting
// them in DuckDB cost more than grouping them here): a first loop over
// their batches finds each row's conversation and counts them, so that
// every conversation's events get one slice of the right size (in *buf,
// the previous pass's, grown as needed), filled by a second loop; then
// runAndAppend runs the checks and appends the verdicts.
func (r *runner) autoQAChunk(ctx context.Context, suite *autoqa.Suite, n, k int, buf *[]autoqa.Event) (conversations, rows int64, err error) {
	// The strings of conversations and events point into the Arrow
	// batches, which are kept until the verdicts are built: copying every
	// text cost more (in the garbage collector) than the checks themselves.
	var kept []arrow.Record
	defer func() {
		for _, b := range kept {
			b.Release()
		}
	}()
	keep := func(rec arrow.Record) {
		rec.Retain()
		kept = append(kept, rec)
	}
	var convs []*autoqa.Conversation
	byID := map[string]int32{}
	err = warehouse.ConnArrow(ctx, r.conn, func(rec arrow.Record) error {
		keep(rec)
		return addConversations(rec, &convs, byID)
	}, sqlfiles.File("build/stmt/auto_qa_conversations.sql"), n, k)
	if err != nil {
		return 0, 0, fmt.Errorf("metrics: read the conversations for the automatic checks: %w", err)
	}

	type batch struct {
		*eventBatch
		conv []int32 // each row's index in convs; -1 for a conversation out of scope
	}
	var batches []batch
	counts := make([]int32, len(convs))
	automated, bot := suite.ReadsTexts()
	err = warehouse.ConnArrow(ctx, r.conn, func(rec arrow.Record) error {
		b, err := newEventBatch(rec)
		if err != nil {
			return err
		}
		keep(rec)
		conv := make([]int32, rec.NumRows())
		for i := range conv {
			j, ok := byID[b.id.Value(i)]
			if !ok {
				j = -1
			} else {
				counts[j]++
			}
			conv[i] = j
		}
		batches = append(batches, batch{b, conv})
		return nil
	}, sqlfiles.File("build/stmt/auto_qa_events.sql"), n, k, automated, bot)
	if err != nil {
		return 0, 0, fmt.Errorf("metrics: read the events for the automatic checks: %w", err)
	}
	var total int
	for _, c := range counts {
		total += int(c)
	}
	// The previous pass's events are done with (its verdicts are appended):
	// their slice is refilled, every element overwritten by addEvent.
	*buf = slices.Grow((*buf)[:0], total)
	events := (*buf)[:total]
	for j, c := range convs {
		c.Events, events = events[:0:counts[j]], events[counts[j]:]
	}
	for _, b := range batches {
		for i, j := range b.conv {
			if j >= 0 {
				b.addEvent(convs[j], i)
			}
		}
	}

	rows, err = r.runAndAppend(ctx, suite, convs)
	return int64(len(convs)), rows, err
}

// autoQABlock is how many conversations a worker of the checks takes at a
// time: the verdicts are appended block by block, in order.
const autoQABlock = 256

// runAndAppend runs the checks on convs, one worker per core taking blocks
// of autoQABlock conversations, and appends the verdicts to auto_qa in
// the order of convs while the workers go on: appending (a single DuckDB
// appender, ~0.6 s on the demo) no longer waits for the last check, nor
// do the verdicts of a whole pass wait in memory for it.
func (r *runner) runAndAppend(ctx context.Context, suite *autoqa.Suite, convs []*autoqa.Conversation) (int64, error) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel() // first: an error stops the workers
	blocks := (len(convs) + autoQABlock - 1) / autoQABlock
	done := make([]chan struct{}, blocks)
	for b := range done {
		done[b] = make(chan struct{})
	}
	verdicts := make([][]autoqa.Verdict, len(convs))
	var next atomic.Int64
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := int(next.Add(1) - 1); b < blocks; b = int(next.Add(1) - 1) {
				for i := b * autoQABlock; i < min((b+1)*autoQABlock, len(convs)); i++ {
					if ctx.Err() != nil {
						return
					}
					c := convs[i]
					slices.SortFunc(c.Events, func(a, b autoqa.Event) int { return cmp.Compare(a.Seq, b.Seq) })
					verdicts[i] = suite.Run(c)
				}
				close(done[b])
			}
		}()
	}
	app := newVerdictAppender(r)
	defer app.release()
	for b := range blocks {
		select {
		case <-done[b]:
		case <-ctx.Done():
			return 0, fmt.Errorf("metrics: automatic checks: %w", ctx.Err())
		}
		for i := b * autoQABlock; i < min((b+1)*autoQABlock, len(convs)); i++ {
			if err := app.add(ctx, convs[i].ID, verdicts[i]); err != nil {
				return 0, err
			}
			verdicts[i] = nil
		}
	}
	return app.rows, app.flush(ctx)
}

// addConversations adds the conversations of rec, a batch of
// stmt/auto_qa_conversations.sql, to convs, and their indexes to byID.
func addConversations(rec arrow.Record, convs *[]*autoqa.Conversation, byID map[string]int32) error {
	r := warehouse.NewRecord(rec)
	var errs []error
	str := func(name string) warehouse.StringValues {
		v, err := r.Strings(name)
		errs = append(errs, err)
		return v
	}
	boolean := func(name string) *array.Boolean {
		v, err := r.Bools(name)
		errs = append(errs, err)
		return v
	}
	float := func(name string) *array.Float64 {
		v, err := r.Floats(name)
		errs = append(errs, err)
		return v
	}
	integer := func(name string) *array.Int64 {
		v, err := r.Ints(name)
		errs = append(errs, err)
		return v
	}
	id, channel, lastQueue := str("conversation_id"), str("channel"), str("last_queue")
	resolved, complete, slaMet := boolean("resolved"), boolean("complete"), boolean("sla_met")
	slaTarget, frtBusiness := float("sla_target_s"), float("first_response_business_s")
	nudges, unanswered := integer("nudges"), integer("unanswered_bursts")
	if err := errors.Join(errs...); err != nil {
		return err
	}
	for i := range int(rec.NumRows()) {
		c := &autoqa.Conversation{
			ID: id.Value(i), Channel: channel.Value(i), LastQueue: lastQueue.Value(i),
			Resolved: resolved.Value(i), Complete: complete.Value(i),
			Nudges: nudges.Value(i), UnansweredBursts: unanswered.Value(i),
		}
		if !slaMet.IsNull(i) {
			v := slaMet.Value(i)
			c.SLAMet = &v
		}
		if !slaTarget.IsNull(i) {
			v := slaTarget.Value(i)
			c.SLATargetS = &v
		}
		if !frtBusiness.IsNull(i) {
			v := frtBusiness.Value(i)
			c.FirstResponseBusiness = &v
		}
		byID[c.ID] = int32(len(*convs))
		*convs = append(*convs, c)
	}
	return nil
}

// verdictSchema is auto_qa's columns, as appendVerdicts builds them.
var verdictSchema = arrow.NewSchema([]arrow.Field{
	{Name: "conversation_id", Type: arrow.BinaryTypes.String},
	{Name: "check", Type: arrow.BinaryTypes.String},
	{Name: "result", Type: arrow.BinaryTypes.String},
	{Name: "evidence_seq", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "detail", Type: arrow.BinaryTypes.String},
}, nil)

// verdictAppender writes verdicts to auto_qa as Arrow batches of one
// DuckDB data chunk each (warehouse.AppendArrow), appended a few dozen at
// a time: go-duckdb's Appender, a cgo call per value, cost more than the
// checks. The batches live in C memory (released once appended): in Go's,
// their buffers, grown by doubling batch after batch, were a third of the
// step's allocations and kept the garbage collector busy.
type verdictAppender struct {
	r                      *runner
	b                      *array.RecordBuilder
	id, check, result, det *array.StringBuilder
	evidence               *array.Int64Builder
	batches                []arrow.Record
	rows                   int64 // added so far
	per                    int64 // rows per batch
}

// verdictBatches is how many full batches wait before they are appended.
const verdictBatches = 32

func newVerdictAppender(r *runner) *verdictAppender {
	b := array.NewRecordBuilder(mallocator.NewMallocator(), verdictSchema)
	return &verdictAppender{r: r, b: b, per: int64(warehouse.ChunkRows()),
		id: b.Field(0).(*array.StringBuilder), check: b.Field(1).(*array.StringBuilder), result: b.Field(2).(*array.StringBuilder),
		evidence: b.Field(3).(*array.Int64Builder), det: b.Field(4).(*array.StringBuilder)}
}

// add adds a conversation's verdicts, appending the batches when enough
// are full.
func (a *verdictAppender) add(ctx context.Context, conversation string, vs []autoqa.Verdict) error {
	for _, v := range vs {
		a.id.Append(conversation)
		a.check.Append(v.Check)
		a.result.Append(v.Result)
		if v.Evidence != 0 {
			a.evidence.Append(v.Evidence)
		} else {
			a.evidence.AppendNull()
		}
		a.det.Append(v.Detail)
		if a.rows++; a.rows%a.per == 0 {
			a.batches = append(a.batches, a.b.NewRecord())
			if len(a.batches) == verdictBatches {
				if err := a.appendBatches(ctx); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// flush appends what add has not yet appended.
func (a *verdictAppender) flush(ctx context.Context) error {
	if a.rows%a.per != 0 {
		a.batches = append(a.batches, a.b.NewRecord())
	}
	return a.appendBatches(ctx)
}

func (a *verdictAppender) appendBatches(ctx context.Context) error {
	err := warehouse.AppendArrow(ctx, a.r.conn, "auto_qa", a.batches)
	a.releaseBatches()
	if err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	return nil
}

func (a *verdictAppender) releaseBatches() {
	for _, rec := range a.batches {
		rec.Release()
	}
	a.batches = a.batches[:0]
}

// release frees the batches not appended (after an error) and the builder.
func (a *verdictAppender) release() {
	a.releaseBatches()
	a.b.Release()
}

// eventBatch is one Arrow batch of stmt/auto_qa_events.sql, by column.
type eventBatch struct {
	id, typ, role, text, queue, locale warehouse.StringValues
	seq                                *array.Int64
	private, automated                 *array.Boolean
}

func newEventBatch(rec arrow.Record) (*eventBatch, error) {
	r := warehouse.NewRecord(rec)
	b := &eventBatch{}
	var errs []error
	str := func(name string) warehouse.StringValues {
		v, err := r.Strings(name)
		errs = append(errs, err)
		return v
	}
	b.id, b.typ, b.role, b.text, b.queue, b.locale = str("conversation_id"), str("type"), str("actor_role"), str("text"), str("queue"), str("locale")
	var err error
	b.seq, err = r.Ints("seq")
	errs = append(errs, err)
	b.private, err = r.Bools("private")
	errs = append(errs, err)
	b.automated, err = r.Bools("automated")
	errs = append(errs, err)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return b, nil
}

// addEvent adds row i to c: the event, and the locale if c has none yet
// (the first in seq order wins).
func (b *eventBatch) addEvent(c *autoqa.Conversation, i int) {
	seq := b.seq.Value(i)
	if !b.locale.IsNull(i) && (c.Locale == "" || seq < c.LocaleSeq) {
		c.Locale, c.LocaleSeq = b.locale.Value(i), seq
	}
	c.Events = append(c.Events, autoqa.Event{
		Seq:       seq,
		Type:      intern(b.typ.Value(i)),
		Role:      intern(b.role.Value(i)),
		Private:   b.private.Value(i),
		Automated: b.automated.Value(i),
		Text:      b.text.Value(i),
		Queue:     b.queue.Value(i),
	})
}

// intern returns the constant of the few event types and roles, so the
// checks compare them without reaching into the batch.
func intern(s string) string {
	switch s {
	case autoqa.TypeMessage:
		return autoqa.TypeMessage
	case autoqa.TypeResolved:
		return autoqa.TypeResolved
	case autoqa.RoleCustomer:
		return autoqa.RoleCustomer
	case autoqa.RoleAgent:
		return autoqa.RoleAgent
	case autoqa.RoleBot:
		return autoqa.RoleBot
	}
	return s
}
