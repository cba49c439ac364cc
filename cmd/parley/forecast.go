package main

import (
	"bytes"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/parley-cx/parley/forecast"
	"github.com/parley-cx/parley/internal/atomicfile"
	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/suggest"
	"github.com/parley-cx/parley/internal/warehouse"
	"github.com/parley-cx/parley/staffing"
)

func newForecastCmd() *cobra.Command {
	var (
		c                          = forecast.Config{Progress: nil}
		src                        forecast.CSVSource
		arrivals, sep              string
		configPath, tz             string
		interval, horizon, history string
		staff, rolling             bool
		aht, target, patience, out string
		start, holidays, daily     string
		by                         []string
		concurrency                int
		shrinkage, maxOccupancy    float64
		backtest, baselineWeeks    int
		queue, channel, format     string
	)
	cmd := &cobra.Command{
		Use:   "forecast",
		Short: "Forecast arrivals per interval, backtest against baselines, and plan staffing for every queue and channel",
		Long: `Forecast predicts how many conversations arrive in each interval of the coming
days, from the warehouse (--db) or from any CSV/TSV of arrival history
(--arrivals), and optionally how many agents each interval needs.

Arrivals: with --db, a conversation arrives at its first customer message,
counted in the org time zone; --queue and --channel narrow it, and --by queue,
--by channel or --by queue,channel forecasts every queue, channel or pair in
one run. A queue conversations only reach by transfer or escalation (a tier 2)
has no arrivals of its own: --routed-in (with --by queue or --queue) also
counts a conversation in each queue a routing event (transferred, escalated,
assigned) moves it into after it arrived, at that event's time, so those
queues get a forecast and agents. Its handle time is then given per queue
(--aht, staffing.queues.<queue>.aht): the warehouse's is per conversation. With --arrivals, each row is one arrival at --time-col, or, with
--count-col, a count of arrivals at that time (per-interval exports). If the
file keeps the date and the time of day in two columns, name the date with
--date-col. Timestamps with a zone are converted to --timezone; others are
taken as wall-clock time there already. The separator is detected (tab, ';'
or ',') unless --sep says. A --db forecast is in the time zone the warehouse
was built in (its local times are computed by parley build): --timezone with
--db is refused unless it names that zone; rebuild with another timezone in
parley.yaml to forecast in it.

Model: a recent daily level times a weekday index, with calendar effects
(first/last business days of a month, the day after a closure or holiday)
and a trend only where they lower the error of re-forecasting the history's
own last weeks; each weekday's intraday profile from recent days, outlying
shares clipped. Closures and holidays never pull the forecast down. Known
holidays come from parley.yaml (business_hours, the queue's hours and
staffing.holidays) and --holidays FILE (one YYYY-MM-DD per line). The output
has an 80% prediction interval and two baselines: seasonal naive (same
interval last week) and the mean of the same interval over the last
--baseline-weeks weeks. --start DATE forecasts from that date, learning from
the days before it.

--backtest W holds out the last W weeks and scores the model and baselines
(MAE, MAPE, MASE, bias, 80% coverage and width). With --rolling, each of the
last W weeks is re-forecast from the history before its Monday (--horizon,
default 7d) and the k-week calendar means for k = 2..6 are scored too. The
output says how many days of history each origin actually had (--history is
only the limit); a k longer than any origin's history is left out (it would
repeat the shorter row), and a k some origins could not fill is noted. MASE
needs at least 8 days before every origin (a week to compare with the week
before) that change week to week; where it is n/a the output says why.

--staffing adds agents per interval (Erlang C, or Erlang A with --patience;
see "parley staffing --help") for every queue or channel, each with its own
target: staffing.queues.<q> / staffing.channels.<c> of parley.yaml, else
sla.<channel>, else --target; a flag given on the command line overrides
parley.yaml for all. --aht is agent working time per conversation, whether
given or auto (the mean conversations.agent_handle_s of the group); with
--concurrency C a conversation holds one of the agent's C slots for AHT x C,
and the output gives both. The CSV has queue, channel, time_zone,
interval_start, forecast, lower_80, upper_80, aht_s, concurrency,
traffic_erlangs, agents, agents_with_shrinkage, service_level, asa_s,
occupancy, abandon_rate, slot_time_s, seasonal_naive and weekly_mean; --daily
FILE writes agent-hours and FTE per day (--hours-per-fte paid hours a week).
The CSV is the --plan of "parley schedule".

Examples:
  parley forecast --db warehouse.duckdb --config parley.yaml --by channel --staffing --format csv --out plan.csv --daily days.csv
  parley forecast --db warehouse.duckdb --horizon 14d --staffing --aht 4m --target 80/60s --concurrency 3 --shrinkage 0.3
  parley forecast --db warehouse.duckdb --by queue --routed-in --staffing --aht 6m --out plan.csv
  parley forecast --arrivals calls.csv --time-col DateTime --count-col Calls --backtest 21 --rolling
  parley forecast --arrivals feb.tsv --time-col vru_entry --date-col date --start 1999-03-01 --format html --out forecast.html`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			flags := cmd.Flags()
			if c.Interval, err = parseDurationFlag("interval", interval); err != nil {
				return err
			}
			if rolling && !flags.Changed("horizon") {
				horizon = "7d" // each week re-forecast once
			}
			if c.HorizonDays, err = parseDays("horizon", horizon); err != nil {
				return err
			}
			if c.HistoryDays, err = parseDays("history", history); err != nil {
				return err
			}
			c.BacktestWeeks, c.Rolling, c.BaselineWeeks = backtest, rolling, baselineWeeks
			c.Format = formatOrExt(format, flags.Changed("format"), out, forecastOutFormats)
			c.Filter = forecast.Filter{Queue: queue, Channel: channel}
			for _, b := range by {
				switch b {
				case "queue":
					c.ByQueue = true
				case "channel":
					c.ByChannel = true
				default:
					return usageErrorf("--by: %q: want queue, channel, or both (--by queue,channel)%s", b, suggest.Hint(b, []string{"queue", "channel"}))
				}
			}
			if start != "" {
				if c.Start, err = time.Parse(time.DateOnly, start); err != nil {
					return usageErrorf("--start: %q is not a YYYY-MM-DD date", start)
				}
			}
			if holidays != "" {
				if c.Holidays, err = forecast.ReadHolidays(holidays); err != nil {
					return usageErrorf("%w", err)
				}
			}
			if arrivals != "" {
				src.Path = arrivals
				if src.Sep, err = parseSep(sep); err != nil {
					return err
				}
				c.CSV = &src
			}
			cfg, err := config.Load(configPath)
			if err != nil {
				return err
			}
			c.Settings, c.SettingsFile = cfg, configPath
			if c.LocationGiven = tz != ""; !c.LocationGiven {
				tz = cfg.TimeZone
			}
			if c.Location, err = time.LoadLocation(tz); err != nil {
				return usageErrorf("--timezone: %q is not an IANA time zone", tz)
			}
			if staff {
				s := &forecast.Staffing{
					Input: staffing.Input{Concurrency: concurrency, Shrinkage: shrinkage, MaxOccupancy: maxOccupancy},
					Explicit: forecast.Explicit{
						AHT: flags.Changed("aht"), Target: flags.Changed("target"), Concurrency: flags.Changed("concurrency"),
						Shrinkage: flags.Changed("shrinkage"), MaxOccupancy: flags.Changed("max-occupancy"), Patience: flags.Changed("patience"),
					},
				}
				if aht == "auto" {
					s.AutoAHT = true
				} else if s.AHT, err = parseDurationFlag("aht", aht); err != nil {
					return err
				}
				if s.TargetLevel, s.TargetTime, err = parseTarget(target); err != nil {
					return err
				}
				if patience != "" {
					if s.Patience, err = parsePatience(patience); err != nil {
						return err
					}
				}
				c.Staffing = s
			} else {
				for _, f := range []string{"aht", "target", "concurrency", "shrinkage", "max-occupancy", "patience", "daily", "hours-per-fte"} {
					if flags.Changed(f) {
						return usageErrorf("--%s: add --staffing to compute agents per interval", f)
					}
				}
			}
			if daily != "" && out != "" && filepath.Clean(daily) == filepath.Clean(out) {
				// The daily table would silently replace the plan (or the reverse).
				return usageErrorf("--daily %s: the same file as --out; give each its own file", daily)
			}
			var buf, days bytes.Buffer
			c.Out, c.Progress = &buf, cmd.ErrOrStderr()
			if daily != "" {
				c.Daily = &days
			}
			if err := c.Validate(); err != nil {
				return usageErrorf("%w", err)
			}
			if err := forecast.Run(cmd.Context(), c); err != nil {
				if errors.Is(err, warehouse.ErrUnknownFilterValue) {
					return usageErrorf("forecast: %w", asFlags(errors.Unwrap(err)))
				}
				if errors.Is(err, forecast.ErrTimeZone) || errors.Is(err, forecast.ErrRoutedInAHT) || errors.As(err, new(forecast.InputError)) {
					return usageErrorf("%w", err)
				}
				return err
			}
			if daily != "" {
				if err := atomicfile.WriteFile(daily, days.Bytes()); err != nil {
					return err
				}
			}
			if out == "" {
				_, err = cmd.OutOrStdout().Write(buf.Bytes())
				return err
			}
			return atomicfile.WriteFile(out, buf.Bytes())
		},
	}
	f := cmd.Flags()
	f.StringVar(&c.DB, "db", "", "warehouse file to count arrivals in")
	f.StringVar(&arrivals, "arrivals", "", "CSV/TSV file of arrival history (instead of --db)")
	f.StringVar(&src.TimeCol, "time-col", "", "--arrivals column with the arrival time (or interval start)")
	f.StringVar(&src.CountCol, "count-col", "", "--arrivals column with a count per row (default: one arrival per row)")
	f.StringVar(&src.DateCol, "date-col", "", "--arrivals column with the date when --time-col holds only the time of day")
	f.StringVar(&sep, "sep", "auto", "--arrivals field separator: auto, comma, tab, semicolon or one character")
	f.StringVar(&configPath, "config", "", "parley.yaml (org time zone of --arrivals, holidays, sla and staffing targets per queue/channel; a --db warehouse keeps the time zone it was built in, and another one here is warned of)")
	f.StringVar(&tz, "timezone", "", "time zone for --arrivals timestamps with a zone (default: the config's); with --db only the warehouse's own is accepted (its local times are computed at build time: rebuild to change it)")
	f.StringVar(&queue, "queue", "", "with --db: only conversations whose first customer message was in this queue (--queue billing); one no conversation has is refused, naming those that exist")
	f.StringVar(&channel, "channel", "", "with --db: only conversations whose first customer message was on this channel")
	f.StringSliceVar(&by, "by", nil, "with --db: one forecast per queue, per channel, or per pair (--by queue,channel)")
	f.BoolVar(&c.RoutedIn, "routed-in", false, "with --db and --by queue or --queue: a conversation moved into another queue after it arrived (transferred, escalated, assigned) arrives in that queue too, at that time, so tier-2 queues are forecast and staffed (give their --aht or staffing.queues.<q>.aht)")
	f.StringVar(&interval, "interval", "30m", "interval length; must divide a day")
	f.StringVar(&horizon, "horizon", "14d", "how far ahead to forecast (days: 14d, or weeks: 2w); 7d with --rolling")
	f.StringVar(&history, "history", "52w", "how much recent history the model learns from (calendar effects need months)")
	f.StringVar(&start, "start", "", "first day to forecast, YYYY-MM-DD (default: the day after the history)")
	f.StringVar(&holidays, "holidays", "", "file of known holidays, one YYYY-MM-DD per line (adds to parley.yaml's)")
	f.IntVar(&baselineWeeks, "baseline-weeks", 4, "K of the weekly-mean baseline")
	f.IntVar(&backtest, "backtest", 0, "score model and baselines on the last WEEKS weeks (e.g. --backtest 21 --rolling)")
	f.BoolVar(&rolling, "rolling", false, "with --backtest W: re-forecast each of the last W weeks from the history before it")
	f.BoolVar(&staff, "staffing", false, "add agents needed per interval")
	f.StringVar(&aht, "aht", "auto", "with --staffing: agent working time per conversation (e.g. 6m), or auto from the warehouse")
	f.StringVar(&target, "target", "80/60s", "with --staffing: service-level target PERCENT/TIME for groups parley.yaml does not set; the default is the default sla.webchat target (chat), while parley staffing defaults to 80/20s (the voice convention)")
	f.IntVar(&concurrency, "concurrency", 1, "with --staffing: conversations one agent handles at once")
	f.Float64Var(&shrinkage, "shrinkage", 0, "with --staffing: share of paid time agents are unavailable, in [0,1)")
	f.Float64Var(&maxOccupancy, "max-occupancy", 1, "with --staffing: highest allowed agent occupancy, in (0,1]")
	f.StringVar(&patience, "patience", "", "with --staffing: mean time before a waiting customer abandons (Erlang A)")
	f.Float64Var(&c.HoursPerFTE, "hours-per-fte", 40, "with --staffing: paid hours of one full-time agent a week (for FTE)")
	f.StringVar(&daily, "daily", "", "with --staffing: also write agent-hours and FTE per day and queue/channel to this CSV file")
	f.StringVar(&format, "format", "table", "output: table, csv, json or html (default with --out: the file's extension, .csv, .json or .html, else table)")
	f.StringVar(&out, "out", "", "write the output to this file instead of stdout (plan.csv is written as CSV unless --format says otherwise)")
	return cmd
}

