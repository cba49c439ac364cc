package event

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

const valid = `{"event_id":"e1","conversation_id":"c1","type":"message","occurred_at":"2026-03-29T01:30:00.250+01:00",` +
	`"channel":"whatsapp","actor":{"role":"customer","id":"u1"},"queue":"billing",` +
	`"message":{"text":"hi <script>alert(1)</script>","private":false,"automated":false},"attributes":{"locale":"de-DE"}}`

func TestDecodeValid(t *testing.T) {
	ev, err := Decode([]byte(valid))
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	want := time.Date(2026, 3, 29, 0, 30, 0, 250e6, time.UTC)
	if !ev.OccurredAt.Equal(want) {
		t.Errorf("occurred_at = %v, want %v", ev.OccurredAt, want)
	}
	if _, off := ev.OccurredAt.Zone(); off != 3600 {
		t.Errorf("offset = %d s, want 3600 (the producer's offset must survive decoding)", off)
	}
	if ev.Message.Text != "hi <script>alert(1)</script>" || ev.Actor.Role != RoleCustomer || ev.Attributes["locale"] != "de-DE" {
		t.Errorf("decoded wrongly: %+v", ev)
	}
}

func TestDecodeKeepsUnknownFields(t *testing.T) {
	raw := strings.Replace(valid, `"queue":"billing"`, `"queue":"billing","sentiment":{"score":-0.4},"crm_ref":"X-9"`, 1)
	ev, err := Decode([]byte(raw))
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if got := string(ev.Extra["crm_ref"]); got != `"X-9"` {
		t.Errorf("extra crm_ref = %s", got)
	}
	out, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Decode(out)
	if err != nil {
		t.Fatalf("round trip: %v\n%s", err, out)
	}
	if string(again.Extra["sentiment"]) != `{"score":-0.4}` || !again.OccurredAt.Equal(ev.OccurredAt) || again.Message.Text != ev.Message.Text {
		t.Errorf("round trip lost data:\n in: %s\nout: %s", raw, out)
	}
}

