package forecast

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/fielderr"
	"github.com/parley-cx/parley/internal/suggest"
	"github.com/parley-cx/parley/internal/warehouse"
	sqlfiles "github.com/parley-cx/parley/sql"
	"github.com/parley-cx/parley/staffing"
)

// Output formats.
const (
	FormatTable = "table"
	FormatCSV   = "csv"
	FormatJSON  = "json"
	FormatHTML  = "html"
)

// ErrRoutedInAHT is returned for --routed-in with --aht auto: the
// warehouse's handle time is per conversation, not per queue it passes through.
var ErrRoutedInAHT = errors.New("--aht auto: with --routed-in a conversation's work is shared by the queues it passes through, and the warehouse's handle time (conversations.agent_handle_s) is per conversation, not per queue")

// ErrTimeZone is returned when a --db forecast is asked for a time zone
// other than the one its warehouse was built in.
var ErrTimeZone = errors.New("not the time zone the warehouse was built in")

// Config is one `parley forecast` run. Exactly one of DB and CSV is set.
type Config struct {
	// DB is the warehouse file to count arrivals in.
	DB string
	// CSV is a file of arrival history from any system.
	CSV *CSVSource
	// Location interprets zoned timestamps of CSV input; warehouse input is already local.
	Location *time.Location
	// LocationGiven says Location was asked for (--timezone), not defaulted
	// from Settings: a --db forecast, whose local times the build computed,
	// refuses one other than the warehouse's (ErrTimeZone) rather than
	// forecast in a zone it was not asked for.
	LocationGiven bool
	Filter        Filter
	// ByQueue and ByChannel split a --db forecast into one per queue, per
	// channel, or (both) per queue and channel pair (`--by`).
	ByQueue, ByChannel bool
	// RoutedIn also counts a conversation as an arrival of each queue a
	// routing event moves it into after it arrived, at that event's time
	// (`--routed-in`, sql/forecast/04_routed_in.sql), so that queues reached
	// only by transfer or escalation (tier 2s) are forecast and staffed.
	RoutedIn bool
	Interval time.Duration
	// HorizonDays is how many days to forecast.
	HorizonDays int
	// HistoryDays is how many of the most recent days the model learns from.
	HistoryDays int
	// BaselineWeeks is K of the weekly-mean baseline.
	BaselineWeeks int
	// BacktestWeeks, when > 0, scores the model and baselines on the last
	// weeks instead of forecasting the future: held out at once, or with
	// Rolling re-forecast week by week.
	BacktestWeeks int
	Rolling       bool
	// Start is the first day to forecast (a wall-clock date in UTC fields);
	// zero means the day after the history. The model learns from the days
	// before it.
	Start time.Time
	// Holidays are known holiday dates (--holidays); Settings adds its own.
	Holidays []time.Time
	// Settings is parley.yaml: known holidays, and the sla and staffing
	// targets of each queue and channel. Nil means none.
	Settings *config.Config
	// SettingsFile is the file Settings were read from (--config), "" for
	// settings of no file (the defaults). A --db forecast counts arrivals in
	// the time zone the warehouse was built in; the file's, when another, is
	// warned of (Progress), naming the file.
	SettingsFile string
	// Staffing, when set, adds the agents each forecast interval needs.
	Staffing *Staffing
	// HoursPerFTE is the weekly paid hours of one full-time agent, for the
	// FTE figures of a staffed forecast.
	HoursPerFTE float64
	Format      string
	Out         io.Writer
	// Daily, when set, receives the staffed forecast's daily table as CSV.
	Daily io.Writer
	// Progress receives one-line progress notes (stderr in the CLI); nil discards them.
	Progress io.Writer
}

// Staffing is the staffing target of a forecast: the flags' values, which
// parley.yaml's staffing section and sla refine per queue and channel.
// Volume and Interval of the staffing.Input come from each forecast interval.
type Staffing struct {
	staffing.Input
	// AutoAHT derives the handle time from the warehouse (ReadHandleTime)
	// instead of Input.AHT. Either way it is agent working time, which
	// concurrency turns into slot time (docs/forecasting.md).
	AutoAHT bool
	// Explicit marks the settings given on the command line: they override
	// parley.yaml for every queue and channel.
	Explicit Explicit
}

// Explicit marks the staffing flags given on the command line.
type Explicit struct {
	AHT, Target, Concurrency, Shrinkage, MaxOccupancy, Patience bool
}

