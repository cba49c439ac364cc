package schedule

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"text/tabwriter"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/parley-cx/parley/internal/csvsafe"
	"github.com/parley-cx/parley/internal/htmlpage"
)

// Output formats.
const (
	FormatTable = "table"
	FormatCSV   = "csv"
	FormatJSON  = "json"
	FormatHTML  = "html"
)

// Report is a whole `parley schedule` run.
type Report struct {
	Plan      string   `json:"plan"`
	ShiftFile string   `json:"shifts"`
	Interval  string   `json:"interval"`
	Results   []Result `json:"schedules"`
}

// Write writes the report in format.
func Write(w io.Writer, format string, rep *Report) error {
	var err error
	switch format {
	case FormatJSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		err = enc.Encode(rep)
	case FormatCSV:
		err = writeCSV(w, rep)
	case FormatHTML:
		err = writeHTML(w, rep)
	case FormatTable:
		err = writeTable(w, rep)
	default:
		err = fmt.Errorf("unknown format %q", format)
	}
	if err != nil {
		return fmt.Errorf("schedule: write %s: %w", format, err)
	}
	return nil
}

// name describes a result's queue/channel for people.
func (r Result) name() string {
	switch {
	case r.Queue != "" && r.Channel != "":
		return "queue " + r.Queue + " on " + r.Channel
	case r.Queue != "":
		return "queue " + r.Queue
	case r.Channel != "":
		return "channel " + r.Channel
	}
	return "all queues and channels"
}

// Status says whether the plan is proven optimal and, if not, how far above
// the optimum it may be (ProvenGap). It is the one place that gap is
// computed into words, so the command's progress line, the table and the
// HTML page cannot state two different figures for it.
func (r Result) Status() string {
	if r.Optimal {
		return "proven optimal"
	}
	return fmt.Sprintf("search stopped after %d nodes, at most %.1f%% above the optimum", r.Nodes, 100*r.ProvenGap)
}

// summary is the one-line verdict of a result. The LP bound is given in
// hours only: its relative gap (Result.Gap, in the JSON) is a weaker bound
// than ProvenGap, and printing both as percentages read as a contradiction.
func (r Result) summary() string {
	return fmt.Sprintf("%.1f paid hours for %.1f required agent-hours (%.1f over, %.1f under); LP lower bound %.1f h; %s",
		r.PaidHours, r.RequiredHours, r.OverHours, r.UnderHours, r.LPBound, r.Status())
}

func writeTable(w io.Writer, rep *Report) error {
	for _, r := range rep.Results {
		fmt.Fprintf(w, "Schedule for %s: %s\n\n", r.name(), r.summary())
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "shift\tstart\tend\tagents\tpaid hours each\t")
		for _, s := range r.Shifts {
			fmt.Fprintf(tw, "%s\t%s %s\t%s\t%d\t%.2f\t\n", s.Name, s.Start.Format("Mon"), s.Start.Format("2006-01-02 15:04"), s.End.Format("01-02 15:04"), s.Agents, s.PaidHours)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintln(w, "\nCoverage (intervals with a requirement or agents):")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "interval\trequired\tscheduled\tover\tunder\t")
		for _, iv := range r.Coverage {
			if iv.Required == 0 && iv.Scheduled == 0 {
				continue
			}
			fmt.Fprintf(tw, "%s %s\t%d\t%d\t%d\t%d\t\n", iv.Start.Format("Mon"), iv.Start.Format("2006-01-02 15:04"), iv.Required, iv.Scheduled, iv.Over, iv.Under)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintln(w)
	}
	return nil
}

// CoverageColumns are the columns of the CSV output: coverage per interval.
var CoverageColumns = []string{"queue", "channel", "interval_start", "required", "scheduled", "over", "under"}

