package autoqa

import "strings"

// phrases are phrase lists by language, folded (see fold). A phrase that
// ends in "*" matches any word that starts with its last word
// ("apologi*" matches "apologise" and "apologies").
type phrases map[string][]string

// compilePhrases folds the configured lists, or the defaults where the
// configuration gives none.
func compilePhrases(configured, defaults map[string][]string) phrases {
	src := configured
	if len(src) == 0 {
		src = defaults
	}
	out := phrases{}
	for lang, list := range src {
		for _, p := range list {
			if f := foldPhrase(p); f != "" {
				out[lang] = append(out[lang], f)
			}
		}
	}
	return out
}

// foldPhrase is p as fold writes it, without the closing space when p
// ends in "*"; "" when p holds no letter or digit.
func foldPhrase(p string) string {
	prefix := strings.HasSuffix(strings.TrimSpace(p), "*")
	f := fold(strings.TrimSuffix(strings.TrimSpace(p), "*"))
	if strings.TrimSpace(f) == "" {
		return ""
	}
	if prefix {
		f = strings.TrimSuffix(f, " ")
	}
	return f
}

// find returns the first phrase of langs (in order) that folded text
// holds, trimmed, and whether there was one.
func (p phrases) find(folded string, langs []string) (string, bool) {
	for _, lang := range langs {
		for _, ph := range p[lang] {
			if strings.Contains(folded, ph) {
				return strings.TrimSpace(ph), true
			}
		}
	}
	return "", false
}

// langList names langs for a detail: "en" or "de, en".
func langList(langs []string) string { return strings.Join(langs, ", ") }
