package autoqa

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/redact"
)

// sensitive_data: no reply of the configured roles asks the customer for a
// full card number, a password, a PIN or a CVV (patterns, matched on the
// lower-cased text), and none holds a card number or IBAN itself (the
// redaction detectors of internal/redact, with their checksums). Evidence:
// the first message that does. N/A when there is no such reply. The detail
// never repeats the data.
type sensitiveData struct {
	roles     roleSet
	patterns  map[string][]pattern
	detectors []string // redact placeholders: redact.Card, redact.IBAN
	// minDigits is the fewest digits a text holding what the detectors
	// find has: a card number 13, an IBAN 8 (its check digits and an
	// account number of 6 or more: Norway's, the shortest, has 11 digits).
	minDigits int
	lang      string
}

func init() {
	register("sensitive_data", func(cfg config.AutoCheck, env *Env) (Check, error) {
		src := cfg.Patterns
		if len(src) == 0 {
			src = sensitivePatterns
		}
		k := &sensitiveData{roles: newRoles(cfg.Roles), patterns: map[string][]pattern{}, lang: env.DefaultLanguage}
		for lang, list := range src {
			for _, p := range list {
				pt, err := compilePattern(p)
				if err != nil {
					return nil, fmt.Errorf("patterns.%s: %w", lang, err)
				}
				k.patterns[lang] = append(k.patterns[lang], pt)
			}
		}
		detectors := cfg.Detectors
		if len(detectors) == 0 {
			detectors = config.AutoDetectors
		}
		k.minDigits = 13
		for _, d := range detectors {
			k.detectors = append(k.detectors, "["+d+"]") // redact.Card is "[card]", redact.IBAN "[iban]"
			if d == "iban" {
				k.minDigits = 8
			}
		}
		return k, nil
	})
}

// sensitivePatterns are the default requests for data an agent must never
// ask for in a chat, by language: a verb of asking or giving, then (within
// a few words) the full card number, the password, PIN or security code.
var sensitivePatterns = map[string][]string{
	"en": {
		`\b(send|give|tell|share|provide|confirm|type|enter|need|read out|what is|what's|whats)\b[^.?!\n]{0,30}\b(full|whole|complete|long|16[- ]digit|entire)\b[^.?!\n]{0,12}\b(card|credit card|debit card)\s*(number|no\b|details)`,
		`\b(send|give|tell|share|provide|confirm|type|enter|need|read out|what is|what's|whats)\b[^.?!\n]{0,30}\b(cvv|cvc|cvv2|security code|card verification)`,
		`\b(send|give|tell|share|provide|confirm|type|enter|need|read out|what is|what's|whats)\b[^.?!\n]{0,30}\b(your|the|account|current|login)\s+(password|passcode|pin( code| number)?)\b`,
	},
	"de": {
		`\b(schicken|senden|geben|nennen|mitteilen|bestätigen|brauche|benötige)\b[^.?!\n]{0,40}\b(vollständige|ganze|komplette)\b[^.?!\n]{0,12}\b(karten|kreditkarten)nummer`,
		`\b(ihr|dein|ihre|deine)\s+(passwort|kennwort|pin|cvv|cvc|sicherheitscode)\b[^.?!\n]{0,40}\b(schicken|senden|geben|nennen|mitteilen|bestätigen)`,
	},
	"fr": {
		`\b(envoyer|donner|communiquer|indiquer|confirmer|besoin)\b[^.?!\n]{0,40}\b(numéro (complet )?de (votre |ta )?carte|mot de passe|code pin|code de sécurité|cryptogramme|cvv)`,
	},
	"es": {
		`\b(envíe|envíame|envie|dame|deme|indique|indícame|confirme|necesito)\b[^.?!\n]{0,40}\b(número (completo )?de (su |tu )?tarjeta|contraseña|pin|código de seguridad|cvv)`,
	},
	"nl": {
		`\b(stuur|geef|noem|bevestig|nodig)\b[^.?!\n]{0,40}\b(volledige kaartnummer|kaartnummer|wachtwoord|pincode|beveiligingscode|cvv)`,
	},
}

func (k *sensitiveData) Run(c *Conversation) (string, int64, string) {
	langs := c.languages(k.lang)
	replies := 0
	for i := range c.Events {
		e := &c.Events[i]
		if !k.roles.reply(e) || e.Text == "" {
			continue
		}
		replies++
		lower := strings.ToLower(e.Text)
		for _, lang := range langs {
			for _, pt := range k.patterns[lang] {
				if m := pt.find(lower); m != "" {
					return Fail, e.Seq, fmt.Sprintf("a reply (%s) asks for sensitive data (%q, %s patterns)", k.roles, strings.TrimSpace(m), lang)
				}
			}
		}
		if len(k.detectors) > 0 && digitCount(e.Text) >= k.minDigits {
			if kind, ok := redact.First(e.Text, k.detectors...); ok {
				return Fail, e.Seq, fmt.Sprintf("a reply (%s) contains %s", k.roles, detectorNames[kind])
			}
		}
	}
	if replies == 0 {
		return NA, 0, fmt.Sprintf("no %s reply", k.roles)
	}
	return Pass, 0, fmt.Sprintf("no %s reply asks for or holds sensitive data (%d read)", k.roles, replies)
}

// detectorNames name what each detector finds, for details.
var detectorNames = map[string]string{redact.Card: "a card number", redact.IBAN: "an IBAN"}

// digitCount counts the decimal digits in s (any script).
func digitCount(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' || r > 0x7f && unicode.IsDigit(r) {
			n++
		}
	}
	return n
}

