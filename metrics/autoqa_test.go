package metrics_test

import (
	"fmt"
	"math"
	"path/filepath"
	"runtime/debug"
	"testing"
	"time"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/lake"
)

// TestAutoQAAgreement builds a lake of 50 conversations, 25 whose first
// reply greets and 25 whose does not, reviewed by humans on the greeting
// category as Cohen's textbook case: both fail 20, only the check 5, only
// the human 10, both pass 15. auto_qa must hold the verdicts with their
// evidence, and auto_qa_agreement the statistics worked out by hand:
// agreement 0.7, pₑ = (25·30 + 25·20)/2500 = 0.5, kappa 0.4, precision 0.8,
// recall 20/30. A mapped check no human rated has n = 0 and NULL statistics.
func TestAutoQAAgreement(t *testing.T) {
	start := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	var evs []event.Event
	var reviews []lake.ReviewRow
	for i := range 50 {
		id := fmt.Sprintf("c%02d", i)
		at := start.Add(time.Duration(i) * time.Hour)
		greets := i >= 25 // c25..c49 greet: the check passes
		reply := "Let me check your order."
		if greets {
			reply = "Hello! Let me check your order."
		}
		cust := &event.Actor{Role: event.RoleCustomer, ID: "cus-" + id}
		agent := &event.Actor{Role: event.RoleAgent, ID: "ana"}
		evs = append(evs,
			event.Event{EventID: id + "-1", ConversationID: id, Type: event.ConversationStarted, OccurredAt: at, Channel: event.Webchat, Queue: "support", Actor: cust},
			event.Event{EventID: id + "-2", ConversationID: id, Type: event.MessageSent, OccurredAt: at.Add(time.Second), Channel: event.Webchat, Queue: "support", Actor: cust,
				Message: &event.Message{Text: "where is my order?"}},
			event.Event{EventID: id + "-3", ConversationID: id, Type: event.MessageSent, OccurredAt: at.Add(time.Minute), Channel: event.Webchat, Queue: "support", Actor: agent,
				Message: &event.Message{Text: reply}},
			event.Event{EventID: id + "-4", ConversationID: id, Type: event.Resolved, OccurredAt: at.Add(2 * time.Minute), Channel: event.Webchat, Queue: "support", Actor: agent})
		// The human's greeting rating on 1-3: 1 fails.
		var rating int
		switch {
		case i < 20: // check fails, human fails: tp
			rating = 1
		case i < 25: // check fails, human passes: fp
			rating = 2 + i%2
		case i < 35: // check passes, human fails: fn
			rating = 1
		default: // both pass: tn
			rating = 3
		}
		reviews = append(reviews, review("rv-"+id, id, "ana", "alice", at.Add(24*time.Hour), rate("greeting", rating, 1, 3, 1, false)))
	}
	// One review marks greeting N/A: it is no pair.
	reviews = append(reviews, review("rv-na", "c00", "ana", "bob", start.Add(48*time.Hour), rate("greeting", -1, 1, 3, 1, false)))
	root := filepath.Join(t.TempDir(), "lake")
	writeLake(t, root, evs)
	writeReviews(t, root, "import-1", start.Add(72*time.Hour), reviews)
	settings := config.Default()
	settings.QA.Auto.Checks = []config.AutoCheck{{Name: "greeting", Category: "greeting"}, {Name: "closing", Category: "closing"}, {Name: "frt_sla"}}
	db := buildLake(t, root, settings)

	rows := queryRows(t, db, `SELECT result, evidence_seq, detail FROM auto_qa WHERE conversation_id = 'c00' AND "check" = 'greeting'`)
	if len(rows) != 1 {
		t.Fatalf("auto_qa rows of c00: %v", rows)
	}
	checkRow(t, "c00 greeting", rows[0], map[string]any{"result": "fail", "evidence_seq": int64(3)})
	if n := queryRows(t, db, `SELECT count(*) AS n FROM auto_qa`)[0]["n"]; n != int64(150) {
		t.Errorf("auto_qa has %v rows, want 50 conversations × 3 checks", n)
	}
	got := queryRows(t, db, `SELECT * FROM auto_qa_agreement`)
	if len(got) != 2 {
		t.Fatalf("auto_qa_agreement: %v, want greeting and closing (frt_sla is not mapped)", got)
	}
	checkRow(t, "greeting", got[0], map[string]any{"check": "greeting", "category": "greeting", "n": int64(50),
		"tp": int64(20), "fp": int64(5), "fn": int64(10), "tn": int64(15)})
	for col, want := range map[string]float64{"agreement": 0.7, "precision": 0.8, "recall": 20.0 / 30, "kappa": 0.4} {
		if v, ok := got[0][col].(float64); !ok || math.Abs(v-want) > 1e-12 {
			t.Errorf("greeting %s = %v, want %v", col, got[0][col], want)
		}
	}
	checkRow(t, "closing", got[1], map[string]any{"check": "closing", "n": int64(0), "agreement": nil, "kappa": nil, "precision": nil, "recall": nil})
	sum := queryRows(t, db, `SELECT conversations, checked, failed, fail_rate FROM auto_qa_summary WHERE agent_id = 'ana' AND "check" = 'greeting'`)
	if len(sum) != 1 {
		t.Fatalf("auto_qa_summary: %v", sum)
	}
	checkRow(t, "summary", sum[0], map[string]any{"conversations": int64(50), "checked": int64(50), "failed": int64(25), "fail_rate": 0.5})
}

