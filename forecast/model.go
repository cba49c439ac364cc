package forecast

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// z80 is the standard normal quantile that leaves 10% in each tail: an 80% interval.
const z80 = 1.2815515655446004

// ErrShortHistory is returned when there is less than one week of history to learn from.
var ErrShortHistory = errors.New("forecast: need at least one week of history")

// Model settings. Each was measured on the rolling origin of both real
// series (docs/forecasting.md, "How the model was chosen"); the choices the
// data can make for itself (calendar effects, trend, level window) are made
// per history by selectSpec instead.
const (
	// refRadius is how far (days) on either side of a special day its
	// ordinary same-weekday neighbours are looked for when measuring how
	// much it ran above or below them.
	refRadius = 21
	// profileDays is how many recent business days of a weekday its
	// intraday profile averages.
	profileDays = 8
	// profileShrink is how many days' weight the recent shape of all
	// weekdays gets in each weekday's profile (1 scored best of 0, 1, 2, 4
	// and 8 on both real series).
	profileShrink = 1.0
	// clipMADs is how many robust standard deviations a day's share of an
	// interval may stray from the median share before it is clipped.
	clipMADs = 2.5
	// trendDays is the window (days) over which a trend is measured.
	trendDays = 56
	// selectWeeks is how many weekly origins at the end of the history the
	// model's form is chosen on.
	selectWeeks = 10
	// selectMinDays is the shortest history an inner origin may stand on.
	selectMinDays = 28
	// selectZ is how many standard errors a change's gain in the selection
	// error must reach: the paired day-by-day differences must show that the
	// gain is not the noise of a few days (0 overfitted synthetic series with
	// no calendar effects; 1 also scored better on the US bank series).
	selectZ = 1.0
	// indexWeeks is the window (weeks) of the weekday index.
	indexWeeks = 8
)

// levelWindows are the numbers of recent weeks the daily level may stand
// on; selectSpec picks one per history.
var levelWindows = []int{1, 2, 3, 4, 6, 8}

// defaultLevelWeeks is the level window before selection (and on histories too short to select on).
const defaultLevelWeeks = 4

// Options are what Fit takes besides the history.
type Options struct {
	// Holidays are known holiday dates (their wall-clock date counts). A
	// known holiday is forecast as the holidays in the history ran (closed,
	// if the history holds none), and the day after one may run high.
	Holidays []time.Time
	// Location is the time zone of the series' wall clock; nil for one
	// without clock changes. On a day the clock changes, an interval's
	// forecast is scaled by how long it really lasts: the skipped spring
	// hour gets none, the repeated autumn hour two hours' worth.
	Location *time.Location
}

// Spec is the form of a fitted model: which calendar effects it applies,
// whether it extrapolates a trend, and over how many recent weeks its daily
// level is taken. Fit chooses it on the history (see Model).
type Spec struct {
	Features   []Feature `json:"calendar_effects"`
	Trend      bool      `json:"trend"`
	LevelWeeks int       `json:"level_weeks"`
}

// String describes the form for people: "level over 4w, no trend, month_start_1+after_closure".
func (s Spec) String() string {
	trend := "no trend"
	if s.Trend {
		trend = "trend"
	}
	effects := "no calendar effects"
	if len(s.Features) > 0 {
		names := make([]string, len(s.Features))
		for k, f := range s.Features {
			names[k] = f.String()
		}
		effects = strings.Join(names, "+")
	}
	return fmt.Sprintf("level over %dw, %s, %s", s.LevelWeeks, trend, effects)
}

type spec struct {
	features   [numFeatures]bool
	trend      bool
	levelWeeks int
}

func (s spec) export() Spec {
	out := Spec{Trend: s.trend, LevelWeeks: s.levelWeeks, Features: []Feature{}}
	for f, on := range s.features {
		if on {
			out.Features = append(out.Features, Feature(f))
		}
	}
	return out
}