// pattern is a compiled pattern and the words one of which any match must
// hold: a message without any of them is not searched. Searching every
// agent message with a pattern that starts with a verb was most of the
// checks' time on the demo; few messages name a card, a password or a PIN.
type pattern struct {
	re       *regexp.Regexp
	required []string // lower case; none: always search
	// also are more such lists, from the other elements of the pattern:
	// a message must hold a word of each too. Most messages that name a
	// card name no verb of asking before it, and the search, which tries
	// every position, cost 17 µs a message on the demo.
	also [][]string
}

func compilePattern(p string) (pattern, error) {
	re, err := regexp.Compile(p)
	if err != nil {
		return pattern{}, err
	}
	tree, err := syntax.Parse(p, syntax.Perl)
	if err != nil {
		return pattern{}, err
	}
	required, also := requiredWords(tree.Simplify())
	pt := pattern{re: re, required: minimalWords(required)}
	for _, a := range also {
		pt.also = append(pt.also, minimalWords(a))
	}
	return pt, nil
}

// minimalWords drops from words each that holds another of them ("credit
// card" holds "card"): a text with the longer one has the shorter, so
// looking for both only reads the text twice.
func minimalWords(words []string) []string {
	var out []string
	for i, w := range words {
		if !slices.ContainsFunc(words, func(v string) bool { return v != w && strings.Contains(w, v) }) && !slices.Contains(words[:i], w) {
			out = append(out, w)
		}
	}
	return out
}

// find returns the first match in lower that no negation just before it
// turns into a warning ("please don't share full card numbers here").
func (p pattern) find(lower string) string {
	holds := func(words []string) bool {
		return slices.ContainsFunc(words, func(w string) bool { return strings.Contains(lower, w) })
	}
	if len(p.required) > 0 && !holds(p.required) {
		return ""
	}
	for _, words := range p.also {
		if !holds(words) {
			return ""
		}
	}
	for _, loc := range p.re.FindAllStringIndex(lower, -1) {
		if !negatedBefore(lower, loc[0]) {
			return lower[loc[0]:loc[1]]
		}
	}
	return ""
}

// negatedBefore reports whether one of the three words before byte i of
// lower is a negation (see negations): "don't share", "never send", "no
// need to give".
func negatedBefore(lower string, i int) bool {
	words := strings.Fields(fold(lower[max(0, i-40):i]))
	for _, w := range words[max(0, len(words)-3):] {
		if negations[w] {
			return true
		}
	}
	return false
}

// requiredWords returns strings of which every match of re holds one:
// those that an element of the top-level concatenation must start with.
// Of the elements whose strings are all 3 bytes or longer the last wins
// (the nouns, "card" or "pin", follow the verbs); else the one whose
// shortest string is longest, if 2 or more. Nil when no element has any,
// and the pattern is then always searched. also lists the strings of the
// other elements whose strings are all 3 bytes or longer, in order.
func requiredWords(re *syntax.Regexp) (best []string, also [][]string) {
	for re.Op == syntax.OpCapture {
		re = re.Sub[0]
	}
	subs := []*syntax.Regexp{re}
	if re.Op == syntax.OpConcat {
		subs = re.Sub
	}
	bestLen, bestAt := 1, -1 // a single character filters nothing
	var lists [][]string
	for i, sub := range subs {
		p, _ := prefixes(sub)
		lists = append(lists, p)
		if n := shortest(p); n >= 3 || n > bestLen && bestLen < 3 {
			best, bestLen, bestAt = p, n, i
		}
	}
	for i, p := range lists {
		if i != bestAt && shortest(p) >= 3 {
			also = append(also, p)
		}
	}
	return best, also
}

// maxPrefixes bounds the strings prefixes expands an element into.
const maxPrefixes = 64

// prefixes returns strings one of which every match of re starts with,
// and whether every match is exactly one of them; nil when unknown.
// Alternations the parser factored ("c(?:ard|redit card)") come back whole.
func prefixes(re *syntax.Regexp) ([]string, bool) {
	switch re.Op {
	case syntax.OpCapture:
		return prefixes(re.Sub[0])
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return nil, false
		}
		return []string{string(re.Rune)}, true
	case syntax.OpCharClass:
		var out []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				if len(out) == 4 {
					return nil, false
				}
				out = append(out, string(r))
			}
		}
		return out, true
	case syntax.OpAlternate:
		var out []string
		exact := true
		for _, sub := range re.Sub {
			p, ex := prefixes(sub)
			if p == nil || len(out)+len(p) > maxPrefixes {
				return nil, false
			}
			out, exact = append(out, p...), exact && ex
		}
		return out, exact
	case syntax.OpConcat:
		acc := []string{""}
		for _, sub := range re.Sub {
			p, ex := prefixes(sub)
			if p == nil || len(acc)*len(p) > maxPrefixes {
				return nonEmpty(acc), false
			}
			var next []string
			for _, a := range acc {
				for _, b := range p {
					next = append(next, a+b)
				}
			}
			acc = next
			if !ex {
				return acc, false
			}
		}
		return acc, true
	}
	return nil, false
}

// nonEmpty is acc unless it holds the empty string (nothing known yet).
func nonEmpty(acc []string) []string {
	if slices.Contains(acc, "") {
		return nil
	}
	return acc
}

// shortest is the length of the shortest string in p; 0 for none.
func shortest(p []string) int {
	if len(p) == 0 {
		return 0
	}
	n := len(p[0])
	for _, s := range p[1:] {
		n = min(n, len(s))
	}
	return n
}