// Validate checks the configuration without changing it and returns every problem, each naming its flag.
func (c Config) Validate() error {
	// The fields are named as the flags of parley forecast, which this Config mirrors.
	var errs []error
	bad := func(field, format string, args ...any) { errs = append(errs, fielderr.New(field, format, args...)) }
	switch {
	case c.DB == "" && c.CSV == nil:
		bad("--db or --arrivals", "one is required")
	case c.DB != "" && c.CSV != nil:
		bad("--db and --arrivals", "give only one")
	}
	if c.CSV != nil && c.CSV.TimeCol == "" {
		bad("--time-col", "required with --arrivals")
	}
	if c.CSV != nil && (c.Filter.Queue != "" || c.Filter.Channel != "") {
		bad("--queue/--channel", "only apply to --db (filter the arrivals file beforehand)")
	}
	if c.CSV != nil && (c.ByQueue || c.ByChannel) {
		bad("--by", "only applies to --db (an arrivals file has no queues or channels)")
	}
	switch {
	case c.RoutedIn && c.CSV != nil:
		bad("--routed-in", "only applies to --db (an arrivals file has no routing)")
	case c.RoutedIn && !c.ByQueue && c.Filter.Queue == "":
		// Summed over queues, a conversation routed twice would count three times.
		bad("--routed-in", "counts a conversation in every queue it enters, so it needs --by queue or --queue")
	}
	if err := validStep(c.Interval); err != nil {
		bad("--interval", "%w", err)
	}
	if c.HorizonDays < 1 {
		bad("--horizon", "must be at least 1 day, got %d days", c.HorizonDays)
	}
	if c.HistoryDays < 7 {
		bad("--history", "must be at least 1 week, got %d days", c.HistoryDays)
	}
	if c.BaselineWeeks < 1 {
		bad("--baseline-weeks", "must be >= 1, got %d", c.BaselineWeeks)
	}
	if c.BacktestWeeks < 0 {
		bad("--backtest", "must be >= 0 weeks, got %d", c.BacktestWeeks)
	}
	if c.Rolling && c.BacktestWeeks == 0 {
		bad("--rolling", "give --backtest W, the number of weeks to re-forecast")
	}
	if c.BacktestWeeks > 0 && (c.ByQueue || c.ByChannel) {
		bad("--by", "a backtest scores one series; use --queue/--channel instead")
	}
	if c.BacktestWeeks > 0 && !c.Start.IsZero() {
		bad("--start", "a backtest's origins are its held-out weeks; drop --start or --backtest")
	}
	switch c.Format {
	case FormatTable, FormatCSV, FormatJSON, FormatHTML:
	default:
		bad("--format", "want table, csv, json or html, got %q", c.Format)
	}
	if s := c.Staffing; s != nil {
		if s.AutoAHT && c.DB == "" {
			bad("--aht auto", "needs --db (the handle time comes from the warehouse)")
		}
		in := s.Input
		in.Volume, in.Interval = 0, c.Interval
		if s.AutoAHT {
			in.AHT = time.Second // checked once read
		}
		if err := in.Validate(); err != nil {
			bad("staffing", "%w", err)
		}
		if !(c.HoursPerFTE > 0 && c.HoursPerFTE <= 168) {
			bad("--hours-per-fte", "must be in (0, 168] hours a week, got %g", c.HoursPerFTE)
		}
	}
	if c.Staffing != nil && c.BacktestWeeks > 0 {
		bad("--staffing", "a backtest scores arrivals only; drop --staffing or --backtest")
	}
	if c.Daily != nil && c.Staffing == nil {
		bad("--daily", "the daily table is of a staffed forecast; add --staffing")
	}
	if c.Out == nil {
		bad("output", "no writer")
	}
	return errors.Join(errs...)
}

