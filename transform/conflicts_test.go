package transform_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	_ "github.com/marcboeker/go-duckdb/v2" // the "duckdb" driver, to rewrite a lake file
	"github.com/parquet-go/parquet-go"

	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/lake"
	"github.com/parley-cx/parley/internal/warehouse"
	"github.com/parley-cx/parley/transform"
)

// delivery is one copy of an event as the lake received it.
type delivery struct {
	file     string // lake file name
	source   string
	offset   int64
	ingested time.Time
	ev       event.Event
}

func writeDeliveries(t *testing.T, root string, ds []delivery) {
	t.Helper()
	byFile := map[string][]lake.Row{}
	var order []string
	for _, d := range ds {
		r, err := lake.FromEvent(&d.ev, d.source, 0, d.offset, d.ingested)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(lake.PartitionDir(root, d.ev.OccurredAt), d.file)
		if _, ok := byFile[path]; !ok {
			order = append(order, path)
		}
		byFile[path] = append(byFile[path], r)
	}
	for _, path := range order {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := parquet.WriteFile(path, byFile[path]); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDuplicateConflicts: copies of one event_id that differ in content are
// listed in duplicate_conflicts with the fields that differ; the first
// ingested copy is kept whatever the file order; identical copies, however
// they were delivered, are not conflicts.
func TestDuplicateConflicts(t *testing.T) {
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	t1 := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	t2, t3 := t1.Add(time.Hour), t1.Add(2*time.Hour)
	base := msg("e1", "conv-1", at, "hello")
	with := func(f func(*event.Event)) event.Event {
		ev := base
		m := *base.Message
		ev.Message = &m
		f(&ev)
		return ev
	}
	withAttrs := func(a map[string]string) event.Event {
		return with(func(ev *event.Event) { ev.Attributes = a })
	}
	// "z-" sorts after "a-": the copy in the later file name is ingested first.
	first := func(ev event.Event) delivery { return delivery{"z-0-0.parquet", "topic", 7, t1, ev} }
	later := func(ev event.Event, ingested time.Time) delivery {
		return delivery{fmt.Sprintf("a-0-%d.parquet", ingested.Hour()), "backfill", 3, ingested, ev}
	}
	tests := []struct {
		name   string
		copies []delivery
		// want lists event_id / differing fields / kept source / dropped source / dropped conversation.
		want []string
		// keptConversation is where events holds e1.
		keptConversation string
		// reversed names lake files whose attributes are rewritten with
		// their keys in reverse order (parquet-go writes them sorted).
		reversed []string
	}{
		{"identical re-delivery", []delivery{first(base), later(base, t2)}, nil, "conv-1", nil},
		{"another text", []delivery{later(with(func(ev *event.Event) { ev.Message.Text = "hello!" }), t2), first(base)},
			[]string{"e1 [message_text] topic backfill conv-1"}, "conv-1", nil},
		{"another conversation", []delivery{first(base), later(with(func(ev *event.Event) { ev.ConversationID = "conv-2" }), t2)},
			[]string{"e1 [conversation_id] topic backfill conv-2"}, "conv-1", nil},
		{"another time and actor", []delivery{first(base), later(with(func(ev *event.Event) {
			ev.OccurredAt = at.Add(time.Second)
			ev.Actor = &event.Actor{Role: event.RoleAgent, ID: "a9"}
		}), t2)},
			[]string{"e1 [occurred_at actor_role actor_id] topic backfill conv-1"}, "conv-1", nil},
		{"same instant in another offset", []delivery{first(base), later(with(func(ev *event.Event) {
			ev.OccurredAt = at.In(time.FixedZone("", 3600))
		}), t2)},
			[]string{"e1 [occurred_offset_s] topic backfill conv-1"}, "conv-1", nil},
		{"three copies, one differs", []delivery{first(base), later(base, t2), later(with(func(ev *event.Event) { ev.Message.Private = true }), t3)},
			[]string{"e1 [message_private] topic backfill conv-1"}, "conv-1", nil},
		{"attributes, any order", []delivery{
			first(withAttrs(map[string]string{"a": "1", "b": "2", "c": "3"})),
			later(withAttrs(map[string]string{"a": "1", "b": "2", "c": "3"}), t2),
			later(withAttrs(map[string]string{"a": "1", "b": "2", "c": "4"}), t3),
		}, []string{"e1 [attributes] topic backfill conv-1"}, "conv-1", []string{"a-0-1.parquet", "a-0-2.parquet"}},
		{"no attributes and empty attributes", []delivery{first(base), later(withAttrs(map[string]string{}), t2)}, nil, "conv-1", nil},
		{"unknown fields", []delivery{first(base), later(with(func(ev *event.Event) {
			ev.Extra = map[string]json.RawMessage{"tenant": json.RawMessage(`"acme"`)}
		}), t2)}, []string{"e1 [extra] topic backfill conv-1"}, "conv-1", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			writeDeliveries(t, root, tc.copies)
			for _, name := range tc.reversed {
				reverseAttributes(t, filepath.Join(lake.PartitionDir(root, at), name))
			}
			dbPath := filepath.Join(t.TempDir(), "w.duckdb")
			stats, err := transform.Run(context.Background(), transform.Config{Lake: root, DB: dbPath})
			if err != nil {
				t.Fatal(err)
			}
			if stats.Events != 1 || stats.Conflicts != int64(len(tc.want)) {
				t.Errorf("stats %+v: want 1 event and %d conflicts", stats, len(tc.want))
			}
			db, err := warehouse.Open(dbPath, true)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			got := conflictRows(t, db.DB)
			if !slices.Equal(got, tc.want) {
				t.Errorf("duplicate_conflicts:\n got %q\nwant %q", got, tc.want)
			}
			var conv, source string
			if err := db.QueryRow("SELECT conversation_id, source FROM events WHERE event_id = 'e1'").Scan(&conv, &source); err != nil {
				t.Fatal(err)
			}
			if conv != tc.keptConversation || source != "topic" {
				t.Errorf("events keeps e1 in %s from %s, want %s from the first ingested copy (topic)", conv, source, tc.keptConversation)
			}
		})
	}
}

// reverseAttributes rewrites the lake file at path with every row's
// attributes in reverse key order.
func reverseAttributes(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`COPY (SELECT * REPLACE (map_from_entries(list_reverse(map_entries(attributes))) AS attributes) FROM read_parquet($1))
		TO '`+path+`.rev' (FORMAT parquet)`, path); err != nil {
		t.Fatal(err)
	}
	var keys string
	if err := db.QueryRow(`SELECT array_to_string(map_keys(attributes), '') FROM read_parquet($1)`, path+".rev").Scan(&keys); err != nil {
		t.Fatal(err)
	}
	if keys != "cba" {
		t.Fatalf("attributes rewritten with keys %q, want them reversed", keys)
	}
	if err := os.Rename(path+".rev", path); err != nil {
		t.Fatal(err)
	}
}

// conflictRows lists duplicate_conflicts as "event_id [fields] kept_source
// dropped_source dropped_conversation_id", sorted.
func conflictRows(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query(`SELECT event_id, array_to_string(differing_fields, ' '), kept_source, dropped_source, dropped_conversation_id
		FROM duplicate_conflicts ORDER BY ALL`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, fields, kept, dropped, conv string
		if err := rows.Scan(&id, &fields, &kept, &dropped, &conv); err != nil {
			t.Fatal(err)
		}
		out = append(out, strings.Join([]string{id, "[" + fields + "]", kept, dropped, conv}, " "))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
