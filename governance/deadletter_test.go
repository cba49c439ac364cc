package governance

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/parley-cx/parley/ingest"
	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/lake"
)

// oldDeadLetter is the dead-letter row as written before the ID columns.
type oldDeadLetter struct {
	Source     string    `parquet:"source,dict"`
	Partition  int32     `parquet:"partition"`
	Offset     int64     `parquet:"offset"`
	Key        []byte    `parquet:"key,optional"`
	Raw        []byte    `parquet:"raw"`
	RawSize    int64     `parquet:"raw_size"`
	Reason     string    `parquet:"reason,dict"`
	Field      string    `parquet:"field,optional,dict"`
	Detail     string    `parquet:"detail"`
	ReceivedAt time.Time `parquet:"received_at,timestamp(microsecond)"`
}

// TestEraseDeadLetters: dead letters that name the customer in ways the
// stored bytes hide (a JSON escape, an ID only after the 1 MiB cut, a CSV
// row) are scrubbed, in files written with the ID columns and in files
// written before them; similar IDs of other customers are not; a cut
// dead letter from before the ID columns is reported, not guessed at.
func TestEraseDeadLetters(t *testing.T) {
	late := `{"event_id":"d3","conversation_id":"c-big","type":"message","occurred_at":"2026-03-02T10:00:00Z",` +
		`"message":{"text":"` + strings.Repeat("y", event.MaxEventBytes) + `"},"actor":{"role":"customer","id":"cust-late"}}`
	lines := []string{
		`{"event_id":"d1","conversation_id":"c-amp","type":"teleported","actor":{"role":"customer","id":"a&b"},"broken`,
		`{"event_id":"d2","conversation_id":"c-esc","actor":{"role":"customer","id":"c\u0031"},"type":`,
		late,
		`2026-03-02,cust-csv,my phone is 555`,
		`{"event_id":"d5","actor":{"role":"customer","id":"a&bc"},"type":"x"}`, // another customer
		`2026-03-02,cust-csvx,not the same person`,                             // another customer
	}
	escaped := []byte(`{"actor":{"id":"a\u0026b"},"oops`)
	old := []oldDeadLetter{
		{Source: "legacy", Partition: -1, Offset: 1, Raw: escaped, RawSize: int64(len(escaped)), Reason: "malformed_json", Detail: "d"},
		{Source: "legacy", Partition: -1, Offset: 2, Raw: []byte(`{"message":{"text":"yyyy`), RawSize: 5 << 20, Reason: "too_large", Detail: "d"},
	}
	tests := []struct {
		customer         string
		wantScrubbed     []string // raw prefixes of the dead letters scrubbed
		wantUnverifiable int64
	}{
		{"a&b", []string{lines[0][:20], string(old[0].Raw[:10])}, 1},
		{"c1", []string{lines[1][:20]}, 1},
		{"cust-late", []string{late[:20]}, 1},
		{"cust-csv", []string{lines[3][:20]}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.customer, func(t *testing.T) {
			root := importRaw(t, lines)
			oldPath := filepath.Join(lake.DeadLetterPartitionDir(root, time.Now()), "legacy-1-2.parquet")
			writeOld(t, oldPath, old)
			st, err := Erase(context.Background(), EraseConfig{Lake: root, Customer: tt.customer})
			if err != nil {
				t.Fatal(err)
			}
			if st.DeadLetters != int64(len(tt.wantScrubbed)) || st.DeadLettersUnverifiable != tt.wantUnverifiable {
				t.Errorf("%s, want %d scrubbed and %d unverifiable", st, len(tt.wantScrubbed), tt.wantUnverifiable)
			}
			// Old and new files read together, as docs/ingest.md says to.
			db := openDuck(t)
			rows, err := db.Query(`SELECT coalesce(raw::VARCHAR, ''), detail, actor_id IS NULL FROM read_parquet(?, union_by_name = true) ORDER BY source, "offset"`, lake.DeadLetterGlob(root))
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			left := 0
			for rows.Next() {
				var raw, detail string
				var noID bool
				if err := rows.Scan(&raw, &detail, &noID); err != nil {
					t.Fatal(err)
				}
				if detail != erasedDetail {
					left++
					continue
				}
				if raw != "" || !noID {
					t.Errorf("scrubbed dead letter keeps raw %q or its IDs", raw)
				}
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			if want := len(lines) + len(old) - len(tt.wantScrubbed); left != want {
				t.Errorf("%d dead letters untouched, want %d", left, want)
			}
			for _, prefix := range tt.wantScrubbed {
				if hits := filesContaining(t, filepath.Join(root, lake.DeadLetterDir), []byte(prefix)); len(hits) > 0 {
					t.Errorf("bytes of a scrubbed dead letter (%q) still in %v", prefix, hits)
				}
			}
		})
	}
}

// importRaw imports lines exactly as written, and one valid event, into a new lake.
func importRaw(t *testing.T, lines []string) string {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "raw.jsonl")
	// One valid event of nobody the tests erase: an input with no valid
	// line is refused whole.
	valid := `{"event_id":"ok1","conversation_id":"c-ok","type":"conversation_started","occurred_at":"2026-03-02T09:00:00Z","actor":{"role":"customer","id":"cust-ok"}}`
	if err := os.WriteFile(in, []byte(strings.Join(append(lines, valid), "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(dir, "lake")
	if _, err := ingest.Import(context.Background(), ingest.ImportConfig{Lake: root, Inputs: []string{in}}); err != nil {
		t.Fatal(err)
	}
	return root
}

// writeOld writes dead letters in the schema of before the ID columns.
func writeOld(t *testing.T, path string, rows []oldDeadLetter) {
	t.Helper()
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[oldDeadLetter](&buf)
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