// Row is one forecast interval as written out. The JSON keys (and the CSV
// columns of the same names) are a public contract.
type Row struct {
	Start         time.Time `json:"-"`
	Queue         string    `json:"queue,omitempty"`
	Channel       string    `json:"channel,omitempty"`
	TimeZone      string    `json:"time_zone,omitempty"`
	IntervalStart string    `json:"interval_start"` // wall clock, YYYY-MM-DDTHH:MM
	Forecast      float64   `json:"forecast"`
	Lower80       float64   `json:"lower_80"`
	Upper80       float64   `json:"upper_80"`
	SeasonalNaive float64   `json:"seasonal_naive"`
	WeeklyMean    float64   `json:"weekly_mean"`
	// The staffing columns are set only with --staffing; the performance
	// ones (service level to abandon rate) only where the interval is open.
	AHTS                *float64 `json:"aht_s,omitempty"`
	Concurrency         *int     `json:"concurrency,omitempty"`
	SlotTimeS           *float64 `json:"slot_time_s,omitempty"`
	TrafficErlangs      *float64 `json:"traffic_erlangs,omitempty"`
	Agents              *int     `json:"agents,omitempty"`
	AgentsWithShrinkage *int     `json:"agents_with_shrinkage,omitempty"`
	ServiceLevel        *float64 `json:"service_level,omitempty"`
	ASAS                *float64 `json:"asa_s,omitempty"`
	Occupancy           *float64 `json:"occupancy,omitempty"`
	// AbandonRate is Erlang A's share of contacts that abandon; set only with a patience.
	AbandonRate *float64 `json:"abandon_rate,omitempty"`

	length time.Duration // how long the interval really lasts (Point.Length)
}

// DayRow is one day of one queue or channel of a staffed forecast.
type DayRow struct {
	Queue    string  `json:"queue,omitempty"`
	Channel  string  `json:"channel,omitempty"`
	Date     string  `json:"date"`
	Forecast float64 `json:"forecast"`
	// AgentHours is Σ agents × interval length; WithShrinkage the same for
	// agents_with_shrinkage, the hours to schedule.
	AgentHours              float64 `json:"agent_hours"`
	AgentHoursWithShrinkage float64 `json:"agent_hours_with_shrinkage"`
	// FTE is the full-time agents whose paid hours match the scheduled
	// hours: agent_hours_with_shrinkage × 7 ÷ hours_per_fte for a day.
	FTE                     float64 `json:"fte"`
	PeakAgentsWithShrinkage int     `json:"peak_agents_with_shrinkage"`
}

// GroupReport describes one queue, channel or pair of a forecast.
type GroupReport struct {
	Queue           string  `json:"queue,omitempty"`
	Channel         string  `json:"channel,omitempty"`
	HistoryArrivals float64 `json:"history_arrivals"`
	Model           Spec    `json:"model"`
	// The staffing settings used, with where each came from.
	AHTS         *float64 `json:"aht_s,omitempty"`
	AHTSource    string   `json:"aht_source,omitempty"`
	Concurrency  int      `json:"concurrency,omitempty"`
	SlotTimeS    *float64 `json:"slot_time_s,omitempty"`
	Target       string   `json:"target,omitempty"`
	TargetSource string   `json:"target_source,omitempty"`
	// Totals over the horizon (FTE: hours_per_fte a week over the horizon's days).
	AgentHours              *float64 `json:"agent_hours,omitempty"`
	AgentHoursWithShrinkage *float64 `json:"agent_hours_with_shrinkage,omitempty"`
	FTE                     *float64 `json:"fte,omitempty"`

	history Series
	rows    []Row
}

// Report is everything one run produced.
type Report struct {
	Source          string  `json:"source"`
	Queue           string  `json:"queue,omitempty"`
	Channel         string  `json:"channel,omitempty"`
	TimeZone        string  `json:"time_zone"`
	Interval        string  `json:"interval"`
	HistoryFrom     string  `json:"history_from"`
	HistoryTo       string  `json:"history_to"`
	HistoryArrivals float64 `json:"history_arrivals"`
	// RoutedIn: arrivals include conversations routed into each queue (--routed-in).
	RoutedIn    bool     `json:"routed_in,omitempty"`
	AHTS        *float64 `json:"aht_s,omitempty"`
	AHTSource   string   `json:"aht_source,omitempty"`
	SlotTimeS   *float64 `json:"slot_time_s,omitempty"`
	HoursPerFTE *float64 `json:"hours_per_fte,omitempty"`
	// Groups has one entry per queue/channel forecast (one without --by).
	Groups   []GroupReport `json:"groups,omitempty"`
	Rows     []Row         `json:"intervals,omitempty"`
	Days     []DayRow      `json:"days,omitempty"`
	Backtest *Backtest     `json:"backtest,omitempty"`
	Rolling  *Rolling      `json:"rolling,omitempty"`
	// History is the series the model learned from (shown by the HTML chart
	// of a single forecast or backtest).
	History Series `json:"-"`
	// Target describes the staffing target for headers, e.g. "80% in 20s".
	Target string `json:"-"`
	// grouped is whether the run had --by (rows carry queue and channel).
	grouped bool
}

