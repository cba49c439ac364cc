package schedule

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parley-cx/parley/forecast"
	"github.com/parley-cx/parley/internal/browsertest"
	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/staffing"
)

func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// planCSV writes a plan in the forecast's column layout with the given
// agents_with_shrinkage per hour from 2026-03-02 (a Monday) 00:00.
func planCSV(t *testing.T, dir, queue string, agents []int) string {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"queue", "channel", "time_zone", "interval_start", "forecast", "agents_with_shrinkage"})
	first := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	for k, n := range agents {
		w.Write([]string{queue, "chat", "Europe/Berlin", first.Add(time.Duration(k) * time.Hour).Format("2006-01-02T15:04"), "1", itoa(n)})
	}
	w.Flush()
	return writeFile(t, dir, "plan.csv", b.String())
}

func itoa(n int) string { return strconv.Itoa(n) }

// The known optimum through the whole path (plan file, shifts.yaml, break
// rule): 08:00, 09:00 and 10:00 each need one agent; a 3-hour split shift
// from 08:00 has an unpaid hour's break at 09:00, short 2-hour shifts start
// at 08:00 or 09:00. Half of each would do (LP: 3 paid hours); whole agents
// need two shifts, 4 paid hours, one agent-hour over.
func TestScheduleKnownOptimum(t *testing.T) {
	dir := t.TempDir()
	agents := make([]int, 24)
	agents[8], agents[9], agents[10] = 1, 1, 1
	plan := planCSV(t, dir, "billing", agents)
	shifts := writeFile(t, dir, "shifts.yaml", `
breaks: {min_shift: 3h, after: 1h, length: 1h, paid: false}
shifts:
  - {name: split, starts: ["08:00"], length: 3h}
  - {name: short, starts: ["08:00", "09:00"], length: 2h}
`)
	st, err := LoadShifts(shifts, 0)
	if err != nil {
		t.Fatal(err)
	}
	reqs, err := ReadPlan(plan, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(reqs) != 1 || reqs[0].Queue != "billing" || reqs[0].Step != time.Hour || len(reqs[0].Agents) != 24 {
		t.Fatalf("plan read as %+v", reqs)
	}
	res, err := Solve(context.Background(), reqs[0], st)
	if err != nil {
		t.Fatal(err)
	}
	if res.PaidHours != 4 || res.LPBound < 3-1e-9 || res.LPBound > 3+1e-9 || !res.Optimal || res.Gap != 0.25 {
		t.Errorf("paid %v, LP bound %v, gap %v, optimal %v; want 4, 3, 0.25, true", res.PaidHours, res.LPBound, res.Gap, res.Optimal)
	}
	agentsStarted := 0
	for _, s := range res.Shifts {
		agentsStarted += s.Agents
	}
	if agentsStarted != 2 || res.RequiredHours != 3 || res.OverHours != 1 || res.UnderHours != 0 {
		t.Errorf("%d agents started, required %v h, over %v h, under %v h; want 2, 3, 1, 0", agentsStarted, res.RequiredHours, res.OverHours, res.UnderHours)
	}
	for _, iv := range res.Coverage[8:11] {
		if iv.Scheduled < 1 || iv.Under != 0 {
			t.Errorf("%s: %+v", iv.StartText, iv)
		}
	}
}

// A requirement no shift reaches stays under-staffed and is reported, while
// the rest is still covered.
func TestScheduleReportsWhatNoShiftReaches(t *testing.T) {
	dir := t.TempDir()
	agents := make([]int, 24)
	agents[3], agents[9], agents[10] = 2, 3, 1
	reqs, err := ReadPlan(planCSV(t, dir, "night", agents), false)
	if err != nil {
		t.Fatal(err)
	}
	st := &Shifts{Shifts: []ShiftType{{Name: "day", Starts: []string{"08:00", "09:00"}, Length: config.Duration(2 * time.Hour)}}}
	res, err := Solve(context.Background(), reqs[0], st)
	if err != nil {
		t.Fatal(err)
	}
	if res.UnderHours != 2 || res.Coverage[3].Under != 2 || res.Coverage[9].Under != 0 || res.Coverage[10].Under != 0 || res.PaidHours != 6 {
		t.Errorf("under %v h, 03:00 %+v, paid %v; want 2 h short at 03:00 only, 6 paid hours", res.UnderHours, res.Coverage[3], res.PaidHours)
	}
}

func TestShiftsErrorsNameTheirField(t *testing.T) {
	dir := t.TempDir()
	cases := []struct{ yaml, field string }{
		{`shifts: []`, "shifts:"},
		{`shifts: [{name: a, starts: ["7:00"], length: 8h}]`, "shifts[0].starts[0]"},
		{`shifts: [{name: a, starts: ["07:00"], length: 0s}]`, "shifts[0].length"},
		{`shifts: [{name: a, starts: ["07:00"], length: 8h, days: [monday]}]`, "shifts[0].days[0]"},
		{`shifts: [{name: a, starts: ["07:00"], length: 8h}, {name: a, starts: ["08:00"], length: 8h}]`, "shifts[1].name"},
		{`shifts: [{name: "", starts: ["07:00"], length: 8h}]`, "shifts[0].name"},
		{"breaks: {min_shift: 4h, after: 4h, length: 30m}\nshifts: [{name: a, starts: [\"07:00\"], length: 8h}]", "breaks.after"},
		{`shifts: [{name: a, starts: ["07:00"], lenght: 8h}]`, "lenght"},
	}
	for _, tc := range cases {
		t.Run(tc.field, func(t *testing.T) {
			_, err := LoadShifts(writeFile(t, dir, "s.yaml", tc.yaml), 0)
			if err == nil || !strings.Contains(err.Error(), tc.field) {
				t.Errorf("LoadShifts: %v, want an error naming %s", err, tc.field)
			}
		})
	}
}

// TestShiftsErrorsLikeParleyYAML: a shifts file's mistakes are told as parley.yaml's are
// (line, key path, the near key, the value wanted), not as Go's decoder says them ("field start
// not found in type schedule.ShiftType").
func TestShiftsErrorsLikeParleyYAML(t *testing.T) {
	dir := t.TempDir()
	cases := []struct{ name, yaml, want string }{
		{"misspelt key", "shifts:\n  - name: early\n    start: [\"07:00\"]\n    length: 8h\n",
			"line 3: shifts[0].start: unknown key in shifts[0]; did you mean starts?"},
		{"a duration without unit", "shifts:\n  - name: early\n    starts: [\"07:00\"]\n    length: 8\n",
			`line 4: shifts[0].length: invalid duration "8": want a number with its unit`},
		{"text for true or false", "breaks: {min_shift: 6h, after: 3h, length: 30m, paid: sometimes}\nshifts: [{name: a, starts: [\"07:00\"], length: 8h}]\n",
			"line 1: breaks.paid: `sometimes` is text, want true or false"},
		{"a bad value", "shifts:\n  - name: early\n    starts: [\"7:00\"]\n    length: 8h\n",
			`line 3: shifts[0].starts[0]: "7:00" is not HH:MM`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadShifts(writeFile(t, dir, "s.yaml", tc.yaml), 0)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("LoadShifts: %v\nwant %q", err, tc.want)
			}
			if err != nil && strings.Contains(err.Error(), "schedule.ShiftType") {
				t.Errorf("LoadShifts: %v\nnames a Go type", err)
			}
		})
	}
}

