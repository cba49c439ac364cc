package forecast

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/parley-cx/parley/reports"
)

// shownHistoryDays is how much history the chart draws before the forecast:
// enough to compare the coming weeks with the recent ones without drowning them.
const shownHistoryDays = 28

// Chart colours are taken from the dashboards' palette (dashboards/charts.go)
// so a planner sees the same blue for "forecast" and amber for "agents".
const (
	colourHistory  = "#64748b"
	colourForecast = "#2563eb"
	colourBand     = "#93c5fd" // a light tint of the forecast blue
	colourNaive    = "#8b5cf6"
	colourMean     = "#10b981"
	colourAgents   = "#f59e0b"
	colourActual   = "#1f2933" // the page's ink colour
)

func round1(v float64) float64 { return math.Round(v*10) / 10 }

// writeHTML renders the forecast (or the backtest) as one self-contained page.
func writeHTML(w io.Writer, rep *Report) error {
	var (
		body   template.HTML
		title  string
		period string
		err    error
	)
	if rep.Backtest != nil {
		title = "Forecast backtest"
		period = rep.Backtest.TestFrom + " to " + rep.Backtest.TestTo
		body, err = backtestBody(rep)
	} else {
		title = "Arrival forecast"
		period = rep.Rows[0].Start.Format(time.DateOnly) + " to " + rep.Rows[len(rep.Rows)-1].Start.Format(time.DateOnly)
		body, err = forecastBody(rep)
	}
	if err != nil {
		return err
	}
	return reports.Render(w, reports.Page{
		Title:     title,
		Subtitle:  fmt.Sprintf("Arrivals per %s interval from %s%s", rep.Interval, rep.Source, Filter{rep.Queue, rep.Channel}.describe()),
		Period:    period,
		TimeZone:  rep.TimeZone,
		Freshness: fmt.Sprintf("learned from %s to %s (%.0f arrivals)", rep.HistoryFrom, rep.HistoryTo, rep.HistoryArrivals),
		Body:      body,
		Footer:    "Model: daily level (log-linear in weekday and trend) times each weekday's intraday profile; band: 80% prediction interval. See docs/forecasting.md.",
	})
}

// timeline builds the shared x axis: the last shown days of history, then the forecast.
func timeline(hist Series, n int) (labels []string, histLen int) {
	from := max(0, len(hist.Days)-shownHistoryDays)
	for i := from; i < len(hist.Days); i++ {
		for j := range hist.SlotsPerDay() {
			labels = append(labels, hist.Start(i, j).Format("Mon 01-02 15:04"))
		}
	}
	histLen = len(labels)
	for k := range n {
		labels = append(labels, hist.Start(len(hist.Days)+k/hist.SlotsPerDay(), k%hist.SlotsPerDay()).Format("Mon 01-02 15:04"))
	}
	return labels, histLen
}

// baseLine is a zoomable line chart whose legend lists the given series (the band's helper line stays out).
func baseLine(yName string, legend ...string) *charts.Line {
	line := charts.NewLine()
	line.SetGlobalOptions(
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Data: legend}),
		charts.WithDataZoomOpts(opts.DataZoom{Type: "inside", Start: 60, End: 100}, opts.DataZoom{Type: "slider", Start: 60, End: 100}),
		charts.WithYAxisOpts(opts.YAxis{Name: yName, Min: 0}),
	)
	return line
}

// series pads values into a line of total length, starting at offset; the rest is blank.
func series(total, offset int, values func(k int) float64, n int) []opts.LineData {
	out := make([]opts.LineData, total)
	for k := range out {
		if k >= offset && k < offset+n {
			out[k] = opts.LineData{Value: round1(values(k - offset))}
		} else {
			out[k] = opts.LineData{Value: "-"} // ECharts' missing value
		}
	}
	return out
}