// Run reads the arrival history, then either forecasts the coming days
// (with staffing when asked) or backtests, and writes the result in the chosen format.
func Run(ctx context.Context, c Config) error {
	if err := c.Validate(); err != nil {
		return fmt.Errorf("forecast: %w", err)
	}
	progress := c.Progress
	if progress == nil {
		progress = io.Discard
	}
	rep := &Report{Interval: FormatStep(c.Interval), RoutedIn: c.RoutedIn, grouped: c.ByQueue || c.ByChannel}
	var (
		groups []Group
		db     *warehouse.DB
		loc    = c.Location // the wall clock the arrivals are counted on
		err    error
	)
	if c.CSV != nil {
		rep.Source, rep.TimeZone = c.CSV.Path, c.Location.String()
		s, skipped, err := ReadCSV(*c.CSV, c.Interval, c.Location)
		if err != nil {
			return err
		}
		if skipped > 0 {
			fmt.Fprintf(progress, "forecast: skipped %d rows with an empty %s\n", skipped, c.CSV.TimeCol)
		}
		groups = []Group{{Series: s}}
	} else {
		rep.Source, rep.Queue, rep.Channel = c.DB, c.Filter.Queue, c.Filter.Channel
		db, err = warehouse.Open(c.DB, true)
		if err != nil {
			return fmt.Errorf("forecast: %w", err)
		}
		defer db.Close()
		if err := db.QueryRowContext(ctx, sqlfiles.File("forecast/05_timezone.sql")).Scan(&rep.TimeZone); err != nil {
			return fmt.Errorf("forecast: read warehouse time zone: %w", err)
		}
		if c.LocationGiven && c.Location.String() != rep.TimeZone {
			return fmt.Errorf("forecast: %w", fielderr.New("--timezone", "%s: %w (%s): a --db forecast counts arrivals at the local times the build computed; to forecast in %s, rebuild the warehouse with timezone: %s in parley.yaml (parley build --config), or drop --timezone", c.Location, ErrTimeZone, rep.TimeZone, c.Location, c.Location))
		}
		if loc, err = time.LoadLocation(rep.TimeZone); err != nil {
			return fmt.Errorf("forecast: the warehouse's time zone: %w", err)
		}
		if err := warnTimeZone(progress, c, rep.TimeZone); err != nil {
			return fmt.Errorf("forecast: %w", err)
		}
		// A --queue or --channel no conversation arrived in would forecast nothing: refuse
		// it, naming those that exist, as report and qa sample do.
		queues := "arrival_queue"
		if c.RoutedIn {
			queues = "routed_queue"
		}
		if err := db.CheckFilters(ctx,
			warehouse.Filter{Flag: "queue", Dimension: queues, Value: c.Filter.Queue},
			warehouse.Filter{Flag: "channel", Dimension: "arrival_channel", Value: c.Filter.Channel}); err != nil {
			return fmt.Errorf("forecast: %w", err)
		}
		if groups, err = ReadWarehouseGroups(ctx, db.DB, c.Interval, c.Filter, c.ByQueue, c.ByChannel, c.RoutedIn); err != nil {
			return err
		}
		if c.Staffing != nil && c.ByQueue && c.Settings != nil {
			var series []string
			for _, g := range groups {
				series = append(series, g.Queue)
			}
			for _, q := range unstaffedQueues(c.Settings.Staffing.Queues, groups) {
				fmt.Fprintf(progress, "forecast: warning: staffing.queues.%s applies to no series: no conversation arrives in %s (arrivals count in the queue of their first customer message, not one they are transferred to; --routed-in counts those too)%s\n", q, q, suggest.Hint(q, series))
			}
		}
	}
	span := groups[0].Series
	if err := ctx.Err(); err != nil {
		return err
	}

	if c.BacktestWeeks > 0 {
		fmt.Fprintf(progress, "forecast: %d series over %d days, %s\n", len(groups), len(span.Days), span.describeDays())
		s, opt := groups[0].Series, Options{Holidays: c.holidays(groups[0].Queue), Location: loc}
		if c.Rolling {
			r, err := RunRolling(ctx, s, c.BacktestWeeks, c.HorizonDays, c.HistoryDays, opt)
			if err != nil {
				return err
			}
			rep.Rolling = r
			rep.HistoryFrom, rep.HistoryTo = s.First.Format(time.DateOnly), s.Date(len(s.Days)-1).Format(time.DateOnly)
			rep.HistoryArrivals = s.Total()
			return write(c, rep)
		}
		bt, err := RunBacktest(s, c.BacktestWeeks, c.HistoryDays, c.BaselineWeeks, opt)
		if err != nil {
			return err
		}
		rep.Backtest, rep.History = bt, bt.TrainHistory
		rep.HistoryFrom, rep.HistoryTo = bt.TrainFrom, bt.TrainHistory.Date(len(bt.TrainHistory.Days)-1).Format(time.DateOnly)
		rep.HistoryArrivals = bt.TrainHistory.Total()
		return write(c, rep)
	}

	start := c.Start
	if start.IsZero() {
		start = span.Date(len(span.Days))
	}
	// Every group spans the same days, so this is every group's history.
	used := span.history(start, c.HistoryDays)
	fmt.Fprintf(progress, "forecast: %d series, history of %d days, %s, forecast from %s\n", len(groups), len(used.Days), used.describeDays(), start.Format(time.DateOnly))
	if last := span.Date(len(span.Days) - 1); start.Sub(last) > staleStartDays*24*time.Hour {
		fmt.Fprintf(progress, "forecast: warning: --start %s is %d days after the last day of history (%s): the forecast carries on the level and weekly pattern of back then, whatever changed since\n",
			start.Format(time.DateOnly), int(start.Sub(last).Hours()/24), last.Format(time.DateOnly))
	}
	for _, g := range groups {
		if err := ctx.Err(); err != nil {
			return err
		}
		hist := g.Series.history(start, c.HistoryDays)
		gr := GroupReport{Queue: g.Queue, Channel: g.Channel, HistoryArrivals: hist.Total(), history: hist}
		m, err := Fit(hist, Options{Holidays: c.holidays(g.Queue), Location: loc})
		if err != nil {
			if rep.grouped && hist.Total() == 0 && len(hist.Days) >= 7 {
				// A queue or channel without arrivals in the history window has nothing to forecast.
				fmt.Fprintf(progress, "forecast: WARNING: %s has no arrivals from %s to %s; left out\n", g.describeGroup(), hist.First.Format(time.DateOnly), hist.Date(len(hist.Days)-1).Format(time.DateOnly))
				continue
			}
			return fmt.Errorf("forecast%s: history before %s: %w", g.describe(), start.Format(time.DateOnly), err)
		}
		gr.Model = m.Spec()
		for _, p := range m.PredictFrom(start, c.HorizonDays, c.BaselineWeeks) {
			r := Row{
				Start: p.Start, IntervalStart: p.Start.Format("2006-01-02T15:04"),
				Forecast: p.Forecast, Lower80: p.Lower, Upper80: p.Upper,
				SeasonalNaive: p.SeasonalNaive, WeeklyMean: p.WeeklyMean, length: p.Length,
			}
			if rep.grouped || c.Staffing != nil {
				r.Queue, r.Channel, r.TimeZone = g.Queue, g.Channel, rep.TimeZone
			}
			gr.rows = append(gr.rows, r)
		}
		if c.Staffing != nil {
			if err := addStaffing(ctx, c, db, g, &gr, progress); err != nil {
				return err
			}
		}
		rep.Groups = append(rep.Groups, gr)
	}
	if len(rep.Groups) == 0 {
		return fmt.Errorf("forecast: no queue or channel has arrivals in the %d days before %s", c.HistoryDays, start.Format(time.DateOnly))
	}
	for _, gr := range rep.Groups {
		rep.Rows = append(rep.Rows, gr.rows...)
		rep.HistoryArrivals += gr.HistoryArrivals
	}
	hist := rep.Groups[0].history
	rep.History = hist
	rep.HistoryFrom, rep.HistoryTo = hist.First.Format(time.DateOnly), hist.Date(len(hist.Days)-1).Format(time.DateOnly)
	if c.Staffing != nil {
		rep.HoursPerFTE = &c.HoursPerFTE
		rep.Days = dailyRows(rep, c)
		if g := rep.Groups[0]; len(rep.Groups) == 1 {
			rep.AHTS, rep.AHTSource, rep.SlotTimeS, rep.Target = g.AHTS, g.AHTSource, g.SlotTimeS, g.Target
		}
	}
	return write(c, rep)
}

