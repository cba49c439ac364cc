package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
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

// TestForecastRefusesOneFileForOutAndDaily: --out and --daily naming the
// same file (after cleaning the paths) would write the plan and replace it
// with the daily table, exiting 0; it is a usage error that writes nothing.
// Two files are written as asked.
func TestForecastRefusesOneFileForOutAndDaily(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("ts,n\n")
	for d := range 14 {
		for h := 9; h < 17; h++ {
			fmt.Fprintf(&b, "2026-03-%02d %02d:00,5\n", 2+d, h)
		}
	}
	arrivals := filepath.Join(dir, "arrivals.csv")
	if err := os.WriteFile(arrivals, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	forecast := func(out, daily string) error {
		_, _, err := cli(strings.NewReader(""), "forecast", "--arrivals", arrivals, "--time-col", "ts", "--count-col", "n", "--interval", "1h", "--horizon", "1d",
			"--staffing", "--aht", "4m", "--format", "csv", "--out", out, "--daily", daily)
		return err
	}
	same := filepath.Join(dir, "plan.csv")
	err := forecast(same, filepath.Join(dir, ".", "sub", "..", "plan.csv"))
	var ue usageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "the same file as --out") {
		t.Errorf("--out and --daily on one file: %v, want a usage error saying so", err)
	}
	if _, err := os.Stat(same); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the refused run wrote %s: %v", same, err)
	}
	if err := forecast(same, filepath.Join(dir, "days.csv")); err != nil {
		t.Fatal(err)
	}
	for name, header := range map[string]string{"plan.csv": "queue,channel,time_zone,interval_start,", "days.csv": "queue,channel,date,forecast,agent_hours,"} {
		if got, err := os.ReadFile(filepath.Join(dir, name)); err != nil || !strings.HasPrefix(string(got), header) {
			t.Errorf("%s: %v, starts %.60q; want %q", name, err, got, header)
		}
	}
}

// TestTargetDefaultsExplained: forecast --staffing (80/60s, chat) and
// staffing (80/20s, voice) default --target differently on purpose; each
// --help says so, naming the other's default.
func TestTargetDefaultsExplained(t *testing.T) {
	for cmd, want := range map[string]string{"forecast": "parley staffing defaults to 80/20s", "staffing": "parley forecast --staffing defaults to 80/60s"} {
		out, _, err := cli(strings.NewReader(""), cmd, "--help")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out, want) {
			t.Errorf("parley %s --help does not say %q:\n%s", cmd, want, out)
		}
	}
}
