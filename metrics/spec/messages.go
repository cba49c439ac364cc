package spec

import "github.com/parley-cx/parley/internal/lake"

// burst is one customer burst: its customer messages and what ended it.
type burst struct {
	messages []int // indexes into the conversation's events, in order
	// answeredBy is the index of the human reply that answered it; -1 if none did.
	answeredBy int
	// closedBy is the index of the resolved/reopened event that ended it unanswered; -1 if none.
	closedBy int
}

// open reports whether nothing ended the burst: it is still open at the conversation's end.
func (b burst) open() bool { return b.answeredBy < 0 && b.closedBy < 0 }

// bursts splits the conversation's customer messages into bursts.
//
// docs/metrics.md: "Burst: the customer messages between two burst ends. A burst end is a human
// reply or a status event: a resolution (or a reopen) closes whatever the customer had written
// before it, so no reply wait runs across it. A burst's clock starts at its first customer
// message." Bot replies, notes, automated messages and routing events do not end a burst.
func bursts(evs []Event) []burst {
	var out []burst
	cur := -1 // index in out of the burst still open, or -1
	for i, e := range evs {
		switch {
		case isCustomerMessage(e):
			if cur < 0 {
				out = append(out, burst{answeredBy: -1, closedBy: -1})
				cur = len(out) - 1
			}
			out[cur].messages = append(out[cur].messages, i)
		case isHumanReply(e):
			if cur >= 0 {
				out[cur].answeredBy = i
				cur = -1
			}
		case isStatus(e):
			if cur >= 0 {
				out[cur].closedBy = i
				cur = -1
			}
		}
	}
	return out
}

// messageRows is one `messages` row per message event.
//
// docs/metrics.md, messages: "One row per message event." queue is "the conversation's current
// queue at this message" (see queueAt); channel "its channel", the conversation's.
func messageRows(evs []Event, channel string) []MessageRow {
	waits := replyWaits(evs)
	queues := queueAt(evs)
	bursts := burstNumbers(evs)
	var out []MessageRow
	for i, e := range evs {
		if !isMessage(e) {
			continue
		}
		out = append(out, MessageRow{
			ConversationID: e.ConversationID,
			EventID:        e.EventID,
			Seq:            e.Seq,
			Episode:        e.Episode,
			OccurredAt:     e.OccurredAt,
			OccurredLocal:  e.OccurredLocal,
			SenderRole:     optString(lake.Text(e.ActorRole)),
			SenderID:       optString(lake.Text(e.ActorID)),
			Text:           e.MessageText,
			Private:        e.MessagePrivate,
			Automated:      e.MessageAutomated,
			Queue:          optString(queues[i]),
			Channel:        optString(channel),
			ReplyWaitS:     waits[i],
			HumanReply:     isHumanReply(e),
			Burst:          bursts[i],
		})
	}
	return out
}

// replyWaits is reply_wait_s by event index.
//
// docs/metrics.md, messages: "reply_wait_s: on a human reply that answers a burst: seconds from
// the burst's first customer message to this reply; NULL on every other row."
func replyWaits(evs []Event) map[int]*float64 {
	waits := map[int]*float64{}
	for _, b := range bursts(evs) {
		if b.answeredBy >= 0 {
			waits[b.answeredBy] = ptr(seconds(evs[b.messages[0]], evs[b.answeredBy]))
		}
	}
	return waits
}

// burstNumbers is the burst column by event index.
//
// docs/metrics.md, messages: "burst: number of burst ends (human replies, resolved and reopened
// events) before this message: customer messages with the same burst form one burst, answered by
// the human reply with that burst if there is one".
func burstNumbers(evs []Event) []int32 {
	out := make([]int32, len(evs))
	var ends int32
	for i, e := range evs {
		out[i] = ends
		if isHumanReply(e) || isStatus(e) {
			ends++
		}
	}
	return out
}
