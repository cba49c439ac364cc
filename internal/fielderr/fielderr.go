// Package fielderr is the error every Validate returns for each problem it
// finds: which field is wrong and why, joined with errors.Join when there
// are several. Callers that present fields under other names (cmd/parley
// shows flags) find them with errors.As instead of editing message text.
package fielderr

import (
	"errors"
	"fmt"
)

// Error says what is wrong with one field. Its text is "Field: Msg".
type Error struct {
	// Field names the setting as the package's Config, YAML key or input
	// does: "flush_rows", "sla.chat.goal", "shifts[2].name".
	Field string
	// Msg says what is wrong and, where it helps, what would be right.
	Msg string
	// Err is the cause, if the problem came from another check (a time
	// zone that does not load, a nested Validate); Unwrap returns it.
	Err error
}

// New returns the error of field, its message formatted as fmt.Errorf does;
// a %w verb makes that operand the Err of the result.
func New(field, format string, args ...any) *Error {
	wrapped := fmt.Errorf(format, args...)
	return &Error{Field: field, Msg: wrapped.Error(), Err: errors.Unwrap(wrapped)}
}

func (e *Error) Error() string { return e.Field + ": " + e.Msg }

// Unwrap returns the cause, or nil.
func (e *Error) Unwrap() error { return e.Err }
