package forecast

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/parley-cx/parley/internal/warehouse"
	sqlfiles "github.com/parley-cx/parley/sql"
)

// step is one event of a conversation in the routed-in tests: at minutes
// after the conversation's start, a customer message (customer), another
// message (its sender's role), or a routing event (assigned, escalated,
// transferred) to to; queue is the event's own queue field ("" for none).
type step struct {
	at                   int
	typ, role, queue, to string
}

// routedConversation is a scripted conversation on one channel.
type routedConversation struct {
	id, channel string
	start       time.Time // wall clock
	steps       []step
}

// arrivalKey is an expected count's group and hour.
type arrivalKey struct {
	queue, channel string
	hour           time.Time
}

// oracleArrivals states docs/forecasting.md's arrivals event by event,
// independently of the SQL: a conversation arrives at its first customer
// message, in the queue it is in then; with routedIn, each later routing
// event whose to.queue is not the queue the conversation is in just before
// it is an arrival in that queue at that event. The queue the conversation
// is in is the last one an event named (a routing event's to.queue, else
// its own queue).
func oracleArrivals(convs []routedConversation, routedIn bool) map[arrivalKey]float64 {
	out := map[arrivalKey]float64{}
	for _, c := range convs {
		current, arrived := "", false
		for _, s := range c.steps {
			at := c.start.Add(time.Duration(s.at) * time.Minute).Truncate(time.Hour)
			routing := s.typ == "assigned" || s.typ == "escalated" || s.typ == "transferred"
			named := s.queue
			if routing && s.to != "" {
				named = s.to
			}
			if routedIn && arrived && routing && s.to != "" && s.to != current {
				out[arrivalKey{s.to, c.channel, at}]++
			}
			if named != "" {
				current = named
			}
			if !arrived && s.typ == "message" && s.role == "customer" {
				arrived = true
				out[arrivalKey{current, c.channel, at}]++
			}
		}
	}
	return out
}

