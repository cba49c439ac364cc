package autoqa

import (
	"slices"
	"strings"
)

// phrases are phrase lists by language, folded (see fold). A phrase that
// ends in "*" matches any word that starts with its last word
// ("apologi*" matches "apologise" and "apologies").
type phrases map[string]*phraseIndex

// phraseIndex finds a language's phrases in a folded text in one pass
// over its words: whole-word phrases are looked up by their first word,
// the few prefix phrases with a substring search.
type phraseIndex struct {
	byFirst map[string][]string // first word → phrases starting with it (" good morning ")
	prefix  []string            // phrases ending in a word prefix (" apologi")
	// words holds each phrase's words, split once here: longest compares
	// them at every word of every customer message.
	words map[string][]string
}

// compilePhrases folds the configured lists, or the defaults where the
// configuration gives none.
func compilePhrases(configured, defaults map[string][]string) phrases {
	src := configured
	if len(src) == 0 {
		src = defaults
	}
	out := phrases{}
	for lang, list := range src {
		ix := &phraseIndex{byFirst: map[string][]string{}, words: map[string][]string{}}
		for _, p := range list {
			f, prefix := foldPhrase(p)
			if f != "" {
				ix.words[f] = strings.Fields(f)
			}
			switch {
			case f == "":
			case prefix:
				ix.prefix = append(ix.prefix, f)
			default:
				first, _, _ := strings.Cut(f[1:], " ")
				ix.byFirst[first] = append(ix.byFirst[first], f)
			}
		}
		out[lang] = ix
	}
	return out
}

// foldPhrase is p as fold writes it, without the closing space when p
// ends in "*" (prefix); "" when p holds no letter or digit.
func foldPhrase(p string) (f string, prefix bool) {
	prefix = strings.HasSuffix(strings.TrimSpace(p), "*")
	f = fold(strings.TrimSuffix(strings.TrimSpace(p), "*"))
	if strings.TrimSpace(f) == "" {
		return "", false
	}
	if prefix {
		f = strings.TrimSuffix(f, " ")
	}
	return f, prefix
}

// find returns a phrase of langs (tried in order) that the folded text
// holds, trimmed (the first in the text, prefix phrases after whole
// ones), and whether there was one.
func (p phrases) find(folded string, langs []string) (string, bool) {
	for _, lang := range langs {
		ix := p[lang]
		if ix == nil {
			continue
		}
		for i := 1; i < len(folded); {
			j := i + strings.IndexByte(folded[i:], ' ')
			if j < i {
				break
			}
			for _, ph := range ix.byFirst[folded[i:j]] {
				if strings.HasPrefix(folded[i-1:], ph) {
					return strings.TrimSpace(ph), true
				}
			}
			i = j + 1
		}
		for _, ph := range ix.prefix {
			if strings.Contains(folded, ph) {
				return strings.TrimSpace(ph), true
			}
		}
	}
	return "", false
}

// langList names langs for a detail: "en" or "de, en".
func langList(langs []string) string { return strings.Join(langs, ", ") }

// findAffirmed is find for a message's text, read as sentiment reads it
// (clauses, walkClause) but with apostrophes dropped as phrases are
// (fold), skipping the phrases a negation turns: "no problem" and
// "without issue" say there is none.
// Phrases holding their own negation ("not working") are taken whole and
// count. The negations are sentiment's (English, with "no", "nor" shared
// by other languages).
func (p phrases) findAffirmed(text string, langs []string) (string, bool) {
	for _, lang := range langs {
		ix := p[lang]
		if ix == nil {
			continue
		}
		var phrase string
		eachClause(text, false, func(words []string) bool {
			walkClause(words, ix.match, func(i, n int, negated bool) bool {
				if negated {
					return true
				}
				phrase, _ = ix.longest(words[i:])
				return false
			})
			return phrase == ""
		})
		if phrase != "" {
			return phrase, true
		}
	}
	return "", false
}

// match is the number of words of the longest phrase at the start of
// words (folded), for walkClause.
func (ix *phraseIndex) match(words []string) (int, bool) {
	_, n := ix.longest(words)
	return n, n > 0
}

// longest is the longest phrase at the start of words, trimmed, and its
// number of words; 0 if none.
func (ix *phraseIndex) longest(words []string) (string, int) {
	best, bestN := "", 0
	try := func(ph string, prefix bool) {
		pw := ix.words[ph]
		if len(pw) <= bestN || len(pw) > len(words) {
			return
		}
		last := len(pw) - 1
		if !slices.Equal(pw[:last], words[:last]) {
			return
		}
		if pw[last] == words[last] || prefix && strings.HasPrefix(words[last], pw[last]) {
			best, bestN = strings.TrimSpace(ph), len(pw)
		}
	}
	for _, ph := range ix.byFirst[words[0]] {
		try(ph, false)
	}
	for _, ph := range ix.prefix {
		try(ph, true)
	}
	return best, bestN
}
