package main

import (
	"bytes"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/parley-cx/parley/forecast"
	"github.com/parley-cx/parley/reports"
	"github.com/parley-cx/parley/staffing"
)

func newForecastCmd() *cobra.Command {
	var (
		c                          = forecast.Config{Progress: nil}
		src                        forecast.CSVSource
		arrivals, sep              string
		configPath, tz             string
		interval, horizon, history string
		staff                      bool
		aht, target, patience, out string
		concurrency                int
		shrinkage, maxOccupancy    float64
		backtest, baselineWeeks    int
		queue, channel, format     string
	)
	cmd := &cobra.Command{
		Use:   "forecast",
		Short: "Forecast arrivals per interval, backtest against baselines, and staff each interval",
		Long: `Forecast predicts how many conversations arrive in each interval of the coming
days, from the warehouse (--db) or from any CSV/TSV of arrival history
(--arrivals), and optionally how many agents each interval needs.

Arrivals: with --db, a conversation arrives at its first customer message,
counted in the org time zone; --queue and --channel narrow it. With
--arrivals, each row is one arrival at --time-col, or, with --count-col, a
count of arrivals at that time (per-interval exports). If the file keeps the
date and the time of day in two columns, name the date with --date-col.
Timestamps with a zone are converted to --timezone; others are taken as
wall-clock time there already. The separator is detected (tab, ';' or ',')
unless --sep says.

Model: each day's total is regressed (in logs) on the weekday and a trend,
then spread over the day by that weekday's intraday profile; closed days and
hours never pull the forecast down. The output has an 80% prediction interval
and two baselines: seasonal naive (same interval last week) and the mean of
the same interval over the last --baseline-weeks weeks.

--backtest W holds out the last W weeks instead and prints MAE, MAPE (over
intervals with arrivals) and MASE for the model and both baselines.

--staffing adds agents per interval (Erlang C, or Erlang A with --patience;
see "parley staffing --help"). --aht auto takes the handle time from the
warehouse: the mean conversations.agent_handle_s when the warehouse has it,
else an estimate from message timing (docs/forecasting.md). That is agent
working time; with --concurrency C it is multiplied by C, the time a
conversation holds one of the agent's C slots.

Examples:
  parley forecast --db warehouse.duckdb --horizon 14d --staffing --aht auto --target 80/60s --concurrency 3 --shrinkage 0.3
  parley forecast --arrivals calls.csv --time-col DateTime --count-col Calls --backtest 4
  parley forecast --arrivals feb.tsv --time-col vru_entry --date-col date --format html --out forecast.html`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if c.Interval, err = parseDurationFlag("interval", interval); err != nil {
				return err
			}
			if c.HorizonDays, err = parseDays("horizon", horizon); err != nil {
				return err
			}
			if c.HistoryDays, err = parseDays("history", history); err != nil {
				return err
			}
			c.BacktestWeeks, c.BaselineWeeks, c.Format = backtest, baselineWeeks, format
			c.Filter = forecast.Filter{Queue: queue, Channel: channel}
			if arrivals != "" {
				src.Path = arrivals
				if src.Sep, err = parseSep(sep); err != nil {
					return err
				}
				c.CSV = &src
			}
			cfg, err := loadSettings(cmd.ErrOrStderr(), configPath)
			if err != nil {
				return err
			}
			if tz == "" {
				tz = cfg.TimeZone
			}
			if c.Location, err = time.LoadLocation(tz); err != nil {
				return usageErrorf("--timezone: %q is not an IANA time zone", tz)
			}
			if staff {
				s := &forecast.Staffing{Input: staffing.Input{Concurrency: concurrency, Shrinkage: shrinkage, MaxOccupancy: maxOccupancy}}
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
			} else if cmd.Flags().Changed("aht") || cmd.Flags().Changed("target") {
				return usageErrorf("--aht/--target: add --staffing to compute agents per interval")
			}
			var buf bytes.Buffer
			c.Out, c.Progress = &buf, cmd.ErrOrStderr()
			if err := c.Validate(); err != nil {
				return usageErrorf("%w", err)
			}
			if err := forecast.Run(cmd.Context(), c); err != nil {
				return err
			}
			if out == "" {
				_, err = cmd.OutOrStdout().Write(buf.Bytes())
				return err
			}
			return reports.WriteFileAtomic(out, buf.Bytes())
		},
	}
	f := cmd.Flags()
	f.StringVar(&c.DB, "db", "", "warehouse file to count arrivals in")
	f.StringVar(&arrivals, "arrivals", "", "CSV/TSV file of arrival history (instead of --db)")
	f.StringVar(&src.TimeCol, "time-col", "", "--arrivals column with the arrival time (or interval start)")
	f.StringVar(&src.CountCol, "count-col", "", "--arrivals column with a count per row (default: one arrival per row)")
	f.StringVar(&src.DateCol, "date-col", "", "--arrivals column with the date when --time-col holds only the time of day")
	f.StringVar(&sep, "sep", "auto", "--arrivals field separator: auto, comma, tab, semicolon or one character")
	f.StringVar(&configPath, "config", "", "parley.yaml (for the org time zone)")
	f.StringVar(&tz, "timezone", "", "time zone for --arrivals timestamps with a zone (default: the config's)")
	f.StringVar(&queue, "queue", "", "with --db: only conversations whose first customer message was in this queue")
	f.StringVar(&channel, "channel", "", "with --db: only conversations on this channel")
	f.StringVar(&interval, "interval", "30m", "interval length; must divide a day")
	f.StringVar(&horizon, "horizon", "14d", "how far ahead to forecast (days: 14d, or weeks: 2w)")
	f.StringVar(&history, "history", "12w", "how much recent history the model learns from")
	f.IntVar(&baselineWeeks, "baseline-weeks", 4, "K of the weekly-mean baseline")
	f.IntVar(&backtest, "backtest", 0, "hold out the last WEEKS weeks and score model and baselines on them")
	f.BoolVar(&staff, "staffing", false, "add agents needed per interval")
	f.StringVar(&aht, "aht", "auto", "with --staffing: average handle time (e.g. 6m), or auto from the warehouse")
	f.StringVar(&target, "target", "80/60s", "with --staffing: service-level target PERCENT/TIME")
	f.IntVar(&concurrency, "concurrency", 1, "with --staffing: conversations one agent handles at once")
	f.Float64Var(&shrinkage, "shrinkage", 0, "with --staffing: share of paid time agents are unavailable, in [0,1)")
	f.Float64Var(&maxOccupancy, "max-occupancy", 1, "with --staffing: highest allowed agent occupancy, in (0,1]")
	f.StringVar(&patience, "patience", "", "with --staffing: mean time before a waiting customer abandons (Erlang A)")
	f.StringVar(&format, "format", "table", "output: table, csv, json or html")
	f.StringVar(&out, "out", "", "write the output to this file instead of stdout")
	return cmd
}

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
