package spec

import (
	"time"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/lake"
)

// The values of escalations.source.
const (
	sourceBot  = "bot"
	sourceTier = "tier"
)

// escalationRows is one `escalations` row per escalated event.
//
// docs/metrics.md, escalations: "local_date: the conversation's local_date (so escalations
// reconcile with conversations)"; "channel: the conversation's channel"; "to_role: agent or bot".
func escalationRows(evs []Event, settings *config.Config) []EscalationRow {
	var out []EscalationRow
	for i, e := range evs {
		if !isEscalated(e) {
			continue
		}
		from := queueBefore(evs, i)
		to := from
		if lake.Text(e.ToQueue) != "" {
			to = lake.Text(e.ToQueue) // "to_queue: to.queue (or from_queue if none)"
		}
		out = append(out, EscalationRow{
			ConversationID: e.ConversationID,
			EventID:        e.EventID,
			EscalatedAt:    e.OccurredAt,
			LocalDate:      dateOf(evs[0].OccurredLocal),
			Channel:        optString(channelOf(evs)),
			Source:         escalationSource(evs, i),
			FromQueue:      optString(from),
			ToQueue:        optString(to),
			ToRole:         optString(lake.Text(e.ToRole)),
			Effective:      effective(evs, i, settings.Windows),
			HandoffWaitS:   nextHumanReplyWait(evs, i),
		})
	}
	return out
}

// queueBefore is from_queue of the routing event at evs[i].
//
// docs/metrics.md: "from_queue: the conversation's current queue just before the event (the
// running state: the last queue named by an earlier event), or the event's own queue when no
// earlier event named one".
func queueBefore(evs []Event, i int) string {
	if i > 0 {
		if q := queueAt(evs[:i])[i-1]; q != "" {
			return q
		}
	}
	return lake.Text(evs[i].Queue)
}

// escalationSource is bot or tier.
//
// docs/metrics.md: "A conversation is with the bot at an event when the last routing event before
// it went to a bot, or, with no earlier routing, when a bot has replied and no human has. An
// escalated event is a bot escalation (source='bot') when a bot actor made it (actor.role=bot),
// or when the conversation was with the bot at it; all others are tier escalations."
func escalationSource(evs []Event, i int) string {
	if lake.Text(evs[i].ActorRole) == event.RoleBot || withBot(evs[:i]) {
		return sourceBot
	}
	return sourceTier
}

// withBot reports whether the conversation is with the bot after the events before.
func withBot(before []Event) bool {
	for j := len(before) - 1; j >= 0; j-- {
		if isRouting(before[j]) {
			return lake.Text(before[j].ToRole) == event.RoleBot
		}
	}
	botReplied := count(before, isBotReply) > 0
	humanReplied := count(before, isHumanReply) > 0
	return botReplied && !humanReplied
}

// effective: "resolved within windows.escalation_effective (default 24 h) after the escalation,
// with no transferred/escalated event in between, and no reopened within windows.reopen (default
// 7 d) after that resolution". "That resolution" is the first resolved event after the escalation;
// "within" includes the window's end.
func effective(evs []Event, i int, w config.Windows) bool {
	for j := i + 1; j < len(evs); j++ {
		e := evs[j]
		if isTransferred(e) || isEscalated(e) {
			return false
		}
		if !isResolved(e) {
			continue
		}
		if e.OccurredAt.Sub(evs[i].OccurredAt) > time.Duration(w.EscalationEffective) {
			return false
		}
		for _, later := range evs[j+1:] {
			if isReopened(later) && later.OccurredAt.Sub(e.OccurredAt) <= time.Duration(w.Reopen) {
				return false
			}
		}
		return true
	}
	return false
}

// nextHumanReplyWait: escalations "handoff_wait_s: escalation → next human reply"; NULL if none.
func nextHumanReplyWait(evs []Event, i int) *float64 {
	for _, e := range evs[i+1:] {
		if isHumanReply(e) {
			return ptr(seconds(evs[i], e))
		}
	}
	return nil
}
