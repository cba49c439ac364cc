package autoqa

import (
	"testing"

	"github.com/parley-cx/parley/internal/config"
)

func TestEmpathy(t *testing.T) {
	check(t, config.AutoCheck{Name: "empathy"}, []verdictCase{
		{"apologises", transcript("", "customer: My parcel arrived damaged.", "agent: I'm really sorry to hear that."), Pass, 2, `"damaged"`},
		{"apology in a later reply", transcript("", "customer: The app keeps crashing!", "agent: Which version?", "customer: 4.2", "agent: Apologies for the trouble."), Pass, 4, `"apologi"`},
		{"no empathy", transcript("", "customer: This is ridiculous, still waiting", "agent: Order number?", "agent: It ships Monday."), Fail, 2, "no apology or empathy"},
		{"an apology before the complaint does not count", transcript("", "customer: hi", "agent: Sorry for the wait.", "customer: It's broken", "agent: Send a photo."), Fail, 4, ""},
		{"no problem expressed", transcript("", "customer: How do I change my address?", "agent: Under Account."), NA, 0, "no problem"},
		{"nobody answered the complaint", transcript("", "customer: wrong item again", "resolved"), NA, 0, "no agent reply after"},
		{"German", transcript("de-DE", "customer: Die Lieferung ist kaputt angekommen.", "agent: Das tut mir leid!"), Pass, 2, `"tut mir leid"`},
		{"an apostrophe in a default phrase", transcript("", "customer: My card was charged twice.", "agent: Oh, that's not good! Let me look."), Pass, 2, `"thats not good"`},
		{"a typographic apostrophe", transcript("", "customer: My card was charged twice.", "agent: Oh, that’s not good! Let me look."), Pass, 2, `"thats not good"`},
		{"a negated trigger is no problem", transcript("", "customer: No problem, it's 5 Long Road.", "agent: Thanks, updated."), NA, 0, "no problem"},
		{"without issue", transcript("", "customer: No worries, the payment went through without issue", "agent: Great."), NA, 0, "no problem"},
		{"a trigger outside the negation's clause counts", transcript("", "customer: No problem with the app, but the parcel is damaged", "agent: Send a photo."), Fail, 2, `"damaged"`},
		{"a trigger holding its negation counts", transcript("", "customer: The app is not working", "agent: Sorry about that!"), Pass, 2, `"not working"`},
		{"a trigger that is a negation counts", transcript("", "customer: I can't log in", "agent: Sorry about that!"), Pass, 2, `"cant"`},
		{"Dutch without empathy", transcript("nl-NL", "customer: Mijn pakket is kapot.", "agent: Stuur een foto."), Fail, 2, ""},
	})
}
