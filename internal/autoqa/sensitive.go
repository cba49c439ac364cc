package autoqa

import (
	"fmt"
	"regexp"
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
	patterns  map[string][]*regexp.Regexp
	detectors []string // redact placeholders: redact.Card, redact.IBAN
	lang      string
}

func init() {
	register("sensitive_data", func(cfg config.AutoCheck, env *Env) (Check, error) {
		src := cfg.Patterns
		if len(src) == 0 {
			src = sensitivePatterns
		}
		k := &sensitiveData{roles: newRoles(cfg.Roles), patterns: map[string][]*regexp.Regexp{}, lang: env.DefaultLanguage}
		for lang, list := range src {
			for _, p := range list {
				re, err := regexp.Compile(p)
				if err != nil {
					return nil, fmt.Errorf("patterns.%s: %w", lang, err)
				}
				k.patterns[lang] = append(k.patterns[lang], re)
			}
		}
		detectors := cfg.Detectors
		if len(detectors) == 0 {
			detectors = config.AutoDetectors
		}
		for _, d := range detectors {
			k.detectors = append(k.detectors, "["+d+"]") // redact.Card is "[card]", redact.IBAN "[iban]"
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
			for _, re := range k.patterns[lang] {
				if m := re.FindString(lower); m != "" {
					return Fail, e.Seq, fmt.Sprintf("a reply (%s) asks for sensitive data (%q, %s patterns)", k.roles, strings.TrimSpace(m), lang)
				}
			}
		}
		if len(k.detectors) > 0 && digitCount(e.Text) >= 4 {
			for _, f := range redact.Find(e.Text) {
				if slices.Contains(k.detectors, f.Placeholder) {
					return Fail, e.Seq, fmt.Sprintf("a reply (%s) contains %s", k.roles, detectorNames[f.Placeholder])
				}
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

// digitCount counts the decimal digits in s (any script): a card needs 13,
// an IBAN at least 4, so a text with fewer is not given to the detectors.
func digitCount(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' || r > 0x7f && unicode.IsDigit(r) {
			n++
		}
	}
	return n
}
