package event

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
)

// Go's JSON decoders match object keys to struct fields without regard to
// case, so {"TYPE": "resolved"} would set Type, and a later "Type" would
// override an earlier "type". The contract's keys are exact, as the JSON
// Schema says (docs/events.schema.json): checkKeys walks the raw event once,
// after it has decoded, and holds every key of a contract object (the event,
// actor, message, to, csat) to the contract's spelling and JSON type. It also
// reports which keys were present, which the decoded struct cannot tell
// (a missing occurred_at and year 0001 both decode to the zero time).

// kind is the JSON type a contract key's value must have.
type kind byte

const (
	kindString kind = 's'
	kindObject kind = 'o'
	kindNumber kind = 'n'
	kindBool   kind = 'b'
)

func (k kind) String() string {
	switch k {
	case kindString:
		return "string"
	case kindObject:
		return "object"
	case kindNumber:
		return "number"
	}
	return "boolean"
}

// key is one key of a contract object.
type key struct {
	name string
	kind kind
	// obj is the contract object the value is, for actor, message, to and
	// csat; nil for attributes, whose keys are free.
	obj *object
}

// object is a contract object: its keys, and those it requires (beyond the
// event's, which Validate checks with their own reasons).
type object struct {
	keys     []key
	required []string
}

var (
	actorObject   = &object{keys: []key{{"role", kindString, nil}, {"id", kindString, nil}}, required: []string{"role"}}
	messageObject = &object{keys: []key{{"text", kindString, nil}, {"private", kindBool, nil}, {"automated", kindBool, nil}}, required: []string{"text"}}
	targetObject  = &object{keys: []key{{"role", kindString, nil}, {"id", kindString, nil}, {"queue", kindString, nil}}, required: []string{"role"}}
	csatObject    = &object{keys: []key{{"score", kindNumber, nil}}, required: []string{"score"}}
	eventObject   = &object{keys: []key{
		{"event_id", kindString, nil}, {"conversation_id", kindString, nil}, {"type", kindString, nil},
		{"occurred_at", kindString, nil}, {"channel", kindString, nil}, {"actor", kindObject, actorObject},
		{"queue", kindString, nil}, {"message", kindObject, messageObject}, {"to", kindObject, targetObject},
		{"csat", kindObject, csatObject}, {"attributes", kindObject, nil},
	}}
)

// present records which of the event's own keys appeared (bit i: eventObject.keys[i]).
type present uint16

func (p present) has(name string) bool {
	for i, k := range eventObject.keys {
		if k.name == name {
			return p&(1<<i) != 0
		}
	}
	return false
}

// keyWalker scans one JSON value that a decoder has already accepted, so
// it only needs to find where tokens end, not to check their syntax.
type keyWalker struct {
	raw []byte
	i   int
}

// checkKeys checks the keys of the event in raw (a JSON object that decoded)
// and that nothing but white space follows it.
func checkKeys(raw []byte) (present, *InvalidError) {
	w := keyWalker{raw: raw}
	w.space()
	var p present
	if w.i == len(raw) || raw[w.i] != '{' {
		return p, invalid(ReasonWrongType, "", "got JSON %s, want an object", jsonName(raw[min(w.i, len(raw)-1)]))
	}
	if err := w.object(eventObject, "", &p); err != nil {
		return p, err
	}
	if w.space(); w.i < len(raw) {
		return p, invalid(ReasonMalformed, "", "trailing data after the JSON object")
	}
	return p, nil
}

func (w *keyWalker) space() {
	for w.i < len(w.raw) {
		switch w.raw[w.i] {
		case ' ', '\t', '\n', '\r':
			w.i++
		default:
			return
		}
	}
}

// object walks an object at w.i whose keys obj describes; path is its
// dotted name ("" for the event). p, if not nil, records the keys present.
func (w *keyWalker) object(obj *object, path string, p *present) *InvalidError {
	w.i++ // {
	var seen uint16
	var others [][]byte // the keys outside the contract, to find one given twice
	for {
		w.space()
		if w.raw[w.i] == '}' {
			w.i++
			break
		}
		if w.raw[w.i] == ',' {
			w.i++
			w.space()
		}
		name := w.key()
		w.space()
		w.i++ // :
		w.space()
		idx := -1
		for j, k := range obj.keys {
			if k.name == string(name) {
				idx = j
				break
			}
		}
		if idx < 0 {
			for _, k := range obj.keys {
				// strings.EqualFold folds as the decoders do (K and ſ included).
				if strings.EqualFold(k.name, string(name)) {
					return invalid(ReasonBadValue, dotted(path, string(name)), "key differs from the contract's %q only by case", k.name)
				}
			}
			if slices.ContainsFunc(others, func(o []byte) bool { return bytes.Equal(o, name) }) {
				return givenTwice(path, string(name))
			}
			others = append(others, name)
			if err := w.value(dotted(path, string(name))); err != nil {
				return err
			}
			continue
		}
		k := obj.keys[idx]
		if seen&(1<<idx) != 0 {
			return givenTwice(path, k.name)
		}
		seen |= 1 << idx
		if got := w.kind(); got != k.kind {
			return invalid(ReasonWrongType, dotted(path, k.name), "got JSON %s, want %s", jsonName(w.raw[w.i]), k.kind)
		}
		if k.obj != nil {
			if err := w.object(k.obj, dotted(path, k.name), nil); err != nil {
				return err
			}
			continue
		}
		if k.kind == kindObject { // attributes: free keys, each once
			if err := w.value(dotted(path, k.name)); err != nil {
				return err
			}
			continue
		}
		start := w.i
		w.skip()
		if path == "" && k.name == "occurred_at" && !timestampShape(w.raw[start:w.i]) {
			// Go's parser also takes a comma before the fraction and a
			// lower-case t or z; RFC 3339 (and the schema) take neither.
			return invalid(ReasonBadTimestamp, "occurred_at", "not an RFC 3339 timestamp (YYYY-MM-DDTHH:MM:SS[.fraction] with Z or ±HH:MM): %s", w.raw[start:w.i])
		}
	}
	for _, name := range obj.required {
		for j, k := range obj.keys {
			if k.name == name && seen&(1<<j) == 0 {
				return invalid(ReasonMissingField, dotted(path, name), "required")
			}
		}
	}
	if p != nil {
		*p = present(seen)
	}
	return nil
}

