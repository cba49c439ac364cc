package spec

import "time"

// holder is who is being waited on after a clock event.
type holder int

const (
	nobody   holder = iota // before the first clock event, and after resolved/reopened
	business               // a customer message: the customer waits on the business
	customer               // a public agent or bot reply: the business waits on the customer
)

// clockHolder says how an event moves the clock, and whether it is a clock event at all.
//
// docs/metrics.md, Who holds the clock: "a customer message puts the business on the clock; a
// public agent or bot message (automated or not — the "any reply" above) hands the clock to the
// customer; resolved and reopened stop the clock: nobody waits. Private notes, system messages,
// routing events and CSAT change nothing."
func clockHolder(e Event) (holder, bool) {
	switch {
	case isCustomerMessage(e):
		return business, true
	case isAnyReply(e):
		return customer, true
	case isStatus(e):
		return nobody, true
	}
	return nobody, false
}

// clockSpan is a stretch of time held by one side.
type clockSpan struct {
	who      holder
	from, to time.Time
}

// clockSpans cuts the conversation into the spans each clock event holds.
//
// docs/metrics.md: "Each clock event holds the clock until the next clock event; the last one
// holds it until the conversation's last event."
func clockSpans(evs []Event) []clockSpan {
	var out []clockSpan
	for _, e := range evs {
		who, ok := clockHolder(e)
		if !ok {
			continue
		}
		if n := len(out); n > 0 {
			out[n-1].to = e.OccurredAt
		}
		out = append(out, clockSpan{who: who, from: e.OccurredAt})
	}
	if n := len(out); n > 0 {
		out[n-1].to = evs[len(evs)-1].OccurredAt
	}
	return out
}

// waitingSeconds sums the spans held by who, cut at until (the zero time: not cut).
//
// docs/metrics.md: "waiting_on_agent_s: the sum of every wait, i.e. from the first message of each
// wait to the next public agent or bot reply, or to the status event that ended it if none. A
// wait still open at the end of the conversation counts up to the conversation's last event";
// "waiting_on_customer_s: the sum of the spans from each public reply to the next customer
// message, or to resolution, or to the conversation's last event. An agent's outbound opener
// starts such a span too." A run of replies is one span, from its first reply, as a run of
// customer messages is one wait: each clock event holds the clock until the next one.
func waitingSeconds(evs []Event, who holder, until time.Time) float64 {
	var total time.Duration
	for _, s := range clockSpans(evs) {
		if s.who != who {
			continue
		}
		to := s.to
		if !until.IsZero() {
			to = earlier(to, until)
		}
		if to.After(s.from) {
			total += to.Sub(s.from)
		}
	}
	return total.Seconds()
}

// wait is one run of customer messages with no other clock event between them.
type wait struct {
	start     time.Time
	seq       int64 // seq of its first message
	endedBy   int   // index of the clock event that ended it, -1 if none did
	endsReply bool  // the clock event that ended it is a reply
}

// waits lists the conversation's waits.
//
// docs/metrics.md: "A wait is a run of customer messages with no other clock event between them;
// its clock starts at its first message and stops at the next clock event."
func waits(evs []Event) []wait {
	var out []wait
	open := false
	for i, e := range evs {
		who, ok := clockHolder(e)
		if !ok {
			continue
		}
		if who == business {
			if !open {
				out = append(out, wait{start: e.OccurredAt, seq: e.Seq, endedBy: -1})
				open = true
			}
			continue
		}
		if open {
			out[len(out)-1].endedBy = i
			out[len(out)-1].endsReply = who == customer
			open = false
		}
	}
	return out
}

// windowBreaches counts the waits not answered within the channel's reply window.
//
// docs/metrics.md, Reply windows: "window_breaches counts the conversation's waits that: were
// ended by a reply more than the window after the wait started (a reply exactly at the window's
// end is inside it), or are still unanswered at the conversation's end, when more than the window
// has passed between the wait's start and the warehouse's last event (the window expires whether
// or not anything else happens), whatever the number of customer messages in the wait. Never
// breaches: a wait ended by a resolution or a reopen without a reply: the business chose to
// close; a wait that starts after the conversation's final resolution, in a conversation that is
// resolved (the customer's "thanks" on a closed thread), however long it stays open."
func windowBreaches(evs []Event, window time.Duration, lastEventAt time.Time) int64 {
	var closedAfter int64 = -1 // seq of the final resolution of a resolved conversation
	if endsResolved(evs) {
		closedAfter = lastResolved(evs).Seq
	}
	var n int64
	for _, w := range waits(evs) {
		if closedAfter >= 0 && w.seq > closedAfter {
			continue
		}
		switch {
		case w.endedBy >= 0 && w.endsReply:
			if evs[w.endedBy].OccurredAt.Sub(w.start) > window {
				n++
			}
		case w.endedBy < 0:
			if lastEventAt.Sub(w.start) > window {
				n++
			}
		}
	}
	return n
}
