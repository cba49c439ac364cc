package forecast

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/parley-cx/parley/internal/csvsafe"
)

func write(c Config, rep *Report) error {
	var err error
	switch {
	case c.Format == FormatJSON:
		enc := json.NewEncoder(c.Out)
		enc.SetIndent("", "  ")
		err = enc.Encode(rep)
	case c.Format == FormatHTML:
		err = writeHTML(c.Out, rep)
	case rep.Rolling != nil && c.Format == FormatCSV:
		err = writeScoresCSV(c.Out, rep.Rolling.Scores)
	case rep.Rolling != nil:
		err = writeRollingTable(c.Out, rep)
	case rep.Backtest != nil && c.Format == FormatCSV:
		err = writeScoresCSV(c.Out, rep.Backtest.Scores)
	case rep.Backtest != nil:
		err = writeBacktestTable(c.Out, rep)
	case c.Format == FormatCSV:
		err = writeRowsCSV(c.Out, rep)
	default:
		err = writeRowsTable(c.Out, rep)
	}
	if err != nil {
		return fmt.Errorf("forecast: write %s: %w", c.Format, err)
	}
	if c.Daily != nil {
		if err := writeDaysCSV(c.Daily, rep.Days); err != nil {
			return fmt.Errorf("forecast: write the daily table: %w", err)
		}
	}
	return nil
}

func fnum(v float64, prec int) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	return strconv.FormatFloat(v, 'f', prec, 64)
}

// scoreCells formats a score for the tables: MAE, MAPE, MASE, bias, 80% coverage, 80% width.
func scoreCells(s Score) []string {
	cov, width := "", ""
	if s.Coverage80 != nil {
		cov = fnum(100**s.Coverage80, 1) + "%"
	}
	if s.Width80 != nil {
		width = fnum(100**s.Width80, 1) + "%"
	}
	return []string{fnum(s.MAE, 2), fnum(s.MAPE, 2), fnum(s.MASE, 3), fnum(s.Bias, 2), cov, width}
}

var scoreHeader = "method\tMAE\tMAPE %\tMASE\tbias\t80% coverage\t80% width\t"

