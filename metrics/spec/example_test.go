package spec_test

import (
	"fmt"
	"time"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/lake"
	"github.com/parley-cx/parley/metrics/spec"
)

// Compute one conversation the way the warehouse should: the worked example of docs/metrics.md
// "First response", with a producer retry of the customer's message.
func ExampleCompute() {
	at := func(clock string) time.Time { t, _ := time.Parse(time.DateTime, "2026-06-01 "+clock); return t }
	msg := func(id, when, role, text string, private, automated bool) event.Event {
		return event.Event{EventID: id, ConversationID: "c-1", Type: event.MessageSent, OccurredAt: at(when),
			Channel: event.Webchat, Actor: &event.Actor{Role: role, ID: role + "-1"},
			Message: &event.Message{Text: text, Private: private, Automated: automated}}
	}
	events := []event.Event{
		msg("m1", "09:00:00", event.RoleCustomer, "My card was charged twice", false, false),
		msg("m2", "09:00:02", event.RoleBot, "I can help with that", false, false),
		msg("m3", "09:01:00", event.RoleAgent, "looks like a double charge", true, false),
		msg("m4", "09:01:30", event.RoleAgent, "Thanks, we are on it", false, true),
		msg("m5", "09:04:00", event.RoleAgent, "Refunded the second charge", false, false),
		msg("m1", "09:00:00", event.RoleCustomer, "My card was charged twice", false, false), // retried
	}
	var rows []lake.Row
	for i := range events {
		r, err := lake.FromEvent(&events[i], "example", 0, int64(i), time.Date(2026, 6, 2, 0, 0, 0, 0, time.UTC))
		if err != nil {
			fmt.Println(err)
			return
		}
		rows = append(rows, r)
	}
	res, err := spec.Compute(rows, spec.Context{Settings: config.Default(), LastEventAt: at("09:04:00")})
	if err != nil {
		fmt.Println(err)
		return
	}
	c := res.Conversation
	fmt.Println("events:", len(res.Events))
	fmt.Println("first_response_any_s:", *c.FirstResponseAnyS)
	fmt.Println("first_response_s:", *c.FirstResponseS)
	fmt.Println("sla_met:", *c.SLAMet)
	// Output:
	// events: 5
	// first_response_any_s: 2
	// first_response_s: 240
	// sla_met: false
}
