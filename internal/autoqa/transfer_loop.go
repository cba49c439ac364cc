package autoqa

import (
	"fmt"

	"github.com/parley-cx/parley/internal/config"
)

// transfer_loop: the conversation never came back to a queue it had been
// moved out of (A → B → A). The queues are the ones its events name
// (event_queue of docs/metrics.md, "Current queue"): the current queue is
// the last one named, and a loop is a move to a queue it was in before.
// Evidence: the event that moved it back. N/A when no routing event
// (assigned, escalated, transferred) moved it.
type transferLoop struct{}

func init() {
	register("transfer_loop", func(config.AutoCheck, *Env) (Check, error) { return transferLoop{}, nil })
}

func (transferLoop) Run(c *Conversation) (string, int64, string) {
	current := ""
	left := map[string]bool{} // queues the conversation was moved out of
	routed := false
	for i := range c.Events {
		e := &c.Events[i]
		switch e.Type {
		case TypeAssigned, TypeEscalated, TypeTransferred:
			routed = true
		}
		if e.Queue == "" || e.Queue == current {
			continue
		}
		if left[e.Queue] {
			return Fail, e.Seq, fmt.Sprintf("moved back to queue %q after leaving it (from %q)", e.Queue, current)
		}
		if current != "" {
			left[current] = true
		}
		current = e.Queue
	}
	if !routed {
		return NA, 0, "never routed"
	}
	return Pass, 0, "no queue visited twice"
}
