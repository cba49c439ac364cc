package ingest

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/marcboeker/go-duckdb/v2" // registers the "duckdb" driver for lake checks

	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/lake"
)

// testEvent builds a valid event of conversation conv at a time that spreads
// events over a few UTC days, so batches split into several date partitions.
func testEvent(rng *rand.Rand, id, conv int) event.Event {
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.FixedZone("", 3600*(rng.IntN(5)-2))).Add(time.Duration(rng.IntN(3*24*3600)) * time.Second)
	ev := event.Event{
		EventID:        fmt.Sprintf("ev-%06d", id),
		ConversationID: fmt.Sprintf("conv-%04d", conv),
		Type:           event.MessageSent,
		OccurredAt:     at,
		Channel:        event.Channels[rng.IntN(len(event.Channels))],
		Actor:          &event.Actor{Role: event.RoleCustomer, ID: fmt.Sprintf("cust-%d", conv)},
		Queue:          "billing",
		Message:        &event.Message{Text: fmt.Sprintf("Hello <b>%d</b>, my order hasn't arrived — ünïcödé", id)},
	}
	if id%7 == 0 {
		ev.Type, ev.Message, ev.Actor = event.CSATAnswered, nil, nil
		ev.CSAT = &event.CSAT{Score: 1 + id%5}
	}
	return ev
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// badInput is a message that breaks the contract, with the reason it must be dead-lettered for.
type badInput struct {
	raw    []byte
	reason event.Reason
}

// badInputs covers every reason the decoder can give.
func badInputs() []badInput {
	return []badInput{
		{[]byte(`{"event_id":`), event.ReasonMalformed},
		{[]byte("\xff\xfe not utf8"), event.ReasonInvalidUTF8},
		{[]byte(`{"event_id":"x","conversation_id":"c","type":"resolved"}`), event.ReasonMissingField},
		{[]byte(`{"event_id":"x","conversation_id":"c","type":"teleported","occurred_at":"2026-03-01T10:00:00Z"}`), event.ReasonBadValue},
		{[]byte(`{"event_id":7,"conversation_id":"c","type":"resolved","occurred_at":"2026-03-01T10:00:00Z"}`), event.ReasonWrongType},
		{[]byte(`{"event_id":"x","conversation_id":"c","type":"resolved","occurred_at":"yesterday"}`), event.ReasonBadTimestamp},
	}
}

// openDuck opens an in-memory DuckDB for reading lake files.
func openDuck(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// lakeEvents is the read_parquet expression every reader of the lake uses.
func lakeEvents(root string) string {
	return fmt.Sprintf("read_parquet('%s', hive_partitioning=true)", lake.EventsGlob(root))
}

func lakeDeadLetters(root string) string {
	return fmt.Sprintf("read_parquet('%s', hive_partitioning=true)", filepath.Join(root, lake.DeadLetterDir, "date=*", "*.parquet"))
}

func queryInt(t testing.TB, db *sql.DB, query string) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRow(query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}
