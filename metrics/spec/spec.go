package spec

import (
	"fmt"
	"time"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/lake"
)

// Context is what a conversation's figures need from outside the conversation.
type Context struct {
	// Settings are the ones the warehouse was built with (validated).
	Settings *config.Config
	// LastEventAt is the instant of the last event in the whole warehouse
	// (warehouse_info.last_event_at): complete, reply windows still open at the end and
	// repeat_window_closed use it.
	LastEventAt time.Time
	// Starts lists every conversation's start by customer_id, for repeat_contact. A
	// conversation's own start may be among them.
	Starts map[string][]Start
}

// Start is when a conversation began: its first event.
type Start struct {
	ConversationID string
	StartedAt      time.Time
}

// Result is every warehouse row of one conversation.
type Result struct {
	Events       []EventRow
	Messages     []MessageRow
	Episodes     []EpisodeRow
	Escalations  []EscalationRow
	Conversation ConversationRow
}

// Compute derives one conversation's rows from its raw lake rows: every copy of each of its
// events as the lake holds them, duplicates included, in any order.
func Compute(raw []lake.Row, c Context) (Result, error) {
	if c.Settings == nil {
		return Result{}, fmt.Errorf("spec: no settings")
	}
	evs, err := Order(Dedup(raw), c.Settings.Location())
	if err != nil {
		return Result{}, err
	}
	res := Result{
		Messages:    messageRows(evs, channelOf(evs)),
		Episodes:    episodeRows(evs),
		Escalations: escalationRows(evs, c.Settings),
	}
	for _, e := range evs {
		res.Events = append(res.Events, eventRow(e))
	}
	res.Conversation, err = conversationRow(evs, res.Episodes, res.Escalations, c)
	if err != nil {
		return Result{}, err
	}
	return res, nil
}

// StartOf is the conversation's customer_id and start, from its kept rows (see Dedup): what
// Context.Starts needs of every conversation, without computing the rest.
func StartOf(kept []lake.Row) (customer string, start Start, err error) {
	evs, err := Order(kept, time.UTC)
	if err != nil {
		return "", Start{}, err
	}
	return customerID(evs), Start{ConversationID: evs[0].ConversationID, StartedAt: evs[0].OccurredAt}, nil
}
