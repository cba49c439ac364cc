package ingest

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parley-cx/parley/internal/event"
)

// importInput is a JSON-lines file with valid events, a duplicate, every kind
// of bad line, a blank line, a CRLF line and an oversized line.
func importInput(t *testing.T, valid int) (data []byte, wantBad map[int64]event.Reason) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	var buf bytes.Buffer
	wantBad = make(map[int64]event.Reason)
	line := int64(0)
	writeLine := func(b []byte, eol string) {
		line++
		buf.Write(b)
		buf.WriteString(eol)
	}
	bad := badInputs()
	for i := range valid {
		eol := "\n"
		if i == 3 {
			eol = "\r\n"
		}
		writeLine(mustJSON(t, testEvent(rng, i, i%17)), eol)
		if i%50 == 10 {
			b := bad[(i/50)%len(bad)]
			writeLine(b.raw, "\n")
			wantBad[line] = b.reason
		}
	}
	writeLine(mustJSON(t, testEvent(rand.New(rand.NewPCG(1, 2)), 0, 0)), "\n") // duplicate of the first event
	writeLine(nil, "\n")                                                       // blank line: skipped, not dead-lettered
	writeLine(bytes.Repeat([]byte("x"), event.MaxEventBytes+10), "\n")
	wantBad[line] = event.ReasonTooLarge
	writeLine([]byte(`{"event_id":`), "") // last line, no newline
	wantBad[line] = event.ReasonMalformed
	return buf.Bytes(), wantBad
}

func TestImportWritesLakeReadableByDuckDB(t *testing.T) {
	const valid = 700
	data, wantBad := importInput(t, valid)
	tests := []struct {
		name  string
		input func(t *testing.T) ImportConfig
	}{
		{"file", func(t *testing.T) ImportConfig {
			p := filepath.Join(t.TempDir(), "support-export.2026.jsonl")
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
			return ImportConfig{Inputs: []string{p}}
		}},
		{"stdin", func(*testing.T) ImportConfig {
			return ImportConfig{Inputs: []string{"-"}, Stdin: bytes.NewReader(data)}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.input(t)
			cfg.Lake = t.TempDir()
			st, err := Import(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if st.Events != valid+1 || st.DeadLetters != int64(len(wantBad)) {
				t.Fatalf("stats = %+v, want %d events and %d dead letters", st, valid+1, len(wantBad))
			}
			db := openDuck(t)
			if n := queryInt(t, db, "SELECT count(*) FROM "+lakeEvents(cfg.Lake)); n != valid+1 {
				t.Errorf("lake rows = %d, want %d (duplicates are kept in raw files)", n, valid+1)
			}
			if n := queryInt(t, db, "SELECT count(DISTINCT event_id) FROM "+lakeEvents(cfg.Lake)); n != valid {
				t.Errorf("distinct event ids = %d, want %d", n, valid)
			}
			// The hive date must be the event's UTC date, whatever offset it was sent with.
			if n := queryInt(t, db, "SELECT count(*) FROM "+lakeEvents(cfg.Lake)+" WHERE CAST(date AS DATE) <> CAST(timezone('UTC', occurred_at) AS DATE)"); n != 0 {
				t.Errorf("%d rows sit in the wrong date partition", n)
			}
			if n := queryInt(t, db, "SELECT count(DISTINCT date) FROM "+lakeEvents(cfg.Lake)); n < 3 {
				t.Errorf("events span %d date partitions, want at least 3", n)
			}
			var text string
			if err := db.QueryRow("SELECT message_text FROM " + lakeEvents(cfg.Lake) + " WHERE event_id = 'ev-000001'").Scan(&text); err != nil {
				t.Fatal(err)
			}
			if want := "Hello <b>1</b>, my order hasn't arrived — ünïcödé"; text != want {
				t.Errorf("message_text = %q, want %q", text, want)
			}
			rows, err := db.Query("SELECT \"offset\", reason, raw_size, octet_length(raw) FROM " + lakeDeadLetters(cfg.Lake))
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			got := make(map[int64]event.Reason)
			for rows.Next() {
				var line, size, rawLen int64
				var reason string
				if err := rows.Scan(&line, &reason, &size, &rawLen); err != nil {
					t.Fatal(err)
				}
				got[line] = event.Reason(reason)
				if reason == string(event.ReasonTooLarge) && (size != event.MaxEventBytes+10 || rawLen != event.MaxEventBytes) {
					t.Errorf("too-large line: raw_size %d, raw kept %d bytes; want %d and %d", size, rawLen, event.MaxEventBytes+10, event.MaxEventBytes)
				}
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			for line, want := range wantBad {
				if got[line] != want {
					t.Errorf("line %d dead-lettered as %q, want %q", line, got[line], want)
				}
			}
			if len(got) != len(wantBad) {
				t.Errorf("dead letters at lines %v, want %v", got, wantBad)
			}
			assertNoTempFiles(t, cfg.Lake)
		})
	}
}

func TestImportAgainReplacesFiles(t *testing.T) {
	data, _ := importInput(t, 300)
	p := filepath.Join(t.TempDir(), "backfill.jsonl")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := ImportConfig{Lake: t.TempDir(), Inputs: []string{p}}
	for range 2 {
		if _, err := Import(context.Background(), cfg); err != nil {
			t.Fatal(err)
		}
	}
	db := openDuck(t)
	if n := queryInt(t, db, "SELECT count(*) FROM "+lakeEvents(cfg.Lake)); n != 301 {
		t.Errorf("after importing twice the lake holds %d rows, want 301", n)
	}
}

func TestImportConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  ImportConfig
		want []string
	}{
		{"empty", ImportConfig{}, []string{"lake: required", "inputs: at least one"}},
		{"same source", ImportConfig{Lake: "l", Inputs: []string{"a/x.jsonl", "b/x.json"}}, []string{`share the source name "x"`}},
		{"ok", ImportConfig{Lake: "l", Inputs: []string{"a/x.jsonl", "-"}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			if (err != nil) != (len(tc.want) > 0) {
				t.Fatalf("Validate() = %v, want errors %q", err, tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate() = %v, missing %q", err, w)
				}
			}
		})
	}
}

func TestSourceName(t *testing.T) {
	tests := map[string]string{
		"-":                          "stdin",
		"/data/support-2026.jsonl":   "support_2026",
		"../../etc/passwd":           "passwd",
		"weird name;drop table.json": "weird_name_drop_table",
		".hidden":                    "_hidden",
	}
	for in, want := range tests {
		if got := SourceName(in); got != want {
			t.Errorf("SourceName(%q) = %q, want %q", in, got, want)
		}
	}
}

// assertNoTempFiles fails if any temporary file is left anywhere in the lake.
func assertNoTempFiles(t *testing.T, root string) {
	t.Helper()
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasPrefix(d.Name(), "_tmp-") {
			t.Errorf("temporary file left behind: %s", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
