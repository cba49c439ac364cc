package redact

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// normalized is the copy of a text that the rules match, with a map back
// to the original so that a placeholder replaces exactly the bytes the
// customer wrote and everything around it comes back unchanged.
//
// Personal data hides from patterns in ways that do not change how it
// reads: full-width or Arabic-Indic digits, no-break and thin spaces,
// zero-width spaces, en-dashes, a run of spaces, an '@' URL-encoded in a
// link. The copy is the text's NFKC form (full-width and compatibility
// characters become their plain forms), with every decimal digit of any
// script (category Nd: Arabic-Indic, Persian, Devanagari, …, which NFKC
// keeps) read as its ASCII digit, format characters (category Cf:
// zero-width spaces and joiners, soft hyphens, byte-order marks) dropped,
// every dash (category Pd) and the minus sign read as '-', every run of
// spaces and tabs read as one space, and "%40" read as '@'.
type normalized struct {
	text string
	// start[i] and end[i] are the bytes of the original that byte i of
	// text came from; both are nil when text is the original itself.
	start, end []int32
}

// normalize returns s's matching copy. Plain ASCII text without tabs or
// double spaces, most messages, is its own copy and costs one scan.
func normalize(s string) normalized {
	if isPlain(s) {
		return normalized{text: s}
	}
	b := make([]byte, 0, len(s))
	start := make([]int32, 0, len(s))
	end := make([]int32, 0, len(s))
	emit := func(p []byte, from, to int) {
		for range p {
			start = append(start, int32(from))
			end = append(end, int32(to))
		}
		b = append(b, p...)
	}
	var it norm.Iter
	it.InitString(norm.NFKC, s)
	for !it.Done() {
		// A segment is a character with its combining marks; all the bytes
		// it normalises to map back to all of its original bytes.
		from := it.Pos()
		seg := it.Next()
		to := it.Pos()
		for len(seg) > 0 {
			r, size := utf8.DecodeRune(seg)
			switch {
			case r == '\t' || unicode.Is(unicode.Zs, r):
				if n := len(b); n > 0 && b[n-1] == ' ' {
					end[n-1] = int32(to) // the run grows; it stays one space
				} else {
					emit([]byte{' '}, from, to)
				}
			case r == '\u2212' || unicode.Is(unicode.Pd, r):
				emit([]byte{'-'}, from, to)
			case r != utf8.RuneError && unicode.Is(unicode.Cf, r):
				// Invisible: dropped from the copy, and replaced along with
				// the data around it.
			case r >= utf8.RuneSelf && unicode.IsDigit(r):
				emit([]byte{'0' + digitValue(r)}, from, to)
			default:
				emit(seg[:size], from, to)
			}
			seg = seg[size:]
		}
	}
	b, start, end = decodeAt(b, start, end)
	return normalized{text: string(b), start: start, end: end}
}

// encodedAt is '@' as a URL encodes it ("reset?email=ann%40example.com").
const encodedAt = "%40"

// decodeAt reads each "%40" in the copy b as '@', mapped to the bytes of
// all three characters, and returns the copy and its maps shortened in place.
func decodeAt(b []byte, start, end []int32) ([]byte, []int32, []int32) {
	n := 0
	for i := 0; i < len(b); i++ {
		b[n], start[n], end[n] = b[i], start[i], end[i]
		if bytes.HasPrefix(b[i:], []byte(encodedAt)) {
			b[n], end[n] = '@', end[i+len(encodedAt)-1]
			i += len(encodedAt) - 1
		}
		n++
	}
	return b[:n], start[:n], end[:n]
}

// digitValue returns the value of r, a decimal digit (category Nd). Unicode
// encodes each script's digits as one run from 0 to 9 (a stability policy),
// and runs that touch share a range of unicode.Nd, so a digit's value is its
// distance from the start of its range, mod 10.
func digitValue(r rune) byte {
	for _, rg := range unicode.Nd.R16 {
		if rune(rg.Lo) <= r && r <= rune(rg.Hi) {
			return byte((r - rune(rg.Lo)) % 10)
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if rune(rg.Lo) <= r && r <= rune(rg.Hi) {
			return byte((r - rune(rg.Lo)) % 10)
		}
	}
	return 0
}

// isPlain reports whether s is ASCII without tabs, two spaces in a row or
// an encoded '@', which normalising would leave as it is.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || c == '\t' || (c == ' ' && i > 0 && s[i-1] == ' ') ||
			(c == '%' && strings.HasPrefix(s[i:], encodedAt)) {
			return false
		}
	}
	return true
}

// original returns the bytes of the original text that text[i:j] came from.
func (n normalized) original(i, j int) (int, int) {
	if n.start == nil {
		return i, j
	}
	return int(n.start[i]), int(n.end[j-1])
}
