package runner

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// generous bounds every wait for something the runner must do; no test
// depends on how fast it happens.
const generous = 20 * time.Second

func newRunner(t *testing.T) (*Runner, *prometheus.Registry) {
	t.Helper()
	reg := prometheus.NewRegistry()
	r, err := New(Config{Registry: reg, MinBackoff: time.Millisecond, MaxBackoff: 4 * time.Millisecond, ShutdownTimeout: generous})
	if err != nil {
		t.Fatal(err)
	}
	return r, reg
}

// start runs r until the test ends and returns a function that stops it
// and returns Run's error.
func start(t *testing.T, r *Runner) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- r.Run(ctx) }()
	stopped := false
	stop = func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		select {
		case err := <-errc:
			return err
		case <-time.After(2 * generous):
			t.Fatal("Run did not return")
			return nil
		}
	}
	t.Cleanup(func() { stop() }) //nolint:errcheck // the test has its own checks
	return stop
}

// eventually waits, at most generous, for cond.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(generous); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func status(r *Runner, name string) StageStatus {
	stages, _ := r.Status()
	for _, s := range stages {
		if s.Name == name {
			return s
		}
	}
	return StageStatus{}
}

// TestFailingStageIsRetriedAndReported: a stage failing three times (once by
// a panic) is tried again with backoff until it succeeds, each failure
// counted and shown, while another stage keeps running on its interval.
func TestFailingStageIsRetriedAndReported(t *testing.T) {
	r, reg := newRunner(t)
	var flaky, steady atomic.Int64
	release := make(chan struct{})
	must(t, r.Add(Stage{Name: "flaky", Every: time.Hour, Run: func(context.Context) error {
		switch flaky.Add(1) {
		case 1, 2:
			return errors.New("disk full")
		case 3:
			// Hold the third failure until the steady stage has run on
			// meanwhile: a failing stage stops nothing else.
			<-release
			panic("bug")
		}
		return nil
	}}))
	must(t, r.Add(Stage{Name: "steady", Every: time.Millisecond, Run: func(context.Context) error {
		if steady.Add(1) == 5 {
			close(release)
		}
		return nil
	}}))
	start(t, r)
	eventually(t, "flaky to succeed", func() bool { return !status(r, "flaky").LastSuccess.IsZero() })
	st := status(r, "flaky")
	if st.Runs != 4 || st.Errors != 3 || st.Failing || st.LastError != "" {
		t.Errorf("flaky = %+v, want 4 runs, 3 errors, not failing", st)
	}
	if got := testutil.ToFloat64(mustCollect(t, reg, "parley_run_stage_errors_total", "flaky")); got != 3 {
		t.Errorf("parley_run_stage_errors_total{stage=flaky} = %v, want 3", got)
	}
	if steady.Load() < 5 {
		t.Errorf("steady ran %d times while flaky failed", steady.Load())
	}
}

// TestFailureShownUntilRetrySucceeds: while a stage fails, /readyz says so
// with its error, and parley_run_stage_failing is 1.
func TestFailureShownUntilRetrySucceeds(t *testing.T) {
	reg := prometheus.NewRegistry()
	r, err := New(Config{Registry: reg, MinBackoff: time.Hour, ShutdownTimeout: generous})
	must(t, err)
	must(t, r.Add(Stage{Name: "report", Every: time.Hour, Ready: true, Run: func(context.Context) error {
		return errors.New("a folder holds the name of a page")
	}}))
	start(t, r)
	eventually(t, "the failure", func() bool { return status(r, "report").Failing })
	srv := httptest.NewServer(r.Handler(reg))
	defer srv.Close()
	code, body := get(t, srv.URL+"/readyz")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "a folder holds the name of a page") {
		t.Errorf("/readyz = %d %s, want 503 with the error", code, body)
	}
	if got := testutil.ToFloat64(mustCollect(t, reg, "parley_run_stage_failing", "report")); got != 1 {
		t.Errorf("parley_run_stage_failing = %v, want 1", got)
	}
	code, body = get(t, srv.URL+"/metrics")
	if code != http.StatusOK || !strings.Contains(body, `parley_run_stage_errors_total{stage="report"} 1`) {
		t.Errorf("/metrics = %d, want the error counted:\n%s", code, body)
	}
	if code, _ := get(t, srv.URL+"/healthz"); code != http.StatusOK {
		t.Errorf("/healthz = %d while a stage fails, want 200 (the process is alive)", code)
	}
}

