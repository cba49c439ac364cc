// Package runner runs the stages of `parley run`, each on its own schedule, retrying a failed stage with backoff without ever stopping the others, and reports them as Prometheus series and health endpoints.
//
// A stage is a function and when to call it: continuously (ingest: called
// again whenever it returns), every interval (build), on a cron schedule
// (QA samples, retention), or after each success of another stage (the
// reports after a build). The runner knows nothing of what the stages do;
// cmd/parley wires them.
//
//	r, err := runner.New(runner.Config{Registry: reg, Log: log})
//	r.Add(runner.Stage{Name: "build", Every: 5 * time.Minute, Run: build})
//	r.Add(runner.Stage{Name: "report", After: "build", Run: report})
//	err = r.Run(ctx) // until ctx ends (SIGTERM), then waits for the stages
package runner

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/robfig/cron/v3"
)

// Stage is one job of the runner. Exactly one of Continuous, Every,
// Schedule and After says when it runs.
type Stage struct {
	// Name labels the stage's series and log lines ("ingest", "build").
	Name string
	// Run does the work once. It must return soon after ctx ends, having
	// finished or abandoned its work safely.
	Run func(ctx context.Context) error
	// Continuous stages run until ctx ends; a return before that is a
	// failure, and the stage is started again after a backoff. While it
	// runs, such a stage says how it fares with Report: a stage that keeps
	// running while it cannot do its work (ingest retrying an unreachable
	// broker) would otherwise look healthy.
	Continuous bool
	// Every runs the stage at start and then every Every (measured from
	// the start of the previous run; at once if a run took longer).
	Every time.Duration
	// Schedule runs the stage at each time the cron schedule names, in
	// Location (UTC when nil).
	Schedule cron.Schedule
	Location *time.Location
	// After runs the stage after each success of the stage so named; a
	// success that comes while it runs makes it run once more.
	After string
	// Ready marks a stage readiness waits for: /readyz answers 200 only
	// once every Ready stage has succeeded at least once.
	Ready bool
}

// Config configures a Runner.
type Config struct {
	// Registry receives the stage series; nil registers nothing.
	Registry prometheus.Registerer
	// Log receives every start, success and failure; nil discards them.
	Log *slog.Logger
	// MinBackoff and MaxBackoff bound the wait before a failed stage is
	// tried again: MinBackoff after the first failure, doubling up to
	// MaxBackoff (defaults 1s and 5m).
	MinBackoff, MaxBackoff time.Duration
	// ShutdownTimeout bounds how long Run waits for the stages once its
	// context ends (default 30s).
	ShutdownTimeout time.Duration
	// Now is the clock of the stage series and schedules; nil means time.Now.
	Now func() time.Time
}

// Runner runs stages; see the package documentation.
type Runner struct {
	cfg    Config
	log    *slog.Logger
	mu     sync.Mutex
	stages []*stage
	byName map[string]*stage
	// stopping is set when Run's context has ended.
	stopping bool
}

// stage is a Stage with its state, guarded by Runner.mu.
type stage struct {
	Stage
	trigger  chan struct{} // After stages: a success of the stage they follow
	next     []*stage      // the stages that run after this one
	runs     int64
	errs     int64
	running  bool
	failing  bool
	lastOK   time.Time
	lastDur  time.Duration
	lastErr  string
	attempts int // consecutive failures
}

// New makes a runner with no stages.
func New(cfg Config) (*Runner, error) {
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = time.Second
	}
	if cfg.MaxBackoff < cfg.MinBackoff {
		cfg.MaxBackoff = max(5*time.Minute, cfg.MinBackoff)
	}
	if cfg.ShutdownTimeout <= 0 {
		cfg.ShutdownTimeout = 30 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	r := &Runner{cfg: cfg, log: log, byName: map[string]*stage{}}
	if cfg.Registry != nil {
		if err := cfg.Registry.Register(collector{r}); err != nil {
			return nil, fmt.Errorf("runner: register metrics: %w", err)
		}
	}
	return r, nil
}

