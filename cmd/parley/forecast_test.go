package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// zonedWarehouse builds the rules fixture and returns its folder, the
// warehouse, the time zone it was built in and another zone.
func zonedWarehouse(t *testing.T) (dir, db, built, other string) {
	t.Helper()
	dir, db = importAndBuild(t, metricsFixture("rules.jsonl"))
	built = strings.TrimSpace(strings.Split(mustParley(t, "sql", "--db", db, "--format", "csv", "SELECT timezone FROM warehouse_info"), "\n")[1])
	other = "America/New_York"
	if built == other {
		other = "Asia/Tokyo"
	}
	return dir, db, built, other
}

// TestForecastWarnsOfConfigTimeZone: a --db forecast counts arrivals in the local times the
// warehouse was built with, so a --config whose time zone is another is warned of, as report
// warns, naming the file, both zones and that a rebuild applies it (it was ignored silently,
// though --help said --config gives the org time zone); the forecast is the warehouse's
// either way. A --config in the warehouse's zone, or none, is not warned of.
func TestForecastWarnsOfConfigTimeZone(t *testing.T) {
	dir, db, built, other := zonedWarehouse(t)
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
	_, db, built, other := zonedWarehouse(t)
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

// TestForecastRoutedIn: a queue conversations reach only by escalation (a
// tier 2) had no forecast and so no agents; --by queue --routed-in forecasts
// and staffs it from the conversations escalated into it, and leaves the
// default output as it was. The fixture escalates every second conversation
// of 14 days (8 a day, 09:00–16:00) from billing to billing_tier2, so billing
// has 112 arrivals and billing_tier2 56.
func TestForecastRoutedIn(t *testing.T) {
	var events strings.Builder
	n := 0
	event := func(conv, typ, at, extra string) {
		n++
		fmt.Fprintf(&events, `{"event_id": "e%d", "conversation_id": %q, "type": %q, "occurred_at": %q, "channel": "webchat", "queue": "billing"%s}`+"\n", n, conv, typ, at, extra)
	}
	escalated := 0
	for d := range 14 {
		for h := 9; h <= 16; h++ {
			conv, at := fmt.Sprintf("c%02d%02d", d, h), func(m int) string { return fmt.Sprintf("2026-03-%02dT%02d:%02d:00Z", 2+d, h, m) }
			event(conv, "message", at(0), `, "actor": {"role": "customer", "id": "`+conv+`"}, "message": {"text": "help"}`)
			event(conv, "message", at(2), `, "actor": {"role": "agent", "id": "a1"}, "message": {"text": "hi"}`)
			if h%2 == 0 {
				event(conv, "escalated", at(20), `, "actor": {"role": "agent", "id": "a1"}, "to": {"role": "agent", "queue": "billing_tier2"}`)
				event(conv, "message", at(25), `, "actor": {"role": "agent", "id": "a2"}, "message": {"text": "tier 2 here"}`)
				escalated++
			}
			event(conv, "resolved", at(30), `, "actor": {"role": "agent", "id": "a1"}`)
		}
	}
	dir := t.TempDir()
	input := filepath.Join(dir, "events.jsonl")
	if err := os.WriteFile(input, []byte(events.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	_, db := importAndBuild(t, input)
	type report struct {
		RoutedIn *bool `json:"routed_in"`
		Groups   []struct {
			Queue           string   `json:"queue"`
			HistoryArrivals float64  `json:"history_arrivals"`
			AgentHours      *float64 `json:"agent_hours"`
		} `json:"groups"`
	}
	forecast := func(args ...string) report {
		t.Helper()
		var r report
		if err := json.Unmarshal([]byte(mustParley(t, append([]string{"forecast", "--db", db, "--horizon", "1d", "--format", "json"}, args...)...)), &r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	byQueue := func(r report) map[string]float64 {
		out := map[string]float64{}
		for _, g := range r.Groups {
			out[g.Queue] = g.HistoryArrivals
			if g.AgentHours != nil && *g.AgentHours <= 0 {
				t.Errorf("%s: %v agent-hours, want some", g.Queue, *g.AgentHours)
			}
		}
		return out
	}
	if r := forecast("--by", "queue"); r.RoutedIn != nil || !maps.Equal(byQueue(r), map[string]float64{"billing": 14 * 8}) {
		t.Errorf("forecast --by queue: routed_in given %v, arrivals %v; want no routed_in and billing alone, as before", r.RoutedIn != nil, byQueue(r))
	}
	want := map[string]float64{"billing": 14 * 8, "billing_tier2": float64(escalated)}
	if r := forecast("--by", "queue", "--routed-in", "--staffing", "--aht", "5m"); r.RoutedIn == nil || !*r.RoutedIn || !maps.Equal(byQueue(r), want) {
		t.Errorf("forecast --by queue --routed-in --staffing: routed_in %v, arrivals %v; want routed_in true, %v", r.RoutedIn != nil && *r.RoutedIn, byQueue(r), want)
	}
	if r := forecast("--queue", "billing_tier2", "--routed-in"); !maps.Equal(byQueue(r), map[string]float64{"billing_tier2": float64(escalated)}) {
		t.Errorf("forecast --queue billing_tier2 --routed-in: arrivals %v, want %d", byQueue(r), escalated)
	}
	if table := mustParley(t, "forecast", "--db", db, "--horizon", "1d", "--by", "queue", "--routed-in"); !strings.Contains(table, "conversations routed into a queue arrive there too (--routed-in)") {
		t.Errorf("forecast --routed-in as a table does not say that routed-in conversations count:\n%.400s", table)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--queue", "billing_tier2"}, "not one they are transferred to (--routed-in counts those too)"},
		{[]string{"--routed-in"}, "--routed-in: counts a conversation in every queue it enters, so it needs --by queue or --queue"},
		{[]string{"--by", "queue", "--routed-in", "--staffing"}, "give --aht, or staffing.queues.billing.aht"},
		{[]string{"--queue", "billing_tier3", "--routed-in"}, "(no event puts a conversation in it); its queues, most conversations first: billing, billing_tier2"},
	} {
		_, _, err := cli(strings.NewReader(""), append([]string{"forecast", "--db", db, "--horizon", "1d"}, c.args...)...)
		var ue usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("forecast %v: %v, want a usage error saying %q", c.args, err, c.want)
		}
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

// TestForecastWorkloadIsTheHistorysAgentWork: with --staffing --aht auto the
// workload is volume × AHT, and the volume counts every arrival, bot-contained
// and abandoned conversations included, so the handle time must average over
// those same arrivals (no agent work counting 0): summed over the history,
// arrivals × aht_s is the agent work the history had, here computed from the
// events the test writes. It averaged over the conversations with agent work
// only, charging each arrival the mean of those (180 s on webchat) and doubling
// the workload.
func TestForecastWorkloadIsTheHistorysAgentWork(t *testing.T) {
	var events strings.Builder
	n := 0
	event := func(conv, channel, typ string, at time.Time, extra string) {
		n++
		fmt.Fprintf(&events, `{"event_id": "e%d", "conversation_id": %q, "type": %q, "occurred_at": %q, "channel": %q, "queue": "support"%s}`+"\n",
			n, conv, typ, at.Format(time.RFC3339), channel, extra)
	}
	work := map[string]float64{}     // agent seconds per channel: each agent reply's gap since the customer wrote (at most the 5-minute cap)
	arrivals := map[string]float64{} // conversations per channel
	for d := range 14 {
		for h := 9; h <= 16; h++ {
			conv, channel := fmt.Sprintf("c%02d%02d", d, h), "webchat"
			if h >= 13 {
				channel = "email"
			}
			at := time.Date(2026, 3, 2+d, h, 0, 0, 0, time.UTC)
			event(conv, channel, "message", at, `, "actor": {"role": "customer", "id": "`+conv+`"}, "message": {"text": "help"}`)
			arrivals[channel]++
			switch h % 4 {
			case 0, 3: // an agent answers after 2 or 4 minutes
				gap := time.Duration(2+h%4/3*2) * time.Minute
				if channel == "email" {
					gap += time.Minute
				}
				event(conv, channel, "message", at.Add(gap), `, "actor": {"role": "agent", "id": "a1"}, "message": {"text": "hi"}`)
				event(conv, channel, "resolved", at.Add(gap+time.Minute), `, "actor": {"role": "agent", "id": "a1"}`)
				work[channel] += gap.Seconds()
			case 1: // the bot answers and resolves: no agent work
				event(conv, channel, "message", at.Add(10*time.Second), `, "actor": {"role": "bot", "id": "b1"}, "message": {"text": "done"}`)
				event(conv, channel, "resolved", at.Add(20*time.Second), `, "actor": {"role": "bot", "id": "b1"}`)
			case 2: // the customer gives up before anyone answers: no agent work
			}
		}
	}
	dir := t.TempDir()
	input := filepath.Join(dir, "events.jsonl")
	if err := os.WriteFile(input, []byte(events.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	_, db := importAndBuild(t, input)
	var r struct {
		Groups []struct {
			Channel         string   `json:"channel"`
			HistoryArrivals float64  `json:"history_arrivals"`
			AHTS            *float64 `json:"aht_s"`
		} `json:"groups"`
	}
	out := mustParley(t, "forecast", "--db", db, "--by", "channel", "--staffing", "--horizon", "1d", "--format", "json")
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Groups) != len(work) {
		t.Fatalf("%d groups, want one per channel of %v:\n%.600s", len(r.Groups), work, out)
	}
	for _, g := range r.Groups {
		if g.HistoryArrivals != arrivals[g.Channel] || g.AHTS == nil {
			t.Fatalf("%s: %v arrivals, aht_s %v; want the %v written, with a handle time", g.Channel, g.HistoryArrivals, g.AHTS, arrivals[g.Channel])
		}
		if got := g.HistoryArrivals * *g.AHTS; math.Abs(got-work[g.Channel]) > 1e-6*work[g.Channel] {
			t.Errorf("%s: %v arrivals × %.3f s = %.0f s of workload over the history, want the %.0f s of agent work it had",
				g.Channel, g.HistoryArrivals, *g.AHTS, got, work[g.Channel])
		}
	}
}

// TestForecastRefusesRepeatedIntervals: a counts file with its last rows
// appended again would double those intervals; the CLI refuses it as a
// usage error (exit 2) naming both lines.
func TestForecastRefusesRepeatedIntervals(t *testing.T) {
	var b strings.Builder
	b.WriteString("ts,n\n")
	for d := range 14 {
		for h := 9; h < 17; h++ {
			fmt.Fprintf(&b, "2026-03-%02d %02d:00,5\n", 2+d, h)
		}
	}
	b.WriteString("2026-03-15 16:00,5\n") // line 114 repeats the last row, line 113
	arrivals := filepath.Join(t.TempDir(), "arrivals.csv")
	if err := os.WriteFile(arrivals, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := cli(strings.NewReader(""), "forecast", "--arrivals", arrivals, "--time-col", "ts", "--count-col", "n", "--interval", "1h", "--horizon", "1d")
	var ue usageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "line 114, --time-col ts: 2026-03-15 16:00:00 repeats line 113") {
		t.Errorf("repeated interval: %v, want a usage error naming lines 114 and 113", err)
	}
}
