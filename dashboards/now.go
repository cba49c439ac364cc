package dashboards

import (
	"context"
	"database/sql"
	"fmt"
	"html/template"
	"strconv"
	"time"

	"github.com/parley-cx/parley/internal/htmlpage"
)

// The Now page (now.html): the live queue of the warehouse's view
// queue_now, as of its newest event, whatever the report's period. Every
// build moves it; `parley run` renders it after each build and `parley
// serve` reloads it when it changes.
//
// It is a page of its own, beside index.html: it is as of now, not of the period, and a
// screen left on it reloads a small file after every build rather than the whole report.
// queue_now holds a current queue and channel but no market or contact reason, so a report of
// one queue or channel (parley report --queue, --channel) shows only theirs, one of a market
// or contact reason shows none of it, and the filters of index.html do not reach it.

// nowRow is a row of now_queues.sql: one current queue and channel.
type nowRow struct {
	Queue          string   `json:"queue"`
	Channel        string   `json:"channel"`
	Open           int64    `json:"open"`
	Business       int64    `json:"waiting_on_business"`
	Customer       int64    `json:"waiting_on_customer"`
	OldestWaitS    *float64 `json:"oldest_wait_s"`
	OldestWaitID   *string  `json:"oldest_wait_conversation_id"`
	SLABreached    *int64   `json:"sla_breached"`
	SLAAtRisk      *int64   `json:"sla_at_risk"`
	WindowAtRisk   *int64   `json:"window_at_risk"`
	WindowBreached *int64   `json:"window_breached"`
	AgentsActive   int64    `json:"agents_active"`
}

// nowTotals is the row of now_totals.sql: queue_now summed over its rows.
type nowTotals struct {
	AsOf           *time.Time `json:"as_of"`
	Open           int64      `json:"open"`
	Business       int64      `json:"waiting_on_business"`
	Customer       int64      `json:"waiting_on_customer"`
	OldestWaitS    *float64   `json:"oldest_wait_s"`
	SLABreached    int64      `json:"sla_breached"`
	SLAAtRisk      int64      `json:"sla_at_risk"`
	WindowAtRisk   int64      `json:"window_at_risk"`
	WindowBreached int64      `json:"window_breached"`
}

// nowData is the data of now.html.
type nowData struct {
	Totals nowTotals `json:"totals"`
	Queues []nowRow  `json:"queues"`
}

// loadNow reads the live queue of the slice's queue and channel.
func loadNow(ctx context.Context, db *sql.DB, s Slice) (d nowData, err error) {
	args := []any{namedString("queue", s.Queue), namedString("channel", s.Channel)}
	totals, err := query[nowTotals](ctx, db, "now_totals", args...)
	if err != nil {
		return d, err
	}
	if len(totals) != 1 {
		return d, fmt.Errorf("dashboards: now_totals returned %d rows, want 1", len(totals))
	}
	d.Totals = totals[0]
	d.Queues, err = query[nowRow](ctx, db, "now_queues", args...)
	return d, err
}

// nowFooter is the Now page's footer. The report's footer (Render's header) says its numbers
// are computed in the page from the conversations of the period; this page's are drawn when
// the report is written, from queue_now as of the newest event, whatever the period.
const nowFooter = "Every number on this page was drawn when the report was written, from the live queue (view queue_now) as of the newest event " +
	"in the warehouse, whatever the period: exactly what sql/dashboards/now_totals.sql and now_queues.sql, named on its CSV links, " +
	"give (see docs/dashboards.md). " + footerMark

// nowNote says which slice the Now page shows.
const nowNote = "Every queue and channel: the filters of the report's other pages do not apply to the live queue."

