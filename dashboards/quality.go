package dashboards

import (
	"context"
	"database/sql"
	"fmt"
	"html/template"
	"time"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/parley-cx/parley/internal/htmlpage"
)

// The rows of the sql/dashboards/quality_*.sql queries, over the warehouse's
// QA tables and views (qa_reviews, qa_ratings, qa_calibration).

type qualityKPIs struct {
	Reviews              int64    `json:"reviews"`
	Scored               int64    `json:"scored"`
	MeanScore            *float64 `json:"mean_score"`
	CriticalFails        int64    `json:"critical_fails"`
	CriticalFailPct      *float64 `json:"critical_fail_pct"`
	CalibrationReviews   int64    `json:"calibration_reviews"`
	UnknownConversations int64    `json:"unknown_conversations"`
	DisputesOpen         int64    `json:"disputes_open"`
	DisputesAccepted     int64    `json:"disputes_accepted"`
	DisputesRejected     int64    `json:"disputes_rejected"`
	DisputesAcceptedPct  *float64 `json:"disputes_accepted_pct"`
}

type qualityWeek struct {
	Week            string   `json:"week"`
	Reviews         int64    `json:"reviews"`
	MeanScore       *float64 `json:"mean_score"`
	CriticalFailPct float64  `json:"critical_fail_pct"`
}

type qualityAgent struct {
	Agent         string   `json:"agent"`
	Reviews       int64    `json:"reviews"`
	Scored        int64    `json:"scored"`
	MeanScore     *float64 `json:"mean_score"`
	CriticalFails int64    `json:"critical_fails"`
	DisputesOpen  int64    `json:"disputes_open"`
}

type qualityCategory struct {
	Category string   `json:"category"`
	Critical bool     `json:"critical"`
	Rated    int64    `json:"rated"`
	NA       int64    `json:"na"`
	Mean     *float64 `json:"mean"`
	Fails    int64    `json:"fails"`
	FailPct  *float64 `json:"fail_pct"`
}

type calibrationRow struct {
	Run        string   `json:"run"`
	Scorecard  string   `json:"scorecard"`
	Category   string   `json:"category"`
	Level      string   `json:"level"`
	Reviewers  int64    `json:"reviewers"`
	Items      int64    `json:"items"`
	Alpha      *float64 `json:"alpha"`
	MeanSpread *float64 `json:"mean_spread"`
}

type reviewerDeviation struct {
	Run           string   `json:"run"`
	Reviewer      string   `json:"reviewer"`
	Ratings       int64    `json:"ratings"`
	MeanDeviation *float64 `json:"mean_deviation"`
}

type scoredConversation struct {
	Score         float64  `json:"score"`
	CSAT          *int64   `json:"csat"`
	FrictionScore *float64 `json:"friction_score"`
}

type customerCorrelation struct {
	CSATPairs     int64    `json:"csat_pairs"`
	CSATCorr      *float64 `json:"csat_corr"`
	FrictionPairs int64    `json:"friction_pairs"`
	FrictionCorr  *float64 `json:"friction_corr"`
}

// autoAgreement is a row of sql/dashboards/quality_auto_agreement.sql (auto_qa_agreement). The
// automatic checks' other figures (quality_auto_kpis, _checks, _weekly, _agents) are computed
// in the browser for any slice (slice.js), from report_conversations.sql's auto_qa column.
type autoAgreement struct {
	Check     string   `json:"check"`
	Category  string   `json:"category"`
	N         int64    `json:"n"`
	TP        int64    `json:"tp"`
	FP        int64    `json:"fp"`
	FN        int64    `json:"fn"`
	TN        int64    `json:"tn"`
	Agreement *float64 `json:"agreement"`
	Precision *float64 `json:"precision"`
	Recall    *float64 `json:"recall"`
	Kappa     *float64 `json:"kappa"`
}

// qualityData is the data of quality.html.
type qualityData struct {
	KPIs        qualityKPIs          `json:"kpis"`
	Weekly      []qualityWeek        `json:"weekly"`
	Agents      []qualityAgent       `json:"agents"`
	Categories  []qualityCategory    `json:"categories"`
	Calibration []calibrationRow     `json:"calibration"`
	Reviewers   []reviewerDeviation  `json:"reviewers"`
	Customer    []scoredConversation `json:"customer"`
	Correlation customerCorrelation  `json:"correlation"`
	Agreement   []autoAgreement      `json:"agreement"`
}