// forecastOutFormats are the formats an --out file's extension chooses
// when --format is not given.
var forecastOutFormats = map[string]string{".csv": forecast.FormatCSV, ".json": forecast.FormatJSON, ".html": forecast.FormatHTML}

// parseDays reads a span in days: 14d, 2w, or a plain number of days.
func parseDays(flag, s string) (int, error) {
	num, unit := s, 1
	switch {
	case strings.HasSuffix(s, "w"):
		num, unit = strings.TrimSuffix(s, "w"), 7
	case strings.HasSuffix(s, "d"):
		num = strings.TrimSuffix(s, "d")
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 1 {
		return 0, usageErrorf("--%s: %q is not a whole number of days or weeks (e.g. 14d, 12w)", flag, s)
	}
	return n * unit, nil
}

// parseSep reads --sep; 0 means detect.
func parseSep(s string) (rune, error) {
	switch s {
	case "auto", "":
		return 0, nil
	case "comma":
		return ',', nil
	case "tab", `\t`:
		return '\t', nil
	case "semicolon":
		return ';', nil
	}
	if r := []rune(s); len(r) == 1 && r[0] != '"' && r[0] != '\n' && r[0] != '\r' {
		return r[0], nil
	}
	return 0, usageErrorf("--sep: %q: want auto, comma, tab, semicolon or a single character", s)
}
