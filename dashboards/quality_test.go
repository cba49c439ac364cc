package dashboards

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/parley-cx/parley/internal/buildtest"
)

// pearson is Pearson's correlation coefficient, written out.
func pearson(x, y []float64) float64 {
	var mx, my float64
	for i := range x {
		mx, my = mx+x[i], my+y[i]
	}
	mx, my = mx/float64(len(x)), my/float64(len(y))
	var sxy, sxx, syy float64
	for i := range x {
		sxy += (x[i] - mx) * (y[i] - my)
		sxx += (x[i] - mx) * (x[i] - mx)
		syy += (y[i] - my) * (y[i] - my)
	}
	return sxy / math.Sqrt(sxx*syy)
}

func round(v float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(v*p) / p
}

// TestQualityByHand checks every figure of the Quality page against the
// fixture's reviews (testdata/fixture.sql), worked out by hand.
func TestQualityByHand(t *testing.T) {
	db := buildtest.Open(t, fixtureDB(t))
	d, err := loadQuality(context.Background(), db.DB, fixturePeriod)
	if err != nil {
		t.Fatal(err)
	}
	k := d.KPIs
	// q1..q6: (100 + 62.5 + 0 + 83.33 + 37.5 + 87.5) / 6; q3 failed; one dispute open (q3),
	// one accepted (q2), one rejected (q4); six calibration reviews.
	if k.Reviews != 6 || k.Scored != 6 || *k.MeanScore != 61.8 || k.CriticalFails != 1 || *k.CriticalFailPct != 16.7 ||
		k.CalibrationReviews != 6 || k.DisputesOpen != 1 || k.DisputesAccepted != 1 || k.DisputesRejected != 1 || *k.DisputesAcceptedPct != 50 {
		t.Errorf("tiles %+v", k)
	}
	_, week := fixturePeriod.From.ISOWeek()
	if len(d.Weekly) != 1 || d.Weekly[0].Week != fmt.Sprintf("2026-W%02d", week) || d.Weekly[0].Reviews != 6 || *d.Weekly[0].MeanScore != 61.8 || d.Weekly[0].CriticalFailPct != 16.7 {
		t.Errorf("weekly %+v, want one week of 6 reviews, 61.8", d.Weekly)
	}
	type agent struct {
		name        string
		score       float64
		reviews     int64
		fails, open int64
	}
	var agents []agent
	for _, a := range d.Agents {
		agents = append(agents, agent{a.Agent, *a.MeanScore, a.Reviews, a.CriticalFails, a.DisputesOpen})
	}
	// ann: q1, q2, q6 = 250/3; bob: q3, q4 = (0 + 83.33)/2, q3 failed and disputed.
	if want := []agent{{"ann", 83.3, 3, 0, 0}, {"bob", 41.7, 2, 1, 1}, {"<script>window.pwned=1</script>", 37.5, 1, 0, 0}}; !slices.Equal(agents, want) {
		t.Errorf("agents %v, want %v", agents, want)
	}
	type category struct {
		name       string
		rated, na  int64
		mean, fail float64
	}
	var cats []category
	for _, c := range d.Categories {
		cats = append(cats, category{c.Category, c.Rated, c.NA, *c.Mean, *c.FailPct})
	}
	// tone 3,2,1,N/A,2,3 → (1 + .5 + 0 + .5 + 1)/5, one fail in 5; process 1,1,0,1,1,1; solution
	// 5,3,2,4,1,4 → (1 + .5 + .25 + .75 + 0 + .75)/6, one fail in 6.
	if want := []category{{"tone", 5, 1, 60, 20}, {"process", 6, 0, 83.3, 16.7}, {"solution", 6, 0, 54.2, 16.7}}; !slices.Equal(cats, want) {
		t.Errorf("categories %v, want %v", cats, want)
	}
	// cal-1 (c4: rev-a, rev-b, rev-c; c1: all top marks). solution, scaled: c4 .75 .75 .25, c1
	// 1 1 1: within c4 (2·3·1.1875 - 2·1.75²)/2 = 0.5; all 6 values (S1 4.75, S2 4.1875):
	// 2·6·4.1875 - 2·4.75² = 5.125; alpha = 1 - 5·0.5/5.125 = 21/41. process and tone: 0.
	type cal struct {
		category, level string
		alpha, spread   float64
	}
	var cals []cal
	for _, c := range d.Calibration {
		if c.Run != "cal-1" || c.Reviewers != 3 || c.Items != 2 {
			t.Errorf("calibration row %+v, want run cal-1, 3 reviewers, 2 items", c)
		}
		cals = append(cals, cal{c.Category, c.Level, *c.Alpha, *c.MeanSpread})
	}
	if want := []cal{{"process", "nominal", 0, 50}, {"solution", "interval", round(21.0/41, 3), 25}, {"tone", "interval", 0, 25}}; !slices.Equal(cals, want) {
		t.Errorf("calibration %v, want %v", cals, want)
	}
	// Deviations from the others' mean, per category on c4 and c1 (0 on c1), ×100:
	// rev-a solution +25/2, tone -50/2, process +50/2 → (12.5 - 25 + 25)/3.
	type dev struct {
		reviewer string
		ratings  int64
		mean     float64
	}
	var devs []dev
	for _, r := range d.Reviewers {
		devs = append(devs, dev{r.Reviewer, r.Ratings, *r.MeanDeviation})
	}
	if want := []dev{{"rev-a", 6, round(12.5/3, 1)}, {"rev-b", 6, round(50.0/3, 1)}, {"rev-c", 6, round(-62.5/3, 1)}}; !slices.Equal(devs, want) {
		t.Errorf("reviewers %v, want %v", devs, want)
	}
	// CSAT pairs: c1 (100, 5), c2 (62.5, 2), c4 (83.33, 4), c7 (37.5, 1); friction: all six.
	c := d.Correlation
	wantCSAT := round(pearson([]float64{100, 62.5, 250.0 / 3, 37.5}, []float64{5, 2, 4, 1}), 3)
	wantFriction := round(pearson([]float64{100, 62.5, 0, 250.0 / 3, 37.5, 87.5}, []float64{10, 55, 30, 25, 80, 45}), 3)
	if c.CSATPairs != 4 || *c.CSATCorr != wantCSAT || c.FrictionPairs != 6 || *c.FrictionCorr != wantFriction {
		t.Errorf("correlation %+v, want CSAT %v (n 4), friction %v (n 6)", c, wantCSAT, wantFriction)
	}
	if len(d.Customer) != 6 {
		t.Errorf("%d scatter points, want 6", len(d.Customer))
	}
	for a, want := range map[float64]string{0.9: "reliable", 0.8: "reliable", 0.7: "tentative", 0.5: "not reliable"} {
		if got := alphaReading(&a); got != want {
			t.Errorf("alpha %v reads %q, want %q", a, got, want)
		}
	}
}

