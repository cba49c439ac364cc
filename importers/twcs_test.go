package importers

import (
	"bytes"
	"errors"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parley-cx/parley/internal/event"
)

// TestTWCSThreads reads testdata/twcs_small.csv, hand-made in the layout of
// the public data set (a pandas index column, float parent ids, reply lists,
// an unquoted carriage return, a reply listed before its parent, a thread
// whose root tweet is missing) with expectations worked out by hand.
func TestTWCSThreads(t *testing.T) {
	data, err := os.ReadFile("testdata/twcs_small.csv")
	if err != nil {
		t.Fatal(err)
	}
	recs := readAll(t, TWCS{}, bytes.NewReader(data))

	at := func(s string) time.Time {
		v, err := time.Parse(time.DateTime, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	type want struct {
		line        int64
		id, conv    string
		role, actor string
		queue       string
		at          time.Time
		text        string
		reason      event.Reason
		field       string
	}
	wants := []want{
		{line: 2, id: "twcs-10", conv: "twcs-10", role: "customer", actor: "501", queue: "AcmeHelp", at: at("2017-10-31 10:00:00"), text: "@AcmeHelp my router is down"},
		{line: 3, id: "twcs-11", conv: "twcs-10", role: "agent", actor: "AcmeHelp", queue: "AcmeHelp", at: at("2017-10-31 10:05:00"), text: "@501 \r\rSorry! Which model?"},
		{line: 4, id: "twcs-12", conv: "twcs-10", role: "customer", actor: "501", queue: "AcmeHelp", at: at("2017-10-31 10:07:00"), text: "@AcmeHelp X200, the black one"},
		{line: 5, id: "twcs-13", conv: "twcs-10", role: "agent", actor: "AcmeHelp", queue: "AcmeHelp", at: at("2017-10-31 10:20:00"), text: "@501 Please DM us"},
		// A second company joining later does not take the conversation over.
		{line: 6, id: "twcs-14", conv: "twcs-10", role: "agent", actor: "OtherCo", queue: "AcmeHelp", at: at("2017-10-31 10:30:00"), text: "@501 we can help too"},
		// Tweet 19 is not in the file; its thread is still one conversation,
		// 21 joining it through 20's reply list only.
		{line: 7, id: "twcs-20", conv: "twcs-19", role: "agent", actor: "AcmeHelp", queue: "AcmeHelp", at: at("2017-10-31 11:00:00"), text: "@502 following up"},
		{line: 8, id: "twcs-21", conv: "twcs-19", role: "customer", actor: "502", queue: "AcmeHelp", at: at("2017-10-31 11:10:00"), text: "@AcmeHelp thanks"},
		{line: 9, id: "twcs-30", conv: "twcs-30", role: "customer", actor: "503", at: at("2017-11-01 09:00:00"), text: "@OtherCo anyone?"},
		{line: 10, reason: event.ReasonBadValue, field: "inbound"},
		{line: 11, reason: event.ReasonBadTimestamp, field: "created_at"},
		{line: 12, reason: event.ReasonBadValue, field: "tweet_id"},
		{line: 13, reason: event.ReasonBadValue, field: "response_tweet_id"},
		{line: 14, id: "twcs-41", conv: "twcs-40", role: "agent", actor: "OtherCo", queue: "OtherCo", at: at("2017-11-01 10:05:00"), text: "@508 hi"},
		{line: 15, id: "twcs-40", conv: "twcs-40", role: "customer", actor: "508", queue: "OtherCo", at: at("2017-11-01 10:00:00"), text: "@OtherCo hello\nanyone there?"},
		{line: 17, reason: ReasonShortRow},
	}
	if len(recs) != len(wants) {
		t.Fatalf("%d records, want %d", len(recs), len(wants))
	}
	for i, w := range wants {
		r := recs[i]
		if r.Line != w.line {
			t.Errorf("record %d: line %d, want %d", i, r.Line, w.line)
			continue
		}
		if w.reason != "" {
			var inv *event.InvalidError
			if !errors.As(r.Err, &inv) || inv.Reason != w.reason || inv.Field != w.field {
				t.Errorf("line %d: error %v, want %s on %q", w.line, r.Err, w.reason, w.field)
			}
			continue
		}
		ev := r.Event
		if r.Err != nil {
			t.Errorf("line %d: %v", w.line, r.Err)
			continue
		}
		if err := ev.Validate(); err != nil {
			t.Errorf("line %d: %v", w.line, err)
		}
		if ev.EventID != w.id || ev.ConversationID != w.conv || ev.Actor.Role != w.role || ev.Actor.ID != w.actor ||
			ev.Queue != w.queue || !ev.OccurredAt.Equal(w.at) || ev.Message.Text != w.text || ev.Type != event.MessageSent {
			t.Errorf("line %d: got %+v actor %+v message %+v", w.line, ev, ev.Actor, ev.Message)
		}
	}

	// Standard input cannot be rewound: the reader spools it and must see the same.
	piped := readAll(t, TWCS{}, onlyReader{bytes.NewReader(data)})
	if !reflect.DeepEqual(piped, recs) {
		t.Error("records read from a non-seekable input differ from the file's")
	}
}

// onlyReader hides every method but Read, as a pipe would.
type onlyReader struct{ r *bytes.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

func TestTWCSOpenErrors(t *testing.T) {
	tests := []struct{ name, input, want string }{
		{"empty", "", "no header row"},
		{"missing columns", "tweet_id,author_id,inbound,created_at,text\n", `the header lacks "response_tweet_id", "in_response_to_tweet_id"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := (TWCS{}).Open(strings.NewReader(tc.input)); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}

// TestTWCSNotTwitter: a file of another layout gets one line naming every column it lacks and
// its header once, with the importer named once (not "twcs: twcs:" per missing column).
func TestTWCSNotTwitter(t *testing.T) {
	header := "ticket,sent_at,direction,agent,body,channel,team"
	_, err := (TWCS{}).Open(strings.NewReader(header + "\nT-1,01/03/2026 09:00:00,in,,hi,Chat,billing\n"))
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") || strings.Count(msg, "twcs:") != 1 || strings.Count(msg, `"sent_at"`) != 1 {
		t.Errorf("want one line, the importer and the header once: %q", msg)
	}
	for _, col := range twcsColumns {
		if !strings.Contains(msg, strconv.Quote(col)) {
			t.Errorf("error does not name the missing column %q: %q", col, msg)
		}
	}
}

func TestTweetID(t *testing.T) {
	tests := []struct{ in, want string }{
		{"3", "3"}, {"3.0", "3"}, {" 119237.0 ", "119237"}, {"1.2e6", "1200000"}, {"", ""},
		{"3.5", "!"}, {"-1", "!"}, {"abc", "!"}, {"1e300", "!"}, {"NaN", "!"},
	}
	for _, tc := range tests {
		got, err := tweetID(tc.in)
		if tc.want == "!" {
			if err == nil {
				t.Errorf("tweetID(%q) = %q, want an error", tc.in, got)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("tweetID(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}
