package spec_test

import (
	"testing"
	"time"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/metrics/spec"
)

// TestWorkedExamples runs every worked example of docs/metrics.md, and the example of each rule
// issue 16 settled, through the specification: the expected figures are the ones the docs state.
func TestWorkedExamples(t *testing.T) {
	berlin := config.Default()
	berlin.TimeZone = "Europe/Berlin"
	berlin.Queues = map[string]config.Queue{"night": {Hours: config.Schedule{TimeZone: "Europe/Berlin", Weekly: map[string][]string{
		"mon": {"22:00-06:00"}, "tue": {"22:00-06:00"}, "wed": {"22:00-06:00"}, "thu": {"22:00-06:00"}, "fri": {"22:00-06:00"},
	}}}}

	for _, tc := range []struct {
		name string
		run  func(t *testing.T) map[string]any
		want map[string]any
	}{
		{"events: duplicates, episodes", func(t *testing.T) map[string]any {
			c := newConv(t, "c", "webchat").customer("09:00:00", "m1").resolve("09:05:00").reopen("10:00:00").customer("10:00:00", "m2")
			c.rows = append(c.rows, c.rows[0]) // m1 again, late
			c.rows[len(c.rows)-1].IngestedAt = c.rows[0].IngestedAt.Add(time.Hour)
			r := c.compute(nil, "")
			var seqs, eps []int64
			for _, e := range r.Events {
				seqs, eps = append(seqs, e.Seq), append(eps, int64(e.Episode))
			}
			return map[string]any{"rows": len(r.Events), "seq": seqs, "episode": eps}
		}, map[string]any{"rows": 4, "seq": "[1 2 3 4]", "episode": "[1 1 2 2]"}},

		{"messages: reply_wait_s on the reply that answers the burst", func(t *testing.T) map[string]any {
			r := newConv(t, "c", "webchat").customer("10:00:00", "a").customer("10:00:30", "b").bot("10:00:31").
				note("10:01:00").agent("10:02:00", "ana").agent("10:02:10", "ana").compute(nil, "")
			out := map[string]any{}
			for _, m := range r.Messages {
				out[m.OccurredAt.Format("15:04:05")] = f(m.ReplyWaitS)
			}
			return out
		}, map[string]any{"10:00:00": nil, "10:00:30": nil, "10:00:31": nil, "10:01:00": nil, "10:02:00": 120.0, "10:02:10": nil}},

		{"episodes: the reopened episode has its own figures", func(t *testing.T) map[string]any {
			r := newConv(t, "c", "webchat").customer("2026-06-01 09:00:00", "hi").agent("09:02:00", "ana").resolve("09:30:00").
				reopen("2026-06-06 09:30:00").customer("09:31:00", "again").agent("09:41:00", "ben").resolve("10:30:00").compute(nil, "")
			return map[string]any{"ep2 frt": f(r.Episodes[1].FirstResponseS), "ep2 resolution": f(r.Episodes[1].ResolutionS),
				"ep1 frt": f(r.Episodes[0].FirstResponseS), "conversation frt": f(r.Conversation.FirstResponseS)}
		}, map[string]any{"ep2 frt": 600.0, "ep2 resolution": 3600.0, "ep1 frt": 120.0, "conversation frt": 120.0}},

		{"first response: bots, notes and templates", func(t *testing.T) map[string]any {
			r := newConv(t, "c", "webchat").customer("09:00:00", "hi").bot("09:00:02").note("09:01:00").template("09:01:30").
				agent("09:04:00", "ana").compute(nil, "")
			return map[string]any{"any": f(r.Conversation.FirstResponseAnyS), "human": f(r.Conversation.FirstResponseS)}
		}, map[string]any{"any": 2.0, "human": 240.0}},

		{"business hours: a night queue across the DST change", func(t *testing.T) map[string]any {
			c := newConv(t, "c", "webchat")
			c.queue = "night"
			r := c.customer("2026-03-27 04:00:00", "hi").agent("2026-03-30 20:30:00", "ana").compute(berlin, "")
			return map[string]any{"calendar": f(r.Conversation.FirstResponseS), "business": f(r.Conversation.FirstResponseBusinessS)}
		}, map[string]any{"calendar": 318600.0, "business": 34200.0}},

		{"resolution: reopened five days later", func(t *testing.T) map[string]any {
			r := newConv(t, "c", "webchat").start("2026-06-01 09:00:00").customer("09:00:00", "hi").agent("09:10:00", "ana").
				resolve("09:30:00").reopen("2026-06-06 09:30:00").resolve("11:30:00").compute(nil, "")
			cv := r.Conversation
			return map[string]any{"first": f(cv.FirstResolutionS), "last": f(cv.ResolutionS), "reopens": cv.Reopens, "fcr": cv.FCR}
		}, map[string]any{"first": 1800.0, "last": 441000.0, "reopens": 1, "fcr": false}},

		{"async: WhatsApp answered after 25 h", func(t *testing.T) map[string]any {
			r := newConv(t, "c", "whatsapp").customer("2026-06-01 09:00:00", "hi").agent("2026-06-02 10:00:00", "ana").
				resolve("10:05:00").compute(nil, "")
			return asyncFigures(r)
		}, map[string]any{"agent": 90000.0, "customer": 300.0, "breaches": 1, "nudges": 0, "handle": 300.0}},

		{"async: the customer pauses two days", func(t *testing.T) map[string]any {
			r := newConv(t, "c", "whatsapp").customer("2026-06-01 09:00:00", "hi").agent("09:02:00", "ana").
				customer("2026-06-03 09:30:00", "back").agent("09:31:00", "ana").resolve("09:32:00").compute(nil, "")
			out := asyncFigures(r)
			out["friction_time"] = r.Conversation.FrictionTime
			out["resolution business"] = f(r.Conversation.ResolutionWaitingOnAgentS)
			out["resolution customer"] = f(r.Conversation.ResolutionWaitingOnCustomerS)
			out["resolution"] = f(r.Conversation.ResolutionS)
			return out
		}, map[string]any{"agent": 180.0, "customer": 174540.0, "breaches": 0, "nudges": 0, "handle": 180.0,
			"friction_time": 1 - (1-180.0/(180+1800))*(1-180.0/(180+86400)),
			"resolution":    174720.0, "resolution business": 180.0, "resolution customer": 174540.0}},

		{"async: two nudges", func(t *testing.T) map[string]any {
			r := newConv(t, "c", "whatsapp").customer("10:00:00", "hi").agent("10:01:00", "ana").agent("10:01:30", "ana").
				agent("10:06:00", "ana").agent("10:16:00", "ana").resolve("10:17:00").compute(nil, "")
			return asyncFigures(r)
		}, map[string]any{"agent": 60.0, "customer": 960.0, "breaches": 0, "nudges": 2, "handle": 60.0 + 30 + 270 + 300}},

		{"async: bot replies end the wait", func(t *testing.T) map[string]any {
			r := newConv(t, "c", "whatsapp").customer("11:00:00", "a").bot("11:00:04").customer("11:10:00", "b").bot("11:10:02").
				customer("11:20:00", "c").status("11:21:00", event.Resolved, event.RoleBot).compute(nil, "")
			return asyncFigures(r)
		}, map[string]any{"agent": 66.0, "customer": 596.0 + 598, "breaches": 0, "nudges": 0, "handle": 0.0}},

		{"async: answered just inside the window", func(t *testing.T) map[string]any {
			r := newConv(t, "c", "whatsapp").customer("2026-06-01 08:00:00", "a").customer("08:30:00", "b").
				agent("2026-06-02 08:00:00", "ana").customer("08:10:00", "c").agent("08:11:00", "ana").resolve("08:12:00").compute(nil, "")
			return asyncFigures(r)
		}, map[string]any{"agent": 86400.0 + 60, "customer": 660.0, "breaches": 0, "nudges": 0, "handle": 360.0}},

		{"friction: one message answered after 30 min", func(t *testing.T) map[string]any {
			r := newConv(t, "c", "webchat").customer("09:00:00", "hi").agent("09:30:00", "ana").resolve("10:00:00").compute(nil, "")
			return map[string]any{"time": r.Conversation.FrictionTime, "effort": r.Conversation.FrictionEffort,
				"score rounded": float64(int(r.Conversation.FrictionScore*10+0.5)) / 10}
		}, map[string]any{"time": 1 - 0.5*48.0/49, "effort": 1.0 / 9, "score rounded": 20.1}},

		{"handoff: bot escalates, note, reply", func(t *testing.T) map[string]any {
			r := newConv(t, "c", "webchat").customer("09:59:00", "hi").bot("09:59:30").
				route("10:00:00", event.Escalated, event.RoleBot, event.RoleAgent, "").note("10:01:00").agent("10:03:00", "ana").compute(nil, "")
			return map[string]any{"handoff": f(r.Conversation.HandoffWaitS), "source": r.Escalations[0].Source}
		}, map[string]any{"handoff": 180.0, "source": "bot"}},

		{"escalations: a further transfer is not effective", func(t *testing.T) map[string]any {
			r := newConv(t, "c", "webchat").customer("09:00:00", "hi").agent("09:01:00", "ana").
				route("10:00:00", event.Escalated, event.RoleAgent, event.RoleAgent, "tier2").
				route("11:00:00", event.Transferred, event.RoleAgent, event.RoleAgent, "billing").resolve("12:00:00").compute(nil, "")
			return map[string]any{"effective": r.Escalations[0].Effective, "source": r.Escalations[0].Source}
		}, map[string]any{"effective": false, "source": "tier"}},

		{"escalations: resolved the next morning is effective", func(t *testing.T) map[string]any {
			r := newConv(t, "c", "webchat").customer("2026-06-01 09:00:00", "hi").agent("09:01:00", "ana").
				route("10:00:00", event.Escalated, event.RoleAgent, event.RoleAgent, "tier2").resolve("2026-06-02 09:00:00").compute(nil, "")
			return map[string]any{"effective": r.Escalations[0].Effective}
		}, map[string]any{"effective": true}},

		{"messages: a resolution ends a burst (r-burst-resolve)", func(t *testing.T) map[string]any {
			r := newConv(t, "c", "webchat").customer("09:00:00", "hi").resolve("09:01:00").customer("09:10:00", "a").
				customer("09:12:00", "b").agent("09:15:00", "ana").resolve("09:20:00").compute(nil, "")
			var bursts []int32
			var waits []any
			for _, m := range r.Messages {
				bursts, waits = append(bursts, m.Burst), append(waits, f(m.ReplyWaitS))
			}
			return map[string]any{"burst": bursts, "reply_wait_s": waits, "frt": f(r.Conversation.FirstResponseS)}
		}, map[string]any{"burst": "[0 1 1 1]", "reply_wait_s": "[<nil> <nil> <nil> 300]", "frt": 900.0}},

		{"episodes: a reply after a reopen answers the reopened episode (r-frt-episode1)", func(t *testing.T) map[string]any {
			r := newConv(t, "c", "webchat").customer("2026-06-01 13:00:00", "hi").say("13:00:05", event.RoleBot, "bot", "answer", false, false).
				status("13:01:00", event.Resolved, event.RoleBot).reopen("2026-06-04 13:00:00").customer("13:01:00", "back").
				agent("13:11:00", "ana").compute(nil, "")
			e1, e2 := r.Episodes[0], r.Episodes[1]
			return map[string]any{"ep1 frt": f(e1.FirstResponseS), "ep1 any": f(e1.FirstResponseAnyS), "ep2 frt": f(e2.FirstResponseS),
				"ep2 from": e2.FirstCustomerAt.Format("15:04"), "ep2 to": e2.FirstReplyAt.Format("15:04"), "ep1 to": e1.FirstReplyAt,
				"frt": f(r.Conversation.FirstResponseS), "any": f(r.Conversation.FirstResponseAnyS)}
		}, map[string]any{"ep1 frt": nil, "ep1 any": 5.0, "ep2 frt": 600.0, "ep2 from": "13:01", "ep2 to": "13:11", "ep1 to": "<nil>",
			"frt": nil, "any": 5.0}},

		{"channel: unknown when no event names one", func(t *testing.T) map[string]any {
			r := newConv(t, "c", "").customer("09:00:00", "hi").agent("09:01:00", "ana").
				route("09:02:00", event.Escalated, event.RoleAgent, event.RoleAgent, "tier2").compute(nil, "")
			return map[string]any{"conversation": str(r.Conversation.Channel), "message": str(r.Messages[0].Channel),
				"escalation": str(r.Escalations[0].Channel), "sla": f(r.Conversation.SLATargetS), "breaches": i64(r.Conversation.WindowBreaches)}
		}, map[string]any{"conversation": "unknown", "message": "unknown", "escalation": "unknown", "sla": nil, "breaches": nil}},

		{"nudges: two agents alternating (r-nudges)", func(t *testing.T) map[string]any {
			r := newConv(t, "c", "webchat").customer("10:00:00", "q").agent("10:01:00", "A").agent("10:02:00", "B").
				agent("10:03:30", "B").agent("10:05:00", "A").say("10:07:00", event.RoleAgent, "B", "auto", false, true).
				agent("10:08:00", "A").customer("10:09:00", "here").agent("10:10:00", "A").compute(nil, "")
			return map[string]any{"nudges": r.Conversation.Nudges}
		}, map[string]any{"nudges": 3}},

		{"repeated messages: Unicode letters and digits (r-unicode)", func(t *testing.T) map[string]any {
			r := newConv(t, "c", "webchat").customer("09:00:00", "Café").customer("09:00:01", "Caf").
				customer("09:00:02", "日本語です").customer("09:00:03", "日本語です。").customer("09:00:04", "CAFE\u0301").
				customer("09:00:05", "!!!").customer("09:00:06", "!!!").customer("09:00:07", "🙂🙂").customer("09:00:08", "🙂🙂").compute(nil, "")
			return map[string]any{"repeated": r.Conversation.RepeatedMessages}
		}, map[string]any{"repeated": 2}},

		{"escalations: from the running queue to to.queue (r-from-queue)", func(t *testing.T) map[string]any {
			c := newConv(t, "c", "webchat")
			c.queue = "q1"
			c.customer("09:00:00", "hi").route("09:01:00", event.Transferred, event.RoleAgent, event.RoleAgent, "q2")
			r := c.route("09:02:00", event.Escalated, event.RoleAgent, event.RoleAgent, "q3").compute(nil, "")
			return map[string]any{"from": str(r.Escalations[0].FromQueue), "to": str(r.Escalations[0].ToQueue)}
		}, map[string]any{"from": "q2", "to": "q3"}},

		// Issue 16's rules.
		{"issue 16: an unanswered final wait of several messages is a breach", func(t *testing.T) map[string]any {
			r := newConv(t, "c", "whatsapp").customer("2026-06-01 09:00:00", "a").customer("09:10:00", "b").
				compute(nil, "2026-06-03 09:00:00")
			return map[string]any{"breaches": i64(r.Conversation.WindowBreaches), "unanswered": r.Conversation.UnansweredBursts}
		}, map[string]any{"breaches": 1, "unanswered": 1}},

		{"issue 16: the window of a final wait has not run out yet", func(t *testing.T) map[string]any {
			r := newConv(t, "c", "whatsapp").customer("2026-06-01 09:00:00", "a").customer("09:10:00", "b").
				compute(nil, "2026-06-02 09:00:00")
			return map[string]any{"breaches": i64(r.Conversation.WindowBreaches)}
		}, map[string]any{"breaches": 0}},

		{"issue 16: Unicode letters and digits; nothing left is never a repeat", func(t *testing.T) map[string]any {
			r := newConv(t, "c", "webchat").customer("09:00:00", "Café").customer("09:00:01", "Caf").
				customer("09:00:02", "カフェはどこですか").customer("09:00:03", "コーヒーをください").
				customer("09:00:04", "🙂").customer("09:00:05", "🙂").customer("09:00:06", "?!").customer("09:00:07", "?!").
				customer("09:00:08", "Hello!").customer("09:00:09", "hello").customer("09:00:10", "CAFÉ").compute(nil, "")
			return map[string]any{"repeated": r.Conversation.RepeatedMessages}
		}, map[string]any{"repeated": 2}}, // hello, CAFÉ

		{"issue 16: first_queue is a routing event's to.queue", func(t *testing.T) map[string]any {
			c := newConv(t, "c", "webchat").customer("09:00:00", "hi")
			c.queue = "orders"
			r := c.route("09:01:00", event.Assigned, event.RoleSystem, event.RoleAgent, "night").compute(nil, "")
			return map[string]any{"first": str(r.Conversation.FirstQueue), "last": str(r.Conversation.LastQueue)}
		}, map[string]any{"first": "night", "last": "night"}},

		{"issue 16: a reopen as the first event still opens episode 1", func(t *testing.T) map[string]any {
			r := newConv(t, "c", "webchat").reopen("09:00:00").customer("09:00:01", "hi").agent("09:01:01", "ana").
				resolve("09:02:00").reopen("10:00:00").compute(nil, "")
			return map[string]any{"episodes": len(r.Episodes), "first": r.Episodes[0].Episode, "frt": f(r.Conversation.FirstResponseS), "reopens": r.Conversation.Reopens}
		}, map[string]any{"episodes": 2, "first": 1, "frt": 60.0, "reopens": 2}},

		{"issue 16: a reply after a reopen is not the conversation's first response", func(t *testing.T) map[string]any {
			r := newConv(t, "c", "webchat").customer("2026-06-01 09:00:00", "hi").bot("09:00:01").
				status("09:01:00", event.Resolved, event.RoleBot).reopen("2026-06-04 09:00:00").agent("09:00:10", "ana").compute(nil, "")
			return map[string]any{"frt": f(r.Conversation.FirstResponseS), "any": f(r.Conversation.FirstResponseAnyS), "ep2": f(r.Episodes[1].FirstResponseS)}
		}, map[string]any{"frt": nil, "any": 1.0, "ep2": nil}},

		{"issue 16: a resolution ends a burst", func(t *testing.T) map[string]any {
			r := newConv(t, "c", "webchat").customer("10:00:00", "a").resolve("10:05:00").reopen("11:00:00").customer("11:00:00", "b").
				customer("11:03:00", "c").agent("11:04:00", "ana").compute(nil, "")
			return map[string]any{"median": f(r.Conversation.MedianReplyS), "human wait": r.Conversation.HumanWaitS, "nudges": r.Conversation.CustomerNudges}
		}, map[string]any{"median": 240.0, "human wait": 240.0, "nudges": 1}},

		{"issue 16: thanks on a closed thread is no breach", func(t *testing.T) map[string]any {
			r := newConv(t, "c", "whatsapp").customer("2026-06-01 09:00:00", "a").agent("09:01:00", "ana").resolve("09:02:00").
				customer("09:03:00", "thanks").compute(nil, "2026-06-05 00:00:00")
			return map[string]any{"breaches": i64(r.Conversation.WindowBreaches)}
		}, map[string]any{"breaches": 0}},

		{"issue 16: an escalation by a bot actor is a bot escalation", func(t *testing.T) map[string]any {
			r := newConv(t, "c", "webchat").customer("09:00:00", "a").agent("09:01:00", "ana").
				route("09:02:00", event.Escalated, event.RoleBot, event.RoleAgent, "tier2").compute(nil, "")
			return map[string]any{"source": r.Escalations[0].Source}
		}, map[string]any{"source": "bot"}},

		{"issue 16: nudges by two agents in turn", func(t *testing.T) map[string]any {
			r := newConv(t, "c", "webchat").customer("09:00:00", "a").agent("09:01:00", "ana").agent("09:02:00", "ben").
				agent("09:04:00", "ana").agent("09:05:00", "ben").compute(nil, "")
			return map[string]any{"nudges": r.Conversation.Nudges}
		}, map[string]any{"nudges": 2}}, // ana at 09:04 and ben at 09:05, each 3 min after their own reply

		{"issue 16: from_queue is the running queue, not the event's own field", func(t *testing.T) map[string]any {
			c := newConv(t, "c", "webchat")
			c.queue = "orders"
			c.customer("09:00:00", "a").route("09:01:00", event.Transferred, event.RoleAgent, event.RoleAgent, "billing")
			r := c.route("09:02:00", event.Escalated, event.RoleAgent, event.RoleAgent, "").compute(nil, "") // its field still says orders
			return map[string]any{"from": str(r.Escalations[0].FromQueue), "to": str(r.Escalations[0].ToQueue)}
		}, map[string]any{"from": "billing", "to": "billing"}},

		{"issue 16: customer_id is the first present actor.id", func(t *testing.T) map[string]any {
			c := newConv(t, "c", "webchat").say("09:00:00", event.RoleCustomer, "", "anonymous", false, false).customer("09:01:00", "me")
			return map[string]any{"customer": str(c.compute(nil, "").Conversation.CustomerID)}
		}, map[string]any{"customer": "cust-1"}},

		// Readings of sentences the docs leave open (see each function's comment).
		{"first/last_agent_id skip human replies without an actor.id", func(t *testing.T) map[string]any {
			r := newConv(t, "c", "webchat").customer("09:00:00", "q").agent("09:01:00", "").agent("09:02:00", "ana").
				agent("09:03:00", "").compute(nil, "")
			cv := r.Conversation
			return map[string]any{"first": str(cv.FirstAgentID), "last": str(cv.LastAgentID), "most active": str(cv.MostActiveAgentID)}
		}, map[string]any{"first": "ana", "last": "ana", "most active": "ana"}},

		{"reading: idle for exactly windows.idle_complete is complete", func(t *testing.T) map[string]any {
			c := newConv(t, "c", "webchat").customer("2026-06-01 09:00:00", "q")
			return map[string]any{"exactly": c.compute(nil, "2026-06-02 09:00:00").Conversation.Complete,
				"a second less": c.compute(nil, "2026-06-02 08:59:59").Conversation.Complete}
		}, map[string]any{"exactly": true, "a second less": false}},

		// docs/metrics.md, "Repeat contact near the data's end": r-window-closed and r-window-open.
		{"reading: resolved exactly windows.repeat_contact before the last event closes the repeat window", func(t *testing.T) map[string]any {
			c := newConv(t, "c", "webchat").customer("2026-07-13 00:00:00", "q").agent("2026-07-13 00:01:00", "ana").resolve("2026-07-13 00:02:00")
			closed := c.compute(nil, "2026-07-20 00:02:00").Conversation
			open := c.compute(nil, "2026-07-20 00:01:59").Conversation
			never := newConv(t, "d", "webchat").customer("2026-07-01 00:00:00", "q").compute(nil, "2026-07-20 00:02:00").Conversation
			return map[string]any{"exactly": closed.RepeatWindowClosed, "a second less": open.RepeatWindowClosed,
				"fcr either way": closed.FCR && open.FCR, "never resolved": never.RepeatWindowClosed}
		}, map[string]any{"exactly": true, "a second less": false, "fcr either way": true, "never resolved": false}},
	} {
		t.Run(tc.name, func(t *testing.T) { check(t, tc.run(t), tc.want) })
	}
}

// asyncFigures are the columns of the docs' asynchronous-messaging table.
func asyncFigures(r spec.Result) map[string]any {
	cv := r.Conversation
	return map[string]any{"agent": cv.WaitingOnAgentS, "customer": cv.WaitingOnCustomerS, "breaches": i64(cv.WindowBreaches),
		"nudges": cv.Nudges, "handle": cv.AgentHandleS}
}