// routedWarehouse writes convs into a hand-made warehouse with the build's
// macros (sql/build/201_reference.sql): events as given, their messages
// with the queue the conversation is in at each (as the build computes it),
// and one conversations row each.
func routedWarehouse(t *testing.T, convs []routedConversation) string {
	t.Helper()
	db, path := emptyWarehouse(t, sqlfiles.File("build/201_reference.sql"), `INSERT INTO warehouse_info (timezone) VALUES ('UTC')`)
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range convs {
		if _, err := tx.Exec(`INSERT INTO conversations (conversation_id, channel, started_local) VALUES (?, ?, ?)`, c.id, c.channel, c.start); err != nil {
			t.Fatal(err)
		}
		current := ""
		for i, s := range c.steps {
			at := c.start.Add(time.Duration(s.at) * time.Minute)
			if named := s.to; named != "" && s.typ != "message" {
				current = named
			} else if s.queue != "" {
				current = s.queue
			}
			if _, err := tx.Exec(`INSERT INTO events (conversation_id, event_id, seq, type, occurred_at, occurred_local, actor_role, queue, to_queue, channel) VALUES (?, ?, ?, ?, ?, ?, ?, NULLIF(?, ''), NULLIF(?, ''), ?)`,
				c.id, fmt.Sprintf("%s-%d", c.id, i+1), i+1, s.typ, at, at, s.role, s.queue, s.to, c.channel); err != nil {
				t.Fatal(err)
			}
			if s.typ == "message" {
				if _, err := tx.Exec(`INSERT INTO messages (conversation_id, seq, occurred_at, occurred_local, sender_role, queue, channel) VALUES (?, ?, ?, ?, ?, NULLIF(?, ''), ?)`,
					c.id, i+1, at, at, s.role, current, c.channel); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return path
}

// readArrivals reads the warehouse's arrivals per queue and channel, hourly, as counts by key.
func readArrivals(t *testing.T, path string, routedIn bool) map[arrivalKey]float64 {
	t.Helper()
	db, err := warehouse.Open(path, true)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	groups, err := ReadWarehouseGroups(context.Background(), db.DB, time.Hour, Filter{}, true, true, routedIn)
	if err != nil {
		t.Fatal(err)
	}
	got := map[arrivalKey]float64{}
	for _, g := range groups {
		for i, d := range g.Series.Days {
			for j, v := range d {
				if v != 0 {
					got[arrivalKey{g.Queue, g.Channel, g.Series.Start(i, j)}] = v
				}
			}
		}
	}
	return got
}

func diffArrivals(t *testing.T, name string, got, want map[arrivalKey]float64) {
	t.Helper()
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %s %s %s: %v arrivals, want %v", name, k.queue, k.channel, k.hour.Format("2006-01-02 15:04"), got[k], w)
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: %s %s %s: %v arrivals, want none", name, k.queue, k.channel, k.hour.Format("2006-01-02 15:04"), g)
		}
	}
}

// TestRoutedInArrivals: with --routed-in, a conversation routed into another
// queue after it arrived arrives there too, at the routing event's time
// (tier 2s had no arrivals: a forecast could not staff them); without it the
// arrivals are as before. Hand-worked cases first, each with its counts
// written out; then random conversations against oracleArrivals.
func TestRoutedInArrivals(t *testing.T) {
	day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	at := func(h int) time.Time { return day.Add(time.Duration(h) * time.Hour) }
	msg := func(m int, role, queue string) step { return step{at: m, typ: "message", role: role, queue: queue} }
	route := func(m int, typ, queue, to string) step {
		return step{at: m, typ: typ, role: "agent", queue: queue, to: to}
	}
	cases := []routedConversation{
		// Escalated to tier 2 forty minutes after arriving at 09:05: one arrival in each queue.
		{"tier2", "chat", at(9), []step{msg(5, "customer", "billing"), msg(10, "agent", "billing"), route(40, "escalated", "billing", "billing_tier2")}},
		// Assigned before the customer writes: one arrival, in the queue of the first customer message.
		{"assigned-first", "chat", at(10), []step{route(0, "assigned", "", "billing"), msg(10, "customer", "")}},
		// Billing → orders at 11:30 → back to billing at 12:10: billing is entered again.
		{"back-and-forth", "email", at(11), []step{msg(0, "customer", "billing"), route(30, "transferred", "billing", "orders"), route(70, "transferred", "orders", "billing")}},
		// Assigned within the queue it is in: no move, no arrival.
		{"same-queue", "chat", at(13), []step{msg(0, "customer", "billing"), route(5, "assigned", "billing", "billing")}},
		// A message whose own queue moves it to billing (no routing event), then an escalation
		// to billing, where it already is: neither is a routed-in arrival.
		{"moved-by-message", "chat", at(14), []step{msg(0, "customer", "tech"), msg(10, "agent", "billing"), route(20, "escalated", "tech", "billing")}},
		// An escalation naming no queue leaves the conversation where it is.
		{"no-to-queue", "chat", at(15), []step{msg(0, "customer", "tech"), route(20, "escalated", "tech", "")}},
		// Transferred twice in one hour: an arrival in each queue it enters.
		{"two-hops", "chat", at(16), []step{msg(0, "customer", "tech"), route(10, "transferred", "tech", "billing"), route(50, "escalated", "billing", "billing_tier2")}},
		// The customer writes before any queue is named: an arrival in no queue (it was
		// counted in the queue of the later customer message), then routed into billing.
		{"no-queue-yet", "chat", at(17), []step{msg(0, "customer", ""), route(5, "assigned", "", "billing"), msg(10, "customer", "")}},
	}
	want := map[arrivalKey]float64{
		{"billing", "chat", at(9)}: 1, {"billing", "chat", at(10)}: 1, {"billing", "email", at(11)}: 1,
		{"billing", "chat", at(13)}: 1, {"tech", "chat", at(14)}: 1, {"tech", "chat", at(15)}: 1, {"tech", "chat", at(16)}: 1,
		{"", "chat", at(17)}: 1,
	}
	path := routedWarehouse(t, cases)
	diffArrivals(t, "first customer message only", readArrivals(t, path, false), want)
	for k, n := range map[arrivalKey]float64{
		{"billing_tier2", "chat", at(9)}: 1, {"orders", "email", at(11)}: 1, {"billing", "email", at(12)}: 1,
		{"billing", "chat", at(16)}: 1, {"billing_tier2", "chat", at(16)}: 1, {"billing", "chat", at(17)}: 1,
	} {
		want[k] += n
	}
	diffArrivals(t, "routed in", readArrivals(t, path, true), want)

	// Random conversations over a week, checked against the event-by-event statement.
	rng := rand.New(rand.NewPCG(7, 11))
	queues := []string{"", "billing", "orders", "billing_tier2", "tech_tier2"}
	var convs []routedConversation
	for i := range 300 {
		c := routedConversation{id: fmt.Sprintf("r%03d", i), channel: []string{"chat", "email"}[rng.IntN(2)],
			start: day.AddDate(0, 0, rng.IntN(7)).Add(time.Duration(rng.IntN(24*60)) * time.Minute)}
		for m, n := 0, 1+rng.IntN(8); len(c.steps) < n; m += rng.IntN(90) {
			q := queues[rng.IntN(len(queues))]
			switch rng.IntN(4) {
			case 0:
				c.steps = append(c.steps, msg(m, "customer", q))
			case 1:
				c.steps = append(c.steps, msg(m, []string{"agent", "bot"}[rng.IntN(2)], q))
			default:
				c.steps = append(c.steps, route(m, []string{"assigned", "escalated", "transferred"}[rng.IntN(3)], q, queues[rng.IntN(len(queues))]))
			}
		}
		convs = append(convs, c)
	}
	path = routedWarehouse(t, convs)
	for _, routedIn := range []bool{false, true} {
		diffArrivals(t, fmt.Sprintf("random, routed in %v", routedIn), readArrivals(t, path, routedIn), oracleArrivals(convs, routedIn))
	}
}
