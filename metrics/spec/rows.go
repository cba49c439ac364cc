package spec

import "time"

// The row types below mirror the warehouse tables of docs/metrics.md column by column: the `col`
// tag is the column name. A pointer field is a column that may be NULL (nil is NULL); every other
// field is never NULL. TIMESTAMP columns are time.Time in UTC (the *_local ones hold the wall
// clock of the org time zone as if it were UTC, which is how DuckDB hands a TIMESTAMP to Go);
// DATE columns are midnight UTC of the date.

// EventRow is one row of `events`: the kept copy of an event, with its place in the conversation.
type EventRow struct {
	EventID          string            `col:"event_id"`
	ConversationID   string            `col:"conversation_id"`
	Type             string            `col:"type"`
	OccurredAt       time.Time         `col:"occurred_at"`
	OccurredOffsetS  int32             `col:"occurred_offset_s"`
	Channel          *string           `col:"channel"`
	ActorRole        *string           `col:"actor_role"`
	ActorID          *string           `col:"actor_id"`
	Queue            *string           `col:"queue"`
	MessageText      *string           `col:"message_text"`
	MessagePrivate   *bool             `col:"message_private"`
	MessageAutomated *bool             `col:"message_automated"`
	ToRole           *string           `col:"to_role"`
	ToID             *string           `col:"to_id"`
	ToQueue          *string           `col:"to_queue"`
	CSATScore        *int32            `col:"csat_score"`
	Attributes       map[string]string `col:"attributes"` // nil is NULL
	Extra            *string           `col:"extra"`
	Source           string            `col:"source"`
	Partition        int32             `col:"partition"`
	Offset           int64             `col:"offset"`
	IngestedAt       time.Time         `col:"ingested_at"`
	Seq              int64             `col:"seq"`
	Episode          int32             `col:"episode"`
	OccurredLocal    time.Time         `col:"occurred_local"`
}

// MessageRow is one row of `messages`.
type MessageRow struct {
	ConversationID string    `col:"conversation_id"`
	EventID        string    `col:"event_id"`
	Seq            int64     `col:"seq"`
	Episode        int32     `col:"episode"`
	OccurredAt     time.Time `col:"occurred_at"`
	OccurredLocal  time.Time `col:"occurred_local"`
	SenderRole     *string   `col:"sender_role"`
	SenderID       *string   `col:"sender_id"`
	Text           *string   `col:"text"`
	Private        *bool     `col:"private"`
	Automated      *bool     `col:"automated"`
	Queue          *string   `col:"queue"`
	Channel        *string   `col:"channel"`
	ReplyWaitS     *float64  `col:"reply_wait_s"`
	HumanReply     bool      `col:"human_reply"`
	Burst          int32     `col:"burst"`
}

// EpisodeRow is one row of `episodes`.
type EpisodeRow struct {
	ConversationID    string     `col:"conversation_id"`
	Episode           int32      `col:"episode"`
	StartedAt         time.Time  `col:"started_at"`
	EndedAt           time.Time  `col:"ended_at"`
	FirstResponseS    *float64   `col:"first_response_s"`
	Resolved          bool       `col:"resolved"`
	ResolutionS       *float64   `col:"resolution_s"`
	FirstResponseAnyS *float64   `col:"first_response_any_s"`
	FirstCustomerAt   *time.Time `col:"first_customer_at"`
	FirstReplyAt      *time.Time `col:"first_reply_at"`
}

// EscalationRow is one row of `escalations`.
type EscalationRow struct {
	ConversationID string    `col:"conversation_id"`
	EventID        string    `col:"event_id"`
	EscalatedAt    time.Time `col:"escalated_at"`
	LocalDate      time.Time `col:"local_date"`
	Channel        *string   `col:"channel"`
	Source         string    `col:"source"`
	FromQueue      *string   `col:"from_queue"`
	ToQueue        *string   `col:"to_queue"`
	ToRole         *string   `col:"to_role"`
	Effective      bool      `col:"effective"`
	HandoffWaitS   *float64  `col:"handoff_wait_s"`
}

