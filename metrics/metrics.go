// Package metrics builds the warehouse's public metric tables and views (messages, episodes, escalations, conversations, daily rollups) from the events table. Package query serves the built warehouse to people (parley sql, parley export).
package metrics

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/parley-cx/parley/build/plan"
	"github.com/parley-cx/parley/internal/autoqa"
	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/suggest"
	"github.com/parley-cx/parley/internal/warehouse"
	sqlfiles "github.com/parley-cx/parley/sql"
)

// Config says which warehouse to build and with which settings.
type Config struct {
	// DB is the warehouse file; transform.Run must have written its events table.
	DB string
	// Settings are the organisation's settings; nil means config.Default().
	Settings *config.Config
	// Incremental updates the metric tables of a warehouse built before,
	// recomputing only the conversations transform's incremental run listed
	// in build_affected (and those whose rows depend on them); otherwise DB
	// holds no metric tables yet and they are built whole.
	Incremental bool
	// Chunks splits a full build's per-conversation statements (210-240) into
	// this many passes over disjoint sets of conversations, each holding only
	// its share of the events in DuckDB's windows and joins; the tables are
	// the same whatever the number. 0 picks it from build.memory_limit (see
	// chunksFor); 1 is one pass. Incremental builds, whose scope is already
	// small, make one pass.
	Chunks int
	// Log receives progress; nil discards it.
	Log *slog.Logger
	// Progress, when set, receives a line for a person watching the build
	// as each long part of the stage ends: the per-conversation tables (and
	// each pass of a chunked build), the automatic checks. Log has the
	// details. It is never called from two goroutines at once.
	Progress func(line string)
}

// chunkRowBytes is the memory a pass of a chunked build may count on per
// event row. Measured with DuckDB 1.4.3: 210_messages.sql ran out of 3 GiB
// on 15 M rows (about 200 bytes a row) and mostly fit 400 MiB on 1.5 M
// (about 280), so 512 leaves about twice the room those runs needed.
const chunkRowBytes = 512

// chunksFor is the number of passes that keeps each within limit bytes of
// DuckDB memory for a build of rows event rows: one without a limit.
func chunksFor(rows, limit int64) int {
	if limit <= 0 || rows <= 0 {
		return 1
	}
	perChunk := max(limit/chunkRowBytes, 1)
	return int((rows + perChunk - 1) / perChunk)
}

// PublicObjects lists the warehouse's public tables and views, the contract of docs/metrics.md.
var PublicObjects = []string{"events", "messages", "episodes", "conversations", "escalations", "kpi_daily", "agent_daily", "escalation_effectiveness", "resolution_split", "warehouse_info", "ingest_gaps", "duplicate_conflicts", "qa_reviews", "qa_ratings", "qa_agent_weekly", "qa_calibration", "dimension_daily", "conversation_openings", "opening_terms", "customer_returns", "auto_qa", "auto_qa_summary", "auto_qa_agreement", "queue_now"}

// Run creates, or with cfg.Incremental updates, every public metric table and view in cfg.DB.
func Run(ctx context.Context, cfg Config) error {
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	settings, err := config.OrDefault(cfg.Settings)
	if err != nil {
		return fmt.Errorf("metrics: settings: %w", err)
	}
	db, err := warehouse.Open(settings.Build.DSN(cfg.DB), false)
	if err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	runErr := run(ctx, db, settings, cfg, log)
	t := time.Now()
	if err := db.Close(); err != nil && runErr == nil {
		runErr = fmt.Errorf("metrics: close %s: %w", cfg.DB, err)
	}
	// Closing checkpoints: DuckDB writes the tables' new rows to the file then.
	log.Info("metrics: closed the warehouse", "elapsed", time.Since(t).Round(time.Millisecond))
	return runErr
}

// runner runs the stage's files on one connection: the reference tables
// are filled in a transaction on it, and the scopes live in its temp tables.
// A hook the plan lets run beside the next steps (plan.Step.Beside) gets a
// runner of its own, on another connection of db.
type runner struct {
	db       *warehouse.DB
	conn     *sql.Conn
	settings *config.Config
	log      *slog.Logger
	params   map[string]any // the steps' named parameters (plan.Params)
	cfg      Config
	chunks   int           // the passes of the per-conversation steps (and of the automatic checks)
	suite    *autoqa.Suite // the automatic checks, built when the stage starts
}

