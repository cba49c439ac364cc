package autoqa

import (
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/parley-cx/parley/internal/config"
)

// spelling: the share of misspelt words in the replies of the configured
// roles stays at or below max_share. Words are checked against the
// Hunspell dictionaries of the conversation's languages (its locale's and
// the default language's; a word is right if any of them has it). Not
// checked: words with digits or any of @ / : # _ . = + & % $ (addresses,
// versions, ids), words of one letter, words in capitals (acronyms), and
// the ignore list; a capitalised word that does not start a sentence counts
// only when a dictionary has it (else it is taken for a name, so a
// misspelt German noun goes unnoticed). Evidence: the first reply with a misspelt word. N/A with fewer than
// min_words words, or when the conversation's own language has no
// dictionary here.
type spelling struct {
	roles    roleSet
	dicts    map[string][]*dictionary // by language
	ignore   map[string]bool          // lower case
	maxShare float64
	minWords int
	lang     string
	// known caches each word's verdict per language: a team's replies
	// reuse their words, so most are looked up once.
	mu    sync.RWMutex
	known map[string]map[string]bool
	// loading starts, once per language, the parsing of all its
	// dictionaries at once (see loadLanguage).
	loading map[string]*sync.Once
	name    string       // the check's, for warnings
	log     *slog.Logger // warns once of a dictionary that does not parse
}

// Defaults of the spelling check.
const (
	defaultMaxShare = 0.03
	defaultMinWords = 10
)

// defaultDictionaries: British and American English (Debian's
// hunspell-en-gb and hunspell-en-us), a word in either being right. Other
// languages are added in qa.auto (their Debian packages installed).
var defaultDictionaries = map[string][]string{"en": {"en_US", "en_GB"}}

func init() {
	register("spelling", func(cfg config.AutoCheck, env *Env) (Check, error) {
		k := &spelling{roles: newRoles(cfg.Roles), dicts: map[string][]*dictionary{}, ignore: map[string]bool{}, known: map[string]map[string]bool{},
			loading: map[string]*sync.Once{}, maxShare: cfg.MaxShare, minWords: cfg.MinWords, lang: env.DefaultLanguage,
			name: cfg.Name, log: env.Log}
		if k.maxShare == 0 {
			k.maxShare = defaultMaxShare
		}
		if k.minWords == 0 {
			k.minWords = defaultMinWords
		}
		for _, w := range cfg.Ignore {
			k.ignore[strings.ToLower(w)] = true
		}
		src := cfg.Dictionaries
		if len(src) == 0 {
			src = defaultDictionaries
		}
		for _, lang := range slices.Sorted(maps.Keys(src)) {
			for _, name := range src[lang] {
				x := env.Dictionaries.find(name)
				if x.err != nil {
					env.Log.Warn("autoqa: the spelling check cannot use a dictionary; conversations in its language are not spell-checked (na) unless another of its dictionaries loads",
						"check", cfg.Name, "language", lang, "err", x.err)
					continue
				}
				// Loaded on first use (x.has), or before for the default
				// language (preload): only the default language and the
				// languages of the conversations judged cost their parsing.
				k.dicts[lang] = append(k.dicts[lang], x)
			}
			k.loading[lang] = new(sync.Once)
		}
		return k, nil
	})
}

func (k *spelling) Run(c *Conversation) (string, int64, string) {
	var langs []string
	for _, l := range c.languages(k.lang) {
		if k.usable(l) {
			langs = append(langs, l)
		}
	}
	if own := c.languages(k.lang)[0]; len(langs) == 0 || langs[0] != own {
		return NA, 0, fmt.Sprintf("no dictionary for the conversation's language (%s) is installed, configured and parses", own)
	}
	var checked, wrong int
	var evidence int64
	var misspelt []string
	for i := range c.Events {
		e := &c.Events[i]
		if !k.roles.reply(e) || e.Text == "" {
			continue
		}
		eachWord(e.Text, func(w string, name bool) {
			if len(k.ignore) > 0 && k.ignore[strings.ToLower(w)] {
				return
			}
			ok := k.correct(w, langs)
			if name && !ok {
				return // a name, or a misspelt noun: not counted either way
			}
			checked++
			if ok {
				return
			}
			wrong++
			if evidence == 0 {
				evidence = e.Seq
			}
			if len(misspelt) < 5 && !slices.Contains(misspelt, w) {
				misspelt = append(misspelt, w)
			}
		})
	}
	if checked < k.minWords {
		return NA, 0, fmt.Sprintf("%d words to check in %s replies, fewer than %d", checked, k.roles, k.minWords)
	}
	share := float64(wrong) / float64(checked)
	detail := fmt.Sprintf("%d of %d words misspelt (%.1f%%, at most %.1f%% allowed; %s)", wrong, checked, 100*share, 100*k.maxShare, langList(langs))
	if len(misspelt) > 0 {
		detail += ": " + strings.Join(misspelt, ", ")
	}
	if share > k.maxShare {
		return Fail, evidence, detail
	}
	return Pass, evidence, detail
}