// The schedule page shows requirements, the chosen shifts and coverage per
// interval, self-contained and clean in headless Chromium; a queue name
// with markup arrives as text.
func TestScheduleHTMLInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	dir := t.TempDir()
	agents := make([]int, 48)
	for k := 8; k < 20; k++ {
		agents[k], agents[24+k] = 2+k%3, 1+k%2
	}
	hostile := `<img src=x onerror="window.pwned=true">`
	reqs, err := ReadPlan(planCSV(t, dir, hostile, agents), false)
	if err != nil {
		t.Fatal(err)
	}
	st := &Shifts{
		Breaks: BreakRule{MinShift: config.Duration(6 * time.Hour), After: config.Duration(3 * time.Hour), Length: config.Duration(time.Hour)},
		Shifts: []ShiftType{{Name: "full", Starts: []string{"08:00", "10:00", "12:00"}, Length: config.Duration(8 * time.Hour)},
			{Name: "part", Starts: []string{"08:00", "12:00", "16:00"}, Length: config.Duration(4 * time.Hour)}},
	}
	res, err := Solve(context.Background(), reqs[0], st)
	if err != nil {
		t.Fatal(err)
	}
	if res.UnderHours != 0 || !res.Optimal || res.PaidHours < res.LPBound-1e-9 {
		t.Fatalf("schedule %s", res.summary())
	}
	var out bytes.Buffer
	if err := Write(&out, FormatHTML, &Report{Plan: "plan.csv", ShiftFile: "shifts.yaml", Interval: "1h0m0s", Results: []Result{res}}); err != nil {
		t.Fatal(err)
	}
	page := writeFile(t, dir, "schedule.html", out.String())
	b := browsertest.New(t)
	p := b.Open(t, page)
	p.RequireClean(t)
	if len(p.Charts) != 1 {
		t.Errorf("%d charts, want 1", len(p.Charts))
	}
	if browsertest.Eval[bool](t, p, `window.pwned === true`) {
		t.Error("markup in the queue name ran in the page")
	}
	text := p.Text(t)
	for _, want := range []string{hostile, "Chosen shifts", "Coverage per interval", "full", "part", "LP lower bound", "proven optimal"} {
		if !strings.Contains(text, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

// The plan `parley forecast --staffing --format csv` writes is what
// schedule reads: every interval's agents_with_shrinkage becomes the
// requirement, and shifts around the clock cover all of it.
func TestScheduleReadsTheForecastPlan(t *testing.T) {
	dir := t.TempDir()
	var hist strings.Builder
	hist.WriteString("start,n\n")
	first := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	for d := range 28 {
		for h := 8; h < 20; h++ {
			fmt.Fprintf(&hist, "%s,%d\n", first.AddDate(0, 0, d).Add(time.Duration(h)*time.Hour).Format("2006-01-02 15:04"), 20+3*(h%5)+d%3)
		}
	}
	var plan bytes.Buffer
	err := forecast.Run(context.Background(), forecast.Config{
		CSV: &forecast.CSVSource{Path: writeFile(t, dir, "history.csv", hist.String()), TimeCol: "start", CountCol: "n"}, Location: time.UTC,
		Interval: time.Hour, HorizonDays: 7, HistoryDays: 364, BaselineWeeks: 4, HoursPerFTE: 40, Format: forecast.FormatCSV, Out: &plan,
		Staffing: &forecast.Staffing{Input: staffing.Input{AHT: 5 * time.Minute, TargetLevel: 0.8, TargetTime: 30 * time.Second, Concurrency: 1, MaxOccupancy: 1, Shrinkage: 0.25}},
	})
	if err != nil {
		t.Fatal(err)
	}
	reqs, err := ReadPlan(writeFile(t, dir, "plan.csv", plan.String()), false)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(plan.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, rec := range recs[1:] {
		n, _ := strconv.Atoi(rec[11]) // agents_with_shrinkage
		total += n
	}
	sum := 0
	for _, n := range reqs[0].Agents {
		sum += n
	}
	if len(reqs) != 1 || len(reqs[0].Agents) != 7*24 || sum != total || total == 0 {
		t.Fatalf("read %d requirements of %d intervals summing to %d agents; the plan has %d", len(reqs), len(reqs[0].Agents), sum, total)
	}
	var starts []string
	for h := range 24 {
		starts = append(starts, fmt.Sprintf("%02d:00", h))
	}
	res, err := Solve(context.Background(), reqs[0], &Shifts{Shifts: []ShiftType{{Name: "four", Starts: starts, Length: config.Duration(4 * time.Hour)}}})
	if err != nil {
		t.Fatal(err)
	}
	if res.UnderHours != 0 || res.PaidHours < res.RequiredHours || res.PaidHours < res.LPBound-1e-9 {
		t.Errorf("schedule of the forecast plan: %s", res.summary())
	}
}

// A plan the search stopped on states one gap: the proven one, in the same
// words and rounding in the table, the HTML page and (through Status) the
// command's progress line. The LP relaxation's own gap (3.7% here) is
// larger and used to be printed beside it as "gap 3.7%".
func TestScheduleStatesOneGap(t *testing.T) {
	r := Result{Queue: "billing", PaidHours: 100, LPBound: 96.3, Gap: 0.037, ProvenGap: 0.0362, Nodes: 20000, RequiredHours: 90}
	pct := regexp.MustCompile(`\d+\.\d+%`) // one decimal: the page's CSS has whole percentages
	for _, format := range []string{FormatTable, FormatHTML} {
		var b bytes.Buffer
		if err := Write(&b, format, &Report{Results: []Result{r}}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), r.Status()) {
			t.Errorf("%s: the status %q is missing", format, r.Status())
		}
		for _, p := range pct.FindAllString(b.String(), -1) {
			if p != "3.6%" {
				t.Errorf("%s: states a gap of %s beside the proven 3.6%%", format, p)
			}
		}
	}
}

// TestShiftsEveryMistakeAtOnce: one run names every mistake of a shifts
// file: an unknown key does not hide a wrong value, and every shift time off
// the plan's grid is named with its line before anything is solved.
func TestShiftsEveryMistakeAtOnce(t *testing.T) {
	dir := t.TempDir()
	_, err := LoadShifts(writeFile(t, dir, "keys.yaml", "shifts:\n  - name: early\n    start: [\"07:00\"]\n    length: 8h\n    days: [mon, tues]\n"), 0)
	for _, want := range []string{"line 3: shifts[0].start: unknown key in shifts[0]; did you mean starts?", `line 5: shifts[0].days[1]: "tues" is not a weekday`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("LoadShifts: %v\nwant it to say %q", err, want)
		}
	}
	grid := writeFile(t, dir, "grid.yaml", "breaks: {min_shift: 6h, after: 3h10m, length: 30m}\nshifts:\n  - name: early\n    starts: [\"07:00\", \"07:10\"]\n    length: 8h\n  - name: late\n    starts: [\"14:00\"]\n    length: 7h45m\n")
	st, err := LoadShifts(grid, 0)
	if err != nil {
		t.Fatal(err)
	}
	err = st.CheckGrid(30 * time.Minute)
	for _, want := range []string{"line 4: shifts[0].starts[1]: 07:10 is not on the plan's 30m0s grid", "line 8: shifts[1].length: 7h45m0s is not a whole number", "line 1: breaks.after: 3h10m0s is not a whole number"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckGrid: %v\nwant it to say %q", err, want)
		}
	}
	if err := st.CheckGrid(5 * time.Minute); err != nil {
		t.Errorf("CheckGrid on a 5-minute grid: %v", err)
	}
	// Read with the plan's interval, a wrong value and a time off the grid in one run.
	_, err = LoadShifts(writeFile(t, dir, "both.yaml", "shifts:\n  - {name: late, starts: [\"13:15\"], length: 8h, days: [mon, tuesday]}\n"), 30*time.Minute)
	for _, want := range []string{`line 2: shifts[0].days[1]: "tuesday" is not a weekday (want one of mon, tue, wed, thu, fri, sat, sun); did you mean tue?`,
		"line 2: shifts[0].starts[0]: 13:15 is not on the plan's 30m0s grid"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("LoadShifts with the plan's interval: %v\nwant it to say %q", err, want)
		}
	}
}

