package forecast

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parley-cx/parley/internal/browsertest"
	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/warehouse"
	"github.com/parley-cx/parley/staffing"
)

// countsCSV writes a series as a per-interval counts file (intervals with arrivals only).
func countsCSV(t *testing.T, dir, name string, s Series) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("start,n\n")
	for i, d := range s.Days {
		for j, v := range d {
			if v > 0 {
				fmt.Fprintf(&b, "%s,%g\n", s.Start(i, j).Format("2006-01-02 15:04"), v)
			}
		}
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func csvConfig(path, format string, out *bytes.Buffer) Config {
	return Config{
		CSV:      &CSVSource{Path: path, TimeCol: "start", CountCol: "n"},
		Location: time.UTC, Interval: 30 * time.Minute,
		HorizonDays: 7, HistoryDays: 84, BaselineWeeks: 4, HoursPerFTE: 40,
		Format: format, Out: out,
	}
}

func staffed() *Staffing {
	return &Staffing{Input: staffing.Input{
		AHT: 4 * time.Minute, TargetLevel: 0.8, TargetTime: 60 * time.Second,
		Concurrency: 1, MaxOccupancy: 1, Shrinkage: 0.25,
	}}
}

func TestRunFormats(t *testing.T) {
	dir := t.TempDir()
	hist := newSynthetic().series(42)
	path := countsCSV(t, dir, "history.csv", hist)
	ctx := context.Background()

	t.Run("json keeps every interval with staffing", func(t *testing.T) {
		var out bytes.Buffer
		c := csvConfig(path, FormatJSON, &out)
		c.Staffing = staffed()
		if err := Run(ctx, c); err != nil {
			t.Fatal(err)
		}
		var rep struct {
			Interval  string           `json:"interval"`
			Arrivals  float64          `json:"history_arrivals"`
			AHT       float64          `json:"aht_s"`
			Intervals []map[string]any `json:"intervals"`
		}
		if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
			t.Fatal(err)
		}
		if rep.Interval != "30m" || rep.Arrivals != hist.Total() || rep.AHT != 240 || len(rep.Intervals) != 7*48 {
			t.Fatalf("report header: interval %q, %v arrivals (want %v), aht %v, %d intervals", rep.Interval, rep.Arrivals, hist.Total(), rep.AHT, len(rep.Intervals))
		}
		// The file ends on Saturday 2026-02-14 (closed Sundays leave no rows),
		// so the forecast starts on Sunday; Monday 11:00 is open.
		open := rep.Intervals[48+22]
		var keys []string
		for k := range open {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		want := []string{"agents", "agents_with_shrinkage", "aht_s", "asa_s", "concurrency", "forecast", "interval_start", "lower_80", "occupancy",
			"seasonal_naive", "service_level", "slot_time_s", "time_zone", "traffic_erlangs", "upper_80", "weekly_mean"}
		if !slices.Equal(keys, want) || open["interval_start"] != "2026-02-16T11:00" {
			t.Fatalf("interval keys %v (start %v), want %v", keys, open["interval_start"], want)
		}
		// The agents are the calculator's answer for the forecast volume.
		r, err := staffing.Required(staffing.Input{Volume: open["forecast"].(float64), Interval: 30 * time.Minute,
			AHT: 4 * time.Minute, TargetLevel: 0.8, TargetTime: time.Minute, Concurrency: 1, MaxOccupancy: 1, Shrinkage: 0.25})
		if err != nil {
			t.Fatal(err)
		}
		if open["agents"] != float64(r.Agents) || open["agents_with_shrinkage"] != float64(r.AgentsWithShrinkage) || r.Agents < 5 {
			t.Errorf("11:00 staffing %v/%v, calculator says %d/%d", open["agents"], open["agents_with_shrinkage"], r.Agents, r.AgentsWithShrinkage)
		}
		if night := rep.Intervals[2]; night["agents"] != 0.0 || night["service_level"] != nil {
			t.Errorf("closed 01:00 interval staffed: %v", night)
		}
	})

	t.Run("csv has a header and one row per interval", func(t *testing.T) {
		var out bytes.Buffer
		if err := Run(ctx, csvConfig(path, FormatCSV, &out)); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(&out).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 1+7*48 || strings.Join(recs[0], ",") != "interval_start,forecast,lower_80,upper_80,seasonal_naive,weekly_mean" {
			t.Errorf("%d records, header %v", len(recs), recs[0])
		}
	})

	t.Run("table leaves closed intervals out", func(t *testing.T) {
		var out bytes.Buffer
		if err := Run(ctx, csvConfig(path, FormatTable, &out)); err != nil {
			t.Fatal(err)
		}
		text := out.String()
		// Six open days of 24 half-hours, a header, a title and a blank line; Sunday is closed.
		if n := strings.Count(text, "\n"); n != 6*24+3 || strings.Contains(text, "Sun 2026-02-22") || !strings.Contains(text, "Mon 2026-02-16 08:00") {
			t.Errorf("table has %d lines:\n%s", n, text)
		}
	})

	t.Run("backtest table scores all three methods", func(t *testing.T) {
		var out bytes.Buffer
		c := csvConfig(path, FormatTable, &out)
		c.BacktestWeeks = 2
		if err := Run(ctx, c); err != nil {
			t.Fatal(err)
		}
		for _, m := range []string{MethodModel, MethodSeasonalNaive, MethodWeeklyMean, "MASE", "held out 2026-02-01 to 2026-02-14"} {
			if !strings.Contains(out.String(), m) {
				t.Errorf("backtest table lacks %q:\n%s", m, out.String())
			}
		}
	})
}

func TestConfigValidate(t *testing.T) {
	var out bytes.Buffer
	base := csvConfig("x.csv", FormatTable, &out)
	tests := []struct {
		name string
		set  func(*Config)
		want string
	}{
		{"no source", func(c *Config) { c.CSV = nil }, "--db or --arrivals"},
		{"two sources", func(c *Config) { c.DB = "w.duckdb" }, "give only one"},
		{"no time column", func(c *Config) { c.CSV.TimeCol = "" }, "--time-col"},
		{"queue on a file", func(c *Config) { c.Filter.Queue = "billing" }, "--queue/--channel"},
		{"odd interval", func(c *Config) { c.Interval = 7 * time.Minute }, "--interval"},
		{"short history", func(c *Config) { c.HistoryDays = 3 }, "--history"},
		{"no horizon", func(c *Config) { c.HorizonDays = 0 }, "--horizon"},
		{"bad format", func(c *Config) { c.Format = "xml" }, "--format"},
		{"auto AHT without warehouse", func(c *Config) { c.Staffing = staffed(); c.Staffing.AutoAHT = true }, "--aht auto"},
		{"impossible target", func(c *Config) { c.Staffing = staffed(); c.Staffing.TargetLevel = 1.5 }, "target:"},
		{"staffing a backtest", func(c *Config) { c.Staffing = staffed(); c.BacktestWeeks = 2 }, "--staffing"},
		{"rolling without weeks", func(c *Config) { c.Rolling = true }, "--rolling"},
		{"by on a file", func(c *Config) { c.ByQueue = true }, "--by"},
		{"by in a backtest", func(c *Config) { c.CSV = nil; c.DB = "w.duckdb"; c.ByChannel = true; c.BacktestWeeks = 3 }, "--by"},
		{"start in a backtest", func(c *Config) { c.Start = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC); c.BacktestWeeks = 3 }, "--start"},
		{"daily without staffing", func(c *Config) { c.Daily = &bytes.Buffer{} }, "--daily"},
		{"no hours per FTE", func(c *Config) { c.Staffing = staffed(); c.HoursPerFTE = 0 }, "--hours-per-fte"},
		{"routed in on a file", func(c *Config) { c.RoutedIn = true }, "--routed-in: only applies to --db"},
		{"routed in summed over queues", func(c *Config) { c.CSV = nil; c.DB = "w.duckdb"; c.RoutedIn, c.ByChannel = true, true }, "--routed-in: counts a conversation in every queue"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := base
			src := *base.CSV
			c.CSV = &src
			tc.set(&c)
			if err := c.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want it to name %q", err, tc.want)
			}
		})
	}
	if err := base.Validate(); err != nil {
		t.Errorf("valid config rejected: %v", err)
	}
}