// key reads the object key at w.i. A key without escapes, the usual case,
// is a slice of raw: the walk allocates nothing.
func (w *keyWalker) key() []byte {
	start := w.i
	w.str()
	s := w.raw[start+1 : w.i-1]
	if bytes.IndexByte(s, '\\') < 0 {
		return s
	}
	var name string
	if err := json.Unmarshal(w.raw[start:w.i], &name); err != nil {
		return nil // cannot happen: the decoder read this key
	}
	return []byte(name)
}

// kind is the JSON type of the value at w.i; null is none of the contract's.
func (w *keyWalker) kind() kind {
	switch c := w.raw[w.i]; {
	case c == '"':
		return kindString
	case c == '{':
		return kindObject
	case c == 't' || c == 'f':
		return kindBool
	case c == '-' || ('0' <= c && c <= '9'):
		return kindNumber
	}
	return 0
}

// jsonName names the JSON type of a value starting with c, for messages.
func jsonName(c byte) string {
	switch c {
	case 'n':
		return "null"
	case '[':
		return "array"
	case '"':
		return "string"
	case '{':
		return "object"
	case 't', 'f':
		return "boolean"
	}
	return "number"
}

// str moves past the string at w.i: to the first quote after it that an
// even number of backslashes precedes (IndexByte finds quotes fast).
func (w *keyWalker) str() {
	w.i++ // "
	for {
		w.i += bytes.IndexByte(w.raw[w.i:], '"')
		slashes := 0
		for w.raw[w.i-1-slashes] == '\\' {
			slashes++
		}
		w.i++
		if slashes%2 == 0 {
			return
		}
	}
}

// skip moves past the value at w.i, whatever it is.
func (w *keyWalker) skip() {
	switch w.raw[w.i] {
	case '"':
		w.str()
	case '{', '[':
		depth := 0
		for {
			switch w.raw[w.i] {
			case '"':
				w.str()
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
			w.i++
			if depth == 0 {
				return
			}
		}
	default: // number, true, false, null
		for w.i < len(w.raw) {
			switch w.raw[w.i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return
			}
			w.i++
		}
	}
}

// value moves past the value at w.i, as skip does, and fails if an object
// in it (at any depth) gives a key twice: JSON decoders keep the last of
// them, so the first value would be lost without a word. path names the
// value in the error.
func (w *keyWalker) value(path string) *InvalidError {
	switch w.raw[w.i] {
	case '{':
		w.i++
		var names [][]byte
		for {
			w.space()
			switch w.raw[w.i] {
			case '}':
				w.i++
				return nil
			case ',':
				w.i++
				w.space()
			}
			name := w.key()
			if slices.ContainsFunc(names, func(o []byte) bool { return bytes.Equal(o, name) }) {
				return givenTwice(path, string(name))
			}
			names = append(names, name)
			w.space()
			w.i++ // :
			w.space()
			if err := w.value(dotted(path, string(name))); err != nil {
				return err
			}
		}
	case '[':
		w.i++
		for {
			w.space()
			switch w.raw[w.i] {
			case ']':
				w.i++
				return nil
			case ',':
				w.i++
				w.space()
			}
			if err := w.value(path); err != nil {
				return err
			}
		}
	}
	w.skip()
	return nil
}

// duplicateKey reports the dotted path of the first key that an object in
// the JSON value raw (which must be valid JSON) gives twice, and whether
// there is one.
func duplicateKey(raw []byte) (string, bool) {
	w := keyWalker{raw: raw}
	w.space()
	if err := w.value(""); err != nil {
		return err.Field, true
	}
	return "", false
}

func givenTwice(path, name string) *InvalidError {
	return invalid(ReasonBadValue, dotted(path, name), "key given twice in one object: a JSON decoder keeps only the last value, so the first would be lost")
}

func dotted(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// timestampShape reports whether the JSON string quoted is shaped as the
// contract's timestamps are: YYYY-MM-DDTHH:MM:SS, an optional fraction after
// a dot, then Z or ±HH:MM, with an upper-case T and Z. The values are checked
// by the parser and Validate; this only refuses the spellings Go's parser
// tolerates and RFC 3339 does not.
func timestampShape(quoted []byte) bool {
	var v string
	if err := json.Unmarshal(quoted, &v); err != nil {
		return false
	}
	const head = "dddd-dd-ddTdd:dd:dd"
	if len(v) < len(head)+1 {
		return false
	}
	for i := range len(head) {
		c := v[i]
		if head[i] == 'd' {
			if c < '0' || c > '9' {
				return false
			}
		} else if c != head[i] {
			return false
		}
	}
	rest := v[len(head):]
	if rest[0] == '.' {
		n := 1
		for n < len(rest) && '0' <= rest[n] && rest[n] <= '9' {
			n++
		}
		if n == 1 {
			return false
		}
		rest = rest[n:]
	}
	switch {
	case rest == "Z":
		return true
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		for _, i := range []int{1, 2, 4, 5} {
			if rest[i] < '0' || rest[i] > '9' {
				return false
			}
		}
		return true
	}
	return false
}