// TestShiftsEveryErrorNamesItsLine: read with the plan's interval (as parley schedule reads
// it), each of several mistakes names its line, not only the first (the checks' errors are
// joined twice, Validate's and the grid's, and only the first of each had its line).
func TestShiftsEveryErrorNamesItsLine(t *testing.T) {
	dir := t.TempDir()
	body := "shifts:\n  - {name: early, starts: [\"08:00\"], length: 8h}\n  - {name: long, starts: [\"09:00\", \"09:10\"], length: 25h, days: [mon, tues]}\n"
	for _, step := range []time.Duration{0, 30 * time.Minute} {
		_, err := LoadShifts(writeFile(t, dir, "shifts.yaml", body), step)
		if err == nil {
			t.Fatalf("LoadShifts(step %v): no error", step)
		}
		want := []string{"line 3: shifts[1].length: must be in (0, 24h], got 25h0m0s", `line 3: shifts[1].days[1]: "tues" is not a weekday`}
		if step != 0 {
			want = append(want, "line 3: shifts[1].starts[1]: 09:10 is not on the plan's 30m0s grid")
		}
		for _, w := range want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("LoadShifts(step %v): %v\nwant it to say %q", step, err, w)
			}
		}
		if n := strings.Count(err.Error(), "\n") + 1; n != len(want) {
			t.Errorf("LoadShifts(step %v): %d errors, want %d: %v", step, n, len(want), err)
		}
	}
}