// Model is a fitted daily-level × intraday-profile forecaster in the manner
// of the call-centre literature (Weinberg, Brown & Stroud 2007; Taylor 2008;
// Ibrahim & L'Ecuyer 2013):
//
//   - Calendar effects: the first and second business day of a month, the
//     last and second-to-last, and the first business day after a closure,
//     each measured over the whole history as the median ratio of such days
//     to the ordinary days of the same weekday within three weeks of them.
//   - Daily level = recent level × weekday index. Every business day's total
//     is first divided by the calendar effects the model uses. The weekday
//     index is each weekday's 20%-trimmed mean over the last eight weeks,
//     relative to the mean over the open weekdays; the recent level is the
//     trimmed mean of the last few weeks' business days, each divided by its
//     weekday index, so every recent day tells about every weekday.
//     Closures (a usual business weekday with no arrivals, or a known
//     holiday) never enter either, so they never pull the forecast down.
//   - A trend in the log daily level (Theil–Sen slope over eight weeks),
//     only if it earns its place.
//   - Each weekday's intraday profile: the mean share of each interval over
//     its last eight business days, with shares more than 2.5 robust
//     standard deviations from their median clipped to that bound, so one
//     outage burst does not shape every future Monday. An interval empty
//     on more than half of those days is closed and forecast as 0.
//
// Which calendar effects, whether a trend, and how many weeks the recent
// level averages are chosen by a rolling-origin evaluation on the history
// itself: each of its last ten weeks is forecast from the days before it,
// and a change is kept only where it lowers the absolute error of the daily
// totals by more than a standard error (forward selection). The 80%
// interval is f ± z·√(φ·f + κ·f²), with φ and κ fitted to the squared
// errors of those same out-of-sample forecasts and z the multiple that held
// 80% of them, so the band is as wide as the model's real misses.
type Model struct {
	hist  Series
	loc   *time.Location // Options.Location
	cal   *calendar
	day   dailyFit
	prof  [7][]float64
	phi   float64
	kappa float64
	z     float64 // the multiple of the standard deviation that makes the 80% interval
	// outOfSample is whether φ and κ come from out-of-sample errors (false
	// on histories too short for the rolling evaluation).
	outOfSample bool
}

// Fit learns the model from hist, which must hold at least 7 days.
func Fit(hist Series, opt Options) (*Model, error) {
	n := len(hist.Days)
	if n < 7 {
		return nil, fmt.Errorf("%w (got %d days)", ErrShortHistory, n)
	}
	cal := newCalendar(hist, opt.Holidays)
	if !slices.ContainsFunc(cal.totals, func(t float64) bool { return t > 0 }) {
		return nil, errors.New("forecast: the history holds no arrivals")
	}
	sp := selectSpec(hist, opt.Holidays)
	m := &Model{hist: hist, loc: opt.Location, cal: cal}
	m.day = fitDaily(cal, sp)
	m.prof = fitProfiles(hist, cal)
	m.fitVariance(opt.Holidays)
	return m, nil
}

// Spec is the form Fit chose for this history. A level window longer than
// the history is reported as the weeks the history spans, all of which the
// level used: three weeks of data are "level over 3w", not the 4w a
// history too short to choose on starts from.
func (m *Model) Spec() Spec {
	s := m.day.spec.export()
	s.LevelWeeks = min(s.LevelWeeks, (len(m.hist.Days)+6)/7)
	return s
}

// dailyFit is the daily-total part of the model.
type dailyFit struct {
	cal    *calendar
	spec   spec
	effect [numFeatures]float64 // multiplicative effect of each feature (1: none measured)
	// holidayFactor is the ratio of known holidays in the history to ordinary days (0: closed, or none seen).
	holidayFactor float64
	level         [7]float64 // calendar-adjusted daily total per weekday
	center        [7]float64 // mean day index the level stands on (where the trend is anchored)
	trend         float64    // growth of the log daily total per day
}

// plainDays marks the history's business days without any calendar feature:
// the ordinary days special ones are compared with.
func (c *calendar) plainDays() []bool {
	plain := make([]bool, len(c.totals))
	for i := range plain {
		if c.business(i) {
			fs := c.features(i)
			plain[i] = !slices.Contains(fs[:], true)
		}
	}
	return plain
}

// ref is the median total of plain days of day i's weekday within
// refRadius days of it (i itself excluded), and false with fewer than two.
func (c *calendar) ref(i int, plain []bool) (float64, bool) {
	var near []float64
	for k := i - refRadius; k <= i+refRadius; k += 7 {
		if k != i && k >= 0 && k < len(plain) && plain[k] {
			near = append(near, c.totals[k])
		}
	}
	if len(near) < 2 {
		return 0, false
	}
	return median(near), true
}

