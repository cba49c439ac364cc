package autoqa

import (
	"fmt"

	"github.com/parley-cx/parley/internal/config"
)

// transfer_loop: no transfer moved the conversation back to a queue a
// transfer had moved it out of (A → B → A). The queues are the ones its
// events name (event_queue of docs/metrics.md, "Current queue"): the
// current queue is the last one named. A transfer is a routing event
// (assigned, escalated, transferred) that, while the conversation is open,
// names another queue than the current one; any other change of queue (a
// reopen, which may land the returning customer in another queue) moves
// the current queue without counting, for a customer returning is not a
// routing loop. Evidence: the transfer that moved it back. N/A when no
// routing event moved it.
type transferLoop struct{}

func init() {
	register("transfer_loop", func(config.AutoCheck, *Env) (Check, error) { return transferLoop{}, nil })
}

func (transferLoop) Run(c *Conversation) (string, int64, string) {
	current := ""
	left := map[string]bool{} // queues a transfer moved the conversation out of
	routed, open := false, true
	for i := range c.Events {
		e := &c.Events[i]
		transfer := false
		switch e.Type {
		case TypeAssigned, TypeEscalated, TypeTransferred:
			routed = true
			transfer = open
		case TypeResolved:
			open = false
		case TypeReopened:
			open = true
		}
		if e.Queue == "" || e.Queue == current {
			continue
		}
		if transfer {
			if left[e.Queue] {
				return Fail, e.Seq, fmt.Sprintf("moved back to queue %q by a transfer after a transfer out of it (from %q)", e.Queue, current)
			}
			if current != "" {
				left[current] = true
			}
		}
		current = e.Queue
	}
	if !routed {
		return NA, 0, "never routed"
	}
	return Pass, 0, "no transfer back to a queue it was transferred out of"
}