// correct reports whether a dictionary of one of langs has w.
func (k *spelling) correct(w string, langs []string) bool {
	for _, lang := range langs {
		k.mu.RLock()
		v, seen := k.known[lang][w]
		k.mu.RUnlock()
		if !seen {
			v = k.inLanguage(w, lang)
			k.mu.Lock()
			if k.known[lang] == nil {
				k.known[lang] = map[string]bool{}
			}
			// A copy: w points into the event's text, which the cache outlives.
			k.known[lang][strings.Clone(w)] = v
			k.mu.Unlock()
		}
		if v {
			return true
		}
	}
	return false
}

// usable reports whether one of lang's dictionaries parses (parsing the
// first, which its first word would need anyway). A dictionary that is
// found but does not parse would have every word misspelt: it is warned of
// once and left out, and a language with no other dictionary is N/A.
func (k *spelling) usable(lang string) bool {
	return slices.ContainsFunc(k.dicts[lang], func(x *dictionary) bool {
		err := x.load()
		if err != nil {
			x.warned.Do(func() {
				k.log.Warn("autoqa: a dictionary of the spelling check does not parse; conversations in its language are not spell-checked (na) unless another of its dictionaries parses",
					"check", k.name, "language", lang, "err", err)
			})
		}
		return err == nil
	})
}

// inLanguage reports whether a dictionary of lang has w, or, for a
// hyphenated word, each of its parts.
func (k *spelling) inLanguage(w, lang string) bool {
	k.loadLanguage(lang)
	for _, x := range k.dicts[lang] {
		if x.has(w) {
			return true
		}
		if strings.Contains(w, "-") {
			parts := strings.FieldsFunc(w, func(r rune) bool { return r == '-' })
			if len(parts) > 1 && !slices.ContainsFunc(parts, func(p string) bool { return len(p) > 1 && !x.has(p) }) {
				return true
			}
		}
	}
	return false
}

// loadLanguage starts parsing lang's dictionaries after the first on
// goroutines of their own, the first time lang is looked up: the first
// word that one dictionary lacks (a misspelling, in every team's
// replies) needs the next one, and parsing them one after the other, each
// while the other workers wait for it, kept a core idle for half a second.
func (k *spelling) loadLanguage(lang string) {
	k.loading[lang].Do(func() {
		for i, x := range k.dicts[lang] {
			if i > 0 {
				go x.load() // its error stays in x.err, which has reports
			}
		}
	})
}

// preload is the default language's dictionaries, which nearly every build
// reads (Suite.Preload).
func (k *spelling) preload() []*dictionary { return k.dicts[k.lang] }

// eachWord calls fn with every word of text the spelling check reads (see
// spelling), in order; name says it is capitalised but does not start a
// sentence (a name, or a German noun), so that it counts only if a
// dictionary has it.
func eachWord(text string, fn func(w string, name bool)) {
	start := true // the next word starts a sentence
	for field := range strings.FieldsSeq(text) {
		field = strings.ReplaceAll(field, "\u2019", "'")
		w := strings.TrimFunc(field, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		atStart := start
		start = endsSentence(field)
		if !checkable(w) {
			continue
		}
		first, _ := firstRune(w)
		// "I'm", "I've": the pronoun is written in capitals.
		fn(w, unicode.IsUpper(first) && !atStart && !strings.HasPrefix(w, "I'"))
	}
}

// endsSentence reports whether field ends in . ! ? or :, closing quotes
// and brackets after it aside.
func endsSentence(field string) bool {
	for field != "" {
		r, size := utf8.DecodeLastRuneInString(field)
		if !strings.ContainsRune(`"')]}»”`, r) {
			break
		}
		field = field[:len(field)-size]
	}
	return field != "" && strings.IndexByte(".!?:", field[len(field)-1]) >= 0
}

// notInWords are the characters that make a word not checked (addresses,
// versions, ids): @ / : # _ . = + & % $.
var notInWords = [utf8.RuneSelf]bool{'@': true, '/': true, ':': true, '#': true, '_': true, '.': true, '=': true, '+': true, '&': true, '%': true, '$': true}

// checkable reports whether the spelling check reads w: two letters or
// more, no digit nor any of notInWords, a lower-case letter (else an
// acronym). One pass over w, instead of one per condition.
func checkable(w string) bool {
	runes, lower := 0, false
	for _, r := range w {
		runes++
		if r < utf8.RuneSelf {
			switch c := byte(r); {
			case '0' <= c && c <= '9', notInWords[c]:
				return false
			case 'a' <= c && c <= 'z':
				lower = true
			}
			continue
		}
		if unicode.IsDigit(r) {
			return false
		}
		lower = lower || unicode.IsLower(r)
	}
	return runes >= 2 && lower
}

func firstRune(s string) (rune, bool) {
	for _, r := range s {
		return r, true
	}
	return 0, false
}
