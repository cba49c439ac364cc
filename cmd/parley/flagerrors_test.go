package main

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/parley-cx/parley/dashboards"
	"github.com/parley-cx/parley/governance"
	"github.com/parley-cx/parley/ingest"
	"github.com/parley-cx/parley/internal/fielderr"
	"github.com/parley-cx/parley/internal/kafkaconn"
	"github.com/parley-cx/parley/internal/synth"
	"github.com/parley-cx/parley/qa"
	"github.com/parley-cx/parley/staffing"
)

func TestAsFlags(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"one field", fielderr.New("flush_rows", "must not be negative"), "--flush-rows: must not be negative"},
		{"list item", fielderr.New("brokers[2]", "empty"), "--brokers[2]: empty"},
		{"several fields", fielderr.New("tls_cert, tls_key", "give both or neither"), "--tls-cert, --tls-key: give both or neither"},
		{"unknown field kept", fielderr.New("sla.chat.goal", "must be in (0, 1]"), "sla.chat.goal: must be in (0, 1]"},
		{"not a field error", errors.New("disk full"), "disk full"},
		{"joined", errors.Join(fielderr.New("per_day", "must be > 0"), fielderr.New("late_rate", "must be 0..0.5")), "--per-day: must be > 0\n--late-rate: must be 0..0.5"},
		{"settings are the config file", fielderr.New("settings", "%w", fielderr.New("timezone", "bad")), "--config: timezone: bad"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := asFlags(tt.err).Error(); got != tt.want {
				t.Errorf("asFlags = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestAsFlagsKeepsTheCause: the flag-named error still wraps the field
// error and its cause, where editing the message text lost both.
func TestAsFlagsKeepsTheCause(t *testing.T) {
	err := asFlags(errors.Join(fielderr.New("lake", "required"), fielderr.New("settings", "%w", fs.ErrNotExist)))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("errors.Is(%q, fs.ErrNotExist) = false", err)
	}
	var fe *fielderr.Error
	if !errors.As(err, &fe) || fe.Field != "lake" {
		t.Errorf("errors.As found %+v, want the lake field error", fe)
	}
}

// TestAsFlagsOnValidate runs the real Validates of the commands and checks
// every field they name is mapped to a flag the command has.
func TestAsFlagsOnValidate(t *testing.T) {
	tests := []struct {
		name string
		err  error
		cmd  []string // the command whose flags the names must be
	}{
		{"generate", synth.Config{Days: -1, PerDay: -1, DuplicateRate: 2, LateRate: 2, Staffing: -1}.Validate(), []string{"generate"}},
		{"ingest security", (&kafkaconn.Options{CertFile: "c", SASLMechanism: "X"}).Validate(), []string{"ingest"}},
		{"ingest", (&ingest.Config{Brokers: []string{""}, FlushRows: -1, FlushBytes: -1, FlushInterval: -1, UntilIdle: -1, SessionTimeout: -1, JoinTimeout: -1, ProgressEvery: -1, Resets: map[int32]ingest.ResetMode{-5: "x"}}).Validate(), []string{"ingest"}},
		{"staffing", staffing.Input{Volume: -1, MaxOccupancy: 2, Shrinkage: 2, Patience: -1}.Validate(), []string{"staffing"}},
		{"qa dispute", (&qa.DisputeConfig{}).Validate(), []string{"qa", "dispute"}},
		{"qa resolve", (&qa.ResolveConfig{Accept: true}).Validate(), []string{"qa", "resolve"}},
		{"retention", (&governance.RetentionConfig{}).Validate(), []string{"retention"}},
		{"erase", (&governance.EraseConfig{Lake: "/lake", Outputs: []string{"/lake/x"}}).Validate(), []string{"erase"}},
		{"qa sample", (&qa.Config{Size: -1, PerAgent: -1, RandomShare: 2, Strata: []string{"x"}, AttributeTo: "x", Reviewers: []string{" a"}, Calibration: -1,
			From: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}).Validate(), []string{"qa", "sample"}},
		{"report", dashboards.Config{QALink: "x", From: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}.Validate(), []string{"report"}},
		{"compact", (&ingest.CompactConfig{SmallFileBytes: -1}).Validate(), []string{"compact"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.err == nil {
				t.Fatal("Validate accepted the bad config")
			}
			cmd, _, err := newRootCmd().Find(tt.cmd)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range tt.err.(interface{ Unwrap() []error }).Unwrap() {
				var fe *fielderr.Error
				if !errors.As(e, &fe) {
					t.Errorf("%q is not a field error", e)
					continue
				}
				for _, flag := range strings.Split(flagNames(fe.Field), ", ") {
					name, ok := strings.CutPrefix(flag, "--")
					if i := strings.IndexAny(name, "[."); i >= 0 {
						name = name[:i]
					}
					if !ok || cmd.Flags().Lookup(name) == nil {
						t.Errorf("field %q (%q) is shown as %q, not a flag of %s", fe.Field, e, flag, cmd.Name())
					}
				}
			}
		})
	}
}
