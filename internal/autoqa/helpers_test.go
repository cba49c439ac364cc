package autoqa

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/parley-cx/parley/internal/config"
)

// transcript builds a conversation from lines written as a reviewer reads
// them, each event's seq its line number:
//
//	"customer: text", "agent: text" (a human reply), "auto: text" (an
//	automated agent message), "note: text" (a private note), "bot: text",
//	"resolved", "reopened", "assigned>queue", "transferred>queue",
//	"escalated>queue", "queue=name" (an event naming its own queue).
func transcript(locale string, lines ...string) *Conversation {
	c := &Conversation{ID: "c1", Locale: locale, Channel: "webchat"}
	for i, l := range lines {
		e := Event{Seq: int64(i + 1), Type: TypeMessage}
		who, text, _ := strings.Cut(l, ": ")
		switch who {
		case "customer":
			e.Role, e.Text = RoleCustomer, text
		case "agent":
			e.Role, e.Text = RoleAgent, text
		case "auto":
			e.Role, e.Text, e.Automated = RoleAgent, text, true
		case "note":
			e.Role, e.Private = RoleAgent, true
		case "bot":
			e.Role, e.Text = RoleBot, text
		default:
			typ, queue, _ := strings.Cut(l, ">")
			if q, ok := strings.CutPrefix(l, "queue="); ok {
				typ, queue = "conversation_started", q
			}
			e.Type, e.Queue, e.Role = typ, queue, "system"
			if typ == TypeResolved {
				c.Resolved = true
			}
			if typ == TypeReopened {
				c.Resolved = false
			}
		}
		c.Events = append(c.Events, e)
	}
	return c
}

// run builds the check cfg (type: its name unless set), with the default
// language lang ("": qa.auto's default), and runs it on c.
func run(t *testing.T, cfg config.AutoCheck, c *Conversation, lang string) Verdict {
	t.Helper()
	s, err := New(config.AutoQA{Checks: []config.AutoCheck{cfg}}, &Env{DefaultLanguage: lang, Dictionaries: testDictionaries, Log: slog.New(slog.NewTextHandler(testWriter{t}, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return s.Run(c)[0]
}

// testDictionaries are shared by the tests, so each dictionary loads once.
var testDictionaries = NewDictionaries(nil)

// testWriter sends the checks' warnings to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// verdictCase is one hand-written transcript and the verdict it must get.
type verdictCase struct {
	name     string
	c        *Conversation
	result   string
	evidence int64
	detail   string // a part of the detail, if set
}

// check runs every case through cfg.
func check(t *testing.T, cfg config.AutoCheck, cases []verdictCase) {
	t.Helper()
	checkIn(t, "", cfg, cases)
}

// checkIn is check with the default language lang.
func checkIn(t *testing.T, lang string, cfg config.AutoCheck, cases []verdictCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := run(t, cfg, tc.c, lang)
			if v.Result != tc.result || v.Evidence != tc.evidence || !strings.Contains(v.Detail, tc.detail) {
				t.Errorf("got %s, evidence %d, %q; want %s, evidence %d, detail containing %q",
					v.Result, v.Evidence, v.Detail, tc.result, tc.evidence, tc.detail)
			}
		})
	}
}
