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

	"github.com/parley-cx/parley/internal/htmlpage"
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
	footer := "Model: calendar-adjusted daily level (recent level × weekday index, calendar effects and trend only where they earn their place on the history) times each weekday's intraday profile; band: 80% prediction interval. See docs/forecasting.md."
	switch {
	case rep.Rolling != nil:
		r := rep.Rolling
		title = "Forecast rolling-origin backtest"
		period = r.Origins[0].Date + " to " + r.Origins[len(r.Origins)-1].Date
		body, err = rollingBody(rep)
	case rep.Backtest != nil:
		title = "Forecast backtest"
		period = rep.Backtest.TestFrom + " to " + rep.Backtest.TestTo
		body, err = backtestBody(rep)
	case len(rep.Groups) > 1 || rep.grouped:
		title = "Arrival forecast and staffing plan"
		if rep.Days == nil {
			title = "Arrival forecast by queue and channel"
		}
		period = rep.Rows[0].Start.Format(time.DateOnly) + " to " + rep.Rows[len(rep.Rows)-1].Start.Format(time.DateOnly)
		body, err = groupsBody(rep)
	default:
		title = "Arrival forecast"
		period = rep.Rows[0].Start.Format(time.DateOnly) + " to " + rep.Rows[len(rep.Rows)-1].Start.Format(time.DateOnly)
		body, err = forecastBody(rep)
	}
	if err != nil {
		return err
	}
	return htmlpage.Render(w, htmlpage.Page{
		Title:     title,
		Subtitle:  fmt.Sprintf("Arrivals per %s interval from %s%s", rep.Interval, rep.Source, Filter{rep.Queue, rep.Channel}.describe()),
		Period:    period,
		TimeZone:  rep.TimeZone,
		Freshness: fmt.Sprintf("learned from %s to %s (%.0f arrivals)", rep.HistoryFrom, rep.HistoryTo, rep.HistoryArrivals),
		Body:      body,
		Footer:    footer,
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
	chart, err := htmlpage.Chart(line, "440px")
	if err != nil {
		return "", err
	}

	// Daily summary: what a planner reads first.
	cols := []htmlpage.Column{{Label: "day"}, {Label: "forecast", Numeric: true}, {Label: "seasonal naive", Numeric: true}, {Label: "weekly mean", Numeric: true}, {Label: "busiest interval"}}
	if staffed {
		cols = append(cols, htmlpage.Column{Label: "peak agents with shrinkage", Numeric: true, Title: "the most agents any interval of the day needs, shrinkage included"})
	}
	var cells [][]htmlpage.Cell
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
		row := []htmlpage.Cell{
			{Text: rows[d*per].Start.Format("Mon 2006-01-02")},
			{Text: strconv.FormatFloat(f, 'f', 0, 64)},
			{Text: strconv.FormatFloat(sn, 'f', 0, 64)},
			{Text: strconv.FormatFloat(wm, 'f', 0, 64)},
			{Text: busy},
		}
		if staffed {
			row = append(row, htmlpage.Cell{Text: strconv.Itoa(peak)})
		}
		cells = append(cells, row)
	}
	caption := "Forecast per day"
	if staffed {
		caption += fmt.Sprintf(" — staffing for %s, %.0fs of agent work per conversation (%s), %.0fs slot time", rep.Target, *rep.AHTS, rep.AHTSource, *rep.SlotTimeS)
	}
	table, err := htmlpage.Table{Caption: caption, Columns: cols, Rows: cells, Sortable: true}.HTML()
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
	chart, err := htmlpage.Chart(line, "440px")
	if err != nil {
		return "", err
	}
	table, err := scoreTable(fmt.Sprintf("Accuracy over the last %d held-out weeks (%d intervals, %.0f arrivals); model: %s", bt.Weeks, bt.Intervals, bt.ActualTotal, bt.Model), bt.Scores, bt.Notes)
	if err != nil {
		return "", err
	}
	return chart + table, nil
}

