package autoqa

import (
	"slices"
	"testing"

	"github.com/parley-cx/parley/internal/config"
)

func TestSensitiveData(t *testing.T) {
	check(t, config.AutoCheck{Name: "sensitive_data"}, []verdictCase{
		{"asks for the full card number", transcript("", "customer: I was charged twice", "agent: Sorry! Could you send me your full card number so I can check?"), Fail, 2, "full card number"},
		{"asks for the CVV", transcript("", "customer: x", "agent: Hi", "agent: Please confirm the CVV on the back of the card."), Fail, 3, "cvv"},
		{"asks for the password", transcript("", "customer: locked out", "agent: What's your current password?"), Fail, 2, "password"},
		{"asks for a PIN", transcript("", "customer: x", "agent: I need your PIN to verify you."), Fail, 2, "pin"},
		{"quotes a card number", transcript("", "customer: x", "agent: I see the card 4111 1111 1111 1111 on file."), Fail, 2, "a card number"},
		{"quotes an IBAN", transcript("", "customer: x", "agent: Refund goes to GB82 WEST 1234 5698 7654 32."), Fail, 2, "an IBAN"},
		{"the customer's own card number is not the agent's doing", transcript("", "customer: my card is 4111111111111111", "agent: Thanks, never send it here."), Pass, 0, ""},
		{"warning the customer is fine", transcript("", "customer: x", "agent: Thanks for waiting, James. Please don't share full card numbers here — I only need the last four digits."), Pass, 0, ""},
		{"never send your PIN", transcript("", "customer: x", "agent: Don't tell anyone your PIN, not even us."), Pass, 0, ""},
		{"telling the customer to set a password is fine", transcript("", "customer: x", "agent: Please set a new password and turn on two-step verification."), Pass, 0, "1 read"},
		{"the last four digits are fine", transcript("", "customer: x", "agent: Which card ends in 1234? Just the last four digits, please."), Pass, 0, ""},
		{"a private note is not a reply", transcript("", "customer: x", "note: card 4111 1111 1111 1111"), NA, 0, "no agent reply"},
		{"German", transcript("de-DE", "customer: x", "agent: Bitte schicken Sie mir die vollständige Kartennummer."), Fail, 2, "de patterns"},
		{"order numbers are not cards", transcript("", "customer: x", "agent: Order #4111111111111112 ships today."), Pass, 0, ""},
	})
}

func TestRequiredWords(t *testing.T) {
	for _, c := range []struct {
		pattern string
		want    []string
		also    [][]string
	}{
		{`\b(send|give)\b.{0,30}\b(card|credit card|debit card)\s*(number|no\b)`, []string{"card"}, [][]string{{"send", "give"}}},  // "credit card" holds "card"; "no" is too short
		{`\b(send|give)\b.{0,30}\b(cvv|cvc|security code)`, []string{"cvc", "cvv", "security code"}, [][]string{{"send", "give"}}}, // the parser factors cv(c|v)
		{`\b(tell|need)\b.{0,30}\b(pin|password)`, []string{"pin", "password"}, [][]string{{"tell", "need"}}},
		{`\b(send|give)\b.{0,30}\b(cvv|cvv2|cvc2|cvc)`, []string{"cvv", "cvc"}, [][]string{{"send", "give"}}},
		{`full card number`, []string{"full card number"}, nil},
		{`\b(send|give|sends)\b \b(your|the)\b (pin|password)`, []string{"pin", "password"}, [][]string{{"send", "give"}, {"your", "the"}}},
		{`(?i)password`, nil, nil},
		{`\d{16}`, nil, nil},
	} {
		pt, err := compilePattern(c.pattern)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(pt.required, c.want) || !slices.EqualFunc(pt.also, c.also, slices.Equal) {
			t.Errorf("%s: required %q and %q, want %q and %q", c.pattern, pt.required, pt.also, c.want, c.also)
		}
	}
}
