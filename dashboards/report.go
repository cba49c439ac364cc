package dashboards

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/parley-cx/parley/internal/atomicfile"
	"github.com/parley-cx/parley/internal/htmlpage"
	"github.com/parley-cx/parley/internal/warehouse"
)

// The report is one page, index.html, holding every view: ECharts, the figures and the
// script are loaded once, and switching views or slices never leaves the page (a view is
// index.html#<id>, a slice index.html#<id>?queue=...). The other file names are small pages
// that send the reader to their view, so links to them keep working.

//go:embed slice.js
var sliceJS string

//go:embed report.css
var reportCSS string

// view is one page of the report: its id (the URL fragment), the file that leads to it, its
// navigation label, title and subtitle. The CX views are drawn by slice.js; the Quality view's
// body is built here.
type view struct {
	ID       string `json:"id"`
	File     string `json:"-"`
	Label    string `json:"label"`
	Title    string `json:"title"`
	Subtitle string `json:"subtitle"`
}

var views = []view{
	{"overview", "index.html", "Overview", "Overview", "Volume, speed, resolution, cost and retention at a glance."},
	{"responsiveness", "responsiveness.html", "Responsiveness", "Responsiveness", "How fast customers get a first human answer, how often within the target, and whether messaging channels answer within their reply window."},
	{"resolution", "resolution.html", "Resolution & escalation", "Resolution and escalation", "How conversations end: resolution, reopens, repeat contacts, the bot's outcomes over time and escalations."},
	{"friction", "friction.html", "Friction", "Friction", "Where customers work hardest to get help."},
	{"team", "team.html", "Agents & queues", "Agents and queues", "Per agent and per queue; click a heading to sort."},
	{"reasons", "reasons.html", "Contact reasons & markets", "Contact reasons and markets", "Why customers write, how each reason is served, which channels each market prefers, and the reasons that are emerging."},
	{"quality", "quality.html", "Quality", "Quality", "Review scores, critical fails, disputes, reviewer agreement, and the rubric beside what customers say."},
}

// nowPage is the live queue's page (now.go): a page of its own, not a view of index.html.
var nowPage = view{ID: "now", File: "now.html", Label: "Now", Title: "Now",
	Subtitle: "The queue at this moment: who waits on whom, for how long, and what is about to breach."}

// Files are the names a report writes in its folder: index.html, a page per other view, and
// the Now page.
func Files() []string {
	out := make([]string, 0, len(views)+1)
	for _, v := range views {
		out = append(out, v.File)
	}
	return append(out, nowPage.File)
}

// reportData is what the page's script reads (the JSON block #parley-data).
type reportData struct {
	Views  []view `json:"views"`
	Period struct {
		From     string `json:"from"`
		To       string `json:"to"`
		Days     int    `json:"days"`
		PrevFrom string `json:"prev_from"`
		PrevTo   string `json:"prev_to"`
		// Start is the day number of From, counting the previous period's first day as 0:
		// conversations' day column counts the same way.
		Start int `json:"start"`
		// DataFrom is the local date of the data's first conversation ("" for none): a
		// previous period that starts before it is only partly in the data, and the page
		// shows no change against it (docs/dashboards.md, "Sound statistics").
		DataFrom string `json:"data_from"`
	} `json:"period"`
	TimeZone      string            `json:"timezone"`
	Slice         map[string]string `json:"slice"`
	Caps          capabilities      `json:"caps"`
	Currency      string            `json:"currency"`
	QALink        string            `json:"qa_link"`
	WorstLimit    int               `json:"worst_limit"`
	MinTermCount  int               `json:"min_term_count"`
	Conversations table             `json:"conversations"`
	Escalations   table             `json:"escalations"`
	AutoChecks    table             `json:"auto_checks"`
	Terms         termPostings      `json:"terms"`
}

// worstLimit is how many highest-friction conversations the Friction page lists.
const worstLimit = 25

// minTermCount is the fewest conversations of the period a term of customers' first messages
// must be in to be listed as an emerging reason (emerging_terms.sql says the same).
const minTermCount = 10

