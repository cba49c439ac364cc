// Package suggest finds the names a mistyped word probably meant, for the
// "did you mean …?" of command-line and configuration errors.
package suggest

import (
	"slices"
	"strings"

	"github.com/parley-cx/parley/internal/termsafe"
)

// Close says whether typed is probably a misspelling of name, ignoring
// case: a prefix of it, name written out (typed starts with name, of 3
// letters or more: "tuesday" for tue), at most two edits away, or, typed of
// 4 letters or more, at most one edit away from a part of name (a word of a
// longer name: "suport" for tech_support, "refunds" for return_refund).
func Close(typed, name string) bool {
	typed, name = strings.ToLower(typed), strings.ToLower(name)
	return strings.HasPrefix(name, typed) || len(name) >= 3 && strings.HasPrefix(typed, name) || editDistance(typed, name) <= 2 ||
		len(typed) >= 4 && partDistance(typed, name) <= 1
}

// Among returns the names Close to typed, in the order given.
func Among(typed string, names []string) []string {
	var out []string
	for _, n := range names {
		if Close(typed, n) {
			out = append(out, n)
		}
	}
	return out
}

// Hint is "; did you mean a or b?" for the names Close to typed, or "" when
// none is: the tail of an error that lists or states what is allowed. The
// names may come from data, so their control characters are escaped
// (termsafe) before a terminal shows them.
func Hint(typed string, names []string) string {
	near := Among(typed, names)
	if len(near) == 0 {
		return ""
	}
	return "; did you mean " + termsafe.Join(near, " or ") + "?"
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int { return distance(a, b, false) }

// partDistance is the fewest edits that turn a into a part (substring)
// of b: the edit distance with b's start and end free.
func partDistance(a, b string) int { return distance(a, b, true) }

// distance is the Levenshtein distance between a and b, or, with part,
// between a and the part of b nearest it (a part may start and end
// anywhere in b).
func distance(a, b string, part bool) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	if !part {
		for j := range prev {
			prev[j] = j
		}
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	if part {
		return slices.Min(prev)
	}
	return prev[len(b)]
}
