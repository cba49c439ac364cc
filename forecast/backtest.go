package forecast

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"
)

// Score is one method's accuracy over a backtest's held-out intervals.
type Score struct {
	Method string  `json:"method"`
	MAE    float64 `json:"mae"`
	// MAPE is in percent, over intervals with non-zero actuals only.
	MAPE float64 `json:"mape"`
	// MASE divides each absolute error by the in-sample MAE of the one-week
	// seasonal naive forecast on the history its forecast was made from
	// (Hyndman & Koehler 2006), and averages: below 1 beats last week's
	// numbers as known in hindsight.
	MASE float64 `json:"mase"`
	// Bias is the mean of forecast − actual per interval: positive over-forecasts.
	Bias float64 `json:"bias"`
	// Coverage80 is the share of actuals inside the 80% interval, over the
	// intervals where the actual or the forecast is non-zero; only the model has intervals.
	Coverage80 *float64 `json:"coverage_80,omitempty"`
	// Width80 is the mean width of the 80% interval over the same
	// intervals, relative to the mean forecast there (0.2: 20% of the forecast).
	Width80 *float64 `json:"width_80,omitempty"`
}

// MarshalJSON writes undefined scores (NaN: MAPE without non-zero actuals,
// MASE on a history that never changes week to week) as null, which JSON can carry.
func (s Score) MarshalJSON() ([]byte, error) {
	num := func(v float64) *float64 {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil
		}
		return &v
	}
	opt := func(p *float64) *float64 {
		if p == nil {
			return nil
		}
		return num(*p)
	}
	return json.Marshal(struct {
		Method     string   `json:"method"`
		MAE        float64  `json:"mae"`
		MAPE       *float64 `json:"mape"`
		MASE       *float64 `json:"mase"`
		Bias       float64  `json:"bias"`
		Coverage80 *float64 `json:"coverage_80,omitempty"`
		Width80    *float64 `json:"width_80,omitempty"`
	}{s.Method, s.MAE, num(s.MAPE), num(s.MASE), s.Bias, opt(s.Coverage80), opt(s.Width80)})
}

// Method names as they appear in backtest tables.
const (
	MethodModel         = "model"
	MethodSeasonalNaive = "seasonal naive"
	MethodWeeklyMean    = "weekly mean"
)

// MethodCalendarMean names the k-week calendar mean baseline of a rolling backtest.
func MethodCalendarMean(k int) string { return fmt.Sprintf("calendar mean %dw", k) }

// RollingBaselineWeeks are the k of the calendar-mean baselines a rolling backtest scores.
var RollingBaselineWeeks = []int{2, 3, 4, 5, 6}

// scorer accumulates one method's errors over held-out intervals.
type scorer struct {
	method                   string
	n, nonZero               int
	abs, scaled, signed, ape float64
	withBand                 bool
	bandN, inBand            int
	bandWidth, bandForecast  float64
}

// add scores forecast f (band [lo, hi] for the model) against actual y, with
// scale the MASE denominator of the history f was made from.
func (s *scorer) add(f, lo, hi, y, scale float64) {
	e := f - y
	s.n++
	s.abs += math.Abs(e)
	s.scaled += math.Abs(e) / scale
	s.signed += e
	if y != 0 {
		s.ape += math.Abs(e) / y
		s.nonZero++
	}
	if s.withBand && (y != 0 || f != 0) {
		s.bandN++
		if y >= lo && y <= hi {
			s.inBand++
		}
		s.bandWidth += hi - lo
		s.bandForecast += f
	}
}

func (s *scorer) score() Score {
	sc := Score{Method: s.method, MAE: s.abs / float64(s.n), MASE: s.scaled / float64(s.n), Bias: s.signed / float64(s.n), MAPE: math.NaN()}
	if s.nonZero > 0 {
		sc.MAPE = 100 * s.ape / float64(s.nonZero)
	}
	if s.withBand {
		cov, width := math.NaN(), math.NaN()
		if s.bandN > 0 {
			cov = float64(s.inBand) / float64(s.bandN)
		}
		if s.bandForecast > 0 {
			width = s.bandWidth / s.bandForecast
		}
		sc.Coverage80, sc.Width80 = &cov, &width
	}
	return sc
}

// Backtest is the result of holding out the last weeks of a series.
type Backtest struct {
	Weeks       int     `json:"weeks"`
	TrainFrom   string  `json:"train_from"`
	TestFrom    string  `json:"test_from"`
	TestTo      string  `json:"test_to"`
	Intervals   int     `json:"intervals"`
	ActualTotal float64 `json:"actual_total"`
	Model       Spec    `json:"model"`
	Scores      []Score `json:"scores"`
	// Notes say why a score is n/a (MASE on too short or too flat a history).
	Notes        []string  `json:"notes,omitempty"`
	Points       []Point   `json:"-"`
	Actuals      []float64 `json:"-"`
	TrainHistory Series    `json:"-"`
}