// loadReportData reads every per-conversation figure of the period and the one before it, in
// the report's slice.
func loadReportData(ctx context.Context, r *run) (reportData, error) {
	var d reportData
	d.Views = views
	p, prev := r.period, r.period.Previous()
	d.Period.From, d.Period.To, d.Period.Days = p.From.Format(time.DateOnly), p.To.Format(time.DateOnly), p.Days()
	d.Period.PrevFrom, d.Period.PrevTo, d.Period.Start = prev.From.Format(time.DateOnly), prev.To.Format(time.DateOnly), prev.Days()
	if r.first != nil {
		d.Period.DataFrom = r.first.Format(time.DateOnly)
	}
	d.TimeZone = r.loc.String()
	d.Slice = r.cfg.Slice.params()
	d.QALink, d.WorstLimit, d.MinTermCount = r.cfg.QALink, worstLimit, minTermCount
	d.Currency = r.currency
	args := append(r.cfg.Slice.args(), namedDate("from", prev.From), namedDate("to", p.To), namedDate("start", p.From))
	var err error
	if d.Caps, err = loadCapabilities(ctx, r.db.DB); err != nil {
		return d, err
	}
	if d.Conversations, err = queryTable(ctx, r.db, "report_conversations", args...); err != nil {
		return d, err
	}
	if d.Escalations, err = queryTable(ctx, r.db, "report_escalations", args...); err != nil {
		return d, err
	}
	if d.AutoChecks, err = queryTable(ctx, r.db, "report_auto_checks"); err != nil {
		return d, err
	}
	d.Terms, err = loadTerms(ctx, r.db, append(args, namedInt("min", minTermCount)))
	return d, err
}

// current counts the conversations of the period itself (the rest are the previous period's).
func (d reportData) current() int {
	days, _ := d.Conversations.Cols["day"].([]any)
	n := 0
	for _, v := range days {
		if v.(int64) >= int64(d.Period.Start) {
			n++
		}
	}
	return n
}

var bodyTmpl = template.Must(template.New("body").Parse(`<style>{{.CSS}}</style>
<div class="slicebar" id="slice-bar" role="group" aria-label="Slice: filter every page"></div>
<noscript><p class="notice">This report draws its pages with its own script (no network needed): allow scripts for this file to see them.</p></noscript>
{{- with .Notices.Empty}}
<p class="notice empty-period" role="status">{{.}}</p>
{{- end}}
{{- with .Notices.LateEvents}}
<p class="notice late-events" role="note">{{.}}</p>
{{- end}}
<p class="notice" id="slice-notice" role="status" hidden></p>
{{range $i, $v := .Views}}<div class="view" id="view-{{$v.ID}}"{{if $i}} hidden{{end}}>{{index $.Bodies $i}}</div>
{{end}}<script type="application/json" id="parley-data">{{.Data}}</script>`))

