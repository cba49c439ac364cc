package autoqa

import (
	"github.com/parley-cx/parley/internal/config"
)

// unanswered_burst: the conversation did not end with the customer's
// messages unanswered: conversations.unanswered_bursts is 0 (docs/metrics.md,
// Friction). Evidence: the customer's last message. N/A while the
// conversation is not complete (still in progress, its last burst may yet
// be answered).
type unansweredBurst struct{}

func init() {
	register("unanswered_burst", func(config.AutoCheck, *Env) (Check, error) { return unansweredBurst{}, nil })
}

func (unansweredBurst) Run(c *Conversation) (string, int64, string) {
	if !c.Complete {
		return NA, 0, "still in progress"
	}
	if c.UnansweredBursts == 0 {
		return Pass, 0, "the customer's last messages were answered or the conversation resolved"
	}
	var last int64
	for i := len(c.Events) - 1; i >= 0; i-- {
		if isCustomerMessage(&c.Events[i]) {
			last = c.Events[i].Seq
			break
		}
	}
	return Fail, last, "ended unresolved with the customer's last messages unanswered"
}