// Add adds a stage; it must come before Run, and a stage named in After
// must be added first.
func (r *Runner) Add(s Stage) error {
	whens := 0
	for _, set := range []bool{s.Continuous, s.Every > 0, s.Schedule != nil, s.After != ""} {
		if set {
			whens++
		}
	}
	switch {
	case s.Name == "" || s.Run == nil:
		return errors.New("runner: a stage needs a name and a Run function")
	case r.byName[s.Name] != nil:
		return fmt.Errorf("runner: stage %q added twice", s.Name)
	case whens != 1:
		return fmt.Errorf("runner: stage %q: give exactly one of Continuous, Every, Schedule and After", s.Name)
	}
	st := &stage{Stage: s}
	if s.After != "" {
		prev := r.byName[s.After]
		if prev == nil {
			return fmt.Errorf("runner: stage %q runs after %q, which is not added", s.Name, s.After)
		}
		st.trigger = make(chan struct{}, 1)
		prev.next = append(prev.next, st)
	}
	r.stages = append(r.stages, st)
	r.byName[s.Name] = st
	return nil
}

// Run runs every stage until ctx ends, then waits for them to return, at
// most ShutdownTimeout; it returns an error naming the stages still
// running then. A failed stage never stops the others.
func (r *Runner) Run(ctx context.Context) error {
	done := make(chan *stage, len(r.stages))
	for _, st := range r.stages {
		go func() {
			r.loop(ctx, st)
			done <- st
		}()
	}
	<-ctx.Done()
	r.mu.Lock()
	r.stopping = true
	r.mu.Unlock()
	r.log.Info("run: stopping: each stage finishes or abandons its work", "timeout", r.cfg.ShutdownTimeout)
	timeout := time.NewTimer(r.cfg.ShutdownTimeout)
	defer timeout.Stop()
	for left := len(r.stages); left > 0; left-- {
		select {
		case <-done:
		case <-timeout.C:
			var names []string
			for _, st := range r.stages {
				if r.isRunning(st) {
					names = append(names, st.Name)
				}
			}
			return fmt.Errorf("runner: stages %v did not stop within %s", names, r.cfg.ShutdownTimeout)
		}
	}
	r.log.Info("run: stopped")
	return nil
}

// scheduledKey is the context key of ScheduledAt.
type scheduledKey struct{}

// ScheduledAt returns, in the context a Schedule stage's Run is called
// with, the time the schedule named for this run, in the stage's Location;
// the retries of a failed run get the same time, so a stage can name what
// it makes after it and a retry redoes the same run. ok is false in the
// context of other stages.
func ScheduledAt(ctx context.Context) (at time.Time, ok bool) {
	at, ok = ctx.Value(scheduledKey{}).(time.Time)
	return at, ok
}

// loop runs one stage on its schedule until ctx ends.
func (r *Runner) loop(ctx context.Context, st *stage) {
	first := true
	for {
		due, ok := r.wait(ctx, st, first)
		if !ok {
			return
		}
		first = false
		runCtx := ctx
		if st.Schedule != nil {
			runCtx = context.WithValue(ctx, scheduledKey{}, due)
		}
		// A failed run is tried again after a backoff until it succeeds,
		// whatever its schedule; a continuous stage is started again.
		for !r.once(runCtx, st) || st.Continuous {
			if !sleep(ctx, r.backoff(st)) {
				return
			}
		}
	}
}

// wait blocks until the stage is due, and reports false when ctx ended
// first; due is the time a Schedule stage's schedule named.
func (r *Runner) wait(ctx context.Context, st *stage, first bool) (due time.Time, ok bool) {
	switch {
	case st.Continuous:
		return due, ctx.Err() == nil
	case st.Every > 0:
		if first {
			return due, ctx.Err() == nil
		}
		r.mu.Lock()
		started := st.lastOK.Add(-st.lastDur)
		r.mu.Unlock()
		return due, sleep(ctx, started.Add(st.Every).Sub(r.cfg.Now()))
	case st.Schedule != nil:
		loc := st.Location
		if loc == nil {
			loc = time.UTC
		}
		now := r.cfg.Now()
		due = st.Schedule.Next(now.In(loc))
		return due, sleep(ctx, due.Sub(now))
	default:
		select {
		case <-st.trigger:
			return due, true
		case <-ctx.Done():
			return due, false
		}
	}
}

