package importers

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

// collect reads every record of input through f. The input is in memory, so
// any error but io.EOF from Next is a bug: bad rows must become records.
func collect(t *testing.T, f Format, input io.Reader) ([]Record, bool) {
	t.Helper()
	rd, err := f.Open(input)
	if err != nil {
		return nil, false // a whole-input problem (no header, missing column) is allowed
	}
	defer func() {
		if err := rd.Close(); err != nil {
			t.Error(err)
		}
	}()
	var recs []Record
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return recs, true
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		recs = append(recs, rec)
	}
}

// checkRecords holds for every format: rows come in input order, each keeps
// its exact source bytes, and event ids never repeat.
func checkRecords(t *testing.T, data []byte, recs []Record) {
	t.Helper()
	ids := map[string]bool{}
	last := int64(1) // the header
	for _, r := range recs {
		if r.Line <= last {
			t.Fatalf("record on line %d after line %d", r.Line, last)
		}
		last = r.Line
		if !bytes.Contains(data, r.Raw) || bytes.HasSuffix(r.Raw, []byte("\n")) {
			t.Fatalf("line %d: raw %q is not a row of the input", r.Line, r.Raw)
		}
		if r.Err != nil || r.Skip {
			continue
		}
		if ids[r.Event.EventID] && !strings.HasPrefix(r.Event.EventID, "twcs-") {
			t.Fatalf("line %d: event id %s repeats", r.Line, r.Event.EventID)
		}
		ids[r.Event.EventID] = true
	}
}

// FuzzCSVMapping feeds arbitrary bytes through the chat-export mapping.
func FuzzCSVMapping(f *testing.F) {
	m, err := LoadMapping("../docs/mappings/chat_export.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, ok := collect(t, m, bytes.NewReader(data))
		if !ok {
			return
		}
		checkRecords(t, data, recs)
		again, _ := collect(t, m, bytes.NewReader(data))
		if !reflect.DeepEqual(recs, again) {
			t.Fatal("two reads of the same input differ")
		}
	})
}

// FuzzTWCS feeds arbitrary bytes through the Twitter importer, from a file
// and from a pipe.
func FuzzTWCS(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, ok := collect(t, TWCS{}, bytes.NewReader(data))
		if !ok {
			return
		}
		checkRecords(t, data, recs)
		for _, r := range recs {
			if r.Err == nil && (!strings.HasPrefix(r.Event.ConversationID, "twcs-") || r.Event.Message == nil || r.Event.Actor == nil) {
				t.Fatalf("line %d: %+v", r.Line, r.Event)
			}
		}
		piped, _ := collect(t, TWCS{}, onlyReader{bytes.NewReader(data)})
		if !reflect.DeepEqual(recs, piped) {
			t.Fatal("a piped input reads differently from a file")
		}
	})
}
