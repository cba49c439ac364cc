package autoqa

import (
	"fmt"

	"github.com/parley-cx/parley/internal/config"
)

// greeting: the first reply of the configured roles (a human reply by
// default) greets the customer. Evidence: that reply. N/A when no such
// reply was sent.
type greeting struct {
	roles   roleSet
	phrases phrases
	lang    string
}

func init() {
	register("greeting", func(cfg config.AutoCheck, env *Env) (Check, error) {
		return &greeting{roles: newRoles(cfg.Roles), phrases: compilePhrases(cfg.Phrases, greetingPhrases), lang: env.DefaultLanguage}, nil
	})
}

// greetingPhrases are the default greetings, by language.
var greetingPhrases = map[string][]string{
	"en": {"hi", "hello", "hey", "hiya", "good morning", "good afternoon", "good evening", "greetings", "welcome", "dear", "thanks for reaching out", "thank you for reaching out", "thanks for contacting", "thank you for contacting", "thanks for getting in touch", "thank you for getting in touch"},
	"de": {"hallo", "hi", "guten morgen", "guten tag", "guten abend", "servus", "moin", "grüß gott", "liebe", "lieber", "willkommen", "danke für ihre nachricht", "vielen dank für ihre nachricht"},
	"fr": {"bonjour", "bonsoir", "salut", "coucou", "cher", "chère", "bienvenue", "merci de nous avoir contactés", "merci pour votre message"},
	"es": {"hola", "buenos días", "buenos dias", "buenas tardes", "buenas noches", "estimado", "estimada", "bienvenido", "bienvenida", "gracias por contactar", "gracias por escribirnos"},
	"nl": {"hallo", "hoi", "hi", "goedemorgen", "goedemiddag", "goedenavond", "beste", "welkom", "bedankt voor je bericht", "bedankt voor uw bericht"},
}

func (g *greeting) Run(c *Conversation) (string, int64, string) {
	for i := range c.Events {
		e := &c.Events[i]
		if !g.roles.reply(e) {
			continue
		}
		langs := c.languages(g.lang)
		if p, ok := g.phrases.find(c.folded(i), langs); ok {
			return Pass, e.Seq, fmt.Sprintf("the first %s reply greets (%q)", g.roles, p)
		}
		return Fail, e.Seq, fmt.Sprintf("the first %s reply has no greeting (phrases: %s)", g.roles, langList(langs))
	}
	return NA, 0, fmt.Sprintf("no %s reply", g.roles)
}