// once runs the stage one time, recording the outcome; it reports success.
// A continuous stage that returns without an error while ctx still runs
// has stopped by itself: that counts as a failure.
func (r *Runner) once(ctx context.Context, st *stage) bool {
	if ctx.Err() != nil {
		return true // stopping: nothing more to run or retry
	}
	r.mu.Lock()
	st.running = true
	st.runs++
	r.mu.Unlock()
	start := r.cfg.Now()
	r.log.Info("run: stage started", "stage", st.Name)
	err := call(context.WithValue(ctx, stageKey{}, stageRef{r, st}), st)
	if err == nil && st.Continuous && ctx.Err() == nil {
		err = errors.New("returned while the runner is running")
	}
	elapsed := r.cfg.Now().Sub(start)

	r.mu.Lock()
	st.running = false
	st.lastDur = elapsed
	abandoned := err != nil && ctx.Err() != nil
	switch {
	case abandoned:
		// Stopped by the shutdown: not a failure of the stage.
	case err != nil:
		st.errs++
		st.failing = true
		st.lastErr = err.Error()
		st.attempts++
	default:
		st.failing = false
		st.lastErr = ""
		st.attempts = 0
		st.lastOK = start.Add(elapsed)
	}
	attempts := st.attempts
	r.mu.Unlock()

	switch {
	case abandoned:
		r.log.Info("run: stage abandoned on shutdown", "stage", st.Name, "elapsed", elapsed.Round(time.Millisecond), "err", err)
		return true
	case err != nil:
		r.log.Error("run: stage failed; retrying with backoff, the other stages go on", "stage", st.Name,
			"attempt", attempts, "retry_in", r.backoff(st), "elapsed", elapsed.Round(time.Millisecond), "err", err)
		return false
	}
	r.log.Info("run: stage succeeded", "stage", st.Name, "elapsed", elapsed.Round(time.Millisecond))
	for _, next := range st.next {
		select {
		case next.trigger <- struct{}{}:
		default: // already due: one more run covers both successes
		}
	}
	return true
}

// stageKey is the context key of the stage a Run was called for.
type stageKey struct{}

// stageRef names the stage a Run was called for, for Report.
type stageRef struct {
	r  *Runner
	st *stage
}

// Report records how a running stage fares, called with (a context
// derived from) the context its Run was given: a non-nil err marks the
// stage failing, counted among its errors and /readyz not ready, while
// Run goes on retrying; nil records progress as its last success and ends
// the failing. Outside a stage's Run it does nothing, so code shared with
// the other commands may call it freely.
func Report(ctx context.Context, err error) {
	ref, ok := ctx.Value(stageKey{}).(stageRef)
	if !ok {
		return
	}
	r, st := ref.r, ref.st
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil {
		st.errs++
		st.failing = true
		st.lastErr = err.Error()
		return
	}
	st.failing = false
	st.lastErr = ""
	st.attempts = 0
	st.lastOK = r.cfg.Now()
}

// call runs the stage's function, turning a panic into an error so that a
// bug in one stage cannot end the process and the other stages with it.
func call(ctx context.Context, st *stage) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	return st.Run(ctx)
}

// backoff is the wait before the stage's next attempt: MinBackoff doubled
// for each consecutive failure, at most MaxBackoff.
func (r *Runner) backoff(st *stage) time.Duration {
	r.mu.Lock()
	n := st.attempts
	r.mu.Unlock()
	d := r.cfg.MinBackoff
	for i := 1; i < n && d < r.cfg.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, r.cfg.MaxBackoff)
}

func (r *Runner) isRunning(st *stage) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return st.running
}

// sleep waits d, and reports false when ctx ended first.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// StageStatus is what /readyz reports of a stage.
type StageStatus struct {
	Name        string    `json:"name"`
	Runs        int64     `json:"runs"`
	Errors      int64     `json:"errors"`
	Running     bool      `json:"running"`
	Failing     bool      `json:"failing"`
	LastSuccess time.Time `json:"last_success,omitzero"`
	LastError   string    `json:"last_error,omitempty"`
}

// Status reports every stage, in the order they were added, and whether
// the runner is ready: not stopping, every Ready stage succeeded once, and
// no continuous stage failing (it fails while it runs, so it is the
// running process that is not doing its work).
func (r *Runner) Status() (stages []StageStatus, ready bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ready = !r.stopping
	for _, st := range r.stages {
		stages = append(stages, StageStatus{
			Name: st.Name, Runs: st.runs, Errors: st.errs, Running: st.running, Failing: st.failing,
			LastSuccess: st.lastOK, LastError: st.lastErr,
		})
		if st.Ready && st.lastOK.IsZero() || st.Continuous && st.failing {
			ready = false
		}
	}
	return stages, ready
}