// measureEffects estimates each feature's effect and the holiday factor from
// the whole history: the median log ratio of the days with the feature to
// their ordinary neighbours, other features' effects divided out.
func (c *calendar) measureEffects() (effect [numFeatures]float64, holidayFactor float64) {
	plain := c.plainDays()
	type obs struct {
		fs  [numFeatures]bool
		lr  float64 // log ratio to the neighbours
		day int
	}
	var data []obs
	var holidayRatios []float64
	for i := range c.totals {
		switch {
		case c.business(i):
			fs := c.features(i)
			if !slices.Contains(fs[:], true) {
				continue
			}
			if r, ok := c.ref(i, plain); ok {
				data = append(data, obs{fs, math.Log(c.totals[i] / r), i})
			}
		case c.holiday(i) && c.normallyOpen(i):
			if r, ok := c.ref(i, plain); ok {
				holidayRatios = append(holidayRatios, c.totals[i]/r)
			}
		}
	}
	var logEff [numFeatures]float64
	for range 3 { // days with two features: divide out the other's current estimate
		for f := range numFeatures {
			var lrs []float64
			for _, o := range data {
				if !o.fs[f] {
					continue
				}
				lr := o.lr
				for g := range numFeatures {
					if g != f && o.fs[g] {
						lr -= logEff[g]
					}
				}
				lrs = append(lrs, lr)
			}
			logEff[f] = 0
			if len(lrs) >= 2 {
				logEff[f] = median(lrs)
			}
		}
	}
	for f := range effect {
		effect[f] = math.Exp(logEff[f])
	}
	if len(holidayRatios) > 0 {
		holidayFactor = median(holidayRatios)
	}
	return effect, holidayFactor
}

// factor is the product of the used calendar effects of day i.
func (d *dailyFit) factor(i int) float64 {
	fs := d.cal.features(i)
	x := 1.0
	for f, on := range fs {
		if on && d.spec.features[f] {
			x *= d.effect[f]
		}
	}
	return x
}

func fitDaily(cal *calendar, sp spec) dailyFit {
	eff, hol := cal.effectsCached()
	return fitDailyWith(cal, sp, eff, hol)
}

func fitDailyWith(cal *calendar, sp spec, eff [numFeatures]float64, hol float64) dailyFit {
	d := dailyFit{cal: cal, spec: sp, effect: eff, holidayFactor: hol}
	n := len(cal.totals)
	adj := func(i int) float64 { return cal.totals[i] / d.factor(i) }
	// The weekday index: each weekday's calendar-adjusted trimmed mean over
	// the last indexWeeks weeks, relative to the mean over the open weekdays.
	var byWeekday [7][]float64
	for i := n - 1; i >= 0 && i >= n-7*indexWeeks; i-- {
		if cal.business(i) {
			byWeekday[cal.weekday(i)] = append(byWeekday[cal.weekday(i)], adj(i))
		}
	}
	var index [7]float64
	var sum float64
	open := 0
	for w, vals := range byWeekday {
		if len(vals) > 0 {
			index[w] = trimmedMean(vals)
			sum += index[w]
			open++
		}
	}
	if open == 0 {
		return d // no business day in the recent weeks: nothing to forecast from
	}
	for w := range index {
		index[w] /= sum / float64(open)
	}
	// The recent level: the last levelWeeks weeks' business days, each
	// adjusted for its calendar effects and its weekday.
	var vals, idx []float64
	for i := n - 1; i >= 0 && len(vals) < sp.levelWeeks*open; i-- {
		if w := cal.weekday(i); cal.business(i) && index[w] > 0 {
			vals = append(vals, adj(i)/index[w])
			idx = append(idx, float64(i))
		}
	}
	lvl, center := trimmedMean(vals), mean(idx)
	for w := range 7 {
		d.level[w], d.center[w] = lvl*index[w], center
	}
	if sp.trend {
		// Theil–Sen slope of the log adjusted totals, relative to their
		// weekday's level, over pairs at least a week apart.
		type pt struct{ x, y float64 }
		var pts []pt
		for i := max(0, n-trendDays); i < n; i++ {
			if w := cal.weekday(i); cal.business(i) && d.level[w] > 0 {
				pts = append(pts, pt{float64(i), math.Log(adj(i) / d.level[w])})
			}
		}
		var slopes []float64
		for a := range pts {
			for b := a + 1; b < len(pts); b++ {
				if dx := pts[b].x - pts[a].x; dx >= 7 {
					slopes = append(slopes, (pts[b].y-pts[a].y)/dx)
				}
			}
		}
		if len(slopes) > 0 {
			d.trend = median(slopes)
		}
	}
	return d
}

