package event

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	fastjson "github.com/goccy/go-json"
)

// MaxEventBytes caps one raw event. Kafka's default message limit is 1 MB;
// anything larger is almost certainly a producer bug and would bloat row groups.
const MaxEventBytes = 1 << 20

// Earliest and Latest bound occurred_at: timestamps outside them are typos
// or zero values, not conversations.
var (
	Earliest = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	Latest   = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
)

// MaxOffset bounds occurred_at's UTC offset, in seconds: ±18:00, the widest
// any time zone has used (and ISO 8601's and java.time's limit).
const MaxOffset = 18 * 3600

// Reason is a machine-readable cause for rejecting an event; the dead-letter
// store and the counters group by it.
type Reason string

// Reasons an event can be rejected for.
const (
	ReasonTooLarge     Reason = "too_large"
	ReasonInvalidUTF8  Reason = "invalid_utf8"
	ReasonMalformed    Reason = "malformed_json"
	ReasonWrongType    Reason = "wrong_json_type"
	ReasonMissingField Reason = "missing_field"
	ReasonBadValue     Reason = "invalid_value"
	ReasonBadTimestamp Reason = "invalid_timestamp"
)

// InvalidError says why an event breaks the contract.
type InvalidError struct {
	Reason Reason
	Field  string // the offending field, dotted (e.g. "message.text"); empty for whole-event problems
	Detail string
}

func (e *InvalidError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("invalid event: %s: %s", e.Reason, e.Detail)
	}
	return fmt.Sprintf("invalid event: %s: %s: %s", e.Reason, e.Field, e.Detail)
}

func invalid(r Reason, field, format string, args ...any) *InvalidError {
	return &InvalidError{Reason: r, Field: field, Detail: fmt.Sprintf(format, args...)}
}

var knownFields = []string{"event_id", "conversation_id", "type", "occurred_at", "channel", "actor", "queue", "message", "to", "csat", "attributes"}

// Decode parses one raw event and validates it against contract v1. Every
// error it returns is an *InvalidError.
func Decode(raw []byte) (Event, error) {
	var ev Event
	if len(raw) > MaxEventBytes {
		return ev, invalid(ReasonTooLarge, "", "%d bytes exceeds the %d-byte limit", len(raw), MaxEventBytes)
	}
	if !utf8.Valid(raw) {
		return ev, invalid(ReasonInvalidUTF8, "", "event is not valid UTF-8")
	}
	if decodeFast(raw, &ev) && ev.Validate() == nil {
		return ev, nil
	}
	return decodeGeneral(raw)
}

// decodeGeneral decodes and validates any event, and is the one that
// says why an event is rejected. Most events carry only contract fields:
// one strict pass decodes them. Only when it meets an unknown field is
// the event parsed a second time to keep those fields.
func decodeGeneral(raw []byte) (Event, error) {
	var ev Event
	dec := fastjson.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	switch err := dec.Decode(&ev); {
	case err != nil && strings.Contains(err.Error(), "unknown field"):
		ev = Event{}
		if err := fastjson.Unmarshal(raw, &ev); err != nil {
			return ev, classify(raw, err)
		}
		if err := ev.captureExtra(raw); err != nil {
			return ev, err
		}
	case err != nil:
		return ev, classify(raw, err)
	}
	seen, ierr := checkKeys(raw)
	if ierr != nil {
		return ev, ierr
	}
	// What the struct cannot tell apart: a key given with an empty value.
	if seen.has("occurred_at") && ev.OccurredAt.IsZero() {
		return ev, invalid(ReasonBadTimestamp, "occurred_at", "%s is outside %d-%d", ev.OccurredAt.Format(time.RFC3339), Earliest.Year(), Latest.Year()-1)
	}
	if seen.has("channel") && ev.Channel == "" {
		return ev, invalid(ReasonBadValue, "channel", "empty (leave channel out when it is not known)")
	}
	return ev, ev.Validate()
}

// classify turns a decoding failure into a reason a reader of the
// dead-letter store can act on. The fast decoder's messages are terse, so
// the (rare) failures are parsed again by encoding/json, whose errors name
// the JSON field path.
func classify(raw []byte, fastErr error) *InvalidError {
	// A contract key with a value of the wrong JSON type (a number for
	// occurred_at, null anywhere) is named by the key walk, whatever
	// error the decoder gave.
	if json.Valid(raw) {
		if _, err := checkKeys(raw); err != nil {
			return err
		}
	}
	err := json.Unmarshal(raw, new(Event))
	if err == nil {
		err = fastErr
	}
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return invalid(ReasonWrongType, typeErr.Field, "got JSON %s, want %s", typeErr.Value, typeErr.Type)
	}
	var timeErr *time.ParseError
	if errors.As(err, &timeErr) {
		return invalid(ReasonBadTimestamp, "occurred_at", "not an RFC 3339 timestamp with offset: %q", timeErr.Value)
	}
	return invalid(ReasonMalformed, "", "%v", err)
}

