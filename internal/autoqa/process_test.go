package autoqa

import (
	"testing"

	"github.com/parley-cx/parley/internal/config"
)

func ptr[T any](v T) *T { return &v }

// with sets conversations columns on a transcript.
func with(c *Conversation, set func(*Conversation)) *Conversation {
	set(c)
	return c
}

func TestFRTSLA(t *testing.T) {
	reply := func() *Conversation { return transcript("", "customer: hi", "bot: hello", "agent: Hi!", "resolved") }
	check(t, config.AutoCheck{Name: "frt_sla"}, []verdictCase{
		{"met", with(reply(), func(c *Conversation) {
			c.SLAMet, c.FirstResponseBusiness, c.SLATargetS = ptr(true), ptr(40.0), ptr(60.0)
		}), Pass, 3, "first response 40 s in business hours, target 60 s"},
		{"missed", with(reply(), func(c *Conversation) {
			c.SLAMet, c.FirstResponseBusiness, c.SLATargetS = ptr(false), ptr(312.0), ptr(60.0)
		}), Fail, 3, "312 s"},
		{"no target or no reply", reply(), NA, 0, "no SLA target"},
	})
}

func TestNudge(t *testing.T) {
	check(t, config.AutoCheck{Name: "nudge"}, []verdictCase{
		{"no nudge", transcript("", "customer: hi", "agent: Hi!"), Pass, 0, "no nudge"},
		{"nudged", with(transcript("", "customer: hi", "agent: Hi!", "agent: Are you still there?"), func(c *Conversation) { c.Nudges = 1 }), Fail, 0, "1 nudge"},
		{"no human reply", transcript("", "customer: hi", "bot: Hi!"), NA, 0, "no human reply"},
	})
}

func TestTransferLoop(t *testing.T) {
	check(t, config.AutoCheck{Name: "transfer_loop"}, []verdictCase{
		{"straight line", transcript("", "queue=billing", "customer: x", "transferred>tech", "escalated>tech-t2"), Pass, 0, "no transfer back"},
		{"back to billing", transcript("", "queue=billing", "customer: x", "transferred>tech", "agent: not ours", "transferred>billing"), Fail, 5, `back to queue "billing"`},
		{"assigned within the same queue is no loop", transcript("", "queue=billing", "assigned>billing", "assigned>billing"), Pass, 0, ""},
		{"a reopen in a queue left is no loop", transcript("", "queue=billing", "transferred>tech", "resolved", "reopened>billing", "customer: again"), Pass, 0, "no transfer back"},
		{"a reopen then a transfer to the queue it reopened from", transcript("", "queue=billing", "transferred>tech", "resolved", "reopened>billing", "transferred>tech"), Pass, 0, ""},
		{"a transfer back after a reopen", transcript("", "queue=billing", "transferred>tech", "resolved", "reopened>tech", "transferred>billing"), Fail, 5, `back to queue "billing" by a transfer`},
		{"an event naming another queue is no transfer", transcript("", "queue=billing", "transferred>tech", "queue=billing"), Pass, 0, ""},
		{"routing while resolved is no transfer", transcript("", "queue=billing", "transferred>tech", "resolved", "assigned>billing"), Pass, 0, ""},
		{"never routed", transcript("", "queue=billing", "customer: x"), NA, 0, "never routed"},
	})
}

func TestUnansweredBurst(t *testing.T) {
	check(t, config.AutoCheck{Name: "unanswered_burst"}, []verdictCase{
		{"answered", with(transcript("", "customer: hi", "agent: Hi!"), func(c *Conversation) { c.Complete = true }), Pass, 0, ""},
		{"left unanswered", with(transcript("", "customer: hi", "agent: Hi!", "customer: hello?", "customer: anyone?"), func(c *Conversation) {
			c.Complete, c.UnansweredBursts = true, 1
		}), Fail, 4, "unanswered"},
		{"in progress", with(transcript("", "customer: hi"), func(c *Conversation) { c.UnansweredBursts = 1 }), NA, 0, "in progress"},
	})
}

// TestEveryTypeRegistered: each type config accepts has a check, and no
// check exists that config would refuse.
func TestEveryTypeRegistered(t *testing.T) {
	for typ := range config.AutoCheckTypes {
		if types[typ] == nil {
			t.Errorf("config accepts check type %q, which autoqa does not implement", typ)
		}
	}
	for typ := range types {
		if _, ok := config.AutoCheckTypes[typ]; !ok {
			t.Errorf("autoqa implements %q, which config.AutoCheckTypes does not list", typ)
		}
	}
}

// TestDefaultSuite: without configuration every default check runs, in order.
func TestDefaultSuite(t *testing.T) {
	s, err := New(config.AutoQA{}, &Env{Dictionaries: testDictionaries})
	if err != nil {
		t.Fatal(err)
	}
	vs := s.Run(transcript("en-GB", "customer: hi", "agent: Hello", "resolved"))
	if len(vs) != len(config.DefaultAutoChecks()) {
		t.Fatalf("%d verdicts, want one per default check", len(vs))
	}
	for i, c := range config.DefaultAutoChecks() {
		if vs[i].Check != c.Name {
			t.Errorf("verdict %d is %q, want %q", i, vs[i].Check, c.Name)
		}
	}
	if s, _ := New(config.AutoQA{Disabled: true}, &Env{}); len(s.Names()) != 0 {
		t.Errorf("disabled: checks %v", s.Names())
	}
}

// TestReadsTexts: the texts of automated agent and bot messages are read
// only for a check whose roles name them.
func TestReadsTexts(t *testing.T) {
	for _, c := range []struct {
		name           string
		checks         []config.AutoCheck
		automated, bot bool
	}{
		{"defaults read human replies only", nil, false, false},
		{"a greeting for bots", []config.AutoCheck{{Name: "greeting"}, {Name: "bots", Type: "greeting", Roles: []string{config.AutoRoleBot}}}, false, true},
		{"spelling of templates", []config.AutoCheck{{Name: "spelling", Roles: []string{config.AutoRoleAgent, config.AutoRoleAutomated}}}, true, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := New(config.AutoQA{Checks: c.checks}, &Env{Dictionaries: NewDictionaries([]string{t.TempDir()})})
			if err != nil {
				t.Fatal(err)
			}
			if automated, bot := s.ReadsTexts(); automated != c.automated || bot != c.bot {
				t.Errorf("ReadsTexts() = %v, %v; want %v, %v", automated, bot, c.automated, c.bot)
			}
		})
	}
}