// scoreTable is the accuracy table of a backtest page.
// scoreTable is the accuracy table; notes (why a score is n/a, which rows
// had fewer weeks than named) end its caption, next to the figures they explain.
func scoreTable(caption string, scores []Score, notes []string) (template.HTML, error) {
	for _, n := range notes {
		caption += ". " + n
	}
	var cells [][]htmlpage.Cell
	for _, s := range scores {
		row := []htmlpage.Cell{{Text: s.Method}}
		for _, v := range scoreCells(s) {
			if v == "" {
				v = "—"
			}
			row = append(row, htmlpage.Cell{Text: v})
		}
		cells = append(cells, row)
	}
	return htmlpage.Table{
		Caption: caption,
		Columns: []htmlpage.Column{
			{Label: "method"},
			{Label: "MAE", Numeric: true, Title: "mean absolute error per interval"},
			{Label: "MAPE %", Numeric: true, Title: "mean absolute percentage error over intervals with arrivals"},
			{Label: "MASE", Numeric: true, Title: "absolute error divided by the in-sample MAE of last week's numbers; below 1 beats them"},
			{Label: "bias", Numeric: true, Title: "mean of forecast minus actual per interval"},
			{Label: "80% coverage", Numeric: true, Title: "share of actuals inside the model's 80% interval"},
			{Label: "80% width", Numeric: true, Title: "mean width of the 80% interval over the mean forecast"},
		},
		Rows: cells,
	}.HTML()
}

func rollingBody(rep *Report) (template.HTML, error) {
	r := rep.Rolling
	bar := charts.NewBar()
	bar.SetGlobalOptions(
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithYAxisOpts(opts.YAxis{Name: "model MAE", Min: 0}),
	)
	var labels []string
	var maes []opts.BarData
	for _, o := range r.Origins {
		labels = append(labels, o.Date)
		maes = append(maes, opts.BarData{Value: round1(o.ModelMAE)})
	}
	bar.SetXAxis(labels).AddSeries("model MAE per origin", maes, charts.WithItemStyleOpts(opts.ItemStyle{Color: colourForecast}))
	chart, err := htmlpage.Chart(bar, "300px")
	if err != nil {
		return "", err
	}
	scores, err := scoreTable(fmt.Sprintf("Accuracy over %d weekly origins, each forecasting %d days from the history before it (%d intervals, %.0f arrivals)", len(r.Origins), r.HorizonDays, r.Intervals, r.ActualTotal), r.Scores, r.Notes)
	if err != nil {
		return "", err
	}
	var cells [][]htmlpage.Cell
	for _, o := range r.Origins {
		cells = append(cells, []htmlpage.Cell{{Text: o.Date}, {Text: o.TrainFrom}, {Text: strconv.Itoa(o.TrainDays)}, {Text: strconv.Itoa(o.Scored)}, {Text: fnum(o.ModelMAE, 2)}, {Text: o.Model.String()}})
	}
	origins, err := htmlpage.Table{
		Caption: "Per origin: the model's form, chosen on the history before it",
		Columns: []htmlpage.Column{{Label: "origin"}, {Label: "learned from"}, {Label: "history days", Numeric: true}, {Label: "intervals", Numeric: true}, {Label: "model MAE", Numeric: true}, {Label: "form"}},
		Rows:    cells,
	}.HTML()
	if err != nil {
		return "", err
	}
	return chart + scores + origins, nil
}

