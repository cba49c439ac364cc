package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parley-cx/parley/importers"
	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/lake"
)

// twcsRows is a file in the Twitter support layout: a header and n tweets.
func twcsRows(n int) []byte {
	var b bytes.Buffer
	b.WriteString("tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n")
	for i := range n {
		fmt.Fprintf(&b, "%d,cust%d,True,Tue Oct 31 22:10:47 +0000 2017,@acme help %d,,\n", i+1, i, i)
	}
	return b.Bytes()
}

// assertLakeHoldsNothingOf fails if the lake holds any file of source:
// events, dead letters or an import record, published or temporary.
func assertLakeHoldsNothingOf(t *testing.T, root, source string) {
	t.Helper()
	for _, dir := range []string{lake.EventsDir, lake.DeadLetterDir, lake.ImportsDir} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(p string, d os.DirEntry, err error) error {
			if errors.Is(err, os.ErrNotExist) {
				return nil
			}
			if err == nil && !d.IsDir() && strings.Contains(d.Name(), source) {
				t.Errorf("the lake holds %s of the refused input", p)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	assertNoTempFiles(t, root)
}

// TestImportRefusesInputWithNothingValid: an input in which no record is
// valid (most often one read with the wrong --format) is refused whole:
// Import returns a *NothingImportedError counting what it rejected and
// naming the layout the input looks like, and writes neither events nor
// dead letters nor a record of it, so the same import fails again rather
// than passing as already imported. The other inputs of the run are
// imported. An input that looks like another layout stops being read
// after its first refuseAfter records if none of them is valid.
func TestImportRefusesInputWithNothingValid(t *testing.T) {
	dir := t.TempDir()
	good := writeInput(t, dir, "good.jsonl", eventLines(t, 1, 20))
	// A timestamp format the rows do not have: every row is rejected,
	// and the file looks like what it is read as (CSV), so no hint.
	badClock, err := importers.ParseMapping([]byte("conversation_id: ticket\ntimestamp: {column: at, format: \"%d/%m/%Y\"}\ntype: {value: message}\nrole: {value: customer}\ntext: body\n"))
	if err != nil {
		t.Fatal(err)
	}
	// More rows than refuseAfter, all looking like CSV, then a valid event.
	longCSV := append(twcsRows(refuseAfter+200), eventLines(t, 100, 1)...)
	tests := []struct {
		name      string
		file      string
		data      []byte
		format    importers.Format
		stdin     bool
		rejected  int64
		reason    event.Reason
		looksLike string
		stopped   bool
		hint      string
	}{
		{"TWCS read as JSON lines", "tweets.csv", twcsRows(5), nil, false, 6, event.ReasonMalformed, importers.LayoutTWCS, false, "did you mean --format twcs?"},
		{"TWCS from stdin", "-", twcsRows(5), nil, true, 6, event.ReasonMalformed, importers.LayoutTWCS, false, "did you mean --format twcs?"},
		{"some CSV read as JSON lines", "export.txt", []byte("ticket,at,body\nT-1,2026-03-02,hi\n"), nil, false, 2, event.ReasonMalformed, importers.LayoutCSV, false,
			"this looks like CSV: did you mean --format csv (with --mapping) or --format twcs?"},
		{"a JSON array", "dialogues.json", []byte(`[{"convo_id": 1}, {"convo_id": 2}]` + "\n"), nil, false, 1, event.ReasonWrongType, importers.LayoutJSONDocument, false, "jq -c '.[]'"},
		{"a mapping that reads no row", "export.csv", []byte("ticket,at,body\nT-1,2026-03-02 10:00,hi\nT-2,2026-03-02 11:00,ho\n"), badClock, false, 2, event.ReasonBadTimestamp, importers.LayoutCSV, false, ""},
		{"long input stopped early", "long.jsonl", longCSV, nil, false, refuseAfter, event.ReasonMalformed, importers.LayoutTWCS, true, "did you mean --format twcs?"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			in := tc.file
			cfg := ImportConfig{Lake: root, Format: tc.format, Inputs: []string{in, good}}
			if !tc.stdin {
				in = writeInput(t, dir, tc.name+"-"+tc.file, tc.data)
				cfg.Inputs[0] = in
			}
			if tc.format != nil {
				cfg.Inputs = cfg.Inputs[:1] // good.jsonl is JSON lines
			}
			for run := range 2 { // the second run fails the same: nothing recorded the input
				cfg.Stdin = bytes.NewReader(tc.data)
				if tc.stdin {
					cfg.Stdin = bytes.NewBuffer(tc.data) // not seekable: hashed and sniffed as it streams
				}
				st, err := Import(context.Background(), cfg)
				firstLine := int64(1)
				if tc.format != nil {
					firstLine = 2 // after the header
				}
				var nothing *NothingImportedError
				if !errors.As(err, &nothing) {
					t.Fatalf("run %d: Import = %s, %v; want a *NothingImportedError", run, st, err)
				}
				if nothing.Input != in || nothing.Rejected != tc.rejected || nothing.Reasons[tc.reason] != tc.rejected ||
					nothing.FirstLine != firstLine || nothing.FirstReason != tc.reason || nothing.LooksLike != tc.looksLike || nothing.Stopped != tc.stopped {
					t.Errorf("run %d: %+v; want input %s, %d rejected as %s from line %d, looks like %q, stopped %v", run, *nothing, in, tc.rejected, tc.reason, firstLine, tc.looksLike, tc.stopped)
				}
				msg := err.Error()
				if !strings.Contains(msg, "NOTHING IMPORTED (no events, no dead letters written)") || !strings.Contains(msg, tc.hint) ||
					(tc.hint == "" && strings.Contains(msg, "did you mean")) {
					t.Errorf("run %d: error %q; want it to say nothing was imported and %q", run, msg, tc.hint)
				}
				if st.Refused != 1 || st.DeadLetters != 0 {
					t.Errorf("run %d: stats %s; want 1 input refused and no dead letter counted", run, st)
				}
				if tc.format == nil && run == 0 && st.Events != 20 {
					t.Errorf("run %d: %d events of good.jsonl imported beside the refused input, want 20", run, st.Events)
				}
				assertLakeHoldsNothingOf(t, root, SourceName(in))
			}
		})
	}
}

// TestImportKeepsDeadLettersOfMostlyValidInput: one valid record is enough
// for an input to be imported with its dead letters, as before, even when
// it looks like another layout.
func TestImportKeepsDeadLettersOfMostlyValidInput(t *testing.T) {
	root := t.TempDir()
	in := writeInput(t, t.TempDir(), "mixed.jsonl", append(twcsRows(3), eventLines(t, 1, 1)...))
	st, err := Import(context.Background(), ImportConfig{Lake: root, Inputs: []string{in}})
	if err != nil || st.Events != 1 || st.DeadLetters != 4 || st.Refused != 0 {
		t.Fatalf("Import = %s, %v; want 1 event and 4 dead letters", st, err)
	}
	db := openDuck(t)
	if n := queryInt(t, db, `SELECT count(*) FROM `+lakeDeadLetters(root)+` WHERE reason = 'malformed_json'`); n != 4 {
		t.Errorf("dead-letter store holds %d malformed_json rows, want 4", n)
	}
}

// lakeEntries lists every file and folder under root (relative), or nil if root does not exist.
func lakeEntries(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, _ os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		out = append(out, rel)
		return err
	})
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestRefusedImportLeavesNoTrace: a refused input leaves the lake as it
// was, to the folder: no empty deadletter/date=… folder its temporary
// dead letters were written in, and no lake folder or lock file the
// import created for it. Its error names the field at fault (what the
// dead letter's field column records), and the summary says nothing was
// imported rather than "0 read".
func TestRefusedImportLeavesNoTrace(t *testing.T) {
	bad := writeInput(t, t.TempDir(), "one.jsonl", []byte(`{"event_id":"e1","type":"message"}`+"\n"))
	existing := t.TempDir()
	if _, err := Import(context.Background(), ImportConfig{Lake: existing, Inputs: []string{writeInput(t, t.TempDir(), "good.jsonl", eventLines(t, 1, 5))}}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, root string }{
		{"no lake folder yet", filepath.Join(t.TempDir(), "lake")},
		{"an empty folder", t.TempDir()},
		{"a lake with events", existing},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := lakeEntries(t, tc.root)
			st, err := Import(context.Background(), ImportConfig{Lake: tc.root, Inputs: []string{bad}})
			var nothing *NothingImportedError
			if !errors.As(err, &nothing) {
				t.Fatalf("Import = %s, %v; want a *NothingImportedError", st, err)
			}
			if nothing.FirstField != "conversation_id" || !strings.Contains(err.Error(), "line 1: missing_field: conversation_id: required") {
				t.Errorf("error %q (field %q) does not name the missing field conversation_id", err, nothing.FirstField)
			}
			if !strings.HasPrefix(st.String(), "nothing; 1 input(s) REFUSED") {
				t.Errorf("summary %q; want it to start %q", st, "nothing; 1 input(s) REFUSED")
			}
			if after := lakeEntries(t, tc.root); !slices.Equal(before, after) {
				t.Errorf("the refused import changed the lake folder:\nbefore %q\nafter  %q", before, after)
			}
		})
	}
}