// run walks the metric steps of the build plan (build/plan): those before
// the per-conversation ones set up what they read; the per-conversation
// ones run once (full), once over the affected conversations
// (incremental) or once per chunk; those after (QA, rollups,
// warehouse_info) read the finished tables.
func run(ctx context.Context, db *warehouse.DB, s *config.Config, cfg Config, log *slog.Logger) error {
	start := time.Now()
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("metrics: connect: %w", err)
	}
	defer conn.Close()
	// The checks are built now so that the dictionaries nearly every build
	// reads parse beside the SQL of the steps before the checks.
	suite, err := autoqa.New(s.QA.Auto, &autoqa.Env{Log: log})
	if err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	// The parse makes two million small objects (about 170 MB for English's two
	// dictionaries); at the checks' GOGC it took 0.54 CPU-s instead of 0.69.
	// GOGC goes back when the parse ends, or with the build at the latest.
	restoreGC := sync.OnceFunc(raiseGCPercent())
	defer restoreGC()
	parsed := suite.Preload()
	go func() { <-parsed; restoreGC() }()
	r := &runner{db: db, conn: conn, settings: s, log: log, params: plan.Params(s), cfg: cfg, suite: suite}
	var before, each, rest []plan.Step
	for _, step := range plan.Of(plan.Metrics) {
		switch {
		case step.PerConversation:
			each = append(each, step)
		case len(each) == 0:
			before = append(before, step)
		default:
			rest = append(rest, step)
		}
	}
	if err := r.steps(ctx, before, "all"); err != nil {
		return err
	}
	if r.chunks, err = r.chunkCount(ctx, cfg); err != nil {
		return err
	}
	switch {
	case cfg.Incremental:
		if err = r.exec(ctx, "build/stmt/ranges.sql"); err == nil {
			err = r.steps(ctx, each, "affected")
		}
	case r.chunks <= 1:
		err = r.steps(ctx, each, "all")
	default:
		err = r.chunked(ctx, each, r.chunks)
	}
	if err != nil {
		return err
	}
	r.progress("metric tables done in %s: messages, episodes, escalations, conversations", time.Since(start).Round(time.Millisecond))
	if err := r.steps(ctx, rest, "all"); err != nil {
		return err
	}
	return r.warnReviewAgents(ctx)
}

// warnReviewAgents warns of the QA reviews whose agent took no part in the
// conversation reviewed: a scores file's agent_id is an editable column,
// and a typo or a bad sort there credits the review to another agent.
func (r *runner) warnReviewAgents(ctx context.Context) error {
	var n int64
	var first string
	if err := r.conn.QueryRowContext(ctx, sqlfiles.File("build/stmt/qa_review_agent_mismatches.sql")).Scan(&n, &first); err != nil {
		return fmt.Errorf("metrics: check the reviews' agents: %w", err)
	}
	if n > 0 {
		r.log.Warn("metrics: a QA review names an agent who took no part in its conversation; it counts for that agent as the scores file says (qa_reviews.agent_in_conversation)",
			"reviews", n, "first", first)
	}
	return nil
}

// progress gives cfg.Progress, if any, a line.
func (r *runner) progress(format string, args ...any) {
	if r.cfg.Progress != nil {
		r.cfg.Progress(fmt.Sprintf(format, args...))
	}
}

func (r *runner) exec(ctx context.Context, name string, args ...any) error {
	return sqlfiles.Exec(ctx, r.conn, r.log, "metrics", name, args...)
}

// steps runs the steps in order, each after the scope statement of mode
// (all, affected or chunk) it needs, if any, and before its hook. A hook
// the plan lets run beside the next steps (plan.Step.Beside) starts on a
// connection of its own and is waited for before the step the plan names,
// or before steps returns. An error on either side cancels the other
// (through ctx), and steps returns the first.
func (r *runner) steps(ctx context.Context, steps []plan.Step, mode string) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var running []*besideHook
	err := r.stepsWith(ctx, cancel, steps, mode, &running)
	if err != nil {
		cancel(err)
	}
	for _, b := range running {
		if hookErr := b.wait(); hookErr != nil && (err == nil || context.Cause(ctx) == hookErr) {
			err = hookErr
		}
	}
	return err
}

