package importers

import (
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/parley-cx/parley/internal/event"
)

// readAll opens input with f and collects every record.
func readAll(t *testing.T, f Format, input io.Reader) []Record {
	t.Helper()
	rd, err := f.Open(input)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := rd.Close(); err != nil {
			t.Error(err)
		}
	})
	var recs []Record
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return recs
		}
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
	}
}

func loadMapping(t *testing.T, path string) *Mapping {
	t.Helper()
	m, err := LoadMapping(path)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestParseMappingErrors(t *testing.T) {
	const base = "conversation_id: ticket\ntimestamp: {column: at}\n"
	tests := []struct {
		name string
		yaml string
		want []string // every one must appear in the error
	}{
		{"empty", "", []string{"conversation_id: required", "type: required", "timestamp.column: required"}},
		{"misspelt key", base + "type: {value: message}\nrole: {value: agent}\ntxet: body\n", []string{"field txet not found"}},
		{"unknown type value", base + "type: {column: kind, values: {in: mesage}}\nrole: {value: agent}\n", []string{`type.values: "in" maps to "mesage"`}},
		{"unknown fixed role", base + "type: {value: message}\nrole: {value: customer_service}\n", []string{`role.value: "customer_service" is not one of`}},
		{"message without role", base + "type: {value: message}\n", []string{"role: required when type can be \"message\""}},
		{"routing without to", base + "type: {column: kind, values: {a: assigned}}\n", []string{"to: required when type can be assigned"}},
		{"to without role", base + "type: {value: assigned}\nto: {id: agent}\n", []string{"to.role: required"}},
		{"csat without score", base + "type: {value: csat}\n", []string{"csat: required when type can be \"csat\""}},
		{"column and value", base + "type: {value: resolved, column: kind}\n", []string{"type: give column or value, not both"}},
		{"bad channel default", base + "type: {value: resolved}\nchannel: {column: ch, default: chat}\n", []string{`channel.default: "chat" is not one of`}},
		{"bad time zone", "conversation_id: t\ntype: {value: resolved}\ntimestamp: {column: at, time_zone: Mars/Olympus}\n", []string{"timestamp: time_zone: unknown time zone Mars/Olympus"}},
		{"bad strftime", "conversation_id: t\ntype: {value: resolved}\ntimestamp: {column: at, format: '%Y-%Q'}\n", []string{"unsupported directive: %Q"}},
		{"not a layout", "conversation_id: t\ntype: {value: resolved}\ntimestamp: {column: at, format: 'day month year'}\n", []string{"neither a strftime pattern nor a Go layout"}},
		{"bad delimiter", base + "type: {value: resolved}\ndelimiter: ';;'\n", []string{"delimiter: want one character"}},
		{"private not a flag", base + "type: {value: message}\nrole: {value: agent}\nprivate: {column: direction, values: {note: yes}}\n", []string{`private.values: "note" maps to "yes"`}},
		{"attribute without column", base + "type: {value: resolved}\nattributes: {tier: ''}\n", []string{"attributes: entry \"tier\""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseMapping([]byte(tc.yaml))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not contain %q", err, w)
				}
			}
		})
	}
}

func TestShippedMappingsLoad(t *testing.T) {
	for _, p := range []string{"../docs/mappings/helpdesk.yaml", "../docs/mappings/chat_export.yaml"} {
		if _, err := LoadMapping(p); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
}

func TestMappingOpenNamesMissingColumns(t *testing.T) {
	m := loadMapping(t, "../docs/mappings/chat_export.yaml")
	_, err := m.Open(strings.NewReader("ticket,sent_at,direction,agent,text,channel\n"))
	for _, w := range []string{`text.column: no column "body"`, `queue.column: no column "team"`, `columns: "ticket", "sent_at"`} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error %v does not contain %q", err, w)
		}
	}
	if _, err := m.Open(strings.NewReader("")); err == nil || !strings.Contains(err.Error(), "no header row") {
		t.Errorf("empty input: %v", err)
	}
}

