package forecast

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"gonum.org/v1/gonum/mat"
)

// z80 is the standard normal quantile that leaves 10% in each tail: an 80% interval.
const z80 = 1.2815515655446004

// ErrShortHistory is returned when there is less than one week of history to learn from.
var ErrShortHistory = errors.New("forecast: need at least one week of history")

// Model is a fitted daily-level × intraday-profile forecaster (the approach of
// Weinberg, Brown & Stroud 2007 and of most workforce tools, with a
// regression for the daily level instead of their Bayesian one):
//
//   - The log of each day's total is regressed on day-of-week dummies and a
//     linear trend (least squares through gonum's QR), so weekdays keep their
//     ratios and growth is a percentage. Days with no arrivals are closed
//     (holidays, outages) and left out, as are days the first fit calls
//     outliers (|residual| > 3.5 robust standard deviations), so that neither
//     pulls the level down.
//   - Each day of the week has its own intraday profile: the mean share of
//     the day's arrivals in each slot over the open days of history. A slot
//     that is empty on more than half of those days is closed and gets
//     nothing; the open slots share the whole day.
//   - Interval variance is φ·f + κ·f² (Poisson-like noise plus a level
//     error that scales with the forecast f), fitted to in-sample squared
//     residuals; the 80% interval is f ± 1.2816·√variance, cut at zero.
type Model struct {
	hist    Series
	level   [7]float64 // log daily total per weekday (time.Weekday order) on the last history day
	open    [7]bool    // whether the weekday had any open day
	trend   float64    // growth of the log daily total per day
	bias    float64    // lognormal mean correction σ²/2
	profile [7][]float64
	phi     float64
	kappa   float64
}

// Fit learns the model from hist, which must hold at least 7 days.
func Fit(hist Series) (*Model, error) {
	n := len(hist.Days)
	if n < 7 {
		return nil, fmt.Errorf("%w (got %d days)", ErrShortHistory, n)
	}
	m := &Model{hist: hist}
	totals := make([]float64, n)
	use := make([]bool, n) // days the level and profile are learned from
	for i, d := range hist.Days {
		for _, v := range d {
			totals[i] += v
		}
		use[i] = totals[i] > 0
	}
	if !slices.Contains(use, true) {
		return nil, errors.New("forecast: the history holds no arrivals")
	}
	withTrend := n >= 21 // under three weeks a trend is mostly noise
	if err := m.fitLevel(totals, use, withTrend); err != nil {
		return nil, err
	}
	if m.dropOutliers(totals, use) {
		if err := m.fitLevel(totals, use, withTrend); err != nil {
			return nil, err
		}
	}
	m.fitProfiles(totals, use)
	m.fitVariance(use)
	return m, nil
}

func (m *Model) weekday(i int) time.Weekday { return m.hist.Date(i).Weekday() }

// dayT is the trend regressor of history day i: 0 on the last history day, h on h days after it.
func (m *Model) dayT(i int) float64 { return float64(i - (len(m.hist.Days) - 1)) }

func (m *Model) fitLevel(totals []float64, use []bool, withTrend bool) error {
	m.open = [7]bool{}
	for i, u := range use {
		if u {
			m.open[m.weekday(i)] = true
		}
	}
	col := [7]int{}
	cols := 0
	for w := range 7 {
		if m.open[w] {
			col[w] = cols
			cols++
		}
	}
	trendCol := -1
	if withTrend {
		trendCol = cols
		cols++
	}
	var rows []int
	for i, u := range use {
		if u {
			rows = append(rows, i)
		}
	}
	if len(rows) < cols {
		withTrend, trendCol, cols = false, -1, cols-1
	}
	x := mat.NewDense(len(rows), cols, nil)
	y := mat.NewVecDense(len(rows), nil)
	for r, i := range rows {
		x.Set(r, col[m.weekday(i)], 1)
		if withTrend {
			x.Set(r, trendCol, m.dayT(i))
		}
		y.SetVec(r, math.Log(totals[i]))
	}
	var beta mat.VecDense
	if err := beta.SolveVec(x, y); err != nil {
		return fmt.Errorf("forecast: fit daily level: %w", err)
	}
	m.level = [7]float64{}
	for w := range 7 {
		if m.open[w] {
			m.level[w] = beta.AtVec(col[w])
		}
	}
	m.trend = 0
	if withTrend {
		m.trend = beta.AtVec(trendCol)
	}
	// exp of a mean log is a geometric mean; the lognormal correction
	// exp(σ²/2) turns it back into the mean daily total.
	var ss float64
	for r, i := range rows {
		e := y.AtVec(r) - m.logLevel(i)
		ss += e * e
	}
	m.bias = 0
	if dof := len(rows) - cols; dof > 0 {
		m.bias = ss / float64(dof) / 2
	}
	return nil
}

// logLevel is the regression's log daily total for day i (an open weekday).
func (m *Model) logLevel(i int) float64 {
	return m.level[m.weekday(i)] + m.trend*m.dayT(i)
}

