package synth

import (
	"hash/fnv"
	"math/rand/v2"
)

// Agents' habits, so that automatic QA has real work on the demo: each
// agent sometimes skips the greeting of their first reply, sometimes
// forgets to close (offer more help, thank the customer) when sending the
// fix, and a few, on payment questions, ask for the full card number and
// security code — which no agent should do in a chat.
//
// An agent's rates come from a hash of their id, and every decision is
// drawn from the habits stream, never from the simulation's: adding the
// habits changed no event, time or count of the simulation, only texts.
type habits struct {
	skipGreeting float64 // chance the first reply has no greeting
	forgetClose  float64 // chance the fix has no closing line
	askCard      float64 // chance of asking for the card number on a payment question
}

// habitsOf derives agent a's habits from its id: greetings skipped 3-28 %
// of the time, closings forgotten 8-48 %, and one agent in six asking for
// card details on 1 payment question in 4.
func (s *sim) habitsOf(a *agent) habits {
	if a.hasHabits {
		return a.habits
	}
	h := fnv.New64a()
	h.Write([]byte(a.actor.ID))
	r := rand.New(rand.NewPCG(h.Sum64(), s.keys[0]))
	hb := habits{skipGreeting: 0.03 + 0.25*r.Float64(), forgetClose: 0.08 + 0.4*r.Float64()}
	if r.IntN(6) == 0 {
		hb.askCard = 0.25
	}
	a.habits, a.hasHabits = hb, true
	return hb
}

var (
	// greetings open an agent's first reply (the e-mail form has its own "Hi NAME,").
	greetings = []string{"Hi! ", "Hello, ", "Hi there! ", "Hello! "}
	// closings end the fix.
	closings = []string{" Is there anything else I can help you with?", " Anything else I can do for you today?",
		" Thanks for your patience, and have a great day!", " Let me know if there's anything else."}
	// askCard is the request for card details a careless agent makes.
	tAskCard = compileAll([]string{
		"Thanks {name}. To check the charge, could you send me your full card number and the security code on the back?",
		"Sorry about that, {name}. Please type your full card number and the CVV here so I can retry the payment.",
	})
)

// greet prefixes text with a greeting unless the agent skips it; e-mail
// replies already open with one.
func (s *sim) greet(c *conv, a *agent, text string) string {
	c.greeted = true
	if c.ch.pace == paceEmail || s.habits.Float64() < s.habitsOf(a).skipGreeting {
		return text
	}
	return greetings[s.habits.IntN(len(greetings))] + text
}

// close appends a closing line to the fix unless the agent forgets, before
// an e-mail's signature (and greets, if the fix is the first reply).
func (s *sim) close(c *conv, a *agent, fix tmpl) string {
	text := s.render(fix, c, a)
	if !c.greeted {
		text = s.greet(c, a, text)
	}
	if s.habits.Float64() >= s.habitsOf(a).forgetClose {
		text += closings[s.habits.IntN(len(closings))]
	}
	return s.emailForm(c, text)
}
