package dashboards

import (
	"fmt"
	"html/template"
	"math"

	"github.com/parley-cx/parley/reports"
)

// section is one titled block of a page: charts side by side, or one wide table.
type section struct {
	Title string
	Note  string
	Items []template.HTML
	Wide  bool // one item per row (tables)
}

var sectionsTmpl = template.Must(template.New("sections").Parse(`{{range .}}
<section>
<h2>{{.Title}}</h2>
{{- with .Note}}
<p class="note">{{.}}</p>
{{- end}}
{{- if .Wide}}
{{range .Items}}{{.}}
{{end}}
{{- else}}
<div class="grid">
{{range .Items}}{{.}}
{{end}}</div>
{{- end}}
</section>
{{- end}}`))

func render(secs ...section) (template.HTML, error) {
	return reports.Fragment(sectionsTmpl, secs)
}

// tile is one KPI on the Overview page with its change against the previous period.
type tile struct {
	Label, Value, Delta, Class, Title string
}

var tilesTmpl = template.Must(template.New("tiles").Parse(`<div class="tiles">
{{- range .}}
<div class="tile"{{with .Title}} title="{{.}}"{{end}}><div class="label">{{.Label}}</div><div class="value">{{.Value}}</div><div class="delta {{.Class}}">{{.Delta}}</div></div>
{{- end}}
</div>`))

// direction says which way a KPI should move.
type direction int

const (
	neutral direction = iota
	higherBetter
	lowerBetter
)

// change describes cur against prev for a tile: the arrow, the amount (as
// show formats it) and whether the move is good or bad news.
func change(cur, prev *float64, dir direction, show func(float64) string) (text, class string) {
	if cur == nil || prev == nil {
		return "no previous figure", ""
	}
	d := *cur - *prev
	if math.Abs(d) < 1e-9 {
		return "= previous period", ""
	}
	arrow := "▲"
	if d < 0 {
		arrow = "▼"
	}
	switch {
	case dir == higherBetter && d > 0, dir == lowerBetter && d < 0:
		class = "good"
	case dir != neutral:
		class = "bad"
	}
	return fmt.Sprintf("%s %s vs previous", arrow, show(math.Abs(d))), class
}

func kpiTiles(cur, prev kpis) (template.HTML, error) {
	points := func(v float64) string { return fmt.Sprintf("%.1f pts", v) }
	secs := func(v float64) string { return reports.Duration(&v) }
	conv := func(k kpis) *float64 {
		if k.Conversations == 0 { // no data before the period: no comparison, rather than "+100%"
			return nil
		}
		return f(float64(k.Conversations))
	}
	var convDelta func(float64) string = func(v float64) string { return count(int64(v)) }
	if prev.Conversations > 0 {
		convDelta = func(v float64) string { return fmt.Sprintf("%.0f%%", 100*v/float64(prev.Conversations)) }
	}
	type spec struct {
		label, title string
		cur, prev    *float64
		value        string
		dir          direction
		show         func(float64) string
	}
	specs := []spec{
		{"Conversations", "Conversations started in the period", conv(cur), conv(prev), count(cur.Conversations), neutral, convDelta},
		{"Median first response", "Median time to the first human reply (calendar time)", cur.FRTMedianS, prev.FRTMedianS, reports.Duration(cur.FRTMedianS), lowerBetter, secs},
		{"P90 first response", "90% of first replies came faster than this", cur.FRTP90S, prev.FRTP90S, reports.Duration(cur.FRTP90S), lowerBetter, secs},
		{"Within SLA target", "Share of conversations with a target whose first response met it", cur.SLAPct, prev.SLAPct, pct(cur.SLAPct), higherBetter, points},
		{"Resolution rate", "Resolved conversations over all conversations", cur.ResolutionPct, prev.ResolutionPct, pct(cur.ResolutionPct), higherBetter, points},
		{"First-contact resolution", "Resolved with no reopen and no repeat contact, over resolved", cur.FCRPct, prev.FCRPct, pct(cur.FCRPct), higherBetter, points},
		{"Bot containment", "Bot-handled conversations the bot resolved without a human", cur.BotContainmentPct, prev.BotContainmentPct, pct(cur.BotContainmentPct), higherBetter, points},
		{"Escalation effectiveness", "Escalations resolved within the window without a reopen", cur.EscalationEffectivePct, prev.EscalationEffectivePct, pct(cur.EscalationEffectivePct), higherBetter, points},
		{"CSAT", fmt.Sprintf("Mean of the last CSAT answer (1–5), %d responses", cur.CSATResponses), cur.CSATAvg, prev.CSATAvg, decimal(cur.CSATAvg, 2) + " / 5", higherBetter, func(v float64) string { return fmt.Sprintf("%.2f", v) }},
		{"Median friction", "Friction score 0–100: higher means more customer effort", cur.FrictionMedian, prev.FrictionMedian, decimal(cur.FrictionMedian, 1), lowerBetter, func(v float64) string { return fmt.Sprintf("%.1f", v) }},
	}
	tiles := make([]tile, len(specs))
	for i, s := range specs {
		delta, class := change(s.cur, s.prev, s.dir, s.show)
		tiles[i] = tile{Label: s.label, Title: s.title, Value: s.value, Delta: delta, Class: class}
	}
	return reports.Fragment(tilesTmpl, tiles)
}
