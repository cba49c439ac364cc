package event

import (
	"encoding/binary"
	"encoding/json"
	"math/bits"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// The fast path of Decode. Nearly every event on a topic has the same plain
// shape: contract keys spelled exactly, each at most once, string values
// with few escapes, maybe some extra fields. decodeFast reads such an event
// in one pass over its bytes, with no reflection and no intermediate maps,
// holding each key and value to the contract as it goes, and copies all
// its strings into one allocation. Whatever else it meets (a duplicate
// key, an unknown key inside a contract object, a key that differs from a
// contract key only by case, null, a control character, a lone surrogate,
// a timestamp it does not parse itself, anything malformed) makes it
// decline, and Decode then takes the general path (decodeGeneral), whose
// verdict and error are authoritative. So the fast path decides nothing
// on its own: an event it accepts is one the general path accepts too,
// decoded to the same Event (TestFastAgreesWithGeneral, FuzzFastAgreesWithGeneral).

// Strings of the event, by index into fastScanner.spans.
const (
	fEventID = iota
	fConversationID
	fType
	fChannel
	fQueue
	fActorRole
	fActorID
	fText
	fToRole
	fToID
	fToQueue
	numFields
)

// Top-level keys seen, and keys of the nested objects.
const (
	seenEventID uint32 = 1 << iota
	seenConversationID
	seenType
	seenOccurredAt
	seenChannel
	seenActor
	seenQueue
	seenMessage
	seenTo
	seenCSAT
	seenAttributes
	seenActorRole
	seenActorID
	seenText
	seenPrivate
	seenAutomated
	seenToRole
	seenToID
	seenToQueue
	seenScore
)

// maxFastDepth bounds the nesting of extra fields the fast path reads;
// deeper ones go to the general path, which enforces the real limit.
const maxFastDepth = 64

// span is a decoded string: buf[start:end] of its scanner.
type span struct{ start, end int32 }

// pair is one attribute: key and value spans.
type pair struct{ key, value span }

// extra is one unknown top-level field: its key span and its raw value.
type extra struct {
	key   span
	value []byte
}

type fastScanner struct {
	raw []byte
	i   int
	// buf holds the decoded strings of the event, back to back; they become
	// one string at the end.
	buf   []byte
	spans [numFields]span
	seen  uint32

	occurredAt time.Time
	private    bool
	automated  bool
	score      int
	attrs      []pair
	hasAttrs   bool
	extras     []extra
}

// scanners are reused: their buffers would escape to the heap anyway.
var scanners = sync.Pool{New: func() any { return new(fastScanner) }}

func (s *fastScanner) reset(raw []byte) {
	clear(s.extras)
	*s = fastScanner{raw: raw, buf: s.buf[:0], attrs: s.attrs[:0], extras: s.extras[:0]}
}

// eventParts holds an event's nested objects in one allocation.
type eventParts struct {
	actor   Actor
	message Message
	to      Target
	csat    CSAT
}

// decodeFast decodes raw, which must be valid UTF-8, into ev if it has the
// plain shape, and reports whether it did. ev is not validated.
func decodeFast(raw []byte, ev *Event) bool {
	s := scanners.Get().(*fastScanner)
	defer scanners.Put(s)
	s.reset(raw)
	defer s.reset(nil) // keeps neither raw nor the extras' slices of it
	if !s.event() {
		return false
	}
	const required = seenEventID | seenConversationID | seenType | seenOccurredAt
	if s.seen&required != required {
		return false
	}
	str := string(s.buf)
	get := func(f int) string { return str[s.spans[f].start:s.spans[f].end] }
	*ev = Event{
		EventID:        get(fEventID),
		ConversationID: get(fConversationID),
		Type:           Type(get(fType)),
		OccurredAt:     s.occurredAt,
		Channel:        Channel(get(fChannel)),
		Queue:          get(fQueue),
	}
	if s.seen&seenChannel != 0 && ev.Channel == "" {
		return false // Decode's own error for an empty channel
	}
	if s.seen&(seenActor|seenMessage|seenTo|seenCSAT) != 0 {
		p := new(eventParts)
		if s.seen&seenActor != 0 {
			p.actor = Actor{Role: get(fActorRole), ID: get(fActorID)}
			ev.Actor = &p.actor
		}
		if s.seen&seenMessage != 0 {
			p.message = Message{Text: get(fText), Private: s.private, Automated: s.automated}
			ev.Message = &p.message
		}
		if s.seen&seenTo != 0 {
			p.to = Target{Role: get(fToRole), ID: get(fToID), Queue: get(fToQueue)}
			ev.To = &p.to
		}
		if s.seen&seenCSAT != 0 {
			p.csat = CSAT{Score: s.score}
			ev.CSAT = &p.csat
		}
	}
	if s.hasAttrs {
		ev.Attributes = make(map[string]string, len(s.attrs))
		for _, a := range s.attrs {
			ev.Attributes[str[a.key.start:a.key.end]] = str[a.value.start:a.value.end]
		}
	}
	if len(s.extras) > 0 {
		ev.Extra = make(map[string]json.RawMessage, len(s.extras))
		for _, x := range s.extras {
			ev.Extra[str[x.key.start:x.key.end]] = json.RawMessage(append([]byte(nil), x.value...))
		}
	}
	return true
}

// event reads the top-level object and checks that only white space follows.
func (s *fastScanner) event() bool {
	s.space()
	if !s.eat('{') {
		return false
	}
	for {
		s.space()
		key, ok := s.key()
		if !ok || !s.colon() {
			return false
		}
		var bit uint32
		switch string(key) {
		case "event_id":
			bit, ok = seenEventID, s.field(fEventID)
		case "conversation_id":
			bit, ok = seenConversationID, s.field(fConversationID)
		case "type":
			bit, ok = seenType, s.field(fType)
		case "occurred_at":
			bit, ok = seenOccurredAt, s.timestamp()
		case "channel":
			bit, ok = seenChannel, s.field(fChannel)
		case "queue":
			bit, ok = seenQueue, s.field(fQueue)
		case "actor":
			bit, ok = seenActor, s.object(s.actorKey)
		case "message":
			bit, ok = seenMessage, s.object(s.messageKey) && s.seen&seenText != 0
		case "to":
			bit, ok = seenTo, s.object(s.toKey)
		case "csat":
			bit, ok = seenCSAT, s.object(s.csatKey) && s.seen&seenScore != 0
		case "attributes":
			bit, ok = seenAttributes, s.attributes()
		default:
			ok = s.extra(key)
		}
		if !ok || s.seen&bit != 0 {
			return false
		}
		s.seen |= bit
		if s.seen&seenActor != 0 && s.seen&seenActorRole == 0 || s.seen&seenTo != 0 && s.seen&seenToRole == 0 {
			return false // a required key of actor or to is missing
		}
		s.space()
		if s.eat('}') {
			break
		}
		if !s.eat(',') {
			return false
		}
	}
	s.space()
	return s.i == len(s.raw)
}

// object reads a contract object whose keys fn reads, after the colon.
// fn reads the value of its key and reports false for anything but a known
// key seen for the first time with a value of its type.
func (s *fastScanner) object(fn func(key []byte) bool) bool {
	if !s.eat('{') {
		return false
	}
	for {
		s.space()
		key, ok := s.key()
		if !ok || !s.colon() || !fn(key) {
			return false
		}
		s.space()
		if s.eat('}') {
			return true
		}
		if !s.eat(',') {
			return false
		}
	}
}

// once marks bit seen and reports whether it was not already.
func (s *fastScanner) once(bit uint32) bool {
	if s.seen&bit != 0 {
		return false
	}
	s.seen |= bit
	return true
}

func (s *fastScanner) actorKey(key []byte) bool {
	switch string(key) {
	case "role":
		return s.once(seenActorRole) && s.field(fActorRole)
	case "id":
		return s.once(seenActorID) && s.field(fActorID)
	}
	return false
}

func (s *fastScanner) messageKey(key []byte) bool {
	switch string(key) {
	case "text":
		return s.once(seenText) && s.field(fText)
	case "private":
		return s.once(seenPrivate) && s.boolean(&s.private)
	case "automated":
		return s.once(seenAutomated) && s.boolean(&s.automated)
	}
	return false
}

func (s *fastScanner) toKey(key []byte) bool {
	switch string(key) {
	case "role":
		return s.once(seenToRole) && s.field(fToRole)
	case "id":
		return s.once(seenToID) && s.field(fToID)
	case "queue":
		return s.once(seenToQueue) && s.field(fToQueue)
	}
	return false
}

func (s *fastScanner) csatKey(key []byte) bool {
	return string(key) == "score" && s.once(seenScore) && s.integer(&s.score)
}

// attributes reads an object of string values (its keys are free, each
// given once: a key given twice is the general path's to reject).
func (s *fastScanner) attributes() bool {
	if !s.eat('{') {
		return false
	}
	s.hasAttrs = true
	s.space()
	if s.eat('}') {
		return true
	}
	for {
		s.space()
		k, ok := s.str()
		if !ok || !s.colon() {
			return false
		}
		v, ok := s.str()
		if !ok {
			return false
		}
		for _, a := range s.attrs {
			if string(s.buf[a.key.start:a.key.end]) == string(s.buf[k.start:k.end]) {
				return false
			}
		}
		s.attrs = append(s.attrs, pair{k, v})
		s.space()
		if s.eat('}') {
			return true
		}
		if !s.eat(',') {
			return false
		}
	}
}

// extra reads the value of an unknown top-level key, keeping it verbatim.
// A key that differs from a contract key only by case is the general
// path's to reject.
func (s *fastScanner) extra(key []byte) bool {
	for _, k := range eventObject.keys {
		if strings.EqualFold(k.name, string(key)) {
			return false
		}
	}
	for _, x := range s.extras {
		if string(s.buf[x.key.start:x.key.end]) == string(key) {
			return false // given twice: the general path rejects it
		}
	}
	start := len(s.buf)
	s.buf = append(s.buf, key...)
	from := s.i
	if !s.skip(0) {
		return false
	}
	value := s.raw[from:s.i]
	if value[0] == '{' || value[0] == '[' {
		if _, twice := duplicateKey(value); twice {
			return false
		}
	}
	s.extras = append(s.extras, extra{key: span{int32(start), int32(len(s.buf))}, value: value})
	return true
}

func (s *fastScanner) space() {
	for s.i < len(s.raw) {
		switch s.raw[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// eat consumes c if it is next.
func (s *fastScanner) eat(c byte) bool {
	if s.i < len(s.raw) && s.raw[s.i] == c {
		s.i++
		return true
	}
	return false
}

// colon reads the colon after a key and the white space around it.
func (s *fastScanner) colon() bool {
	s.space()
	if !s.eat(':') {
		return false
	}
	s.space()
	return true
}

// key reads an object key without escapes and returns its bytes in raw.
func (s *fastScanner) key() ([]byte, bool) {
	if !s.eat('"') {
		return nil, false
	}
	start := s.i
	end := s.plain()
	if end == len(s.raw) || s.raw[end] != '"' {
		return nil, false
	}
	s.i = end + 1
	return s.raw[start:end], true
}

// field reads a string value into the event string f.
func (s *fastScanner) field(f int) bool {
	sp, ok := s.str()
	s.spans[f] = sp
	return ok
}

// SWAR constants: a byte repeated in every lane of a word.
const (
	lanes01 = 0x0101010101010101
	lanes80 = 0x8080808080808080
)

// plain returns the index of the first byte at or after s.i that ends a run
// of plain string content: a quote, a backslash or a control character
// (len(raw) if none). It tests eight bytes at a time.
func (s *fastScanner) plain() int {
	raw, j := s.raw, s.i
	for ; j+8 <= len(raw); j += 8 {
		w := binary.LittleEndian.Uint64(raw[j:])
		quote := w ^ (lanes01 * '"')
		slash := w ^ (lanes01 * '\\')
		// A lane is flagged when it is zero (the quote or backslash) or
		// below 0x20; bytes >= 0x80 never are.
		m := ((quote - lanes01) &^ quote) | ((slash - lanes01) &^ slash) | ((w - lanes01*0x20) &^ w)
		if m &= lanes80; m != 0 {
			return j + bits.TrailingZeros64(m)/8
		}
	}
	for ; j < len(raw); j++ {
		if c := raw[j]; c == '"' || c == '\\' || c < 0x20 {
			return j
		}
	}
	return j
}

// str reads a JSON string at s.i, appends its decoded value to buf and
// returns its span.
func (s *fastScanner) str() (span, bool) {
	if !s.eat('"') {
		return span{}, false
	}
	start := len(s.buf)
	for {
		end := s.plain()
		s.buf = append(s.buf, s.raw[s.i:end]...)
		if end == len(s.raw) || s.raw[end] < 0x20 {
			return span{}, false
		}
		s.i = end + 1
		if s.raw[end] == '"' {
			return span{int32(start), int32(len(s.buf))}, true
		}
		if !s.escape() {
			return span{}, false
		}
	}
}

// escape decodes the escape after a backslash at s.i into buf.
func (s *fastScanner) escape() bool {
	if s.i >= len(s.raw) {
		return false
	}
	c := s.raw[s.i]
	s.i++
	switch c {
	case '"', '\\', '/':
		s.buf = append(s.buf, c)
	case 'b':
		s.buf = append(s.buf, '\b')
	case 'f':
		s.buf = append(s.buf, '\f')
	case 'n':
		s.buf = append(s.buf, '\n')
	case 'r':
		s.buf = append(s.buf, '\r')
	case 't':
		s.buf = append(s.buf, '\t')
	case 'u':
		r, ok := s.hex4()
		if !ok {
			return false
		}
		if 0xD800 <= r && r < 0xDC00 {
			// A high surrogate must be followed by an escaped low one.
			if !s.eat('\\') || !s.eat('u') {
				return false
			}
			lo, ok := s.hex4()
			if !ok || lo < 0xDC00 || lo > 0xDFFF {
				return false
			}
			r = 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00)
		} else if 0xDC00 <= r && r <= 0xDFFF {
			return false
		}
		s.buf = utf8.AppendRune(s.buf, r)
	default:
		return false
	}
	return true
}

// hex4 reads the four hex digits of a \u escape.
func (s *fastScanner) hex4() (rune, bool) {
	if s.i+4 > len(s.raw) {
		return 0, false
	}
	var r rune
	for _, c := range s.raw[s.i : s.i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	s.i += 4
	return r, true
}

// literal consumes word if it is next.
func (s *fastScanner) literal(word string) bool {
	if len(s.raw)-s.i < len(word) || string(s.raw[s.i:s.i+len(word)]) != word {
		return false
	}
	s.i += len(word)
	return true
}

func (s *fastScanner) boolean(v *bool) bool {
	switch {
	case s.literal("true"):
		*v = true
	case s.literal("false"):
		*v = false
	default:
		return false
	}
	return true
}

// integer reads a JSON integer of at most nine digits (a CSAT score);
// fractions, exponents and larger numbers are the general path's.
func (s *fastScanner) integer(v *int) bool {
	neg := s.eat('-')
	start := s.i
	n := 0
	for s.i < len(s.raw) && '0' <= s.raw[s.i] && s.raw[s.i] <= '9' {
		n = n*10 + int(s.raw[s.i]-'0')
		s.i++
	}
	digits := s.i - start
	if digits == 0 || digits > 9 || (digits > 1 && s.raw[start] == '0') {
		return false
	}
	if s.i < len(s.raw) {
		switch s.raw[s.i] {
		case '.', 'e', 'E':
			return false
		}
	}
	if neg {
		n = -n
	}
	*v = n
	return true
}

// skip moves past any JSON value, checking its syntax (strings without
// control characters, numbers as RFC 8259 writes them).
func (s *fastScanner) skip(depth int) bool {
	if s.i >= len(s.raw) || depth > maxFastDepth {
		return false
	}
	switch s.raw[s.i] {
	case '"':
		return s.skipString()
	case '{', '[':
		open := s.raw[s.i]
		close := open + 2 // '}' and ']' follow '{' and '[' by two
		s.i++
		s.space()
		if s.eat(close) {
			return true
		}
		for {
			s.space()
			if open == '{' && (!s.skipString() || !s.colon()) {
				return false
			}
			if !s.skip(depth + 1) {
				return false
			}
			s.space()
			if s.eat(close) {
				return true
			}
			if !s.eat(',') {
				return false
			}
		}
	case 't':
		return s.literal("true")
	case 'f':
		return s.literal("false")
	case 'n':
		return s.literal("null")
	}
	return s.number()
}

func (s *fastScanner) skipString() bool {
	if !s.eat('"') {
		return false
	}
	for {
		end := s.plain()
		if end == len(s.raw) || s.raw[end] < 0x20 {
			return false
		}
		s.i = end + 1
		if s.raw[end] == '"' {
			return true
		}
		if s.i >= len(s.raw) {
			return false
		}
		switch s.raw[s.i] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			s.i++
		case 'u':
			s.i++
			if _, ok := s.hex4(); !ok {
				return false
			}
		default:
			return false
		}
	}
}

// number moves past a JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *fastScanner) number() bool {
	s.eat('-')
	switch {
	case s.eat('0'):
	case s.i < len(s.raw) && '1' <= s.raw[s.i] && s.raw[s.i] <= '9':
		s.digits()
	default:
		return false
	}
	if s.eat('.') && !s.digits() {
		return false
	}
	if s.eat('e') || s.eat('E') {
		if !s.eat('+') {
			s.eat('-')
		}
		if !s.digits() {
			return false
		}
	}
	return true
}

// digits moves past a run of digits and reports whether there was one.
func (s *fastScanner) digits() bool {
	start := s.i
	for s.i < len(s.raw) && '0' <= s.raw[s.i] && s.raw[s.i] <= '9' {
		s.i++
	}
	return s.i > start
}

// timestamp reads occurred_at: a string without escapes shaped as
// YYYY-MM-DDTHH:MM:SS[.fraction of 1-9 digits](Z|±HH:MM), with a valid
// date and time and an offset within ±18:00. The instant and offset are
// those Go's RFC 3339 parser gives; only the Location differs (a parser
// may choose Local for an offset Local uses), which nothing downstream
// reads.
func (s *fastScanner) timestamp() bool {
	if !s.eat('"') {
		return false
	}
	start := s.i
	end := s.plain()
	if end == len(s.raw) || s.raw[end] != '"' {
		return false
	}
	s.i = end + 1
	t, ok := parseTimestamp(s.raw[start:end])
	s.occurredAt = t
	return ok
}

func parseTimestamp(b []byte) (time.Time, bool) {
	const head = len("2006-01-02T15:04:05")
	if len(b) < head+1 || b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' {
		return time.Time{}, false
	}
	num := func(from, to int) int {
		n := 0
		for _, c := range b[from:to] {
			if c < '0' || c > '9' {
				return -1
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	year, month, day := num(0, 4), num(5, 7), num(8, 10)
	hour, minute, sec := num(11, 13), num(14, 16), num(17, 19)
	if year < 0 || month < 1 || month > 12 || day < 1 || day > daysIn(time.Month(month), year) ||
		hour < 0 || hour > 23 || minute < 0 || minute > 59 || sec < 0 || sec > 59 {
		return time.Time{}, false
	}
	rest := b[head:]
	nsec := 0
	if rest[0] == '.' {
		n := 1
		for n < len(rest) && '0' <= rest[n] && rest[n] <= '9' {
			n++
		}
		if n == 1 || n > 10 {
			return time.Time{}, false
		}
		nsec = num(head+1, head+n)
		for range 10 - n {
			nsec *= 10
		}
		rest = rest[n:]
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	switch {
	case len(rest) == 1 && rest[0] == 'Z':
		return t, true
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		oh, om := num(len(b)-5, len(b)-3), num(len(b)-2, len(b))
		if oh < 0 || om < 0 || om > 59 {
			return time.Time{}, false
		}
		off := oh*3600 + om*60
		if rest[0] == '-' {
			off = -off
		}
		if off < -MaxOffset || off > MaxOffset {
			return time.Time{}, false
		}
		if off == 0 {
			return t, true
		}
		return t.Add(-time.Duration(off) * time.Second).In(fixedZone(off)), true
	}
	return time.Time{}, false
}

func daysIn(m time.Month, year int) int {
	if m == time.February {
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	}
	return 31 - int(m-1)%7%2
}

// zones caches one fixed zone per UTC offset in minutes (±18:00):
// time.FixedZone allocates a Location per call.
var zones [2*MaxOffset/60 + 1]atomic.Pointer[time.Location]

func fixedZone(off int) *time.Location {
	z := &zones[(off+MaxOffset)/60]
	if loc := z.Load(); loc != nil {
		return loc
	}
	loc := time.FixedZone("", off)
	z.Store(loc)
	return loc
}
