package forecast

import (
	"encoding/json"
	"fmt"
	"math"
)

// Score is one method's accuracy over a backtest's held-out intervals.
type Score struct {
	Method string  `json:"method"`
	MAE    float64 `json:"mae"`
	// MAPE is in percent, over intervals with non-zero actuals only.
	MAPE float64 `json:"mape"`
	// MASE divides MAE by the in-sample MAE of the one-week seasonal naive
	// forecast on the training history (Hyndman & Koehler 2006), so below
	// 1 beats last week's numbers as known in hindsight.
	MASE float64 `json:"mase"`
	// Coverage80 is the share of actuals inside the 80% interval, over the
	// intervals where the actual or the forecast is non-zero; only the model has intervals.
	Coverage80 *float64 `json:"coverage_80,omitempty"`
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
	var cov *float64
	if s.Coverage80 != nil {
		cov = num(*s.Coverage80)
	}
	return json.Marshal(struct {
		Method     string   `json:"method"`
		MAE        float64  `json:"mae"`
		MAPE       *float64 `json:"mape"`
		MASE       *float64 `json:"mase"`
		Coverage80 *float64 `json:"coverage_80,omitempty"`
	}{s.Method, s.MAE, num(s.MAPE), num(s.MASE), cov})
}

// Backtest is the result of holding out the last weeks of a series.
type Backtest struct {
	Weeks        int       `json:"weeks"`
	TrainFrom    string    `json:"train_from"`
	TestFrom     string    `json:"test_from"`
	TestTo       string    `json:"test_to"`
	Intervals    int       `json:"intervals"`
	ActualTotal  float64   `json:"actual_total"`
	Scores       []Score   `json:"scores"`
	Points       []Point   `json:"-"`
	Actuals      []float64 `json:"-"`
	TrainHistory Series    `json:"-"`
}

// Method names as they appear in backtest tables.
const (
	MethodModel         = "model"
	MethodSeasonalNaive = "seasonal naive"
	MethodWeeklyMean    = "weekly mean"
)

// RunBacktest holds out the last weeks of s, fits the model on up to
// historyDays days before them, forecasts the held-out days, and scores the
// model and both baselines against what happened.
func RunBacktest(s Series, weeks, historyDays, baselineWeeks int) (*Backtest, error) {
	if weeks < 1 {
		return nil, fmt.Errorf("backtest: weeks must be >= 1, got %d", weeks)
	}
	cut := len(s.Days) - 7*weeks
	if cut < 7 {
		return nil, fmt.Errorf("backtest: %d weeks held out of %d days leaves %d days to learn from: %w", weeks, len(s.Days), max(cut, 0), ErrShortHistory)
	}
	train := s.Slice(max(0, cut-historyDays), cut)
	m, err := Fit(train)
	if err != nil {
		return nil, err
	}
	pts := m.Predict(7*weeks, baselineWeeks)
	var actual []float64
	for _, d := range s.Days[cut:] {
		actual = append(actual, d...)
	}
	scale := seasonalScale(train)
	bt := &Backtest{
		Weeks:        weeks,
		TrainFrom:    train.First.Format("2006-01-02"),
		TestFrom:     s.Date(cut).Format("2006-01-02"),
		TestTo:       s.Date(len(s.Days) - 1).Format("2006-01-02"),
		Intervals:    len(actual),
		Points:       pts,
		Actuals:      actual,
		TrainHistory: train,
	}
	for _, y := range actual {
		bt.ActualTotal += y
	}
	pick := []struct {
		name string
		f    func(Point) float64
	}{
		{MethodModel, func(p Point) float64 { return p.Forecast }},
		{MethodSeasonalNaive, func(p Point) float64 { return p.SeasonalNaive }},
		{MethodWeeklyMean, func(p Point) float64 { return p.WeeklyMean }},
	}
	for _, pk := range pick {
		sc := Score{Method: pk.name}
		var absSum, apeSum float64
		nonZero := 0
		for k, p := range pts {
			e := math.Abs(actual[k] - pk.f(p))
			absSum += e
			if actual[k] != 0 {
				apeSum += e / actual[k]
				nonZero++
			}
		}
		sc.MAE = absSum / float64(len(pts))
		sc.MAPE = math.NaN()
		if nonZero > 0 {
			sc.MAPE = 100 * apeSum / float64(nonZero)
		}
		sc.MASE = sc.MAE / scale
		if pk.name == MethodModel {
			c := coverage(pts, actual)
			sc.Coverage80 = &c
		}
		bt.Scores = append(bt.Scores, sc)
	}
	return bt, nil
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

func coverage(pts []Point, actual []float64) float64 {
	in, n := 0, 0
	for k, p := range pts {
		if actual[k] == 0 && p.Forecast == 0 {
			continue
		}
		n++
		if actual[k] >= p.Lower && actual[k] <= p.Upper {
			in++
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return float64(in) / float64(n)
}
