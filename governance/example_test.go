package governance_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/parley-cx/parley/governance"
	"github.com/parley-cx/parley/ingest"
)

// Erase a customer from a lake, after a dry run that only counts.
func ExampleErase() {
	dir, err := os.MkdirTemp("", "erase-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "events.jsonl")
	if err := os.WriteFile(in, []byte(`{"event_id":"e1","conversation_id":"c1","type":"conversation_started","occurred_at":"2026-03-02T10:00:00Z","actor":{"role":"customer","id":"cust-7"}}
{"event_id":"e2","conversation_id":"c1","type":"message","occurred_at":"2026-03-02T10:00:05Z","actor":{"role":"customer","id":"cust-7"},"message":{"text":"my address is ..."}}
{"event_id":"e3","conversation_id":"c1","type":"message","occurred_at":"2026-03-02T10:01:00Z","actor":{"role":"agent","id":"a1"},"message":{"text":"thanks"}}
`), 0o644); err != nil {
		fmt.Println(err)
		return
	}
	root := filepath.Join(dir, "lake")
	ctx := context.Background()
	if _, err := ingest.Import(ctx, ingest.ImportConfig{Lake: root, Inputs: []string{in}}); err != nil {
		fmt.Println(err)
		return
	}
	for _, dry := range []bool{true, false} {
		st, err := governance.Erase(ctx, governance.EraseConfig{Lake: root, Customer: "cust-7", DryRun: dry, Reason: "DSR-1"})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("dry run %v: %s\n", dry, st)
	}
	log, err := governance.ReadAudit(root)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range log {
		fmt.Println(e.Action, e.Status, e.DryRun, e.Counts["events"], e.Params["customer_sha256"] == governance.CustomerDigest("cust-7"))
	}
	// Output:
	// dry run true: 2 events of 1 conversations removed, 0 dead letters scrubbed, 0 QA review rows scrubbed, 1 of 1 files rewritten
	// dry run false: 2 events of 1 conversations removed, 0 dead letters scrubbed, 0 QA review rows scrubbed, 1 of 1 files rewritten
	// erase started true 0 true
	// erase completed true 2 true
	// erase started false 0 true
	// erase completed false 2 true
}

// Drop everything older than 400 days, as a daily job would.
func ExampleRetention() {
	root, err := os.MkdirTemp("", "retention-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(root)
	for _, day := range []string{"2024-01-01", "2026-03-02"} {
		if err := os.MkdirAll(filepath.Join(root, "events", "date="+day), 0o755); err != nil {
			fmt.Println(err)
			return
		}
	}
	now := time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC)
	st, err := governance.Retention(context.Background(), governance.RetentionConfig{Lake: root, Keep: 400 * 24 * time.Hour, Now: now})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(st)
	// Output:
	// dropped 1 event date partitions, 0 dead-letter and 0 QA review date partitions before 2025-01-27 (0 files, 0.0 MB)
}
