// Package spec is the executable specification of docs/metrics.md: it computes, for one
// conversation's raw lake rows, every row and column the warehouse's events, messages, episodes,
// escalations and conversations tables hold, as plain event-by-event Go.
//
// It is the oracle the SQL build is tested against (metrics/verify, `parley verify`), so it is
// written for a reader with a debugger, not for speed: one small function per definition, each
// carrying as its comment the sentence of docs/metrics.md it implements, and no code shared with
// the SQL path beyond the event contract (internal/event, internal/lake) and the settings
// (internal/config). Where the docs leave a choice open, the comment says which reading is taken
// and why, so a disagreement with the warehouse can be settled by reading one function.
//
// Everything a conversation's figures need from outside the conversation comes in through
// Context: the settings, the instant of the warehouse's last event (for complete, for reply
// windows still open at the end and for repeat_window_closed) and the starts of every conversation by customer (for
// repeat_contact).
package spec
