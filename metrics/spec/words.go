package spec

import (
	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/lake"
)

// The words of docs/metrics.md, "Roles and words used below", one predicate each.

func isMessage(e Event) bool { return e.Type == string(event.MessageSent) }

// isPrivate and isAutomated read the message flags; an absent flag is false.
func isPrivate(e Event) bool   { return e.MessagePrivate != nil && *e.MessagePrivate }
func isAutomated(e Event) bool { return e.MessageAutomated != nil && *e.MessageAutomated }

// isCustomerMessage: "Customer message: type=message, actor.role=customer."
func isCustomerMessage(e Event) bool {
	return isMessage(e) && lake.Text(e.ActorRole) == event.RoleCustomer
}

// isHumanReply: "Human reply: type=message, actor.role=agent, private=false, automated=false.
// Private notes and automated agent messages (templates, auto-replies) are never human replies."
func isHumanReply(e Event) bool {
	return isMessage(e) && lake.Text(e.ActorRole) == event.RoleAgent && !isPrivate(e) && !isAutomated(e)
}

// isAnyReply: "Any reply: a public (private=false) message by an agent or a bot, automated or not."
func isAnyReply(e Event) bool {
	return isMessage(e) && (lake.Text(e.ActorRole) == event.RoleAgent || lake.Text(e.ActorRole) == event.RoleBot) && !isPrivate(e)
}

// isBotMessage is a message by a bot (bot_messages: "message counts by role").
func isBotMessage(e Event) bool { return isMessage(e) && lake.Text(e.ActorRole) == event.RoleBot }

// isBotReply is a bot's "any reply": a public bot message ("a bot replied").
func isBotReply(e Event) bool { return isBotMessage(e) && !isPrivate(e) }

// isRouting: "Routing events: assigned, escalated, transferred. Their to.queue moves the
// conversation to a queue."
func isRouting(e Event) bool {
	switch event.Type(e.Type) {
	case event.Assigned, event.Escalated, event.Transferred:
		return true
	}
	return false
}

// isStatus is a status event: "the last status event (resolved or reopened)".
func isStatus(e Event) bool {
	return e.Type == string(event.Resolved) || e.Type == string(event.Reopened)
}

func isResolved(e Event) bool    { return e.Type == string(event.Resolved) }
func isReopened(e Event) bool    { return e.Type == string(event.Reopened) }
func isEscalated(e Event) bool   { return e.Type == string(event.Escalated) }
func isTransferred(e Event) bool { return e.Type == string(event.Transferred) }

// currentQueue: "Current queue of an event: to.queue for routing events that carry one, else the
// event's queue." Empty means the event names no queue.
func currentQueue(e Event) string {
	if isRouting(e) && lake.Text(e.ToQueue) != "" {
		return lake.Text(e.ToQueue)
	}
	return lake.Text(e.Queue)
}

// queueAt is the conversation's queue at each event, that event included: the current queue of
// the latest event up to it that names one. Empty until an event does.
//
// docs/metrics.md, messages: "queue: the conversation's current queue at this message". The
// conversation keeps its queue until an event moves it, so an event that names no queue (the
// field is optional) is still in the queue of the events before it.
func queueAt(evs []Event) []string {
	out := make([]string, len(evs))
	running := ""
	for i, e := range evs {
		if q := currentQueue(e); q != "" {
			running = q
		}
		out[i] = running
	}
	return out
}

// seconds is b − a in seconds, to the microsecond the lake keeps.
func seconds(a, b Event) float64 { return b.OccurredAt.Sub(a.OccurredAt).Seconds() }

// ptr returns a pointer to a copy of v, for the NULL-able columns.
func ptr[T any](v T) *T { return &v }
