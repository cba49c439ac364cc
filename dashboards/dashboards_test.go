package dashboards

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parley-cx/parley/internal/browsertest"
	"github.com/parley-cx/parley/internal/warehouse"
	parleysql "github.com/parley-cx/parley/sql"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// fixturePeriod is the period the fixture's hand-computed figures are for.
var fixturePeriod = Period{From: day("2026-10-05"), To: day("2026-10-07")}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// fixtureDB builds the hand-made warehouse of testdata/fixture.sql and returns its path.
func fixtureDB(tb testing.TB) string {
	tb.Helper()
	script, err := os.ReadFile(filepath.Join("testdata", "fixture.sql"))
	if err != nil {
		tb.Fatal(err)
	}
	path := filepath.Join(tb.TempDir(), "warehouse.duckdb")
	execScript(tb, path, string(script))
	// The QA views, as the build defines them, over the fixture's qa_reviews and qa_ratings,
	// and the automatic checks' tables and views with the fixture's verdicts.
	autoQA, err := os.ReadFile(filepath.Join("testdata", "fixture_auto_qa.sql"))
	if err != nil {
		tb.Fatal(err)
	}
	execScript(tb, path, parleysql.File("build/201_reference.sql")+parleysql.File("build/246_qa_quality.sql")+
		parleysql.File("build/247_auto_qa.sql")+string(autoQA))
	return path
}

// execScript runs SQL statements against the warehouse file at path (created if missing).
func execScript(tb testing.TB, path, script string) {
	tb.Helper()
	db, err := warehouse.Open(path, false)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := db.Exec(script); err != nil {
		tb.Fatalf("fixture: %v", err)
	}
	if err := db.Close(); err != nil {
		tb.Fatal(err)
	}
}

