package metrics

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/marcboeker/go-duckdb/v2"

	"github.com/parley-cx/parley/internal/autoqa"
	"github.com/parley-cx/parley/internal/warehouse"
	parleysql "github.com/parley-cx/parley/sql"
)

// autoQA runs the automatic QA checks (internal/autoqa, configured by
// qa.auto) into auto_qa, after 247_auto_qa.sql created it: on every
// conversation in a full build; in an incremental one on the conversations
// whose conversations row it recomputed, or on all of them when the
// checks' digest differs from the one the warehouse recorded (another
// configuration, code version or dictionary). It reads the events in
// chunks passes (as the per-conversation statements are chunked), runs
// the checks on one worker per core, and appends the verdicts.
func (r *runner) autoQA(ctx context.Context, incremental bool, chunks int) error {
	start := time.Now()
	suite, err := autoqa.New(r.settings.QA.Auto, &autoqa.Env{Log: r.log})
	if err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
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
	digest := suite.Digest()
	scope := "all"
	if incremental {
		var recorded string
		switch err := r.conn.QueryRowContext(ctx, parleysql.File("build/stmt/auto_qa_state.sql")).Scan(&recorded); {
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
		for k := range max(chunks, 1) {
			c, n, err := r.autoQAChunk(ctx, suite, max(chunks, 1), k)
			if err != nil {
				return err
			}
			conversations, rows = conversations+c, rows+n
		}
	}
	if err := r.exec(ctx, "build/stmt/set_auto_qa_state.sql", digest); err != nil {
		return err
	}
	r.log.Info("metrics: ran the automatic QA checks", "checks", len(names), "conversations", conversations, "verdicts", rows,
		"scope", scope, "elapsed", time.Since(start).Round(time.Millisecond))
	return nil
}

// autoQAChunk runs the checks on the conversations of chunk k of n and
// appends their verdicts to auto_qa. The events come in no order (sorting
// them in DuckDB cost more than grouping them here) and are grouped by
// conversation and put in seq order in Go; then one worker per core runs
// the checks.
func (r *runner) autoQAChunk(ctx context.Context, suite *autoqa.Suite, n, k int) (conversations, rows int64, err error) {
	byID := map[string]*autoqa.Conversation{}
	var convs []*autoqa.Conversation
	// The events' strings point into the Arrow batches, which are kept
	// until the verdicts are written: copying every text cost more (in the
	// garbage collector) than the checks themselves.
	var batches []arrow.Record
	defer func() {
		for _, b := range batches {
			b.Release()
		}
	}()
	err = warehouse.ConnArrow(ctx, r.conn, func(rec arrow.Record) error {
		b, err := newEventBatch(rec)
		if err != nil {
			return err
		}
		rec.Retain()
		batches = append(batches, rec)
		for i := range int(rec.NumRows()) {
			c := byID[b.id.Value(i)]
			if c == nil {
				c = &autoqa.Conversation{ID: b.id.Value(i)}
				byID[c.ID] = c
				convs = append(convs, c)
			}
			b.addEvent(c, i)
		}
		return nil
	}, parleysql.File("build/stmt/auto_qa_events.sql"), n, k)
	if err != nil {
		return 0, 0, fmt.Errorf("metrics: read the events for the automatic checks: %w", err)
	}
	verdicts := make([][]autoqa.Verdict, len(convs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < len(convs); i = int(next.Add(1) - 1) {
				if ctx.Err() != nil {
					return
				}
				c := convs[i]
				slices.SortFunc(c.Events, func(a, b autoqa.Event) int { return cmp.Compare(a.Seq, b.Seq) })
				verdicts[i] = suite.Run(c)
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return 0, 0, fmt.Errorf("metrics: automatic checks: %w", err)
	}
	rows, err = r.appendVerdicts(convs, verdicts)
	return int64(len(convs)), rows, err
}

// appendVerdicts writes the verdicts of the conversations ids to auto_qa.
func (r *runner) appendVerdicts(convs []*autoqa.Conversation, verdicts [][]autoqa.Verdict) (int64, error) {
	var rows int64
	err := r.conn.Raw(func(raw any) error {
		app, err := duckdb.NewAppenderFromConn(raw.(driver.Conn), "", "auto_qa")
		if err != nil {
			return err
		}
		for i, vs := range verdicts {
			for _, v := range vs {
				var evidence any
				if v.Evidence != 0 {
					evidence = v.Evidence
				}
				if err := app.AppendRow(convs[i].ID, v.Check, v.Result, evidence, v.Detail); err != nil {
					return errors.Join(err, app.Close())
				}
				rows++
			}
		}
		return app.Close()
	})
	if err != nil {
		return 0, fmt.Errorf("metrics: append to auto_qa: %w", err)
	}
	return rows, nil
}

// eventBatch is one Arrow batch of stmt/auto_qa_events.sql, by column.
type eventBatch struct {
	id, typ, role, text, queue, locale, channel, lastQueue warehouse.StringValues
	seq, nudges, unanswered                                interface{ Value(int) int64 }
	private, automated, resolved, complete, slaMet         boolColumn
	slaTarget, frtBusiness                                 floatColumn
}

type boolColumn interface {
	Value(int) bool
	IsNull(int) bool
}

type floatColumn interface {
	Value(int) float64
	IsNull(int) bool
}

func newEventBatch(rec arrow.Record) (*eventBatch, error) {
	r := warehouse.NewRecord(rec)
	b := &eventBatch{}
	var errs []error
	str := func(dst *warehouse.StringValues, name string) {
		v, err := r.Strings(name)
		*dst = v
		errs = append(errs, err)
	}
	str(&b.id, "conversation_id")
	str(&b.typ, "type")
	str(&b.role, "actor_role")
	str(&b.text, "text")
	str(&b.queue, "queue")
	str(&b.locale, "locale")
	str(&b.channel, "channel")
	str(&b.lastQueue, "last_queue")
	for _, c := range []struct {
		dst  *interface{ Value(int) int64 }
		name string
	}{{&b.seq, "seq"}, {&b.nudges, "nudges"}, {&b.unanswered, "unanswered_bursts"}} {
		v, err := r.Ints(c.name)
		if err == nil {
			*c.dst = v
		}
		errs = append(errs, err)
	}
	for _, c := range []struct {
		dst  *boolColumn
		name string
	}{{&b.private, "private"}, {&b.automated, "automated"}, {&b.resolved, "resolved"}, {&b.complete, "complete"}, {&b.slaMet, "sla_met"}} {
		v, err := r.Bools(c.name)
		if err == nil {
			*c.dst = v
		}
		errs = append(errs, err)
	}
	for _, c := range []struct {
		dst  *floatColumn
		name string
	}{{&b.slaTarget, "sla_target_s"}, {&b.frtBusiness, "first_response_business_s"}} {
		v, err := r.Floats(c.name)
		if err == nil {
			*c.dst = v
		}
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return b, nil
}

// addEvent adds row i to c: the event, the locale if c has none yet (the
// first in seq order wins), and on the conversation's first event (seq 1)
// the conversations columns.
func (b *eventBatch) addEvent(c *autoqa.Conversation, i int) {
	seq := b.seq.Value(i)
	if !b.locale.IsNull(i) && (c.Locale == "" || seq < c.LocaleSeq) {
		c.Locale, c.LocaleSeq = b.locale.Value(i), seq
	}
	if seq == 1 {
		c.Channel = b.channel.Value(i)
		c.LastQueue = b.lastQueue.Value(i)
		c.Resolved = b.resolved.Value(i)
		c.Complete = b.complete.Value(i)
		c.Nudges = b.nudges.Value(i)
		c.UnansweredBursts = b.unanswered.Value(i)
		c.SLAMet, c.SLATargetS, c.FirstResponseBusiness = nil, nil, nil
		if !b.slaMet.IsNull(i) {
			v := b.slaMet.Value(i)
			c.SLAMet = &v
		}
		if !b.slaTarget.IsNull(i) {
			v := b.slaTarget.Value(i)
			c.SLATargetS = &v
		}
		if !b.frtBusiness.IsNull(i) {
			v := b.frtBusiness.Value(i)
			c.FirstResponseBusiness = &v
		}
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