// RunBacktest holds out the last weeks of s, fits the model on up to
// historyDays days before them, forecasts the held-out days, and scores the
// model and both baselines against what happened.
func RunBacktest(s Series, weeks, historyDays, baselineWeeks int, opt Options) (*Backtest, error) {
	if weeks < 1 {
		return nil, fmt.Errorf("backtest: weeks must be >= 1, got %d", weeks)
	}
	cut := len(s.Days) - 7*weeks
	if cut < 7 {
		return nil, fmt.Errorf("backtest: %d weeks held out of %d days leaves %d days to learn from: %w", weeks, len(s.Days), max(cut, 0), ErrShortHistory)
	}
	train := s.Slice(max(0, cut-historyDays), cut)
	m, err := Fit(train, opt)
	if err != nil {
		return nil, err
	}
	pts := m.Predict(7*weeks, baselineWeeks)
	var actual []float64
	for _, d := range s.Days[cut:] {
		actual = append(actual, d...)
	}
	bt := &Backtest{
		Weeks:        weeks,
		TrainFrom:    train.First.Format(time.DateOnly),
		TestFrom:     s.Date(cut).Format(time.DateOnly),
		TestTo:       s.Date(len(s.Days) - 1).Format(time.DateOnly),
		Intervals:    len(actual),
		Model:        m.Spec(),
		Points:       pts,
		Actuals:      actual,
		TrainHistory: train,
	}
	scale := seasonalScale(train)
	model := scorer{method: MethodModel, withBand: true}
	naive := scorer{method: MethodSeasonalNaive}
	mean := scorer{method: MethodWeeklyMean}
	for k, p := range pts {
		y := actual[k]
		bt.ActualTotal += y
		model.add(p.Forecast, p.Lower, p.Upper, y, scale)
		naive.add(p.SeasonalNaive, 0, 0, y, scale)
		mean.add(p.WeeklyMean, 0, 0, y, scale)
	}
	bt.Scores = []Score{model.score(), naive.score(), mean.score()}
	if note := maseNote([]Series{train}); note != "" {
		bt.Notes = append(bt.Notes, note)
	}
	return bt, nil
}

// Rolling is a rolling-origin evaluation: each of the last Weeks weeks is
// forecast from the history before its Monday, as a planner re-forecasting
// every week would have, and every method is scored over all of them.
type Rolling struct {
	Weeks       int     `json:"weeks"`
	HorizonDays int     `json:"horizon_days"`
	HistoryDays int     `json:"history_days"`
	Intervals   int     `json:"intervals"`
	ActualTotal float64 `json:"actual_total"`
	// Scores: the model, the seasonal naive and the calendar mean for each k
	// of RollingBaselineWeeks up to the longest history of any origin (a
	// longer k would repeat that row: the weeks it names do not exist).
	Scores []Score `json:"scores"`
	// Notes say why a score is n/a and which calendar means had fewer weeks
	// than they name at some origins.
	Notes   []string `json:"notes,omitempty"`
	Origins []Origin `json:"origins"`
}

// Origin is one forecast of a rolling evaluation.
type Origin struct {
	Date      string `json:"origin"`
	TrainFrom string `json:"train_from"`
	// TrainDays is how many days of history the origin's forecast was made
	// from: up to the history limit, fewer near the series' start.
	TrainDays int     `json:"train_days"`
	Scored    int     `json:"intervals"`
	Model     Spec    `json:"model"`
	ModelMAE  float64 `json:"model_mae"`
}