func loadQuality(ctx context.Context, db *sql.DB, p Period) (d qualityData, err error) {
	kpis, err := query[qualityKPIs](ctx, db, "quality_kpis", period(p)...)
	if err != nil {
		return d, err
	}
	corr, err := query[customerCorrelation](ctx, db, "quality_customer_corr", period(p)...)
	if err != nil {
		return d, err
	}
	if len(kpis) != 1 || len(corr) != 1 {
		return d, fmt.Errorf("dashboards: quality_kpis and quality_customer_corr returned %d and %d rows, want 1", len(kpis), len(corr))
	}
	d.KPIs, d.Correlation = kpis[0], corr[0]
	if d.Weekly, err = query[qualityWeek](ctx, db, "quality_weekly", period(p)...); err != nil {
		return d, err
	}
	if d.Agents, err = query[qualityAgent](ctx, db, "quality_agents", period(p)...); err != nil {
		return d, err
	}
	if d.Categories, err = query[qualityCategory](ctx, db, "quality_categories", period(p)...); err != nil {
		return d, err
	}
	if d.Calibration, err = query[calibrationRow](ctx, db, "quality_calibration", period(p)...); err != nil {
		return d, err
	}
	if d.Reviewers, err = query[reviewerDeviation](ctx, db, "quality_reviewers", period(p)...); err != nil {
		return d, err
	}
	if d.Customer, err = query[scoredConversation](ctx, db, "quality_customer", period(p)...); err != nil {
		return d, err
	}
	// Every review to date: the pairs of a period are too few to judge a check by.
	d.Agreement, err = query[autoAgreement](ctx, db, "quality_auto_agreement")
	return d, err
}

// kappaReading is Landis and Koch's (1977) reading of Cohen's kappa.
func kappaReading(k *float64) string {
	switch {
	case k == nil:
		return "not measurable"
	case *k > 0.8:
		return "almost perfect"
	case *k > 0.6:
		return "substantial"
	case *k > 0.4:
		return "moderate"
	case *k > 0.2:
		return "fair"
	case *k >= 0:
		return "slight"
	}
	return "worse than chance"
}

// alphaReading is the usual reading of Krippendorff's alpha (Krippendorff
// 2004): data are reliable from 0.8, acceptable for tentative conclusions
// from 0.667, and not reliable below.
func alphaReading(a *float64) string {
	switch {
	case a == nil:
		return "not measurable (fewer than two ratings per item, or all alike)"
	case *a >= 0.8:
		return "reliable"
	case *a >= 0.667:
		return "tentative"
	}
	return "not reliable"
}

