package metrics_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/synth"
	sqlfiles "github.com/parley-cx/parley/sql"
)

// TestInvariantsOnSimulatedOperation builds ten days of the generator's
// simulated operation (bots, queues, transfers, reopens, duplicates, late
// events, the London DST change on 29 March) and checks properties every
// warehouse must have, whatever the data.
func TestInvariantsOnSimulatedOperation(t *testing.T) {
	cfg := synth.DefaultConfig()
	cfg.Start = time.Date(2026, 3, 24, 0, 0, 0, 0, cfg.TZ)
	cfg.Days, cfg.PerDay = 10, 150
	var evs []event.Event
	if _, err := synth.Generate(context.Background(), cfg, func(ev *event.Event) error {
		evs = append(evs, *ev)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	settings := config.Default()
	settings.TimeZone = "Europe/London"
	db := build(t, evs, settings)

	checks, err := parseChecks(sqlfiles.File("build/checks/invariants.sql"))
	if err != nil {
		t.Fatal(err)
	}
	if len(checks) < 10 {
		t.Fatalf("only %d checks parsed", len(checks))
	}
	for _, v := range checks {
		var n int64
		if err := db.QueryRow(v.query).Scan(&n); err != nil {
			t.Fatalf("%s: %v", v.name, err)
		}
		if n != 0 {
			t.Errorf("%s: %d violations", v.name, n)
		}
	}
	// With the default settings every queue is open around the clock.
	var differ int64
	if err := db.QueryRow("SELECT count(*) FROM conversations WHERE first_response_business_s IS DISTINCT FROM first_response_s OR resolution_business_s IS DISTINCT FROM resolution_s").Scan(&differ); err != nil || differ != 0 {
		t.Errorf("24/7 business time differs from calendar time in %d conversations (%v)", differ, err)
	}
	// The simulation must actually exercise what the properties are about.
	var bots, escalated, reopened, resolved int64
	if err := db.QueryRow("SELECT count(*) FILTER (WHERE bot_handled), count(*) FILTER (WHERE escalated), count(*) FILTER (WHERE reopens > 0), count(*) FILTER (WHERE resolved) FROM conversations").Scan(&bots, &escalated, &reopened, &resolved); err != nil {
		t.Fatal(err)
	}
	if bots == 0 || escalated == 0 || reopened == 0 || resolved == 0 {
		t.Errorf("simulation too thin: %d bot-handled, %d escalated, %d reopened, %d resolved", bots, escalated, reopened, resolved)
	}

	// local_date comes from DuckDB's ICU; check it against Go's own zone database.
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query("SELECT conversation_id, started_at, local_date FROM conversations")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	checked := 0
	for rows.Next() {
		var id string
		var started, local time.Time
		if err := rows.Scan(&id, &started, &local); err != nil {
			t.Fatal(err)
		}
		if want := started.In(london).Format(time.DateOnly); local.Format(time.DateOnly) != want {
			t.Errorf("%s started %s: local_date %s, want %s", id, started.Format(time.RFC3339), local.Format(time.DateOnly), want)
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no conversations")
	}
}

type check struct{ name, query string }

// parseChecks splits a checks file into its "-- check: name" queries.
func parseChecks(text string) ([]check, error) {
	var out []check
	for _, part := range strings.Split(text, "\n-- check: ")[1:] {
		name, query, ok := strings.Cut(part, "\n")
		if !ok || strings.TrimSpace(query) == "" {
			return nil, fmt.Errorf("check %q has no query", name)
		}
		out = append(out, check{strings.TrimSpace(name), strings.TrimRight(strings.TrimSpace(query), ";")})
	}
	return out, nil
}
