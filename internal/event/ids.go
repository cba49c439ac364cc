package event

import "encoding/json"

// IDs are the identifiers by which a message can be traced to a person:
// its conversation_id and its actor.id, decoded (JSON escapes resolved).
// Empty when the message does not name one.
type IDs struct {
	ConversationID, ActorID string
}

// ScanIDs reads the IDs of a complete message; see IDScanner.
func ScanIDs(raw []byte) IDs {
	var s IDScanner
	s.Write(raw) //nolint:errcheck // never fails
	return s.IDs()
}

// maxIDBytes bounds the encoded size of an ID the scanner keeps: far above
// any real ID, yet a hostile 100 MB "ID" is not held in memory.
const maxIDBytes = 64 << 10

// maxKeyBytes bounds the encoded size of the keys it compares: "conversation_id"
// written with every character escaped.
const maxKeyBytes = 6 * len("conversation_id")

// IDScanner finds the top-level "conversation_id" and the "id" of the
// top-level "actor" object in a JSON message fed to it in pieces, keeping
// nothing else in memory. It is a lexer, not a validator: it reads the IDs
// of messages that fail to decode as events (a wrong type elsewhere,
// trailing garbage, a size over MaxEventBytes), as far as the bytes go. A
// number is kept as written; when a key repeats, the last value wins, as in
// Go's decoder. The dead-letter store records what it finds, so erasing a
// customer never depends on the stored bytes, which are cut at MaxEventBytes.
type IDScanner struct {
	ids   IDs
	depth int // containers open
	// At depths 1 and 2 (the top-level object and a value inside it): the
	// container's kind, whether its next string is a key, and its current key.
	object  [3]bool
	wantKey [3]bool
	key     [3]string
	// The token being read and, when it matters, its bytes.
	inString, escaped, inScalar bool
	keep                        int // 0: not kept; else which target: keepKey, keepConversation, keepActor
	tok                         []byte
	overflow                    bool
}

const (
	keepKey = iota + 1
	keepConversation
	keepActor
)

// Write scans p, which continues what was written before. It never fails.
func (s *IDScanner) Write(p []byte) (int, error) {
	for _, b := range p {
		s.byte(b)
	}
	return len(p), nil
}

// IDs returns the IDs found so far.
func (s *IDScanner) IDs() IDs {
	if s.inScalar { // a number at the very end has no terminator
		s.endToken()
	}
	return s.ids
}

func (s *IDScanner) byte(b byte) {
	switch {
	case s.inString:
		s.add(b)
		switch {
		case s.escaped:
			s.escaped = false
		case b == '\\':
			s.escaped = true
		case b == '"':
			s.inString = false
			s.endToken()
		}
		return
	case s.inScalar:
		if !isDelimiter(b) {
			s.add(b)
			return
		}
		s.inScalar = false
		s.endToken()
	}
	switch b {
	case '"':
		s.inString = true
		s.startToken()
		s.add(b)
	case '{', '[':
		s.depth++
		if s.depth < len(s.object) {
			s.object[s.depth], s.wantKey[s.depth], s.key[s.depth] = b == '{', b == '{', ""
		}
	case '}', ']':
		if s.depth > 0 {
			s.depth--
		}
	case ',':
		if s.depth < len(s.object) && s.object[s.depth] {
			s.wantKey[s.depth] = true
		}
	case ':', ' ', '\t', '\n', '\r':
	default:
		s.inScalar = true
		s.startToken()
		s.add(b)
	}
}

func isDelimiter(b byte) bool {
	switch b {
	case ',', '}', ']', ':', '"', '{', '[', ' ', '\t', '\n', '\r':
		return true
	}
	return false
}

// startToken decides whether the token starting now is worth keeping: a key
// of the top-level object or of the actor object, or one of the two IDs.
func (s *IDScanner) startToken() {
	s.keep, s.tok, s.overflow = 0, s.tok[:0], false
	d := s.depth
	if d < 1 || d >= len(s.object) || !s.object[1] || (d == 2 && (!s.object[2] || s.key[1] != "actor")) {
		return
	}
	switch {
	case s.wantKey[d]:
		if s.inString {
			s.keep = keepKey
		}
	case d == 1 && s.key[1] == "conversation_id":
		s.keep = keepConversation
	case d == 2 && s.key[2] == "id":
		s.keep = keepActor
	}
}

func (s *IDScanner) add(b byte) {
	if s.keep == 0 || s.overflow {
		return
	}
	limit := maxIDBytes
	if s.keep == keepKey {
		limit = maxKeyBytes
	}
	if len(s.tok) >= limit {
		s.overflow = true
		return
	}
	s.tok = append(s.tok, b)
}

func (s *IDScanner) endToken() {
	keep := s.keep
	s.keep = 0
	if keep == 0 {
		return
	}
	if keep == keepKey {
		s.wantKey[s.depth] = false
		s.key[s.depth] = ""
		if !s.overflow {
			s.key[s.depth] = decodeToken(s.tok)
		}
		return
	}
	if s.overflow {
		return
	}
	v := decodeToken(s.tok)
	if v == "" {
		return
	}
	if keep == keepConversation {
		s.ids.ConversationID = v
	} else {
		s.ids.ActorID = v
	}
}

// decodeToken returns a string token's value, a number's literal text, and
// "" for anything else (null, true, a string with a broken escape).
func decodeToken(tok []byte) string {
	if len(tok) == 0 {
		return ""
	}
	if tok[0] == '"' {
		var v string
		if json.Unmarshal(tok, &v) != nil {
			return ""
		}
		return v
	}
	if tok[0] == '-' || (tok[0] >= '0' && tok[0] <= '9') {
		var n json.Number
		if json.Unmarshal(tok, &n) == nil {
			return n.String()
		}
	}
	return ""
}
