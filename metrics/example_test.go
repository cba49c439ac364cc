package metrics_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	parleybuild "github.com/parley-cx/parley/build"
	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/warehouse"
	"github.com/parley-cx/parley/query"
)

func Example_firstResponse() {
	dir, err := os.MkdirTemp("", "parley-example-")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	// A customer writes at 09:00, a bot answers at once, an agent at 09:04.
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	say := func(id string, sec int, role string) event.Event {
		return event.Event{EventID: id, ConversationID: "c1", Type: event.MessageSent, OccurredAt: at.Add(time.Duration(sec) * time.Second),
			Channel: event.Webchat, Actor: &event.Actor{Role: role, ID: role + "-1"}, Message: &event.Message{Text: "..."}}
	}
	evs := []event.Event{say("e1", 0, event.RoleCustomer), say("e2", 1, event.RoleBot), say("e3", 240, event.RoleAgent)}
	if err := writeLakeFiles(filepath.Join(dir, "lake"), evs); err != nil {
		fmt.Println(err)
		return
	}
	settings := config.Default()
	settings.TimeZone = "America/New_York"
	ctx := context.Background()
	dbPath := filepath.Join(dir, "warehouse.duckdb")
	if _, err := parleybuild.Run(ctx, parleybuild.Config{Lake: filepath.Join(dir, "lake"), DB: dbPath, Settings: settings}); err != nil {
		fmt.Println(err)
		return
	}
	db, err := warehouse.Open(dbPath, true)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	if err := query.Write(ctx, db, "SELECT local_date, first_response_s, first_response_any_s, bot_handled FROM conversations", query.FormatCSV, os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output:
	// local_date,first_response_s,first_response_any_s,bot_handled
	// 2026-03-02,240,1,true
}
