package autoqa

import (
	"testing"

	"github.com/parley-cx/parley/internal/config"
)

func TestClosing(t *testing.T) {
	check(t, config.AutoCheck{Name: "closing"}, []verdictCase{
		{"offers more help", transcript("", "customer: refund?", "agent: Done. Is there anything else I can help with?", "customer: no thanks", "resolved"), Pass, 2, `"anything else"`},
		{"thanks the customer", transcript("", "customer: x", "agent: Sorted. Thanks for your patience!", "resolved"), Pass, 2, "thanks for your patience"},
		{"forgets to close", transcript("", "customer: x", "agent: Hello!", "agent: Your refund is on its way.", "resolved"), Fail, 3, "neither offers more help nor thanks"},
		{"the last reply before the final resolution counts", transcript("",
			"customer: x", "agent: Fixed, have a great day!", "resolved", "reopened", "customer: still broken", "agent: Now it is fixed.", "resolved"), Fail, 6, ""},
		{"not resolved", transcript("", "customer: x", "agent: Anything else?"), NA, 0, "not resolved"},
		{"reopened and open", transcript("", "customer: x", "agent: Anything else?", "resolved", "reopened"), NA, 0, "not resolved"},
		{"resolved without a reply", transcript("", "customer: x", "bot: Anything else?", "resolved"), NA, 0, "no agent reply before"},
		{"Spanish", transcript("es-ES", "customer: x", "agent: Listo. ¿Hay algo más en lo que pueda ayudarle?", "resolved"), Pass, 2, `"algo más"`},
		{"French elision", transcript("fr-FR", "customer: x", "agent: C'est réglé. N'hésitez pas à nous recontacter.", "resolved"), Pass, 2, `"nhésitez pas"`},
		{"French elision, typographic apostrophe", transcript("fr-FR", "customer: x", "agent: C’est réglé. Avez-vous d’autres questions ?", "resolved"), Pass, 2, `"dautres questions"`},
		{"Spanish without closing", transcript("es-ES", "customer: x", "agent: Listo.", "resolved"), Fail, 2, "es, en"},
	})
}