// The rows of sql/dashboards/quality_auto_*.sql, as the tests read them (the page computes them
// in the browser; TestSliceMatchesSQL holds its rows to these queries').
type autoKPIs struct {
	Conversations          int64    `json:"conversations"`
	ConversationsFailed    int64    `json:"conversations_failed"`
	ConversationsFailedPct *float64 `json:"conversations_failed_pct"`
	Failed                 int64    `json:"failed"`
}

type autoCheck struct {
	Check         string   `json:"check"`
	Type          string   `json:"type"`
	Category      *string  `json:"category"`
	Conversations int64    `json:"conversations"`
	Checked       int64    `json:"checked"`
	Failed        int64    `json:"failed"`
	FailPct       *float64 `json:"fail_pct"`
}

type autoWeek struct {
	Week    string  `json:"week"`
	Check   string  `json:"check"`
	Checked int64   `json:"checked"`
	Failed  int64   `json:"failed"`
	FailPct float64 `json:"fail_pct"`
}

type autoAgent struct {
	Agent   string   `json:"agent"`
	Check   string   `json:"check"`
	Checked int64    `json:"checked"`
	Failed  int64    `json:"failed"`
	FailPct *float64 `json:"fail_pct"`
}

// autoRows runs a quality_auto_*.sql query for the period and slice.
func autoRows[T any](t *testing.T, db *sql.DB, name string, p Period, s Slice) []T {
	t.Helper()
	rows, err := query[T](context.Background(), db, name, append(s.args(), period(p)...)...)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestAutoQualityByHand checks the automatic checks' figures of the Quality
// page against the fixture's verdicts (testdata/fixture_auto_qa.sql) and
// reviews, worked out by hand, for the whole period and for one channel.
func TestAutoQualityByHand(t *testing.T) {
	const nudge = "nudge<img src=x onerror=window.pwned=6>"
	db := buildtest.Open(t, fixtureDB(t))
	type check struct {
		name                      string
		conversations, checked, n int64
		pct                       float64
	}
	type agent struct {
		agent, check    string
		checked, failed int64
		pct             float64
	}
	tests := []struct {
		name                      string
		slice                     Slice
		convs, failedConvs, fails int64
		failedPct                 float64
		checks                    []check
		agents                    []agent
	}{
		// c1..c8: c2, c3, c4 and c7 failed a check (8 failed verdicts); c5, c6 all N/A still
		// count. greeting fails c2, c3, c4, c7 of the six it judged; sensitive_data c3, c7; the
		// nudge check c2, c7. ann: c1, c2, c8; bob: c3, c4; the hostile agent: c7; c5 and c6
		// have no agent.
		{"the period", Slice{}, 8, 4, 8, 50,
			[]check{{"greeting", 8, 6, 4, 66.7}, {"sensitive_data", 8, 6, 2, 33.3}, {nudge, 8, 6, 2, 33.3}},
			[]agent{
				{"<script>window.pwned=1</script>", "greeting", 1, 1, 100}, {"<script>window.pwned=1</script>", nudge, 1, 1, 100}, {"<script>window.pwned=1</script>", "sensitive_data", 1, 1, 100},
				{"ann", "greeting", 3, 1, 33.3}, {"ann", nudge, 3, 1, 33.3}, {"ann", "sensitive_data", 3, 0, 0},
				{"bob", "greeting", 2, 2, 100}, {"bob", nudge, 2, 0, 0}, {"bob", "sensitive_data", 2, 1, 50},
			}},
		// chat: c1 (pass pass pass), c2 (fail pass fail), c7 (fail fail fail).
		{"chat", Slice{Channel: "chat"}, 3, 2, 5, 66.7,
			[]check{{"greeting", 3, 3, 2, 66.7}, {"sensitive_data", 3, 3, 1, 33.3}, {nudge, 3, 3, 2, 66.7}},
			[]agent{
				{"<script>window.pwned=1</script>", "greeting", 1, 1, 100}, {"<script>window.pwned=1</script>", nudge, 1, 1, 100}, {"<script>window.pwned=1</script>", "sensitive_data", 1, 1, 100},
				{"ann", "greeting", 2, 1, 50}, {"ann", nudge, 2, 1, 50}, {"ann", "sensitive_data", 2, 0, 0},
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			kpis := autoRows[autoKPIs](t, db.DB, "quality_auto_kpis", fixturePeriod, tc.slice)
			if len(kpis) != 1 {
				t.Fatalf("%d tile rows", len(kpis))
			}
			if k := kpis[0]; k.Conversations != tc.convs || k.ConversationsFailed != tc.failedConvs || *k.ConversationsFailedPct != tc.failedPct || k.Failed != tc.fails {
				t.Errorf("tile %+v, want %d of %d conversations (%v%%), %d failed verdicts", k, tc.failedConvs, tc.convs, tc.failedPct, tc.fails)
			}
			var checks []check
			for _, c := range autoRows[autoCheck](t, db.DB, "quality_auto_checks", fixturePeriod, tc.slice) {
				checks = append(checks, check{c.Check, c.Conversations, c.Checked, c.Failed, *c.FailPct})
			}
			if !slices.Equal(checks, tc.checks) {
				t.Errorf("checks %v, want %v", checks, tc.checks)
			}
			var agents []agent
			for _, a := range autoRows[autoAgent](t, db.DB, "quality_auto_agents", fixturePeriod, tc.slice) {
				agents = append(agents, agent{a.Agent, a.Check, a.Checked, a.Failed, *a.FailPct})
			}
			if !slices.Equal(agents, tc.agents) {
				t.Errorf("agents %v, want %v", agents, tc.agents)
			}
		})
	}

	// Every review to date, calibration included. greeting against tone (fails at 1 of 1-3):
	// q3 (c3) both fail; q2, q5, q7, k1, k2, k3 only the check; q1, q6, k4-k6 both pass; q4 N/A.
	// n 12, agreement 6/12, precision 1/7, recall 1, pe = (7·1 + 5·11)/144 = 62/144, kappa
	// (72 - 62)/(144 - 62) = 5/41. sensitive_data against process (0 fails): q3 both, q5 only
	// the check, k3 only the reviewer, ten both pass: pe = (2·2 + 11·11)/169, kappa 18/44.
	d, err := loadQuality(context.Background(), db.DB, fixturePeriod)
	if err != nil {
		t.Fatal(err)
	}
	type agreement struct {
		check, category            string
		n, tp, fp, fn, tn          int64
		agree, prec, recall, kappa float64
	}
	var agreements []agreement
	for _, a := range d.Agreement {
		agreements = append(agreements, agreement{a.Check, a.Category, a.N, a.TP, a.FP, a.FN, a.TN, *a.Agreement, *a.Precision, *a.Recall, *a.Kappa})
	}
	if want := []agreement{
		{"greeting", "tone", 12, 1, 6, 0, 5, 0.5, round(1.0/7, 3), 1, round(5.0/41, 3)},
		{"sensitive_data", "process", 13, 1, 1, 1, 10, round(11.0/13, 3), 0.5, 0.5, round(18.0/44, 3)},
	}; !slices.Equal(agreements, want) {
		t.Errorf("agreement %v, want %v", agreements, want)
	}
	for k, want := range map[float64]string{0.9: "almost perfect", 0.7: "substantial", 0.5: "moderate", 0.3: "fair", 0.1: "slight", -0.2: "worse than chance"} {
		if got := kappaReading(&k); got != want {
			t.Errorf("kappa %v reads %q, want %q", k, got, want)
		}
	}

	// Over time: with the week before, p1 (greeting fails) and p2 (the nudge check fails) add 2026-W40.
	type week struct {
		week, check     string
		checked, failed int64
		pct             float64
	}
	var weeks []week
	for _, w := range autoRows[autoWeek](t, db.DB, "quality_auto_weekly", Period{From: day("2026-10-01"), To: fixturePeriod.To}, Slice{}) {
		weeks = append(weeks, week{w.Week, w.Check, w.Checked, w.Failed, w.FailPct})
	}
	if want := []week{
		{"2026-W40", "greeting", 2, 1, 50}, {"2026-W40", nudge, 2, 1, 50}, {"2026-W40", "sensitive_data", 2, 0, 0},
		{"2026-W41", "greeting", 6, 4, 66.7}, {"2026-W41", nudge, 6, 2, 33.3}, {"2026-W41", "sensitive_data", 6, 2, 33.3},
	}; !slices.Equal(weeks, want) {
		t.Errorf("weeks %v, want %v", weeks, want)
	}
}