// TestDecodeKeepsUnknownNestedKeys: a key the contract does not name inside
// actor, message, to or csat is kept in Extra under the object's name (no
// top-level extra field can have it), fast path or not, and goes back
// inside its object when the event is written again.
func TestDecodeKeepsUnknownNestedKeys(t *testing.T) {
	head := `{"event_id":"e1","conversation_id":"c1","occurred_at":"2026-03-29T01:30:00Z",`
	for _, c := range []struct{ name, raw, extra string }{
		{"none", head + `"type":"message","actor":{"role":"agent","id":"a1"},"message":{"text":"hi"}}`, `null`},
		{"actor", head + `"type":"message","actor":{"role":"agent","team":"tier 2"},"message":{"text":"hi"}}`, `{"actor":{"team":"tier 2"}}`},
		{"message, nested value", head + `"type":"message","actor":{"role":"agent"},"message":{"lang":"en","text":"hi","meta":{"a":[1, 2]}}}`, `{"message":{"lang":"en","meta":{"a":[1, 2]}}}`},
		{"to and csat", head + `"type":"transferred","to":{"role":"agent","queue":"q","why":"skill"},"csat":{"score":4,"survey":"s1"}}`, `{"csat":{"survey":"s1"},"to":{"why":"skill"}}`},
		{"beside a dotted top-level key", head + `"type":"resolved","actor":{"role":"agent","team":"a"},"actor.team":"b"}`, `{"actor":{"team":"a"},"actor.team":"b"}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			ev, err := Decode([]byte(c.raw))
			if err != nil {
				t.Fatalf("Decode: %v\n%s", err, c.raw)
			}
			var got, want any
			b, _ := json.Marshal(ev.Extra)
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(c.extra), &want); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("extra = %s, want %s", b, c.extra)
			}
			// Written again and read back, the event is the one read.
			out, err := json.Marshal(ev)
			if err != nil {
				t.Fatal(err)
			}
			again, err := Decode(out)
			if err != nil {
				t.Fatalf("read back: %v\n%s", err, out)
			}
			if !again.OccurredAt.Equal(ev.OccurredAt) {
				t.Errorf("occurred_at read back %v, want %v", again.OccurredAt, ev.OccurredAt)
			}
			again.OccurredAt = ev.OccurredAt
			if !reflect.DeepEqual(again, ev) {
				t.Errorf("written again and read back:\n got %+v\nwant %+v\n%s", again, ev, out)
			}
		})
	}
}

// contractCase is one raw event and the decoder's verdict: the reason it
// is rejected for, or "" when it is valid.
type contractCase struct {
	name   string
	raw    string
	reason Reason
	field  string
}

// rejects are events the contract refuses; contract_test.go adds more, and
// valid ones, and runs all of them through the JSON Schema too.
var rejects = []contractCase{
	{"not json", `{"event_id":`, ReasonMalformed, ""},
	{"empty", ``, ReasonMalformed, ""},
	{"array", `[1,2]`, ReasonWrongType, ""},
	{"trailing data", valid + `{}`, ReasonMalformed, ""},
	{"nested wrong type", strings.Replace(valid, `"private":false`, `"private":"no"`, 1), ReasonWrongType, "message.private"},
	{"invalid utf8", "{\"event_id\":\"\xff\xfe\"}", ReasonInvalidUTF8, ""},
	{"too large", `{"x":"` + strings.Repeat("a", MaxEventBytes) + `"}`, ReasonTooLarge, ""},
	{"number for string", strings.Replace(valid, `"event_id":"e1"`, `"event_id":17`, 1), ReasonWrongType, "event_id"},
	{"missing event_id", strings.Replace(valid, `"event_id":"e1",`, ``, 1), ReasonMissingField, "event_id"},
	{"missing conversation", strings.Replace(valid, `"conversation_id":"c1",`, ``, 1), ReasonMissingField, "conversation_id"},
	{"unknown type", strings.Replace(valid, `"type":"message"`, `"type":"deleted"`, 1), ReasonBadValue, "type"},
	{"no offset", strings.Replace(valid, `+01:00`, ``, 1), ReasonBadTimestamp, "occurred_at"},
	{"missing timestamp", strings.Replace(valid, `"occurred_at":"2026-03-29T01:30:00.250+01:00",`, ``, 1), ReasonMissingField, "occurred_at"},
	{"year 1", strings.Replace(valid, `2026-03-29`, `0001-01-01`, 1), ReasonBadTimestamp, "occurred_at"},
	{"year 9999", strings.Replace(valid, `2026-03-29`, `9999-12-31`, 1), ReasonBadTimestamp, "occurred_at"},
	{"unknown channel", strings.Replace(valid, `"whatsapp"`, `"fax"`, 1), ReasonBadValue, "channel"},
	{"unknown role", strings.Replace(valid, `"role":"customer"`, `"role":"admin"`, 1), ReasonBadValue, "actor.role"},
	{"message without body", `{"event_id":"e","conversation_id":"c","type":"message","occurred_at":"2026-01-01T00:00:00Z","actor":{"role":"agent"}}`, ReasonMissingField, "message"},
	{"message without actor", `{"event_id":"e","conversation_id":"c","type":"message","occurred_at":"2026-01-01T00:00:00Z","message":{"text":"x"}}`, ReasonMissingField, "actor"},
	{"escalation without target", `{"event_id":"e","conversation_id":"c","type":"escalated","occurred_at":"2026-01-01T00:00:00Z"}`, ReasonMissingField, "to"},
	{"transfer to customer", `{"event_id":"e","conversation_id":"c","type":"transferred","occurred_at":"2026-01-01T00:00:00Z","to":{"role":"customer"}}`, ReasonBadValue, "to.role"},
	{"csat out of range", `{"event_id":"e","conversation_id":"c","type":"csat","occurred_at":"2026-01-01T00:00:00Z","csat":{"score":6}}`, ReasonBadValue, "csat.score"},
	{"csat missing", `{"event_id":"e","conversation_id":"c","type":"csat","occurred_at":"2026-01-01T00:00:00Z"}`, ReasonMissingField, "csat"},
	{"deep nesting", `{"attributes":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`, ReasonMalformed, ""},
}

func TestDecodeRejects(t *testing.T) {
	for _, tt := range rejects {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode([]byte(tt.raw))
			var inv *InvalidError
			if !errors.As(err, &inv) {
				t.Fatalf("Decode error = %v, want *InvalidError", err)
			}
			if inv.Reason != tt.reason || inv.Field != tt.field {
				t.Errorf("got reason %q field %q (%v), want %q %q", inv.Reason, inv.Field, inv, tt.reason, tt.field)
			}
		})
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(valid))
	f.Add([]byte(`{"event_id":"../../x","conversation_id":"'; DROP TABLE events; --","type":"resolved","occurred_at":"2026-01-01T00:00:00Z"}`))
	f.Add([]byte("{\"event_id\":\"a\\u0000b\"}"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		ev, err := Decode(raw)
		if err != nil {
			var inv *InvalidError
			if !errors.As(err, &inv) {
				t.Fatalf("non-contract error %T: %v", err, err)
			}
			return
		}
		// Whatever is accepted must survive a round trip unchanged.
		out, err := json.Marshal(ev)
		if err != nil {
			t.Fatalf("marshal accepted event: %v", err)
		}
		again, err := Decode(out)
		if err != nil {
			t.Fatalf("re-decode of %s: %v", out, err)
		}
		if again.EventID != ev.EventID || !again.OccurredAt.Equal(ev.OccurredAt) {
			t.Fatalf("round trip changed the event: %s", out)
		}
	})
}
