package autoqa

import (
	"fmt"

	"github.com/parley-cx/parley/internal/config"
)

// closing: the last reply of the configured roles before the
// conversation's final resolution closes properly: offers more help, or
// thanks the customer. Evidence: that reply. N/A when the conversation is
// not resolved, or no such reply came before the resolution.
type closing struct {
	roles   roleSet
	phrases phrases
	lang    string
}

func init() {
	register("closing", func(cfg config.AutoCheck, env *Env) (Check, error) {
		return &closing{roles: newRoles(cfg.Roles), phrases: compilePhrases(cfg.Phrases, closingPhrases), lang: env.DefaultLanguage}, nil
	})
}

// closingPhrases are the default closings, by language: an offer of more
// help, thanks, or a good wish.
var closingPhrases = map[string][]string{
	"en": {"anything else", "something else", "any other questions", "any more questions", "any further questions", "further assistance",
		"let us know if", "let me know if", "just message us", "message us again", "reach out", "get in touch", "here if you need", "here to help",
		"happy to help", "glad i could help", "glad to help", "thanks for contacting", "thank you for contacting", "thanks for reaching out",
		"thank you for reaching out", "thanks for your patience", "thank you for your patience", "thanks for chatting", "thank you for chatting",
		"thanks for getting in touch", "have a great", "have a good", "have a nice", "have a lovely", "enjoy your", "take care", "all the best", "kind regards", "best regards"},
	"de": {"noch etwas", "sonst noch", "weitere fragen", "melden sie sich", "melde dich", "gerne wieder", "gern geschehen", "vielen dank", "danke für",
		"schönen tag", "schönes wochenende", "einen guten tag", "viele grüße", "freundliche grüße", "alles gute"},
	"fr": {"autre chose", "autre question", "d'autres questions", "n'hésitez pas", "à votre disposition", "merci pour", "merci de", "bonne journée",
		"bonne soirée", "bon week end", "cordialement", "à bientôt"},
	"es": {"algo más", "alguna otra", "otra pregunta", "no dude", "no dudes", "estamos aquí", "gracias por", "que tenga un buen", "que tengas un buen",
		"buen día", "saludos", "hasta pronto"},
	"nl": {"nog iets", "nog vragen", "andere vragen", "laat het weten", "neem gerust contact", "bedankt voor", "dank je", "dank u", "fijne dag",
		"prettige dag", "fijn weekend", "met vriendelijke groet"},
}

func (k *closing) Run(c *Conversation) (string, int64, string) {
	if !c.Resolved {
		return NA, 0, "not resolved"
	}
	resolvedAt := -1
	for i := len(c.Events) - 1; i >= 0; i-- {
		if c.Events[i].Type == TypeResolved {
			resolvedAt = i
			break
		}
	}
	for i := resolvedAt - 1; i >= 0; i-- {
		e := &c.Events[i]
		if !k.roles.reply(e) {
			continue
		}
		langs := c.languages(k.lang)
		if p, ok := k.phrases.find(c.folded(i), langs); ok {
			return Pass, e.Seq, fmt.Sprintf("the last %s reply before the resolution closes (%q)", k.roles, p)
		}
		return Fail, e.Seq, fmt.Sprintf("the last %s reply before the resolution neither offers more help nor thanks (phrases: %s)", k.roles, langList(langs))
	}
	return NA, 0, fmt.Sprintf("no %s reply before the resolution", k.roles)
}
