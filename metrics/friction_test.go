package metrics_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/event"
)

// drivers describes one synthetic conversation by the friction drivers it has.
type drivers struct {
	replyAfter, resolveAfter time.Duration
	bots, automated, agents  int
	transfers, escalations   int
	reopens                  int
	repeat                   bool
	customerMsgs, repeats    int  // repeats: how many of customerMsgs repeat the first one's text
	nudges                   int  // how many customer messages come 3 minutes after the previous one
	agentNudges              int  // how many messages the last agent sends 3 minutes apart after its reply
	followUp                 bool // the customer writes again 5 minutes after the agent's last message and gets no answer
}

func baseDrivers() drivers {
	return drivers{replyAfter: 20 * time.Minute, resolveAfter: time.Hour, agents: 1, customerMsgs: 4}
}

// conversation builds the events of one conversation with the given drivers.
func (d drivers) conversation(id, customer string, start time.Time) []event.Event {
	var evs []event.Event
	n := 0
	add := func(at time.Duration, typ event.Type, role, actor string, mod func(*event.Event)) {
		n++
		ev := event.Event{
			EventID: fmt.Sprintf("%s-%d", id, n), ConversationID: id, Type: typ, OccurredAt: start.Add(at),
			Channel: event.Webchat, Queue: "support", Actor: &event.Actor{Role: role, ID: actor},
		}
		if mod != nil {
			mod(&ev)
		}
		evs = append(evs, ev)
	}
	msg := func(text string, automated bool) func(*event.Event) {
		return func(ev *event.Event) { ev.Message = &event.Message{Text: text, Automated: automated} }
	}
	toAgent := func(ev *event.Event) { ev.To = &event.Target{Role: event.RoleAgent, Queue: "support"} }

	add(0, event.ConversationStarted, event.RoleCustomer, customer, nil)
	at := time.Duration(0)
	for i := range d.customerMsgs {
		text := fmt.Sprintf("question number %d", i)
		if i > 0 && i <= d.repeats {
			text = "Question number 0!"
		}
		if i > 0 {
			gap := 10 * time.Second
			if i <= d.nudges {
				gap = 3 * time.Minute
			}
			at += gap
		}
		add(at, event.MessageSent, event.RoleCustomer, customer, msg(text, false))
	}
	for i := range d.bots {
		add(12*time.Minute+time.Duration(i)*time.Second, event.MessageSent, event.RoleBot, "bot", msg("bot says hi", false))
	}
	for i := range d.automated {
		add(13*time.Minute+time.Duration(i)*time.Second, event.MessageSent, event.RoleAgent, "ag-0", msg("auto reply", true))
	}
	for i := range d.agents {
		add(d.replyAfter+time.Duration(i)*time.Minute, event.MessageSent, event.RoleAgent, fmt.Sprintf("ag-%d", i), msg("on it", false))
	}
	last := d.replyAfter + time.Duration(d.agents-1)*time.Minute
	for i := range d.agentNudges {
		last += 3 * time.Minute
		add(last, event.MessageSent, event.RoleAgent, fmt.Sprintf("ag-%d", d.agents-1), msg(fmt.Sprintf("still there? (%d)", i), false))
	}
	if d.followUp {
		add(last+5*time.Minute, event.MessageSent, event.RoleCustomer, customer, msg("one more thing", false))
	}
	steps := d.replyAfter + 10*time.Minute
	for range d.transfers {
		steps += time.Second
		add(steps, event.Transferred, event.RoleAgent, "ag-0", toAgent)
	}
	for range d.escalations {
		steps += time.Second
		add(steps, event.Escalated, event.RoleAgent, "ag-0", toAgent)
	}
	for range d.reopens {
		add(steps+time.Second, event.Resolved, event.RoleAgent, "ag-0", nil)
		add(steps+2*time.Second, event.Reopened, event.RoleCustomer, customer, nil)
		steps += 2 * time.Second
	}
	add(d.resolveAfter, event.Resolved, event.RoleAgent, "ag-0", nil)
	if d.repeat {
		again := drivers{replyAfter: time.Minute, resolveAfter: 2 * time.Minute, agents: 1, customerMsgs: 1}
		evs = append(evs, again.conversation(id+"-again", customer, start.Add(24*time.Hour))...)
	}
	return evs
}