// dayLevel is the fitted (or forecast) daily total of day i, counted from the start of history.
func (m *Model) dayLevel(i int) float64 {
	if !m.open[m.weekday(i)] {
		return 0
	}
	return math.Exp(m.logLevel(i) + m.bias)
}

// dropOutliers unmarks days whose total is far from the fit (a holiday
// half-day, an outage, a marketing spike) and reports whether any went.
func (m *Model) dropOutliers(totals []float64, use []bool) bool {
	resid := func(i int) float64 { return math.Abs(math.Log(totals[i]) - m.logLevel(i)) }
	var abs []float64
	for i, u := range use {
		if u {
			abs = append(abs, resid(i))
		}
	}
	slices.Sort(abs)
	scale := 1.4826 * abs[len(abs)/2] // robust standard deviation from the median absolute residual
	if scale == 0 {
		return false
	}
	var left [7]int // open days kept per weekday: never drop a weekday's last one
	for i, u := range use {
		if u {
			left[m.weekday(i)]++
		}
	}
	dropped := false
	for i, u := range use {
		if u && left[m.weekday(i)] > 1 && resid(i) > 3.5*scale {
			use[i] = false
			left[m.weekday(i)]--
			dropped = true
		}
	}
	return dropped
}

func (m *Model) fitProfiles(totals []float64, use []bool) {
	per := m.hist.SlotsPerDay()
	for w := range 7 {
		share := make([]float64, per)
		empty := make([]int, per)
		days := 0
		for i, u := range use {
			if !u || m.weekday(i) != time.Weekday(w) {
				continue
			}
			days++
			for j, v := range m.hist.Days[i] {
				share[j] += v / totals[i]
				if v == 0 {
					empty[j]++
				}
			}
		}
		var sum float64
		for j := range share {
			if days == 0 || 2*empty[j] > days {
				share[j] = 0
			}
			sum += share[j]
		}
		if sum > 0 {
			for j := range share {
				share[j] /= sum
			}
		}
		m.profile[w] = share
	}
}

// fitVariance fits squared in-sample residuals r² ≈ φ·f + κ·f² by least
// squares with both coefficients kept non-negative.
func (m *Model) fitVariance(use []bool) {
	var sff, sf3, sf4, sr2f, sr2f2 float64
	for i, u := range use {
		if !u {
			continue
		}
		lvl := m.dayLevel(i)
		for j, y := range m.hist.Days[i] {
			f := lvl * m.profile[m.weekday(i)][j]
			if f <= 0 {
				continue
			}
			r2 := (y - f) * (y - f)
			sff += f * f
			sf3 += f * f * f
			sf4 += f * f * f * f
			sr2f += r2 * f
			sr2f2 += r2 * f * f
		}
	}
	if sff == 0 {
		return
	}
	det := sff*sf4 - sf3*sf3
	if det > 0 {
		m.phi = (sr2f*sf4 - sr2f2*sf3) / det
		m.kappa = (sff*sr2f2 - sf3*sr2f) / det
	}
	switch {
	case det <= 0 || (m.phi < 0 && m.kappa < 0):
		m.phi, m.kappa = sr2f/sff, 0
	case m.phi < 0:
		m.phi, m.kappa = 0, sr2f2/sf4
	case m.kappa < 0:
		m.phi, m.kappa = sr2f/sff, 0
	}
}

// Point is the forecast of one interval, with both baselines beside it.
type Point struct {
	Start         time.Time // wall-clock start in the org time zone
	Forecast      float64
	Lower, Upper  float64 // 80% prediction interval
	SeasonalNaive float64 // same interval in the last week of history
	WeeklyMean    float64 // mean of the same interval over the last K weeks of history
}

// Predict forecasts the days that follow the history, every interval of
// each, with the baselines: seasonal naive repeats the last week of history
// and the weekly mean averages the same interval over the last
// baselineWeeks weeks (fewer when the history is shorter).
func (m *Model) Predict(days, baselineWeeks int) []Point {
	n := len(m.hist.Days)
	per := m.hist.SlotsPerDay()
	out := make([]Point, 0, days*per)
	for h := range days {
		i := n + h
		lvl := m.dayLevel(i)
		prof := m.profile[m.weekday(i)]
		lastWeek := n - 7 + h%7
		for j := range per {
			f := lvl * prof[j]
			half := z80 * math.Sqrt(m.phi*f+m.kappa*f*f)
			var sum float64
			k := 0
			for ; k < baselineWeeks && lastWeek-7*k >= 0; k++ {
				sum += m.hist.Days[lastWeek-7*k][j]
			}
			out = append(out, Point{
				Start:         m.hist.Start(i, j),
				Forecast:      f,
				Lower:         math.Max(0, f-half),
				Upper:         f + half,
				SeasonalNaive: m.hist.Days[lastWeek][j],
				WeeklyMean:    sum / float64(k),
			})
		}
	}
	return out
}
