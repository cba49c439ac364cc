package main

import (
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
