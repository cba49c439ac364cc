// Package lake defines the Parquet lake's layout and row schema, shared by every command that writes it.
package lake

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"time"

	"github.com/parley-cx/parley/internal/event"
)

// Lake layout, relative to the lake root. These paths are a public contract:
// DuckDB, Spark and pyarrow users glob them directly.
const (
	EventsDir     = "events"     // events/date=YYYY-MM-DD/<source>-<first>-<last>.parquet
	DeadLetterDir = "deadletter" // deadletter/date=YYYY-MM-DD/...
	AuditDir      = "_audit"     // append-only log of erase and retention runs
	// TempPrefix starts the name of every file still being written; readers
	// (and the build's glob) ignore it, so a half-written file is never seen.
	TempPrefix = "_tmp-"
)

// EventsGlob is the pattern that matches every complete events file under root.
func EventsGlob(root string) string {
	return filepath.Join(root, EventsDir, "date=*", "*.parquet")
}

// PartitionDir is the directory of one UTC date's events.
func PartitionDir(root string, day time.Time) string {
	return filepath.Join(root, EventsDir, "date="+day.UTC().Format(time.DateOnly))
}

// Row is one event as stored in the lake: the contract flattened into
// columns, so that SQL users need no nested types, plus where it came from.
type Row struct {
	EventID        string    `parquet:"event_id"`
	ConversationID string    `parquet:"conversation_id"`
	Type           string    `parquet:"type,dict"`
	OccurredAt     time.Time `parquet:"occurred_at,timestamp(microsecond)"`
	// OccurredOffsetS keeps the producer's UTC offset, which an instant alone loses.
	OccurredOffsetS  int32             `parquet:"occurred_offset_s"`
	Channel          string            `parquet:"channel,optional,dict"`
	ActorRole        string            `parquet:"actor_role,optional,dict"`
	ActorID          string            `parquet:"actor_id,optional,dict"`
	Queue            string            `parquet:"queue,optional,dict"`
	MessageText      *string           `parquet:"message_text,optional"`
	MessagePrivate   *bool             `parquet:"message_private,optional"`
	MessageAutomated *bool             `parquet:"message_automated,optional"`
	ToRole           string            `parquet:"to_role,optional,dict"`
	ToID             string            `parquet:"to_id,optional,dict"`
	ToQueue          string            `parquet:"to_queue,optional,dict"`
	CSATScore        *int32            `parquet:"csat_score,optional"`
	Attributes       map[string]string `parquet:"attributes,optional"`
	// Extra is the JSON object of fields the contract does not name.
	Extra string `parquet:"extra,optional"`
	// Source is the Kafka topic, or the import's source name.
	Source string `parquet:"source,dict"`
	// Partition and Offset locate the event in its source (for imports: -1 and the line number).
	Partition  int32     `parquet:"partition"`
	Offset     int64     `parquet:"offset"`
	IngestedAt time.Time `parquet:"ingested_at,timestamp(microsecond)"`
}

// FromEvent flattens a validated event into a lake row.
func FromEvent(ev *event.Event, source string, partition int32, offset int64, ingestedAt time.Time) (Row, error) {
	_, off := ev.OccurredAt.Zone()
	r := Row{
		EventID:         ev.EventID,
		ConversationID:  ev.ConversationID,
		Type:            string(ev.Type),
		OccurredAt:      ev.OccurredAt.UTC(),
		OccurredOffsetS: int32(off),
		Channel:         string(ev.Channel),
		Queue:           ev.Queue,
		Attributes:      ev.Attributes,
		Source:          source,
		Partition:       partition,
		Offset:          offset,
		IngestedAt:      ingestedAt.UTC(),
	}
	if ev.Actor != nil {
		r.ActorRole, r.ActorID = ev.Actor.Role, ev.Actor.ID
	}
	if m := ev.Message; m != nil {
		r.MessageText, r.MessagePrivate, r.MessageAutomated = &m.Text, &m.Private, &m.Automated
	}
	if t := ev.To; t != nil {
		r.ToRole, r.ToID, r.ToQueue = t.Role, t.ID, t.Queue
	}
	if c := ev.CSAT; c != nil {
		s := int32(c.Score)
		r.CSATScore = &s
	}
	if len(ev.Extra) > 0 {
		b, err := json.Marshal(ev.Extra)
		if err != nil {
			return Row{}, fmt.Errorf("lake: encode extra fields of event %s: %w", ev.EventID, err)
		}
		r.Extra = string(b)
	}
	return r, nil
}