// RunRolling evaluates the model and the baselines on the rolling origin:
// for each of the last weeks Mondays of s (the last one with data after it
// included), fit on up to historyDays days before it, forecast horizonDays
// days, and score the days that s has. Baselines are the seasonal naive and
// the k-week calendar mean (same weekday and interval, mean of the last k
// weeks) for every k in RollingBaselineWeeks.
func RunRolling(ctx context.Context, s Series, weeks, horizonDays, historyDays int, opt Options) (*Rolling, error) {
	if weeks < 1 {
		return nil, fmt.Errorf("backtest: weeks must be >= 1, got %d", weeks)
	}
	if horizonDays < 1 {
		return nil, fmt.Errorf("backtest: horizon must be >= 1 day, got %d", horizonDays)
	}
	n := len(s.Days)
	if n == 0 {
		return nil, ErrShortHistory
	}
	last := n - 1 // the last Monday with data on or after it
	for s.Date(last).Weekday() != time.Monday {
		last--
	}
	first := last - 7*(weeks-1)
	if first < 7 {
		return nil, fmt.Errorf("backtest: %d rolling weeks of %d days leave %d days before the first origin: %w", weeks, n, max(first, 0), ErrShortHistory)
	}
	r := &Rolling{Weeks: weeks, HorizonDays: horizonDays, HistoryDays: historyDays}
	scorers := []*scorer{{method: MethodModel, withBand: true}, {method: MethodSeasonalNaive}}
	for _, k := range RollingBaselineWeeks {
		scorers = append(scorers, &scorer{method: MethodCalendarMean(k)})
	}
	per := s.SlotsPerDay()
	var trains []Series
	for o := first; o <= last; o += 7 {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		train := s.Slice(max(0, o-historyDays), o)
		m, err := Fit(train, opt)
		if err != nil {
			return nil, fmt.Errorf("backtest: origin %s: %w", s.Date(o).Format(time.DateOnly), err)
		}
		days := min(horizonDays, n-o)
		pts := m.Predict(days, 1)
		scale := seasonalScale(train)
		trains = append(trains, train)
		org := Origin{Date: s.Date(o).Format(time.DateOnly), TrainFrom: train.First.Format(time.DateOnly), TrainDays: len(train.Days), Model: m.Spec()}
		var modelAbs float64
		for k, p := range pts {
			h, j := k/per, k%per
			y := s.Days[o+h][j]
			i := len(train.Days) + h
			r.ActualTotal += y
			scorers[0].add(p.Forecast, p.Lower, p.Upper, y, scale)
			scorers[1].add(p.SeasonalNaive, 0, 0, y, scale)
			for b, kw := range RollingBaselineWeeks {
				// Scaled by the interval's real length, as the model's and the seasonal naive's are.
				scorers[2+b].add(calendarMean(train, i, j, kw)*float64(p.Length)/float64(s.Step), 0, 0, y, scale)
			}
			modelAbs += math.Abs(p.Forecast - y)
		}
		org.Scored = len(pts)
		org.ModelMAE = modelAbs / float64(len(pts))
		r.Intervals += len(pts)
		r.Origins = append(r.Origins, org)
	}
	if note := maseNote(trains); note != "" {
		r.Notes = append(r.Notes, note)
	}
	longest := 0 // most weeks any origin's history reaches back, a partial week counted
	for _, tr := range trains {
		longest = max(longest, (len(tr.Days)+6)/7)
	}
	r.Scores = append(r.Scores, scorers[0].score(), scorers[1].score())
	for b, k := range RollingBaselineWeeks {
		if k > longest {
			break // every origin used all the weeks it had: the same row as k = longest
		}
		r.Scores = append(r.Scores, scorers[2+b].score())
		short := 0
		for _, tr := range trains {
			if len(tr.Days) < 7*k {
				short++
			}
		}
		if short > 0 {
			r.Notes = append(r.Notes, fmt.Sprintf("%s: %d of %d origins had fewer than %d weeks of history (the mean of the weeks they had)", MethodCalendarMean(k), short, len(trains), k))
		}
	}
	return r, nil
}

// maseNote says why MASE is n/a over forecasts made from the histories
// trains, or "" if it is defined: its scale, seasonalScale, compares each
// day with the same weekday a week before, which needs more than a week of
// history that changes from week to week. One history without a scale
// makes the score n/a for every method.
func maseNote(trains []Series) string {
	short, flat, fewest := 0, 0, math.MaxInt
	for _, tr := range trains {
		switch {
		case len(tr.Days) < 8:
			short++
			fewest = min(fewest, len(tr.Days))
		case math.IsNaN(seasonalScale(tr)):
			flat++
		}
	}
	var why []string
	if short > 0 {
		why = append(why, fmt.Sprintf("it needs at least 8 days of history before every origin (a week to compare with the week before); %d of %d origins had fewer (%d)", short, len(trains), fewest))
	}
	if flat > 0 {
		why = append(why, fmt.Sprintf("%d of %d origins' history repeats exactly week to week, so the seasonal naive's in-sample error it divides by is 0", flat, len(trains)))
	}
	if len(why) == 0 {
		return ""
	}
	return "MASE n/a: " + strings.Join(why, "; ")
}

// seasonalScale is the mean absolute one-week-ago difference within s: the MASE denominator.
func seasonalScale(s Series) float64 {
	var sum float64
	n := 0
	for i := 7; i < len(s.Days); i++ {
		for j, v := range s.Days[i] {
			sum += math.Abs(v - s.Days[i-7][j])
			n++
		}
	}
	if n == 0 || sum == 0 {
		return math.NaN()
	}
	return sum / float64(n)
}