// staleStartDays is how many days after the last day of history --start may
// be before a forecast is warned of: four weeks, the level window the
// model starts from, and longer than any re-forecasting cycle. Beyond it the
// level and profiles describe a past the forecast no longer starts from.
const staleStartDays = 28

// warnTimeZone warns (progress) when the time zone of c's settings file is not tz, the
// one the warehouse was built in: its local times, and so the arrivals of
// each interval, were computed by the build, and the forecast counts them as
// they are (rebuild the warehouse to count them in the file's time zone).
func warnTimeZone(progress io.Writer, c Config, tz string) error {
	if c.Settings == nil || c.SettingsFile == "" {
		return nil
	}
	changes, err := c.Settings.BuildChanges(tz, "", "timezone")
	for _, ch := range changes {
		fmt.Fprintf(progress, "forecast: warning: %s differs from the settings the warehouse was built with; forecasting in the warehouse's time zone, %s: local times are computed at build time (rebuild to apply): %s\n", c.SettingsFile, tz, ch)
	}
	return err
}

// holidays are the known holidays of a forecast of queue ("" for all):
// --holidays and parley.yaml's.
func (c Config) holidays(queue string) []time.Time {
	out := slices.Clone(c.Holidays)
	if c.Settings != nil {
		out = append(out, c.Settings.HolidayDates(queue)...)
	}
	return out
}