func (r *run) quality(ctx context.Context) (template.HTML, error) {
	d, err := loadQuality(ctx, r.db.DB, r.period)
	if err != nil {
		return "", err
	}
	k := d.KPIs
	tiles, err := htmlpage.Fragment(tilesTmpl, []tile{
		{Label: "Reviews", Value: count(k.Reviews), Delta: fmt.Sprintf("%s scored; %s calibration reviews besides", count(k.Scored), count(k.CalibrationReviews)),
			Title: "Final reviews of conversations of the period, calibration reviews left out"},
		{Label: "Mean review score", Value: decimal(k.MeanScore, 1) + " / 100", Delta: fmt.Sprintf("n = %s", count(k.Scored)),
			Title: "Mean of the final review scores (docs/qa.md: weighted mean of the ratings scaled to 0–100; 0 on a critical fail)"},
		{Label: "Critical fails", Value: pct(k.CriticalFailPct), Delta: fmt.Sprintf("%s of %s reviews", count(k.CriticalFails), count(k.Reviews)),
			Title: "Reviews whose critical category got the lowest rating: their score is 0"},
		{Label: "Open disputes", Value: count(k.DisputesOpen), Delta: fmt.Sprintf("%s accepted, %s rejected", count(k.DisputesAccepted), count(k.DisputesRejected)),
			Title: "Reviews disputed by their agent and not resolved yet"},
		{Label: "Disputes accepted", Value: pct(k.DisputesAcceptedPct), Delta: fmt.Sprintf("of %s resolved", count(k.DisputesAccepted+k.DisputesRejected)),
			Title: "Accepted over resolved disputes: a high rate means reviews are often wrong"},
	})
	if err != nil {
		return "", err
	}
	trend, err := charted("320px", qualityTrendChart(d.Weekly), categoryChart(d.Categories))
	if err != nil {
		return "", err
	}
	agents, err := qualityAgentsTable(d.Agents)
	if err != nil {
		return "", err
	}
	categories, err := qualityCategoriesTable(d.Categories)
	if err != nil {
		return "", err
	}
	calibration, err := calibrationTable(d.Calibration)
	if err != nil {
		return "", err
	}
	reviewers, err := reviewersTable(d.Reviewers)
	if err != nil {
		return "", err
	}
	scatters, err := charted("340px",
		scatterChart("Review score and CSAT", d.Correlation.CSATCorr, d.Correlation.CSATPairs, "CSAT (1–5)", d.Customer,
			func(s scoredConversation) *float64 {
				if s.CSAT == nil {
					return nil
				}
				return f(float64(*s.CSAT))
			}),
		scatterChart("Review score and friction", d.Correlation.FrictionCorr, d.Correlation.FrictionPairs, "friction score (0–100)", d.Customer,
			func(s scoredConversation) *float64 { return s.FrictionScore }))
	if err != nil {
		return "", err
	}
	agreement, err := autoAgreementTable(d.Agreement)
	if err != nil {
		return "", err
	}
	note := "Reviews count in the period of their conversation's local date; calibration reviews measure reviewers and are left out of agents' scores."
	if k.Reviews == 0 && k.CalibrationReviews == 0 {
		note = "No reviews of conversations of this period yet: reviewers score conversations in the forms of a QA packet (parley qa sample), " +
			"and parley qa import stores their scores for the next parley build (docs/qa.md)."
	}
	if k.UnknownConversations > 0 {
		note += fmt.Sprintf(" %s reviews are of conversations the warehouse does not hold (qa_reviews.conversation_found = false).", count(k.UnknownConversations))
	}
	// Each section's downloads, in the order of its sections (the reviews' queries take the
	// period; the agreement counts every review to date).
	suffix := "_" + r.period.From.Format(time.DateOnly) + "_" + r.period.To.Format(time.DateOnly)
	var csv [][]csvLink
	for _, qs := range [][]string{{"quality_kpis"}, {"quality_weekly", "quality_categories"}, {"quality_agents"}, {"quality_categories"},
		{"quality_calibration", "quality_reviewers"}, {"quality_customer", "quality_customer_corr"}} {
		links, err := r.csvLinks(ctx, suffix, qs, period(r.period)...)
		if err != nil {
			return "", err
		}
		csv = append(csv, links)
	}
	agreementCSV, err := r.csvLinks(ctx, "", []string{"quality_auto_agreement"})
	if err != nil {
		return "", err
	}
	reviews, err := render(
		section{Title: "Key figures", Note: note, Items: []template.HTML{tiles}, Wide: true, CSV: csv[0]},
		section{Title: "Trend and categories", Items: trend, CSV: csv[1]},
		section{Title: "Agents", Note: "An agent's quality score is the mean of their final review scores (after disputes); n is the number of reviews it rests on. By week: qa_agent_weekly.",
			Items: []template.HTML{agents}, Wide: true, CSV: csv[2]},
		section{Title: "Categories", Note: "Fails are ratings at the lowest point of the category's scale; a failed critical category makes the review 0. Means are scaled to 0–100.",
			Items: []template.HTML{categories}, Wide: true, CSV: csv[3]},
		section{Title: "Calibration", Note: "Conversations every reviewer scored. Krippendorff's alpha per category (interval for scales, nominal for yes/no): 0.8 or more is reliable, " +
			"0.667 to 0.8 tentative, below 0.667 not reliable. Spread is the mean gap between the highest and lowest rating of a conversation, on 0–100.",
			Items: []template.HTML{calibration, reviewers}, Wide: true, CSV: csv[4]},
		section{Title: "Quality beside the customer", Note: fmt.Sprintf("Each point is a scored review of a conversation with that figure. Pearson correlation with CSAT: %s (n = %s); with friction: %s (n = %s). "+
			"A rubric that measures what customers feel correlates positively with CSAT and negatively with friction.",
			decimal(d.Correlation.CSATCorr, 3), count(d.Correlation.CSATPairs), decimal(d.Correlation.FrictionCorr, 3), count(d.Correlation.FrictionPairs)),
			Items: scatters, CSV: csv[5]},
	)
	if err != nil {
		return "", err
	}
	// The automatic checks judge every conversation, so their figures are drawn by slice.js,
	// for the slice chosen, where the placeholder is; their agreement with the reviewers
	// rests on the reviews, which are not sliced.
	agreementSec, err := render(section{Title: "Automatic checks against the reviewers", Note: "Each check mapped to a scorecard category (qa.auto category) against the reviewers' ratings of that category, " +
		"on every conversation both judged, all reviews to date (auto_qa_agreement), whatever the period and the filters above: the pairs are few, and reviews are a sample " +
		"drawn across the whole operation. The reviewer fails a category in the lower half of its scale. " +
		"Precision: of the check's fails, the share reviewers failed too; recall: of the reviewers' fails, the share the check caught; " +
		"Cohen's kappa corrects agreement for chance (Landis and Koch: above 0.6 substantial, above 0.8 almost perfect). " +
		"A check with high recall points reviewers at the right conversations even when its precision is low.",
		Items: []template.HTML{agreement}, Wide: true, CSV: agreementCSV})
	if err != nil {
		return "", err
	}
	return reviews + template.HTML(`<div id="quality-auto" data-drawn></div>`) + agreementSec, nil
}