// captureExtra keeps the fields of raw that the contract does not name in
// e.Extra, verbatim, for the lake's extra column.
func (e *Event) captureExtra(raw []byte) *InvalidError {
	var all map[string]json.RawMessage
	if err := fastjson.Unmarshal(raw, &all); err != nil {
		return classify(raw, err)
	}
	keep := func(k string, v json.RawMessage) {
		if e.Extra == nil {
			e.Extra = make(map[string]json.RawMessage)
		}
		e.Extra[k] = bytes.Clone(v)
	}
	for k, v := range all {
		if !slices.Contains(knownFields, k) {
			keep(k, v)
		}
	}
	// Unknown keys inside a contract object (actor.display_name) are kept
	// too, under the object's name ({"actor": {"display_name": …}}), which
	// no top-level extra field can have: the struct has no place for them,
	// and dropping them would lose what the producer sent without a word.
	for _, k := range eventObject.keys {
		v := all[k.name]
		if k.obj == nil || len(v) == 0 || v[0] != '{' {
			continue
		}
		var inner map[string]json.RawMessage
		if err := fastjson.Unmarshal(v, &inner); err != nil {
			return classify(raw, err)
		}
		maps.DeleteFunc(inner, func(name string, _ json.RawMessage) bool {
			return slices.ContainsFunc(k.obj.keys, func(c key) bool { return c.name == name })
		})
		if len(inner) > 0 {
			b, err := json.Marshal(inner)
			if err != nil {
				return invalid(ReasonMalformed, k.name, "%v", err)
			}
			keep(k.name, b)
		}
	}
	return nil
}

// Validate checks the rules of contract v1 that JSON decoding cannot.
// It returns the first problem found as an *InvalidError.
func (e *Event) Validate() error {
	// Blank is what strings.TrimSpace removes: Unicode white space. The
	// JSON Schema's pattern for the ids lists the same characters.
	if strings.TrimSpace(e.EventID) == "" {
		return invalid(ReasonMissingField, "event_id", "required (empty or only white space)")
	}
	if strings.TrimSpace(e.ConversationID) == "" {
		return invalid(ReasonMissingField, "conversation_id", "required (empty or only white space)")
	}
	if e.Type == "" {
		return invalid(ReasonMissingField, "type", "required")
	}
	if !slices.Contains(Types, e.Type) {
		return invalid(ReasonBadValue, "type", "unknown type %q", e.Type)
	}
	if e.OccurredAt.IsZero() {
		return invalid(ReasonMissingField, "occurred_at", "required")
	}
	// The bounds apply to the date as written, in its own offset: that is
	// what the JSON Schema's pattern can check too.
	written := time.Date(e.OccurredAt.Year(), e.OccurredAt.Month(), e.OccurredAt.Day(), e.OccurredAt.Hour(),
		e.OccurredAt.Minute(), e.OccurredAt.Second(), e.OccurredAt.Nanosecond(), time.UTC)
	if written.Before(Earliest) || !written.Before(Latest) {
		return invalid(ReasonBadTimestamp, "occurred_at", "%s is outside %d-%d", e.OccurredAt.Format(time.RFC3339), Earliest.Year(), Latest.Year()-1)
	}
	if _, off := e.OccurredAt.Zone(); off < -MaxOffset || off > MaxOffset {
		return invalid(ReasonBadTimestamp, "occurred_at", "UTC offset %s is beyond ±18:00", e.OccurredAt.Format("-07:00"))
	}
	if e.Channel != "" && !slices.Contains(Channels, e.Channel) {
		return invalid(ReasonBadValue, "channel", "unknown channel %q", e.Channel)
	}
	if e.Actor != nil && !slices.Contains([]string{RoleCustomer, RoleAgent, RoleBot, RoleSystem}, e.Actor.Role) {
		return invalid(ReasonBadValue, "actor.role", "unknown role %q", e.Actor.Role)
	}
	switch e.Type {
	case MessageSent:
		if e.Message == nil {
			return invalid(ReasonMissingField, "message", "required for type=message")
		}
		if e.Actor == nil {
			return invalid(ReasonMissingField, "actor", "required for type=message")
		}
	case Assigned, Escalated, Transferred:
		if e.To == nil {
			return invalid(ReasonMissingField, "to", "required for type=%s", e.Type)
		}
	case CSATAnswered:
		if e.CSAT == nil {
			return invalid(ReasonMissingField, "csat", "required for type=csat")
		}
	}
	// A target or score is checked wherever it appears, as the schema does.
	if e.To != nil && e.To.Role != RoleAgent && e.To.Role != RoleBot {
		return invalid(ReasonBadValue, "to.role", "must be agent or bot, got %q", e.To.Role)
	}
	if e.CSAT != nil && (e.CSAT.Score < 1 || e.CSAT.Score > 5) {
		return invalid(ReasonBadValue, "csat.score", "must be 1..5, got %d", e.CSAT.Score)
	}
	return nil
}

// MarshalJSON writes the event in contract form, unknown fields included.
func (e Event) MarshalJSON() ([]byte, error) {
	type plain Event // drops this method, so the call below does not recurse
	known, err := json.Marshal(plain(e))
	if err != nil {
		return nil, err
	}
	if len(e.Extra) == 0 {
		return known, nil
	}
	var merged map[string]json.RawMessage
	if err := json.Unmarshal(known, &merged); err != nil {
		return nil, err
	}
	for k, v := range e.Extra {
		in, clash := merged[k]
		if !clash {
			merged[k] = v
			continue
		}
		// The unknown keys of a contract object (captureExtra) go back
		// inside it.
		var obj, more map[string]json.RawMessage
		if json.Unmarshal(in, &obj) != nil || json.Unmarshal(v, &more) != nil {
			continue
		}
		for ik, iv := range more {
			if _, known := obj[ik]; !known {
				obj[ik] = iv
			}
		}
		if merged[k], err = json.Marshal(obj); err != nil {
			return nil, err
		}
	}
	return json.Marshal(merged)
}
