package forecast

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"gonum.org/v1/gonum/mat"
)

// levelHalfLife is the age in days at which a day counts half as much in the
// daily-level fit. Recent weeks say more about next week than older ones
// (the idea of exponential smoothing); 14 days kept the model ahead of both
// baselines at every horizon from 1 to 8 weeks on the US bank series, where
// equal weights lost at 6 and 8 weeks (docs/forecasting.md).
const levelHalfLife = 14.0

// z80 is the standard normal quantile that leaves 10% in each tail: an 80% interval.
const z80 = 1.2815515655446004

// ErrShortHistory is returned when there is less than one week of history to learn from.
var ErrShortHistory = errors.New("forecast: need at least one week of history")

// Model is a fitted daily-level × intraday-profile forecaster (the approach of
// Weinberg, Brown & Stroud 2007 and of most workforce tools, with a
// regression for the daily level instead of their Bayesian one):
//
//   - The log of each day's total is regressed on day-of-week dummies and a
//     linear trend (weighted least squares through gonum's QR, weights
//     halving every 14 days back), so weekdays keep their ratios, growth is a
//     percentage and the level follows recent weeks. Days with no arrivals are closed
//     (holidays, outages) and left out, as are days the first fit calls
//     outliers (|residual| > 3.5 robust standard deviations), so that neither
//     pulls the level down.
//   - Each day of the week has its own intraday profile: the mean share of
//     the day's arrivals in each slot over the open days of history. A slot
//     that is empty on more than half of those days is closed and gets
//     nothing; the open slots share the whole day.
//   - Interval variance is φ·f + κ·f² (Poisson-like noise plus a level
//     error that scales with the forecast f), fitted robustly to in-sample
//     squared residuals and scaled up for the profile's own estimation error,
//     plus f² times the variance of the estimated log level (few days per
//     weekday, trend extrapolation); the 80% interval is f ± 1.2816·√variance,
//     cut at zero.
type Model struct {
	hist  Series
	level [7]float64 // log daily total per weekday (time.Weekday order) on the last history day
	open  [7]bool    // whether the weekday had any open day
	trend float64    // growth of the log daily total per day
	bias  float64    // lognormal mean correction σ²/2
	// Parameter uncertainty of the log-level regression, so that bands widen
	// where the level rests on few days or a trend is extrapolated far.
	col      [7]int        // design column of each open weekday
	trendCol int           // design column of the trend, -1 without one
	cov      *mat.SymDense // σ²·(XᵀX)⁻¹
	profile  [7][]float64
	// inflate[w] turns in-sample residual variance into out-of-sample
	// variance for weekday w: a profile averaged over n days fits its own
	// days by a factor (n−1)/n too well and misses a new day by (n+1)/n.
	inflate [7]float64
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
	var rows []int
	for i, u := range use {
		if u {
			rows = append(rows, i)
		}
	}
	col := &m.col
	cols := 0
	for w := range 7 {
		if m.open[w] {
			col[w] = cols
			cols++
		}
	}
	m.trendCol = -1
	if withTrend && len(rows) > cols { // a trend needs a day more than the weekday means do
		m.trendCol = cols
		cols++
	}
	x := mat.NewDense(len(rows), cols, nil)
	y := mat.NewVecDense(len(rows), nil)
	sqrtW := make([]float64, len(rows))
	for r, i := range rows {
		// Weighted least squares: scaling a row by √weight weights its squared residual.
		sqrtW[r] = math.Sqrt(math.Pow(0.5, -m.dayT(i)/levelHalfLife))
		x.Set(r, col[m.weekday(i)], sqrtW[r])
		if m.trendCol >= 0 {
			x.Set(r, m.trendCol, sqrtW[r]*m.dayT(i))
		}
		y.SetVec(r, sqrtW[r]*math.Log(totals[i]))
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
	if m.trendCol >= 0 {
		m.trend = beta.AtVec(m.trendCol)
	}
	// exp of a mean log is a geometric mean; the lognormal correction
	// exp(σ²/2) turns it back into the mean daily total.
	var ss float64
	for r, i := range rows {
		e := y.AtVec(r) - sqrtW[r]*m.logLevel(i) // weighted residual
		ss += e * e
	}
	m.bias = 0
	m.cov = mat.NewSymDense(cols, nil)
	if dof := len(rows) - cols; dof > 0 {
		sigma2 := ss / float64(dof)
		m.bias = sigma2 / 2
		var xtx mat.SymDense
		xtx.SymOuterK(1, x.T())
		var ch mat.Cholesky
		if ch.Factorize(&xtx) {
			if err := ch.InverseTo(m.cov); err != nil {
				return fmt.Errorf("forecast: level covariance: %w", err)
			}
			m.cov.ScaleSym(sigma2, m.cov)
		}
	}
	return nil
}

// levelVar is the variance of the estimated log level of day i (an open
// weekday): xᵀ·cov·x for its design row x.
func (m *Model) levelVar(i int) float64 {
	c := m.col[m.weekday(i)]
	v := m.cov.At(c, c)
	if m.trendCol >= 0 {
		t := m.dayT(i)
		v += 2*t*m.cov.At(c, m.trendCol) + t*t*m.cov.At(m.trendCol, m.trendCol)
	}
	return v
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
		m.inflate[w] = 3 // a profile from a single day
		if days > 1 {
			m.inflate[w] = float64(days+1) / float64(days-1)
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

// fitVariance fits the interval variance v = φ·f + κ·f² to in-sample
// squared residuals by iteratively reweighted least squares: each round
// weights a residual by 1/v² (the variance of a squared residual grows as
// v²) and caps it at 3 standard deviations, so one burst — a system outage
// sending everyone to the phone at once — cannot blow up the bands for
// every interval. Both coefficients are kept non-negative.
func (m *Model) fitVariance(use []bool) {
	type obs struct{ f, r2 float64 }
	var data []obs
	for i, u := range use {
		if !u {
			continue
		}
		lvl := m.dayLevel(i)
		for j, y := range m.hist.Days[i] {
			if f := lvl * m.profile[m.weekday(i)][j]; f > 0 {
				data = append(data, obs{f, (y - f) * (y - f)})
			}
		}
	}
	m.phi, m.kappa = 1, 0 // Poisson to start
	for range 10 {
		var a11, a12, a22, b1, b2 float64
		for _, o := range data {
			v := m.phi*o.f + m.kappa*o.f*o.f
			w := 1 / (v * v)
			u := math.Min(o.r2, 9*v)
			a11 += w * o.f * o.f
			a12 += w * o.f * o.f * o.f
			a22 += w * o.f * o.f * o.f * o.f
			b1 += w * o.f * u
			b2 += w * o.f * o.f * u
		}
		if a11 == 0 {
			return
		}
		phi, kappa := 0.0, 0.0
		if det := a11*a22 - a12*a12; det > 0 {
			phi, kappa = (b1*a22-b2*a12)/det, (a11*b2-a12*b1)/det
		}
		switch {
		case phi <= 0 && kappa <= 0, kappa < 0:
			phi, kappa = b1/a11, 0
		case phi < 0:
			phi, kappa = 0, b2/a22
		}
		if phi == 0 && kappa == 0 {
			return // a perfect fit: no noise to describe
		}
		m.phi, m.kappa = phi, kappa
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
		var lv float64
		if lvl > 0 {
			lv = m.levelVar(i)
		}
		for j := range per {
			f := lvl * prof[j]
			half := z80 * math.Sqrt(m.inflate[m.weekday(i)]*(m.phi*f+m.kappa*f*f)+lv*f*f)
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
