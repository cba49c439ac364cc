package ingest_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/parley-cx/parley/ingest"
)

// Import loads JSON lines into the lake; lines that break the contract go to
// the dead-letter store with their reason instead of stopping the import.
func ExampleImport() {
	dir, err := os.MkdirTemp("", "parley-lake")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	input := strings.Join([]string{
		`{"event_id":"e1","conversation_id":"c1","type":"conversation_started","occurred_at":"2026-03-01T09:00:00+01:00","channel":"webchat"}`,
		`{"event_id":"e2","conversation_id":"c1","type":"csat","occurred_at":"2026-03-01T09:30:00+01:00","csat":{"score":9}}`,
		`{"event_id":"e3","conversation_id":"c1","type":"resolved","occurred_at":"2026-03-01T09:20:00+01:00"}`,
	}, "\n")
	st, err := ingest.Import(context.Background(), ingest.ImportConfig{
		Lake:   dir,
		Inputs: []string{"-"},
		Stdin:  strings.NewReader(input),
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(st.Events, "events,", st.DeadLetters, "dead letter:", st.Reasons)
	files, _ := filepath.Glob(filepath.Join(dir, "events", "date=*", "*.parquet"))
	for _, f := range files {
		rel, _ := filepath.Rel(dir, f)
		fmt.Println(filepath.ToSlash(rel))
	}
	// Output:
	// 2 events, 1 dead letter: map[invalid_value:1]
	// events/date=2026-03-01/stdin-50e2f500217411d6-1-3.parquet
}
