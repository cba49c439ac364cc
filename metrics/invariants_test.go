package metrics_test

import (
	"context"
	"testing"
	"time"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/synth"
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

	// Each query counts rows that break a property; all must be 0.
	violations := []struct{ name, query string }{
		{"one row per event_id", "SELECT count(*) - count(DISTINCT event_id) FROM events"},
		{"seq is 1..n per conversation", "SELECT count(*) FROM (SELECT conversation_id FROM events GROUP BY 1 HAVING max(seq) <> count(*) OR min(seq) <> 1)"},
		{"episodes = reopens + 1", "SELECT count(*) FROM conversations c JOIN (SELECT conversation_id, count(*) AS n FROM episodes GROUP BY 1) e USING (conversation_id) WHERE e.n <> c.reopens + 1"},
		{"kpi_daily reconciles", "SELECT abs((SELECT sum(conversations) FROM kpi_daily) - (SELECT count(*) FROM conversations))"},
		{"kpi_daily escalations reconcile", "SELECT abs((SELECT sum(escalations) FROM kpi_daily) - (SELECT count(*) FROM escalations))"},
		{"agent_daily reconciles", "SELECT abs((SELECT sum(conversations) FROM agent_daily) - (SELECT count(most_active_agent_id) FROM conversations))"},
		{"bot outcomes partition bot_handled", "SELECT count(*) FROM conversations WHERE bot_handled <> (bot_contained::INT + bot_handed_off::INT + bot_abandoned::INT = 1) OR (NOT bot_handled AND (bot_contained OR bot_handed_off OR bot_abandoned))"},
		{"bot replies never shorten the human first response", "SELECT count(*) FROM conversations WHERE first_response_any_s > first_response_s OR first_response_s < 0"},
		{"24/7 business time equals calendar time", "SELECT count(*) FROM conversations WHERE first_response_business_s IS DISTINCT FROM first_response_s OR resolution_business_s IS DISTINCT FROM resolution_s"},
		{"resolution after first resolution", "SELECT count(*) FROM conversations WHERE resolution_s < first_resolution_s OR (resolved AND resolution_s IS NULL)"},
		{"fcr implies resolved, no reopen, no repeat", "SELECT count(*) FROM conversations WHERE fcr AND (NOT resolved OR reopens > 0 OR repeat_contact)"},
		{"friction in range", "SELECT count(*) FROM conversations WHERE NOT (friction_score BETWEEN 0 AND 100) OR NOT (friction_time BETWEEN 0 AND 1) OR NOT (friction_effort BETWEEN 0 AND 1) OR NOT (friction_impersonal BETWEEN 0 AND 1) OR NOT (friction_directness BETWEEN 0 AND 1)"},
		{"message counts match messages", "SELECT count(*) FROM conversations c LEFT JOIN (SELECT conversation_id, count(*) FILTER (WHERE sender_role = 'customer') AS n FROM messages GROUP BY 1) m USING (conversation_id) WHERE coalesce(m.n, 0) <> c.customer_messages"},
		{"escalation counts match escalations", "SELECT count(*) FROM conversations c LEFT JOIN (SELECT conversation_id, count(*) AS n FROM escalations GROUP BY 1) e USING (conversation_id) WHERE coalesce(e.n, 0) <> c.escalations"},
		{"abandoned conversations are complete and unresolved", "SELECT count(*) FROM conversations WHERE abandoned AND (resolved OR NOT complete)"},
	}
	for _, v := range violations {
		var n int64
		if err := db.QueryRow(v.query).Scan(&n); err != nil {
			t.Fatalf("%s: %v", v.name, err)
		}
		if n != 0 {
			t.Errorf("%s: %d violations", v.name, n)
		}
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