// TestReadPlanRefusesRepeatedRows: a plan concatenated with itself would
// double every interval's agents; the repeat is refused naming both lines.
// Pooling still sums rows of different queues.
func TestReadPlanRefusesRepeatedRows(t *testing.T) {
	dir := t.TempDir()
	head := "queue,channel,time_zone,interval_start,forecast,agents_with_shrinkage\n"
	rows := "billing,chat,Europe/Berlin,2026-03-02T09:00,1,2\nbilling,chat,Europe/Berlin,2026-03-02T10:00,1,3\n"
	for _, pool := range []bool{false, true} {
		_, err := ReadPlan(writeFile(t, dir, "twice.csv", head+rows+rows), pool)
		want := `twice.csv:4: queue "billing", channel "chat", interval_start 2026-03-02T09:00 repeats line 2`
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("pool %v: %v, want %q", pool, err, want)
		}
	}
	other := strings.ReplaceAll(rows, "billing", "sales")
	reqs, err := ReadPlan(writeFile(t, dir, "two.csv", head+rows+other), true)
	if err != nil {
		t.Fatal(err)
	}
	if got := reqs[0].Agents; !slices.Equal(got, []int{4, 6}) {
		t.Errorf("pooled agents %v, want billing's 2,3 plus sales' 2,3", got)
	}
}

