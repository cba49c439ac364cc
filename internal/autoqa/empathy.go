package autoqa

import (
	"fmt"

	"github.com/parley-cx/parley/internal/config"
)

// empathy: where the customer expressed a problem or frustration (a
// trigger phrase that no negation turns, as end_sentiment reads negation:
// "no problem" and "without issue" express none), a later reply of the configured roles apologises or
// shows empathy. Evidence: the reply that did, or on a fail the first reply
// after the customer's complaint. N/A when the customer expressed no
// problem, or nobody replied after it.
type empathy struct {
	roles             roleSet
	phrases, triggers phrases
	lang              string
}

func init() {
	register("empathy", func(cfg config.AutoCheck, env *Env) (Check, error) {
		return &empathy{roles: newRoles(cfg.Roles), phrases: compilePhrases(cfg.Phrases, empathyPhrases),
			triggers: compilePhrases(cfg.Triggers, problemPhrases), lang: env.DefaultLanguage}, nil
	})
}

// empathyPhrases are apologies and expressions of empathy, by language.
var empathyPhrases = map[string][]string{
	"en": {"sorry", "apologi*", "apologise", "apologize", "i understand", "i completely understand", "i can understand", "i can imagine", "i can see how",
		"frustrating", "must be annoying", "that's not good", "not what you expected", "not the experience", "thanks for your patience",
		"thank you for your patience", "bear with", "i appreciate", "unfortunately", "my bad", "our mistake", "our fault"},
	"de": {"entschuldig*", "tut mir leid", "tut uns leid", "bedaure*", "verstehe", "ärgerlich", "danke für ihre geduld", "danke für deine geduld"},
	"fr": {"désolé", "désolée", "excus*", "je comprends", "nous comprenons", "navré", "navrée", "merci de votre patience", "merci pour votre patience"},
	"es": {"lo siento", "lo sentimos", "disculp*", "perdón", "perdon", "entiendo", "comprendo", "gracias por su paciencia", "gracias por tu paciencia"},
	"nl": {"sorry", "excuses", "excuus", "het spijt", "vervelend", "ik begrijp", "bedankt voor je geduld", "bedankt voor uw geduld"},
}

// problemPhrases are what customers say when something is wrong or they
// are frustrated, by language.
var problemPhrases = map[string][]string{
	"en": {"not working", "doesnt work", "does not work", "didnt work", "stopped working", "isnt working", "broken", "broke", "damaged", "crash*",
		"error", "wrong", "missing", "lost", "still waiting", "still hasnt", "still havent", "still not", "hasnt arrived", "havent received",
		"never arrived", "never received", "not received", "not arrived", "no tracking", "charged twice", "overcharged", "double charged", "refund",
		"complain*", "frustrat*", "annoy*", "angry", "upset", "disappoint*", "ridiculous", "unacceptable", "terrible", "awful", "useless", "worst",
		"fed up", "again", "problem", "issue", "cant", "cannot", "unable", "locked out", "hacked", "stuck", "delay*", "late"},
	"de": {"funktioniert nicht", "geht nicht", "kaputt", "beschädigt", "fehler", "falsch", "fehlt", "verloren", "immer noch", "noch nicht angekommen",
		"nicht erhalten", "doppelt abgebucht", "erstattung", "beschwer*", "ärger*", "enttäusch*", "unmöglich", "frechheit", "problem", "verspät*"},
	"fr": {"ne marche pas", "ne fonctionne pas", "cassé", "endommagé", "erreur", "manquant", "perdu", "toujours pas", "pas reçu", "pas arrivé",
		"remboursement", "plainte", "énervé", "déçu", "décevant", "inadmissible", "inacceptable", "problème", "retard*"},
	"es": {"no funciona", "roto", "dañado", "error", "equivocado", "falta", "perdido", "todavía no", "todavia no", "no he recibido", "no ha llegado",
		"reembolso", "queja", "enfadado", "molesto", "decepcion*", "inaceptable", "problema", "retraso"},
	"nl": {"werkt niet", "kapot", "beschadigd", "fout", "ontbreekt", "kwijt", "nog steeds", "niet ontvangen", "niet aangekomen", "terugbetaling",
		"klacht", "boos", "teleurgesteld", "belachelijk", "onacceptabel", "probleem", "vertraag*"},
}

func (k *empathy) Run(c *Conversation) (string, int64, string) {
	langs := c.languages(k.lang)
	trigger, triggerAt := "", -1
	for i := range c.Events {
		if !isCustomerMessage(&c.Events[i]) {
			continue
		}
		// find on the folded text the other phrase checks share is the
		// cheap test: only a message holding a trigger at all (a few of
		// them) is read clause by clause for negation.
		if _, ok := k.triggers.find(c.folded(i), langs); ok {
			if p, ok := k.triggers.findAffirmed(c.Events[i].Text, langs); ok {
				trigger, triggerAt = p, i
				break
			}
		}
	}
	if triggerAt < 0 {
		return NA, 0, "the customer expressed no problem or frustration"
	}
	first := int64(0)
	for i := triggerAt + 1; i < len(c.Events); i++ {
		e := &c.Events[i]
		if !k.roles.reply(e) {
			continue
		}
		if first == 0 {
			first = e.Seq
		}
		if p, ok := k.phrases.find(c.folded(i), langs); ok {
			return Pass, e.Seq, fmt.Sprintf("the customer's problem (%q, message %d) got empathy (%q)", trigger, c.Events[triggerAt].Seq, p)
		}
	}
	if first == 0 {
		return NA, 0, fmt.Sprintf("no %s reply after the customer's problem (%q, message %d)", k.roles, trigger, c.Events[triggerAt].Seq)
	}
	return Fail, first, fmt.Sprintf("the customer's problem (%q, message %d) got no apology or empathy in any later %s reply", trigger, c.Events[triggerAt].Seq, k.roles)
}