// total is the forecast daily total of day i (any index, usually after the history).
func (d *dailyFit) total(i int) float64 {
	cal := d.cal
	w := cal.weekday(i)
	if !cal.normallyOpen(i) {
		return 0
	}
	lvl := d.level[w] * math.Exp(d.trend*(float64(i)-d.center[w]))
	if cal.holiday(i) {
		return lvl * d.holidayFactor
	}
	return lvl * d.factor(i)
}

// fitProfiles computes each weekday's intraday profile from its recent
// business days, shrunk toward the shape of the last 4·profileDays business days.
func fitProfiles(hist Series, cal *calendar) [7][]float64 {
	per := hist.SlotsPerDay()
	var prof [7][]float64
	pooledDays := [][]float64{}
	byWeekday := [7][][]float64{}
	for i := len(hist.Days) - 1; i >= 0; i-- {
		if !cal.business(i) {
			continue
		}
		w := cal.weekday(i)
		if len(byWeekday[w]) < profileDays {
			byWeekday[w] = append(byWeekday[w], hist.Days[i])
		}
		if len(pooledDays) < 4*profileDays {
			pooledDays = append(pooledDays, hist.Days[i])
		}
	}
	pool := profileOf(pooledDays, per, cal)
	for w := range 7 {
		days := byWeekday[w]
		if len(days) == 0 {
			prof[w] = pool // a weekday never open in recent weeks borrows the recent shape
			continue
		}
		prof[w] = profileOf(days, per, cal)
		// Shrink toward the recent shape of all weekdays, as if it were
		// profileShrink more days of this one: a profile from two or three
		// days is mostly noise in a low-volume queue.
		n := float64(len(days))
		var sum float64
		for j, v := range prof[w] {
			if v > 0 { // a closed interval stays closed
				prof[w][j] = (n*v + profileShrink*pool[j]) / (n + profileShrink)
				sum += prof[w][j]
			}
		}
		for j := range prof[w] {
			if sum > 0 {
				prof[w][j] /= sum
			}
		}
	}
	return prof
}

// profileOf is the clipped mean share of each slot over days.
func profileOf(days [][]float64, per int, cal *calendar) []float64 {
	share := make([]float64, per)
	if len(days) == 0 {
		return share
	}
	shares := make([][]float64, per) // per slot, one share per day
	empty := make([]int, per)
	for _, d := range days {
		var tot float64
		for _, v := range d {
			tot += v
		}
		for j, v := range d {
			shares[j] = append(shares[j], v/tot)
			if v == 0 {
				empty[j]++
			}
		}
	}
	var sum float64
	buf := make([]float64, len(days))
	for j := range share {
		if 2*empty[j] > len(days) {
			continue // closed
		}
		s := shares[j]
		med := median(s)
		for k, v := range s {
			buf[k] = math.Abs(v - med)
		}
		bound := clipMADs * 1.4826 * median(buf[:len(s)])
		for _, v := range s {
			share[j] += math.Min(math.Max(v, med-bound), med+bound)
		}
		share[j] /= float64(len(s))
		sum += share[j]
	}
	if sum > 0 {
		for j := range share {
			share[j] /= sum
		}
	}
	return share
}