// TestChatExportMapping reads testdata/chat_export.csv, whose expected events
// were worked out by hand (Europe/Berlin is UTC+1 until 29 March 2026 02:00,
// UTC+2 after).
func TestChatExportMapping(t *testing.T) {
	f, err := os.Open("testdata/chat_export.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs := readAll(t, loadMapping(t, "../docs/mappings/chat_export.yaml"), f)

	utc := func(s string) time.Time {
		at, err := time.Parse(time.DateTime, s)
		if err != nil {
			t.Fatal(err)
		}
		return at
	}
	type want struct {
		line    int64
		conv    string
		typ     event.Type
		at      time.Time
		role    string
		actor   string
		text    string
		channel event.Channel
		queue   string
		private bool
		reason  event.Reason // a rejected row
	}
	wants := []want{
		{line: 2, conv: "T-1001", typ: event.MessageSent, at: utc("2026-03-01 08:00:05"), role: "customer", text: "Hi, my order hasn't arrived", channel: event.Webchat, queue: "billing"},
		{line: 3, conv: "T-1001", typ: event.MessageSent, at: utc("2026-03-01 08:04:40"), role: "agent", actor: "anna", text: "Sorry to hear that! Let me check.", channel: event.Webchat, queue: "billing"},
		{line: 4, conv: "T-1001", typ: event.MessageSent, at: utc("2026-03-01 08:04:40"), role: "agent", actor: "anna", text: "Sorry to hear that! Let me check.", channel: event.Webchat, queue: "billing"},
		{line: 5, conv: "T-1001", typ: event.MessageSent, at: utc("2026-03-01 08:05:00"), role: "agent", actor: "anna", text: "Found it:\nit ships \"tomorrow\".", channel: event.Webchat, queue: "billing"},
		{line: 7, conv: "T-1001", typ: event.Resolved, at: utc("2026-03-01 08:30:00"), role: "agent", actor: "anna", channel: event.Webchat, queue: "billing"},
		{line: 8, conv: "T-1002", typ: event.MessageSent, at: utc("2026-03-28 22:50:00"), role: "customer", text: "Nachtfrage", channel: event.WhatsApp},
		{line: 9, conv: "T-1002", typ: event.MessageSent, at: utc("2026-03-29 06:10:00"), role: "agent", actor: "ben", text: "Guten Morgen!", channel: event.WhatsApp},
		{line: 10, reason: event.ReasonBadTimestamp},
		// An unknown direction passes through; the contract's validation rejects it on import.
		{line: 11, conv: "T-1003", typ: "shout", at: utc("2026-03-01 09:00:00"), role: "shout", channel: event.Webchat, queue: "billing"},
		{line: 12, reason: ReasonShortRow},
		{line: 13, reason: ReasonMalformedRow},
		{line: 14, conv: "T-1006", typ: event.MessageSent, at: utc("2026-03-01 12:00:00"), role: "agent", actor: "carl", text: "internal note", channel: event.Email, private: true},
		{line: 15, conv: "", typ: event.MessageSent, at: utc("2026-03-01 13:00:00"), role: "customer", text: "no ticket", channel: event.Webchat, queue: "billing"},
	}
	if len(recs) != len(wants) {
		t.Fatalf("%d records, want %d", len(recs), len(wants))
	}
	ids := map[string]int64{}
	for i, w := range wants {
		r := recs[i]
		if r.Line != w.line {
			t.Errorf("record %d: line %d, want %d", i, r.Line, w.line)
			continue
		}
		if w.reason != "" {
			var inv *event.InvalidError
			if !errors.As(r.Err, &inv) || inv.Reason != w.reason {
				t.Errorf("line %d: error %v, want reason %s", w.line, r.Err, w.reason)
			}
			if len(r.Raw) == 0 || !strings.HasPrefix(string(r.Raw), "T-100") {
				t.Errorf("line %d: raw row %q", w.line, r.Raw)
			}
			continue
		}
		if r.Err != nil || r.Skip {
			t.Errorf("line %d: err %v skip %v", w.line, r.Err, r.Skip)
			continue
		}
		ev := r.Event
		text := ""
		if ev.Message != nil {
			text = ev.Message.Text
		}
		if ev.ConversationID != w.conv || ev.Type != w.typ || !ev.OccurredAt.Equal(w.at) || ev.Actor == nil ||
			ev.Actor.Role != w.role || ev.Actor.ID != w.actor || text != w.text || ev.Channel != w.channel || ev.Queue != w.queue {
			t.Errorf("line %d: got %+v (actor %+v, message %+v)", w.line, ev, ev.Actor, ev.Message)
		}
		if ev.Message != nil && (ev.Message.Private != w.private || ev.Message.Automated) {
			t.Errorf("line %d: message flags %+v, want private %v", w.line, ev.Message, w.private)
		}
		if (ev.Message != nil) != (w.typ == event.MessageSent) {
			t.Errorf("line %d: message %+v for type %s", w.line, ev.Message, w.typ)
		}
		if prev, dup := ids[ev.EventID]; dup {
			t.Errorf("line %d: event id %s already used on line %d", w.line, ev.EventID, prev)
		}
		ids[ev.EventID] = w.line
	}
	// The duplicate row keeps its own id, derived from the first one's.
	if recs[2].Event.EventID != recs[1].Event.EventID+"-2" {
		t.Errorf("duplicate row id %q, first %q", recs[2].Event.EventID, recs[1].Event.EventID)
	}

	// Ids come from the rows, not from where they sit: the same rows after
	// other ones get the same ids.
	f2, err := os.ReadFile("testdata/chat_export.csv")
	if err != nil {
		t.Fatal(err)
	}
	header, rest, _ := strings.Cut(string(f2), "\n")
	shifted := header + "\nT-0999,01/03/2026 08:00:00,in,,earlier,Chat,billing\n" + rest
	again := readAll(t, loadMapping(t, "../docs/mappings/chat_export.yaml"), strings.NewReader(shifted))
	if again[1].Event.EventID != recs[0].Event.EventID || again[1].Line != 3 {
		t.Errorf("after one more row: id %s line %d, want %s line 3", again[1].Event.EventID, again[1].Line, recs[0].Event.EventID)
	}
}

func TestTimestampFormats(t *testing.T) {
	tests := []struct {
		format, zone, value string
		want                string // RFC 3339 in UTC; "" = must fail
	}{
		{"", "", "2026-03-01T09:00:00+01:00", "2026-03-01T08:00:00Z"},
		{"rfc3339", "America/New_York", "2026-03-01T09:00:00.250", "2026-03-01T14:00:00.25Z"},
		{"%Y-%m-%d %H:%M:%S%:z", "", "2010-01-13 08:40:25+00:00", "2010-01-13T08:40:25Z"},
		{"%Y-%m-%d %H:%M:%S", "Europe/Berlin", "2026-07-01 12:00:00", "2026-07-01T10:00:00Z"},
		{"%d.%m.%y %I:%M %p", "UTC", "05.11.25 03:07 PM", "2025-11-05T15:07:00Z"},
		{"%a %b %d %H:%M:%S %z %Y", "", "Tue Oct 31 22:10:47 +0000 2017", "2017-10-31T22:10:47Z"},
		{"%Y-%m-%dT%H:%M:%S.%f%z", "", "2026-01-02T03:04:05.123456+0200", "2026-01-02T01:04:05.123456Z"},
		{"02/01/2006 15:04", "Asia/Tokyo", "01/03/2026 09:00", "2026-03-01T00:00:00Z"},
		{"unix", "", "1772355600", "2026-03-01T09:00:00Z"},
		{"unix_ms", "", "1772355600500", "2026-03-01T09:00:00.5Z"},
		{"unix", "", "yesterday", ""},
		{"%Y-%m-%d", "", "2026-02-30", ""},
		// strptime's rules (go-strftime): numbers need no padding, and
		// fractions after %S are read without %f.
		{"%d/%m/%Y %H:%M:%S", "Europe/London", "3/2/2017 9:05:07", "2017-02-03T09:05:07Z"},
		{"%d/%m/%Y %H:%M:%S", "Europe/London", "3/7/2017 9:05:07", "2017-07-03T08:05:07Z"},
		{"%Y-%m-%d %H:%M:%S", "UTC", "2026-03-01 09:00:00.25", "2026-03-01T09:00:00.25Z"},
		{"%F %T %Z", "", "2026-03-01 09:00:00 UTC", "2026-03-01T09:00:00Z"},
	}
	for _, tc := range tests {
		t.Run(tc.format+" "+tc.value, func(t *testing.T) {
			p, err := newTimeParser(tc.format, tc.zone)
			if err != nil {
				t.Fatal(err)
			}
			at, err := p.parse(tc.value)
			if tc.want == "" {
				if err == nil {
					t.Errorf("parsed %s, want an error", at)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := at.UTC().Format(time.RFC3339Nano); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// TestMappingOpenSaysTheDelimiter: a header that holds none of the mapped
// columns, but does once split on another delimiter, says which one to set;
// a header that is simply missing columns gets no such guess.
func TestMappingOpenSaysTheDelimiter(t *testing.T) {
	m := loadMapping(t, "../docs/mappings/chat_export.yaml")
	cols := []string{"ticket", "sent_at", "direction", "agent", "body", "channel", "team"}
	semi := loadMapping(t, "../docs/mappings/chat_export.yaml")
	semi.Delimiter = ";"
	tests := []struct {
		name   string
		m      *Mapping
		header string
		want   string
	}{
		{"tab-separated read as CSV", m, strings.Join(cols, "\t"), "the file looks tab-separated: set delimiter: tab in the mapping"},
		{"semicolon-separated read as CSV", m, strings.Join(cols, ";"), `the file looks semicolon-separated: set delimiter: ";" in the mapping`},
		{"comma-separated read with ;", semi, strings.Join(cols, ","), "the file looks comma-separated: remove delimiter from the mapping"},
		{"columns missing", m, "ticket\tsent_at\tdirection", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.m.Open(strings.NewReader(tc.header + "\n"))
			if err == nil || !strings.Contains(err.Error(), "no column") {
				t.Fatalf("Open = %v; want it to name the missing columns", err)
			}
			if tc.want == "" && strings.Contains(err.Error(), "looks") {
				t.Errorf("error %q guesses a delimiter for a header that only lacks columns", err)
			}
			if tc.want != "" && !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q; want it to say %q", err, tc.want)
			}
		})
	}
}
