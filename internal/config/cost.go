package config

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
)

// Cost holds the prices conversations.cost is computed from
// (docs/metrics.md, "Cost"). Unset prices are nil, never 0: a conversation
// that needs a price that is not set has no cost (NULL), and with no price
// set at all no conversation has one.
type Cost struct {
	// Currency labels the amounts on the pages ("EUR"); it changes no figure.
	Currency string `yaml:"currency"`
	// AgentHour is the loaded cost of one hour of agent working time
	// (conversations.agent_handle_s), for queues without their own.
	AgentHour *float64 `yaml:"agent_hour"`
	// BotConversation is the cost of one bot-handled conversation.
	BotConversation *float64 `yaml:"bot_conversation"`
	// Queues holds the agent hour of queues where it differs, by the
	// conversation's last queue.
	Queues map[string]QueueCost `yaml:"queues"`
	// Channels holds each channel's fee per conversation (WhatsApp's
	// conversation charges, SMS); a channel not listed charges none.
	Channels map[string]float64 `yaml:"channels"`
}

// QueueCost is one queue's agent hour.
type QueueCost struct {
	AgentHour *float64 `yaml:"agent_hour"`
}

// Set reports whether any price is set: otherwise every conversation's cost is NULL.
func (c Cost) Set() bool {
	return c.AgentHour != nil || c.BotConversation != nil || len(c.Queues) > 0 || len(c.Channels) > 0
}

// AgentHourFor is the agent hour of a conversation whose last queue is
// queue: the queue's own, else agent_hour; nil when neither is set.
func (c Cost) AgentHourFor(queue string) *float64 {
	if q, ok := c.Queues[queue]; ok && q.AgentHour != nil {
		return q.AgentHour
	}
	return c.AgentHour
}

func (c Cost) validate() []error {
	var errs []error
	price := func(field string, v *float64) {
		if v != nil && !(*v >= 0 && !math.IsInf(*v, 1)) { // NaN fails every comparison
			errs = append(errs, fmt.Errorf("%s: must be a finite amount >= 0, got %g", field, *v))
		}
	}
	if len(c.Currency) > 8 || strings.ContainsAny(c.Currency, "\n\r\t") {
		errs = append(errs, fmt.Errorf("cost.currency: %q must be a short label such as EUR or $ (at most 8 bytes)", c.Currency))
	}
	price("cost.agent_hour", c.AgentHour)
	price("cost.bot_conversation", c.BotConversation)
	for _, q := range slices.Sorted(maps.Keys(c.Queues)) {
		if q == "" {
			errs = append(errs, fmt.Errorf("cost.queues: queue name must not be empty"))
		}
		if c.Queues[q].AgentHour == nil {
			errs = append(errs, fmt.Errorf("cost.queues.%s.agent_hour: required (the queue's entry exists only to set it)", q))
		}
		price("cost.queues."+q+".agent_hour", c.Queues[q].AgentHour)
	}
	for _, ch := range slices.Sorted(maps.Keys(c.Channels)) {
		v := c.Channels[ch]
		price("cost.channels."+ch, &v)
		if err := checkChannel("cost.channels."+ch, ch, "this fee would charge nothing"); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}