// selectSpec chooses the model's form on the history alone by forward
// selection: starting from the plain weekday level, it tries each calendar
// effect, the trend and each level window, scoring every candidate by the
// absolute error of its daily totals over the last selectWeeks weeks, each
// forecast from the days before it; it takes the best change while it
// lowers that error. (Demanding a minimum gain of 0.3% or 1% before taking
// a change scored worse on both real series.)
func selectSpec(hist Series, holidays []time.Time) spec {
	best := spec{levelWeeks: defaultLevelWeeks}
	type fold struct {
		cal        *calendar
		eff        [numFeatures]float64
		hol        float64
		from, to   int // the days scored: [from, to) of the whole history
		actual     []float64
		scoredDays []bool
	}
	n := len(hist.Days)
	var folds []fold
	for q := 1; q <= selectWeeks; q++ {
		cut := n - 7*q
		if cut < selectMinDays {
			break
		}
		cal := newCalendar(hist.Slice(0, cut), holidays)
		eff, hol := cal.effectsCached()
		f := fold{cal: cal, eff: eff, hol: hol, from: cut, to: min(cut+7, n)}
		full := dayTotals(hist.Slice(f.from, f.to))
		for k, t := range full {
			f.actual = append(f.actual, t)
			// Score ordinary open days: a closure nobody announced is no model's to predict.
			f.scoredDays = append(f.scoredDays, t > 0 && cal.normallyOpen(cut+k))
		}
		folds = append(folds, f)
	}
	if len(folds) == 0 {
		return best
	}
	errs := func(sp spec) []float64 {
		var e []float64
		for _, f := range folds {
			d := fitDailyWith(f.cal, sp, f.eff, f.hol)
			for k, y := range f.actual {
				if f.scoredDays[k] {
					e = append(e, math.Abs(d.total(f.from+k)-y))
				}
			}
		}
		return e
	}
	cur := errs(best)
	for {
		var cands []spec
		for f := range numFeatures {
			if !best.features[f] {
				c := best
				c.features[f] = true
				cands = append(cands, c)
			}
		}
		if !best.trend {
			c := best
			c.trend = true
			cands = append(cands, c)
		}
		for _, lw := range levelWindows {
			if lw != best.levelWeeks {
				c := best
				c.levelWeeks = lw
				cands = append(cands, c)
			}
		}
		improved := false
		bestGain := 0.0
		base := cur
		for _, c := range cands {
			e := errs(c)
			if g, ok := earns(base, e); ok && g > bestGain {
				best, cur, bestGain, improved = c, e, g, true
			}
		}
		if !improved {
			return best
		}
	}
}

// earns reports whether errors cand improve on errors base (the same days,
// in the same order) by more than selectZ standard errors of the paired
// differences, and the total gain.
func earns(base, cand []float64) (float64, bool) {
	n := float64(len(base))
	if n < 2 {
		return 0, false
	}
	var sum, sq float64
	for k := range base {
		d := base[k] - cand[k]
		sum += d
		sq += d * d
	}
	meanD := sum / n
	sd := math.Sqrt(math.Max(0, (sq-n*meanD*meanD)/(n-1)))
	return sum, meanD > 0 && meanD > selectZ*sd/math.Sqrt(n)
}

// fitVariance fits the interval variance v = φ·f + κ·f² to the squared
// errors of out-of-sample forecasts: each of the last selectWeeks weeks
// forecast, in the chosen form, from the days before it. Histories too
// short for that fall back to the in-sample errors, doubled.
func (m *Model) fitVariance(holidays []time.Time) {
	var data []varObs
	n := len(m.hist.Days)
	for q := 1; q <= selectWeeks; q++ {
		cut := n - 7*q
		if cut < selectMinDays {
			break
		}
		train := m.hist.Slice(0, cut)
		cal := newCalendar(train, holidays)
		d := fitDaily(cal, m.day.spec)
		prof := fitProfiles(train, cal)
		for i := cut; i < min(cut+7, n); i++ {
			data = appendResiduals(data, d.total(i), prof[cal.weekday(i)], m.hist.Days[i], m.cal.business(i))
		}
	}
	m.outOfSample = len(data) > 0
	scale := 1.0
	if !m.outOfSample {
		for i := range n {
			data = appendResiduals(data, m.day.total(i), m.prof[m.cal.weekday(i)], m.hist.Days[i], m.cal.business(i))
		}
		scale = 2 // in-sample errors understate the misses of a new day
	}
	m.phi, m.kappa = fitVarianceCurve(data)
	m.phi *= scale
	m.kappa *= scale
	m.z = z80
	if m.outOfSample {
		// The misses are not normal (more small ones, a few large): take the
		// multiple of √v that held 80% of the out-of-sample misses.
		zs := make([]float64, len(data))
		for k, o := range data {
			zs[k] = math.Sqrt(o.r2 / (m.phi*o.f + m.kappa*o.f*o.f))
		}
		slices.Sort(zs)
		m.z = zs[int(0.8*float64(len(zs)-1))]
	}
}

type varObs struct{ f, r2 float64 }

func appendResiduals(data []varObs, total float64, prof, actual []float64, business bool) []varObs {
	if !business {
		return data
	}
	for j, y := range actual {
		if f := total * prof[j]; f > 0 {
			data = append(data, varObs{f, (y - f) * (y - f)})
		}
	}
	return data
}

