package governance

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/parley-cx/parley/build"
	"github.com/parley-cx/parley/ingest"
	"github.com/parley-cx/parley/internal/warehouse"
)

// line is one input line of a test lake: an event, or anything else.
type line = map[string]any

// conversation returns the events of one conversation: the customer opens
// it and writes text, an agent replies, the agent resolves it.
func conversation(convID, customer, text string, day time.Time) []line {
	at := func(min int) string { return day.Add(time.Duration(min) * time.Minute).Format(time.RFC3339) }
	base := func(n int, typ string, actor line) line {
		return line{"event_id": fmt.Sprintf("%s-%d", convID, n), "conversation_id": convID, "type": typ,
			"occurred_at": at(n), "channel": "webchat", "queue": "support", "actor": actor}
	}
	cust := line{"role": "customer", "id": customer}
	agent := line{"role": "agent", "id": "agent-1"}
	e1 := base(1, "conversation_started", cust)
	e2 := base(2, "message", cust)
	e2["message"] = line{"text": text}
	e3 := base(3, "message", agent)
	e3["message"] = line{"text": "Thanks, looking into it for you."}
	e4 := base(4, "resolved", agent)
	return []line{e1, e2, e3, e4}
}

// importLake writes lines as a JSON-lines file and imports it into a new
// lake, returning the lake root.
func importLake(t *testing.T, name string, lines []line) string {
	t.Helper()
	dir := t.TempDir()
	var buf bytes.Buffer
	for _, l := range lines {
		b, err := json.Marshal(l)
		if err != nil {
			t.Fatal(err)
		}
		buf.Write(append(b, '\n'))
	}
	in := filepath.Join(dir, name+".jsonl")
	if err := os.WriteFile(in, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(dir, "lake")
	if _, err := ingest.Import(context.Background(), ingest.ImportConfig{Lake: root, Inputs: []string{in}}); err != nil {
		t.Fatalf("import: %v", err)
	}
	return root
}

// buildNew builds the lake into a fresh warehouse file, as parley build does.
func buildNew(t *testing.T, root string) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "warehouse.duckdb")
	if _, err := build.Run(context.Background(), build.Config{Lake: root, DB: db}); err != nil {
		t.Fatalf("build: %v", err)
	}
	return db
}

// openDuck opens an in-memory DuckDB for reading lake files through SQL.
func openDuck(t *testing.T) *warehouse.DB {
	t.Helper()
	db, err := warehouse.Open("", false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// queryInt runs a query that returns one integer.
func queryInt(t *testing.T, db *warehouse.DB, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// filesContaining walks root and returns every regular file whose raw bytes contain needle.
func filesContaining(t *testing.T, root string, needle []byte) []string {
	t.Helper()
	var hits []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(b, needle) {
			hits = append(hits, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hits
}

// snapshot maps every file under root to its content, to prove a run changed nothing.
func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	out := make(map[string]string)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		out[path] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
