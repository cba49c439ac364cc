package synth

import (
	"testing"

	"github.com/parley-cx/parley/internal/autoqa"
	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/event"
)

// TestAgentsHabits: the generated agents sometimes skip the greeting,
// forget to close and ask for card details, so automatic QA has real work
// on the demo. Parley's own checks count it on two simulated days.
func TestAgentsHabits(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Days, cfg.PerDay = 2, 1000
	byConv := map[string]*autoqa.Conversation{}
	var order []string
	for _, ev := range generate(t, cfg) {
		c := byConv[ev.ConversationID]
		if c == nil {
			c = &autoqa.Conversation{ID: ev.ConversationID}
			byConv[ev.ConversationID] = c
			order = append(order, ev.ConversationID)
		}
		e := autoqa.Event{Seq: int64(len(c.Events) + 1), Type: string(ev.Type), Role: string(ev.Actor.Role)}
		if ev.Message != nil {
			e.Private, e.Automated = ev.Message.Private, ev.Message.Automated
			if !e.Private {
				e.Text = ev.Message.Text
			}
		}
		switch ev.Type {
		case event.Resolved:
			c.Resolved = true
		case event.Reopened:
			c.Resolved = false
		}
		c.Events = append(c.Events, e)
	}
	suite, err := autoqa.New(config.AutoQA{Checks: []config.AutoCheck{{Name: "greeting"}, {Name: "closing"}, {Name: "sensitive_data"}}}, &autoqa.Env{})
	if err != nil {
		t.Fatal(err)
	}
	fails, checked := map[string]int{}, map[string]int{}
	for _, id := range order {
		for _, v := range suite.Run(byConv[id]) {
			if v.Result != autoqa.NA {
				checked[v.Check]++
			}
			if v.Result == autoqa.Fail {
				fails[v.Check]++
			}
		}
	}
	t.Logf("fails %v of %v", fails, checked)
	for _, c := range []struct {
		check    string
		min, max float64 // share of the checked conversations that fail
	}{
		{"greeting", 0.05, 0.35},
		{"closing", 0.05, 0.6},
		{"sensitive_data", 0.0005, 0.05},
	} {
		share := float64(fails[c.check]) / float64(checked[c.check])
		if checked[c.check] < 500 || share < c.min || share > c.max {
			t.Errorf("%s: %d of %d fail (%.3f), want a share in [%g, %g]", c.check, fails[c.check], checked[c.check], share, c.min, c.max)
		}
	}
}
