package metrics_test

import (
	"testing"

	"github.com/parley-cx/parley/internal/config"
)

// TestConversationsEdgeCases covers conversations the contract allows but
// dashboards rarely see: a lone status event, system messages and repeated
// CSAT answers, and a conversation routed to a bot that never spoke.
func TestConversationsEdgeCases(t *testing.T) {
	db := build(t, readFixture(t, "edge.jsonl"), config.Default())
	cases := []struct {
		id   string
		want map[string]any
	}{
		{"c-only-resolved", map[string]any{
			// no event names a channel (it is optional): 'unknown', in every rollup too
			"customer_id": nil, "channel": "unknown", "first_queue": nil, "customer_messages": 0,
			"first_response_s": nil, "resolved": true, "first_resolution_s": 0.0, "resolution_s": 0.0,
			"bot_handled": false, "abandoned": false, "fcr": true,
			// nothing happened to anyone: no friction, and not NULL either
			"friction_score": 0.0, "sla_target_s": nil, "sla_met": nil,
		}},
		{"c-system", map[string]any{
			"channel": "in_app", "customer_messages": 1, "agent_messages": 0, "bot_messages": 0,
			// a system notice is not a reply of any kind
			"first_response_any_s": nil, "bot_handled": false,
			// the last CSAT answer counts
			"csat": int32(1), "resolved": false, "abandoned": true, "complete": true,
		}},
		{"c-to-bot", map[string]any{
			"channel": "messenger", "first_queue": "support", "last_queue": "vip", "customer_id": "cust-t",
			// routed to a bot before any human reply, then assigned to an agent
			"bot_handled": true, "bot_handed_off": true, "bot_contained": false, "bot_abandoned": false,
			"first_response_s": 180.0, "resolution_s": 86400.0 + 181, "sla_target_s": 900.0, "sla_met": true,
		}},
	}
	for _, c := range cases {
		t.Run(c.id, func(t *testing.T) {
			rows := queryRows(t, db, "SELECT * FROM conversations WHERE conversation_id = ?", c.id)
			if len(rows) != 1 {
				t.Fatalf("%d rows, want 1", len(rows))
			}
			checkRow(t, c.id, rows[0], c.want)
		})
	}
}
