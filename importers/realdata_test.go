package importers

import (
	"encoding/csv"
	"os"
	"testing"
	"time"

	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/realdata"
)

// openRealData opens a file of the public real data, skipping the test
// when it is absent.
func openRealData(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open(realdata.Path(t, name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// TestHelpdeskLogMapping maps the real help-desk event log with the shipped
// mapping and checks every row against the raw file read on its own: the
// activity decides the type (or skip), the case the conversation, and the
// timestamp keeps its instant.
func TestHelpdeskLogMapping(t *testing.T) {
	f := openRealData(t, "helpdesk_event_log.csv")
	raw, err := csv.NewReader(openRealData(t, "helpdesk_event_log.csv")).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	recs := readAll(t, loadMapping(t, "../docs/mappings/helpdesk.yaml"), f)
	if len(recs) != len(raw)-1 {
		t.Fatalf("%d records for %d rows", len(recs), len(raw)-1)
	}
	wantType := map[string]event.Type{
		"Insert ticket": event.ConversationStarted, "Assign seriousness": event.ConversationStarted,
		"Take in charge ticket": event.Assigned, "Require upgrade": event.Escalated,
		"Create SW anomaly": event.Escalated, "Resolve ticket": event.Resolved,
	}
	counts := map[event.Type]int{}
	for i, rec := range recs {
		row := raw[i+1] // concept:name, ..., org:resource (2), time:timestamp (3), ..., case:concept:name (6)
		want, mapped := wantType[row[0]]
		switch {
		case rec.Err != nil:
			t.Fatalf("line %d: %v", rec.Line, rec.Err)
		case !mapped:
			if !rec.Skip {
				t.Errorf("line %d: %q should be skipped", rec.Line, row[0])
			}
			counts["skipped"]++
			continue
		}
		at, err := time.Parse("2006-01-02 15:04:05-07:00", row[3])
		if err != nil {
			t.Fatal(err)
		}
		ev := rec.Event
		if ev.Type != want || ev.ConversationID != row[6] || !ev.OccurredAt.Equal(at) || ev.Actor.ID != row[2] {
			t.Errorf("line %d: %+v for row %q", rec.Line, ev, row)
		}
		if err := ev.Validate(); err != nil {
			t.Errorf("line %d: %v", rec.Line, err)
		}
		counts[ev.Type]++
	}
	t.Logf("%v", counts)
	if counts[event.Resolved] < 4000 || counts["skipped"] == 0 {
		t.Errorf("counts %v: the mapping misses the log's main activities", counts)
	}
}
