package metrics_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/parley-cx/parley/internal/event"
)

// TestQueueNow builds the queue_now fixture (testdata/metrics/queue_now.jsonl,
// settings queue_now.yaml: billing open Mon-Fri 09:00-17:00 UTC, support
// around the clock, webchat SLA 10 min, WhatsApp 30 min and its 24 h reply
// window) as the lake stood at four instants of Wednesday 2026-07-01, and
// compares every row of queue_now with the figures worked out by hand in
// docs/metrics.md ("queue_now"). "Now" is the newest event: a tick
// conversation, started and resolved at the instant, makes it so (resolved,
// it is in no row).
//
// The conversations (times on 07-01 unless 06-30 is said):
//
//	s1 support/webchat: customer 10:00, ag-1 10:03, customer 10:20 (waiting since 10:20)
//	s2 support/webchat: customer 10:05, bot 10:05:10, customer 10:30, 10:32 (waiting since 10:30)
//	s3 support/webchat: customer 10:10, ag-2 10:11, resolved 10:12 (never open at these instants)
//	s4 support/webchat: customer 09:00, ag-1 10:25 (waiting on the customer)
//	s5 support/webchat: customer 10:34, ag-2 private note 10:36 (a note hands nothing: waiting since 10:34)
//	s6 support/webchat: customer 10:31:30 (8.5 min by 10:40: 85 % of the target)
//	o1 support/webchat: 06-30 customer 12:00, ag-1 12:01, resolved 12:02; reopened 10:24 (open, nobody waits)
//	t1 webchat: customer 10:20 in support, transferred to billing 10:22 (waiting since 10:20, in billing)
//	t2 billing/webchat: customer 16:55 (5 open minutes by 18:00, though 65 calendar minutes)
//	w1 billing/whatsapp: 06-30 customer 16:00 and nothing more (idle 24 h at 16:00: complete, gone)
//	w2 billing/whatsapp: customer 10:00, ag-3 10:15 (waiting on the customer)
//	w3 billing/whatsapp: 06-30 customer 09:00, ag-3 09:05, customer 10:00; customer 10:38 (one wait since 06-30 10:00;
//	   idle 24 h at 10:26, so complete then, open again from 10:38)
//	r1 billing/whatsapp: customer 10:00, ag-3 10:01, resolved 10:02, customer "thanks!" 10:03 (resolved: not open)
func TestQueueNow(t *testing.T) {
	all := readFixture(t, "queue_now.jsonl")
	settings := loadConfig(t, "queue_now.yaml")
	// Columns: open, waiting_on_business, waiting_on_customer, oldest_wait_s,
	// oldest_wait_conversation_id, sla_breached, sla_at_risk, window_at_risk,
	// window_breached, agents_active. Webchat has no reply window (NULL).
	type want map[string]any
	row := func(open, business, customer int, oldest any, oldestID any, slaBreached, slaRisk int, windowRisk, windowBreached any, agents int) want {
		return want{
			"open": open, "waiting_on_business": business, "waiting_on_customer": customer,
			"oldest_wait_s": oldest, "oldest_wait_conversation_id": oldestID,
			"sla_breached": slaBreached, "sla_at_risk": slaRisk,
			"window_at_risk": windowRisk, "window_breached": windowBreached,
			"agents_active": agents,
		}
	}
	cases := []struct {
		now  string
		rows map[string]want // by "queue/channel"
	}{
		{
			// s1 waits 6 min (under 80 % of 10); t1 6 min, all in billing's hours;
			// w1 18 h 26 min (under 80 % of 24 h), 1 h on 06-30 + 1 h 26 min today
			// of billing time, past 30 min; w3 idle 24 h 26 min: complete.
			// Active since 10:11 (inclusive): ag-2 (s3 10:11), ag-1 (s4 10:25); ag-3 (w2 10:15).
			now: "2026-07-01T10:26:00Z",
			rows: map[string]want{
				"support/webchat":  row(4, 1, 2, 360.0, "s1", 0, 0, nil, nil, 2),
				"billing/webchat":  row(1, 1, 0, 360.0, "t1", 0, 0, nil, nil, 0),
				"billing/whatsapp": row(2, 1, 1, 66360.0, "w1", 1, 0, 0, 0, 1),
			},
		},
		{
			// s1 20 min (past 10); s2 exactly 10 min (at the target: at risk, not
			// past it); s6 8.5 min (at risk); s5 6 min; t1 20 min; w1 18 h 40 min; w3 24 h 40 min (past the
			// window) and 7 h + 1 h 40 min of billing time. Active since 10:25: ag-1
			// at exactly 15 minutes counts; ag-2's private note is no human reply.
			now: "2026-07-01T10:40:00Z",
			rows: map[string]want{
				"support/webchat":  row(6, 4, 1, 1200.0, "s1", 1, 2, nil, nil, 1),
				"billing/webchat":  row(1, 1, 0, 1200.0, "t1", 1, 0, nil, nil, 0),
				"billing/whatsapp": row(3, 2, 1, 88800.0, "w3", 2, 0, 0, 1, 0),
			},
		},
		{
			// Everyone waiting is past the target; w1 19 h 30 min is within 20 %
			// of its 24 h window; w3 25 h 30 min past it. Nobody replied since 11:15.
			now: "2026-07-01T11:30:00Z",
			rows: map[string]want{
				"support/webchat":  row(6, 4, 1, 4200.0, "s1", 4, 0, nil, nil, 0),
				"billing/webchat":  row(1, 1, 0, 4200.0, "t1", 1, 0, nil, nil, 0),
				"billing/whatsapp": row(3, 2, 1, 91800.0, "w3", 2, 0, 1, 1, 0),
			},
		},
		{
			// After billing closed at 17:00: t1 has 6 h 40 min of billing time, t2
			// only 5 min (not at risk, though 65 calendar minutes old); w1 has been
			// idle 26 h: complete and gone; w3 32 h.
			now: "2026-07-01T18:00:00Z",
			rows: map[string]want{
				"support/webchat":  row(6, 4, 1, 27600.0, "s1", 4, 0, nil, nil, 0),
				"billing/webchat":  row(2, 2, 0, 27600.0, "t1", 1, 0, nil, nil, 0),
				"billing/whatsapp": row(2, 1, 1, 115200.0, "w3", 1, 0, 0, 1, 0),
			},
		},
	}
	for _, c := range cases {
		t.Run(c.now, func(t *testing.T) {
			now, err := time.Parse(time.RFC3339, c.now)
			if err != nil {
				t.Fatal(err)
			}
			var evs []event.Event
			for _, e := range all {
				if !e.OccurredAt.After(now) {
					evs = append(evs, e)
				}
			}
			evs = append(evs, tick(now)...)
			db := build(t, evs, settings)
			got := queryRows(t, db, "SELECT * FROM queue_now ORDER BY queue, channel")
			seen := map[string]bool{}
			for _, r := range got {
				key := fmt.Sprintf("%v/%v", r["queue"], r["channel"])
				seen[key] = true
				w, ok := c.rows[key]
				if !ok {
					t.Errorf("unexpected row %s: %v", key, r)
					continue
				}
				w["as_of"] = c.now
				checkRow(t, key, r, w)
			}
			for key := range c.rows {
				if !seen[key] {
					t.Errorf("no row %s", key)
				}
			}
		})
	}
}

// tick is a conversation started and resolved at now by the system, so that
// the newest event of the warehouse is now; resolved, it is in no row of
// queue_now.
func tick(now time.Time) []event.Event {
	mk := func(id string, typ event.Type) event.Event {
		return event.Event{
			EventID: id, ConversationID: "tick", Type: typ, OccurredAt: now,
			Actor: &event.Actor{Role: event.RoleSystem},
		}
	}
	return []event.Event{mk("tick-1", event.ConversationStarted), mk("tick-2", event.Resolved)}
}