// stepsWith is steps' loop: it appends the hooks it starts beside the next
// steps to running, and cancels ctx with a hook's error when one fails.
func (r *runner) stepsWith(ctx context.Context, cancel context.CancelCauseFunc, steps []plan.Step, mode string, running *[]*besideHook) error {
	for _, step := range steps {
		for _, b := range *running {
			if b.until == step.File {
				if err := b.wait(); err != nil {
					return err
				}
			}
		}
		if step.Scope != "" {
			if err := r.exec(ctx, "build/stmt/scope_"+mode+"_"+step.Scope+".sql"); err != nil {
				return err
			}
		}
		if err := r.exec(ctx, step.Path(), step.Args(r.params)...); err != nil {
			return err
		}
		if step.Then == plan.NoHook {
			continue
		}
		if step.Beside != "" {
			b, err := r.startBeside(ctx, cancel, step)
			if err != nil {
				return err
			}
			*running = append(*running, b)
			continue
		}
		t := time.Now()
		if err := r.hook(ctx, step.Then); err != nil {
			return err
		}
		r.log.Info("metrics: filled the tables of "+step.File, "elapsed", time.Since(t).Round(time.Millisecond))
	}
	return nil
}

// besideHook is a step's hook running beside the steps after it.
type besideHook struct {
	until string        // the step that waits for it (plan.Step.Beside)
	done  chan struct{} // closed when it has returned
	err   error         // its error, once done is closed
}

// wait waits for the hook to return and returns its error.
func (b *besideHook) wait() error {
	<-b.done
	return b.err
}

// startBeside runs step's hook on a new connection of r.db beside the
// steps after it; if the hook fails, it cancels ctx with the hook's error,
// so that the step running on r.conn is interrupted.
func (r *runner) startBeside(ctx context.Context, cancel context.CancelCauseFunc, step plan.Step) (*besideHook, error) {
	conn, err := r.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("metrics: connect for the hook of %s: %w", step.File, err)
	}
	side := *r
	side.conn = conn
	b := &besideHook{until: step.Beside, done: make(chan struct{})}
	r.log.Info("metrics: running the hook of "+step.File+" beside the next steps", "until", step.Beside)
	go func() {
		defer close(b.done)
		t := time.Now()
		err := side.hook(ctx, step.Then)
		if cerr := conn.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("metrics: close the connection of the hook of %s: %w", step.File, cerr)
		}
		if err != nil {
			b.err = fmt.Errorf("metrics: %s, run beside the steps after it: %w", step.File, err)
			cancel(b.err)
			return
		}
		r.log.Info("metrics: filled the tables of "+step.File, "elapsed", time.Since(t).Round(time.Millisecond))
	}()
	return b, nil
}

// hook runs the Go a metric step names.
func (r *runner) hook(ctx context.Context, h plan.Hook) error {
	switch h {
	case plan.FillReference:
		return fillReference(ctx, r.conn, r.settings, r.log)
	case plan.FillDimensions:
		return fillDimensions(ctx, r.conn, r.settings)
	case plan.MatchContactReasons:
		return matchContactReasons(ctx, r.conn, r.settings)
	case plan.AutoQA:
		// The automatic checks read events in as many passes as the
		// per-conversation statements, for the same reason.
		return r.autoQA(ctx, r.suite, r.cfg.Incremental, r.chunks)
	default:
		return fmt.Errorf("metrics: the build plan names hook %d, which is not the metrics'", h)
	}
}

// chunkCount is cfg.Chunks, or the passes build.memory_limit calls for.
func (r *runner) chunkCount(ctx context.Context, cfg Config) (int, error) {
	if cfg.Chunks > 0 || cfg.Incremental {
		return max(cfg.Chunks, 1), nil
	}
	limit, ok := r.settings.Build.MemoryLimitBytes()
	if !ok {
		return 1, nil
	}
	var rows int64
	if err := r.conn.QueryRowContext(ctx, sqlfiles.File("build/stmt/event_total.sql")).Scan(&rows); err != nil {
		return 0, fmt.Errorf("metrics: count events: %w", err)
	}
	return chunksFor(rows, limit), nil
}

// chunked runs the per-conversation steps once per chunk of conversations.
func (r *runner) chunked(ctx context.Context, steps []plan.Step, n int) error {
	if err := r.exec(ctx, "build/stmt/chunk_starts.sql"); err != nil {
		return err
	}
	for k := range n {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("metrics: %w", err)
		}
		t := time.Now()
		r.log.Info("metrics: chunk", "chunk", k+1, "of", n)
		if err := r.exec(ctx, "build/stmt/set_chunk.sql", k, n); err != nil {
			return err
		}
		if err := r.steps(ctx, steps, "chunk"); err != nil {
			return fmt.Errorf("%w (chunk %d of %d)", err, k+1, n)
		}
		r.progress("metric tables: pass %d of %d done in %s", k+1, n, time.Since(t).Round(time.Millisecond))
	}
	return nil
}

