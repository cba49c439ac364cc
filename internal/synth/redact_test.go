package synth

import (
	"regexp"
	"strings"
	"testing"

	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/redact"
)

// The generator promises two things to the QA stage: the personal data it
// plants is recognisable, and its ordinary numbers are not personal data.
// Both are checked here against Parley's own redaction.
func TestRedactionSeparatesPlantedData(t *testing.T) {
	if testing.Short() {
		t.Skip("five simulated days; skipped in -short mode")
	}
	cfg := DefaultConfig()
	cfg.Days, cfg.PerDay = 5, 1000
	var (
		ordinary = regexp.MustCompile(`\d{4}-\d\d-\d\d|ORD-\d{5}|#\d{6}|INV-\d{4}-\d{4}|[£$€] ?\d[\d,.]*\d|\d[\d.]*,\d\d €|\d\d[./]\d\d[./]\d{4}|\b\d+\.\d+\.\d+\b`)
		leftover = regexp.MustCompile(`@example\.|@mail\.example|7700 900|555[ -]01|\+\d{1,3} \(?\d|[0-9](?:[ \-]?[0-9]){12,18}|\b[A-Z]{2}\d\d ?[A-Z0-9]{4} ?[A-Z0-9]{4}`)
	)
	placeholders := map[string]int{}
	planted, kept := 0, 0 // how often the patterns above match before redaction
	for _, ev := range generate(t, cfg) {
		if ev.Type != event.MessageSent || ev.Actor.Role != event.RoleCustomer {
			continue
		}
		text := ev.Message.Text
		red := redact.Text(text)
		if leftover.MatchString(text) {
			planted++
		}
		for _, tok := range ordinary.FindAllString(text, -1) {
			kept++
			if !strings.Contains(red, tok) {
				t.Errorf("ordinary number %q was redacted:\n%q\n%q", tok, text, red)
			}
		}
		if m := leftover.FindString(red); m != "" {
			t.Errorf("personal data %q survived redaction:\n%q\n%q", m, text, red)
		}
		for _, p := range []string{redact.Email, redact.Phone, redact.Card, redact.IBAN} {
			placeholders[p] += strings.Count(red, p)
		}
	}
	t.Logf("%d messages with planted data, %d ordinary numbers; placeholders: %v", planted, kept, placeholders)
	if planted < 1000 || kept < 1000 {
		t.Errorf("the patterns found only %d planted items and %d ordinary numbers: the check has nothing to check", planted, kept)
	}
	for p, n := range placeholders {
		if n == 0 {
			t.Errorf("no %s planted", p)
		}
	}
}
