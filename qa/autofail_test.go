package qa

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/parley-cx/parley/internal/warehouse"
)

// TestAutoFailStrata: auto_fail holds complete conversations that failed
// any automatic check, auto_fail:CHECK those that failed that one; the
// manifest's strata list the requested ones a conversation is in.
func TestAutoFailStrata(t *testing.T) {
	c := candidate{id: "c1", complete: true, autoFails: []string{"greeting", "spelling"}}
	c.flags = c.flags.with(Escalated)
	open := candidate{id: "c2", autoFails: []string{"greeting"}}
	clean := candidate{id: "c3", complete: true}
	for _, tc := range []struct {
		c       candidate
		stratum string
		want    bool
	}{
		{c, AutoFail, true}, {c, "auto_fail:greeting", true}, {c, "auto_fail:closing", false}, {c, Escalated, true},
		{open, AutoFail, false}, {clean, AutoFail, false}, {clean, "auto_fail:greeting", false},
	} {
		if got := tc.c.in(tc.stratum); got != tc.want {
			t.Errorf("%s in %s: %v, want %v", tc.c.id, tc.stratum, got, tc.want)
		}
	}
	if got, want := c.strataOf([]string{LowCSAT, "auto_fail:spelling", "auto_fail:closing"}), []string{Escalated, "auto_fail:spelling"}; !slices.Equal(got, want) {
		t.Errorf("strata %q, want %q", got, want)
	}
	for _, s := range []string{"auto_fail", "auto_fail:greeting"} {
		cfg := Config{DB: "w", Out: "o", Strata: []string{s}}
		if err := cfg.Validate(); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	if err := (&Config{DB: "w", Out: "o", Strata: []string{"auto_fail:"}}).Validate(); err == nil {
		t.Error("auto_fail: with no check was accepted")
	}
}

// TestAutoFailUnknownCheck: an auto_fail:CHECK naming a check the
// warehouse has no verdicts of (a misspelling) is refused with the checks
// it has, instead of drawing that share at random.
func TestAutoFailUnknownCheck(t *testing.T) {
	db := newWarehouse(t, []fconv{{
		id: "c-fail", agent: "ana", day: 10, complete: true,
		auto: []autoRow{{"greeting", "fail", 0, "no greeting"}, {"closing", "pass", 0, "closes"}},
	}})
	for _, tt := range []struct {
		strata string
		err    string // "" when accepted
	}{
		{"auto_fail:greeting", ""},
		{"auto_fail", ""},
		{"auto_fail:greting", `automatic check "greting": not in the warehouse (its checks: closing, greeting); did you mean greeting?`},
		{"auto_fail:GREETING", `automatic check "GREETING": not in the warehouse`},
	} {
		_, err := Sample(context.Background(), Config{DB: db, Out: t.TempDir(), Size: 1, Strata: []string{tt.strata}, Now: fixtureNow})
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("%s: %v", tt.strata, err)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("%s: error %v, want %q", tt.strata, err, tt.err)
		case tt.err != "" && !errors.Is(err, warehouse.ErrUnknownFilterValue):
			t.Errorf("%s: error %v does not wrap warehouse.ErrUnknownFilterValue (the command's usage error)", tt.strata, err)
		}
	}
}

// TestAutoFailWithoutChecks: on a warehouse built with the automatic checks
// turned off (qa.auto.disabled: auto_qa is empty) auto_fail is refused like
// auto_fail:CHECK, saying how to turn them on; it used to be accepted and
// draw its whole share at random.
func TestAutoFailWithoutChecks(t *testing.T) {
	db := newWarehouse(t, []fconv{
		{id: "c-1", agent: "ana", day: 10, complete: true},
		{id: "c-2", agent: "ana", day: 10, complete: true},
	})
	for _, strata := range []string{"auto_fail", "auto_fail:greeting"} {
		out := t.TempDir()
		_, err := Sample(context.Background(), Config{DB: db, Out: out, Size: 1, Strata: []string{strata}, Now: fixtureNow})
		want := strata + ": the warehouse holds no verdicts of automatic checks"
		switch {
		case err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "qa.auto"):
			t.Errorf("%s: error %v, want %q and how to enable the checks", strata, err, want)
		case !errors.Is(err, warehouse.ErrUnknownFilterValue):
			t.Errorf("%s: error %v does not wrap warehouse.ErrUnknownFilterValue (the command's usage error)", strata, err)
		}
		if entries, _ := os.ReadDir(out); len(entries) > 0 { //nolint:errcheck // a missing folder is empty
			t.Errorf("%s: wrote %d entries into --out", strata, len(entries))
		}
	}
}
