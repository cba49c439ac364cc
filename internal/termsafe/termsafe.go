// Package termsafe escapes the control characters of text that came from
// data (event messages, queue names) before a terminal shows it, so a value
// cannot set the window title, move the cursor or erase what was printed.
package termsafe

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Escape returns s with every C0 and C1 control character, DEL and every
// byte that is not UTF-8 written as a Go escape (\n, \t, \x1b, \u009b,
// \xff): one line, fit for a table cell or for a value quoted in a message.
// Other characters, backslash included, are kept as they are.
func Escape(s string) string { return escape(s, "") }

// Lines is Escape keeping newlines and tabs, for text laid out in lines
// (an error that lists several problems, one a line).
func Lines(s string) string { return escape(s, "\n\t") }

// escape writes the control characters of s not in keep as escapes.
func escape(s, keep string) string {
	if !needsEscape(s, keep) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case !control(r) || strings.ContainsRune(keep, r):
			b.WriteString(s[i : i+size])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x80:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		i += size
	}
	return b.String()
}

// needsEscape says whether s holds anything escape changes: most text does
// not, and is returned as it is.
func needsEscape(s, keep string) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || control(r) && !strings.ContainsRune(keep, r) {
			return true
		}
		i += size
	}
	return false
}

// control says whether r is a C0 control, DEL or a C1 control (U+0080 to
// U+009F: a terminal may read U+009B as the start of a sequence, as ESC [).
func control(r rune) bool { return r < 0x20 || r >= 0x7f && r <= 0x9f }

// Join is strings.Join of the escaped names, for the lists of values that
// messages quote ("its queues: a, b").
func Join(names []string, sep string) string {
	escaped := make([]string, len(names))
	for i, n := range names {
		escaped[i] = Escape(n)
	}
	return strings.Join(escaped, sep)
}
