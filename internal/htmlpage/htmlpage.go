// Package htmlpage is the shared kit for Parley's self-contained HTML pages: one page shell, one stylesheet, a strict Content-Security-Policy and the embedded ECharts library.
//
// Every HTML output of Parley (dashboards, QA packets, forecast charts) is a
// single file that opens from file://, an intranet share or an e-mail
// attachment with no network. A page is built like this:
//
//	bar := charts.NewBar() // any go-echarts chart, configured as usual
//	chart, err := htmlpage.Chart(bar, "360px")
//	body, err := htmlpage.Fragment(myTemplate, data) // html/template: text is escaped
//	table, err := htmlpage.Table{Columns: cols, Rows: rows, Sortable: true}.HTML()
//	err = htmlpage.WritePage(filepath.Join(out, "index.html"), htmlpage.Page{
//		Title:     "Overview",
//		Period:    "2026-10-01 to 2026-10-31",
//		TimeZone:  "Europe/Berlin",
//		Freshness: "data to 2026-10-31 23:58, built 2026-11-01 06:00",
//		Nav:       []htmlpage.Link{{Href: "index.html", Label: "Overview", Current: true}},
//		Body:      body,
//	})
//
// Safety: all text reaches HTML through html/template, so it is escaped.
// Chart options travel as JSON data blocks (never executed, with <, > and &
// escaped), and the page's CSP allows exactly two scripts by hash (ECharts
// and the kit's small boot script), so even markup that slipped through
// escaping could neither run a script nor fetch anything from the network.
package htmlpage

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/parley-cx/parley/internal/atomicfile"
)

// Page is one self-contained HTML page. Title, Period, TimeZone and
// Freshness are plain text shown in the header; Body is trusted markup that
// the caller built with html/template (see Fragment), Chart and Table.
type Page struct {
	Title     string
	Subtitle  string // optional line under the title
	Period    string // the period the numbers cover, e.g. "2026-10-01 to 2026-10-31"
	TimeZone  string // the org time zone dates and hours are shown in
	Freshness string // how fresh the data is, e.g. "data to 2026-10-31 23:58; built 2026-11-01 06:00"
	Nav       []Link
	Body      template.HTML
	// Footer is optional plain text under the body (e.g. where the numbers come from).
	Footer string
	// Alert is optional plain text about data known to be missing or wrong
	// (e.g. Kafka messages lost before Parley read them). It is shown loudly
	// twice: as a banner under the header, and at the top of the footer
	// followed by AlertDetails, one plain-text line each.
	Alert        string
	AlertDetails []string
	// Script is the page's own script, run after the kit's boot script:
	// the page's CSP allows it by its SHA-256, as it allows the kit's, and
	// nothing else. Pages without one (most) carry exactly CSP. Like the
	// kit's, it must attach its handlers itself: the CSP refuses inline
	// handlers (onclick="...").
	Script string
	// ECharts includes the chart library even when Body holds no chart
	// block: for a page whose own Script draws its charts.
	ECharts bool
}

// Link is one entry of a page's navigation bar.
type Link struct {
	Href    string // relative, so pages work from any folder
	Label   string
	Current bool // marks the page being shown
}

var (
	//go:embed page.tmpl
	pageSource string
	//go:embed style.css
	styleCSS string
	//go:embed boot.js
	bootJS string
	//go:embed assets/echarts.min.js
	echartsFile string
	// echartsJS is the library as the browser will see it: HTML parsing turns
	// CR LF into LF inside <script>, and the CSP hash must match that text.
	echartsJS = strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(echartsFile)

	pageTmpl = template.Must(template.New("page").Parse(pageSource))
)

// EChartsVersion is the version of the vendored assets/echarts.min.js
// (taken from the npm registry; go-echarts v2.6.7 targets it).
const EChartsVersion = "5.4.3"

// chartMarker is the class of the JSON block Chart emits; a page carries the
// 1 MB ECharts library only when its body holds at least one chart.
const chartMarker = `class="chart-option"`

// CSP is the Content-Security-Policy every page carries: nothing may be
// loaded from anywhere (default-src 'none'), images only as data: URLs, and
// only the two known inline scripts may run, pinned by their SHA-256. A
// page with a Script of its own allows that one too (PageCSP).
var CSP = cspFor()

// PageCSP is the Content-Security-Policy of p: CSP, plus the hash of p's
// own Script if it has one.
func PageCSP(p Page) string {
	if p.Script == "" {
		return CSP
	}
	return cspFor(scriptHash(p.Script))
}

func cspFor(extra ...string) string {
	scripts := append([]string{scriptHash(echartsJS), scriptHash(bootJS)}, extra...)
	return "default-src 'none'; " +
		"script-src " + strings.Join(scripts, " ") + "; " +
		"style-src 'unsafe-inline'; img-src data:; font-src data:; " +
		"connect-src 'none'; base-uri 'none'; form-action 'none'"
}

func scriptHash(src string) string {
	sum := sha256.Sum256([]byte(src))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

type pageData struct {
	Page
	CSP     string
	CSS     template.CSS
	ECharts template.JS
	Boot    template.JS
	Own     template.JS
	Charts  bool
}

// Render writes p as a complete HTML document to w.
func Render(w io.Writer, p Page) error {
	d := pageData{
		Page:    p,
		CSP:     PageCSP(p),
		CSS:     template.CSS(styleCSS),
		ECharts: template.JS(echartsJS),
		Boot:    template.JS(bootJS),
		Own:     template.JS(p.Script),
		Charts:  p.ECharts || strings.Contains(string(p.Body), chartMarker),
	}
	if err := pageTmpl.Execute(w, d); err != nil {
		return fmt.Errorf("reports: render page %q: %w", p.Title, err)
	}
	return nil
}

// WritePage renders p to path atomically: it writes a temporary file in the
// same folder and renames it, so a reader never sees half a page. The
// folder is created if needed.
func WritePage(path string, p Page) error {
	var buf bytes.Buffer
	if err := Render(&buf, p); err != nil {
		return err
	}
	return atomicfile.WriteFile(path, buf.Bytes())
}

// Fragment executes an html/template into markup for Page.Body, so every
// value it prints is escaped for its context.
func Fragment(t *template.Template, data any) (template.HTML, error) {
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return "", fmt.Errorf("reports: execute template %s: %w", t.Name(), err)
	}
	return template.HTML(buf.String()), nil
}