// TestFrictionMonotone checks that the friction score, and the component
// each driver feeds, rises strictly when that one driver grows and every
// other driver stays put; and that the customer's own pause (a later
// resolution while the business waits on the customer) changes nothing.
func TestFrictionMonotone(t *testing.T) {
	series := []struct {
		name      string
		component string
		vary      func(*drivers, int)
		flat      bool // the score and component must stay equal instead
	}{
		{"customer wait", "friction_time", func(d *drivers, i int) { d.replyAfter = time.Duration(15+10*i) * time.Minute }, false},
		{"waiting on agent", "friction_time", func(d *drivers, i int) {
			d.followUp, d.resolveAfter = true, time.Duration(1+3*i)*time.Hour
		}, false},
		{"customer pause", "friction_time", func(d *drivers, i int) { d.resolveAfter = time.Duration(1+24*i) * time.Hour }, true},
		{"bot messages", "friction_impersonal", func(d *drivers, i int) { d.bots = i }, false},
		{"automated messages", "friction_impersonal", func(d *drivers, i int) { d.automated = i }, false},
		{"agent changes", "friction_impersonal", func(d *drivers, i int) { d.agents = 1 + i }, false},
		{"transfers", "friction_directness", func(d *drivers, i int) { d.transfers = i }, false},
		{"escalations", "friction_directness", func(d *drivers, i int) { d.escalations = i }, false},
		{"reopens", "friction_directness", func(d *drivers, i int) { d.reopens = i }, false},
		{"repeat contact", "friction_directness", func(d *drivers, i int) { d.repeat = i > 0 }, false},
		{"customer messages", "friction_effort", func(d *drivers, i int) { d.customerMsgs = 2 + 2*i }, false},
		{"repeated messages", "friction_effort", func(d *drivers, i int) { d.repeats = i }, false},
		{"customer nudges", "friction_effort", func(d *drivers, i int) { d.nudges = i }, false},
		{"agent nudges", "friction_impersonal", func(d *drivers, i int) { d.agentNudges = i }, false},
	}
	const steps = 3
	var evs []event.Event
	start := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	for s, sr := range series {
		for i := range steps {
			if sr.name == "repeat contact" && i == steps-1 {
				break // a flag has two values
			}
			d := baseDrivers()
			sr.vary(&d, i)
			id := fmt.Sprintf("f%02d-%d", s, i)
			evs = append(evs, d.conversation(id, "cust-"+id, start)...)
		}
	}
	db := build(t, evs, config.Default())
	for s, sr := range series {
		t.Run(sr.name, func(t *testing.T) {
			rows := queryRows(t, db, fmt.Sprintf(
				"SELECT conversation_id, friction_score, %s AS component FROM conversations WHERE conversation_id LIKE 'f%02d-_' ORDER BY conversation_id",
				sr.component, s))
			if len(rows) < 2 {
				t.Fatalf("%d conversations in the series", len(rows))
			}
			for i := 1; i < len(rows); i++ {
				prev, cur := rows[i-1], rows[i]
				if sr.flat {
					if cur["friction_score"] != prev["friction_score"] || cur["component"] != prev["component"] {
						t.Errorf("%s: score %v, %s %v after %v, %v (%s → %s): want unchanged", sr.name,
							cur["friction_score"], sr.component, cur["component"], prev["friction_score"], prev["component"], prev["conversation_id"], cur["conversation_id"])
					}
					continue
				}
				if !(cur["friction_score"].(float64) > prev["friction_score"].(float64)) {
					t.Errorf("%s: score %v after %v (%s → %s): not rising", sr.name, cur["friction_score"], prev["friction_score"], prev["conversation_id"], cur["conversation_id"])
				}
				if !(cur["component"].(float64) > prev["component"].(float64)) {
					t.Errorf("%s: %s %v after %v: not rising", sr.name, sr.component, cur["component"], prev["component"])
				}
			}
			for _, r := range rows {
				if v := r["friction_score"].(float64); v < 0 || v > 100 {
					t.Errorf("%s: score %v outside 0..100", r["conversation_id"], v)
				}
			}
		})
	}
}
