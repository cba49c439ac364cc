// Package redact replaces personal data in customer text (e-mail addresses, phone numbers, payment card numbers and IBANs) with typed placeholders.
//
// It is tuned to keep what reviewers need: order numbers, dates, amounts and
// times are left alone. Card numbers must pass the Luhn check and IBANs the
// ISO 13616 mod-97 check, so a random 16-digit reference is not a card.
package redact

import (
	"regexp"
	"strings"
)

// Placeholders that replace each kind of personal data.
const (
	Email = "[email]"
	Phone = "[phone]"
	Card  = "[card]"
	IBAN  = "[iban]"
)

// A rule finds candidates with a loose pattern and confirms each with a
// check; the checksums, not the patterns, keep false positives out.
type rule struct {
	re *regexp.Regexp
	// whole is re anchored at both ends, to re-test a shortened candidate.
	whole *regexp.Regexp
	// standalone rules only accept a candidate that is not glued to a longer
	// number or word (Go's regexp has no look-around, so this is checked in Go).
	standalone bool
	// spaceGlues reports whether a candidate followed by a space and a digit
	// is part of a longer number. A "+44 ..." phone or a card followed by a
	// year is complete, but "0123 4567 8901" before " 2345" is not a phone.
	spaceGlues  func(candidate string) bool
	check       func(match string) bool
	placeholder string
}

func newRule(pattern string, standalone bool, spaceGlues, check func(string) bool, placeholder string) rule {
	return rule{
		re:          regexp.MustCompile(pattern),
		whole:       regexp.MustCompile(`^(?:` + pattern + `)$`),
		standalone:  standalone,
		spaceGlues:  spaceGlues,
		check:       check,
		placeholder: placeholder,
	}
}

