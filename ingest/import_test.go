package ingest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parley-cx/parley/importers"
	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/lake"
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

// writeInput writes data to dir/name (creating dir) and returns its path.
func writeInput(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// eventLines is n valid events as JSON lines, ids starting at firstID, all
// in a few days of March 2026.
func eventLines(t *testing.T, firstID, n int) []byte {
	t.Helper()
	rng := rand.New(rand.NewPCG(uint64(firstID), 9))
	var buf bytes.Buffer
	for i := range n {
		buf.Write(mustJSON(t, testEvent(rng, firstID+i, (firstID+i)%17)))
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

// TestImportSameBaseNameKeepsBoth: two different inputs whose source names
// are the same (two days' events.jsonl, two imports from stdin) overlap in
// line numbers and dates; each keeps its own files, whether imported in
// one run or two.
func TestImportSameBaseNameKeepsBoth(t *testing.T) {
	// Same length, so that the line ranges, and the names files once had, coincide.
	day1, day2 := eventLines(t, 0, 400), eventLines(t, 1000, 400)
	tests := []struct {
		name string
		runs func(t *testing.T, dir string) []ImportConfig
	}{
		{"two files, two runs", func(t *testing.T, dir string) []ImportConfig {
			return []ImportConfig{
				{Inputs: []string{writeInput(t, filepath.Join(dir, "day1"), "events.jsonl", day1)}},
				{Inputs: []string{writeInput(t, filepath.Join(dir, "day2"), "events.jsonl", day2)}},
			}
		}},
		{"two files, one run", func(t *testing.T, dir string) []ImportConfig {
			return []ImportConfig{{Inputs: []string{
				writeInput(t, filepath.Join(dir, "day1"), "events.jsonl", day1),
				writeInput(t, filepath.Join(dir, "day2"), "events.jsonl", day2),
			}}}
		}},
		{"two imports from stdin", func(*testing.T, string) []ImportConfig {
			// A pipe cannot be rewound: the input is hashed as it streams.
			return []ImportConfig{
				{Inputs: []string{"-"}, Stdin: io.MultiReader(bytes.NewReader(day1))},
				{Inputs: []string{"-"}, Stdin: io.MultiReader(bytes.NewReader(day2))},
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			root := filepath.Join(dir, "lake")
			for _, cfg := range tc.runs(t, dir) {
				cfg.Lake = root
				st, err := Import(context.Background(), cfg)
				if err != nil {
					t.Fatal(err)
				}
				if st.AlreadyImported != 0 {
					t.Fatalf("stats %+v: an input was taken for one already imported", st)
				}
			}
			db := openDuck(t)
			if n := queryInt(t, db, "SELECT count(*) FROM "+lakeEvents(root)); n != 800 {
				t.Errorf("lake rows = %d, want 400 + 400", n)
			}
			if n := queryInt(t, db, "SELECT count(DISTINCT event_id) FROM "+lakeEvents(root)); n != 800 {
				t.Errorf("distinct event ids = %d, want 800", n)
			}
			records, _ := filepath.Glob(filepath.Join(root, lake.ImportsDir, "*.json"))
			if len(records) != 2 {
				t.Errorf("import records %v, want one per input", records)
			}
			assertNoTempFiles(t, root)
		})
	}
}

// lakeState is every complete lake file with its modification time, and
// the latest ingested_at in the lake.
func lakeState(t *testing.T, root string) (files map[string]time.Time, lastIngested string) {
	t.Helper()
	files = make(map[string]time.Time)
	for _, glob := range []string{lake.EventsGlob(root), lake.DeadLetterGlob(root)} {
		paths, err := filepath.Glob(glob)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range paths {
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			files[p] = fi.ModTime()
		}
	}
	if err := openDuck(t).QueryRow("SELECT max(ingested_at)::VARCHAR FROM " + lakeEvents(root)).Scan(&lastIngested); err != nil {
		t.Fatal(err)
	}
	return files, lastIngested
}

// TestImportAgainIsNoOp: importing the same input again, from the same or
// another path or from stdin under the same source name, writes nothing: the
// earlier files, and so the ingested_at that decides which copy of an event
// the build keeps, stay as they were.
func TestImportAgainIsNoOp(t *testing.T) {
	data, _ := importInput(t, 300)
	tests := []struct {
		name  string
		again func(t *testing.T, dir string) ImportConfig
		// inputs is how many inputs the second run gives.
		inputs int64
	}{
		{"same path", func(_ *testing.T, dir string) ImportConfig {
			return ImportConfig{Inputs: []string{filepath.Join(dir, "in", "backfill.jsonl")}}
		}, 1},
		{"a copy elsewhere", func(t *testing.T, dir string) ImportConfig {
			return ImportConfig{Inputs: []string{writeInput(t, filepath.Join(dir, "copy"), "backfill.jsonl", data)}}
		}, 1},
		{"twice in one run", func(_ *testing.T, dir string) ImportConfig {
			p := filepath.Join(dir, "in", "backfill.jsonl")
			return ImportConfig{Inputs: []string{p, p}}
		}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			root := filepath.Join(dir, "lake")
			p := writeInput(t, filepath.Join(dir, "in"), "backfill.jsonl", data)
			if _, err := Import(context.Background(), ImportConfig{Lake: root, Inputs: []string{p}}); err != nil {
				t.Fatal(err)
			}
			files, ingested := lakeState(t, root)
			cfg := tc.again(t, dir)
			cfg.Lake = root
			st, err := Import(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if st.AlreadyImported != tc.inputs || st.Events != 0 || st.Files != 0 {
				t.Errorf("second import: %+v, want the input recognised and nothing written", st)
			}
			files2, ingested2 := lakeState(t, root)
			if !maps.Equal(files, files2) {
				t.Errorf("files changed:\nbefore %v\nafter  %v", files, files2)
			}
			if ingested2 != ingested {
				t.Errorf("latest ingested_at %s, was %s", ingested2, ingested)
			}
			assertNoTempFiles(t, root)
		})
	}
	t.Run("stdin", func(t *testing.T) {
		root := t.TempDir()
		for i, want := range []int64{0, 1} {
			st, err := Import(context.Background(), ImportConfig{Lake: root, Inputs: []string{"-"}, Stdin: io.MultiReader(bytes.NewReader(data))})
			if err != nil {
				t.Fatal(err)
			}
			if st.AlreadyImported != want {
				t.Errorf("import %d: %+v, want AlreadyImported %d", i+1, st, want)
			}
		}
		if n := queryInt(t, openDuck(t), "SELECT count(*) FROM "+lakeEvents(root)); n != 301 {
			t.Errorf("after importing twice the lake holds %d rows, want 301", n)
		}
		assertNoTempFiles(t, root)
	})
}

// failingReader returns data, then err instead of EOF.
type failingReader struct {
	r   io.Reader
	err error
}

func (f *failingReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if errors.Is(err, io.EOF) {
		return n, f.err
	}
	return n, err
}

// TestImportPublishesWholeInputOrNothing: an input that fails after its
// first chunks were written leaves nothing in the lake, and importing it
// again afterwards imports all of it.
func TestImportPublishesWholeInputOrNothing(t *testing.T) {
	data := eventLines(t, 0, importChunkLines+500) // two chunks
	root := t.TempDir()
	broken := &failingReader{r: bytes.NewReader(data), err: errors.New("connection reset")}
	if _, err := Import(context.Background(), ImportConfig{Lake: root, Inputs: []string{"-"}, Stdin: broken}); err == nil {
		t.Fatal("import of a failing input succeeded")
	}
	if files, _ := filepath.Glob(lake.EventsGlob(root)); len(files) != 0 {
		t.Errorf("a failed import published %v", files)
	}
	assertNoTempFiles(t, root)
	st, err := Import(context.Background(), ImportConfig{Lake: root, Inputs: []string{"-"}, Stdin: io.MultiReader(bytes.NewReader(data))})
	if err != nil {
		t.Fatal(err)
	}
	if st.Events != importChunkLines+500 {
		t.Errorf("import after the failure: %+v", st)
	}
}

// TestImportCompletesUnfinishedPublish: an import killed while renaming its
// files leaves some of them and no record; the next import of the same
// input replaces them (a dead-letter file from another day included) and
// leaves exactly one copy of everything.
func TestImportCompletesUnfinishedPublish(t *testing.T) {
	data, wantBad := importInput(t, 300)
	dir := t.TempDir()
	root := filepath.Join(dir, "lake")
	p := writeInput(t, dir, "backfill.jsonl", data)
	if _, err := Import(context.Background(), ImportConfig{Lake: root, Inputs: []string{p}}); err != nil {
		t.Fatal(err)
	}
	// Undo the end of the publish: the record and one events file go, and
	// the dead letters move to another day, as when the rerun is tomorrow.
	records, _ := filepath.Glob(filepath.Join(root, lake.ImportsDir, "*.json"))
	events, _ := filepath.Glob(lake.EventsGlob(root))
	dead, _ := filepath.Glob(lake.DeadLetterGlob(root))
	if len(records) != 1 || len(events) < 2 || len(dead) != 1 {
		t.Fatalf("lake after import: records %v, events %v, dead letters %v", records, events, dead)
	}
	otherDay := filepath.Join(root, lake.DeadLetterDir, "date=2000-01-01")
	if err := os.MkdirAll(otherDay, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, err := range []error{
		os.Remove(records[0]), os.Remove(events[0]),
		os.Rename(dead[0], filepath.Join(otherDay, filepath.Base(dead[0]))),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	st, err := Import(context.Background(), ImportConfig{Lake: root, Inputs: []string{p}})
	if err != nil {
		t.Fatal(err)
	}
	if st.AlreadyImported != 0 || st.Events != 301 {
		t.Errorf("rerun: %+v, want the whole input imported", st)
	}
	db := openDuck(t)
	if n := queryInt(t, db, "SELECT count(*) FROM "+lakeEvents(root)); n != 301 {
		t.Errorf("lake rows = %d, want 301", n)
	}
	if n := queryInt(t, db, "SELECT count(*) FROM "+lakeDeadLetters(root)); n != int64(len(wantBad)) {
		t.Errorf("dead letters = %d, want %d", n, len(wantBad))
	}
	assertNoTempFiles(t, root)
}

func TestImportConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  ImportConfig
		want []string
	}{
		{"empty", ImportConfig{}, []string{"lake: required", "inputs: at least one"}},
		// Inputs with the same source name get files of their own.
		{"same source", ImportConfig{Lake: "l", Inputs: []string{"a/x.jsonl", "b/x.json", "-", "-"}}, nil},
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

// TestInputSumNamesFormatAndMapping: a JSON-lines input is named by its
// plain SHA-256; the same bytes read through another format or another
// mapping are another input, and the same mapping written differently is not.
func TestInputSumNamesFormatAndMapping(t *testing.T) {
	data := []byte("ticket,sent_at\n1,01/03/2026 10:00:00\n")
	mapping := func(yaml string) importers.Format {
		m, err := importers.ParseMapping([]byte(yaml))
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	const base = "conversation_id: ticket\ntype: {value: message}\nrole: {value: customer}\ntimestamp: {column: sent_at, format: \"%d/%m/%Y %H:%M:%S\"}\n"
	sum := func(f importers.Format) string {
		t.Helper()
		s, err := newInputSum(f)
		if err != nil {
			t.Fatal(err)
		}
		s.h.Write(data)
		return s.hex()
	}
	plain := sha256.Sum256(data)
	if got := sum(nil); got != hex.EncodeToString(plain[:]) {
		t.Errorf("JSON lines: %s, want the plain SHA-256 %x", got, plain)
	}
	tests := []struct {
		name string
		a, b importers.Format
		same bool
	}{
		{"the same mapping laid out differently", mapping(base),
			mapping("# the same, in another order\ntimestamp:\n  format: \"%d/%m/%Y %H:%M:%S\"\n  column: sent_at\nrole: {value: customer}\nconversation_id: {column: ticket}\ntype: {value: message}\n"), true},
		{"another time zone", mapping(base), mapping(strings.Replace(base, "format:", "time_zone: Europe/Berlin, format:", 1)), false},
		{"a mapping or twcs", mapping(base), importers.TWCS{}, false},
		{"twcs or JSON lines", importers.TWCS{}, nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if a, b := sum(tc.a), sum(tc.b); (a == b) != tc.same {
				t.Errorf("sums %s and %s: same %v, want %v", a, b, a == b, tc.same)
			}
		})
	}
}

// TestImportSameInputConcurrently: two imports of the same input at once
// publish it once, whichever finishes first; the other says it found it.
func TestImportSameInputConcurrently(t *testing.T) {
	data, _ := importInput(t, 300)
	dir := t.TempDir()
	root := filepath.Join(dir, "lake")
	p := writeInput(t, dir, "backfill.jsonl", data)
	results := make(chan ImportStats, 2)
	errs := make(chan error, 2)
	for range 2 {
		go func() {
			st, err := Import(context.Background(), ImportConfig{Lake: root, Inputs: []string{p}})
			results <- st
			errs <- err
		}()
	}
	var already, events int64
	for range 2 {
		st := <-results
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
		already += st.AlreadyImported
		events += st.Events
	}
	if already != 1 || events != 301 {
		t.Errorf("two imports of one input: %d found it imported, %d events written; want 1 and 301", already, events)
	}
	if n := queryInt(t, openDuck(t), "SELECT count(*) FROM "+lakeEvents(root)); n != 301 {
		t.Errorf("lake rows = %d, want 301", n)
	}
	assertNoTempFiles(t, root)
}