func writeCSV(w io.Writer, rep *Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CoverageColumns); err != nil {
		return err
	}
	for _, r := range rep.Results {
		for _, iv := range r.Coverage {
			if err := cw.Write([]string{csvsafe.Escape(r.Queue), csvsafe.Escape(r.Channel), iv.StartText,
				strconv.Itoa(iv.Required), strconv.Itoa(iv.Scheduled), strconv.Itoa(iv.Over), strconv.Itoa(iv.Under)}); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// Chart colours from the dashboards' palette.
const (
	colourRequired  = "#1f2933"
	colourScheduled = "#2563eb"
	colourUnder     = "#dc2626"
)

func writeHTML(w io.Writer, rep *Report) error {
	var body template.HTML
	for _, r := range rep.Results {
		section, err := resultHTML(r)
		if err != nil {
			return err
		}
		body += section
	}
	period := ""
	if len(rep.Results) > 0 && len(rep.Results[0].Coverage) > 0 {
		cov := rep.Results[0].Coverage
		period = cov[0].Start.Format("2006-01-02") + " to " + cov[len(cov)-1].Start.Format("2006-01-02")
	}
	tz := ""
	if len(rep.Results) > 0 {
		tz = rep.Results[0].TimeZone
	}
	return htmlpage.Render(w, htmlpage.Page{
		Title:    "Shift schedule",
		Subtitle: fmt.Sprintf("Agents per %s interval from %s, shifts from %s", rep.Interval, rep.Plan, rep.ShiftFile),
		Period:   period,
		TimeZone: tz,
		Body:     body,
		Footer:   "Integer program: least paid hours covering every interval's agents_with_shrinkage, solved by branch and bound over gonum's simplex; the LP lower bound is its linear relaxation. See docs/forecasting.md.",
	})
}

func resultHTML(r Result) (template.HTML, error) {
	line := charts.NewLine()
	line.SetGlobalOptions(
		charts.WithTitleOpts(opts.Title{Title: r.name(), Subtitle: r.summary()}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "50"}),
		charts.WithGridOpts(opts.Grid{Top: "90"}),
		charts.WithDataZoomOpts(opts.DataZoom{Type: "inside"}, opts.DataZoom{Type: "slider"}),
		charts.WithYAxisOpts(opts.YAxis{Name: "agents", Min: 0}),
	)
	labels := make([]string, len(r.Coverage))
	req := make([]opts.LineData, len(r.Coverage))
	sched := make([]opts.LineData, len(r.Coverage))
	under := make([]opts.LineData, len(r.Coverage))
	for k, iv := range r.Coverage {
		labels[k] = iv.Start.Format("Mon 01-02 15:04")
		req[k], sched[k], under[k] = opts.LineData{Value: iv.Required}, opts.LineData{Value: iv.Scheduled}, opts.LineData{Value: iv.Under}
	}
	style := func(colour string) []charts.SeriesOpts {
		return []charts.SeriesOpts{
			charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false), Step: "start"}),
			charts.WithLineStyleOpts(opts.LineStyle{Color: colour, Width: 1.5}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: colour}),
		}
	}
	line.SetXAxis(labels).
		AddSeries("required", req, style(colourRequired)...).
		AddSeries("scheduled", sched, append(style(colourScheduled), charts.WithAreaStyleOpts(opts.AreaStyle{Color: colourScheduled, Opacity: opts.Float(0.2)}))...).
		AddSeries("under", under, style(colourUnder)...)
	chart, err := htmlpage.Chart(line, "380px")
	if err != nil {
		return "", err
	}
	var shifts [][]htmlpage.Cell
	for _, s := range r.Shifts {
		shifts = append(shifts, []htmlpage.Cell{{Text: s.Name}, {Text: s.Start.Format("Mon 2006-01-02 15:04"), Sort: s.StartText}, {Text: s.End.Format("Mon 15:04"), Sort: s.EndText},
			{Text: strconv.Itoa(s.Agents)}, {Text: strconv.FormatFloat(s.PaidHours*float64(s.Agents), 'f', 1, 64)}})
	}
	shiftTable, err := htmlpage.Table{
		Caption:  "Chosen shifts — " + r.name(),
		Columns:  []htmlpage.Column{{Label: "shift"}, {Label: "start"}, {Label: "end"}, {Label: "agents", Numeric: true}, {Label: "paid hours", Numeric: true}},
		Rows:     shifts,
		Sortable: true,
	}.HTML()
	if err != nil {
		return "", err
	}
	var cov [][]htmlpage.Cell
	for _, iv := range r.Coverage {
		if iv.Required == 0 && iv.Scheduled == 0 {
			continue
		}
		cov = append(cov, []htmlpage.Cell{{Text: iv.Start.Format("Mon 2006-01-02 15:04"), Sort: iv.StartText}, {Text: strconv.Itoa(iv.Required)},
			{Text: strconv.Itoa(iv.Scheduled)}, {Text: strconv.Itoa(iv.Over)}, {Text: strconv.Itoa(iv.Under)}})
	}
	covTable, err := htmlpage.Table{
		Caption: "Coverage per interval — " + r.name(),
		Columns: []htmlpage.Column{{Label: "interval"}, {Label: "required", Numeric: true, Title: "agents_with_shrinkage of the plan"},
			{Label: "scheduled", Numeric: true, Title: "agents on shift and not on break"}, {Label: "over", Numeric: true}, {Label: "under", Numeric: true}},
		Rows:     cov,
		Sortable: true,
	}.HTML()
	if err != nil {
		return "", err
	}
	h := func(v float64) htmlpage.Cell { return htmlpage.Cell{Text: strconv.FormatFloat(v, 'f', 1, 64)} }
	summary, err := htmlpage.Table{
		Caption: "Summary — " + r.name(),
		Columns: []htmlpage.Column{{Label: "paid hours", Numeric: true}, {Label: "required agent-hours", Numeric: true}, {Label: "over", Numeric: true},
			{Label: "under", Numeric: true}, {Label: "LP lower bound", Numeric: true, Title: "the linear relaxation's optimum: no plan pays fewer hours"},
			{Label: "status"}},
		Rows: [][]htmlpage.Cell{{h(r.PaidHours), h(r.RequiredHours), h(r.OverHours), h(r.UnderHours), h(r.LPBound), {Text: r.Status()}}},
	}.HTML()
	if err != nil {
		return "", err
	}
	return summary + chart + shiftTable + covTable, nil
}