// ConversationRow is one row of `conversations`.
type ConversationRow struct {
	ConversationID               string            `col:"conversation_id"`
	CustomerID                   *string           `col:"customer_id"`
	Channel                      *string           `col:"channel"`
	FirstQueue                   *string           `col:"first_queue"`
	LastQueue                    *string           `col:"last_queue"`
	StartedAt                    time.Time         `col:"started_at"`
	StartedLocal                 time.Time         `col:"started_local"`
	LocalDate                    time.Time         `col:"local_date"`
	EndedAt                      time.Time         `col:"ended_at"`
	MostActiveAgentID            *string           `col:"most_active_agent_id"`
	FirstAgentID                 *string           `col:"first_agent_id"`
	LastAgentID                  *string           `col:"last_agent_id"`
	CustomerMessages             int64             `col:"customer_messages"`
	AgentMessages                int64             `col:"agent_messages"`
	BotMessages                  int64             `col:"bot_messages"`
	FirstResponseS               *float64          `col:"first_response_s"`
	FirstResponseAnyS            *float64          `col:"first_response_any_s"`
	FirstResponseBusinessS       *float64          `col:"first_response_business_s"`
	SLATargetS                   *float64          `col:"sla_target_s"`
	SLAMet                       *bool             `col:"sla_met"`
	HandoffWaitS                 *float64          `col:"handoff_wait_s"`
	MedianReplyS                 *float64          `col:"median_reply_s"`
	Resolved                     bool              `col:"resolved"`
	FirstResolutionS             *float64          `col:"first_resolution_s"`
	ResolutionS                  *float64          `col:"resolution_s"`
	ResolutionBusinessS          *float64          `col:"resolution_business_s"`
	Reopens                      int64             `col:"reopens"`
	Escalated                    bool              `col:"escalated"`
	Escalations                  int64             `col:"escalations"`
	Transfers                    int64             `col:"transfers"`
	BotHandled                   bool              `col:"bot_handled"`
	BotContained                 bool              `col:"bot_contained"`
	BotHandedOff                 bool              `col:"bot_handed_off"`
	BotAbandoned                 bool              `col:"bot_abandoned"`
	Abandoned                    bool              `col:"abandoned"`
	RepeatContact                bool              `col:"repeat_contact"`
	FCR                          bool              `col:"fcr"`
	RepeatWindowClosed           bool              `col:"repeat_window_closed"`
	CSAT                         *int32            `col:"csat"`
	Complete                     bool              `col:"complete"`
	FrictionScore                float64           `col:"friction_score"`
	FrictionTime                 float64           `col:"friction_time"`
	FrictionImpersonal           float64           `col:"friction_impersonal"`
	FrictionDirectness           float64           `col:"friction_directness"`
	FrictionEffort               float64           `col:"friction_effort"`
	RepeatedMessages             int64             `col:"repeated_messages"`
	CustomerNudges               int64             `col:"customer_nudges"`
	UnansweredBursts             int32             `col:"unanswered_bursts"`
	HumanWaitS                   float64           `col:"human_wait_s"`
	WaitingOnAgentS              float64           `col:"waiting_on_agent_s"`
	WaitingOnCustomerS           float64           `col:"waiting_on_customer_s"`
	AgentHandleS                 float64           `col:"agent_handle_s"`
	WindowBreaches               *int64            `col:"window_breaches"`
	Nudges                       int64             `col:"nudges"`
	ResolutionWaitingOnAgentS    *float64          `col:"resolution_waiting_on_agent_s"`
	ResolutionWaitingOnCustomerS *float64          `col:"resolution_waiting_on_customer_s"`
	ContactReason                string            `col:"contact_reason"`
	Market                       *string           `col:"market"`
	Tier                         *string           `col:"tier"`
	Dimensions                   map[string]string `col:"dimensions"` // never NULL: {} when no dimension has a value
	Cost                         *float64          `col:"cost"`
}
