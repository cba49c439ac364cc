package event_test

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/synth"
)

// base is a valid resolved event; cases below splice fields into it.
const base = `{"event_id":"e1","conversation_id":"c1","type":"resolved","occurred_at":"2026-03-29T01:30:00Z"`

// fastCases are events of the shapes the fast path reads itself (want
// true) and of shapes it must leave to the general path (want false),
// beside the contract's own corpus, which the tests add.
var fastCases = []struct {
	name string
	raw  string
	fast bool
}{
	{"plain", base + `}`, true},
	{"white space everywhere", " \t\n{ \"event_id\" :\r\n\"e1\" , \"conversation_id\":\"c1\",\"type\" : \"resolved\",\"occurred_at\":\"2026-03-29T01:30:00Z\" } \n", true},
	{"escapes", base + `,"queue":"a\"b\\c\/d\b\f\n\r\t\u00e9\u20ac\ud83d\ude00\u0000"}`, true},
	{"escaped type value", strings.Replace(base, `"resolved"`, `"resol\u0076ed"`, 1) + `}`, true},
	{"lone high surrogate", base + `,"queue":"a\ud800b"}`, false},
	{"lone low surrogate", base + `,"queue":"a\udc00b"}`, false},
	{"control character", base + ",\"queue\":\"a\x01b\"}", false},
	{"escaped key", strings.Replace(base, `"type"`, `"\u0074ype"`, 1) + `}`, false},
	{"offset", strings.Replace(base, `Z"`, `+05:45"`, 1) + `}`, true},
	{"negative offset", strings.Replace(base, `Z"`, `-03:30"`, 1) + `}`, true},
	{"zero offset", strings.Replace(base, `Z"`, `+00:00"`, 1) + `}`, true},
	{"minus zero offset", strings.Replace(base, `Z"`, `-00:00"`, 1) + `}`, true},
	{"offset +18:00", strings.Replace(base, `Z"`, `+18:00"`, 1) + `}`, true},
	{"offset +18:01", strings.Replace(base, `Z"`, `+18:01"`, 1) + `}`, false},
	{"fraction 1", strings.Replace(base, `00Z"`, `00.5Z"`, 1) + `}`, true},
	{"fraction 9", strings.Replace(base, `00Z"`, `00.123456789Z"`, 1) + `}`, true},
	{"fraction 10", strings.Replace(base, `00Z"`, `00.1234567891Z"`, 1) + `}`, false},
	{"29 february 2028", strings.Replace(base, `2026-03-29`, `2028-02-29`, 1) + `}`, true},
	{"29 february 2100", strings.Replace(base, `2026-03-29`, `2100-02-29`, 1) + `}`, false},
	{"31 april", strings.Replace(base, `2026-03-29`, `2026-04-31`, 1) + `}`, false},
	{"31 december", strings.Replace(base, `2026-03-29`, `2026-12-31`, 1) + `}`, true},
	{"escaped timestamp", strings.Replace(base, `T01`, `\u005401`, 1) + `}`, false},
	{"message", `{"event_id":"e","conversation_id":"c","type":"message","occurred_at":"2026-01-01T00:00:00Z","actor":{"role":"agent","id":"a"},"message":{"text":"hi","private":true,"automated":false}}`, true},
	{"message without flags", `{"event_id":"e","conversation_id":"c","type":"message","occurred_at":"2026-01-01T00:00:00Z","actor":{"role":"customer"},"message":{"text":""}}`, true},
	{"message flag null", `{"event_id":"e","conversation_id":"c","type":"message","occurred_at":"2026-01-01T00:00:00Z","actor":{"role":"customer"},"message":{"text":"x","private":null}}`, false},
	{"unknown key in actor", base + `,"actor":{"role":"agent","team":"x"}}`, false},
	{"repeated actor", base + `,"actor":{"role":"agent"},"actor":{"role":"bot"}}`, false},
	{"repeated key in actor", base + `,"actor":{"role":"agent","role":"bot"}}`, false},
	{"repeated event_id", base + `,"event_id":"e2"}`, false},
	{"transfer", `{"event_id":"e","conversation_id":"c","type":"transferred","occurred_at":"2026-01-01T00:00:00Z","to":{"role":"agent","id":"a","queue":"q"}}`, true},
	{"csat", `{"event_id":"e","conversation_id":"c","type":"csat","occurred_at":"2026-01-01T00:00:00Z","csat":{"score":5}}`, true},
	{"csat 4.0", `{"event_id":"e","conversation_id":"c","type":"csat","occurred_at":"2026-01-01T00:00:00Z","csat":{"score":4.0}}`, false},
	{"csat 05", `{"event_id":"e","conversation_id":"c","type":"csat","occurred_at":"2026-01-01T00:00:00Z","csat":{"score":05}}`, false},
	{"csat -1", `{"event_id":"e","conversation_id":"c","type":"csat","occurred_at":"2026-01-01T00:00:00Z","csat":{"score":-1}}`, false},
	{"csat 1e0", `{"event_id":"e","conversation_id":"c","type":"csat","occurred_at":"2026-01-01T00:00:00Z","csat":{"score":1e0}}`, false},
	{"attributes", base + `,"attributes":{"locale":"en-GB","tier":"gold"}}`, true},
	{"empty attributes", base + `,"attributes":{}}`, true},
	{"repeated attribute", base + `,"attributes":{"a":"1","a":"2"}}`, false},
	{"repeated escaped attribute", base + `,"attributes":{"a":"1","\u0061":"2"}}`, false},
	{"escaped attribute key", base + `,"attributes":{"\u0061":"1","Type":"x"}}`, true},
	{"many attributes", base + `,"attributes":{"a":"1","b":"2","c":"3","d":"4","e":"5","f":"6","g":"7","h":"8","i":"9","j":"10"}}`, true},
	{"attribute number", base + `,"attributes":{"a":1}}`, false},
	{"extra fields", base + `,"crm_ref":"X-9","sentiment":{ "score" : -0.4e+2, "tags":["a",true,null,{}], "x":[] },"n":0}`, true},
	{"repeated extra field", base + `,"x":1,"x":[2]}`, false},
	{"repeated key inside an extra field", base + `,"x":{"a":[{"b":1,"b":2}]}}`, false},
	{"one key in two extra objects", base + `,"x":{"a":1},"y":[{"a":1},{"a":2}]}`, true},
	{"extra field with escapes", base + `,"x":"<\u00e9>\n\ud800"}`, true},
	{"extra key like a contract key", base + `,"Queue":"x"}`, false},
	{"bad number in extra", base + `,"x":01}`, false},
	{"bad number in extra 2", base + `,"x":1.}`, false},
	{"deep extra", base + `,"x":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`, false},
	{"null extra", base + `,"x":null}`, true},
	{"trailing comma", base + `,}`, false},
	{"channel", base + `,"channel":"sms","queue":""}`, true},
	{"empty channel", base + `,"channel":""}`, false},
}

