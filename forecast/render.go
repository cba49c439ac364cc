package forecast

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"text/tabwriter"
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
	case rep.Backtest != nil && c.Format == FormatCSV:
		err = writeBacktestCSV(c.Out, rep.Backtest)
	case rep.Backtest != nil:
		err = writeBacktestTable(c.Out, rep)
	case c.Format == FormatCSV:
		err = writeRowsCSV(c.Out, rep.Rows)
	default:
		err = writeRowsTable(c.Out, rep)
	}
	if err != nil {
		return fmt.Errorf("forecast: write %s: %w", c.Format, err)
	}
	return nil
}

func fnum(v float64, prec int) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	return strconv.FormatFloat(v, 'f', prec, 64)
}

func writeBacktestTable(w io.Writer, rep *Report) error {
	bt := rep.Backtest
	fmt.Fprintf(w, "Backtest: trained on %s to %s (%.0f arrivals), held out %s to %s (%d intervals of %s, %.0f arrivals)\n\n",
		rep.HistoryFrom, rep.HistoryTo, rep.HistoryArrivals, bt.TestFrom, bt.TestTo, bt.Intervals, rep.Interval, bt.ActualTotal)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "method\tMAE\tMAPE %\tMASE\t80% coverage\t")
	for _, s := range bt.Scores {
		cov := ""
		if s.Coverage80 != nil {
			cov = fnum(100**s.Coverage80, 1) + "%"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\n", s.Method, fnum(s.MAE, 2), fnum(s.MAPE, 2), fnum(s.MASE, 3), cov)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, "\nMAPE over intervals with arrivals; MASE scales MAE by the one-week seasonal naive's in-sample MAE (below 1 beats it).")
	return err
}

func writeBacktestCSV(w io.Writer, bt *Backtest) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"method", "mae", "mape", "mase", "coverage_80"}); err != nil {
		return err
	}
	for _, s := range bt.Scores {
		cov := ""
		if s.Coverage80 != nil {
			cov = fnum(*s.Coverage80, 4)
		}
		if err := cw.Write([]string{s.Method, fnum(s.MAE, 4), fnum(s.MAPE, 4), fnum(s.MASE, 4), cov}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func writeRowsCSV(w io.Writer, rows []Row) error {
	cw := csv.NewWriter(w)
	header := []string{"interval_start", "forecast", "lower_80", "upper_80", "seasonal_naive", "weekly_mean"}
	staffed := len(rows) > 0 && rows[0].Agents != nil
	if staffed {
		header = append(header, "agents", "agents_with_shrinkage", "service_level")
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, r := range rows {
		rec := []string{r.IntervalStart, fnum(r.Forecast, 3), fnum(r.Lower80, 3), fnum(r.Upper80, 3), fnum(r.SeasonalNaive, 3), fnum(r.WeeklyMean, 3)}
		if staffed {
			sl := ""
			if r.ServiceLevel != nil {
				sl = fnum(*r.ServiceLevel, 4)
			}
			rec = append(rec, strconv.Itoa(*r.Agents), strconv.Itoa(*r.AgentsWithShrinkage), sl)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// writeRowsTable prints the intervals a planner acts on: those where the
// model or a baseline expects arrivals (closed intervals are left out; the
// CSV and JSON formats keep them).
func writeRowsTable(w io.Writer, rep *Report) error {
	fmt.Fprintf(w, "Forecast per %s interval (%s), learned from %s to %s (%.0f arrivals)",
		rep.Interval, rep.TimeZone, rep.HistoryFrom, rep.HistoryTo, rep.HistoryArrivals)
	if rep.AHTS != nil {
		fmt.Fprintf(w, "; staffing for %s with AHT %.0fs (%s)", rep.Target, *rep.AHTS, rep.AHTSource)
	}
	fmt.Fprint(w, "\n\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	staffed := len(rep.Rows) > 0 && rep.Rows[0].Agents != nil
	head := "interval\tforecast\t80% interval\tseasonal naive\tweekly mean\t"
	if staffed {
		head += "agents\twith shrinkage\t"
	}
	fmt.Fprintln(tw, head)
	for _, r := range rep.Rows {
		if r.Forecast == 0 && r.SeasonalNaive == 0 && r.WeeklyMean == 0 {
			continue
		}
		fmt.Fprintf(tw, "%s %s\t%.1f\t%.1f–%.1f\t%.0f\t%.1f\t", r.Start.Format("Mon"), r.Start.Format("2006-01-02 15:04"), r.Forecast, r.Lower80, r.Upper80, r.SeasonalNaive, r.WeeklyMean)
		if staffed {
			fmt.Fprintf(tw, "%d\t%d\t", *r.Agents, *r.AgentsWithShrinkage)
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}
