package autoqa

import (
	"testing"

	"github.com/parley-cx/parley/internal/config"
)

func TestGreeting(t *testing.T) {
	check(t, config.AutoCheck{Name: "greeting"}, []verdictCase{
		{"greets", transcript("en-GB", "customer: where is my parcel?", "agent: Hi Anna, let me check that for you."), Pass, 2, `"hi"`},
		{"greets in a phrase", transcript("", "customer: hello", "agent: Good morning! How can I help?"), Pass, 2, `"good morning"`},
		{"no greeting", transcript("en-US", "customer: where is my parcel?", "agent: Could you confirm the order number?", "agent: Hi again"), Fail, 2, "no greeting"},
		{"hi inside a word is not a greeting", transcript("", "customer: x", "agent: This is shipping."), Fail, 2, ""},
		{"the bot and automated messages are not the first reply", transcript("",
			"bot: Hi! I'm the assistant.", "auto: Hi Anna, you're now chatting with Tom.", "note: checked", "agent: Let me look."), Fail, 4, ""},
		{"no human reply", transcript("", "customer: hello?", "bot: Hello!", "resolved"), NA, 0, "no agent reply"},
		{"German", transcript("de-DE", "customer: Wo ist mein Paket?", "agent: Guten Tag Frau Müller, ich sehe nach."), Pass, 2, `"guten tag"`},
		{"German conversation answered in the default language", transcript("de-DE", "customer: Paket?", "agent: Hello, I'll check."), Pass, 2, `"hello"`},
		{"French without a greeting", transcript("fr-FR", "customer: Où est mon colis ?", "agent: Je vérifie votre commande."), Fail, 2, "fr, en"},
	})
	// Roles: a greeting by the bot counts when the check reads bot replies.
	check(t, config.AutoCheck{Name: "bot_greeting", Type: "greeting", Roles: []string{"bot"}}, []verdictCase{
		{"bot greets", transcript("", "customer: hi", "bot: Hello! I'm the assistant."), Pass, 2, "bot reply"},
	})
	// Configured phrases replace the defaults.
	check(t, config.AutoCheck{Name: "greeting", Phrases: map[string][]string{"en": {"welcome to parley"}}}, []verdictCase{
		{"house greeting", transcript("", "customer: hi", "agent: Welcome to Parley, Anna!"), Pass, 2, "welcome to parley"},
		{"plain hi no longer enough", transcript("", "customer: hi", "agent: Hi Anna"), Fail, 2, ""},
	})
	// Scope: a conversation outside the check's channels is N/A.
	check(t, config.AutoCheck{Name: "greeting", Channels: []string{"email"}}, []verdictCase{
		{"out of scope", transcript("", "customer: hi", "agent: Hi Anna"), NA, 0, "scope"},
	})
}
