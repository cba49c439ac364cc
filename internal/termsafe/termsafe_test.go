package termsafe

import "testing"

func TestEscape(t *testing.T) {
	for _, tc := range []struct{ in, want, lines string }{
		{"billing", "billing", "billing"},
		{"hi \x1b]0;PWNED\x07\x1b[1A\x1b[2K gone", `hi \x1b]0;PWNED\x07\x1b[1A\x1b[2K gone`, `hi \x1b]0;PWNED\x07\x1b[1A\x1b[2K gone`},
		{"a\nb\tc\rd", `a\nb\tc\rd`, "a\nb\tc\\rd"},
		{"del\x7f csi\u009b[2J", `del\x7f csi\u009b[2J`, `del\x7f csi\u009b[2J`},
		{"bad \xff\xfe byte", `bad \xff\xfe byte`, `bad \xff\xfe byte`},
		{`Grüße, 東京 \ back`, `Grüße, 東京 \ back`, `Grüße, 東京 \ back`},
	} {
		if got := Escape(tc.in); got != tc.want {
			t.Errorf("Escape(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := Lines(tc.in); got != tc.lines {
			t.Errorf("Lines(%q) = %q, want %q", tc.in, got, tc.lines)
		}
	}
	if got, want := Join([]string{"orders", "q\x1b[2K"}, ", "), `orders, q\x1b[2K`; got != want {
		t.Errorf("Join = %q, want %q", got, want)
	}
}