func lineOpts(colour string, yAxis int, stack string) []charts.SeriesOpts {
	return []charts.SeriesOpts{
		charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false), YAxisIndex: yAxis, Stack: stack}),
		charts.WithLineStyleOpts(opts.LineStyle{Color: colour, Width: 1.5}),
		charts.WithItemStyleOpts(opts.ItemStyle{Color: colour}),
	}
}

// addBand draws the 80% interval as a lower line stacked under a filled (upper − lower) area.
func addBand(line *charts.Line, total, offset int, lower, upper func(int) float64, n int) {
	line.AddSeries("80% lower", series(total, offset, lower, n), append(lineOpts(colourBand, 0, "band"),
		charts.WithLineStyleOpts(opts.LineStyle{Opacity: opts.Float(0)}))...)
	line.AddSeries("80% interval", series(total, offset, func(k int) float64 { return upper(k) - lower(k) }, n), append(lineOpts(colourBand, 0, "band"),
		charts.WithLineStyleOpts(opts.LineStyle{Opacity: opts.Float(0)}),
		charts.WithAreaStyleOpts(opts.AreaStyle{Color: colourBand, Opacity: opts.Float(0.45)}))...)
}

func forecastBody(rep *Report) (template.HTML, error) {
	hist := rep.History
	labels, histLen := timeline(hist, len(rep.Rows))
	total := len(labels)
	from := max(0, len(hist.Days)-shownHistoryDays)
	per := hist.SlotsPerDay()
	rows := rep.Rows

	staffed := rows[0].Agents != nil
	legend := []string{"history", "80% interval", "forecast", "seasonal naive", "weekly mean"}
	if staffed {
		legend = append(legend, "agents with shrinkage")
	}
	line := baseLine("arrivals", legend...)
	line.SetXAxis(labels)
	line.AddSeries("history", series(total, 0, func(k int) float64 { return hist.Days[from+k/per][k%per] }, histLen), lineOpts(colourHistory, 0, "")...)
	addBand(line, total, histLen, func(k int) float64 { return rows[k].Lower80 }, func(k int) float64 { return rows[k].Upper80 }, len(rows))
	line.AddSeries("forecast", series(total, histLen, func(k int) float64 { return rows[k].Forecast }, len(rows)), lineOpts(colourForecast, 0, "")...)
	line.AddSeries("seasonal naive", series(total, histLen, func(k int) float64 { return rows[k].SeasonalNaive }, len(rows)), lineOpts(colourNaive, 0, "")...)
	line.AddSeries("weekly mean", series(total, histLen, func(k int) float64 { return rows[k].WeeklyMean }, len(rows)), lineOpts(colourMean, 0, "")...)
	if staffed {
		line.ExtendYAxis(opts.YAxis{Name: "agents", Min: 0, Position: "right"})
		line.AddSeries("agents with shrinkage", series(total, histLen, func(k int) float64 { return float64(*rows[k].AgentsWithShrinkage) }, len(rows)), lineOpts(colourAgents, 1, "")...)
	}
	chart, err := reports.Chart(line, "440px")
	if err != nil {
		return "", err
	}

	// Daily summary: what a planner reads first.
	cols := []reports.Column{{Label: "day"}, {Label: "forecast", Numeric: true}, {Label: "seasonal naive", Numeric: true}, {Label: "weekly mean", Numeric: true}, {Label: "busiest interval"}}
	if staffed {
		cols = append(cols, reports.Column{Label: "peak agents with shrinkage", Numeric: true, Title: "the most agents any interval of the day needs, shrinkage included"})
	}
	var cells [][]reports.Cell
	for d := 0; d*per < len(rows); d++ {
		var f, sn, wm float64
		peak, busiest := 0, rows[d*per]
		for _, r := range rows[d*per : (d+1)*per] {
			f, sn, wm = f+r.Forecast, sn+r.SeasonalNaive, wm+r.WeeklyMean
			if r.Forecast > busiest.Forecast {
				busiest = r
			}
			if staffed {
				peak = max(peak, *r.AgentsWithShrinkage)
			}
		}
		busy := "closed"
		if busiest.Forecast > 0 {
			busy = fmt.Sprintf("%s (%.0f)", busiest.Start.Format("15:04"), busiest.Forecast)
		}
		row := []reports.Cell{
			{Text: rows[d*per].Start.Format("Mon 2006-01-02")},
			{Text: strconv.FormatFloat(f, 'f', 0, 64)},
			{Text: strconv.FormatFloat(sn, 'f', 0, 64)},
			{Text: strconv.FormatFloat(wm, 'f', 0, 64)},
			{Text: busy},
		}
		if staffed {
			row = append(row, reports.Cell{Text: strconv.Itoa(peak)})
		}
		cells = append(cells, row)
	}
	caption := "Forecast per day"
	if staffed {
		caption += fmt.Sprintf(" — staffing for %s, AHT %.0fs (%s)", rep.Target, *rep.AHTS, rep.AHTSource)
	}
	table, err := reports.Table{Caption: caption, Columns: cols, Rows: cells, Sortable: true}.HTML()
	if err != nil {
		return "", err
	}
	return chart + table, nil
}

