package fielderr

import (
	"errors"
	"io/fs"
	"testing"
)

func TestNew(t *testing.T) {
	tests := []struct {
		name     string
		err      *Error
		wantText string
		wantMsg  string
		cause    error // nil: no cause
	}{
		{"plain", New("lake", "required"), "lake: required", "required", nil},
		{"formatted", New("days", "must be 1..%d, got %d", 60, 0), "days: must be 1..60, got 0", "must be 1..60, got 0", nil},
		{"percent kept", New("target", "above 0%% and below 100%%"), "target: above 0% and below 100%", "above 0% and below 100%", nil},
		{"wrapped cause", New("timezone", "%w", fs.ErrNotExist), "timezone: " + fs.ErrNotExist.Error(), fs.ErrNotExist.Error(), fs.ErrNotExist},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.wantText {
				t.Errorf("Error() = %q, want %q", got, tt.wantText)
			}
			if tt.err.Msg != tt.wantMsg {
				t.Errorf("Msg = %q, want %q", tt.err.Msg, tt.wantMsg)
			}
			if tt.cause != nil && !errors.Is(tt.err, tt.cause) {
				t.Errorf("errors.Is(%v, %v) = false: the cause is lost", tt.err, tt.cause)
			}
			if tt.cause == nil && tt.err.Unwrap() != nil {
				t.Errorf("Unwrap() = %v, want nil", tt.err.Unwrap())
			}
		})
	}
}

// TestJoined: a Validate joins one Error per problem; each stays reachable.
func TestJoined(t *testing.T) {
	err := errors.Join(New("lake", "required"), New("topic", "required"))
	var fe *Error
	if !errors.As(err, &fe) || fe.Field != "lake" {
		t.Fatalf("errors.As on a join found %v, want the lake error", fe)
	}
	if got, want := err.Error(), "lake: required\ntopic: required"; got != want {
		t.Errorf("joined text = %q, want %q", got, want)
	}
}