func (r *run) now(ctx context.Context) (template.HTML, error) {
	s := r.cfg.Slice
	if s.Market != "" || s.Reason != "" {
		return render(section{Title: "The live queue is not in this report",
			Note: "This report holds only " + s.String() + ", and the live queue (view queue_now) has no market or contact reason to " +
				"keep only theirs: see the Now page of the whole report.", Wide: true})
	}
	shown := nowNote
	if sl := s.String(); sl != "" {
		shown = "Only " + sl + ", as this report holds."
	}
	d, err := loadNow(ctx, r.db.DB, s)
	if err != nil {
		return "", err
	}
	n := func(v int64) string { return count(v) }
	tot := d.Totals
	tiles, err := htmlpage.Fragment(tilesTmpl, []tile{
		{Label: "Open", Value: n(tot.Open), Title: "Conversations neither resolved nor idle past windows.idle_complete"},
		{Label: "Waiting on us", Value: n(tot.Business), Title: "Open conversations whose customer wrote last: the business holds the clock"},
		{Label: "Waiting on customers", Value: n(tot.Customer), Title: "Open conversations an agent or bot answered last"},
		{Label: "Oldest wait", Value: htmlpage.Duration(tot.OldestWaitS), Title: "The longest current wait of a customer on the business (calendar time)"},
		{Label: "Past SLA", Value: n(tot.SLABreached), Class: alarm(tot.SLABreached), Title: "Current waits longer than the channel's first-response target, in the queue's business hours"},
		{Label: "SLA at risk", Value: n(tot.SLAAtRisk), Class: alarm(tot.SLAAtRisk), Title: "Current waits within 20 % of the target"},
		{Label: "Reply window at risk", Value: n(tot.WindowAtRisk), Class: alarm(tot.WindowAtRisk), Title: "WhatsApp and Messenger waits within 20 % of the reply window (reply_windows): answer them before the channel restricts messages"},
		{Label: "Reply window past", Value: n(tot.WindowBreached), Class: alarm(tot.WindowBreached), Title: "Open waits already past the reply window"},
	})
	if err != nil {
		return "", err
	}
	table := htmlpage.Table{Sortable: true, Empty: "No open conversation in the live queue.", Columns: []htmlpage.Column{
		{Label: "Queue"}, {Label: "Channel"},
		{Label: "Open", Numeric: true},
		{Label: "Waiting on us", Numeric: true}, {Label: "Waiting on customer", Numeric: true},
		{Label: "Oldest wait", Numeric: true}, {Label: "Oldest waiting", Title: "The conversation waiting longest"},
		{Label: "Past SLA", Numeric: true}, {Label: "SLA at risk", Numeric: true, Title: "Within 20 % of the first-response target"},
		{Label: "Window at risk", Numeric: true, Title: "Within 20 % of the channel's reply window; – where the channel has none"},
		{Label: "Window past", Numeric: true},
		{Label: "Agents active", Numeric: true, Title: "Agents with a human reply in this queue and channel in the last 15 minutes"},
	}}
	for _, q := range d.Queues {
		oldest := htmlpage.Cell{}
		if q.OldestWaitID != nil {
			oldest = htmlpage.Cell{Text: *q.OldestWaitID, Href: qaHref(r.cfg.QALink, *q.OldestWaitID)}
		}
		table.Rows = append(table.Rows, []htmlpage.Cell{
			{Text: q.Queue}, {Text: q.Channel},
			intCell(&q.Open), intCell(&q.Business), intCell(&q.Customer),
			{Text: htmlpage.Duration(q.OldestWaitS), Sort: sortKey(q.OldestWaitS)}, oldest,
			intCell(q.SLABreached), intCell(q.SLAAtRisk), intCell(q.WindowAtRisk), intCell(q.WindowBreached),
			intCell(&q.AgentsActive),
		})
	}
	tt, err := table.HTML()
	if err != nil {
		return "", err
	}
	asOf := "no events yet"
	if tot.AsOf != nil {
		asOf = tot.AsOf.In(r.loc).Format("2006-01-02 15:04:05")
	}
	links, err := r.csvLinks(ctx, "", []string{"now_totals", "now_queues"}, namedString("queue", s.Queue), namedString("channel", s.Channel))
	if err != nil {
		return "", err
	}
	return render(
		section{Title: "The queue as of " + asOf, CSV: links[:1],
			Note: "As of the newest event in the warehouse (" + r.loc.String() + "), whatever the period above; each build moves it. " +
				"A wait is the time since the customer's first unanswered message; the SLA counts the queue's business hours (view queue_now, docs/metrics.md). " + shown,
			Items: []template.HTML{tiles}, Wide: true},
		section{Title: "By queue and channel", Note: "Each open conversation counts in its current queue. Click a heading to sort.", Items: []template.HTML{tt}, Wide: true, CSV: links[1:]},
	)
}

// alarm is the tile class of a count that needs attention.
func alarm(n int64) string {
	if n > 0 {
		return "bad"
	}
	return ""
}

// intCell shows a count, or a dash where the figure does not apply.
func intCell(v *int64) htmlpage.Cell {
	if v == nil {
		return htmlpage.Cell{Text: dash}
	}
	return htmlpage.Cell{Text: count(*v), Sort: strconv.FormatInt(*v, 10)}
}