func openRO(t *testing.T, path string) *warehouse.DB {
	t.Helper()
	db, err := warehouse.Open(path, true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestOverviewKPIsByHand(t *testing.T) {
	db := openRO(t, fixtureDB(t))
	d, err := loadOverview(context.Background(), db.DB, fixturePeriod)
	if err != nil {
		t.Fatal(err)
	}
	// Worked out from fixture.sql: see the comments for each figure.
	tests := []struct {
		name string
		got  *float64
		want *float64
	}{
		{"conversations", f(float64(d.KPIs.Conversations)), f(8)},
		// FRTs 30, 90, 120, 400, 5000, 20000: median (120+400)/2.
		{"frt median", d.KPIs.FRTMedianS, f(260)},
		// p90 by linear interpolation at rank 4.5: 5000 + 0.5 * 15000.
		{"frt p90", d.KPIs.FRTP90S, f(12500)},
		// SLA measured on c1 c2 c3 c4 c7 c8, met by c1 c3 c4 c7.
		{"sla", d.KPIs.SLAPct, f(66.7)},
		{"resolution", d.KPIs.ResolutionPct, f(75)},                          // 6 of 8
		{"fcr", d.KPIs.FCRPct, f(66.7)},                                      // c1 c3 c4 c5 of 6 resolved
		{"bot containment", d.KPIs.BotContainmentPct, f(33.3)},               // c5 of c4 c5 c6
		{"escalation effectiveness", d.KPIs.EscalationEffectivePct, f(66.7)}, // e1 e3 of 3
		{"csat", d.KPIs.CSATAvg, f(3.4)},                                     // (5+2+4+5+1)/5
		{"csat responses", f(float64(d.KPIs.CSATResponses)), f(5)},
		{"friction median", d.KPIs.FrictionMedian, f(37.5)}, // (30+45)/2
		{"previous conversations", f(float64(d.Previous.Conversations)), f(2)},
		{"previous frt median", d.Previous.FRTMedianS, f(3030)}, // (60+6000)/2
		{"previous escalation effectiveness", d.Previous.EscalationEffectivePct, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			switch {
			case tt.want == nil && tt.got != nil:
				t.Errorf("got %v, want NULL", *tt.got)
			case tt.want != nil && tt.got == nil:
				t.Errorf("got NULL, want %v", *tt.want)
			case tt.want != nil && math.Abs(*tt.got-*tt.want) > 1e-9:
				t.Errorf("got %v, want %v", *tt.got, *tt.want)
			}
		})
	}
	if len(d.Daily) != 3 || d.Daily[0].Day != "2026-10-05" || d.Daily[0].Conversations != 3 {
		t.Errorf("daily rows %+v, want 3 days starting 2026-10-05 with 3 conversations", d.Daily)
	}
}

// TestResponsivenessAsync checks the reply-window and wait-split figures
// against the fixture's rows, worked out by hand.
func TestResponsivenessAsync(t *testing.T) {
	db := openRO(t, fixtureDB(t))
	d, err := loadResponsiveness(context.Background(), db.DB, fixturePeriod)
	if err != nil {
		t.Fatal(err)
	}
	// Only whatsapp has a window: c4 (tech), c5 and c6 (general); c6 breached once.
	wantWindows := []windowBreaches{
		{Dimension: "channel", Name: "whatsapp", Measured: 3, Breached: 1, Breaches: 1, BreachedPct: f(33.3)},
		{Dimension: "queue", Name: "general", Measured: 2, Breached: 1, Breaches: 1, BreachedPct: f(50)},
		{Dimension: "queue", Name: "tech", Measured: 1, Breached: 0, Breaches: 0, BreachedPct: f(0)},
	}
	if got, want := asJSON(t, d.Windows), asJSON(t, wantWindows); got != want {
		t.Errorf("windows\n got %s\nwant %s", got, want)
	}
	// Resolved chat c1 c2 c7: 15600 s, of which the business 600+1800+2000 and the
	// customer 2400+5000+3000; whatsapp c4 c5: 2400 s, 310 and 2090; email c3: 90000 s, 30000 and 60000.
	wantSplit := []waitSplit{
		{Channel: "chat", Resolved: 3, ResolutionH: 4.3, BusinessPct: f(28.2), CustomerPct: f(66.7), OtherPct: f(5.1)},
		{Channel: "whatsapp", Resolved: 2, ResolutionH: 0.7, BusinessPct: f(12.9), CustomerPct: f(87.1), OtherPct: f(0)},
		{Channel: "email", Resolved: 1, ResolutionH: 25, BusinessPct: f(33.3), CustomerPct: f(66.7), OtherPct: f(0)},
	}
	if got, want := asJSON(t, d.WaitSplit), asJSON(t, wantSplit); got != want {
		t.Errorf("wait split\n got %s\nwant %s", got, want)
	}
}

// asJSON renders v with pointer fields followed, for comparison and readable failures.
func asJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestBotOutcomesPartition(t *testing.T) {
	db := openRO(t, fixtureDB(t))
	d, err := loadResolution(context.Background(), db.DB, fixturePeriod)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Bot) == 0 || d.Bot[0].Channel != "All channels" || d.Bot[0].BotHandled != 3 {
		t.Fatalf("bot outcomes %+v, want an All channels row with 3 bot-handled", d.Bot)
	}
	for _, b := range d.Bot {
		if b.Contained+b.HandedOff+b.Abandoned != b.BotHandled {
			t.Errorf("%s: %d + %d + %d != %d bot-handled", b.Channel, b.Contained, b.HandedOff, b.Abandoned, b.BotHandled)
		}
		if sum := b.ContainedPct + b.HandedOffPct + b.AbandonedPct; math.Abs(sum-100) > 1e-9 {
			t.Errorf("%s: shares sum to %v, want 100", b.Channel, sum)
		}
	}
}

// TestChartDataGolden pins the data every chart and table receives.
// Run `go test ./dashboards -run Golden -update` after an intended change
// and review the diff of testdata/golden.
func TestChartDataGolden(t *testing.T) {
	db := openRO(t, fixtureDB(t))
	ctx := context.Background()
	tests := []struct {
		name string
		load func() (any, error)
	}{
		{"overview", func() (any, error) { return loadOverview(ctx, db.DB, fixturePeriod) }},
		{"responsiveness", func() (any, error) { return loadResponsiveness(ctx, db.DB, fixturePeriod) }},
		{"resolution", func() (any, error) { return loadResolution(ctx, db.DB, fixturePeriod) }},
		{"friction", func() (any, error) { return loadFriction(ctx, db.DB, fixturePeriod) }},
		{"team", func() (any, error) { return loadTeam(ctx, db.DB, fixturePeriod) }},
		{"now", func() (any, error) { return loadNow(ctx, db.DB) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := tt.load()
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.MarshalIndent(data, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", "golden", tt.name+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if d := diff(string(want), string(got)); d != "" {
				t.Errorf("chart data differs from %s (-want +got):\n%s", path, d)
			}
		})
	}
}

// diff is a small line diff: the changed lines with a little context.
func diff(want, got string) string {
	a, b := strings.Split(want, "\n"), strings.Split(got, "\n")
	// Longest common subsequence table, fine for files of a few hundred lines.
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out strings.Builder
	changed := false
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			i, j = i+1, j+1
		case j < len(b) && (i == len(a) || lcs[i][j+1] >= lcs[i+1][j]):
			out.WriteString("+ " + b[j] + "\n")
			j, changed = j+1, true
		default:
			out.WriteString("- " + a[i] + "\n")
			i, changed = i+1, true
		}
	}
	if !changed {
		return ""
	}
	return out.String()
}

