package metrics_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/parley-cx/parley/build/plan"
	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/metrics"
)

// TestUnknownQueueWarning: a queue the settings name that no event does is
// a warning of the build, naming the setting and the queue it was probably
// meant to be; queues the events name are not.
func TestUnknownQueueWarning(t *testing.T) {
	settings, err := config.Parse("parley.yaml", []byte(`
queues:
  billing: {hours: {weekly: {mon: ["08:00-18:00"]}}}
  suport: {hours: {weekly: {mon: ["08:00-18:00"]}}}
cost:
  agent_hour: 30
  queues: {vip: {agent_hour: 50}}
qa:
  auto:
    checks:
      - {name: greeting, queues: [tier2, tier_2]}
`))
	if err != nil {
		t.Fatal(err)
	}
	withQueues := buildFile(t, readFixture(t, "basic.jsonl"), config.Default()) // billing, sales, support, tier2
	var log bytes.Buffer
	warn := slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if err := metrics.RunSteps(context.Background(), withQueues, settings, warn, []plan.Step{
		{File: "201_reference.sql", Stage: plan.Metrics, Then: plan.FillReference},
	}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	want := []string{
		`setting=queues.suport queue=suport did_you_mean=support`,
		`setting=cost.queues.vip queue=vip` + "\n",
		`setting=qa.auto.checks[0].queues[1] queue=tier_2 did_you_mean=tier2`,
	}
	if len(lines) != len(want) {
		t.Fatalf("%d warnings, want %d:\n%s", len(lines), len(want), log.String())
	}
	for i, w := range want {
		if !strings.Contains(lines[i]+"\n", w) || !strings.Contains(lines[i], "level=WARN") {
			t.Errorf("warning %d: %s\nwant it to hold %q", i, lines[i], w)
		}
	}
}