func autoAgreementTable(rows []autoAgreement) (template.HTML, error) {
	t := htmlpage.Table{Caption: "Agreement with the reviewers", Sortable: true, Columns: []htmlpage.Column{
		{Label: "Check"}, {Label: "Category"}, {Label: "n", Numeric: true, Title: "conversation reviews both judged"},
		{Label: "Both fail", Numeric: true, Title: "tp"}, {Label: "Only the check fails", Numeric: true, Title: "fp"},
		{Label: "Only the reviewer fails", Numeric: true, Title: "fn"}, {Label: "Both pass", Numeric: true, Title: "tn"},
		{Label: "Agreement", Numeric: true}, {Label: "Precision", Numeric: true}, {Label: "Recall", Numeric: true},
		{Label: "Kappa", Numeric: true, Title: "Cohen's kappa"}, {Label: "Reading"},
	}}
	for _, a := range rows {
		t.Rows = append(t.Rows, []htmlpage.Cell{
			{Text: a.Check}, {Text: a.Category}, {Text: count(a.N), Sort: fmt.Sprint(a.N)},
			{Text: count(a.TP), Sort: fmt.Sprint(a.TP)}, {Text: count(a.FP), Sort: fmt.Sprint(a.FP)},
			{Text: count(a.FN), Sort: fmt.Sprint(a.FN)}, {Text: count(a.TN), Sort: fmt.Sprint(a.TN)},
			{Text: decimal(a.Agreement, 3), Sort: sortKey(a.Agreement)}, {Text: decimal(a.Precision, 3), Sort: sortKey(a.Precision)},
			{Text: decimal(a.Recall, 3), Sort: sortKey(a.Recall)}, {Text: decimal(a.Kappa, 3), Sort: sortKey(a.Kappa)},
			{Text: kappaReading(a.Kappa)},
		})
	}
	return t.HTML()
}

func qualityTrendChart(weeks []qualityWeek) *charts.Bar {
	x := make([]string, len(weeks))
	for i, w := range weeks {
		x[i] = w.Week
	}
	bar := charts.NewBar()
	bar.SetGlobalOptions(common("Review score by week", "ISO week of the conversations; bars: reviews")...)
	bar.SetGlobalOptions(charts.WithYAxisOpts(axis{name: "reviews"}.y()))
	bar.SetXAxis(x).AddSeries("Reviews", barData(weeks, func(w qualityWeek) any { return w.Reviews }))
	bar.ExtendYAxis(axis{name: "score", min: 0, max: 100}.y())
	line := charts.NewLine()
	line.SetXAxis(x).
		AddSeries("Mean score", lineData(weeks, func(w qualityWeek) any { return num(w.MeanScore) }),
			charts.WithLineChartOpts(opts.LineChart{YAxisIndex: 1, ConnectNulls: opts.Bool(false)})).
		AddSeries("Critical fails (%)", lineData(weeks, func(w qualityWeek) any { return w.CriticalFailPct }),
			charts.WithLineChartOpts(opts.LineChart{YAxisIndex: 1}))
	bar.Overlap(line)
	return bar
}

func categoryChart(cats []qualityCategory) *charts.Bar {
	names := make([]string, len(cats))
	fails, means := make([]any, len(cats)), make([]any, len(cats))
	for i, c := range cats {
		names[i], fails[i], means[i] = c.Category, num(c.FailPct), num(c.Mean)
	}
	return groupedBar("Categories", "% of ratings at the lowest point, and mean (0–100)", names,
		[]series{{name: "Fails (%)", values: fails, colour: colourBad}, {name: "Mean (0–100)", values: means}},
		axis{name: "0–100", min: 0, max: 100}, true, false)
}

func scatterChart(title string, corr *float64, pairs int64, yName string, points []scoredConversation, y func(scoredConversation) *float64) *charts.Scatter {
	var data []opts.ScatterData
	for _, p := range points {
		if v := y(p); v != nil {
			data = append(data, opts.ScatterData{Value: []any{p.Score, *v}})
		}
	}
	sc := charts.NewScatter()
	sc.SetGlobalOptions(common(title, fmt.Sprintf("Pearson r = %s, n = %s", decimal(corr, 3), count(pairs)))...)
	sc.SetGlobalOptions(
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithXAxisOpts(axis{name: "review score", min: 0, max: 100}.x()),
		charts.WithYAxisOpts(axis{name: yName}.y()),
	)
	sc.AddSeries("Reviews", data)
	return sc
}

