package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/parley-cx/parley/staffing"
)

// A quiet interval is normal: --volume 0 needs nobody, with no NaN in
// either format; a negative volume, or none given, is still refused.
func TestStaffingVolume(t *testing.T) {
	base := []string{"staffing", "--interval", "30m", "--aht", "180s", "--target", "80/20s", "--shrinkage", "0.3"}
	for _, tc := range []struct {
		name    string
		args    []string
		wantOut []string // patterns stdout must match
		wantErr string   // substring of the error; "" for success
	}{
		{"zero, table", []string{"--volume", "0"}, []string{`(?m)^agents +0$`, `(?m)^agents with shrinkage +0$`, `(?m)^no contacts +no agents needed`}, ""},
		{"zero, Erlang A", []string{"--volume", "0", "--patience", "2m"}, []string{`(?m)^agents +0$`, `(?m)^no contacts +no agents needed`}, ""},
		{"negative", []string{"--volume", "-1"}, nil, "--volume"},
		{"not given", nil, nil, "--volume: required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := parley(t, append(append([]string{}, base...), tc.args...)...)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.wantOut {
				if !regexp.MustCompile(w).MatchString(out) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if strings.Contains(strings.ToLower(out), "nan") {
				t.Errorf("NaN in the output:\n%s", out)
			}
		})
	}
	out, err := parley(t, append(append([]string{}, base...), "--volume", "0", "--patience", "2m", "--format", "json")...)
	if err != nil {
		t.Fatal(err)
	}
	var r staffing.Result
	if err := json.Unmarshal([]byte(out), &r); err != nil { // encoding/json refuses NaN, so this also checks for it
		t.Fatalf("%v:\n%s", err, out)
	}
	if r.Agents != 0 || r.AgentsWithShrinkage != 0 {
		t.Errorf("zero volume, JSON: %+v", r)
	}
}

// TestScheduleShiftsOffGrid: a shift time off the plan's interval grid is a
// usage error naming its line, before any solving starts (it was found only
// after "solving..." was printed, without a line).
func TestScheduleShiftsOffGrid(t *testing.T) {
	dir := t.TempDir()
	plan := "queue,channel,time_zone,interval_start,forecast,agents_with_shrinkage\n"
	for h := range 24 {
		plan += fmt.Sprintf("billing,chat,Europe/Berlin,2026-03-02T%02d:00,1,1\n", h)
	}
	files := map[string]string{"plan.csv": plan, "shifts.yaml": "shifts:\n  - {name: early, starts: [\"07:00\", \"07:10\"], length: 2h}\n"}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, errOut, err := cli(strings.NewReader(""), "schedule", "--plan", filepath.Join(dir, "plan.csv"), "--shifts", filepath.Join(dir, "shifts.yaml"))
	var ue usageError
	if err == nil || !errors.As(err, &ue) || !strings.Contains(err.Error(), "line 2: shifts[0].starts[1]: 07:10 is not on the plan's 1h0m0s grid") {
		t.Errorf("schedule with a start off the grid: %v, want a usage error naming line 2", err)
	}
	if strings.Contains(errOut, "solving") {
		t.Errorf("stderr %q: solving started before the shifts were checked", errOut)
	}
}

// TestTargetRefusesFraction: --target 0.8/20s is parley.yaml's fraction
// written where a percent belongs; staffing for 0.8 % would be silently
// wrong, so both commands refuse it and suggest 80/20s.
func TestTargetRefusesFraction(t *testing.T) {
	for _, args := range [][]string{
		{"staffing", "--volume", "100", "--aht", "4m", "--target", "0.8/20s"},
		{"forecast", "--arrivals", "unused.csv", "--time-col", "ts", "--staffing", "--aht", "4m", "--target", "0.8/20s"},
	} {
		_, _, err := cli(strings.NewReader(""), args...)
		var ue usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), "e.g. 80/20s for 80 %") || !strings.Contains(err.Error(), "sla goal is a fraction") {
			t.Errorf("parley %s: %v, want a usage error suggesting 80/20s", args[0], err)
		}
	}
}

// TestScheduleWarnsOfPlanHoles: a plan with intervals missing inside its
// span is scheduled as needing nobody then; stderr says so.
func TestScheduleWarnsOfPlanHoles(t *testing.T) {
	dir := t.TempDir()
	plan := "queue,channel,time_zone,interval_start,forecast,agents_with_shrinkage\n"
	for _, h := range []int{8, 9, 12, 13} {
		plan += fmt.Sprintf("billing,chat,Europe/Berlin,2026-03-02T%02d:00,1,1\n", h)
	}
	files := map[string]string{"plan.csv": plan, "shifts.yaml": "shifts:\n  - {name: early, starts: [\"08:00\", \"12:00\"], length: 2h}\n"}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, errOut, err := cli(strings.NewReader(""), "schedule", "--plan", filepath.Join(dir, "plan.csv"), "--shifts", filepath.Join(dir, "shifts.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "schedule: WARNING: billing chat: --plan has no row for 2 of its 1h intervals (first 2026-03-02T10:00)"; !strings.Contains(errOut, want) {
		t.Errorf("stderr %q, want %q", errOut, want)
	}
}