// TestReadiness: /readyz is 503 until every Ready stage has succeeded, 200
// then, and 503 again once the runner stops.
func TestReadiness(t *testing.T) {
	r, reg := newRunner(t)
	gate := make(chan struct{})
	must(t, r.Add(Stage{Name: "build", Every: time.Hour, Ready: true, Run: func(ctx context.Context) error {
		select {
		case <-gate:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}}))
	srv := httptest.NewServer(r.Handler(reg))
	defer srv.Close()
	stop := start(t, r)
	if code, _ := get(t, srv.URL+"/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz before the first build = %d, want 503", code)
	}
	close(gate)
	eventually(t, "readiness", func() bool { code, _ := get(t, srv.URL+"/readyz"); return code == http.StatusOK })
	must(t, stop())
	if code, _ := get(t, srv.URL+"/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz after stopping = %d, want 503", code)
	}
}

// TestAfterAndSchedule: a stage After another runs after its successes
// only; a cron-scheduled stage runs at the schedule's times.
func TestAfterAndSchedule(t *testing.T) {
	r, _ := newRunner(t)
	var builds, reports, sampled atomic.Int64
	must(t, r.Add(Stage{Name: "build", Every: time.Millisecond, Run: func(context.Context) error {
		if n := builds.Add(1); n%2 == 0 || n > 6 {
			return errors.New("even builds fail, and every build after the sixth")
		}
		return nil
	}}))
	must(t, r.Add(Stage{Name: "report", After: "build", Run: func(context.Context) error {
		reports.Add(1)
		return nil
	}}))
	must(t, r.Add(Stage{Name: "qa", Schedule: everyMillisecond{}, Run: func(context.Context) error {
		sampled.Add(1)
		return nil
	}}))
	stop := start(t, r)
	eventually(t, "seven builds", func() bool { return builds.Load() >= 7 })
	eventually(t, "a report after the third success", func() bool { return status(r, "report").Runs >= 1 && !status(r, "report").Running })
	eventually(t, "three QA runs", func() bool { return sampled.Load() >= 3 })
	must(t, stop())
	// Builds 1, 3, 5 succeeded: at most three reports (two successes while
	// a report runs make one more run), at least one.
	if n := reports.Load(); n < 1 || n > 3 {
		t.Errorf("%d reports after 3 successful builds, want 1 to 3", n)
	}
}

// TestScheduledAt: a Schedule stage's Run learns the time its schedule
// named, and the retry of a failed run the same time (so it redoes that
// run); other stages' contexts have none.
func TestScheduledAt(t *testing.T) {
	r, _ := newRunner(t)
	tokyo := time.FixedZone("JST", 9*3600)
	sched := &recordingSchedule{}
	var mu sync.Mutex
	var got []time.Time
	var everyOK atomic.Bool
	everyOK.Store(true)
	must(t, r.Add(Stage{Name: "qa", Schedule: sched, Location: tokyo, Run: func(ctx context.Context) error {
		at, ok := ScheduledAt(ctx)
		mu.Lock()
		defer mu.Unlock()
		if !ok {
			return errors.New("no scheduled time")
		}
		got = append(got, at)
		if len(got)%2 == 1 {
			return errors.New("every first attempt fails")
		}
		return nil
	}}))
	must(t, r.Add(Stage{Name: "build", Every: time.Millisecond, Run: func(ctx context.Context) error {
		if _, ok := ScheduledAt(ctx); ok {
			everyOK.Store(false)
		}
		return nil
	}}))
	stop := start(t, r)
	eventually(t, "two scheduled runs, each retried once", func() bool { mu.Lock(); defer mu.Unlock(); return len(got) >= 4 })
	must(t, stop())
	mu.Lock()
	defer mu.Unlock()
	named := sched.named()
	for i, at := range got[:4] {
		if want := named[i/2]; !at.Equal(want) || at.Location() != tokyo {
			t.Errorf("call %d: scheduled at %s, want %s (the schedule's time for run %d) in %s", i, at, want, i/2+1, tokyo)
		}
	}
	if !everyOK.Load() {
		t.Error("an Every stage's context has a scheduled time")
	}
}

// recordingSchedule fires every millisecond and records the times it named.
type recordingSchedule struct {
	mu    sync.Mutex
	times []time.Time
}

func (s *recordingSchedule) Next(t time.Time) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	next := t.Add(time.Millisecond)
	s.times = append(s.times, next)
	return next
}

func (s *recordingSchedule) named() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.times)
}