// TestHTMLInBrowser renders a staffed forecast and a backtest and loads both
// in headless Chromium: charts drawn, nothing fetched, hostile text inert.
func TestHTMLInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	dir := t.TempDir()
	// The file name reaches the page's subtitle: it must arrive as text.
	path := countsCSV(t, dir, `<img src=x onerror="window.pwned=true">.csv`, newSynthetic().series(42))
	b := browsertest.New(t)
	for _, backtest := range []int{0, 2} {
		var out bytes.Buffer
		c := csvConfig(path, FormatHTML, &out)
		c.BacktestWeeks = backtest
		if backtest == 0 {
			c.Staffing = staffed()
		}
		if err := Run(context.Background(), c); err != nil {
			t.Fatal(err)
		}
		page := filepath.Join(dir, fmt.Sprintf("forecast-%d.html", backtest))
		if err := os.WriteFile(page, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		p := b.Open(t, page)
		p.RequireClean(t)
		if len(p.Charts) != 1 {
			t.Errorf("%d charts, want 1", len(p.Charts))
		}
		if browsertest.Eval[bool](t, p, `window.pwned === true`) {
			t.Error("markup in the file name ran in the page")
		}
		text := p.Text(t)
		for _, want := range []string{`<img src=x onerror="window.pwned=true">.csv`, "seasonal naive", "weekly mean"} {
			if !strings.Contains(text, want) {
				t.Errorf("page text lacks %q", want)
			}
		}
		if backtest == 0 && !strings.Contains(text, "peak agents with shrinkage") {
			t.Error("staffed forecast page lacks the agents column")
		}
		if backtest > 0 && !strings.Contains(text, "MASE") {
			t.Error("backtest page lacks the score table")
		}
	}
}

