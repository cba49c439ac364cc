package config

import (
	"fmt"
	"maps"
	"slices"
)

// QueueRef is a queue name a setting holds, and the setting's key path.
type QueueRef struct {
	Path  string // queues.billing, qa.scorecards[0].queues[1], …
	Queue string
}

// QueueRefs lists every queue name the settings hold, in file order of the
// sections: queues, cost.queues, staffing.queues, qa.scorecards[].queues,
// qa.auto.checks[].queues (map keys sorted). Queue names are the data's, not
// a fixed set as channels are, so Load cannot check them; a build checks
// them against its events and warns of those no event names (a typo there
// would leave the queue on the default hours, cost, staffing or checks).
func (c *Config) QueueRefs() []QueueRef {
	var out []QueueRef
	keys := func(section string, names []string) {
		slices.Sort(names)
		for _, q := range names {
			out = append(out, QueueRef{Path: section + "." + q, Queue: q})
		}
	}
	list := func(section string, names []string) {
		for j, q := range names {
			out = append(out, QueueRef{Path: fmt.Sprintf("%s.queues[%d]", section, j), Queue: q})
		}
	}
	keys("queues", slices.Collect(maps.Keys(c.Queues)))
	keys("cost.queues", slices.Collect(maps.Keys(c.Cost.Queues)))
	keys("staffing.queues", slices.Collect(maps.Keys(c.Staffing.Queues)))
	for i, s := range c.QA.Scorecards {
		list(fmt.Sprintf("qa.scorecards[%d]", i), s.Queues)
	}
	for i, k := range c.QA.Auto.Checks {
		list(fmt.Sprintf("qa.auto.checks[%d]", i), k.Queues)
	}
	return out
}