// corpus is every case the tests run through both paths: the cases above,
// the contract's corpus (valid and invalid), the hostile corpus, and a
// day of the synthetic operation.
func corpus(t testing.TB) [][]byte {
	var out [][]byte
	for _, c := range fastCases {
		out = append(out, []byte(c.raw))
	}
	for _, raw := range event.ContractCorpus() {
		out = append(out, []byte(raw))
	}
	files, err := filepath.Glob("../../testdata/hostile/*.jsonl")
	if err != nil || len(files) == 0 {
		t.Fatalf("hostile corpus: %v (%d files)", err, len(files))
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			out = append(out, bytes.Clone(sc.Bytes()))
		}
	}
	cfg := synth.DefaultConfig()
	cfg.Days, cfg.PerDay = 1, 200
	_, err = synth.Generate(context.Background(), cfg, func(ev *event.Event) error {
		b, err := ev.MarshalJSON()
		out = append(out, b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// checkAgree fails t if the fast path accepts raw and the general path
// does not, or decodes it differently.
func checkAgree(t *testing.T, raw []byte) (fast bool) {
	t.Helper()
	if len(raw) > event.MaxEventBytes || !utf8.Valid(raw) {
		return false // Decode refuses these before either path
	}
	f, ok := event.DecodeFast(raw)
	if !ok {
		return false
	}
	g, err := event.DecodeGeneral(raw)
	if err != nil {
		t.Fatalf("fast path accepted what the general path rejects (%v):\n%q", err, raw)
	}
	if !f.OccurredAt.Equal(g.OccurredAt) {
		t.Fatalf("occurred_at: fast %v, general %v:\n%q", f.OccurredAt, g.OccurredAt, raw)
	}
	_, fo := f.OccurredAt.Zone()
	_, gof := g.OccurredAt.Zone()
	if fo != gof {
		t.Fatalf("offset: fast %d, general %d:\n%q", fo, gof, raw)
	}
	// The Location itself may differ (time.Parse picks Local for an
	// offset Local uses); nothing reads more than the instant and offset.
	f.OccurredAt, g.OccurredAt = time.Time{}, time.Time{}
	if !reflect.DeepEqual(f, g) {
		t.Fatalf("decoded differently:\nfast    %#v\ngeneral %#v\n%q", f, g, raw)
	}
	return true
}

// TestFastAgreesWithGeneral: everything the fast path accepts, the general
// path accepts and decodes to the same event; and the fast path does read
// the shapes it is for (else this test would pass with a path that
// declines everything).
func TestFastAgreesWithGeneral(t *testing.T) {
	for i, c := range fastCases {
		t.Run(c.name, func(t *testing.T) {
			if got := checkAgree(t, []byte(fastCases[i].raw)); got != c.fast {
				t.Errorf("fast path took it: %v, want %v\n%s", got, c.fast, c.raw)
			}
		})
	}
	all := corpus(t)
	took := 0
	for _, raw := range all {
		if checkAgree(t, raw) {
			took++
		}
	}
	// Every synthetic event is plain: the fast path must take nearly all
	// of the corpus.
	if took < len(all)*9/10 {
		t.Errorf("the fast path took %d of %d events", took, len(all))
	}
}

func FuzzFastAgreesWithGeneral(f *testing.F) {
	for _, raw := range corpus(f)[:200] {
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		checkAgree(t, raw)
	})
}