// Order matters: e-mail addresses may hold digits that look like phone
// numbers and an IBAN's digits could pass for a card or phone number, so the
// more specific kinds go first and their placeholders hide the digits from later rules.
var rules = []rule{
	newRule(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}`, false, never, always, Email),
	// Two letters, two check digits, then 11 to 30 letters and digits,
	// printed either solid or in groups of four.
	newRule(`(?i)[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?`, true, never, validIBAN, IBAN),
	// 13 to 19 digits, optionally in groups separated by one space or dash.
	newRule(`[0-9](?:[ \-]?[0-9]){12,18}`, true, never, validCard, Card),
	// The shapes people type phone numbers in: international (+CC ... or
	// 00CC ...), North American ((415) 555-0132, 415-555-0132, 1-800-555-0132,
	// 415 555 0132) and national numbers with a trunk 0 (020 7946 0958,
	// 07700 900123). Bare digit runs without one of these shapes are order
	// numbers, not phones.
	newRule(`(?:\+|00)[1-9][0-9]{0,2}(?:[ .\-]?\(?[0-9]{1,5}\)?){2,6}`+
		`|\([0-9]{3}\)[ .\-]?[0-9]{3}[ .\-][0-9]{4}`+
		`|(?:1[.\-])?[0-9]{3}[.\-][0-9]{3}[.\-][0-9]{4}|(?:1 )?[0-9]{3} [0-9]{3} [0-9]{4}`+
		`|0[0-9]{2,4}[ \-]?[0-9]{3,4}[ \-]?[0-9]{3,4}`, true, unprefixed, validPhone, Phone),
}

func always(string) bool { return true }
func never(string) bool  { return false }

// unprefixed reports whether a phone candidate lacks the "+" or "(" that
// marks where a phone number starts.
func unprefixed(c string) bool { return c[0] != '+' && c[0] != '(' }

// maxShrink bounds how many trailing groups a candidate may lose while
// looking for a valid number inside it ("+44 20 7946 0958 2" → "+44 20 7946 0958").
const maxShrink = 4

// Text returns s with every e-mail address, phone number, card number and
// IBAN replaced by its placeholder. Everything else is returned unchanged.
func Text(s string) string {
	for _, r := range rules {
		s = r.apply(s)
	}
	return s
}

// apply replaces the confirmed matches of one rule. A rejected candidate
// skips the whole word or number it starts in, so a long digit run costs one
// regexp scan, not one per digit.
func (r rule) apply(s string) string {
	var b strings.Builder
	last, pos := 0, 0
	for pos < len(s) {
		loc := r.re.FindStringIndex(s[pos:])
		if loc == nil {
			break
		}
		start := pos + loc[0]
		end, ok := r.accept(s, start, pos+loc[1])
		if !ok {
			pos = tokenEnd(s, start)
			continue
		}
		b.WriteString(s[last:start])
		b.WriteString(r.placeholder)
		last, pos = end, end
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// accept returns the end of the valid number that starts at start, trying
// the candidate s[start:end] and then shorter versions of it without its
// trailing groups, since the pattern greedily swallows a following number.
func (r rule) accept(s string, start, end int) (int, bool) {
	for range maxShrink + 1 {
		c := s[start:end]
		if (!r.standalone || standalone(s, start, end, r.spaceGlues(c))) && r.whole.MatchString(c) && r.check(c) {
			return end, true
		}
		cut := strings.LastIndexAny(c, " -.")
		if cut <= 0 {
			break
		}
		end = start + cut
	}
	return 0, false
}

// tokenEnd is the end of the run of letters and digits that starts at i
// (at least one byte past i, so scanning always moves on).
func tokenEnd(s string, i int) int {
	j := i + 1
	for j < len(s) && isAlnum(s[j]) {
		j++
	}
	return j
}

// standalone reports whether s[start:end] is a token of its own rather than
// part of a longer one: not touching a letter or digit, and not joined to a
// neighbouring number by a separator (as in "#123456", "$1,234", "2026-03-29"
// or the groups of a longer digit sequence). spaceGlues says whether a
// following space and digit continue the token.
func standalone(s string, start, end int, spaceGlues bool) bool {
	if start > 0 {
		c := s[start-1]
		if isAlnum(c) || strings.IndexByte("#$", c) >= 0 {
			return false
		}
		// A "+" or "(" marks where a number starts, whatever came before
		// ("ref 02152/+380671277946").
		marked := s[start] == '+' || s[start] == '('
		if !marked && strings.IndexByte(" -.,/:", c) >= 0 && start > 1 && isDigit(s[start-2]) {
			return false
		}
	}
	if end < len(s) {
		c := s[end]
		if isAlnum(c) {
			return false
		}
		joiners := "-.,/:"
		if spaceGlues {
			joiners += " "
		}
		if strings.IndexByte(joiners, c) >= 0 && end+1 < len(s) && isDigit(s[end+1]) {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isAlnum(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// digits returns the ASCII digits of s, in order.
func digits(s string) []byte {
	d := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			d = append(d, s[i]-'0')
		}
	}
	return d
}

// validCard reports whether the digits of s form a card number: 13 to 19
// digits with a valid Luhn check digit, and not all one digit (0000 0000 ...
// passes Luhn but is a placeholder, not a card).
func validCard(s string) bool {
	d := digits(s)
	if len(d) < 13 || len(d) > 19 {
		return false
	}
	same := true
	for _, x := range d[1:] {
		same = same && x == d[0]
	}
	return !same && luhn(d)
}

// luhn reports whether the digit sequence d ends in a valid Luhn check digit.
func luhn(d []byte) bool {
	sum := 0
	for i := range d {
		x := int(d[len(d)-1-i])
		if i%2 == 1 {
			x *= 2
			if x > 9 {
				x -= 9
			}
		}
		sum += x
	}
	return sum%10 == 0
}

// validIBAN reports whether s, ignoring spaces and case, is 15 to 34
// characters that pass the ISO 13616 mod-97 check.
func validIBAN(s string) bool {
	s = strings.ToUpper(strings.ReplaceAll(s, " ", ""))
	if len(s) < 15 || len(s) > 34 {
		return false
	}
	// Move the country code and check digits to the end, turn letters into
	// 10..35, and reduce mod 97 digit by digit to avoid big integers.
	rem := 0
	for _, c := range s[4:] + s[:4] {
		switch {
		case c >= '0' && c <= '9':
			rem = (rem*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			rem = (rem*100 + int(c-'A') + 10) % 97
		default:
			return false
		}
	}
	return rem == 1
}

// validPhone bounds the digit count to what numbering plans allow: E.164
// numbers have at most 15 digits, and none shorter than 8 are dialable
// across a region.
func validPhone(s string) bool {
	n := len(digits(s))
	return n >= 8 && n <= 15
}
