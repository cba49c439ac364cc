package spec

import (
	"fmt"
	"sort"
	"time"

	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/lake"
)

// Event is one deduplicated event of a conversation, in conversation order: the kept lake row
// plus the ordering columns of `events`.
type Event struct {
	lake.Row
	// Seq is 1-based within the conversation.
	Seq int64
	// Episode is 1-based; see episodeNumbers.
	Episode int32
	// OccurredLocal is OccurredAt on the wall clock of the org time zone.
	OccurredLocal time.Time
}

// Dedup keeps one copy of each event_id.
//
// docs/metrics.md, events: "Duplicates (the same event_id delivered twice, e.g. a producer
// retry): the copy ingested first is kept (ingested_at, then source, partition, offset)."
//
// The copies may differ in any field, their conversation_id included: the kept copy decides
// everything. The result is in no particular order.
func Dedup(rows []lake.Row) []lake.Row {
	kept := map[string]lake.Row{}
	for _, r := range rows {
		old, seen := kept[r.EventID]
		if !seen || IngestedBefore(r, old) {
			kept[r.EventID] = r
		}
	}
	out := make([]lake.Row, 0, len(kept))
	for _, r := range kept {
		out = append(out, r)
	}
	return out
}

// IngestedBefore reports whether copy a of an event is kept over copy b: Dedup's order,
// ingested_at, then source, partition, offset.
func IngestedBefore(a, b lake.Row) bool {
	if !a.IngestedAt.Equal(b.IngestedAt) {
		return a.IngestedAt.Before(b.IngestedAt)
	}
	if a.Source != b.Source {
		return a.Source < b.Source
	}
	if a.Partition != b.Partition {
		return a.Partition < b.Partition
	}
	return a.Offset < b.Offset
}

// typeOrder ranks the event types for ties on occurred_at.
//
// docs/metrics.md, events: "Ties on occurred_at are broken by type order conversation_started,
// reopened, message, assigned, escalated, transferred, resolved, csat (a start or reopen precedes
// what happens at the same instant, a resolution follows it), then by event_id."
var typeOrder = map[string]int{
	string(event.ConversationStarted): 1,
	string(event.Reopened):            2,
	string(event.MessageSent):         3,
	string(event.Assigned):            4,
	string(event.Escalated):           5,
	string(event.Transferred):         6,
	string(event.Resolved):            7,
	string(event.CSATAnswered):        8,
}

// orderedBefore is the conversation order of two kept events.
//
// docs/metrics.md, events: "Out-of-order and late arrival do not matter: order is recomputed from
// occurred_at." Ties: see typeOrder. event_id compares byte by byte, as SQL compares VARCHAR.
func orderedBefore(a, b lake.Row) bool {
	if !a.OccurredAt.Equal(b.OccurredAt) {
		return a.OccurredAt.Before(b.OccurredAt)
	}
	if typeOrder[a.Type] != typeOrder[b.Type] {
		return typeOrder[a.Type] < typeOrder[b.Type]
	}
	return a.EventID < b.EventID
}

// Order turns one conversation's kept rows into its events: sorted, numbered (seq), split into
// episodes, with their local time in loc (the org time zone).
//
// docs/metrics.md, events: "seq: 1-based order within the conversation".
func Order(kept []lake.Row, loc *time.Location) ([]Event, error) {
	if len(kept) == 0 {
		return nil, fmt.Errorf("spec: a conversation needs at least one event")
	}
	rows := append([]lake.Row(nil), kept...)
	sort.SliceStable(rows, func(i, j int) bool { return orderedBefore(rows[i], rows[j]) })
	evs := make([]Event, len(rows))
	for i, r := range rows {
		if r.ConversationID != rows[0].ConversationID {
			return nil, fmt.Errorf("spec: events of two conversations given as one: %q and %q", rows[0].ConversationID, r.ConversationID)
		}
		r.OccurredAt = r.OccurredAt.UTC()
		r.IngestedAt = r.IngestedAt.UTC()
		evs[i] = Event{Row: r, Seq: int64(i + 1), OccurredLocal: wallClock(r.OccurredAt, loc)}
	}
	episodeNumbers(evs)
	return evs, nil
}

// episodeNumbers sets Episode on conversation-ordered events.
//
// docs/metrics.md, events: "episode: 1-based; a new episode starts at each reopened event, except
// a reopened that is the conversation's first event (its earlier events lie outside the data):
// episode 1 starts with it".
func episodeNumbers(evs []Event) {
	episode := int32(1)
	for i := range evs {
		if i > 0 && evs[i].Type == string(event.Reopened) {
			episode++
		}
		evs[i].Episode = episode
	}
}

// wallClock is t on the wall clock of loc, as a time in UTC: what a DuckDB TIMESTAMP of local
// time holds. docs/metrics.md: "*_local columns are TIMESTAMP wall-clock time in the
// organisation's time zone".
func wallClock(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), time.UTC)
}

// dateOf is the calendar date of a wall-clock time, as midnight UTC (a DuckDB DATE).
func dateOf(wall time.Time) time.Time {
	return time.Date(wall.Year(), wall.Month(), wall.Day(), 0, 0, 0, 0, time.UTC)
}

// eventRow is the `events` row of one event: "all internal/lake.Row columns plus seq, episode,
// occurred_local". Optional lake strings that are empty are NULL, as the lake stores them; the
// attributes map is NULL only when the lake row has none at all.
func eventRow(e Event) EventRow {
	r := EventRow{
		EventID:          e.EventID,
		ConversationID:   e.ConversationID,
		Type:             e.Type,
		OccurredAt:       e.OccurredAt,
		OccurredOffsetS:  e.OccurredOffsetS,
		Channel:          optString(lake.Text(e.Channel)),
		ActorRole:        optString(lake.Text(e.ActorRole)),
		ActorID:          optString(lake.Text(e.ActorID)),
		Queue:            optString(lake.Text(e.Queue)),
		MessageText:      e.MessageText,
		MessagePrivate:   e.MessagePrivate,
		MessageAutomated: e.MessageAutomated,
		ToRole:           optString(lake.Text(e.ToRole)),
		ToID:             optString(lake.Text(e.ToID)),
		ToQueue:          optString(lake.Text(e.ToQueue)),
		CSATScore:        e.CSATScore,
		Extra:            optString(lake.Text(e.Extra)),
		Source:           e.Source,
		Partition:        e.Partition,
		Offset:           e.Offset,
		IngestedAt:       e.IngestedAt,
		Seq:              e.Seq,
		Episode:          e.Episode,
		OccurredLocal:    e.OccurredLocal,
	}
	if e.Attributes != nil {
		r.Attributes = e.Attributes // an empty map in the lake is {}, not NULL
	}
	return r
}

// optString is s, or NULL when it is empty (how the lake stores an absent optional field).
func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
