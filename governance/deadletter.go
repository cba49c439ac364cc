package governance

import (
	"bytes"
	"encoding/json"

	"github.com/parley-cx/parley/internal/lake"
)

// deadLetterMatcher decides whether a dead letter is the customer's. Dead
// letters failed to decode, so every reading is tried and any one suffices:
// invalid input is erased generously rather than kept on a technicality.
type deadLetterMatcher struct {
	customer string
	// convs, when whole conversations are erased, are the customer's
	// conversations; nil otherwise.
	convs map[string]bool
	// maxEncoded bounds the JSON-encoded length of any ID sought: six bytes
	// (\uXXXX) per byte of the longest.
	maxEncoded int
}

func newDeadLetterMatcher(customer string, convs map[string]bool) deadLetterMatcher {
	longest := len(customer)
	for c := range convs {
		longest = max(longest, len(c))
	}
	return deadLetterMatcher{customer: customer, convs: convs, maxEncoded: 6*longest + 2}
}

// matches reports whether d names the customer (or one of their
// conversations): in the ID columns ingest read from the whole message,
// as its Kafka key, as a JSON string anywhere in its bytes once decoded
// (so "a\u0026b" is "a&b" and "c\u0031" is "c1"), or as a whole word of
// its bytes (a CSV row, a number).
func (m deadLetterMatcher) matches(d *lake.DeadLetter) bool {
	if d.ActorID != nil && *d.ActorID == m.customer {
		return true
	}
	if d.ConversationID != nil && m.convs[*d.ConversationID] {
		return true
	}
	if d.Key != nil && (bytes.Equal(*d.Key, []byte(m.customer)) || m.convs[string(*d.Key)]) {
		return true
	}
	if containsWord(d.Raw, []byte(m.customer)) {
		return true
	}
	return anyJSONString(d.Raw, m.maxEncoded, func(s string) bool { return s == m.customer || m.convs[s] })
}

// unverifiable reports a dead letter that may be the customer's without
// any way to tell: its bytes were cut, and it was written before ingest
// recorded the IDs of the whole message, so the actor may lie past the cut.
func unverifiable(d *lake.DeadLetter) bool {
	return d.ActorID == nil && d.RawSize > int64(len(d.Raw))
}

// anyJSONString reports whether match accepts the decoded value of any JSON
// string in raw of at most maxEncoded bytes. Dead letters may be broken
// anywhere, so both readings of their quotes are tried: every unescaped
// quote starts a candidate string ending at the next one. That is one pass
// over raw, whatever it holds.
func anyJSONString(raw []byte, maxEncoded int, match func(string) bool) bool {
	prev := -1 // the previous unescaped quote
	backslashes := 0
	for i, b := range raw {
		switch {
		case b == '\\':
			backslashes++
			continue
		case b == '"' && backslashes%2 == 0:
			if prev >= 0 && i-prev+1 <= maxEncoded {
				var s string
				if json.Unmarshal(raw[prev:i+1], &s) == nil && match(s) {
					return true
				}
			}
			prev = i
		}
		backslashes = 0
	}
	return false
}

// containsWord reports whether word occurs in raw with no letter, digit,
// '_' or '-' (nor a UTF-8 letter) right before or after it, so that
// "cust-1" is found in `2026-03-01,cust-1,hi` but not in "cust-12".
func containsWord(raw, word []byte) bool {
	return containsWordIn(raw, word, true)
}

// containsWordIn is containsWord for a piece of a longer text: unless
// endIsBoundary, a word touching the end of raw does not count, since the
// byte after it is not known yet.
func containsWordIn(raw, word []byte, endIsBoundary bool) bool {
	if len(word) == 0 {
		return false
	}
	for off := 0; ; {
		k := bytes.Index(raw[off:], word)
		if k < 0 {
			return false
		}
		start, end := off+k, off+k+len(word)
		if (start == 0 || !wordByte(raw[start-1])) && (end == len(raw) && endIsBoundary || end < len(raw) && !wordByte(raw[end])) {
			return true
		}
		off = start + 1
	}
}

func wordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_' || b == '-' || b >= 0x80
}