// fillReference writes the SLA targets, reply windows and business-hours
// intervals of the configuration into the tables 201_reference.sql created,
// and warns of the queues the settings name that no event does.
func fillReference(ctx context.Context, conn *sql.Conn, s *config.Config, log *slog.Logger) error {
	var first, last sql.NullTime
	if err := conn.QueryRowContext(ctx, sqlfiles.File("build/stmt/event_range.sql")).Scan(&first, &last); err != nil {
		return fmt.Errorf("metrics: event range: %w", err)
	}
	var queues []string
	rows, err := conn.QueryContext(ctx, sqlfiles.File("build/stmt/queues.sql"))
	if err != nil {
		return fmt.Errorf("metrics: list queues: %w", err)
	}
	for rows.Next() {
		var q string
		if err := rows.Scan(&q); err != nil {
			rows.Close()
			return fmt.Errorf("metrics: list queues: %w", err)
		}
		queues = append(queues, q)
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("metrics: list queues: %w", err)
	}
	warnUnknownQueues(log, s, queues)

	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("metrics: begin reference tables: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit; Commit's error is the one that counts
	for _, ch := range slices.Sorted(maps.Keys(s.SLA)) {
		t := s.SLA[ch]
		if _, err := tx.ExecContext(ctx, sqlfiles.File("build/stmt/sla_target.sql"), ch, t.FirstResponse.Seconds(), t.Goal); err != nil {
			return fmt.Errorf("metrics: insert sla target %s: %w", ch, err)
		}
	}
	for _, ch := range slices.Sorted(maps.Keys(s.ReplyWindows)) {
		if _, err := tx.ExecContext(ctx, sqlfiles.File("build/stmt/reply_window.sql"), ch, s.ReplyWindows[ch].Seconds()); err != nil {
			return fmt.Errorf("metrics: insert reply window %s: %w", ch, err)
		}
	}
	if first.Valid {
		// Two days of margin: every measured span lies between two events.
		from, to := first.Time.Add(-48*time.Hour), last.Time.Add(48*time.Hour)
		stmt, err := tx.PrepareContext(ctx, sqlfiles.File("build/stmt/business_open.sql"))
		if err != nil {
			return fmt.Errorf("metrics: prepare business hours insert: %w", err)
		}
		defer stmt.Close()
		for _, q := range queues {
			sched := s.ScheduleFor(q)
			loc := s.Location()
			if sched.TimeZone != "" {
				loc, err = time.LoadLocation(sched.TimeZone)
				if err != nil {
					return fmt.Errorf("metrics: queue %q: time zone: %w", q, err)
				}
			}
			alwaysOpen := len(sched.Weekly) == 0 && len(sched.Holidays) == 0
			if _, err := tx.ExecContext(ctx, sqlfiles.File("build/stmt/queue_hours.sql"), q, alwaysOpen); err != nil {
				return fmt.Errorf("metrics: insert hours of queue %q: %w", q, err)
			}
			var before int64 // microseconds, so that sums stay exact
			for _, iv := range OpenIntervals(sched, loc, from, to) {
				if _, err := stmt.ExecContext(ctx, q, iv.Open, iv.Close, before); err != nil {
					return fmt.Errorf("metrics: insert business hours of queue %q: %w", q, err)
				}
				before += iv.Close.Sub(iv.Open).Microseconds()
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("metrics: commit reference tables: %w", err)
	}
	return nil
}

// warnUnknownQueues warns of each queue a setting names that no event of
// the warehouse does (queues: the events' queue names, "" for none): its
// settings apply to no conversation, which a misspelt name in parley.yaml
// would otherwise leave unnoticed. A queue not open yet is warned of too;
// the warning says which it may be.
func warnUnknownQueues(log *slog.Logger, s *config.Config, queues []string) {
	named := slices.DeleteFunc(slices.Clone(queues), func(q string) bool { return q == "" }) // "" is no queue
	if len(named) == 0 {
		return // no event names a queue: every queue is unknown, and that says nothing
	}
	for _, ref := range s.QueueRefs() {
		if slices.Contains(named, ref.Queue) {
			continue
		}
		args := []any{"setting", ref.Path, "queue", ref.Queue}
		if near := suggest.Among(ref.Queue, named); len(near) > 0 {
			args = append(args, "did_you_mean", strings.Join(near, ", "))
		}
		log.Warn("metrics: a queue named in the settings is in no event, so its settings apply to no conversation (misspelt, or not open yet?)", args...)
	}
}
