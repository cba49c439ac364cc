package metrics_test

import (
	"testing"

	"github.com/parley-cx/parley/internal/config"
)

// conv is the hand-computed expectation for one fixture conversation.
type conv struct {
	id   string
	want map[string]any
	// drivers of the four friction components, counted by hand
	time, impersonal, directness, effort float64
}

// TestConversationsBasic checks every conversations column of the basic
// fixture (testdata/metrics/basic.jsonl: bot contained / handed off /
// abandoned, reopen after five days, notes and automated messages before the
// first human reply, customer bursts, tier escalation and transfer, outbound
// start, duplicates and out-of-order events, repeat contacts, an open
// conversation) against values worked out by hand from the event times.
func TestConversationsBasic(t *testing.T) {
	db := build(t, readFixture(t, "basic.jsonl"), config.Default())

	no := map[string]any{ // defaults shared by the plain human-handled conversations
		"bot_messages": 0, "bot_handled": false, "bot_contained": false, "bot_handed_off": false,
		"bot_abandoned": false, "abandoned": false, "escalated": false, "escalations": 0,
		"transfers": 0, "reopens": 0, "handoff_wait_s": nil, "csat": nil, "complete": true,
	}
	with := func(m map[string]any) map[string]any {
		out := map[string]any{}
		for k, v := range no {
			out[k] = v
		}
		for k, v := range m {
			out[k] = v
		}
		return out
	}
	cases := []conv{
		{id: "c-bot-contained", want: with(map[string]any{
			"customer_id": "cust-1", "channel": "webchat", "first_queue": "support", "last_queue": "support",
			"started_at": "2026-03-02T10:00:00Z", "local_date": "2026-03-02", "ended_at": "2026-03-02T10:01:00Z",
			"most_active_agent_id": nil, "first_agent_id": nil, "last_agent_id": nil,
			"customer_messages": 1, "agent_messages": 0, "bot_messages": 1,
			// the bot's reply after 5 s is not a human first response
			"first_response_s": nil, "first_response_any_s": 5.0, "first_response_business_s": nil,
			"sla_target_s": 60.0, "sla_met": nil, "median_reply_s": nil,
			"resolved": true, "first_resolution_s": 60.0, "resolution_s": 60.0, "resolution_business_s": 60.0,
			"bot_handled": true, "bot_contained": true, "repeat_contact": false, "fcr": true,
			// the bot's reply ends the customer's wait; the business then waits 55 s until the resolution
			"waiting_on_agent_s": 5.0, "waiting_on_customer_s": 55.0, "agent_handle_s": 0.0, "nudges": 0, "window_breaches": nil,
		}), time: sat(5, 86400), impersonal: sat(1, 3), effort: sat(1, 8)},
		{id: "c-bot-handoff", want: with(map[string]any{
			"customer_id": "cust-2", "first_queue": "support", "last_queue": "billing",
			"ended_at":             "2026-03-02T10:08:00Z",
			"most_active_agent_id": "ag-1", "first_agent_id": "ag-1", "last_agent_id": "ag-1",
			"customer_messages": 2, "agent_messages": 2, "bot_messages": 1,
			// 10:00:00 customer → 10:02:10 agent; the bot answered at 10:00:02
			"first_response_s": 130.0, "first_response_any_s": 2.0, "first_response_business_s": 130.0,
			"sla_target_s": 60.0, "sla_met": false,
			// bot escalates at 10:00:10, agent replies 10:02:10
			"handoff_wait_s": 120.0,
			// bursts waited 130 s and 60 s
			"median_reply_s": 95.0,
			"resolved":       true, "first_resolution_s": 420.0, "resolution_s": 420.0,
			"escalated": true, "escalations": 1, "bot_handled": true, "bot_handed_off": true,
			"repeat_contact": false, "fcr": true, "csat": int32(4),
			// waits on the business: 2 s (the bot) and 60 s; on the customer: 128 s
			// (bot → agent, no nudge: another sender), 170 s and 60 s
			"waiting_on_agent_s": 62.0, "waiting_on_customer_s": 358.0, "agent_handle_s": 128.0 + 60, "nudges": 0,
		}),
			// human waits 130+60 s; waited on the business 62 s; one bot message before the human; one escalation; two customer messages
			time: noisyOr(sat(190, 1800), sat(62, 86400)), impersonal: sat(1, 3), directness: sat(1, 1), effort: sat(2, 8)},
		{id: "c-bot-abandoned", want: with(map[string]any{
			"customer_id": "cust-3", "ended_at": "2026-03-02T10:00:33Z",
			"customer_messages": 2, "agent_messages": 0, "bot_messages": 2,
			"first_response_s": nil, "first_response_any_s": 3.0, "sla_met": nil,
			"resolved": false, "first_resolution_s": nil, "resolution_s": nil, "resolution_business_s": nil,
			"bot_handled": true, "bot_abandoned": true, "abandoned": true, "fcr": false, "repeat_contact": false,
			"waiting_on_agent_s": 6.0, "waiting_on_customer_s": 27.0, "agent_handle_s": 0.0,
		}),
			// the unanswered burst waited 33 s until the last event; two bot messages; an unanswered burst
			time: noisyOr(sat(33, 1800), sat(6, 86400)), impersonal: sat(2, 3), effort: noisyOr(sat(2, 8), sat(1, 1))},
		{id: "c-reopen", want: with(map[string]any{
			"customer_id": "cust-4", "channel": "email", "first_queue": "billing", "last_queue": "billing",
			"started_at": "2026-03-02T09:00:00Z", "ended_at": "2026-03-07T10:40:00Z",
			// ag-2 and ag-3 replied once each: the earlier one wins the tie
			"most_active_agent_id": "ag-2", "first_agent_id": "ag-2", "last_agent_id": "ag-3",
			"customer_messages": 2, "agent_messages": 2,
			// the reopen five days later does not change the first response
			"first_response_s": 1800.0, "first_response_any_s": 1800.0,
			"sla_target_s": 86400.0, "sla_met": true, "median_reply_s": 1200.0,
			"resolved": true, "first_resolution_s": 2400.0,
			"resolution_s": 5*86400.0 + 6000, "resolution_business_s": 5*86400.0 + 6000,
			"reopens": 1, "repeat_contact": false, "fcr": false,
			// 1800 s + 600 s on the business, 600 s + 2940 s on the customer; the five
			// closed days belong to neither
			"waiting_on_agent_s": 2400.0, "waiting_on_customer_s": 3540.0,
			"resolution_waiting_on_agent_s": 2400.0, "resolution_waiting_on_customer_s": 3540.0,
			"agent_handle_s": 600.0, // two replies after gaps of 30 and 10 min, capped at 5
		}),
			time: noisyOr(sat(1800+600, 1800), sat(2400, 86400)), impersonal: sat(1, 1), directness: sat(1, 1), effort: sat(2, 8)},
		{id: "c-notes", want: with(map[string]any{
			"customer_messages": 1, "agent_messages": 1,
			// the automated reply at +1 s counts only in the "any" figure; the private note nowhere
			"first_response_s": 240.0, "first_response_any_s": 1.0, "first_response_business_s": 240.0,
			"sla_met": false, "median_reply_s": 240.0,
			"resolved": true, "first_resolution_s": 300.0, "resolution_s": 300.0, "fcr": true,
			// the public automated reply ends the wait after 1 s; the human answer
			// after it is no nudge; its work counts from the note at 12:01
			"waiting_on_agent_s": 1.0, "waiting_on_customer_s": 299.0, "nudges": 0, "agent_handle_s": 180.0,
		}), time: noisyOr(sat(240, 1800), sat(1, 86400)), impersonal: sat(1, 2), effort: sat(1, 8)},
		{id: "c-bursts", want: with(map[string]any{
			"channel": "whatsapp", "customer_messages": 5, "agent_messages": 3,
			"first_response_s": 300.0, "sla_target_s": 900.0, "sla_met": true,
			// bursts: 14:00:00 → 14:05:00 (300 s), 14:10:00 → 14:12:00 (120 s)
			"median_reply_s": 210.0,
			"resolved":       true, "resolution_s": 780.0, "fcr": true,
			"repeated_messages": 1, "customer_nudges": 1, "unanswered_bursts": 0,
			// the second agent message 30 s after the first is no nudge
			"waiting_on_agent_s": 420.0, "waiting_on_customer_s": 360.0, "nudges": 0, "window_breaches": 0,
			"agent_handle_s": 120.0 + 30 + 60,
		}),
			// "Hi" repeats "hi"; "hello??" came 160 s after the previous message of its burst
			time: noisyOr(sat(420, 1800), sat(420, 86400)), effort: noisyOr(sat(5, 8), sat(1, 1), sat(1, 1))},
		{id: "c-tier", want: with(map[string]any{
			"first_queue": "support", "last_queue": "billing",
			"most_active_agent_id": "ag-1", "first_agent_id": "ag-1", "last_agent_id": "ag-6",
			"agent_messages": 3, "first_response_s": 120.0, "median_reply_s": 120.0,
			"handoff_wait_s": nil, // a tier escalation is not a bot handoff
			"escalated":      true, "escalations": 1, "transfers": 1,
			"resolved": true, "resolution_s": 6300.0, "fcr": true,
			// the tier agents' messages follow another agent's: no nudges
			"waiting_on_agent_s": 120.0, "waiting_on_customer_s": 6180.0, "nudges": 0, "agent_handle_s": 120.0 + 300 + 300,
		}),
			// three agents (two changes), one escalation and one transfer
			time: noisyOr(sat(120, 1800), sat(120, 86400)), impersonal: sat(2, 1), directness: noisyOr(sat(1, 1), sat(1, 1)), effort: sat(1, 8)},
		{id: "c-outbound", want: with(map[string]any{
			"customer_id": "cust-8", "channel": "sms", "first_queue": "sales",
			"started_at":        "2026-03-02T16:00:00Z",
			"customer_messages": 1, "agent_messages": 2,
			// the clock starts at the customer's 18:00 answer, not the agent's 16:00 opener
			"first_response_s": 1200.0, "first_response_any_s": 1200.0, "sla_target_s": 900.0, "sla_met": false,
			"median_reply_s": 1200.0, "resolved": true, "first_resolution_s": 8460.0, "resolution_s": 8460.0, "fcr": true,
			// the opener hands the clock to the customer for 2 h; the opener counts a full 5 min of work
			"waiting_on_agent_s": 1200.0, "waiting_on_customer_s": 7260.0, "agent_handle_s": 600.0, "window_breaches": nil,
		}), time: noisyOr(sat(1200, 1800), sat(1200, 86400)), effort: sat(1, 8)},
		{id: "c-dups", want: with(map[string]any{
			"customer_id": "cust-9", "customer_messages": 1, "agent_messages": 1,
			"first_response_s": 300.0, "resolution_s": 600.0, "fcr": true,
		}), time: noisyOr(sat(300, 1800), sat(300, 86400)), effort: sat(1, 8)},
		{id: "c-rep-a", want: with(map[string]any{
			"customer_id": "cust-10", "local_date": "2026-03-03",
			"first_response_s": 300.0, "resolution_s": 360.0,
			// cust-10 came back three days after the resolution
			"repeat_contact": true, "fcr": false,
		}), time: noisyOr(sat(300, 1800), sat(300, 86400)), directness: 0.5, effort: sat(1, 8)},
		{id: "c-rep-b", want: with(map[string]any{
			"customer_id": "cust-10", "local_date": "2026-03-06", "first_response_s": 600.0,
			"resolution_s": 660.0, "repeat_contact": false, "fcr": true,
		}), time: noisyOr(sat(600, 1800), sat(600, 86400)), effort: sat(1, 8)},
		{id: "c-norep-a", want: with(map[string]any{
			// cust-11's next conversation starts eight days later: outside the 7-day window
			"first_response_s": 45.0, "sla_met": true, "resolution_s": 60.0, "repeat_contact": false, "fcr": true,
		}), time: noisyOr(sat(45, 1800), sat(45, 86400)), effort: sat(1, 8)},
		{id: "c-norep-b", want: with(map[string]any{
			"first_response_s": 1800.0, "sla_met": false, "resolution_s": 7200.0, "fcr": true,
			"waiting_on_agent_s": 1800.0, "waiting_on_customer_s": 5400.0, "agent_handle_s": 300.0,
			"resolution_waiting_on_agent_s": 1800.0, "resolution_waiting_on_customer_s": 5400.0,
		}), time: noisyOr(sat(1800, 1800), sat(1800, 86400)), effort: sat(1, 8)},
		{id: "c-open", want: with(map[string]any{
			// idle one hour before the data's last event (12:00): not complete, so not abandoned
			"customer_messages": 1, "first_response_s": nil, "resolved": false, "complete": false,
			"abandoned": false, "fcr": false, "unanswered_bursts": 1,
		}), effort: noisyOr(sat(1, 8), sat(1, 1))},
	}
	for _, c := range cases {
		t.Run(c.id, func(t *testing.T) {
			rows := queryRows(t, db, "SELECT * FROM conversations WHERE conversation_id = ?", c.id)
			if len(rows) != 1 {
				t.Fatalf("%d rows, want 1", len(rows))
			}
			want := map[string]any{
				"friction_time":       c.time,
				"friction_impersonal": c.impersonal,
				"friction_directness": c.directness,
				"friction_effort":     c.effort,
				"friction_score":      frictionScore(c.time, c.impersonal, c.directness, c.effort),
			}
			for k, v := range c.want {
				want[k] = v
			}
			checkRow(t, c.id, rows[0], want)
		})
	}
	if got := queryRows(t, db, "SELECT count(*) AS n FROM conversations"); got[0]["n"] != int64(len(cases)) {
		t.Errorf("conversations has %v rows, want %d", got[0]["n"], len(cases))
	}
}