func backtestBody(rep *Report) (template.HTML, error) {
	bt := rep.Backtest
	hist := rep.History
	labels, histLen := timeline(hist, len(bt.Points))
	total := len(labels)
	from := max(0, len(hist.Days)-shownHistoryDays)
	per := hist.SlotsPerDay()
	pts := bt.Points

	line := baseLine("arrivals", "history", "80% interval", "actual (held out)", "model", "seasonal naive", "weekly mean")
	line.SetXAxis(labels)
	line.AddSeries("history", series(total, 0, func(k int) float64 { return hist.Days[from+k/per][k%per] }, histLen), lineOpts(colourHistory, 0, "")...)
	addBand(line, total, histLen, func(k int) float64 { return pts[k].Lower }, func(k int) float64 { return pts[k].Upper }, len(pts))
	line.AddSeries("actual (held out)", series(total, histLen, func(k int) float64 { return bt.Actuals[k] }, len(pts)), lineOpts(colourActual, 0, "")...)
	line.AddSeries("model", series(total, histLen, func(k int) float64 { return pts[k].Forecast }, len(pts)), lineOpts(colourForecast, 0, "")...)
	line.AddSeries("seasonal naive", series(total, histLen, func(k int) float64 { return pts[k].SeasonalNaive }, len(pts)), lineOpts(colourNaive, 0, "")...)
	line.AddSeries("weekly mean", series(total, histLen, func(k int) float64 { return pts[k].WeeklyMean }, len(pts)), lineOpts(colourMean, 0, "")...)
	chart, err := reports.Chart(line, "440px")
	if err != nil {
		return "", err
	}
	var cells [][]reports.Cell
	for _, s := range bt.Scores {
		cov := "—"
		if s.Coverage80 != nil {
			cov = fnum(100**s.Coverage80, 1) + "%"
		}
		cells = append(cells, []reports.Cell{{Text: s.Method}, {Text: fnum(s.MAE, 2)}, {Text: fnum(s.MAPE, 2)}, {Text: fnum(s.MASE, 3)}, {Text: cov}})
	}
	table, err := reports.Table{
		Caption: fmt.Sprintf("Accuracy over the last %d held-out weeks (%d intervals, %.0f arrivals)", bt.Weeks, bt.Intervals, bt.ActualTotal),
		Columns: []reports.Column{
			{Label: "method"},
			{Label: "MAE", Numeric: true, Title: "mean absolute error per interval"},
			{Label: "MAPE %", Numeric: true, Title: "mean absolute percentage error over intervals with arrivals"},
			{Label: "MASE", Numeric: true, Title: "MAE divided by the in-sample MAE of last week's numbers; below 1 beats them"},
			{Label: "80% coverage", Numeric: true, Title: "share of actuals inside the model's 80% interval"},
		},
		Rows: cells,
	}.HTML()
	if err != nil {
		return "", err
	}
	return chart + table, nil
}
