package redact

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		// E-mail addresses.
		{"email", "write to jane.doe+support@example.co.uk please", "write to [email] please"},
		{"email in brackets", "<ops@mail.example.com>", "<[email]>"},
		{"email with digits", "reach me at j0hn.5551234567@example.org", "reach me at [email]"},
		{"twitter handle is not email", "@AmazonHelp thanks", "@AmazonHelp thanks"},

		// Phone numbers in the shapes the generator and real customers use.
		{"e164 solid", "call +14155550132 now", "call [phone] now"},
		{"international spaced", "my number is +44 20 7946 0958.", "my number is [phone]."},
		{"international with parens", "+1 (415) 555-0132", "[phone]"},
		{"international dashes", "+49-30-1234567", "[phone]"},
		{"nanp parens", "ring (415) 555-0132 today", "ring [phone] today"},
		{"nanp dashes", "415-555-0132", "[phone]"},
		{"nanp dots", "415.555.0132, thanks", "[phone], thanks"},
		{"nanp spaces", "it's 415 555 0132", "it's [phone]"},
		{"national trunk zero", "020 7946 0958", "[phone]"},
		{"uk mobile", "07700 900123!", "[phone]!"},
		// The shapes internal/synth plants.
		{"synth uk mobile intl", "You can call me on +44 7700 900364", "You can call me on [phone]"},
		{"synth us intl", "+1 212 555 0123.", "[phone]."},
		{"synth us dashes", "212-555-0199", "[phone]"},
		{"synth ireland", "+353 85 123 4567", "[phone]"},
		{"synth germany", "+49 30 1234 5678", "[phone]"},
		{"synth france", "+33 6 12 34 56 78", "[phone]"},
		{"synth spain", "+34 612 345 678", "[phone]"},
		{"synth netherlands", "+31 6 1234 5678", "[phone]"},
		// Shapes seen in real customer-support tweets (twcs_sample_5000.csv).
		{"00 international prefix", "@British_Airways 00447900248601, anytime today", "@British_Airways [phone], anytime today"},
		{"nanp with 1-", "Please call 1-800-869-3557 to have this rectified.", "Please call [phone] to have this rectified."},
		{"nanp with 1 space", "call 1 800 869 3557", "call [phone]"},
		{"plus after a slash", "Sergii D/02152/+380671277946", "Sergii D/02152/[phone]"},
		{"plus glued to parens", "+1(818)930-5703", "[phone]"},
		{"japanese freephone", "フリーダイヤル：0120-999-373へ", "フリーダイヤル：[phone]へ"},
		{"phone then another number", "call +44 20 7946 0958 at 10:30", "call [phone] at 10:30"},

		// Card numbers pass Luhn, with or without separators.
		{"visa spaces", "card 4111 1111 1111 1111 exp 12/28", "card [card] exp 12/28"},
		{"mastercard dashes", "5500-0000-0000-0004", "[card]"},
		{"visa solid", "number:4012888888881881.", "number:[card]."},
		{"amex 15 digits", "3782 822463 10005", "[card]"},
		{"card then year", "4111 1111 1111 1111 2026", "[card] 2026"},

		// IBANs pass mod-97, grouped or solid, any case.
		{"iban de grouped", "IBAN DE89 3704 0044 0532 0130 00 please", "IBAN [iban] please"},
		{"iban gb letters", "GB82 WEST 1234 5698 7654 32", "[iban]"},
		{"iban nl solid", "to NL91ABNA0417164300.", "to [iban]."},
		{"iban fr odd tail", "FR14 2004 1010 0505 0001 3M02 606", "[iban]"},
		{"iban lower case", "de89370400440532013000", "[iban]"},

		// Several kinds in one message, in the generator's style.
		{"mixed", "I'm ann@example.com, +1 415 555 0132, card 4111-1111-1111-1111",
			"I'm [email], [phone], card [card]"},

		// Ordinary numbers stay.
		{"order id", "order #123456 is late", "order #123456 is late"},
		{"long order id", "order #4111111111111111", "order #4111111111111111"},
		{"iso date", "since 2026-03-29", "since 2026-03-29"},
		{"eu date", "on 29.03.2026 and 03/29/2026", "on 29.03.2026 and 03/29/2026"},
		{"amount", "charged $1,234.56 twice", "charged $1,234.56 twice"},
		{"euro amount", "1.234,56 EUR", "1.234,56 EUR"},
		{"time", "at 10:30 or 14:05:59", "at 10:30 or 14:05:59"},
		{"luhn invalid 16 digits", "ref 4111 1111 1111 1112", "ref 4111 1111 1111 1112"},
		{"luhn invalid with zero group", "ref 4111-0111-1111-1112", "ref 4111-0111-1111-1112"},
		{"luhn invalid solid", "tracking 1234567890123456", "tracking 1234567890123456"},
		{"all zeros passes luhn but is no card", "0000 0000 0000 0000", "0000 0000 0000 0000"},
		{"invoice and order refs", "INV-2026-0898 and ORD-60907", "INV-2026-0898 and ORD-60907"},
		{"dates with dots and slashes", "left on 06.03.2026, renewed 04/03/2026", "left on 06.03.2026, renewed 04/03/2026"},
		{"euro amounts", "€ 246,01 or 63,99 €", "€ 246,01 or 63,99 €"},
		{"card last four", "Card ending in 4417.", "Card ending in 4417."},
		{"tweet ids and counters", "@116971 3/3 Please also", "@116971 3/3 Please also"},
		{"ip address", "[4.16.70.182]", "[[ip]]"},
		{"tracking id", "Tracking ID TBA566517950000 it says", "Tracking ID TBA566517950000 it says"},
		{"app version", "Spotify 8.4.25.906 and iOS 11", "Spotify 8.4.25.906 and iOS 11"},
		{"short numbers", "3 items, 42 days, code 5512", "3 items, 42 days, code 5512"},
		{"seven digit local", "555-0132", "555-0132"},
		{"iban bad checksum", "DE89 3704 0044 0532 0130 01", "DE89 3704 0044 0532 0130 01"},
		{"timestamp offset", "Tue Oct 31 22:10:47 +0000 2017", "Tue Oct 31 22:10:47 +0000 2017"},
		{"version and sku", "v2.3.1 SKU AB12-3456", "v2.3.1 SKU AB12-3456"},
		{"empty", "", ""},
		{"non ascii kept", "Grüße, 東京 +81 3 1234 5678", "Grüße, 東京 [phone]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Text(tt.in); got != tt.want {
				t.Errorf("Text(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

// Customer ids: digits alone are a phone number (WhatsApp writes E.164
// without its "+"), an id with a scheme keeps the scheme, e-mail ids become
// [email] and opaque ids stay.
func TestID(t *testing.T) {
	tests := []struct{ in, want string }{
		{"447700900123", "[phone]"},
		{"+447700900123", "[phone]"},
		{"whatsapp:447700900123", "whatsapp:[phone]"},
		{"whatsapp:+447700900123", "whatsapp:[phone]"},
		{"４４７７００９００１２３", "[phone]"},
		{"٤٤٧٧٠٠٩٠٠١٢٣", "[phone]"},
		{"whatsapp:+९१९८७६५४३२१०", "whatsapp:[phone]"},
		{"WhatsApp:+44 7700 900123", "WhatsApp:[phone]"},
		{"ann@example.com", "[email]"},
		{"cus_1a2b3c4d", "cus_1a2b3c4d"},
		{"1234567", "1234567"},                   // 7 digits: too short to dial across a region
		{"1234567890123456", "1234567890123456"}, // 16: longer than E.164 allows
		{"", ""},
	}
	for _, tt := range tests {
		if got := ID(tt.in); got != tt.want {
			t.Errorf("ID(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestChecks(t *testing.T) {
	tests := []struct {
		name  string
		check func(string) bool
		in    string
		want  bool
	}{
		{"luhn visa", validCard, "4111111111111111", true},
		{"luhn off by one", validCard, "4111111111111112", false},
		{"luhn 12 digits too short", validCard, "411111111113", false},
		{"luhn 20 digits too long", validCard, "41111111111111111113", false},
		{"iban de", validIBAN, "DE89370400440532013000", true},
		{"iban swapped digits", validIBAN, "DE98370400440532013000", false},
		{"iban too short", validIBAN, "DE8937040044", false},
		{"iban dashes", validIBAN, "DE89-3704-0044-0532-0130-00", true},
		{"iban mixed spaces and dashes", validIBAN, "DE89-3704 0044-0532 0130-00", true},
		{"iban dots", validIBAN, "DE89.3704.0044.0532.0130.00", false},
		{"phone 7 digits", validPhone, "+1 555 013", false},
		{"phone 16 digits", validPhone, "+1234567890123456", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.check(tt.in); got != tt.want {
				t.Errorf("check(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

// A huge digit run must be scanned once, not once per digit.
func TestTextLongInputIsLinear(t *testing.T) {
	in := strings.Repeat("1234567890", 100_000)
	if got := Text(in); got != in {
		t.Errorf("a 1 MB digit run was changed")
	}
}

func FuzzText(f *testing.F) {
	for _, s := range []string{"call +44 20 7946 0958", "4111 1111 1111 1111", "a@b.co", "DE89370400440532013000", "#123", "\xff0207946095",
		"４１１１\u00a0１１１１ 1111–1111", "j o h n @ example . com", "john (at) example (dot) com", "DOB: 14 March 1985",
		"2001:db8::1 [192.168.1.23]", "whatsapp:447700900123", "NI QQ 12 34 56 C, DNI 12.345.678-Z", "e\u0301\u200b@x.de",
		"٤١١١ ١١١١ ١١١١ ١١١١", "reset?email=ann%40x.com", "Phone#: 7703743799"} {
		f.Add(s)
	}
	placeholders := regexp.MustCompile(`\[(?:email|phone|card|iban|ssn|nino|dni|passport|dob|ip)\]`)
	f.Fuzz(func(t *testing.T, s string) {
		out := Text(s)
		for _, kinds := range firstKinds {
			got, ok := First(s, kinds...)
			if want, wantOK := firstReference(s, kinds...); got != want || ok != wantOK {
				t.Errorf("First(%q, %v) = %q, %v; Find says %q, %v", s, kinds, got, ok, want, wantOK)
			}
		}
		// Every kind needs an '@', the letters "at" (an address spelled
		// out) or at least two digits once normalised; without them the
		// text must come back untouched.
		n := normalize(s).text
		if !strings.Contains(n, "@") && !strings.Contains(strings.ToLower(n), "at") && countDigits(n) < 2 && out != s {
			t.Errorf("Text(%q) = %q, changed text with no candidate", s, out)
		}
		if !utf8.ValidString(s) {
			return
		}
		if !utf8.ValidString(out) {
			t.Errorf("Text(%q) = %q, broke UTF-8", s, out)
		}
		// Everything but the placeholders is the original text, byte for
		// byte: s is out with each placeholder standing for some text.
		var pattern strings.Builder
		pattern.WriteString(`^(?s)`)
		last := 0
		for _, loc := range placeholders.FindAllStringIndex(out, -1) {
			pattern.WriteString(regexp.QuoteMeta(out[last:loc[0]]) + `(?:.*?)`)
			last = loc[1]
		}
		pattern.WriteString(regexp.QuoteMeta(out[last:]) + `$`)
		if !regexp.MustCompile(pattern.String()).MatchString(s) {
			t.Errorf("Text(%q) = %q changed text outside its placeholders", s, out)
		}
	})
}

func countDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			n++
		}
	}
	return n
}

func ExampleID() {
	fmt.Println(ID("whatsapp:447700900123"), ID("447700900123"), ID("cus_1a2b3c4d"))
	// Output: whatsapp:[phone] [phone] cus_1a2b3c4d
}

func ExampleText() {
	fmt.Println(Text("Hi, I'm ann@example.com, call +1 415 555 0132 about order #123456"))
	// Output: Hi, I'm [email], call [phone] about order #123456
}
