package metrics_test

import (
	"testing"

	"github.com/parley-cx/parley/internal/config"
)

// TestDefinitionRules covers the rules docs/metrics.md settles, one
// conversation of testdata/metrics/rules.jsonl each, with values worked out
// by hand from the written definitions. The warehouse's last event is
// 2026-07-20 00:02 (r-last), so reply windows opened before 07-19 00:02
// have run out.
func TestDefinitionRules(t *testing.T) {
	db := build(t, readFixture(t, "rules.jsonl"), config.Default())
	tests := []struct {
		name, query string
		args        []any
		want        []map[string]any
	}{
		{"an open wait of three messages is one breach", "SELECT * FROM conversations WHERE conversation_id = ?", []any{"r-open-burst"}, []map[string]any{{
			"window_breaches": 1, "unanswered_bursts": 1, "customer_nudges": 2,
			"human_wait_s": 600.0, "waiting_on_agent_s": 600.0, "resolved": false, "complete": true, "abandoned": true,
			"first_response_s": nil,
		}}},
		{"an open wait whose window has not run out by the last event is no breach", "SELECT * FROM conversations WHERE conversation_id = ?", []any{"r-open-young"}, []map[string]any{{
			"window_breaches": 0, "unanswered_bursts": 1, "complete": false, "abandoned": false,
		}}},
		{"a wait that starts after the final resolution is no breach", "SELECT * FROM conversations WHERE conversation_id = ?", []any{"r-thanks"}, []map[string]any{{
			"window_breaches": 0, "resolved": true, "unanswered_bursts": 0, "waiting_on_agent_s": 120.0,
		}}},
		{"repeats compare Unicode letters and digits after NFC", "SELECT * FROM conversations WHERE conversation_id = ?", []any{"r-unicode"}, []map[string]any{{
			// Café ≠ Caf; 日本語です = 日本語です。; CAFE + combining acute = Café;
			// !!!, ???, 🙂🙂 and 🙂🙂 normalise to nothing and never repeat
			"repeated_messages": 2, "customer_nudges": 0, "customer_messages": 9,
		}}},
		{"first_queue is the first current queue: a routing event's to.queue first", "SELECT * FROM conversations WHERE conversation_id = ?", []any{"r-first-queue"}, []map[string]any{{
			"first_queue": "billing", "last_queue": "billing", "first_response_s": 270.0,
		}}},
		{"a reopen as the first event starts episode 1", "SELECT * FROM episodes WHERE conversation_id = ? ORDER BY episode", []any{"r-reopen-first"}, []map[string]any{{
			"episode": 1, "started_at": "2026-07-06T12:00:00Z", "first_response_s": 180.0, "resolved": true, "resolution_s": 600.0,
		}}},
		{"a reopen as the first event still counts as a reopen", "SELECT * FROM conversations WHERE conversation_id = ?", []any{"r-reopen-first"}, []map[string]any{{
			"reopens": 1, "first_response_s": 180.0, "resolved": true, "resolution_s": 600.0, "fcr": false,
		}}},
		{"the first response is episode 1's; a reply after a reopen belongs to its episode", "SELECT * FROM conversations WHERE conversation_id = ?", []any{"r-frt-episode1"}, []map[string]any{{
			"first_response_s": nil, "first_response_any_s": 5.0, "sla_met": nil,
			"first_resolution_s": 60.0, "resolution_s": 3*86400.0 + 1200, "median_reply_s": 600.0, "human_wait_s": 600.0,
		}}},
		{"episodes keep their own first responses", "SELECT * FROM episodes WHERE conversation_id = ? ORDER BY episode", []any{"r-frt-episode1"}, []map[string]any{
			{"episode": 1, "first_response_s": nil, "first_response_any_s": 5.0, "resolved": true, "resolution_s": 60.0},
			{"episode": 2, "first_response_s": 600.0, "first_response_any_s": 600.0, "resolved": true, "resolution_s": 1200.0},
		}},
		{"a resolution ends a burst: the reply answers only what came after it", "SELECT * FROM conversations WHERE conversation_id = ?", []any{"r-burst-resolve"}, []map[string]any{{
			"median_reply_s": 300.0, "human_wait_s": 300.0, "customer_nudges": 1,
			// the first response still runs from the episode's first customer message
			"first_response_s": 900.0,
			// 09:00 → resolved 09:01, then 09:10 → reply 09:15; the business waited 09:15 → 09:20
			"waiting_on_agent_s": 360.0, "waiting_on_customer_s": 300.0,
		}}},
		{"reply waits per message across a resolution", "SELECT burst, reply_wait_s FROM messages WHERE conversation_id = ? ORDER BY seq", []any{"r-burst-resolve"}, []map[string]any{
			{"burst": 0, "reply_wait_s": nil}, {"burst": 1, "reply_wait_s": nil}, {"burst": 1, "reply_wait_s": nil}, {"burst": 1, "reply_wait_s": 300.0},
		}},
		{"an escalation made by a bot actor is a bot escalation", "SELECT * FROM escalations WHERE conversation_id = ?", []any{"r-bot-actor"}, []map[string]any{{
			"source": "bot", "from_queue": "support", "to_queue": "tier2", "handoff_wait_s": 180.0, "effective": true,
		}}},
		{"from_queue is the running current queue, not the event's queue field", "SELECT * FROM escalations WHERE conversation_id = ?", []any{"r-from-queue"}, []map[string]any{{
			"source": "tier", "from_queue": "q2", "to_queue": "q3", "handoff_wait_s": nil, "effective": true,
		}}},
		{"messages carry the running current queue", "SELECT sender_id, queue FROM messages WHERE conversation_id = ? ORDER BY seq", []any{"r-from-queue"}, []map[string]any{
			{"sender_id": "cust-11", "queue": "q1"}, {"sender_id": "ag-12", "queue": "q2"},
		}},
		{"repeat contact after the last resolution, even if reopened since", "SELECT conversation_id, repeat_contact, resolved, fcr FROM conversations WHERE conversation_id IN (?, ?) ORDER BY 1", []any{"r-repeat-a", "r-repeat-b"}, []map[string]any{
			{"conversation_id": "r-repeat-a", "repeat_contact": true, "resolved": false, "fcr": false},
			{"conversation_id": "r-repeat-b", "repeat_contact": false, "resolved": true, "fcr": true},
		}},
		{"nudges follow the same agent's latest human reply, whatever others wrote", "SELECT * FROM conversations WHERE conversation_id = ?", []any{"r-nudges"}, []map[string]any{{
			// ag-a 10:05 (4 min after its 10:01), ag-b's automated 10:07 (3.5 min after
			// its 10:03:30), ag-a 10:08 (3 min after its 10:05); ag-b 10:03:30 is 1.5 min
			// after its own reply, and ag-a 10:10 follows a customer message
			"nudges": 3, "agent_messages": 6,
		}}},
		{"a conversation with no channel is channel 'unknown'", "SELECT * FROM conversations WHERE conversation_id = ?", []any{"r-no-channel"}, []map[string]any{{
			"channel": "unknown", "first_response_s": 60.0,
		}}},
		{"... in the rollups too", "SELECT conversations FROM kpi_daily WHERE channel = 'unknown'", nil, []map[string]any{{
			"conversations": 1,
		}}},
		{"customer_id is the first customer actor id present", "SELECT * FROM conversations WHERE conversation_id = ?", []any{"r-customer-id"}, []map[string]any{{
			"customer_id": "cust-13",
		}}},
		{"window_breaches is 0, not NULL, where no conversation had a window", "SELECT window_breaches, window_measured, window_breach_rate FROM kpi_daily WHERE local_date = '2026-07-20'", nil, []map[string]any{{
			"window_breaches": 0, "window_measured": 0, "window_breach_rate": nil,
		}}},
		{"the open three-message wait in the daily rollup", "SELECT window_breaches, window_breached, window_measured FROM kpi_daily WHERE local_date = '2026-07-06' AND channel = 'whatsapp'", nil, []map[string]any{{
			"window_breaches": 1, "window_breached": 1, "window_measured": 1,
		}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rows := queryRows(t, db, tc.query, tc.args...)
			if len(rows) != len(tc.want) {
				t.Fatalf("%d rows, want %d", len(rows), len(tc.want))
			}
			for i := range rows {
				checkRow(t, tc.name, rows[i], tc.want[i])
			}
		})
	}
}
