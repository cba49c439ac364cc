package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestForecastWarnsOfConfigTimeZone: a --db forecast counts arrivals in the local times the
// warehouse was built with, so a --config whose time zone is another is warned of, as report
// warns, naming the file, both zones and that a rebuild applies it (it was ignored silently,
// though --help said --config gives the org time zone); the forecast is the warehouse's
// either way. A --config in the warehouse's zone, or none, is not warned of.
func TestForecastWarnsOfConfigTimeZone(t *testing.T) {
	dir, db := importAndBuild(t, metricsFixture("rules.jsonl"))
	built := strings.TrimSpace(strings.Split(mustParley(t, "sql", "--db", db, "--format", "csv", "SELECT timezone FROM warehouse_info"), "\n")[1])
	other := "America/New_York"
	if built == other {
		other = "Asia/Tokyo"
	}
	config := func(name, zone string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte("timezone: "+zone+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	forecast := func(args ...string) (out, errOut string) {
		t.Helper()
		out, errOut, err := cli(strings.NewReader(""), append([]string{"forecast", "--db", db, "--horizon", "1d", "--format", "csv"}, args...)...)
		if err != nil {
			t.Fatalf("forecast %v: %v\n%s", args, err, errOut)
		}
		return out, errOut
	}
	same, sameErr := forecast("--config", config("same.yaml", built))
	none, noneErr := forecast()
	ny := config("ny.yaml", other)
	got, gotErr := forecast("--config", ny)
	for _, want := range []string{"forecast: warning: " + ny + " differs from the settings the warehouse was built with",
		"forecasting in the warehouse's time zone, " + built, "rebuild to apply", "timezone: " + built + " -> " + other} {
		if !strings.Contains(gotErr, want) {
			t.Errorf("forecast --config with timezone %s: stderr\n%s\nwant it to say %q", other, gotErr, want)
		}
	}
	for name, errOut := range map[string]string{"a --config in the warehouse's zone": sameErr, "no --config": noneErr} {
		if strings.Contains(errOut, "warning") {
			t.Errorf("forecast with %s warned:\n%s", name, errOut)
		}
	}
	if got != same || got != none {
		t.Errorf("the forecast changed with the --config's time zone:\n%s\nwant the warehouse's:\n%s", got, same)
	}
}

// TestOutFormatFromExtension: forecast and schedule write an --out file in
// the format its extension names when --format is not given (plan.csv was
// written as the table, which schedule --plan cannot read); a given
// --format wins, and an extension that names no format keeps the table.
// Each file must equal what the command prints to stdout in that format.
func TestOutFormatFromExtension(t *testing.T) {
	dir := t.TempDir()
	arrivals := filepath.Join(dir, "calls.csv")
	rows := "time\n"
	for d := range 21 {
		for h := 8; h < 18; h++ {
			for range 1 + (d+h)%3 {
				rows += fmt.Sprintf("2026-03-%02dT%02d:15:00\n", d+1, h)
			}
		}
	}
	plan := "queue,channel,time_zone,interval_start,forecast,agents_with_shrinkage\n"
	for h := range 24 {
		plan += fmt.Sprintf("billing,chat,Europe/Berlin,2026-03-02T%02d:00,1,%d\n", h, 1+h%3)
	}
	for name, body := range map[string]string{"calls.csv": rows, "plan.csv": plan, "shifts.yaml": "shifts:\n  - {name: day, starts: [\"00:00\", \"04:00\", \"08:00\", \"12:00\", \"16:00\", \"20:00\"], length: 4h}\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	commands := map[string][]string{
		"forecast": {"forecast", "--arrivals", arrivals, "--time-col", "time", "--interval", "1h", "--horizon", "2d"},
		"schedule": {"schedule", "--plan", filepath.Join(dir, "plan.csv"), "--shifts", filepath.Join(dir, "shifts.yaml")},
	}
	cases := []struct {
		out    string
		format []string // --format given, if any
		want   string   // the format the file must be in
	}{
		{"out.csv", nil, "csv"},
		{"out.JSON", nil, "json"},
		{"out.html", nil, "html"},
		{"out.csv", []string{"--format", "json"}, "json"},
		{"out.txt", nil, "table"},
	}
	for name, args := range commands {
		printed := map[string]string{}
		for _, c := range cases {
			if _, ok := printed[c.want]; !ok {
				printed[c.want], _ = mustParleyLog(t, append(slices.Clone(args), "--format", c.want)...)
			}
			out := filepath.Join(t.TempDir(), c.out)
			mustParleyLog(t, append(append(slices.Clone(args), "--out", out), c.format...)...)
			got, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != printed[c.want] {
				t.Errorf("%s --out %s %v wrote:\n%.300s\nwant the %s output:\n%.300s", name, c.out, c.format, got, c.want, printed[c.want])
			}
		}
	}
}

// TestForecastTimeZoneWithDB: --timezone with --db was ignored without a
// word (the forecast stayed in the warehouse's zone); a zone other than the
// warehouse's is now a usage error that names both and the rebuild, and the
// warehouse's own zone is accepted, forecasting as without the flag.
func TestForecastTimeZoneWithDB(t *testing.T) {
	_, db := importAndBuild(t, metricsFixture("rules.jsonl"))
	built := strings.TrimSpace(strings.Split(mustParley(t, "sql", "--db", db, "--format", "csv", "SELECT timezone FROM warehouse_info"), "\n")[1])
	other := "America/New_York"
	if built == other {
		other = "Asia/Tokyo"
	}
	args := []string{"forecast", "--db", db, "--horizon", "1d", "--format", "csv"}
	_, _, err := cli(strings.NewReader(""), append(slices.Clone(args), "--timezone", other)...)
	var ue usageError
	if !errors.As(err, &ue) {
		t.Fatalf("forecast --db --timezone %s: %v, want a usage error", other, err)
	}
	for _, want := range []string{"--timezone: " + other + ": not the time zone the warehouse was built in (" + built + ")", "rebuild the warehouse with timezone: " + other} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("forecast --db --timezone %s: %v\nwant it to say %q", other, err, want)
		}
	}
	if same, without := mustParley(t, append(slices.Clone(args), "--timezone", built)...), mustParley(t, args...); same != without {
		t.Errorf("forecast --timezone %s (the warehouse's):\n%s\nwant as without it:\n%s", built, same, without)
	}
}