// TestContinuousStageRestarted: a continuous stage that stops (with or
// without an error) is started again; while it runs, what it reports says
// how it fares: a failure marks it failing (counted, not ready), progress
// is its last success.
func TestContinuousStageRestarted(t *testing.T) {
	r, reg := newRunner(t)
	var starts atomic.Int64
	step := make(chan error)
	must(t, r.Add(Stage{Name: "ingest", Continuous: true, Run: func(ctx context.Context) error {
		switch starts.Add(1) {
		case 1:
			return errors.New("broker unreachable")
		case 2:
			return nil // stopped by itself: also a failure
		}
		for {
			select {
			case err := <-step:
				Report(ctx, err)
			case <-ctx.Done():
				return nil
			}
		}
	}}))
	stop := start(t, r)
	eventually(t, "the third start", func() bool { return status(r, "ingest").Running && starts.Load() == 3 })
	if st := status(r, "ingest"); st.Errors != 2 {
		t.Errorf("ingest errors = %d, want 2", st.Errors)
	}
	lastSuccess := func() float64 {
		return testutil.ToFloat64(mustCollect(t, reg, "parley_run_stage_last_success_timestamp_seconds", "ingest"))
	}
	step <- errors.New("join failed")
	eventually(t, "the failure reported", func() bool { return status(r, "ingest").Errors == 3 })
	if st, ready := r.Status(); ready || !st[0].Failing || st[0].Errors != 3 || st[0].LastError != "join failed" || lastSuccess() != 0 {
		t.Errorf("after a reported failure: ready %v, %+v, last success %v; want not ready, failing, 3 errors, no success", ready, st[0], lastSuccess())
	}
	step <- nil
	eventually(t, "the progress reported", func() bool { return !status(r, "ingest").Failing })
	if st, ready := r.Status(); !ready || st[0].Failing || st[0].LastError != "" || lastSuccess() == 0 {
		t.Errorf("after reported progress: ready %v, %+v, last success %v; want ready, not failing, a last success", ready, st[0], lastSuccess())
	}
	must(t, stop())
	if st := status(r, "ingest"); st.Errors != 3 {
		t.Errorf("the shutdown counted as a failure: %+v", st)
	}
}

// TestShutdown: Run waits for the stages to finish their work after the
// context ends, and names a stage that does not stop in time.
func TestShutdown(t *testing.T) {
	r, _ := newRunner(t)
	var cleaned atomic.Bool
	must(t, r.Add(Stage{Name: "build", Continuous: true, Run: func(ctx context.Context) error {
		<-ctx.Done()
		time.Sleep(10 * time.Millisecond) // removing the half-built file
		cleaned.Store(true)
		return ctx.Err()
	}}))
	stop := start(t, r)
	eventually(t, "the build to start", func() bool { return status(r, "build").Running })
	must(t, stop())
	if !cleaned.Load() {
		t.Error("Run returned before the stage finished")
	}

	stuck, err := New(Config{ShutdownTimeout: 50 * time.Millisecond})
	must(t, err)
	block := make(chan struct{})
	defer close(block)
	must(t, stuck.Add(Stage{Name: "retention", Continuous: true, Run: func(context.Context) error { <-block; return nil }}))
	stop = start(t, stuck)
	eventually(t, "retention to start", func() bool { return status(stuck, "retention").Running })
	if err := stop(); err == nil || !strings.Contains(err.Error(), "retention") {
		t.Errorf("Run = %v, want an error naming the stage that did not stop", err)
	}
}

func TestAddRefusesBadStages(t *testing.T) {
	r, _ := newRunner(t)
	run := func(context.Context) error { return nil }
	for _, s := range []Stage{
		{Name: "", Every: time.Second, Run: run},
		{Name: "a", Run: run},
		{Name: "b", Every: time.Second, Continuous: true, Run: run},
		{Name: "c", After: "missing", Run: run},
	} {
		if err := r.Add(s); err == nil {
			t.Errorf("Add(%+v) accepted", s.Name)
		}
	}
	must(t, r.Add(Stage{Name: "d", Every: time.Second, Run: run}))
	if err := r.Add(Stage{Name: "d", Every: time.Second, Run: run}); err == nil {
		t.Error("a second stage named d was accepted")
	}
}

// everyMillisecond is a cron schedule firing every millisecond (robfig's
// @every rounds up to a second).
type everyMillisecond struct{}

func (everyMillisecond) Next(t time.Time) time.Time { return t.Add(time.Millisecond) }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// mustCollect returns the series name{stage} from reg as a collector testutil can read.
func mustCollect(t *testing.T, reg *prometheus.Registry, name, stage string) prometheus.Collector {
	t.Helper()
	families, err := reg.Gather()
	must(t, err)
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "stage" && l.GetValue() == stage {
					v := m.GetCounter().GetValue() + m.GetGauge().GetValue()
					g := prometheus.NewGauge(prometheus.GaugeOpts{Name: "x"})
					g.Set(v)
					return g
				}
			}
		}
	}
	t.Fatalf("no series %s{stage=%q}", name, stage)
	return nil
}
