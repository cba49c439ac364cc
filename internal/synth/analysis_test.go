package synth

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/parley-cx/parley/internal/event"
)

// convFacts is what the tests measure about one conversation, computed
// straight from its events with the warehouse's definitions (docs/metrics.md),
// never from the simulation's internals.
type convFacts struct {
	id           string
	customer     string
	started      time.Time // first event
	channel      event.Channel
	firstCust    time.Time // first customer message
	firstHuman   time.Time // first public, non-automated agent message after firstCust, in episode 1
	botReplied   bool
	humanReplied bool
	escalatedBot bool
	lastStatus   event.Type // resolved or reopened, "" if neither
	resolvedAt   time.Time  // last resolution
	reopens      int
	transfers    int
	escalations  int
	csat         int
	events       int
	proactive    bool
}

// frt is the first response time, or -1 when there is none.
func (f *convFacts) frt() time.Duration {
	if f.firstCust.IsZero() || f.firstHuman.IsZero() {
		return -1
	}
	return f.firstHuman.Sub(f.firstCust)
}

func (f *convFacts) resolved() bool { return f.lastStatus == event.Resolved }

// generate runs cfg and returns every emitted event.
func generate(t testing.TB, cfg Config) []*event.Event {
	t.Helper()
	var evs []*event.Event
	if _, err := Generate(context.Background(), cfg, func(ev *event.Event) error {
		evs = append(evs, ev)
		return nil
	}); err != nil {
		t.Fatalf("Generate: %v", err)
	}
	return evs
}

// analyse deduplicates by event_id, orders by occurred_at, and derives the
// facts of every conversation, sorted by start.
func analyse(evs []*event.Event) []*convFacts {
	seen := make(map[string]bool, len(evs))
	var uniq []*event.Event
	for _, ev := range evs {
		if !seen[ev.EventID] {
			seen[ev.EventID] = true
			uniq = append(uniq, ev)
		}
	}
	sort.SliceStable(uniq, func(i, j int) bool { return uniq[i].OccurredAt.Before(uniq[j].OccurredAt) })
	byID := map[string]*convFacts{}
	var out []*convFacts
	for _, ev := range uniq {
		f := byID[ev.ConversationID]
		if f == nil {
			f = &convFacts{id: ev.ConversationID, started: ev.OccurredAt, channel: ev.Channel}
			byID[ev.ConversationID] = f
			out = append(out, f)
		}
		f.events++
		role := ""
		if ev.Actor != nil {
			role = ev.Actor.Role
		}
		switch ev.Type {
		case event.ConversationStarted:
			f.proactive = role == event.RoleAgent
		case event.MessageSent:
			switch {
			case role == event.RoleCustomer:
				if f.customer == "" {
					f.customer = ev.Actor.ID
				}
				if f.firstCust.IsZero() {
					f.firstCust = ev.OccurredAt
				}
			case role == event.RoleBot:
				if !f.humanReplied {
					f.botReplied = true
				}
			case role == event.RoleAgent && !ev.Message.Private && !ev.Message.Automated:
				if !f.firstCust.IsZero() && f.firstHuman.IsZero() && f.reopens == 0 {
					f.firstHuman = ev.OccurredAt
				}
				f.humanReplied = true
			}
		case event.Escalated:
			f.escalations++
			if role == event.RoleBot {
				f.escalatedBot = true
			}
		case event.Transferred:
			f.transfers++
		case event.Resolved:
			f.lastStatus, f.resolvedAt = event.Resolved, ev.OccurredAt
		case event.Reopened:
			f.lastStatus = event.Reopened
			f.reopens++
		case event.CSATAnswered:
			f.csat = ev.CSAT.Score
		}
	}
	return out
}

// repeatContacts marks, per conversation, whether the same customer started
// another conversation within window after this one was resolved.
func repeatContacts(fs []*convFacts, window time.Duration) map[string]bool {
	byCust := map[string][]*convFacts{}
	for _, f := range fs {
		if f.customer != "" {
			byCust[f.customer] = append(byCust[f.customer], f)
		}
	}
	out := map[string]bool{}
	for _, f := range fs {
		if !f.resolved() {
			continue
		}
		for _, g := range byCust[f.customer] {
			if g != f && g.started.After(f.resolvedAt) && g.started.Sub(f.resolvedAt) <= window {
				out[f.id] = true
			}
		}
	}
	return out
}
