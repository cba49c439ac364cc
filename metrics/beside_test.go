package metrics_test

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"testing"

	"github.com/parley-cx/parley/build/plan"
	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/metrics"
)

// messages is a slog handler that keeps the messages logged, in order.
type messages struct {
	mu  *sync.Mutex
	got *[]string
}

func (m messages) Enabled(context.Context, slog.Level) bool { return true }
func (m messages) Handle(_ context.Context, r slog.Record) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	*m.got = append(*m.got, r.Message)
	return nil
}
func (m messages) WithAttrs([]slog.Attr) slog.Handler { return m }
func (m messages) WithGroup(string) slog.Handler      { return m }

// TestBesideWaitsForTheNamedStep: a hook run beside the next steps
// (plan.Step.Beside) until a named step has filled its tables before that
// step runs, on a built warehouse.
func TestBesideWaitsForTheNamedStep(t *testing.T) {
	settings := config.Default()
	path := buildFile(t, readFixture(t, "dimensions.jsonl"), settings)
	var got []string
	log := slog.New(messages{mu: new(sync.Mutex), got: &got})
	if err := metrics.RunSteps(context.Background(), path, settings, log, []plan.Step{
		{File: "247_auto_qa.sql", Stage: plan.Metrics, Then: plan.AutoQA, Beside: "255_queue_now.sql"},
		{File: "250_rollups.sql", Stage: plan.Metrics},
		{File: "255_queue_now.sql", Stage: plan.Metrics},
	}); err != nil {
		t.Fatal(err)
	}
	started := slices.Index(got, "metrics: running the hook of 247_auto_qa.sql beside the next steps")
	filled := slices.Index(got, "metrics: filled the tables of 247_auto_qa.sql")
	queueNow := slices.Index(got, "metrics: ran 255_queue_now.sql")
	if started < 0 || filled < 0 || queueNow < 0 || filled > queueNow {
		t.Errorf("log %q: want the hook started beside the next steps, and its tables filled before 255 ran", got)
	}
}