// TestReadPlanNamesMissingIntervals: intervals with no row inside the
// plan's span are counted as 0 agents; ReadPlan lists them so the CLI can
// warn.
func TestReadPlanNamesMissingIntervals(t *testing.T) {
	plan := "queue,channel,time_zone,interval_start,forecast,agents_with_shrinkage\n" +
		"billing,chat,Europe/Berlin,2026-03-02T09:00,1,2\n" +
		"billing,chat,Europe/Berlin,2026-03-02T12:00,1,3\n" +
		"sales,chat,Europe/Berlin,2026-03-02T09:00,1,1\n" +
		"sales,chat,Europe/Berlin,2026-03-02T10:00,1,1\n" +
		"sales,chat,Europe/Berlin,2026-03-02T11:00,1,1\n" +
		"sales,chat,Europe/Berlin,2026-03-02T12:00,1,1\n"
	reqs, err := ReadPlan(writeFile(t, t.TempDir(), "plan.csv", plan), false)
	if err != nil {
		t.Fatal(err)
	}
	at := func(h int) time.Time { return time.Date(2026, 3, 2, h, 0, 0, 0, time.UTC) }
	if len(reqs) != 2 || !slices.Equal(reqs[0].Missing, []time.Time{at(10), at(11)}) || len(reqs[1].Missing) != 0 {
		t.Errorf("missing: %+v, want billing 10:00 and 11:00, sales none", reqs)
	}
}
