package qa

import (
	"slices"
	"testing"
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
