package forecast

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/parley-cx/parley/internal/warehouse"
	parleysql "github.com/parley-cx/parley/sql"
	"github.com/parley-cx/parley/staffing"
)

// Output formats.
const (
	FormatTable = "table"
	FormatCSV   = "csv"
	FormatJSON  = "json"
	FormatHTML  = "html"
)

// Config is one `parley forecast` run. Exactly one of DB and CSV is set.
type Config struct {
	// DB is the warehouse file to count arrivals in.
	DB string
	// CSV is a file of arrival history from any system.
	CSV *CSVSource
	// Location interprets zoned timestamps of CSV input; warehouse input is already local.
	Location *time.Location
	Filter   Filter
	Interval time.Duration
	// HorizonDays is how many days after the history to forecast.
	HorizonDays int
	// HistoryDays is how many of the most recent days the model learns from.
	HistoryDays int
	// BaselineWeeks is K of the weekly-mean baseline.
	BaselineWeeks int
	// BacktestWeeks, when > 0, holds out that many final weeks and scores
	// the model and baselines on them instead of forecasting the future.
	BacktestWeeks int
	// Holidays are known holiday dates (parley.yaml and --holidays).
	Holidays []time.Time
	// Staffing, when set, adds the agents each forecast interval needs.
	Staffing *Staffing
	Format   string
	Out      io.Writer
	// Progress receives one-line progress notes (stderr in the CLI); nil discards them.
	Progress io.Writer
}

// Staffing is the per-interval staffing target of a forecast. Volume and
// Interval of the staffing.Input come from each forecast interval.
type Staffing struct {
	staffing.Input
	// AutoAHT derives the handle time from the warehouse (ReadHandleTime)
	// instead of Input.AHT. The warehouse figure is agent working time; with
	// Concurrency C it is multiplied by C to give the time a conversation
	// holds one of the agent's C slots (docs/forecasting.md).
	AutoAHT bool
}

// Validate checks the configuration without changing it and returns every problem, each naming its flag.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	switch {
	case c.DB == "" && c.CSV == nil:
		bad("--db or --arrivals: one is required")
	case c.DB != "" && c.CSV != nil:
		bad("--db and --arrivals: give only one")
	}
	if c.CSV != nil && c.CSV.TimeCol == "" {
		bad("--time-col: required with --arrivals")
	}
	if c.CSV != nil && (c.Filter.Queue != "" || c.Filter.Channel != "") {
		bad("--queue/--channel: only apply to --db (filter the arrivals file beforehand)")
	}
	if err := validStep(c.Interval); err != nil {
		bad("--%w", err)
	}
	if c.HorizonDays < 1 {
		bad("--horizon: must be at least 1 day, got %d days", c.HorizonDays)
	}
	if c.HistoryDays < 7 {
		bad("--history: must be at least 1 week, got %d days", c.HistoryDays)
	}
	if c.BaselineWeeks < 1 {
		bad("--baseline-weeks: must be >= 1, got %d", c.BaselineWeeks)
	}
	if c.BacktestWeeks < 0 {
		bad("--backtest: must be >= 0 weeks, got %d", c.BacktestWeeks)
	}
	switch c.Format {
	case FormatTable, FormatCSV, FormatJSON, FormatHTML:
	default:
		bad("--format: want table, csv, json or html, got %q", c.Format)
	}
	if s := c.Staffing; s != nil {
		if s.AutoAHT && c.DB == "" {
			bad("--aht auto: needs --db (the handle time comes from the warehouse)")
		}
		in := s.Input
		in.Volume, in.Interval = 0, c.Interval
		if s.AutoAHT {
			in.AHT = time.Second // checked once read
		}
		if err := in.Validate(); err != nil {
			bad("staffing: %w", err)
		}
	}
	if c.Staffing != nil && c.BacktestWeeks > 0 {
		bad("--staffing: a backtest scores arrivals only; drop --staffing or --backtest")
	}
	if c.Out == nil {
		bad("output: no writer")
	}
	return errors.Join(errs...)
}

// Row is one forecast interval as written out. The JSON keys are a public contract.
type Row struct {
	Start         time.Time `json:"-"`
	IntervalStart string    `json:"interval_start"` // wall clock, YYYY-MM-DDTHH:MM
	Forecast      float64   `json:"forecast"`
	Lower80       float64   `json:"lower_80"`
	Upper80       float64   `json:"upper_80"`
	SeasonalNaive float64   `json:"seasonal_naive"`
	WeeklyMean    float64   `json:"weekly_mean"`
	// The staffing columns are set only with --staffing.
	Agents              *int     `json:"agents,omitempty"`
	AgentsWithShrinkage *int     `json:"agents_with_shrinkage,omitempty"`
	ServiceLevel        *float64 `json:"service_level,omitempty"`
}