// TestAutoQAReadsTextsOfConfiguredRoles: the build reads the texts of bot
// and automated agent messages only when a check's roles name them, so a
// greeting check on bots must still see the bot's greeting, and one on
// automated messages the template's, while the default check (human
// replies) judges the human's reply, which does not greet.
func TestAutoQAReadsTextsOfConfiguredRoles(t *testing.T) {
	at := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	cust := &event.Actor{Role: event.RoleCustomer, ID: "cus-1"}
	msg := func(n int, actor *event.Actor, automated bool, text string) event.Event {
		return event.Event{EventID: fmt.Sprintf("e%d", n), ConversationID: "c1", Type: event.MessageSent, OccurredAt: at.Add(time.Duration(n) * time.Minute),
			Channel: event.Webchat, Queue: "support", Actor: actor, Message: &event.Message{Text: text, Automated: automated}}
	}
	evs := []event.Event{
		{EventID: "e0", ConversationID: "c1", Type: event.ConversationStarted, OccurredAt: at, Channel: event.Webchat, Queue: "support", Actor: cust},
		msg(1, cust, false, "where is my order?"),
		msg(2, &event.Actor{Role: event.RoleBot, ID: "bot"}, false, "Hello, I am the assistant."),
		msg(3, &event.Actor{Role: event.RoleAgent, ID: "ana"}, true, "Good morning! Your ticket is open."),
		msg(4, &event.Actor{Role: event.RoleAgent, ID: "ana"}, false, "Let me check your order."),
	}
	root := filepath.Join(t.TempDir(), "lake")
	writeLake(t, root, evs)
	settings := config.Default()
	settings.QA.Auto.Checks = []config.AutoCheck{
		{Name: "greeting"},
		{Name: "bot_greeting", Type: "greeting", Roles: []string{config.AutoRoleBot}},
		{Name: "template_greeting", Type: "greeting", Roles: []string{config.AutoRoleAutomated}},
	}
	db := buildLake(t, root, settings)
	for check, want := range map[string]map[string]any{
		"greeting":          {"result": "fail", "evidence_seq": int64(5)},
		"bot_greeting":      {"result": "pass", "evidence_seq": int64(3)},
		"template_greeting": {"result": "pass", "evidence_seq": int64(4)},
	} {
		rows := queryRows(t, db, `SELECT result, evidence_seq FROM auto_qa WHERE conversation_id = 'c1' AND "check" = ?`, check)
		if len(rows) != 1 {
			t.Fatalf("%s: auto_qa rows %v", check, rows)
		}
		checkRow(t, check, rows[0], want)
	}
}

// TestAutoQABuildRestoresGCPercent: a build puts back the GOGC the
// process had after the checks' step raised it (raiseGCPercent's own test
// is in autoqa_gc_test.go).
func TestAutoQABuildRestoresGCPercent(t *testing.T) {
	root := filepath.Join(t.TempDir(), "lake")
	writeLake(t, root, []event.Event{{EventID: "e0", ConversationID: "c1", Type: event.ConversationStarted,
		OccurredAt: time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC), Channel: event.Webchat, Queue: "support", Actor: &event.Actor{Role: event.RoleCustomer, ID: "cus-1"}}})
	defer debug.SetGCPercent(debug.SetGCPercent(60))
	buildLake(t, root, config.Default())
	if after := debug.SetGCPercent(60); after != 60 {
		t.Errorf("GOGC after a build: %d, want the 60 it had", after)
	}
}
