package dashboards

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parley-cx/parley/internal/browsertest"
	"github.com/parley-cx/parley/internal/buildtest"
)

// TestNowByHand checks the Now page's figures against the fixture's
// queue_now rows (testdata/fixture.sql), summed by hand: tiles add every
// row (the sms row's NULL SLA counts nowhere), the table puts the most
// customers waiting on the business first.
func TestNowByHand(t *testing.T) {
	db := buildtest.Open(t, fixtureDB(t))
	d, err := loadNow(context.Background(), db.DB, Slice{})
	if err != nil {
		t.Fatal(err)
	}
	tot := d.Totals
	wantAsOf := time.Date(2026, 10, 7, 16, 0, 0, 0, time.UTC)
	if tot.AsOf == nil || !tot.AsOf.Equal(wantAsOf) {
		t.Errorf("as_of = %v, want %v", tot.AsOf, wantAsOf)
	}
	got := []int64{tot.Open, tot.Business, tot.Customer, tot.SLABreached, tot.SLAAtRisk, tot.WindowAtRisk, tot.WindowBreached}
	want := []int64{3 + 1 + 2 + 0, 2 + 0 + 1 + 0, 1 + 1 + 0 + 0, 1 + 0 + 1, 1, 0, 1}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("totals = %v, want %v", got, want)
			break
		}
	}
	if tot.OldestWaitS == nil || *tot.OldestWaitS != 90000 {
		t.Errorf("oldest wait = %v, want 90000", tot.OldestWaitS)
	}
	var order []string
	for _, q := range d.Queues {
		order = append(order, q.Queue+"/"+q.Channel)
	}
	if got, want := strings.Join(order, " "), "billing/chat <img src=x onerror=window.pwned=5>/whatsapp tech/email (none)/sms"; got != want {
		t.Errorf("rows in order %q, want %q", got, want)
	}
}

// TestNowPageInBrowser opens now.html: the as-of instant in the org time
// zone (18:00 in Berlin for 16:00 UTC), dashes where a channel has no SLA or
// reply window, and the hostile queue name and conversation id as text.
func TestNowPageInBrowser(t *testing.T) {
	out := t.TempDir()
	if _, err := Render(context.Background(), Config{DB: fixtureDB(t), Out: out}); err != nil {
		t.Fatal(err)
	}
	b := browsertest.New(t)
	p := b.Open(t, filepath.Join(out, "now.html"))
	p.RequireClean(t)
	text := p.Text(t)
	for _, s := range []string{"The queue as of 2026-10-07 18:00:00", "Europe/Berlin", "1d 01h 00m 00s", "25m 00s",
		"<img src=x onerror=window.pwned=5>", `c7"><script>window.pwned=6</script>`} {
		if !strings.Contains(text, s) {
			t.Errorf("the Now page does not show %q", s)
		}
	}
	if v := browsertest.Eval[any](t, p, "window.pwned"); v != nil {
		t.Errorf("hostile text ran as script: window.pwned = %v", v)
	}
	// The sms row: no SLA target and no reply window, so dashes, not zeros.
	cells := browsertest.Eval[[]string](t, p, `Array.from(document.querySelectorAll("table.data tbody tr")).filter(r => r.cells[1].textContent === "sms")[0].cells.length ? Array.from(Array.from(document.querySelectorAll("table.data tbody tr")).filter(r => r.cells[1].textContent === "sms")[0].cells).map(c => c.textContent) : []`)
	if got, want := strings.Join(cells, "|"), "(none)|sms|0|0|0|–||–|–|–|–|1"; got != want {
		t.Errorf("sms row = %q, want %q", got, want)
	}
}

// TestNowSliced: a report of one queue or channel shows only its rows of the live queue, summed
// again; one of a market or contact reason, which queue_now does not hold, shows none of it and
// says why (the report is to be shared, so the other queues must not be in it).
func TestNowSliced(t *testing.T) {
	path := fixtureDB(t)
	db := buildtest.Open(t, path)
	tests := []struct {
		name        string
		slice       Slice
		rows        string
		open, wait  int64
		slaBreached int64
	}{
		{"queue", Slice{Queue: "billing"}, "billing/chat", 3, 2, 1},
		{"channel", Slice{Channel: "email"}, "tech/email", 1, 0, 0},
		{"no queue", Slice{Queue: "(none)"}, "(none)/sms", 0, 0, 0},
		{"queue and channel", Slice{Queue: "billing", Channel: "email"}, "", 0, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := loadNow(context.Background(), db.DB, tc.slice)
			if err != nil {
				t.Fatal(err)
			}
			var rows []string
			for _, q := range d.Queues {
				rows = append(rows, q.Queue+"/"+q.Channel)
			}
			if got := strings.Join(rows, " "); got != tc.rows {
				t.Errorf("rows %q, want %q", got, tc.rows)
			}
			if tot := d.Totals; tot.Open != tc.open || tot.Business != tc.wait || tot.SLABreached != tc.slaBreached || tot.AsOf == nil {
				t.Errorf("totals %+v, want open %d, waiting on us %d, past SLA %d, as of the newest event", tot, tc.open, tc.wait, tc.slaBreached)
			}
		})
	}
	for _, s := range []Slice{{Market: "DE"}, {Reason: "billing", Queue: "billing"}} {
		t.Run(s.String(), func(t *testing.T) {
			out := t.TempDir()
			if _, err := Render(context.Background(), Config{DB: path, Out: out, From: fixturePeriod.From, To: fixturePeriod.To, Slice: s}); err != nil {
				t.Fatal(err)
			}
			page, err := os.ReadFile(filepath.Join(out, "now.html"))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(page), "The live queue is not in this report") {
				t.Errorf("now.html of %s does not say the live queue is left out", s)
			}
			for _, other := range []string{"tech", "sms", "Waiting on us"} {
				if strings.Contains(string(page), other) {
					t.Errorf("now.html of %s holds %q", s, other)
				}
			}
		})
	}
}