func TestResolvePeriod(t *testing.T) {
	first, last := day("2026-09-01"), day("2026-09-30")
	info := warehouseInfo{FirstDate: &first, LastDate: &last}
	tests := []struct {
		name     string
		from, to time.Time
		info     warehouseInfo
		want     Period
		wantErr  bool
	}{
		{name: "whole data", info: info, want: Period{first, last}},
		{name: "from only", from: day("2026-09-10"), info: info, want: Period{day("2026-09-10"), last}},
		{name: "both, beyond the data", from: day("2026-08-01"), to: day("2026-10-31"), info: info, want: Period{day("2026-08-01"), day("2026-10-31")}},
		{name: "time of day ignored", from: time.Date(2026, 9, 2, 23, 59, 0, 0, time.UTC), to: day("2026-09-03"), info: info, want: Period{day("2026-09-02"), day("2026-09-03")}},
		{name: "reversed", from: day("2026-09-10"), to: day("2026-09-09"), info: info, wantErr: true},
		{name: "empty warehouse", wantErr: true},
		{name: "empty warehouse with a period", from: day("2026-09-01"), to: day("2026-09-02"), want: Period{day("2026-09-01"), day("2026-09-02")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := resolvePeriod(tt.from, tt.to, tt.info)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if !tt.wantErr && (!got.From.Equal(tt.want.From) || !got.To.Equal(tt.want.To)) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	if p := (Period{day("2026-10-05"), day("2026-10-07")}).Previous(); !p.From.Equal(day("2026-10-02")) || !p.To.Equal(day("2026-10-04")) {
		t.Errorf("previous of 2026-10-05..07 = %v, want 2026-10-02..04", p)
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want []string // substrings of the error; none = valid
	}{
		{"valid", Config{DB: "w.duckdb", Out: "out"}, nil},
		{"valid with period and link", Config{DB: "w", Out: "o", From: day("2026-01-01"), To: day("2026-01-01"), QALink: "https://qa/{id}"}, nil},
		{"missing both", Config{}, []string{"db: required", "out: required"}},
		{"reversed period", Config{DB: "w", Out: "o", From: day("2026-01-02"), To: day("2026-01-01")}, []string{"to: 2026-01-01 is before from 2026-01-02"}},
		{"link without id", Config{DB: "w", Out: "o", QALink: "https://qa/"}, []string{"qa-link:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if (err != nil) != (len(tt.want) > 0) {
				t.Fatalf("err = %v, want errors %q", err, tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestRenderNeedsAWarehouse(t *testing.T) {
	_, err := Render(context.Background(), Config{DB: filepath.Join(t.TempDir(), "missing.duckdb"), Out: t.TempDir()})
	if !errors.Is(err, warehouse.ErrNoWarehouse) {
		t.Fatalf("err = %v, want ErrNoWarehouse", err)
	}
}

// tooltipSweep shows the tooltip of every data item of every chart and
// returns how many tooltips held text.
const tooltipSweep = `(function () {
  var shown = 0;
  document.querySelectorAll("div.chart").forEach(function (el) {
    var chart = echarts.getInstanceByDom(el);
    var series = chart.getOption().series;
    series.forEach(function (s, si) {
      for (var i = 0; i < Math.min((s.data || []).length, 200); i++) {
        chart.dispatchAction({type: "showTip", seriesIndex: si, dataIndex: i});
        el.querySelectorAll("div").forEach(function (d) {
          if (d.style.zIndex === "9999999" && d.textContent.length > 0) { shown++; }
        });
      }
    });
    chart.dispatchAction({type: "hideTip"});
  });
  return shown;
})()`

// TestPagesInBrowser renders the fixture and opens every page in headless
// Chromium with the network refused: no console error, no request out,
// every chart drawn, and the hostile text in c7 shown as text, never run.
func TestPagesInBrowser(t *testing.T) {
	out := t.TempDir()
	res, err := Render(context.Background(), Config{DB: fixtureDB(t), Out: out, From: fixturePeriod.From, To: fixturePeriod.To,
		QALink: "https://qa.example/conversations/{id}"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) != len(pages) {
		t.Fatalf("wrote %d files, want %d", len(res.Files), len(pages))
	}
	b := browsertest.New(t)
	wantCharts := map[string]int{"index.html": 4, "responsiveness.html": 6, "resolution.html": 5, "friction.html": 2, "team.html": 0, "quality.html": 6, "now.html": 0}
	for _, file := range res.Files {
		name := filepath.Base(file.Path)
		t.Run(name, func(t *testing.T) {
			t.Logf("%s: %d bytes", name, file.Bytes)
			p := b.Open(t, file.Path)
			// Hover every data point of every chart: tooltips are HTML built
			// from category and series names, some of them hostile here.
			shown := browsertest.Eval[int](t, p, tooltipSweep)
			if wantCharts[name] > 0 && shown == 0 {
				t.Errorf("no tooltip was shown")
			}
			p.RequireClean(t)
			if len(p.Charts) != wantCharts[name] {
				t.Errorf("%d charts, want %d", len(p.Charts), wantCharts[name])
			}
			if v := browsertest.Eval[any](t, p, "window.pwned"); v != nil {
				t.Errorf("hostile text ran as script: window.pwned = %v", v)
			}
			text := p.Text(t)
			if !strings.Contains(text, "Europe/Berlin") || !strings.Contains(text, "2026-10-05 to 2026-10-07") {
				t.Errorf("header lacks the time zone or the period")
			}
			switch name {
			case "team.html":
				for _, s := range []string{"<script>window.pwned=1</script>", "<img src=x onerror=window.pwned=2>"} {
					if !strings.Contains(text, s) {
						t.Errorf("hostile agent or queue name %q not shown as text", s)
					}
				}
				// Clicking a heading sorts by its values: Median FRT sorts by minutes, not by the shown text.
				sorted := func() string {
					return browsertest.Eval[string](t, p, `(function () {
						document.querySelector("table.sortable th:nth-child(4)").click();
						return Array.from(document.querySelectorAll("table.sortable")[0].tBodies[0].rows).map(r => r.cells[0].textContent).join("|");
					})()`)
				}
				// Median FRT: ann 6m 42s, bob 42m 42s, the hostile agent 1m 30s.
				if got, want := sorted(), "<script>window.pwned=1</script>|ann|bob"; got != want {
					t.Errorf("ascending by median FRT: %q, want %q", got, want)
				}
				if got, want := sorted(), "bob|ann|<script>window.pwned=1</script>"; got != want {
					t.Errorf("descending by median FRT: %q, want %q", got, want)
				}
			case "friction.html":
				if !strings.Contains(text, `c7"><script>window.pwned=3</script>`) {
					t.Errorf("hostile conversation ID not shown as text")
				}
			case "quality.html":
				// The automatic checks: the tile, the per-agent matrix (a
				// column per check, hostile names as text) and the agreement table.
				for _, want := range []string{"Failed an automatic check\n50.0%\n4 of 8 conversations checked", "nudge<img src=x onerror=window.pwned=6>", "Agreement with the reviewers"} {
					if !strings.Contains(text, want) {
						t.Errorf("the Quality page lacks %q", want)
					}
				}
				titles := browsertest.Eval[[]string](t, p, `[...document.querySelectorAll("div.chart")].map(el => echarts.getInstanceByDom(el).getOption().title[0].text)`)
				for _, want := range []string{"Check fail rates by week", "Fail rate per check"} {
					if !slices.Contains(titles, want) {
						t.Errorf("the Quality page's charts %q lack %q", titles, want)
					}
				}
				matrix := browsertest.Eval[[]string](t, p, `[...document.querySelectorAll("table")].filter(t => t.caption && t.caption.textContent === "Fail rate per agent")
					.flatMap(t => [...t.rows].map(r => [...r.cells].map(c => c.textContent).join("|")))`)
				if want := []string{"Agent|greeting|sensitive_data|nudge<img src=x onerror=window.pwned=6>", "<script>window.pwned=1</script>|100.0% (1)|100.0% (1)|100.0% (1)",
					"ann|33.3% (3)|0.0% (3)|33.3% (3)", "bob|100.0% (2)|50.0% (2)|0.0% (2)"}; strings.Join(matrix, "\n") != strings.Join(want, "\n") {
					t.Errorf("per-agent table %q, want %q", matrix, want)
				}
				agreement := browsertest.Eval[[]string](t, p, `[...document.querySelectorAll("table")].filter(t => t.caption && t.caption.textContent === "Agreement with the reviewers")
					.flatMap(t => [...t.tBodies[0].rows].map(r => [...r.cells].map(c => c.textContent).join("|")))`)
				if want := []string{"greeting|tone|12|1|6|0|5|0.500|0.143|1.000|0.122|slight", "sensitive_data|process|13|1|1|1|10|0.846|0.500|0.500|0.409|moderate"}; strings.Join(agreement, "\n") != strings.Join(want, "\n") {
					t.Errorf("agreement table %q, want %q", agreement, want)
				}
			}
		})
	}
}

// TestEmptyPeriod renders a period with no conversations: the pages must
// still be written and open cleanly, with dashes and "No data" instead of numbers.
func TestEmptyPeriod(t *testing.T) {
	out := t.TempDir()
	res, err := Render(context.Background(), Config{DB: fixtureDB(t), Out: out, From: day("2030-01-01"), To: day("2030-01-07")})
	if err != nil {
		t.Fatal(err)
	}
	b := browsertest.New(t)
	for _, file := range res.Files {
		t.Run(filepath.Base(file.Path), func(t *testing.T) {
			p := b.Open(t, file.Path)
			p.RequireClean(t)
			text := p.Text(t)
			if !strings.Contains(text, "2030-01-01 to 2030-01-07 (7 days)") {
				t.Errorf("header lacks the empty period")
			}
			if filepath.Base(file.Path) == "quality.html" && !strings.Contains(text, "No reviews of conversations of this period yet") {
				t.Errorf("the Quality page does not say there are no reviews")
			}
			if filepath.Base(file.Path) == "quality.html" && !strings.Contains(text, "No automatic check judged a conversation of this period") {
				t.Errorf("the Quality page does not say no automatic check judged a conversation")
			}
		})
	}
}

// TestGapWarningOnEveryPage records offset gaps in the fixture warehouse:
// every page must then carry the warning, in view as it opens and in full
// in the footer, with the gaps' text escaped; without gaps, no page has it.
func TestGapWarningOnEveryPage(t *testing.T) {
	const hostile = `<script>window.pwned=4</script>`
	tests := []struct {
		name string
		gaps int
	}{
		{"no gaps", 0},
		{"gaps", gapsListed + 5},
	}
	b := browsertest.New(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := fixtureDB(t)
			if tc.gaps > 0 {
				execScript(t, path, `
					INSERT INTO ingest_gaps
					SELECT CASE WHEN i = 0 THEN '`+hostile+`' ELSE 'conversation-events' END, i % 3, 0, 1000 * i, 1000 * i + 249, 250,
					       TIMESTAMP '2026-10-06 10:00' + i * INTERVAL 1 MINUTE
					FROM range(`+fmt.Sprint(tc.gaps)+`) t(i);
					UPDATE warehouse_info SET offset_gaps = (SELECT count(*) FROM ingest_gaps), offset_gap_messages = (SELECT sum(messages) FROM ingest_gaps);`)
			}
			res, err := Render(context.Background(), Config{DB: path, Out: t.TempDir(), From: fixturePeriod.From, To: fixturePeriod.To})
			if err != nil {
				t.Fatal(err)
			}
			for _, file := range res.Files {
				name := filepath.Base(file.Path)
				t.Run(name, func(t *testing.T) {
					p := b.Open(t, file.Path)
					p.RequireClean(t)
					// The banner must be visible without scrolling.
					inView := browsertest.Eval[int](t, p, `Array.from(document.querySelectorAll(".alert")).filter(e => {
						const r = e.getBoundingClientRect(); return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight; }).length`)
					footer := browsertest.Eval[string](t, p, `(document.querySelector("footer .alert") || {innerText: ""}).innerText`)
					if tc.gaps == 0 {
						if n := browsertest.Eval[int](t, p, `document.querySelectorAll(".alert").length`); n != 0 {
							t.Errorf("%d warnings on a page of a warehouse without offset gaps", n)
						}
						return
					}
					if inView != 1 {
						t.Errorf("%d warnings in view as the page opens, want the banner", inView)
					}
					wantLost := count(int64(250 * tc.gaps))
					for _, want := range []string{"data is missing", wantLost + " messages", count(int64(tc.gaps)) + " offset gaps",
						"Topic " + hostile + ", partition 0: offsets 0 to 249 (250 messages) lost, found 2026-10-06 12:00",
						"Topic conversation-events, partition 1: offsets 1000 to 1249", "and 5 more offset gaps"} {
						if !strings.Contains(footer, want) {
							t.Errorf("footer warning lacks %q:\n%s", want, footer)
						}
					}
					if banner := browsertest.Eval[string](t, p, `document.querySelector("div.alert").innerText`); !strings.Contains(banner, wantLost+" messages") {
						t.Errorf("banner %q does not say how many messages are missing", banner)
					}
					if v := browsertest.Eval[any](t, p, "window.pwned"); v != nil {
						t.Errorf("a topic name ran as script: window.pwned = %v", v)
					}
				})
			}
		})
	}
}