func qualityAgentsTable(rows []qualityAgent) (template.HTML, error) {
	t := htmlpage.Table{Sortable: true, Columns: []htmlpage.Column{
		{Label: "Agent"}, {Label: "Quality score", Numeric: true, Title: "mean of the final review scores, 0–100"},
		{Label: "n", Numeric: true, Title: "reviews with a score"}, {Label: "Reviews", Numeric: true},
		{Label: "Critical fails", Numeric: true}, {Label: "Open disputes", Numeric: true},
	}}
	for _, a := range rows {
		t.Rows = append(t.Rows, []htmlpage.Cell{
			{Text: a.Agent}, {Text: decimal(a.MeanScore, 1), Sort: sortKey(a.MeanScore)}, {Text: count(a.Scored), Sort: fmt.Sprint(a.Scored)},
			{Text: count(a.Reviews), Sort: fmt.Sprint(a.Reviews)}, {Text: count(a.CriticalFails), Sort: fmt.Sprint(a.CriticalFails)},
			{Text: count(a.DisputesOpen), Sort: fmt.Sprint(a.DisputesOpen)},
		})
	}
	return t.HTML()
}

func qualityCategoriesTable(rows []qualityCategory) (template.HTML, error) {
	t := htmlpage.Table{Sortable: true, Columns: []htmlpage.Column{
		{Label: "Category"}, {Label: "Fails", Numeric: true}, {Label: "Fail rate", Numeric: true},
		{Label: "Mean (0–100)", Numeric: true}, {Label: "Rated", Numeric: true}, {Label: "N/A", Numeric: true},
	}}
	for _, c := range rows {
		name := c.Category
		if c.Critical {
			name += " (critical)"
		}
		t.Rows = append(t.Rows, []htmlpage.Cell{
			{Text: name}, {Text: count(c.Fails), Sort: fmt.Sprint(c.Fails)}, {Text: pct(c.FailPct), Sort: sortKey(c.FailPct)},
			{Text: decimal(c.Mean, 1), Sort: sortKey(c.Mean)}, {Text: count(c.Rated), Sort: fmt.Sprint(c.Rated)}, {Text: count(c.NA), Sort: fmt.Sprint(c.NA)},
		})
	}
	return t.HTML()
}

func calibrationTable(rows []calibrationRow) (template.HTML, error) {
	t := htmlpage.Table{Caption: "Agreement per category", Sortable: true, Columns: []htmlpage.Column{
		{Label: "Run"}, {Label: "Scorecard"}, {Label: "Category"}, {Label: "Level"},
		{Label: "Reviewers", Numeric: true}, {Label: "Items", Numeric: true, Title: "calibration conversations with two or more ratings"},
		{Label: "Alpha", Numeric: true, Title: "Krippendorff's alpha"}, {Label: "Reading"}, {Label: "Spread", Numeric: true},
	}}
	for _, c := range rows {
		t.Rows = append(t.Rows, []htmlpage.Cell{
			{Text: c.Run}, {Text: c.Scorecard}, {Text: c.Category}, {Text: c.Level},
			{Text: count(c.Reviewers), Sort: fmt.Sprint(c.Reviewers)}, {Text: count(c.Items), Sort: fmt.Sprint(c.Items)},
			{Text: decimal(c.Alpha, 3), Sort: sortKey(c.Alpha)}, {Text: alphaReading(c.Alpha)}, {Text: decimal(c.MeanSpread, 1), Sort: sortKey(c.MeanSpread)},
		})
	}
	return t.HTML()
}

func reviewersTable(rows []reviewerDeviation) (template.HTML, error) {
	t := htmlpage.Table{Caption: "Reviewers against the others' consensus", Sortable: true, Columns: []htmlpage.Column{
		{Label: "Run"}, {Label: "Reviewer"}, {Label: "Ratings compared", Numeric: true},
		{Label: "Mean deviation", Numeric: true, Title: "points of 0–100; above 0: more lenient than the other reviewers"},
	}}
	for _, r := range rows {
		t.Rows = append(t.Rows, []htmlpage.Cell{
			{Text: r.Run}, {Text: r.Reviewer}, {Text: count(r.Ratings), Sort: fmt.Sprint(r.Ratings)},
			{Text: decimal(r.MeanDeviation, 1), Sort: sortKey(r.MeanDeviation)},
		})
	}
	return t.HTML()
}