// TestNowPageSaysWhatItShows: the Now page's footer and its empty table speak of the live
// queue as of the newest event, not of the period, which its figures do not depend on (the
// report's footer and tables said "from the conversations of the period", "No data in this
// period"). The fixture's live queue holds nothing for billing on email.
func TestNowPageSaysWhatItShows(t *testing.T) {
	out := t.TempDir()
	if _, err := Render(context.Background(), Config{DB: fixtureDB(t), Out: out, From: fixturePeriod.From, To: fixturePeriod.To,
		Slice: Slice{Queue: "billing", Channel: "email"}}); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(out, "now.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<p>" + nowFooter + "</p>", `<td class="empty" colspan="12">No open conversation in the live queue.</td>`} {
		if !strings.Contains(string(page), want) {
			t.Errorf("now.html does not hold %q", want)
		}
	}
	for _, wrong := range []string{"period.</td>", "from the conversations of the period"} {
		if strings.Contains(string(page), wrong) {
			t.Errorf("now.html says %q, but its figures do not depend on the period", wrong)
		}
	}
}

// TestServerDrawnCSV: every figure drawn on the server — the Quality view's reviews and
// agreement, the Now page — has its CSV download, and each is byte for byte what parley sql
// prints for the same query and parameters (the same query.Write); a click downloads it.
func TestServerDrawnCSV(t *testing.T) {
	path := fixtureDB(t)
	out := t.TempDir()
	if _, err := Render(context.Background(), Config{DB: path, Out: out, From: fixturePeriod.From, To: fixturePeriod.To}); err != nil {
		t.Fatal(err)
	}
	db := buildtest.Open(t, path)
	b := browsertest.New(t)
	downloads := t.TempDir()
	b.Downloads(t, downloads)
	type link struct {
		Query string `json:"query"`
		File  string `json:"file"`
		Href  string `json:"href"`
	}
	const links = `Array.from(document.querySelectorAll("a.csv[data-query]")).filter(a => a.offsetParent !== null || document.getElementById("view-quality") === null)
		.map(a => ({query: a.getAttribute("data-query"), file: a.getAttribute("download"), href: a.getAttribute("href")}))`
	for _, tc := range []struct {
		name, view string
		want       []string
	}{
		{"quality", "quality", []string{"quality_kpis", "quality_weekly", "quality_categories", "quality_agents", "quality_categories",
			"quality_calibration", "quality_reviewers", "quality_customer", "quality_customer_corr", "quality_auto_agreement"}},
		{"now", "", []string{"now_totals", "now_queues"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var p *browsertest.Page
			if tc.view != "" {
				p = openReport(t, b, out, "overview")
				showView(t, p, tc.view, "")
			} else {
				p = b.Open(t, filepath.Join(out, "now.html"))
			}
			got := browsertest.Eval[[]link](t, p, links)
			var queries []string
			for _, l := range got {
				queries = append(queries, l.Query)
				data, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(l.Href, "data:text/csv;charset=utf-8;base64,"))
				if err != nil {
					t.Fatalf("%s: %v", l.Query, err)
				}
				if want := sqlCSV(t, db, l.Query, fixturePeriod, Slice{}); string(data) != want {
					t.Errorf("%s: the download differs from parley sql's:\n%s", l.Query, diff(want, string(data)))
				}
			}
			if strings.Join(queries, " ") != strings.Join(tc.want, " ") {
				t.Errorf("downloads %v, want %v", queries, tc.want)
			}
			// A real click: the first link's file lands in the downloads folder.
			browsertest.Eval[bool](t, p, `(Array.from(document.querySelectorAll("a.csv[data-query]")).filter(a => a.offsetParent !== null)[0].click(), true)`)
			data, err := os.ReadFile(b.Downloaded(t, got[0].File))
			if err != nil {
				t.Fatal(err)
			}
			if want := sqlCSV(t, db, got[0].Query, fixturePeriod, Slice{}); string(data) != want {
				t.Errorf("downloaded %s differs from parley sql's", got[0].File)
			}
			p.RequireClean(t)
		})
	}
}
