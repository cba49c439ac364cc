package redact

import "testing"

// The matching copy reads look-alike characters as their plain forms, and
// maps each of its bytes back to the original ones.
func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in, text string
		// span is a piece of text and the original bytes it must map to.
		span, orig string
	}{
		{"plain ascii is its own copy", "call 415-555-0132", "call 415-555-0132", "415-555-0132", "415-555-0132"},
		{"no-break spaces", "4111\u00a01111", "4111 1111", "4111 1111", "4111\u00a01111"},
		{"full-width digits", "ＩＰ １９２．１６８", "IP 192.168", "192.168", "１９２．１６８"},
		{"dashes and minus", "415–555−0132\u2011x", "415-555-0132-x", "415-555-0132", "415–555−0132"},
		{"zero-width characters dropped", "41\u200b11\u00ad22", "411122", "411122", "41\u200b11\u00ad22"},
		{"space runs collapse", "a \t\u3000 b  c", "a b c", "a b", "a \t\u3000 b"},
		{"combining marks compose", "jo\u0308rg@x", "jörg@x", "jörg", "jo\u0308rg"},
		{"emoji untouched", "😊 4111", "😊 4111", "4111", "4111"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := normalize(tt.in)
			if n.text != tt.text {
				t.Fatalf("normalize(%q) = %q, want %q", tt.in, n.text, tt.text)
			}
			i := len(n.text) - len(tt.span)
			for i >= 0 && n.text[i:i+len(tt.span)] != tt.span {
				i--
			}
			if i < 0 {
				t.Fatalf("%q not in %q", tt.span, n.text)
			}
			from, to := n.original(i, i+len(tt.span))
			if got := tt.in[from:to]; got != tt.orig {
				t.Errorf("%q maps back to %q, want %q", tt.span, got, tt.orig)
			}
		})
	}
}
