package spec_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/lake"
	"github.com/parley-cx/parley/metrics/spec"
)

// conv builds one conversation's lake rows for the worked examples, event by event, at
// wall-clock times "2006-01-02 15:04:05" in UTC (or "15:04:05" on the day of the last event).
type conv struct {
	t       testing.TB
	id      string
	channel string
	queue   string
	rows    []lake.Row
	day     string
}

func newConv(t testing.TB, id, channel string) *conv {
	return &conv{t: t, id: id, channel: channel, day: "2026-06-01"}
}

func (c *conv) at(s string) time.Time {
	c.t.Helper()
	if len(s) == len("15:04:05") {
		s = c.day + " " + s
	}
	ts, err := time.Parse(time.DateTime, s)
	if err != nil {
		c.t.Fatalf("bad time %q: %v", s, err)
	}
	c.day = ts.Format(time.DateOnly)
	return ts
}

// add appends an event; the event id is the conversation id and the event's number.
func (c *conv) add(when string, ev event.Event) *conv {
	c.t.Helper()
	ev.EventID = fmt.Sprintf("%s-%02d", c.id, len(c.rows)+1)
	ev.ConversationID = c.id
	ev.OccurredAt = c.at(when)
	ev.Channel = event.Channel(c.channel)
	if ev.Queue == "" {
		ev.Queue = c.queue
	}
	if err := ev.Validate(); err != nil {
		c.t.Fatal(err)
	}
	r, err := lake.FromEvent(&ev, "test", 0, int64(len(c.rows)), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		c.t.Fatal(err)
	}
	c.rows = append(c.rows, r)
	return c
}

func (c *conv) say(when, role, id, text string, private, automated bool) *conv {
	return c.add(when, event.Event{Type: event.MessageSent, Actor: &event.Actor{Role: role, ID: id},
		Message: &event.Message{Text: text, Private: private, Automated: automated}})
}

func (c *conv) customer(when, text string) *conv {
	return c.say(when, event.RoleCustomer, "cust-1", text, false, false)
}
func (c *conv) agent(when, id string) *conv {
	return c.say(when, event.RoleAgent, id, "reply", false, false)
}
func (c *conv) note(when string) *conv {
	return c.say(when, event.RoleAgent, "ana", "note", true, false)
}
func (c *conv) template(when string) *conv {
	return c.say(when, event.RoleAgent, "ana", "template", false, true)
}
func (c *conv) bot(when string) *conv {
	return c.say(when, event.RoleBot, "bot", "bot reply", false, false)
}

func (c *conv) status(when string, typ event.Type, role string) *conv {
	var a *event.Actor
	if role != "" {
		a = &event.Actor{Role: role}
	}
	return c.add(when, event.Event{Type: typ, Actor: a})
}
func (c *conv) start(when string) *conv {
	return c.add(when, event.Event{Type: event.ConversationStarted, Actor: &event.Actor{Role: event.RoleCustomer, ID: "cust-1"}})
}
func (c *conv) resolve(when string) *conv { return c.status(when, event.Resolved, event.RoleAgent) }
func (c *conv) reopen(when string) *conv  { return c.status(when, event.Reopened, event.RoleSystem) }

func (c *conv) route(when string, typ event.Type, actorRole, toRole, toQueue string) *conv {
	return c.add(when, event.Event{Type: typ, Actor: &event.Actor{Role: actorRole}, To: &event.Target{Role: toRole, Queue: toQueue}})
}

// compute runs the specification on the conversation with settings (nil: the defaults), the
// warehouse's last event at lastEvent ("" = the conversation's own last event) and no other
// conversations.
func (c *conv) compute(settings *config.Config, lastEvent string) spec.Result {
	c.t.Helper()
	if settings == nil {
		settings = config.Default()
	}
	last := c.rows[len(c.rows)-1].OccurredAt
	if lastEvent != "" {
		last = c.at(lastEvent)
	}
	res, err := spec.Compute(c.rows, spec.Context{Settings: settings, LastEventAt: last})
	if err != nil {
		c.t.Fatal(err)
	}
	return res
}

// f dereferences a nullable figure for comparison; NULL prints as nil.
func f(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func i64(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

func str(p *string) any {
	if p == nil {
		return nil
	}
	return *p
}

// check compares named figures, each within 1e-6 when it is a float.
func check(t *testing.T, got, want map[string]any) {
	t.Helper()
	for name, w := range want {
		g := got[name]
		if gf, ok := g.(float64); ok {
			if wf, ok := w.(float64); ok && gf-wf < 1e-6 && wf-gf < 1e-6 {
				continue
			}
		}
		if fmt.Sprint(g) != fmt.Sprint(w) {
			t.Errorf("%s = %v, want %v", name, g, w)
		}
	}
}
