package event

import (
	"strings"
	"testing"
)

func TestScanIDs(t *testing.T) {
	big := strings.Repeat("x", MaxEventBytes+10)
	tests := []struct {
		name string
		raw  string
		want IDs
	}{
		{"event", `{"event_id":"e1","conversation_id":"conv-1","type":"message","actor":{"role":"customer","id":"cust-1"}}`, IDs{"conv-1", "cust-1"}},
		{"escaped ampersand", `{"conversation_id":"c\u0026d","actor":{"id":"a\u0026b"}}`, IDs{"c&d", "a&b"}},
		{"id written with an escape", `{"actor":{"id":"c\u0031"}}`, IDs{"", "c1"}},
		{"escaped key", `{"conversation\u005fid":"x","actor":{"\u0069d":"y"}}`, IDs{"x", "y"}},
		{"surrogate pair", `{"actor":{"id":"\ud83d\ude00-1"}}`, IDs{"", "😀-1"}},
		{"actor after 1 MiB of text", `{"conversation_id":"c9","message":{"text":"` + big + `"},"actor":{"role":"customer","id":"late"}}`, IDs{"c9", "late"}},
		{"malformed after the ids", `{"actor":{"id":"cust-2"},"conversation_id":"c2","type":`, IDs{"c2", "cust-2"}},
		{"wrong type elsewhere", `{"event_id":7,"actor":{"id":"cust-3","role":5}}`, IDs{"", "cust-3"}},
		{"other ids are not the actor's", `{"to":{"role":"agent","id":"agent-1"},"actor":{"role":"customer"},"attributes":{"id":"z"}}`, IDs{}},
		{"quoted braces in text", `{"message":{"text":"}{\"actor\":{\"id\":\"evil\"}"},"actor":{"id":"real"}}`, IDs{"", "real"}},
		{"actor in an array", `{"actor":[{"id":"x"}]}`, IDs{}},
		{"number", `{"conversation_id":12345,"actor":{"id":-7}}`, IDs{"12345", "-7"}},
		{"number at the end", `{"conversation_id":12345`, IDs{"12345", ""}},
		{"null and bool", `{"conversation_id":null,"actor":{"id":true}}`, IDs{}},
		{"repeated key: last wins", `{"actor":{"id":"first"},"actor":{"id":"second"}}`, IDs{"", "second"}},
		{"top-level array", `[{"conversation_id":"c"}]`, IDs{}},
		{"not JSON", "2026-03-01,cust-1,hello", IDs{}},
		{"id too long to keep", `{"actor":{"id":"` + strings.Repeat("a", maxIDBytes) + `"}}`, IDs{}},
		{"broken escape", `{"actor":{"id":"a\x"}}`, IDs{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ScanIDs([]byte(tt.raw)); got != tt.want {
				t.Errorf("ScanIDs = %+v, want %+v", got, tt.want)
			}
			// In pieces, as a long line streams past: the same answer.
			for _, n := range []int{1, 7, 4096} {
				var s IDScanner
				for p := tt.raw; len(p) > 0; {
					k := min(n, len(p))
					s.Write([]byte(p[:k])) //nolint:errcheck // never fails
					p = p[k:]
				}
				if got := s.IDs(); got != tt.want {
					t.Errorf("in pieces of %d: %+v, want %+v", n, got, tt.want)
				}
			}
		})
	}
}
