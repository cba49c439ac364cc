package dashboards

import (
	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/go-echarts/go-echarts/v2/types"
)

// palette tells up to ten series apart (the automatic checks' default
// ten); the first eight are colour-blind-safe enough.
var palette = opts.Colors{"#2563eb", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#06b6d4", "#ec4899", "#64748b", "#84cc16", "#92400e"}

// outcome colours: good, neutral, bad, for series whose meaning has a direction.
const (
	colourGood    = "#16a34a"
	colourNeutral = "#f59e0b"
	colourBad     = "#dc2626"
)

// axis describes one value axis: its name carries the unit.
type axis struct {
	name     string
	unit     string // appended to tick labels, e.g. " %"
	min, max any    // nil = automatic
}

func (a axis) y() opts.YAxis {
	y := opts.YAxis{Name: a.name, Type: "value", Min: a.min, Max: a.max}
	if a.unit != "" {
		y.AxisLabel = &opts.AxisLabel{Formatter: types.FuncStr("{value}" + a.unit)}
	}
	return y
}

func (a axis) x() opts.XAxis {
	x := opts.XAxis{Name: a.name, Type: "value", Min: a.min, Max: a.max}
	if a.unit != "" {
		x.AxisLabel = &opts.AxisLabel{Formatter: types.FuncStr("{value}" + a.unit)}
	}
	return x
}

// common are the options every rectangular chart shares: title, axis
// tooltip, legend under the title, a grid that keeps labels inside.
func common(title, subtitle string) []charts.GlobalOpts {
	return []charts.GlobalOpts{
		charts.WithTitleOpts(opts.Title{Title: title, Subtitle: subtitle, Left: "8"}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "44", Left: "8"}),
		charts.WithGridOpts(opts.Grid{Left: "12", Right: "32", Top: "96", Bottom: "12", ContainLabel: opts.Bool(true)}),
		charts.WithColorsOpts(palette),
	}
}

// num turns a nullable number into a chart value: ECharts draws "-" as a gap.
func num(v *float64) any {
	if v == nil {
		return "-"
	}
	return *v
}

func barData[T any](xs []T, value func(T) any) []opts.BarData {
	out := make([]opts.BarData, len(xs))
	for i, x := range xs {
		out[i] = opts.BarData{Value: value(x)}
	}
	return out
}

func lineData[T any](xs []T, value func(T) any) []opts.LineData {
	out := make([]opts.LineData, len(xs))
	for i, x := range xs {
		out[i] = opts.LineData{Value: value(x)}
	}
	return out
}

// series is one named series of a grouped or stacked bar chart.
type series struct {
	name   string
	values []any
	colour string
}

// groupedBar draws one bar per category and series. Horizontal charts put
// the categories on the y axis (for long names such as queues); stacked
// ones stack the series.
func groupedBar(title, subtitle string, categories []string, ss []series, val axis, horizontal, stacked bool) *charts.Bar {
	bar := charts.NewBar()
	bar.SetGlobalOptions(common(title, subtitle)...)
	if horizontal {
		bar.SetGlobalOptions(
			charts.WithXAxisOpts(val.x()),
			charts.WithYAxisOpts(opts.YAxis{Type: "category", Data: categories, Inverse: opts.Bool(true)}),
		)
	} else {
		// Every category gets its label (ECharts would skip some to avoid
		// overlap, hiding which bar is which); go-echarts fills the axis
		// data from SetXAxis when it validates the chart.
		bar.SetGlobalOptions(
			charts.WithXAxisOpts(opts.XAxis{Type: "category", AxisLabel: &opts.AxisLabel{Interval: "0"}}),
			charts.WithYAxisOpts(val.y()),
		)
		bar.SetXAxis(categories)
	}
	for _, s := range ss {
		var so []charts.SeriesOpts
		if stacked {
			so = append(so, charts.WithBarChartOpts(opts.BarChart{Stack: "total"}))
		}
		if s.colour != "" {
			so = append(so, charts.WithItemStyleOpts(opts.ItemStyle{Color: s.colour}))
		}
		data := make([]opts.BarData, len(s.values))
		for i, v := range s.values {
			data[i] = opts.BarData{Value: v}
		}
		bar.AddSeries(s.name, data, so...)
	}
	return bar
}
