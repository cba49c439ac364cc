package metrics_test

import (
	"testing"

	"github.com/parley-cx/parley/internal/config"
)

// TestRollupsReconcile checks that every count in kpi_daily and agent_daily
// sums to the matching count over conversations.
func TestRollupsReconcile(t *testing.T) {
	db := build(t, readFixture(t, "basic.jsonl"), config.Default())
	checks := []struct{ name, rollup, direct string }{
		{"conversations", "SELECT sum(conversations) FROM kpi_daily", "SELECT count(*) FROM conversations"},
		{"responded", "SELECT sum(responded) FROM kpi_daily", "SELECT count(first_response_s) FROM conversations"},
		{"sla_met", "SELECT sum(sla_met) FROM kpi_daily", "SELECT count(*) FILTER (WHERE sla_met) FROM conversations"},
		{"resolved", "SELECT sum(resolved) FROM kpi_daily", "SELECT count(*) FILTER (WHERE resolved) FROM conversations"},
		{"fcr", "SELECT sum(fcr) FROM kpi_daily", "SELECT count(*) FILTER (WHERE fcr) FROM conversations"},
		{"fcr_measured", "SELECT sum(fcr_measured) FROM kpi_daily", "SELECT count(*) FILTER (WHERE resolved AND repeat_window_closed) FROM conversations"},
		{"fcr_closed", "SELECT sum(fcr_closed) FROM kpi_daily", "SELECT count(*) FILTER (WHERE fcr AND repeat_window_closed) FROM conversations"},
		{"bot outcomes partition bot_handled", "SELECT sum(bot_contained + bot_handed_off + bot_abandoned) FROM kpi_daily", "SELECT count(*) FILTER (WHERE bot_handled) FROM conversations"},
		{"escalations", "SELECT sum(escalations) FROM kpi_daily", "SELECT count(*) FROM escalations"},
		{"effective escalations", "SELECT sum(escalations_effective) FROM kpi_daily", "SELECT count(*) FILTER (WHERE effective) FROM escalations"},
		{"csat", "SELECT sum(csat_sum) FROM kpi_daily", "SELECT sum(csat) FROM conversations"},
		{"agent conversations", "SELECT sum(conversations) FROM agent_daily", "SELECT count(most_active_agent_id) FROM conversations"},
		{"agent messages", "SELECT sum(agent_messages) FROM agent_daily", "SELECT sum(agent_messages) FROM conversations WHERE most_active_agent_id IS NOT NULL"},
		{"friction", "SELECT round(sum(friction_sum), 6) FROM agent_daily", "SELECT round(sum(friction_score), 6) FROM conversations WHERE most_active_agent_id IS NOT NULL"},
	}
	for _, c := range checks {
		var rolled, direct float64
		if err := db.QueryRow(c.rollup).Scan(&rolled); err != nil {
			t.Fatalf("%s: %v", c.rollup, err)
		}
		if err := db.QueryRow(c.direct).Scan(&direct); err != nil {
			t.Fatalf("%s: %v", c.direct, err)
		}
		if rolled != direct || direct == 0 {
			t.Errorf("%s: rollup %v, conversations %v (want equal and non-zero)", c.name, rolled, direct)
		}
	}
	// Hand count: the fixture's conversations start on 2, 3, 6 and 10 March.
	got := queryRows(t, db, "SELECT count(DISTINCT local_date) AS days FROM kpi_daily")
	checkRow(t, "kpi_daily", got[0], map[string]any{"days": 4})
}