// Report is everything one run produced.
type Report struct {
	Source          string    `json:"source"`
	Queue           string    `json:"queue,omitempty"`
	Channel         string    `json:"channel,omitempty"`
	TimeZone        string    `json:"time_zone"`
	Interval        string    `json:"interval"`
	HistoryFrom     string    `json:"history_from"`
	HistoryTo       string    `json:"history_to"`
	HistoryArrivals float64   `json:"history_arrivals"`
	AHTS            *float64  `json:"aht_s,omitempty"`
	AHTSource       string    `json:"aht_source,omitempty"`
	Rows            []Row     `json:"intervals,omitempty"`
	Backtest        *Backtest `json:"backtest,omitempty"`
	// History is the series the model learned from (shown by the HTML chart).
	History Series `json:"-"`
	// Target describes the staffing target for headers, e.g. "80% in 20s".
	Target string `json:"-"`
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
	rep := &Report{Interval: formatStep(c.Interval)}
	var (
		s   Series
		db  *warehouse.DB
		err error
	)
	if c.CSV != nil {
		rep.Source, rep.TimeZone = c.CSV.Path, c.Location.String()
		var skipped int
		s, skipped, err = ReadCSV(*c.CSV, c.Interval, c.Location)
		if err != nil {
			return err
		}
		if skipped > 0 {
			fmt.Fprintf(progress, "forecast: skipped %d rows with an empty %s\n", skipped, c.CSV.TimeCol)
		}
	} else {
		rep.Source, rep.Queue, rep.Channel = c.DB, c.Filter.Queue, c.Filter.Channel
		db, err = warehouse.Open(c.DB, true)
		if err != nil {
			return fmt.Errorf("forecast: %w", err)
		}
		defer db.Close()
		if err := db.QueryRowContext(ctx, parleysql.File("forecast/05_timezone.sql")).Scan(&rep.TimeZone); err != nil {
			return fmt.Errorf("forecast: read warehouse time zone: %w", err)
		}
		if s, err = ReadWarehouse(ctx, db.DB, c.Interval, c.Filter); err != nil {
			return err
		}
	}
	fmt.Fprintf(progress, "forecast: %.0f arrivals over %d days, %s to %s\n", s.Total(), len(s.Days), s.First.Format(time.DateOnly), s.Date(len(s.Days)-1).Format(time.DateOnly))
	if err := ctx.Err(); err != nil {
		return err
	}

	if c.BacktestWeeks > 0 {
		bt, err := RunBacktest(s, c.BacktestWeeks, c.HistoryDays, c.BaselineWeeks, Options{Holidays: c.Holidays})
		if err != nil {
			return err
		}
		rep.Backtest, rep.History = bt, bt.TrainHistory
		rep.HistoryFrom, rep.HistoryTo = bt.TrainFrom, bt.TrainHistory.Date(len(bt.TrainHistory.Days)-1).Format(time.DateOnly)
		rep.HistoryArrivals = bt.TrainHistory.Total()
		return write(c, rep)
	}

	hist := s.Slice(max(0, len(s.Days)-c.HistoryDays), len(s.Days))
	rep.History = hist
	rep.HistoryFrom, rep.HistoryTo = hist.First.Format(time.DateOnly), hist.Date(len(hist.Days)-1).Format(time.DateOnly)
	rep.HistoryArrivals = hist.Total()
	m, err := Fit(hist, Options{Holidays: c.Holidays})
	if err != nil {
		return err
	}
	pts := m.Predict(c.HorizonDays, c.BaselineWeeks)
	rep.Rows = make([]Row, len(pts))
	for i, p := range pts {
		rep.Rows[i] = Row{
			Start: p.Start, IntervalStart: p.Start.Format("2006-01-02T15:04"),
			Forecast: p.Forecast, Lower80: p.Lower, Upper80: p.Upper,
			SeasonalNaive: p.SeasonalNaive, WeeklyMean: p.WeeklyMean,
		}
	}
	if c.Staffing != nil {
		if err := addStaffing(ctx, c, db, hist.First, rep, progress); err != nil {
			return err
		}
	}
	return write(c, rep)
}

func addStaffing(ctx context.Context, c Config, db *warehouse.DB, since time.Time, rep *Report, progress io.Writer) error {
	in := c.Staffing.Input
	in.Interval = c.Interval
	rep.AHTSource = "--aht"
	if c.Staffing.AutoAHT {
		h, err := ReadHandleTime(ctx, db.DB, since, c.Filter)
		if err != nil {
			return err
		}
		in.AHT = h.AHT * time.Duration(in.Concurrency)
		rep.AHTSource = h.Source
		fmt.Fprintf(progress, "forecast: average handle time %.0fs from %s over %d conversations\n", h.AHT.Seconds(), h.Source, h.Conversations)
	}
	aht := in.AHT.Seconds()
	rep.AHTS = &aht
	rep.Target = fmt.Sprintf("%g%% in %s", in.TargetLevel*100, formatStep(in.TargetTime))
	for i := range rep.Rows {
		in.Volume = rep.Rows[i].Forecast
		r, err := staffing.Required(in)
		if err != nil {
			return fmt.Errorf("forecast: staff %s: %w", rep.Rows[i].IntervalStart, err)
		}
		rep.Rows[i].Agents, rep.Rows[i].AgentsWithShrinkage = &r.Agents, &r.AgentsWithShrinkage
		if r.Agents > 0 { // a closed interval has no service level to speak of
			rep.Rows[i].ServiceLevel = &r.ServiceLevel
		}
	}
	return nil
}
