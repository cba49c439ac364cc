package metrics_test

import (
	"testing"
	"time"

	"github.com/parley-cx/parley/internal/config"
)

// TestConversationsAsync checks the asynchronous-messaging columns (who holds
// the clock, reply windows, nudges, agent working time) of
// testdata/metrics/async.jsonl against values worked out by hand, with the
// default reply windows (whatsapp and messenger 24 h, webchat none).
func TestConversationsAsync(t *testing.T) {
	db := build(t, readFixture(t, "async.jsonl"), config.Default())
	cases := []conv{
		{id: "a-late", want: map[string]any{
			// WhatsApp, answered 25 h after the customer wrote: one breach
			"waiting_on_agent_s": 90000.0, "waiting_on_customer_s": 300.0, "window_breaches": 1, "nudges": 0,
			// the 25 h gap is capped at 5 min of work
			"agent_handle_s":                300.0,
			"resolution_s":                  90300.0,
			"resolution_waiting_on_agent_s": 90000.0, "resolution_waiting_on_customer_s": 300.0,
		}, time: noisyOr(sat(90000, 1800), sat(90000, 86400)), effort: sat(1, 8)},
		{id: "a-pause", want: map[string]any{
			// customer 09:00 → agent 09:02 (120 s); the customer comes back two days
			// and 28 min later, answered after 60 s; resolved 60 s after that
			"waiting_on_agent_s": 180.0, "waiting_on_customer_s": 2*86400.0 + 28*60 + 60,
			"window_breaches": 0, "nudges": 0, "agent_handle_s": 120.0 + 60,
			"resolution_s":                  2*86400.0 + 32*60,
			"resolution_waiting_on_agent_s": 180.0, "resolution_waiting_on_customer_s": 2*86400.0 + 28*60 + 60,
		}, time: noisyOr(sat(180, 1800), sat(180, 86400)), effort: sat(2, 8)},
		{id: "a-nudges", want: map[string]any{
			// "Take your time" 30 s after the reply is no nudge; "Are you still there?"
			// (4.5 min later) and "I will close this chat" (10 min later) are
			"waiting_on_agent_s": 60.0, "waiting_on_customer_s": 960.0, "window_breaches": 0, "nudges": 2,
			"agent_handle_s": 60.0 + 30 + 270 + 300,
			"resolution_s":   1020.0, "resolution_waiting_on_agent_s": 60.0, "resolution_waiting_on_customer_s": 960.0,
		}, time: noisyOr(sat(60, 1800), sat(60, 86400)), impersonal: sat(2, 1), effort: sat(1, 8)},
		{id: "a-bot", want: map[string]any{
			// bot replies end the waits (4 s and 2 s); "ok thanks" waits 60 s until
			// the bot resolves without a reply, which is no breach
			"waiting_on_agent_s": 4.0 + 2 + 60, "waiting_on_customer_s": 596.0 + 598,
			"window_breaches": 0, "nudges": 0, "agent_handle_s": 0.0,
			"resolution_s": 1260.0, "resolution_waiting_on_agent_s": 66.0, "resolution_waiting_on_customer_s": 1194.0,
		},
			// no human reply: human_wait_s is 0; two bot messages; the follow-ups
			// 10 min apart are customer nudges in the one unanswered human burst
			time: sat(66, 86400), impersonal: sat(2, 3), effort: noisyOr(sat(3, 8), sat(2, 1))},
		{id: "a-inside", want: map[string]any{
			// the burst's clock starts at its first message (08:00, not 08:30) and the
			// reply comes exactly 24 h later: inside the window
			"waiting_on_agent_s": 86400.0 + 60, "waiting_on_customer_s": 600.0 + 60,
			"window_breaches": 0, "nudges": 0, "agent_handle_s": 300.0 + 60,
			"resolution_s": 87120.0, "resolution_waiting_on_agent_s": 86460.0, "resolution_waiting_on_customer_s": 660.0,
		}, time: noisyOr(sat(86460, 1800), sat(86460, 86400)), effort: noisyOr(sat(3, 8), sat(1, 1))},
		{id: "a-open", want: map[string]any{
			// unanswered and open: the wait counts to the conversation's last event (its
			// only message), but the window ran out long before the data's end (06-03 09:32)
			"waiting_on_agent_s": 0.0, "waiting_on_customer_s": 0.0, "window_breaches": 1, "nudges": 0,
			"agent_handle_s": 0.0, "resolution_s": nil, "resolution_waiting_on_agent_s": nil,
		}, effort: noisyOr(sat(1, 8), sat(1, 1))},
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

	t.Run("resolution_split", func(t *testing.T) {
		rows := queryRows(t, db, "SELECT * FROM resolution_split WHERE conversation_id = 'a-pause'")
		if len(rows) != 1 {
			t.Fatalf("%d rows, want 1", len(rows))
		}
		checkRow(t, "a-pause", rows[0], map[string]any{
			"resolution_s": 2*86400.0 + 32*60, "business_s": 180.0, "customer_s": 2*86400.0 + 28*60 + 60, "other_s": 0.0,
		})
		if n := queryRows(t, db, "SELECT count(*) AS n FROM resolution_split")[0]["n"]; n != int64(len(cases)-1) {
			t.Errorf("resolution_split has %v rows, want the %d resolved conversations", n, len(cases)-1)
		}
	})

	// The daily rollups on 2026-06-01: whatsapp has a-late (breach), a-pause,
	// a-inside and a-open (breach); messenger has a-nudges and a-bot.
	t.Run("kpi_daily", func(t *testing.T) {
		rows := queryRows(t, db, "SELECT * FROM kpi_daily WHERE local_date = DATE '2026-06-01' ORDER BY channel")
		if len(rows) != 2 {
			t.Fatalf("%d kpi_daily rows, want 2", len(rows))
		}
		checkRow(t, "messenger", rows[0], map[string]any{
			"channel": "messenger", "window_breaches": 0, "window_breached": 0, "window_measured": 2,
			"window_breach_rate": 0.0, "nudges": 2, "nudged": 1, "nudge_rate": 0.5,
			"waiting_on_agent_s": 60.0 + 66, "waiting_on_customer_s": 960.0 + 1194,
		})
		checkRow(t, "whatsapp", rows[1], map[string]any{
			"channel": "whatsapp", "window_breaches": 2, "window_breached": 2, "window_measured": 4,
			"window_breach_rate": 0.5, "nudges": 0, "nudged": 0, "nudge_rate": 0.0,
			"waiting_on_agent_s":    90000.0 + 180 + 86460,
			"waiting_on_customer_s": 300.0 + 2*86400 + 28*60 + 60 + 660,
		})
	})
	t.Run("agent_daily", func(t *testing.T) {
		rows := queryRows(t, db, "SELECT * FROM agent_daily WHERE agent_id = 'ag-7'")
		if len(rows) != 1 {
			t.Fatalf("%d agent_daily rows, want 1", len(rows))
		}
		// ag-7 is the most active agent of a-late and a-nudges
		checkRow(t, "ag-7", rows[0], map[string]any{
			"conversations": 2, "window_breaches": 1, "window_breached": 1, "window_measured": 2,
			"window_breach_rate": 0.5, "nudges": 2, "nudged": 1, "nudge_rate": 0.5,
			"waiting_on_agent_s": 90060.0, "waiting_on_customer_s": 1260.0,
		})
	})
}

// TestReplyWindowsFromConfig checks that reply_windows in parley.yaml decide
// which channels are measured and where the window ends.
func TestReplyWindowsFromConfig(t *testing.T) {
	evs := readFixture(t, "async.jsonl")
	tests := []struct {
		name    string
		windows map[string]time.Duration
		want    map[string]any // window_breaches per conversation
	}{
		// 25 h is inside a 26 h window; a-open waited 45.5 h by the data's end
		{"whatsapp 26h", map[string]time.Duration{"whatsapp": 26 * time.Hour},
			map[string]any{"a-late": 0, "a-inside": 0, "a-open": 1, "a-nudges": nil, "a-pause": 0}},
		// a-inside's reply came exactly 24 h after the wait began: outside 23 h 59 min
		{"whatsapp 23h59m", map[string]time.Duration{"whatsapp": 23*time.Hour + 59*time.Minute},
			map[string]any{"a-late": 1, "a-inside": 1, "a-open": 1, "a-nudges": nil}},
		// a 5-minute window on messenger: a-nudges was answered in 60 s, a-bot's waits in seconds
		{"messenger 5m only", map[string]time.Duration{"messenger": 5 * time.Minute},
			map[string]any{"a-late": nil, "a-nudges": 0, "a-bot": 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := config.Default()
			cfg.ReplyWindows = map[string]config.Duration{}
			for ch, d := range tt.windows {
				cfg.ReplyWindows[ch] = config.Duration(d)
			}
			db := build(t, evs, cfg)
			for id, want := range tt.want {
				rows := queryRows(t, db, "SELECT window_breaches FROM conversations WHERE conversation_id = ?", id)
				if len(rows) != 1 {
					t.Fatalf("%s: %d rows", id, len(rows))
				}
				checkRow(t, id, rows[0], map[string]any{"window_breaches": want})
			}
		})
	}
}
