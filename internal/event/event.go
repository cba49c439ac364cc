// Package event defines Parley's event contract v1 and decodes and validates raw messages against it.
package event

import (
	"encoding/json"
	"math"
	"reflect"
	"time"
)

// Type is what happened in a conversation.
type Type string

// The event types of contract v1.
const (
	ConversationStarted Type = "conversation_started"
	MessageSent         Type = "message"
	Assigned            Type = "assigned"
	Escalated           Type = "escalated"
	Transferred         Type = "transferred"
	Resolved            Type = "resolved"
	Reopened            Type = "reopened"
	CSATAnswered        Type = "csat"
)

// Types lists every valid event type, in contract order.
var Types = []Type{ConversationStarted, MessageSent, Assigned, Escalated, Transferred, Resolved, Reopened, CSATAnswered}

// Channel is the medium a conversation runs on.
type Channel string

// The channels of contract v1.
const (
	Webchat   Channel = "webchat"
	SMS       Channel = "sms"
	WhatsApp  Channel = "whatsapp"
	Messenger Channel = "messenger"
	Line      Channel = "line"
	InApp     Channel = "in_app"
	Email     Channel = "email"
	Other     Channel = "other"
)

// Channels lists every valid channel, in contract order.
var Channels = []Channel{Webchat, SMS, WhatsApp, Messenger, Line, InApp, Email, Other}

// Roles an actor may have, and the subset a routing target may have.
const (
	RoleCustomer = "customer"
	RoleAgent    = "agent"
	RoleBot      = "bot"
	RoleSystem   = "system"
)

// Actor is who caused an event.
type Actor struct {
	Role string `json:"role"`
	ID   string `json:"id,omitempty"`
}

// Message is the body of a type=message event.
type Message struct {
	Text string `json:"text"`
	// Private marks an internal note that the customer never sees.
	Private bool `json:"private"`
	// Automated marks a template, campaign or auto-reply: not a human response.
	Automated bool `json:"automated"`
}

// Target is where an assigned, escalated or transferred conversation goes.
type Target struct {
	Role  string `json:"role"`
	ID    string `json:"id,omitempty"`
	Queue string `json:"queue,omitempty"`
}

// CSAT is a customer satisfaction answer.
type CSAT struct {
	Score int `json:"score"`
}

// UnmarshalJSON reads the score as JSON Schema reads an integer: 4 and 4.0
// are both the integer 4 (the contract's schema says "type": "integer"); 4.5
// is not an integer and is a wrong JSON type. Scores too large for an int
// are kept as the largest int, which Validate rejects as out of range.
func (c *CSAT) UnmarshalJSON(b []byte) error {
	var raw struct {
		Score *json.Number `json:"score"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	if raw.Score == nil {
		*c = CSAT{}
		return nil
	}
	f, err := raw.Score.Float64()
	if err != nil || f != math.Trunc(f) {
		return &json.UnmarshalTypeError{Value: "number " + raw.Score.String(), Type: reflect.TypeFor[int](), Field: "score"}
	}
	c.Score = int(max(min(f, math.MaxInt32), math.MinInt32))
	return nil
}

// Event is one conversation event of contract v1. Fields the contract does
// not name are kept in Extra so that producers can add to the contract
// without Parley dropping their data.
type Event struct {
	EventID        string            `json:"event_id"`
	ConversationID string            `json:"conversation_id"`
	Type           Type              `json:"type"`
	OccurredAt     time.Time         `json:"occurred_at"`
	Channel        Channel           `json:"channel,omitempty"`
	Actor          *Actor            `json:"actor,omitempty"`
	Queue          string            `json:"queue,omitempty"`
	Message        *Message          `json:"message,omitempty"`
	To             *Target           `json:"to,omitempty"`
	CSAT           *CSAT             `json:"csat,omitempty"`
	Attributes     map[string]string `json:"attributes,omitempty"`
	// Extra holds unknown top-level fields, verbatim.
	Extra map[string]json.RawMessage `json:"-"`
}