func (g Group) describeGroup() string {
	if d := g.describe(); d != "" {
		return strings.TrimSpace(d)
	}
	return "the forecast"
}

// groupInput resolves the staffing settings of group g: a flag given on the
// command line, else staffing.queues.<queue>, else staffing.channels.<its
// channel>, else (target only) sla.<its channel>, else the flag's default.
// It reports where the handle time and the target came from.
func (c Config) groupInput(g Group) (in staffing.Input, auto bool, ahtSource, targetSource string) {
	s := c.Staffing
	in, auto, ahtSource, targetSource = s.Input, s.AutoAHT, "--aht", "--target"
	if c.Settings == nil {
		return in, auto, ahtSource, targetSource
	}
	channel := g.Channel
	if channel == "" {
		channel = g.MainChannel
	}
	if sla, ok := c.Settings.SLA[channel]; ok && channel != "" && !s.Explicit.Target {
		in.TargetLevel, in.TargetTime, targetSource = sla.Goal, time.Duration(sla.FirstResponse), "sla."+channel
	}
	type layer struct {
		name string
		set  config.StaffingGroup
	}
	var layers []layer // least specific first, so that the more specific overwrite
	if ch, ok := c.Settings.Staffing.Channels[channel]; ok && channel != "" {
		layers = append(layers, layer{"staffing.channels." + channel, ch})
	}
	if q, ok := c.Settings.Staffing.Queues[g.Queue]; ok && g.Queue != "" {
		layers = append(layers, layer{"staffing.queues." + g.Queue, q})
	}
	for _, l := range layers {
		if l.set.AHT > 0 && !s.Explicit.AHT {
			in.AHT, auto, ahtSource = time.Duration(l.set.AHT), false, l.name+".aht"
		}
		if l.set.Concurrency > 0 && !s.Explicit.Concurrency {
			in.Concurrency = l.set.Concurrency
		}
		if l.set.Target != nil && !s.Explicit.Target {
			in.TargetLevel, in.TargetTime, targetSource = l.set.Target.Goal, time.Duration(l.set.Target.FirstResponse), l.name+".target"
		}
		if l.set.Shrinkage != nil && !s.Explicit.Shrinkage {
			in.Shrinkage = *l.set.Shrinkage
		}
		if l.set.MaxOccupancy != nil && !s.Explicit.MaxOccupancy {
			in.MaxOccupancy = *l.set.MaxOccupancy
		}
		if l.set.Patience > 0 && !s.Explicit.Patience {
			in.Patience = time.Duration(l.set.Patience)
		}
	}
	return in, auto, ahtSource, targetSource
}