// emptyWarehouse creates a warehouse with the tables of
// testdata/warehouse.sql, and the scripts run after them; the caller closes
// it.
func emptyWarehouse(t *testing.T, scripts ...string) (*warehouse.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "warehouse.duckdb")
	db, err := warehouse.Open(path, false)
	if err != nil {
		t.Fatal(err)
	}
	ddl, err := os.ReadFile(filepath.Join("testdata", "warehouse.sql"))
	if err != nil {
		db.Close()
		t.Fatal(err)
	}
	for _, script := range append([]string{string(ddl)}, scripts...) {
		if _, err := db.Exec(script); err != nil {
			db.Close()
			t.Fatal(err)
		}
	}
	return db, path
}

// fixtureWarehouse builds a warehouse with the contract's columns and known
// traffic: over 14 days from Monday 2026-03-02 (New York time), a
// conversation arrives at every hour from 09:00 to 16:00, alternating
// between two queues. Each opens with a bot greeting a minute before the
// customer writes (so the first message is not the arrival), then an agent
// replies after 2 minutes, the customer again at +30 min, the agent at +40
// min (10 min later: capped at 5) and a private note follows.
func fixtureWarehouse(t *testing.T) string {
	t.Helper()
	db, path := emptyWarehouse(t)
	defer db.Close()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`INSERT INTO warehouse_info (timezone) VALUES (?)`, "America/New_York"); err != nil {
		t.Fatal(err)
	}
	type msg struct {
		role          string
		offset        time.Duration
		private, auto bool
	}
	script := []msg{{"bot", -time.Minute, false, true}, {"customer", 0, false, false}, {"agent", 2 * time.Minute, false, false},
		{"customer", 30 * time.Minute, false, false}, {"agent", 40 * time.Minute, false, false}, {"agent", 41 * time.Minute, true, false}}
	for d := range 14 {
		for h := 9; h <= 16; h++ {
			arrive := time.Date(2026, 3, 2+d, h, 0, 0, 0, ny) // crosses the 8 March DST change
			id := fmt.Sprintf("c-%02d-%02d", d, h)
			queue := []string{"billing", "O'Brien's queue"}[h%2]
			if _, err := tx.Exec(`INSERT INTO conversations (conversation_id, channel, first_queue, started_local) VALUES (?, ?, ?, ?)`,
				id, "webchat", queue, WallClock(arrive.Add(-time.Minute), ny)); err != nil {
				t.Fatal(err)
			}
			for seq, m := range script {
				at := arrive.Add(m.offset)
				if _, err := tx.Exec(`INSERT INTO messages (conversation_id, seq, occurred_at, occurred_local, sender_role, private, automated, queue, channel) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
					id, seq+1, at.UTC(), WallClock(at, ny), m.role, m.private, m.auto, queue, "webchat"); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestWarehouseArrivalsAndHandleTime(t *testing.T) {
	path := fixtureWarehouse(t)
	ctx := context.Background()
	db, err := warehouse.Open(path, true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })

	tests := []struct {
		filter Filter
		hours  []int
	}{
		{Filter{}, []int{9, 10, 11, 12, 13, 14, 15, 16}},
		{Filter{Queue: "billing"}, []int{10, 12, 14, 16}},
		{Filter{Queue: "O'Brien's queue", Channel: "webchat"}, []int{9, 11, 13, 15}},
	}
	for _, tc := range tests {
		s, err := ReadWarehouse(ctx, db.DB, time.Hour, tc.filter)
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Days) != 14 || s.First.Format(time.DateOnly) != "2026-03-02" {
			t.Fatalf("%+v: %d days from %v", tc.filter, len(s.Days), s.First)
		}
		for i, d := range s.Days {
			for h, v := range d {
				want := 0.0
				if slices.Contains(tc.hours, h) {
					want = 1
				}
				if v != want {
					t.Errorf("%+v: %s %02d:00 has %v arrivals, want %v", tc.filter, s.Date(i).Format(time.DateOnly), h, v, want)
				}
			}
		}
	}
	if _, err := ReadWarehouse(ctx, db.DB, time.Hour, Filter{Channel: "whatsapp"}); err == nil || !strings.Contains(err.Error(), `on channel "whatsapp"`) {
		t.Errorf("empty filter result: %v", err)
	}

	// Without agent_handle_s (a warehouse built before it existed) there is
	// no second handle-time rule to fall back on: the error says to rebuild.
	if _, err := ReadHandleTime(ctx, db.DB, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 16, 0, 0, 0, 0, time.UTC), Filter{Queue: "billing"}); !errors.Is(err, ErrNoHandleTime) {
		t.Errorf("handle time without agent_handle_s: %v, want ErrNoHandleTime", err)
	}
}

func TestRunFromWarehouse(t *testing.T) {
	path := fixtureWarehouse(t)
	run := func(t *testing.T, concurrency int) (rep struct {
		TimeZone  string  `json:"time_zone"`
		Arrivals  float64 `json:"history_arrivals"`
		AHT       float64 `json:"aht_s"`
		SlotTime  float64 `json:"slot_time_s"`
		AHTSource string  `json:"aht_source"`
	}) {
		t.Helper()
		var out bytes.Buffer
		c := Config{DB: path, Filter: Filter{Queue: "O'Brien's queue"}, Interval: time.Hour, HorizonDays: 7, HistoryDays: 84, BaselineWeeks: 4, HoursPerFTE: 40, Format: FormatJSON, Out: &out}
		c.Staffing = staffed()
		c.Staffing.AutoAHT, c.Staffing.Concurrency = true, concurrency
		if err := Run(context.Background(), c); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
			t.Fatal(err)
		}
		return rep
	}
	addHandleTime(t, path, `UPDATE conversations SET agent_handle_s = CASE WHEN first_queue = 'billing' THEN 600 ELSE 300 END`)
	if rep := run(t, 1); rep.TimeZone != "America/New_York" || rep.Arrivals != 14*4 || rep.AHTSource != "agent_handle_s" || rep.AHT != 300 || rep.SlotTime != 300 {
		t.Errorf("report %+v; want New York, 56 arrivals, 300 s from agent_handle_s", rep)
	}
	// With two conversations per agent, the working time stays what it is
	// and a conversation holds a slot for twice as long.
	if rep := run(t, 2); rep.AHT != 300 || rep.SlotTime != 2*300 {
		t.Errorf("concurrency 2: %+v, want 300 s of work and 600 s slot time", rep)
	}
}

// addHandleTime adds conversations.agent_handle_s to the fixture (which
// predates it) as a build would, then runs stmts on it.
func addHandleTime(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := warehouse.Open(path, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range append([]string{`ALTER TABLE conversations ADD COLUMN agent_handle_s DOUBLE`}, stmts...) {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestHandleTimeIsTheHistorysArrivals: --aht auto averages the handle time
// of the conversations the history counts as arrivals, and no others. A
// forecast "as of" Monday 9 March learns from 2–8 March only, handle time
// included (it read every later conversation too); a conversation with no
// customer message (an outbound opener nobody answered) is no arrival, and
// one whose first_queue is not the queue it arrived in counts where it
// arrived (both were averaged by first_queue). The progress line names the
// history used, not the whole warehouse.
func TestHandleTimeIsTheHistorysArrivals(t *testing.T) {
	path := fixtureWarehouse(t)
	addHandleTime(t, path,
		// O'Brien's queue: 300 s before the start, 900 s from it on.
		`UPDATE conversations SET agent_handle_s = CASE WHEN started_local < TIMESTAMP '2026-03-09' THEN 300 ELSE 900 END`,
		// A billing arrival whose conversation record says O'Brien's queue first.
		`UPDATE conversations SET first_queue = 'O''Brien''s queue', agent_handle_s = 5000 WHERE conversation_id = 'c-02-10'`,
		// An outbound conversation in O'Brien's queue that no customer answered.
		`INSERT INTO conversations (conversation_id, channel, first_queue, started_local, agent_handle_s) VALUES ('out-1', 'webchat', 'O''Brien''s queue', TIMESTAMP '2026-03-04 12:00', 7000)`,
		`INSERT INTO messages (conversation_id, seq, occurred_local, sender_role, queue, channel) VALUES ('out-1', 1, TIMESTAMP '2026-03-04 12:00', 'agent', 'O''Brien''s queue', 'webchat')`)
	var out, progress bytes.Buffer
	c := Config{DB: path, Filter: Filter{Queue: "O'Brien's queue"}, Interval: time.Hour, HorizonDays: 7, HistoryDays: 84, BaselineWeeks: 4, HoursPerFTE: 40,
		Start: time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC), Format: FormatJSON, Out: &out, Progress: &progress}
	c.Staffing = staffed()
	c.Staffing.AutoAHT = true
	if err := Run(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	var rep Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	// 7 days × 4 arrivals (09, 11, 13, 15 h), each 300 s.
	if rep.HistoryTo != "2026-03-08" || rep.AHTS == nil || *rep.AHTS != 300 {
		t.Errorf("history to %s, aht_s %v; want 2026-03-08 and 300 s", rep.HistoryTo, show(rep.AHTS))
	}
	for _, want := range []string{"history of 7 days, 2026-03-02 to 2026-03-08, forecast from 2026-03-09", "handle time 300s of agent work from agent_handle_s over 28 conversations"} {
		if !strings.Contains(progress.String(), want) {
			t.Errorf("progress:\n%s\nwant it to say %q", progress.String(), want)
		}
	}
}

// show prints an optional figure of a Row or Report.
func show[T any](p *T) string {
	if p == nil {
		return "absent"
	}
	return fmt.Sprint(*p)
}

// --start forecasts from a given date: data on and after it is ignored, and
// a start after the history's end leaves the days between unknown.
func TestRunStart(t *testing.T) {
	dir := t.TempDir()
	hist := newSynthetic().series(42) // 2026-01-05 (Monday) to 2026-02-15
	path := countsCSV(t, dir, "history.csv", hist)
	run := func(start time.Time) Report {
		var out bytes.Buffer
		c := csvConfig(path, FormatJSON, &out)
		c.Start = start
		if err := Run(context.Background(), c); err != nil {
			t.Fatal(err)
		}
		var rep Report
		if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
			t.Fatal(err)
		}
		return rep
	}
	past := run(time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC))
	if past.HistoryTo != "2026-02-01" || past.Rows[0].IntervalStart != "2026-02-02T00:00" || past.HistoryArrivals != hist.Slice(0, 28).Total() {
		t.Errorf("start 2026-02-02: history to %s (%v arrivals), first interval %s", past.HistoryTo, past.HistoryArrivals, past.Rows[0].IntervalStart)
	}
	// The file ends on Saturday 2026-02-14 (closed Sundays leave no rows);
	// starting on Monday the 16th does not shift the week by a day.
	later := run(time.Date(2026, 2, 16, 0, 0, 0, 0, time.UTC))
	if later.HistoryTo != "2026-02-14" || later.Rows[0].IntervalStart != "2026-02-16T00:00" {
		t.Errorf("start 2026-02-16: history to %s, first interval %s", later.HistoryTo, later.Rows[0].IntervalStart)
	}
	if monday := later.Rows[22]; monday.Forecast < 20 {
		t.Errorf("Monday 11:00 forecast %v: the Monday profile was not used", monday.Forecast)
	}
}

// TestUnstaffedQueues: the staffing.queues entries no forecast series is
// (a queue conversations are only transferred to) are named, sorted; the
// others staff their series.
func TestUnstaffedQueues(t *testing.T) {
	groups := []Group{{Filter: Filter{Queue: "billing"}}, {Filter: Filter{Queue: "orders"}}}
	for _, tc := range []struct {
		name       string
		configured []string
		want       []string
	}{
		{"none configured", nil, nil},
		{"all arrive", []string{"orders", "billing"}, nil},
		{"tier 2s", []string{"tech_tier2", "billing", "billing_tier2"}, []string{"billing_tier2", "tech_tier2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			configured := map[string]config.StaffingGroup{}
			for _, q := range tc.configured {
				configured[q] = config.StaffingGroup{}
			}
			if got := unstaffedQueues(configured, groups); !slices.Equal(got, tc.want) {
				t.Errorf("unstaffedQueues = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestClockChanges: on the wall clock of Europe/London, 29 March 2026 has no
// 01:00–02:00 and 25 October 2026 has it twice. An organisation taking 4
// arrivals in every half-hour, day and night, is forecast 0 arrivals and
// no agents in the skipped hour (it had 3.7 arrivals and 2 agents there),
// twice a half-hour's arrivals in each half of the repeated hour (whose
// slots count both hours' arrivals), staffed for an hour-long interval:
// the same agents as every other half-hour, for twice as long. A day's
// agent-hours are those agents over 23 and 25 hours.
func TestClockChanges(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	const perSlot = 4.0
	perHalfHour, err := staffing.Required(staffing.Input{Volume: perSlot, Interval: 30 * time.Minute, AHT: 4 * time.Minute,
		TargetLevel: 0.8, TargetTime: 60 * time.Second, Concurrency: 1, MaxOccupancy: 1, Shrinkage: 0.25})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name          string
		start, change time.Time
		slot          float64 // the forecast of 01:00 and 01:30 on the day of the change, in half-hours' arrivals
		hours         float64 // the day's length
	}{
		{"spring", time.Date(2026, 3, 23, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 29, 0, 0, 0, 0, time.UTC), 0, 23},
		{"autumn", time.Date(2026, 10, 19, 0, 0, 0, 0, time.UTC), time.Date(2026, 10, 25, 0, 0, 0, 0, time.UTC), 2, 25},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hist := Series{Step: 30 * time.Minute, First: tc.start.AddDate(0, 0, -42)}
			for range 42 {
				hist.Days = append(hist.Days, slices.Repeat([]float64{perSlot}, 48))
			}
			var out bytes.Buffer
			c := csvConfig(countsCSV(t, t.TempDir(), "counts.csv", hist), FormatJSON, &out)
			c.Location, c.Start, c.Staffing = london, tc.start, staffed()
			if err := Run(context.Background(), c); err != nil {
				t.Fatal(err)
			}
			var rep Report
			if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
				t.Fatal(err)
			}
			for _, r := range rep.Rows {
				want, agents := perSlot, perHalfHour.AgentsWithShrinkage
				if at, _ := time.Parse("2006-01-02T15:04", r.IntervalStart); at.Sub(tc.change) == time.Hour || at.Sub(tc.change) == 90*time.Minute {
					want = perSlot * tc.slot
					if tc.slot == 0 {
						agents = 0
					}
				}
				if math.Abs(r.Forecast-want) > 1e-6 || r.AgentsWithShrinkage == nil || *r.AgentsWithShrinkage != agents {
					t.Errorf("%s: forecast %v, %s agents with shrinkage; want %v and %d", r.IntervalStart, r.Forecast, show(r.AgentsWithShrinkage), want, agents)
				}
			}
			for _, d := range rep.Days {
				hours := 24.0
				if d.Date == tc.change.Format(time.DateOnly) {
					hours = tc.hours
				}
				if want := float64(perHalfHour.AgentsWithShrinkage) * hours; math.Abs(d.AgentHoursWithShrinkage-want) > 1e-9 {
					t.Errorf("%s: %v agent-hours with shrinkage, want %v", d.Date, d.AgentHoursWithShrinkage, want)
				}
			}
		})
	}
}

// TestRunWarnsOfADistantStart: a --start more than 28 days after the last
// day of history is warned of (the forecast carries on a level of months
// ago) and still made; 28 days is not.
func TestRunWarnsOfADistantStart(t *testing.T) {
	path := countsCSV(t, t.TempDir(), "history.csv", newSynthetic().series(42)) // last day with rows: Saturday 2026-02-14
	for _, tc := range []struct {
		start time.Time
		warn  string
	}{
		{time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC), ""},
		{time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC), "forecast: warning: --start 2026-03-15 is 29 days after the last day of history (2026-02-14)"},
		{time.Date(2026, 9, 14, 0, 0, 0, 0, time.UTC), "forecast: warning: --start 2026-09-14 is 212 days after the last day of history (2026-02-14)"},
	} {
		var out, progress bytes.Buffer
		c := csvConfig(path, FormatCSV, &out)
		c.Start, c.Progress = tc.start, &progress
		if err := Run(context.Background(), c); err != nil {
			t.Fatal(err)
		}
		if tc.warn == "" && strings.Contains(progress.String(), "warning") || !strings.Contains(progress.String(), tc.warn) {
			t.Errorf("--start %s: stderr\n%s\nwant warning %q", tc.start.Format(time.DateOnly), progress.String(), tc.warn)
		}
		if rows := strings.Count(out.String(), "\n"); rows != 1+7*48 {
			t.Errorf("--start %s: %d lines of forecast, want a header and 7 days of 48 intervals", tc.start.Format(time.DateOnly), rows)
		}
	}
}
