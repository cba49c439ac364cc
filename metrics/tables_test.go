package metrics_test

import (
	"testing"

	"github.com/parley-cx/parley/internal/config"
)

// TestDerivedTables checks the rows of events, messages, episodes and
// escalations that the basic fixture's hand-made cases are about.
func TestDerivedTables(t *testing.T) {
	db := build(t, readFixture(t, "basic.jsonl"), config.Default())

	t.Run("events are deduplicated and ordered by time, ties by type", func(t *testing.T) {
		// The fixture lists c-dups backwards with two events delivered twice;
		// the start and the first message share 11:00:00.
		got := queryRows(t, db, "SELECT event_id, seq, episode FROM events WHERE conversation_id = 'c-dups' ORDER BY seq")
		want := []string{"du-1", "du-2", "du-3", "du-4"}
		if len(got) != len(want) {
			t.Fatalf("%d events, want %d", len(got), len(want))
		}
		for i, w := range want {
			checkRow(t, w, got[i], map[string]any{"event_id": w, "seq": i + 1, "episode": 1})
		}
	})

	t.Run("episodes split at reopened", func(t *testing.T) {
		got := queryRows(t, db, "SELECT * FROM episodes WHERE conversation_id = 'c-reopen' ORDER BY episode")
		if len(got) != 2 {
			t.Fatalf("%d episodes, want 2", len(got))
		}
		checkRow(t, "episode 1", got[0], map[string]any{
			"episode": 1, "started_at": "2026-03-02T09:00:00Z", "ended_at": "2026-03-02T09:40:00Z",
			"first_response_s": 1800.0, "resolved": true, "resolution_s": 2400.0,
		})
		// reopened 09:40, customer 09:41, agent 09:51, resolved 10:40
		checkRow(t, "episode 2", got[1], map[string]any{
			"episode": 2, "started_at": "2026-03-07T09:40:00Z", "ended_at": "2026-03-07T10:40:00Z",
			"first_response_s": 600.0, "resolved": true, "resolution_s": 3600.0,
		})
	})

	t.Run("reply waits sit on the human reply that answers a burst", func(t *testing.T) {
		got := queryRows(t, db, "SELECT event_id, sender_role, reply_wait_s FROM messages WHERE conversation_id = 'c-bursts' ORDER BY seq")
		want := map[string]any{"bu-2": nil, "bu-3": nil, "bu-4": nil, "bu-5": 300.0, "bu-6": nil, "bu-7": nil, "bu-8": nil, "bu-9": 120.0}
		if len(got) != len(want) {
			t.Fatalf("%d messages, want %d", len(got), len(want))
		}
		for _, r := range got {
			id := r["event_id"].(string)
			checkRow(t, id, r, map[string]any{"reply_wait_s": want[id]})
		}
		notes := queryRows(t, db, "SELECT event_id, private, automated, reply_wait_s FROM messages WHERE conversation_id = 'c-notes' ORDER BY seq")
		checkRow(t, "nt-3", notes[1], map[string]any{"automated": true, "reply_wait_s": nil})
		checkRow(t, "nt-4", notes[2], map[string]any{"private": true, "reply_wait_s": nil})
		checkRow(t, "nt-5", notes[3], map[string]any{"reply_wait_s": 240.0})
	})

	t.Run("escalations", func(t *testing.T) {
		cases := []struct {
			id   string
			want map[string]any
		}{
			{"bh-4", map[string]any{
				"conversation_id": "c-bot-handoff", "source": "bot", "from_queue": "support", "to_queue": "billing",
				"to_role": "agent", "local_date": "2026-03-02", "channel": "webchat",
				// resolved 6 min 50 s later, no transfer, no reopen
				"effective": true, "handoff_wait_s": 120.0,
			}},
			{"ti-4", map[string]any{
				"conversation_id": "c-tier", "source": "tier", "from_queue": "support", "to_queue": "tier2",
				// transferred to billing before the resolution
				"effective": false, "handoff_wait_s": 1800.0,
			}},
		}
		for _, c := range cases {
			got := queryRows(t, db, "SELECT * FROM escalations WHERE event_id = ?", c.id)
			if len(got) != 1 {
				t.Fatalf("%s: %d rows, want 1", c.id, len(got))
			}
			checkRow(t, c.id, got[0], c.want)
		}
	})

	t.Run("escalation effectiveness", func(t *testing.T) {
		got := queryRows(t, db, "SELECT * FROM escalation_effectiveness ORDER BY queue")
		if len(got) != 2 {
			t.Fatalf("%d rows, want 2", len(got))
		}
		// billing is the last queue of c-bot-handoff (escalated, CSAT 4), c-tier
		// (escalated, no CSAT) and c-reopen (not escalated, no CSAT).
		checkRow(t, "billing", got[0], map[string]any{
			"queue": "billing", "source": "bot", "escalations": 1, "effective": 1, "effective_share": 1.0,
			"handoff_wait_p50_s": 120.0, "queue_conversations": 3, "queue_escalation_rate": 2.0 / 3,
			"csat_escalated": 4.0, "csat_not_escalated": nil,
		})
		// No conversation ends in tier2 (c-tier moved on to billing).
		checkRow(t, "tier2", got[1], map[string]any{
			"queue": "tier2", "source": "tier", "escalations": 1, "effective": 0, "effective_share": 0.0,
			"handoff_wait_p90_s": 1800.0, "queue_conversations": nil,
		})
	})
}

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
