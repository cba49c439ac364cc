package autoqa

import (
	"fmt"

	"github.com/parley-cx/parley/internal/config"
)

// nudge: no agent chased a silent customer ("are you still there?"):
// conversations.nudges is 0 (docs/metrics.md, Nudges). The warehouse
// counts nudges without naming them, so there is no evidence message.
// N/A when no human replied.
type nudge struct{}

func init() {
	register("nudge", func(config.AutoCheck, *Env) (Check, error) { return nudge{}, nil })
}

func (nudge) Run(c *Conversation) (string, int64, string) {
	replied := false
	for i := range c.Events {
		if humanReplies.reply(&c.Events[i]) {
			replied = true
			break
		}
	}
	switch {
	case !replied:
		return NA, 0, "no human reply"
	case c.Nudges > 0:
		return Fail, 0, fmt.Sprintf("%d nudge(s): an agent chased a silent customer", c.Nudges)
	}
	return Pass, 0, "no nudge"
}