// groupsBody shows a forecast of several queues or channels: forecast and
// (staffed) agents per group on one time axis, the groups' settings, and
// the daily table.
func groupsBody(rep *Report) (template.HTML, error) {
	g0 := rep.Groups[0].rows
	labels := make([]string, len(g0))
	for k, r := range g0 {
		labels[k] = r.Start.Format("Mon 01-02 15:04")
	}
	staffed := rep.Days != nil
	names := make([]string, len(rep.Groups))
	for k, g := range rep.Groups {
		names[k] = groupName(g.Queue, g.Channel)
	}
	arrivals := baseLine("arrivals", names...)
	arrivals.SetXAxis(labels)
	for k, g := range rep.Groups {
		arrivals.AddSeries(names[k], series(len(labels), 0, func(i int) float64 { return g.rows[i].Forecast }, len(labels)),
			charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)}))
	}
	body, err := htmlpage.Chart(arrivals, "380px")
	if err != nil {
		return "", err
	}
	if staffed {
		agents := baseLine("agents with shrinkage", names...)
		agents.SetXAxis(labels)
		for k, g := range rep.Groups {
			agents.AddSeries(names[k], series(len(labels), 0, func(i int) float64 { return float64(*g.rows[i].AgentsWithShrinkage) }, len(labels)),
				charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false), Stack: "agents"}),
				charts.WithAreaStyleOpts(opts.AreaStyle{Opacity: opts.Float(0.5)}))
		}
		chart, err := htmlpage.Chart(agents, "380px")
		if err != nil {
			return "", err
		}
		body += chart
	}
	cols := []htmlpage.Column{{Label: "queue"}, {Label: "channel"}, {Label: "history arrivals", Numeric: true}, {Label: "model form"}}
	if staffed {
		cols = append(cols, htmlpage.Column{Label: "target"}, htmlpage.Column{Label: "agent work per conversation", Numeric: true},
			htmlpage.Column{Label: "concurrency", Numeric: true}, htmlpage.Column{Label: "slot time", Numeric: true},
			htmlpage.Column{Label: "agent-hours with shrinkage", Numeric: true}, htmlpage.Column{Label: "FTE", Numeric: true, Title: fmt.Sprintf("at %g paid hours a week", *rep.HoursPerFTE)})
	}
	var cells [][]htmlpage.Cell
	for _, g := range rep.Groups {
		row := []htmlpage.Cell{{Text: g.Queue}, {Text: g.Channel}, {Text: fnum(g.HistoryArrivals, 0)}, {Text: g.Model.String()}}
		if staffed {
			row = append(row, htmlpage.Cell{Text: g.Target + " (" + g.TargetSource + ")"}, htmlpage.Cell{Text: fnum(*g.AHTS, 0) + " s (" + g.AHTSource + ")"},
				htmlpage.Cell{Text: strconv.Itoa(g.Concurrency)}, htmlpage.Cell{Text: fnum(*g.SlotTimeS, 0) + " s"},
				htmlpage.Cell{Text: fnum(*g.AgentHoursWithShrinkage, 1)}, htmlpage.Cell{Text: fnum(*g.FTE, 1)})
		}
		cells = append(cells, row)
	}
	groups, err := htmlpage.Table{Caption: "Queues and channels", Columns: cols, Rows: cells, Sortable: true}.HTML()
	if err != nil {
		return "", err
	}
	body += groups
	if !staffed {
		return body, nil
	}
	cells = nil
	for _, d := range rep.Days {
		cells = append(cells, []htmlpage.Cell{{Text: d.Queue}, {Text: d.Channel}, {Text: d.Date}, {Text: fnum(d.Forecast, 0)},
			{Text: fnum(d.AgentHours, 1)}, {Text: fnum(d.AgentHoursWithShrinkage, 1)}, {Text: fnum(d.FTE, 1)}, {Text: strconv.Itoa(d.PeakAgentsWithShrinkage)}})
	}
	days, err := htmlpage.Table{
		Caption: "Per day",
		Columns: []htmlpage.Column{{Label: "queue"}, {Label: "channel"}, {Label: "day"}, {Label: "forecast", Numeric: true},
			{Label: "agent-hours", Numeric: true}, {Label: "with shrinkage", Numeric: true},
			{Label: "FTE", Numeric: true, Title: "agent-hours with shrinkage × 7 ÷ paid hours a week: full-time agents if every day were like this one"},
			{Label: "peak agents with shrinkage", Numeric: true}},
		Rows:     cells,
		Sortable: true,
	}.HTML()
	if err != nil {
		return "", err
	}
	return body + days, nil
}
