package redact

import (
	"testing"

	"golang.org/x/text/unicode/norm"
)

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
		{"arabic-indic digits", "رقم ٤١١١ ١١١١", "رقم 4111 1111", "4111 1111", "٤١١١ ١١١١"},
		{"persian digits", "۰۹۱۲ ۳۴۵", "0912 345", "0912 345", "۰۹۱۲ ۳۴۵"},
		{"devanagari digits", "फ़ोन ९८७६५४३२१०", "फ़ोन 9876543210", "9876543210", "९८७६५४३२१०"},
		{"url-encoded at", "?email=ann%40x.com", "?email=ann@x.com", "ann@x", "ann%40x"},
		{"url-encoded at after a non-ascii letter", "jörg%40x", "jörg@x", "@", "%40"},
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

// Every decimal digit, of any script, reads as its value. NFKC maps the
// compatibility digits (full-width, mathematical) to ASCII itself, which
// checks digitValue on those; the other scripts' digits are checked by the
// order in which Unicode encodes each script's ten digits.
func TestDigitValue(t *testing.T) {
	for _, tt := range []struct{ name, digits string }{
		{"arabic-indic", "٠١٢٣٤٥٦٧٨٩"},
		{"persian", "۰۱۲۳۴۵۶۷۸۹"},
		{"devanagari", "०१२३४५६७८९"},
		{"bengali", "০১২৩৪৫৬৭৮৯"},
		{"thai", "๐๑๒๓๔๕๖๗๘๙"},
		{"tamil", "௦௧௨௩௪௫௬௭௮௯"},
		{"myanmar", "၀၁၂၃၄၅၆၇၈၉"},
		{"adlam", "𞥐𞥑𞥒𞥓𞥔𞥕𞥖𞥗𞥘𞥙"},
	} {
		i := 0
		for _, r := range tt.digits {
			if got := digitValue(r); int(got) != i {
				t.Errorf("%s: digitValue(%U) = %d, want %d", tt.name, r, got, i)
			}
			i++
		}
	}
	checked := 0
	for _, tab := range [][2]rune{{0xFF10, 0xFF19}, {0x1D7CE, 0x1D7FF}} {
		for r := tab[0]; r <= tab[1]; r++ {
			want := norm.NFKC.String(string(r))
			if got := string(rune('0' + digitValue(r))); got != want {
				t.Errorf("digitValue(%U) = %s, NFKC reads it as %s", r, got, want)
			}
			checked++
		}
	}
	if checked != 60 {
		t.Errorf("checked %d compatibility digits, want 60", checked)
	}
}
