package suggest

import (
	"slices"
	"testing"
)

func TestAmong(t *testing.T) {
	queues := []string{"orders", "billing", "accounts", "tech_support", "billing_tier2", "tech_support_tier2"}
	reasons := []string{"order_status", "return_refund", "payment_issue", "account_access"}
	for _, tc := range []struct {
		typed string
		names []string
		want  []string
	}{
		{"biling", queues, []string{"billing", "billing_tier2"}},                  // one edit from the name or from a part of it
		{"bill", queues, []string{"billing", "billing_tier2"}},                    // a prefix
		{"ORDERS", queues, []string{"orders"}},                                    // case
		{"suport", queues, []string{"tech_support", "tech_support_tier2"}},        // a word of the name, misspelt
		{"refunds", reasons, []string{"return_refund"}},                           // a word of the name, plural
		{"payment", reasons, []string{"payment_issue"}},                           // a word of the name
		{"tuesday", []string{"mon", "tue", "wed"}, []string{"tue"}},               // the name written out
		{"DEU", []string{"DE", "FR"}, []string{"DE"}},                             // one edit (two letters: not as a prefix)
		{"sales", queues, nil},                                                    // nothing near
		{"abc", queues, nil},                                                      // too short for a run
		{"export", queues, nil},                                                   // "port": 4 of 6 letters is too few
		{"whatsap", []string{"webchat", "sms", "whatsapp"}, []string{"whatsapp"}}, // a prefix
	} {
		if got := Among(tc.typed, tc.names); !slices.Equal(got, tc.want) {
			t.Errorf("Among(%q) = %q, want %q", tc.typed, got, tc.want)
		}
	}
}

func TestPartDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{{"", "abc", 0}, {"abc", "abc", 0}, {"abc", "", 3}, {"suport", "tech_support", 1}, {"refunds", "return_refund", 1}, {"export", "tech_support", 2}, {"xyz", "abc", 3}} {
		if got := partDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("partDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

// TestHintEscapes: the names Hint suggests may come from data; their
// control characters reach the message escaped.
func TestHintEscapes(t *testing.T) {
	if got, want := Hint("bill", []string{"bill\x1b]0;PWNED\x07ing"}), `; did you mean bill\x1b]0;PWNED\x07ing?`; got != want {
		t.Errorf("Hint = %q, want %q", got, want)
	}
}
