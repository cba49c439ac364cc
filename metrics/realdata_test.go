package metrics_test

import (
	"encoding/csv"
	"io"
	"os"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/realdata"
	sqlfiles "github.com/parley-cx/parley/sql"
)

// twcsEvents turns the tweets into conversations: each reply chain is one
// conversation named after its root tweet; customer tweets (inbound) are
// customer messages, company tweets are public agent messages.
func twcsEvents(t *testing.T) []event.Event {
	t.Helper()
	// The public "Customer Support on Twitter" sample (docs/real-data.md).
	f, err := os.Open(realdata.Path(t, "twcs_sample_5000.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	if _, err := r.Read(); err != nil { // header
		t.Fatal(err)
	}
	type tweet struct {
		id, author, parent, text string
		inbound                  bool
		at                       time.Time
	}
	tweets := map[string]tweet{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		at, err := time.Parse("Mon Jan 02 15:04:05 -0700 2006", rec[4])
		if err != nil {
			t.Fatal(err)
		}
		parent := ""
		if rec[7] != "" {
			p, err := strconv.ParseFloat(rec[7], 64)
			if err != nil {
				t.Fatal(err)
			}
			parent = strconv.FormatInt(int64(p), 10)
		}
		tweets[rec[1]] = tweet{id: rec[1], author: rec[2], parent: parent, text: rec[5], inbound: rec[3] == "True", at: at}
	}
	root := func(tw tweet) string {
		for {
			p, ok := tweets[tw.parent]
			if !ok {
				return tw.id
			}
			tw = p
		}
	}
	var evs []event.Event
	for _, tw := range tweets {
		role := event.RoleAgent
		if tw.inbound {
			role = event.RoleCustomer
		}
		evs = append(evs, event.Event{
			EventID: "tw-" + tw.id, ConversationID: "twcs-" + root(tw), Type: event.MessageSent, OccurredAt: tw.at,
			Channel: event.Other, Actor: &event.Actor{Role: role, ID: tw.author}, Message: &event.Message{Text: tw.text},
		})
	}
	sort.Slice(evs, func(i, j int) bool { return evs[i].EventID < evs[j].EventID })
	return evs
}

// TestRealTwitterSupportThreads builds the warehouse from 5,000 real support
// tweets and checks every conversation's first response against a direct
// computation in Go over the same threads, plus the invariants.
func TestRealTwitterSupportThreads(t *testing.T) {
	evs := twcsEvents(t)
	db := build(t, evs, config.Default())

	// The definition, computed independently: order each thread by time (ties
	// by event id), take the first customer tweet, then the first company tweet after it.
	byConv := map[string][]event.Event{}
	for _, ev := range evs {
		byConv[ev.ConversationID] = append(byConv[ev.ConversationID], ev)
	}
	want := map[string]*float64{}
	for id, list := range byConv {
		sort.Slice(list, func(i, j int) bool {
			if !list[i].OccurredAt.Equal(list[j].OccurredAt) {
				return list[i].OccurredAt.Before(list[j].OccurredAt)
			}
			return list[i].EventID < list[j].EventID
		})
		var firstCustomer *time.Time
		want[id] = nil
		for _, ev := range list {
			if ev.Actor.Role == event.RoleCustomer && firstCustomer == nil {
				at := ev.OccurredAt
				firstCustomer = &at
			} else if ev.Actor.Role == event.RoleAgent && firstCustomer != nil {
				s := ev.OccurredAt.Sub(*firstCustomer).Seconds()
				want[id] = &s
				break
			}
		}
	}
	rows, err := db.Query("SELECT conversation_id, first_response_s FROM conversations")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got, answered := 0, 0
	for rows.Next() {
		var id string
		var frt *float64
		if err := rows.Scan(&id, &frt); err != nil {
			t.Fatal(err)
		}
		w, ok := want[id]
		switch {
		case !ok:
			t.Errorf("%s: not a thread of the input", id)
		case (w == nil) != (frt == nil) || (w != nil && *w != *frt):
			t.Errorf("%s: first_response_s %v, want %v", id, deref(frt), deref(w))
		}
		if frt != nil {
			answered++
		}
		got++
	}
	if got != len(byConv) {
		t.Errorf("%d conversations, want %d threads", got, len(byConv))
	}
	t.Logf("%d threads, %d with a company response", got, answered)
	if answered < 100 {
		t.Errorf("only %d threads with a response: the conversion is wrong", answered)
	}
	checks, err := parseChecks(sqlfiles.File("build/checks/invariants.sql"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range checks {
		var n int64
		if err := db.QueryRow(c.query).Scan(&n); err != nil || n != 0 {
			t.Errorf("%s: %d violations, %v", c.name, n, err)
		}
	}
}

func deref(p *float64) string {
	if p == nil {
		return "NULL"
	}
	return strconv.FormatFloat(*p, 'f', -1, 64)
}
