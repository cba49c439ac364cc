package redact

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// normalized is the copy of a text that the rules match, with a map back
// to the original so that a placeholder replaces exactly the bytes the
// customer wrote and everything around it comes back unchanged.
//
// Personal data hides from patterns in ways that do not change how it
// reads: full-width digits, no-break and thin spaces, zero-width spaces,
// en-dashes, a run of spaces. The copy is the text's NFKC form (full-width
// and compatibility characters become their plain forms), with format
// characters (category Cf: zero-width spaces and joiners, soft hyphens,
// byte-order marks) dropped, every dash (category Pd) and the minus sign
// read as '-', and every run of spaces and tabs read as one space.
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
			default:
				emit(seg[:size], from, to)
			}
			seg = seg[size:]
		}
	}
	return normalized{text: string(b), start: start, end: end}
}

// isPlain reports whether s is ASCII without tabs or two spaces in a row,
// which normalising would leave as it is.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || c == '\t' || (c == ' ' && i > 0 && s[i-1] == ' ') {
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
