package transform_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/lake"
	"github.com/parley-cx/parley/internal/warehouse"
	"github.com/parley-cx/parley/transform"
)

// writeLakeFile writes events as one lake file named name in their UTC date's partition.
func writeLakeFile(root, name string, ingested time.Time, evs ...event.Event) error {
	var rows []lake.Row
	for i := range evs {
		r, err := lake.FromEvent(&evs[i], "test", 0, int64(i), ingested)
		if err != nil {
			return err
		}
		rows = append(rows, r)
	}
	dir := lake.PartitionDir(root, evs[0].OccurredAt)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return parquet.WriteFile(filepath.Join(dir, name), rows)
}

func writeFile(t *testing.T, root, name string, ingested time.Time, evs ...event.Event) {
	t.Helper()
	if err := writeLakeFile(root, name, ingested, evs...); err != nil {
		t.Fatal(err)
	}
}

func msg(id, conv string, at time.Time, text string) event.Event {
	return event.Event{
		EventID: id, ConversationID: conv, Type: event.MessageSent, OccurredAt: at,
		Actor: &event.Actor{Role: event.RoleCustomer, ID: "c1"}, Message: &event.Message{Text: text},
	}
}

func TestRun(t *testing.T) {
	root := t.TempDir()
	t0 := time.Date(2026, 3, 1, 23, 59, 0, 0, time.UTC)
	first := time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)
	// The same event arrives twice, the later copy with different text (a
	// producer retry after an edit); the first ingested copy wins.
	writeFile(t, root, "a-0-1.parquet", first,
		msg("e1", "conv", t0, "first copy"),
		msg("e2", "conv", t0.Add(2*time.Minute), "late day"))
	writeFile(t, root, "b-0-0.parquet", first.Add(time.Hour),
		msg("e1", "conv", t0, "second copy"))
	reopen := event.Event{EventID: "e3", ConversationID: "conv", Type: event.Reopened, OccurredAt: t0.Add(time.Minute)}
	writeFile(t, root, "c-0-0.parquet", first, reopen)
	// A file being written must be ignored, whatever its content.
	tmp := filepath.Join(lake.PartitionDir(root, t0), lake.TempPrefix+"d-0-9.parquet.part")
	if err := os.WriteFile(tmp, []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}

	dbPath := filepath.Join(t.TempDir(), "w.duckdb")
	stats, err := transform.Run(context.Background(), transform.Config{Lake: root, DB: dbPath})
	if err != nil {
		t.Fatal(err)
	}
	if stats.Files != 3 || stats.RawRows != 4 || stats.Events != 3 || stats.Duplicates != 1 || stats.Conversations != 1 {
		t.Errorf("stats = %+v, want 3 files, 4 raw rows, 3 events, 1 duplicate, 1 conversation", stats)
	}
	db, err := warehouse.Open(dbPath, true)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT event_id, seq, episode, coalesce(message_text, '') FROM events ORDER BY seq")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var id, text string
		var seq, episode int
		if err := rows.Scan(&id, &seq, &episode, &text); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s/%d/%d/%s", id, seq, episode, text))
	}
	want := []string{"e1/1/1/first copy", "e3/2/2/", "e2/3/2/late day"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("events = %v, want %v", got, want)
	}
}

func TestRunEmptyLake(t *testing.T) {
	_, err := transform.Run(context.Background(), transform.Config{Lake: t.TempDir(), DB: filepath.Join(t.TempDir(), "w.duckdb")})
	if !errors.Is(err, transform.ErrNoEvents) {
		t.Fatalf("error %v, want ErrNoEvents", err)
	}
}
