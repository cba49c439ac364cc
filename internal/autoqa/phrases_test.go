package autoqa

import (
	"strings"
	"testing"
)

// TestDefaultPhrasesCanMatch: every default phrase, written as a text,
// is found in it, and none holds a lone consonant: fold drops apostrophes
// ("that's" reads "thats"), so a phrase written with a space where an
// apostrophe was ("that s not good", "n hésitez pas") never matches.
func TestDefaultPhrasesCanMatch(t *testing.T) {
	words := map[string]bool{"a": true, "à": true, "e": true, "i": true, "o": true, "u": true, "y": true}
	for name, defaults := range map[string]map[string][]string{
		"greeting": greetingPhrases, "closing": closingPhrases, "empathy": empathyPhrases, "empathy triggers": problemPhrases,
	} {
		for lang, list := range defaults {
			for _, p := range list {
				text := strings.TrimSuffix(p, "*")
				one := compilePhrases(map[string][]string{lang: {p}}, nil)
				if _, ok := one.find(fold(text), []string{lang}); !ok {
					t.Errorf("%s %s: %q is not found in the text %q", name, lang, p, text)
				}
				for _, w := range strings.Fields(fold(text)) {
					if len([]rune(w)) == 1 && !words[w] {
						t.Errorf("%s %s: %q has the word %q, what is left of an elision when apostrophes are folded away: write the apostrophe", name, lang, p, w)
					}
				}
			}
		}
	}
}