var stubTmpl = template.Must(template.New("stub").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{{.CSP}}">
<meta http-equiv="refresh" content="0; url=index.html#{{.ID}}">
<title>{{.Title}} · Parley</title>
</head>
<body><main><p>{{.Title}}` + stubMark + `<a href="index.html#{{.ID}}">index.html#{{.ID}}</a>.</p></main></body>
</html>
`))

// qualityNote heads the Quality view while a slice is chosen.
const qualityNote = `<p class="notice" id="quality-slice-note" hidden>The filters above apply to the automatic checks only. ` +
	`The reviews (from the key figures to quality beside the customer) and the checks' agreement with the reviewers show every review: ` +
	`reviews are a sample drawn across the whole operation, a few per agent and week, and a slice of queue, channel, market and reason would leave a handful ` +
	`(docs/dashboards.md, "Slicing").</p>`

// reportNotices are the plain-text notices at the top of every view of the report page
// ("" for none): Empty for a period without conversations (of the slice), LateEvents for a
// default period whose last days hold no conversation started (lateEventsNotice).
type reportNotices struct {
	Empty, LateEvents string
}

// writeReport writes index.html, the page of every other view and the Now page into dir.
func writeReport(dir string, header htmlpage.Page, d reportData, quality, now template.HTML, notices reportNotices) error {
	raw, err := encodeData(d)
	if err != nil {
		return err
	}
	bodies := make([]template.HTML, len(views))
	for i, v := range views {
		if v.ID == "quality" {
			bodies[i] = template.HTML(qualityNote) + quality
		}
	}
	body, err := htmlpage.Fragment(bodyTmpl, struct {
		CSS     template.CSS
		Notices reportNotices
		Views   []view
		Bodies  []template.HTML
		Data    template.JS
	}{template.CSS(reportCSS), notices, views, bodies, template.JS(strconv.Quote(raw))})
	if err != nil {
		return err
	}
	page := header
	page.Title, page.Subtitle, page.Body = views[0].Title, views[0].Subtitle, body
	page.Script, page.ECharts = sliceJS, true
	// The views' links come first, in the order of views: the script keeps them pointing
	// at the chosen slice.
	for _, v := range views {
		page.Nav = append(page.Nav, htmlpage.Link{Href: "#" + v.ID, Label: v.Label, Current: v.ID == views[0].ID})
	}
	page.Nav = append(page.Nav, htmlpage.Link{Href: nowPage.File, Label: nowPage.Label})
	if err := htmlpage.WritePage(filepath.Join(dir, views[0].File), page); err != nil {
		return err
	}
	np := header
	np.Title, np.Subtitle, np.Body = nowPage.Title, nowPage.Subtitle, now
	np.Footer = nowFooter
	for _, v := range views {
		np.Nav = append(np.Nav, htmlpage.Link{Href: views[0].File + "#" + v.ID, Label: v.Label})
	}
	np.Nav = append(np.Nav, htmlpage.Link{Href: nowPage.File, Label: nowPage.Label, Current: true})
	if err := htmlpage.WritePage(filepath.Join(dir, nowPage.File), np); err != nil {
		return err
	}
	for _, v := range views[1:] {
		var buf bytes.Buffer
		// The kit's policy and a <main>, so that parley serve serves it as a page of the kit
		// (htmlpage.Served.Rewrite).
		if err := stubTmpl.Execute(&buf, struct {
			view
			CSP string
		}{v, htmlpage.CSP}); err != nil {
			return fmt.Errorf("dashboards: render %s: %w", v.File, err)
		}
		if err := atomicfile.WriteFile(filepath.Join(dir, v.File), buf.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// Slice restricts a report to one queue, channel, market or contact reason (parley report
// --queue, --channel, --market, --reason): only its conversations are read, so the files hold
// nothing of the others. Empty fields mean any; a conversation without a queue or a market is
// in the queue or market "(none)".
type Slice struct {
	Queue, Channel, Market, Reason string
}

// params are the slice's values by the name the pages and the queries use.
func (s Slice) params() map[string]string {
	return map[string]string{"queue": s.Queue, "channel": s.Channel, "market": s.Market, "reason": s.Reason}
}

// args binds the slice to the queries' $queue, $channel, $market and $reason.
func (s Slice) args() []any {
	return []any{namedString("queue", s.Queue), namedString("channel", s.Channel), namedString("market", s.Market), namedString("reason", s.Reason)}
}

// filters are the slice's values for warehouse.CheckFilters, each named as its flag's field.
func (s Slice) filters() []warehouse.Filter {
	return []warehouse.Filter{
		{Flag: "queue", Dimension: "queue", Value: s.Queue, None: "(none)"},
		{Flag: "channel", Dimension: "channel", Value: s.Channel},
		{Flag: "market", Dimension: "market", Value: s.Market, None: "(none)"},
		{Flag: "reason", Dimension: "reason", Value: s.Reason},
	}
}

// String names the slice for headers and messages: "queue billing, market DE"; "" for none.
func (s Slice) String() string {
	var parts []string
	for _, f := range []struct{ name, v string }{{"queue", s.Queue}, {"channel", s.Channel}, {"market", s.Market}, {"contact reason", s.Reason}} {
		if f.v != "" {
			parts = append(parts, f.name+" "+f.v)
		}
	}
	return strings.Join(parts, ", ")
}

func namedDate(name string, t time.Time) any { return sql.Named(name, t.Format(time.DateOnly)) }
func namedString(name, v string) any         { return sql.Named(name, v) }
func namedInt(name string, v int) any        { return sql.Named(name, v) }

// encodeData is the page's data block: the JSON of d, gzipped, in base64. The figures of a
// month of a busy operation are mostly digits, which gzip shrinks to a third (measured on the
// demo: 12.9 MB of JSON, 3.9 MB gzipped, 5.2 MB in base64); the page inflates them with the
// browser's own DecompressionStream. Base64 holds no character HTML could read as markup, and
// the block holds it as one JSON string.
func encodeData(d reportData) (string, error) {
	raw, err := json.Marshal(d)
	if err != nil {
		return "", fmt.Errorf("dashboards: encode the report's data: %w", err)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(raw); err != nil {
		return "", fmt.Errorf("dashboards: compress the report's data: %w", err)
	}
	if err := zw.Close(); err != nil {
		return "", fmt.Errorf("dashboards: compress the report's data: %w", err)
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}