func writeScores(w io.Writer, scores []Score, notes []string) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, scoreHeader)
	for _, s := range scores {
		fmt.Fprintf(tw, "%s\t%s\t\n", s.Method, strings.Join(scoreCells(s), "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if _, err := fmt.Fprintln(w, "\nMAPE over intervals with arrivals; MASE scales each error by the one-week seasonal naive's in-sample MAE (below 1 beats it);\nbias is forecast minus actual per interval; width is the 80% interval's mean width over the mean forecast."); err != nil {
		return err
	}
	for _, n := range notes {
		if _, err := fmt.Fprintln(w, n); err != nil {
			return err
		}
	}
	return nil
}

func writeBacktestTable(w io.Writer, rep *Report) error {
	bt := rep.Backtest
	fmt.Fprintf(w, "Backtest: trained on %s to %s (%.0f arrivals), held out %s to %s (%d intervals of %s, %.0f arrivals); model %s\n\n",
		rep.HistoryFrom, rep.HistoryTo, rep.HistoryArrivals, bt.TestFrom, bt.TestTo, bt.Intervals, rep.Interval, bt.ActualTotal, bt.Model)
	return writeScores(w, bt.Scores, bt.Notes)
}

func writeRollingTable(w io.Writer, rep *Report) error {
	r := rep.Rolling
	fewest, most := r.Origins[0].TrainDays, r.Origins[0].TrainDays
	for _, o := range r.Origins {
		fewest, most = min(fewest, o.TrainDays), max(most, o.TrainDays)
	}
	used := fmt.Sprintf("the %d days", most) // the days there were, not the --history limit
	if fewest != most {
		used = fmt.Sprintf("the %d to %d days", fewest, most)
	}
	fmt.Fprintf(w, "Rolling-origin backtest: %d weekly origins from %s to %s, each forecasting %d days from %s before it\n(%d intervals of %s, %.0f arrivals)\n\n",
		len(r.Origins), r.Origins[0].Date, r.Origins[len(r.Origins)-1].Date, r.HorizonDays, used, r.Intervals, rep.Interval, r.ActualTotal)
	if err := writeScores(w, r.Scores, r.Notes); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nPer origin (the model's form is chosen on the history before each):")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "origin\thistory days\tintervals\tmodel MAE\tform\t")
	for _, o := range r.Origins {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t\n", o.Date, o.TrainDays, o.Scored, fnum(o.ModelMAE, 2), o.Model)
	}
	return tw.Flush()
}

func writeScoresCSV(w io.Writer, scores []Score) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"method", "mae", "mape", "mase", "coverage_80", "bias", "width_80"}); err != nil {
		return err
	}
	opt := func(p *float64) string {
		if p == nil {
			return ""
		}
		return fnum(*p, 4)
	}
	for _, s := range scores {
		if err := cw.Write([]string{s.Method, fnum(s.MAE, 4), fnum(s.MAPE, 4), fnum(s.MASE, 4), opt(s.Coverage80), fnum(s.Bias, 4), opt(s.Width80)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// rowColumns are the CSV columns of the forecast rows: the contract
// order for a staffed plan, the original columns otherwise.
func rowColumns(staffed, grouped bool) []string {
	switch {
	case staffed:
		return []string{"queue", "channel", "time_zone", "interval_start", "forecast", "lower_80", "upper_80",
			"aht_s", "concurrency", "traffic_erlangs", "agents", "agents_with_shrinkage", "service_level", "asa_s",
			"occupancy", "abandon_rate", "slot_time_s", "seasonal_naive", "weekly_mean"}
	case grouped:
		return []string{"queue", "channel", "time_zone", "interval_start", "forecast", "lower_80", "upper_80", "seasonal_naive", "weekly_mean"}
	}
	return []string{"interval_start", "forecast", "lower_80", "upper_80", "seasonal_naive", "weekly_mean"}
}

func writeRowsCSV(w io.Writer, rep *Report) error {
	cw := csv.NewWriter(w)
	staffed := len(rep.Rows) > 0 && rep.Rows[0].Agents != nil
	cols := rowColumns(staffed, rep.grouped)
	if err := cw.Write(cols); err != nil {
		return err
	}
	opt := func(p *float64, prec int) string {
		if p == nil {
			return ""
		}
		return fnum(*p, prec)
	}
	for _, r := range rep.Rows {
		cell := map[string]string{
			"queue": csvsafe.Escape(r.Queue), "channel": csvsafe.Escape(r.Channel), "time_zone": r.TimeZone,
			"interval_start": r.IntervalStart, "forecast": fnum(r.Forecast, 3),
			"lower_80": fnum(r.Lower80, 3), "upper_80": fnum(r.Upper80, 3),
			"seasonal_naive": fnum(r.SeasonalNaive, 3), "weekly_mean": fnum(r.WeeklyMean, 3),
		}
		if staffed {
			cell["aht_s"], cell["slot_time_s"] = opt(r.AHTS, 1), opt(r.SlotTimeS, 1)
			cell["concurrency"] = strconv.Itoa(*r.Concurrency)
			cell["traffic_erlangs"] = opt(r.TrafficErlangs, 4)
			cell["agents"], cell["agents_with_shrinkage"] = strconv.Itoa(*r.Agents), strconv.Itoa(*r.AgentsWithShrinkage)
			cell["service_level"], cell["asa_s"] = opt(r.ServiceLevel, 4), opt(r.ASAS, 2)
			cell["occupancy"], cell["abandon_rate"] = opt(r.Occupancy, 4), opt(r.AbandonRate, 4)
		}
		rec := make([]string, len(cols))
		for k, col := range cols {
			rec[k] = cell[col]
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// DayColumns are the columns of the daily table (`--daily FILE`).
var DayColumns = []string{"queue", "channel", "date", "forecast", "agent_hours", "agent_hours_with_shrinkage", "fte", "peak_agents_with_shrinkage"}

func writeDaysCSV(w io.Writer, days []DayRow) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(DayColumns); err != nil {
		return err
	}
	for _, d := range days {
		if err := cw.Write([]string{csvsafe.Escape(d.Queue), csvsafe.Escape(d.Channel), d.Date, fnum(d.Forecast, 1),
			fnum(d.AgentHours, 2), fnum(d.AgentHoursWithShrinkage, 2), fnum(d.FTE, 2), strconv.Itoa(d.PeakAgentsWithShrinkage)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// writeRowsTable prints the intervals a planner acts on: those where the
// model or a baseline expects arrivals (closed intervals are left out; the
// CSV and JSON formats keep them), then, staffed, the daily totals.
func writeRowsTable(w io.Writer, rep *Report) error {
	fmt.Fprintf(w, "Forecast per %s interval (%s), learned from %s to %s (%.0f arrivals)",
		rep.Interval, rep.TimeZone, rep.HistoryFrom, rep.HistoryTo, rep.HistoryArrivals)
	if rep.RoutedIn {
		fmt.Fprint(w, "; conversations routed into a queue arrive there too (--routed-in)")
	}
	if rep.AHTS != nil {
		fmt.Fprintf(w, "; staffing for %s with %.0fs of agent work per conversation (%s), %.0fs slot time", rep.Target, *rep.AHTS, rep.AHTSource, *rep.SlotTimeS)
	}
	fmt.Fprint(w, "\n")
	staffed := len(rep.Rows) > 0 && rep.Rows[0].Agents != nil
	if rep.grouped || staffed {
		for _, g := range rep.Groups {
			fmt.Fprintf(w, "  %s: model %s", groupName(g.Queue, g.Channel), g.Model)
			if g.AHTS != nil {
				fmt.Fprintf(w, "; %s (%s), %.0fs work (%s) × %d = %.0fs slot time", g.Target, g.TargetSource, *g.AHTS, g.AHTSource, g.Concurrency, *g.SlotTimeS)
			}
			fmt.Fprintln(w)
		}
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := "interval\tforecast\t80% interval\tseasonal naive\tweekly mean\t"
	if rep.grouped {
		head = "queue\tchannel\t" + head
	}
	if staffed {
		head += "agents\twith shrinkage\t"
	}
	fmt.Fprintln(tw, head)
	for _, r := range rep.Rows {
		if r.Forecast == 0 && r.SeasonalNaive == 0 && r.WeeklyMean == 0 {
			continue
		}
		if rep.grouped {
			fmt.Fprintf(tw, "%s\t%s\t", r.Queue, r.Channel)
		}
		fmt.Fprintf(tw, "%s %s\t%.1f\t%.1f–%.1f\t%.0f\t%.1f\t", r.Start.Format("Mon"), r.Start.Format("2006-01-02 15:04"), r.Forecast, r.Lower80, r.Upper80, r.SeasonalNaive, r.WeeklyMean)
		if staffed {
			fmt.Fprintf(tw, "%d\t%d\t", *r.Agents, *r.AgentsWithShrinkage)
		}
		fmt.Fprintln(tw)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if !staffed {
		return nil
	}
	fmt.Fprintf(w, "\nPer day (FTE at %g paid hours a week):\n\n", *rep.HoursPerFTE)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "queue\tchannel\tday\tforecast\tagent-hours\twith shrinkage\tFTE\tpeak agents\t")
	for _, d := range rep.Days {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.0f\t%.1f\t%.1f\t%.1f\t%d\t\n", d.Queue, d.Channel, d.Date, d.Forecast, d.AgentHours, d.AgentHoursWithShrinkage, d.FTE, d.PeakAgentsWithShrinkage)
	}
	return tw.Flush()
}

// groupName names a queue/channel group for people: "queue billing on chat".
func groupName(queue, channel string) string {
	switch {
	case queue != "" && channel != "":
		return fmt.Sprintf("queue %q on %q", queue, channel)
	case queue != "":
		return fmt.Sprintf("queue %q", queue)
	case channel != "":
		return fmt.Sprintf("channel %q", channel)
	}
	return "all arrivals"
}
