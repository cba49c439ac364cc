package htmlpage

import (
	"encoding/json"
	"fmt"
	"html/template"
	"regexp"
)

// EChart is what every go-echarts chart (charts.Bar, charts.Line,
// charts.HeatMap, ...) provides: Validate fills in defaults and JSON
// returns the ECharts option.
type EChart interface {
	Validate()
	JSON() map[string]any
}

var chartTmpl = template.Must(template.New("chart").Parse(
	`<figure class="chart-box"><div class="chart" style="height:{{.Height}}"></div>` +
		`<script type="application/json" class="chart-option">{{.Option}}</script></figure>`))

var cssLength = regexp.MustCompile(`^[0-9]{1,4}(px|vh|em|rem|%)$`)

// Chart turns a configured go-echarts chart into page markup of the given
// CSS height (e.g. "320px"); its width follows the layout.
//
// go-echarts' own page template loads echarts.min.js from its assets host
// and writes the option unescaped into a script; neither is acceptable for
// an offline page holding customer text. So the kit takes only the option
// from go-echarts and ships it as a JSON data block (encoding/json escapes
// <, > and &, so text cannot close the block); the page's boot script
// feeds it to the embedded ECharts. Options that are JS functions
// (opts.FuncOpts) are not supported: the CSP would refuse them anyway.
func Chart(c EChart, height string) (template.HTML, error) {
	if !cssLength.MatchString(height) {
		return "", fmt.Errorf("reports: chart height %q is not a CSS length like 320px", height)
	}
	opt, err := ChartOption(c)
	if err != nil {
		return "", err
	}
	return Fragment(chartTmpl, struct {
		Height template.CSS
		Option template.JS
	}{template.CSS(height), template.JS(opt)})
}

// ChartOption returns the ECharts option of c as HTML-safe JSON: the exact
// bytes a page hands to ECharts.
func ChartOption(c EChart) ([]byte, error) {
	c.Validate()
	opt, err := json.Marshal(c.JSON()) // escapes <, >, &, U+2028 and U+2029
	if err != nil {
		return nil, fmt.Errorf("reports: encode chart option: %w", err)
	}
	return opt, nil
}
