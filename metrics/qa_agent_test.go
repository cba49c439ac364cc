package metrics_test

import (
	"bytes"
	"context"
	"log/slog"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	parleybuild "github.com/parley-cx/parley/build"
	"github.com/parley-cx/parley/internal/buildtest"
	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/lake"
)

// TestReviewAgentTookPart: qa_reviews.agent_in_conversation says whether
// the reviewed agent wrote in the conversation or was assigned it, as read
// from the fixture's events here; the build warns of the reviews whose
// agent took no part (an edited agent_id column credits another agent).
func TestReviewAgentTookPart(t *testing.T) {
	evs := readFixture(t, "basic.jsonl")
	wrote := map[string]map[string]bool{}    // conversation → agents who wrote in it
	assigned := map[string]map[string]bool{} // conversation → agents assigned it (none of the fixture's names one)
	add := func(m map[string]map[string]bool, conv, agent string) {
		if m[conv] == nil {
			m[conv] = map[string]bool{}
		}
		m[conv][agent] = true
	}
	for _, ev := range evs {
		if ev.Actor != nil && ev.Actor.Role == "agent" && ev.Actor.ID != "" {
			add(wrote, ev.ConversationID, ev.Actor.ID)
		}
		if ev.To != nil && ev.To.Role == "agent" && ev.To.ID != "" {
			add(assigned, ev.ConversationID, ev.To.ID)
		}
	}
	// A conversation an agent wrote in, one that wrote elsewhere only, and
	// one assigned a conversation without writing in it.
	var conv, writer, stranger, assignedConv, assignee string
	sorted := func(m map[string]bool) []string { return slices.Sorted(maps.Keys(m)) }
	for _, c := range slices.Sorted(maps.Keys(wrote)) {
		for _, a := range sorted(wrote[c]) {
			for _, c2 := range slices.Sorted(maps.Keys(wrote)) {
				if c2 != c && !wrote[c2][a] && !assigned[c2][a] && conv == "" {
					conv, writer, stranger = c2, sorted(wrote[c2])[0], a
				}
			}
		}
	}
	if conv == "" {
		t.Fatal("the fixture lacks an agent who wrote in one conversation and not another")
	}
	// An agent assigned the conversation who never wrote in it: an assignment
	// after the conversation's first event.
	for _, ev := range evs {
		if ev.ConversationID == conv {
			a := ev
			a.EventID, a.Type, a.OccurredAt = "assigned-only", "assigned", ev.OccurredAt.Add(time.Second)
			a.Actor, a.Message, a.To = nil, nil, &event.Target{Role: "agent", ID: "ag-assigned-only"}
			evs = append(evs, a)
			assignedConv, assignee = conv, "ag-assigned-only"
			break
		}
	}
	root := filepath.Join(t.TempDir(), "lake")
	writeLake(t, root, evs)
	at := time.Date(2026, 3, 9, 10, 0, 0, 0, time.UTC)
	card := []lake.ReviewRating{rate("solution", 4, 1, 5, 1, false)}
	rows := []lake.ReviewRow{
		review("a-wrote", conv, writer, "rev", at, card...),
		review("b-stranger", conv, stranger, "rev", at, card...),
		review("c-assigned", assignedConv, assignee, "rev", at, card...),
		review("d-gone", "no-such-conversation", writer, "rev", at, card...),
	}
	writeReviews(t, root, "import-1", at.Add(time.Hour), rows)
	var log bytes.Buffer
	path := filepath.Join(t.TempDir(), "warehouse.duckdb")
	if _, err := parleybuild.Run(context.Background(), parleybuild.Config{Lake: root, DB: path, Settings: config.Default(),
		Log: slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelWarn}))}); err != nil {
		t.Fatal(err)
	}
	db := buildtest.Open(t, path)
	got := queryRows(t, db, "SELECT review_id, agent_in_conversation FROM qa_reviews ORDER BY review_id")
	want := []map[string]any{
		{"review_id": "a-wrote", "agent_in_conversation": true},
		{"review_id": "b-stranger", "agent_in_conversation": false},
		{"review_id": "c-assigned", "agent_in_conversation": true},
		{"review_id": "d-gone", "agent_in_conversation": nil},
	}
	if len(got) != len(want) {
		t.Fatalf("qa_reviews: %v", got)
	}
	for i := range want {
		checkRow(t, "qa_reviews "+want[i]["review_id"].(string), got[i], want[i])
	}
	warning := `msg="metrics: a QA review names an agent who took no part in its conversation`
	if strings.Count(log.String(), warning) != 1 || !strings.Contains(log.String(), "reviews=1 ") || !strings.Contains(log.String(), "b-stranger ("+stranger+" in "+conv+")") {
		t.Errorf("the build's warnings:\n%s\nwant one naming b-stranger", log.String())
	}
}
