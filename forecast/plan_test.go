package forecast

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parley-cx/parley/internal/browsertest"
	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/warehouse"
	"github.com/parley-cx/parley/staffing"
)

// withHandleTime adds conversations.agent_handle_s to the fixture as a
// build would: 600 s of agent work in billing, 300 s in O'Brien's queue.
func withHandleTime(t *testing.T) string {
	t.Helper()
	path := fixtureWarehouse(t)
	db, err := warehouse.Open(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, stmt := range []string{
		`ALTER TABLE conversations ADD COLUMN agent_handle_s DOUBLE`,
		`UPDATE conversations SET agent_handle_s = CASE WHEN first_queue = 'billing' THEN 600 ELSE 300 END`,
	} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

type planReport struct {
	Groups []struct {
		Queue, Channel, Target  string
		TargetSource            string  `json:"target_source"`
		AHTSource               string  `json:"aht_source"`
		AHTS                    float64 `json:"aht_s"`
		SlotTimeS               float64 `json:"slot_time_s"`
		FTE                     float64 `json:"fte"`
		AgentHoursWithShrinkage float64 `json:"agent_hours_with_shrinkage"`
	} `json:"groups"`
	Rows []Row    `json:"intervals"`
	Days []DayRow `json:"days"`
}

func runPlan(t *testing.T, c Config) planReport {
	t.Helper()
	var out bytes.Buffer
	c.Format, c.Out = FormatJSON, &out
	if err := Run(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	var rep planReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	return rep
}

func warehouseConfig(path string) Config {
	return Config{DB: path, Interval: time.Hour, HorizonDays: 7, HistoryDays: 84, BaselineWeeks: 4, HoursPerFTE: 40}
}

// Each queue of a --by queue plan is staffed for its own target and handle
// time from parley.yaml, and each row is the calculator's answer for them.
func TestPlanByQueueUsesEachQueuesTarget(t *testing.T) {
	path := withHandleTime(t)
	cfg := config.Default()
	shrink := 0.2
	cfg.SLA["webchat"] = config.SLA{FirstResponse: config.Duration(5 * time.Minute), Goal: 0.7}
	cfg.Staffing.Queues = map[string]config.StaffingGroup{
		"billing": {Target: &config.SLA{FirstResponse: config.Duration(20 * time.Second), Goal: 0.9}, Concurrency: 2, Shrinkage: &shrink},
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	c := warehouseConfig(path)
	c.ByQueue, c.Settings = true, cfg
	c.Staffing = &Staffing{Input: staffing.Input{TargetLevel: 0.8, TargetTime: time.Minute, Concurrency: 1, MaxOccupancy: 1}, AutoAHT: true}
	rep := runPlan(t, c)
	if len(rep.Groups) != 2 || rep.Groups[0].Queue != "O'Brien's queue" || rep.Groups[1].Queue != "billing" {
		t.Fatalf("groups %+v", rep.Groups)
	}
	want := map[string]struct {
		target, source string
		in             staffing.Input
	}{
		"billing":         {"90% in 20s", "staffing.queues.billing.target", staffing.Input{AHT: 600 * time.Second, TargetLevel: 0.9, TargetTime: 20 * time.Second, Concurrency: 2, Shrinkage: 0.2, MaxOccupancy: 1}},
		"O'Brien's queue": {"70% in 5m", "sla.webchat", staffing.Input{AHT: 300 * time.Second, TargetLevel: 0.7, TargetTime: 5 * time.Minute, Concurrency: 1, MaxOccupancy: 1}},
	}
	for _, g := range rep.Groups {
		w := want[g.Queue]
		if g.Target != w.target || g.TargetSource != w.source || g.AHTS != w.in.AHT.Seconds() || g.SlotTimeS != w.in.SlotTime().Seconds() || g.AHTSource != "agent_handle_s" {
			t.Errorf("%s: %+v, want target %s from %s, %v of work", g.Queue, g, w.target, w.source, w.in.AHT)
		}
	}
	open := 0
	for _, r := range rep.Rows {
		in := want[r.Queue].in
		in.Volume, in.Interval = r.Forecast, time.Hour
		res, err := staffing.Required(in)
		if err != nil {
			t.Fatal(err)
		}
		if *r.Agents != res.Agents || *r.AgentsWithShrinkage != res.AgentsWithShrinkage || r.TimeZone != "America/New_York" {
			t.Fatalf("%s %s: %d/%d agents, calculator says %d/%d", r.Queue, r.IntervalStart, *r.Agents, *r.AgentsWithShrinkage, res.Agents, res.AgentsWithShrinkage)
		}
		if res.Agents > 0 {
			open++
			if *r.ServiceLevel < in.TargetLevel || r.ASAS == nil || r.Occupancy == nil {
				t.Errorf("%s %s: service level %v under its target %v", r.Queue, r.IntervalStart, *r.ServiceLevel, in.TargetLevel)
			}
		}
	}
	if open < 2*7*4 {
		t.Errorf("only %d staffed intervals", open)
	}
	// Daily rows sum the intervals; FTE is the hours over a 40-hour week's daily share.
	if len(rep.Days) != 14 {
		t.Fatalf("%d daily rows, want 7 per queue", len(rep.Days))
	}
	for _, d := range rep.Days {
		var hours float64
		for _, r := range rep.Rows {
			if r.Queue == d.Queue && strings.HasPrefix(r.IntervalStart, d.Date) {
				hours += float64(*r.AgentsWithShrinkage)
			}
		}
		if d.AgentHoursWithShrinkage != hours || d.FTE != hours*7/40 {
			t.Errorf("%s %s: %v hours, %v FTE; intervals sum to %v hours", d.Queue, d.Date, d.AgentHoursWithShrinkage, d.FTE, hours)
		}
	}
}

// One meaning for --aht: the agent working time, given or read from the
// warehouse. When the numbers agree, so do the agents, at any concurrency.
func TestAHTGivenAndAutoAgree(t *testing.T) {
	path := withHandleTime(t)
	for _, conc := range []int{1, 3} {
		base := warehouseConfig(path)
		base.Filter = Filter{Queue: "O'Brien's queue"}
		in := staffing.Input{TargetLevel: 0.8, TargetTime: time.Minute, Concurrency: conc, MaxOccupancy: 1}
		auto, given := base, base
		auto.Staffing = &Staffing{Input: in, AutoAHT: true}
		in.AHT = 300 * time.Second
		given.Staffing = &Staffing{Input: in}
		a, g := runPlan(t, auto), runPlan(t, given)
		if a.Groups[0].SlotTimeS != float64(300*conc) || g.Groups[0].SlotTimeS != float64(300*conc) {
			t.Errorf("concurrency %d: slot time %v (auto), %v (given), want %d", conc, a.Groups[0].SlotTimeS, g.Groups[0].SlotTimeS, 300*conc)
		}
		staffed := 0
		for k := range a.Rows {
			if *a.Rows[k].Agents != *g.Rows[k].Agents {
				t.Fatalf("concurrency %d, %s: %d agents with --aht auto, %d with --aht 300s", conc, a.Rows[k].IntervalStart, *a.Rows[k].Agents, *g.Rows[k].Agents)
			}
			staffed += *a.Rows[k].Agents
		}
		if staffed == 0 {
			t.Fatal("nothing staffed: the comparison proves nothing")
		}
	}
}

// The staffed CSV carries the columns, in its order, and the daily table its own.
func TestPlanCSVColumns(t *testing.T) {
	path := withHandleTime(t)
	c := warehouseConfig(path)
	c.ByQueue, c.ByChannel = true, true
	c.Staffing = &Staffing{Input: staffing.Input{TargetLevel: 0.8, TargetTime: time.Minute, Concurrency: 1, MaxOccupancy: 1, Patience: 2 * time.Minute}, AutoAHT: true}
	var out, days bytes.Buffer
	c.Format, c.Out, c.Daily = FormatCSV, &out, &days
	if err := Run(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&out).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := "queue,channel,time_zone,interval_start,forecast,lower_80,upper_80,aht_s,concurrency,traffic_erlangs,agents,agents_with_shrinkage,service_level,asa_s,occupancy,abandon_rate,slot_time_s,seasonal_naive,weekly_mean"
	if got := strings.Join(recs[0], ","); got != want {
		t.Fatalf("header\n%s\nwant\n%s", got, want)
	}
	if len(recs) != 1+2*7*24 {
		t.Errorf("%d rows, want one per hour of 7 days for 2 queue/channel pairs", len(recs)-1)
	}
	for _, r := range recs[1:] {
		if r[1] != "webchat" || r[2] != "America/New_York" || (r[10] != "0" && r[15] == "") {
			t.Fatalf("row %v: want channel webchat, New York, an abandon rate where staffed", r)
		}
	}
	drecs, err := csv.NewReader(&days).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(drecs[0], ",") != strings.Join(DayColumns, ",") || len(drecs) != 1+2*7 {
		t.Errorf("daily table: header %v, %d rows", drecs[0], len(drecs)-1)
	}
}

// The grouped staffing plan and the rolling backtest render as clean
// self-contained pages in headless Chromium; a queue name with markup
// characters arrives as text.
func TestPlanAndRollingHTMLInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	dir := t.TempDir()
	b := browsertest.New(t)
	path := withHandleTime(t)
	plan := warehouseConfig(path)
	plan.ByQueue = true
	plan.Staffing = &Staffing{Input: staffing.Input{TargetLevel: 0.8, TargetTime: time.Minute, Concurrency: 1, MaxOccupancy: 1}, AutoAHT: true}
	_, s, _ := plantedSeries(t, 7*30)
	rolling := csvConfig(countsCSV(t, dir, "planted.csv", s), FormatHTML, nil)
	rolling.BacktestWeeks, rolling.Rolling = 6, true
	for name, tc := range map[string]struct {
		c      Config
		charts int
		want   []string
	}{
		"plan":    {plan, 2, []string{"O'Brien's queue", "agent-hours with shrinkage", "FTE", "Per day", "agent_handle_s"}},
		"rolling": {rolling, 1, []string{"calendar mean 6w", "month_start_1", "80% width", "Per origin"}},
	} {
		var out bytes.Buffer
		tc.c.Format, tc.c.Out = FormatHTML, &out
		if err := Run(context.Background(), tc.c); err != nil {
			t.Fatal(err)
		}
		page := filepath.Join(dir, name+".html")
		if err := os.WriteFile(page, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		p := b.Open(t, page)
		p.RequireClean(t)
		if len(p.Charts) != tc.charts {
			t.Errorf("%s: %d charts, want %d", name, len(p.Charts), tc.charts)
		}
		text := p.Text(t)
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s page lacks %q", name, w)
			}
		}
	}
}
