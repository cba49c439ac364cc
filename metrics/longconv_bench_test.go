package metrics_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	parleybuild "github.com/parley-cx/parley/build"
	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/event"
)

// cycleEvents is one round of a busy support thread, repeated to make
// conversations of any length: customer messages, a bot, notes, an
// automated template, replies by two agents, routing, a resolution and a
// reopen. Every kind of row the metric SQL windows over occurs in it, at
// the same density in a long conversation as in a short one.
var cycleEvents = []struct {
	typ       event.Type
	role, id  string
	automated bool
	private   bool
	toRole    string
	toQueue   string
}{
	{typ: event.MessageSent, role: event.RoleCustomer, id: "cust"},
	{typ: event.MessageSent, role: event.RoleCustomer, id: "cust"},
	{typ: event.MessageSent, role: event.RoleBot, id: "bot"},
	{typ: event.Escalated, role: event.RoleBot, id: "bot", toRole: event.RoleAgent, toQueue: "tier1"},
	{typ: event.MessageSent, role: event.RoleAgent, id: "ag-1", automated: true},
	{typ: event.MessageSent, role: event.RoleAgent, id: "ag-1", private: true},
	{typ: event.MessageSent, role: event.RoleAgent, id: "ag-1"},
	{typ: event.MessageSent, role: event.RoleCustomer, id: "cust"},
	{typ: event.Transferred, role: event.RoleAgent, id: "ag-1", toRole: event.RoleAgent, toQueue: "tier2"},
	{typ: event.MessageSent, role: event.RoleAgent, id: "ag-2"},
	{typ: event.MessageSent, role: event.RoleAgent, id: "ag-2"},
	{typ: event.Resolved, role: event.RoleAgent, id: "ag-2"},
	{typ: event.Reopened, role: event.RoleCustomer, id: "cust"},
	{typ: event.MessageSent, role: event.RoleCustomer, id: "cust"},
}

// cycledConversations makes total events in conversations of perConversation
// events each, every one the cycle above repeated from its start, a minute
// apart.
func cycledConversations(total, perConversation int) []event.Event {
	start := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	evs := make([]event.Event, 0, total)
	for c := 0; len(evs) < total; c++ {
		id := fmt.Sprintf("long-%06d", c)
		at := start.Add(time.Duration(c) * time.Minute)
		for i := 0; i < perConversation && len(evs) < total; i++ {
			step := cycleEvents[i%len(cycleEvents)]
			ev := event.Event{
				EventID: fmt.Sprintf("%s-%d", id, i), ConversationID: id, Type: step.typ,
				OccurredAt: at.Add(time.Duration(i) * time.Minute), Channel: event.WhatsApp, Queue: "tier1",
				Actor: &event.Actor{Role: step.role, ID: step.id},
			}
			if step.typ == event.MessageSent {
				ev.Message = &event.Message{Text: fmt.Sprintf("message %d", i%50), Automated: step.automated, Private: step.private}
			}
			if step.toRole != "" {
				ev.To = &event.Target{Role: step.toRole, Queue: step.toQueue}
			}
			evs = append(evs, ev)
		}
	}
	return evs
}

// BenchmarkLongConversation builds 100,000 events held by one conversation
// and the same events spread over 10,000 conversations of 10, and reports
// the one-conversation build's wall time as a multiple of the spread-out
// one's measured in the same run (issue 16's target: at most 2). A build
// whose time grows faster than its events in one conversation (a self-join
// on seq, a window frame scanned per row) shows here.
func BenchmarkLongConversation(b *testing.B) {
	const total = 100_000
	settings := config.Default()
	ctx := context.Background()
	// -v shows each statement's time, to find the one that grows.
	log := slog.New(slog.DiscardHandler)
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	timeBuild := func(b *testing.B, perConversation int) time.Duration {
		b.Helper()
		root := filepath.Join(b.TempDir(), "lake")
		writeLake(b, root, cycledConversations(total, perConversation))
		var best time.Duration
		for i := range 3 {
			db := filepath.Join(b.TempDir(), fmt.Sprintf("w%d.duckdb", i))
			t := time.Now()
			if _, err := parleybuild.Run(ctx, parleybuild.Config{Lake: root, DB: db, Settings: settings, Log: log}); err != nil {
				b.Fatal(err)
			}
			if d := time.Since(t); i == 0 || d < best {
				best = d
			}
		}
		return best
	}
	for range b.N {
		spread := timeBuild(b, 10)
		one := timeBuild(b, total)
		b.ReportMetric(spread.Seconds(), "spread-s")
		b.ReportMetric(one.Seconds(), "one-conversation-s")
		b.ReportMetric(one.Seconds()/spread.Seconds(), "x-spread")
	}
}