// fitVarianceCurve fits v = φ·f + κ·f² to squared residuals by
// iteratively reweighted least squares: each round weights a residual by
// 1/v² (the variance of a squared residual grows as v²) and caps it at 3
// standard deviations, so one burst cannot blow up every band. Both
// coefficients stay non-negative; with no data it returns Poisson (1, 0).
func fitVarianceCurve(data []varObs) (phi, kappa float64) {
	phi, kappa = 1, 0
	for range 10 {
		var a11, a12, a22, b1, b2 float64
		for _, o := range data {
			v := phi*o.f + kappa*o.f*o.f
			w := 1 / (v * v)
			u := math.Min(o.r2, 9*v)
			a11 += w * o.f * o.f
			a12 += w * o.f * o.f * o.f
			a22 += w * o.f * o.f * o.f * o.f
			b1 += w * o.f * u
			b2 += w * o.f * o.f * u
		}
		if a11 == 0 {
			return phi, kappa
		}
		p, k := 0.0, 0.0
		if det := a11*a22 - a12*a12; det > 0 {
			p, k = (b1*a22-b2*a12)/det, (a11*b2-a12*b1)/det
		}
		switch {
		case p <= 0 && k <= 0, k < 0:
			p, k = b1/a11, 0
		case p < 0:
			p, k = 0, b2/a22
		}
		if p == 0 && k == 0 {
			return phi, kappa // a perfect fit: no noise to describe
		}
		phi, kappa = p, k
	}
	return phi, kappa
}

// Point is the forecast of one interval, with both baselines beside it.
type Point struct {
	Start         time.Time // wall-clock start in the org time zone
	Forecast      float64
	Lower, Upper  float64 // 80% prediction interval
	SeasonalNaive float64 // same interval in the last week of history
	WeeklyMean    float64 // mean of the same interval over the last K weeks of history
	// Length is how long the interval really lasts: the step, except on a
	// day the clock changes (0 in the skipped spring hour, twice the step
	// in the repeated autumn hour). Every figure above is scaled by it.
	Length time.Duration
}

// Predict forecasts the days that follow the history, every interval of
// each, with the baselines: seasonal naive repeats the last week of history
// and the weekly mean averages the same interval over the last
// baselineWeeks weeks (fewer when the history is shorter).
func (m *Model) Predict(days, baselineWeeks int) []Point {
	return m.PredictFrom(m.hist.Date(len(m.hist.Days)), days, baselineWeeks)
}

// PredictFrom is Predict for the days from start (a wall-clock date on or
// after the day that follows the history): a forecast for next week made
// from a history that ends a few days before it.
func (m *Model) PredictFrom(start time.Time, days, baselineWeeks int) []Point {
	first := max(len(m.hist.Days), int(start.Sub(m.hist.First).Hours()/24))
	per := m.hist.SlotsPerDay()
	out := make([]Point, 0, days*per)
	for i := first; i < first+days; i++ {
		total := m.day.total(i)
		prof := m.prof[m.cal.weekday(i)]
		lengths := slotLengths(m.hist.Date(i), m.hist.Step, m.loc)
		for j := range per {
			length := m.hist.Step
			if lengths != nil {
				length = lengths[j]
			}
			share := float64(length) / float64(m.hist.Step)
			f := total * prof[j] * share
			half := m.z * math.Sqrt(m.phi*f+m.kappa*f*f)
			out = append(out, Point{
				Start:         m.hist.Start(i, j),
				Forecast:      f,
				Lower:         math.Max(0, f-half),
				Upper:         f + half,
				SeasonalNaive: calendarMean(m.hist, i, j, 1) * share,
				WeeklyMean:    calendarMean(m.hist, i, j, baselineWeeks) * share,
				Length:        length,
			})
		}
	}
	return out
}

// calendarMean is the planner's spreadsheet: the mean of slot j on the
// same weekday as day i (any day at or after the history's end) over the
// last k weeks of s, fewer when s is shorter. k = 1 is the seasonal naive.
func calendarMean(s Series, i, j, k int) float64 {
	last := len(s.Days) - 7 + (i-len(s.Days))%7 // the same weekday in the last week of history
	var sum float64
	used := 0
	for ; used < k && last-7*used >= 0; used++ {
		sum += s.Days[last-7*used][j]
	}
	return sum / float64(used)
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func mean(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// trimmedMean is the 20% trimmed mean (at least the largest and smallest
// value dropped once there are four or more): robust to an odd day, less
// wasteful than a median.
func trimmedMean(xs []float64) float64 {
	if len(xs) < 4 {
		return mean(xs)
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	cut := max(1, len(s)/5)
	return mean(s[cut : len(s)-cut])
}