func addStaffing(ctx context.Context, c Config, db *warehouse.DB, g Group, gr *GroupReport, progress io.Writer) error {
	in, auto, ahtSource, targetSource := c.groupInput(g)
	in.Interval = c.Interval
	gr.AHTSource = ahtSource
	if auto && c.RoutedIn {
		return fmt.Errorf("forecast%s: %w: give --aht, or staffing.queues.%s.aht in parley.yaml, the working time per conversation in the queue", g.describe(), ErrRoutedInAHT, g.Queue)
	}
	if auto {
		h, err := ReadHandleTime(ctx, db.DB, gr.history.First, gr.history.Date(len(gr.history.Days)), g.Filter)
		if err != nil {
			return err
		}
		in.AHT = h.AHT
		gr.AHTSource = h.Source
		fmt.Fprintf(progress, "forecast: %s: handle time %.0fs of agent work from %s over %d conversations, %d with agent work\n", g.describeGroup(), h.AHT.Seconds(), h.Source, h.Conversations, h.WithAgentWork)
	}
	if err := in.Validate(); err != nil {
		return fmt.Errorf("forecast: staffing%s (target from %s): %w", g.describe(), targetSource, err)
	}
	aht, slot := in.AHT.Seconds(), in.SlotTime().Seconds()
	gr.AHTS, gr.SlotTimeS, gr.Concurrency = &aht, &slot, in.Concurrency
	gr.Target, gr.TargetSource = fmt.Sprintf("%g%% in %s", in.TargetLevel*100, FormatStep(in.TargetTime)), targetSource
	var hours, shrunk float64
	for i := range gr.rows {
		r := &gr.rows[i]
		// Staff each interval for as long as it really lasts: the hour the
		// clock repeats in autumn holds two hours' arrivals and work. The
		// hour it skips in spring has no arrivals (volume 0: no agents) and
		// lasts 0, which the calculator refuses, so it is staffed as any
		// quiet interval.
		in.Volume, in.Interval = r.Forecast, r.length
		if r.length == 0 {
			in.Interval = c.Interval
		}
		res, err := staffing.Required(in)
		if err != nil {
			return fmt.Errorf("forecast: staff%s %s: %w", g.describe(), r.IntervalStart, err)
		}
		r.AHTS, r.SlotTimeS, r.Concurrency = &aht, &slot, &gr.Concurrency
		traffic := res.TrafficErlangs
		r.TrafficErlangs, r.Agents, r.AgentsWithShrinkage = &traffic, &res.Agents, &res.AgentsWithShrinkage
		if res.Agents > 0 { // a closed interval has no service level to speak of
			r.ServiceLevel, r.ASAS, r.Occupancy, r.AbandonRate = &res.ServiceLevel, &res.ASAS, &res.Occupancy, res.ProbAbandon
		}
		hours += float64(res.Agents) * r.length.Hours()
		shrunk += float64(res.AgentsWithShrinkage) * r.length.Hours()
	}
	fte := shrunk * 7 / (c.HoursPerFTE * float64(c.HorizonDays))
	gr.AgentHours, gr.AgentHoursWithShrinkage, gr.FTE = &hours, &shrunk, &fte
	return nil
}

// dailyRows sums each group's staffed intervals per day.
func dailyRows(rep *Report, c Config) []DayRow {
	var out []DayRow
	for _, g := range rep.Groups {
		per := len(g.rows) / c.HorizonDays
		for d := range c.HorizonDays {
			day := DayRow{Queue: g.Queue, Channel: g.Channel, Date: g.rows[d*per].Start.Format(time.DateOnly)}
			for _, r := range g.rows[d*per : (d+1)*per] {
				day.Forecast += r.Forecast
				day.AgentHours += float64(*r.Agents) * r.length.Hours()
				day.AgentHoursWithShrinkage += float64(*r.AgentsWithShrinkage) * r.length.Hours()
				day.PeakAgentsWithShrinkage = max(day.PeakAgentsWithShrinkage, *r.AgentsWithShrinkage)
			}
			day.FTE = day.AgentHoursWithShrinkage * 7 / c.HoursPerFTE
			out = append(out, day)
		}
	}
	return out
}

// unstaffedQueues are the queues staffing.queues configures that no group
// is (sorted): their settings staff nothing, which a queue conversations
// are only transferred to (a tier 2) would otherwise leave unnoticed.
func unstaffedQueues(configured map[string]config.StaffingGroup, groups []Group) []string {
	var out []string
	for _, q := range slices.Sorted(maps.Keys(configured)) {
		if !slices.ContainsFunc(groups, func(g Group) bool { return g.Queue == q }) {
			out = append(out, q)
		}
	}
	return out
}
