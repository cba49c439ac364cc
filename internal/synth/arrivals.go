package synth

import (
	"math"
	"math/rand/v2"
	"time"
)

// Time inside the simulation is int64 milliseconds since the Unix epoch.
const (
	second = int64(1000)
	minute = 60 * second
	hour   = 60 * minute
	day    = 24 * hour
)

// arrival is one new conversation drawn from the arrival process.
type arrival struct {
	at        int64
	intent    int
	channel   int
	proactive bool
}

// arrivals draws new conversations from a non-homogeneous Poisson process,
// one local day at a time, by thinning: candidates come at the day's peak
// rate and each is kept with probability rate(t)/peak. The rate is the
// day's level (weekly factor × trend × noise) times the intraday curve read
// on the local wall clock, so DST days have 23 or 25 hours of traffic, plus
// an incident plateau on the odd day. It has its own random stream so that
// changing behaviour or staffing never changes who arrives when.
type arrivals struct {
	rng     *rand.Rand
	start   time.Time // local midnight of day 0
	loc     *time.Location
	days    int
	perDay  float64
	day     int // next day to draw
	buf     []arrival
	pos     int
	nextInc int // day index of the next incident
}

func newArrivals(cfg Config, start time.Time) *arrivals {
	a := &arrivals{
		rng:    rand.New(rand.NewPCG(uint64(cfg.Seed), 0x6172726976616c73)), // "arrivals"
		start:  start,
		loc:    cfg.TZ,
		days:   cfg.Days,
		perDay: cfg.PerDay,
	}
	a.nextInc = 2 + a.rng.IntN(9)
	return a
}

// next returns the next arrival in time order, or false when the horizon is exhausted.
func (a *arrivals) next() (arrival, bool) {
	for a.pos == len(a.buf) {
		if a.day >= a.days {
			return arrival{}, false
		}
		a.buf, a.pos = a.drawDay(a.day, a.buf[:0]), 0
		a.day++
	}
	a.pos++
	return a.buf[a.pos-1], true
}

// dayLevel is the expected number of ordinary arrivals on day d, before noise and incidents.
func dayLevel(perDay float64, d int, wd time.Weekday) float64 {
	return perDay * weeklyNorm[wd] * math.Exp(trendPerDay*float64(d))
}

func (a *arrivals) drawDay(d int, out []arrival) []arrival {
	begin := a.start.AddDate(0, 0, d)
	from, to := begin.UnixMilli(), a.start.AddDate(0, 0, d+1).UnixMilli()
	wd := begin.Weekday()
	curve := curveFor(wd)
	level := dayLevel(a.perDay, d, wd) * math.Exp(dailyNoise*a.rng.NormFloat64()-dailyNoise*dailyNoise/2)
	perHour := level / 24

	var incStart, incEnd, incRate float64
	incKind := 0
	if d == a.nextInc {
		incKind = a.rng.IntN(len(incidentMix))
		incStart = 9 + 7*a.rng.Float64()
		incEnd = incStart + 1.5 + 1.5*a.rng.Float64()
		incRate = perHour * (1.5 + 1.5*a.rng.Float64())
		a.nextInc += 9 + a.rng.IntN(12)
	}

	peak := perHour*curveMax(curve) + incRate // per hour
	t := float64(from)
	for {
		t += a.rng.ExpFloat64() / peak * float64(hour)
		if t >= float64(to) {
			return out
		}
		at := int64(t)
		lt := time.UnixMilli(at).In(a.loc)
		h := float64(lt.Hour()) + float64(lt.Minute())/60 + float64(lt.Second())/3600
		base := perHour * curveAt(curve, h)
		u := a.rng.Float64() * peak
		switch {
		case u < base:
			out = append(out, a.ordinary(at, wd, h))
		case incRate > 0 && h >= incStart && h < incEnd && u < base+incRate:
			out = append(out, arrival{at: at, intent: pick(a.rng, incidentMix[incKind]), channel: a.channel()})
		}
	}
}

func (a *arrivals) ordinary(at int64, wd time.Weekday, h float64) arrival {
	if wd != time.Saturday && wd != time.Sunday && h >= 9 && h < 17 && a.rng.Float64() < proactiveShare {
		return arrival{at: at, intent: pick(a.rng, proactiveIntents), channel: pick(a.rng, proactiveChannels), proactive: true}
	}
	return arrival{at: at, intent: pick(a.rng, intentMix), channel: a.channel()}
}

func (a *arrivals) channel() int { return pick(a.rng, channelMix) }

// Distributions derived once from the tables in model.go.
var (
	intentMix   = weights(numIntents, func(i int) float64 { return intents[i].share })
	channelMix  = weights(len(channels), func(i int) float64 { return channels[i].share })
	weeklyNorm  = normalised(weekly[:])
	weekdayNorm = normalised(weekdayCurve[:])
	weekendNorm = normalised(weekendCurve[:])
)

func weights(n int, w func(int) float64) []weighted {
	out := make([]weighted, n)
	for i := range out {
		out[i] = weighted{i, w(i)}
	}
	return out
}

// normalised scales xs to a mean of 1.
func normalised(xs []float64) []float64 {
	var sum float64
	for _, x := range xs {
		sum += x
	}
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = x * float64(len(xs)) / sum
	}
	return out
}

func curveFor(wd time.Weekday) []float64 {
	if wd == time.Saturday || wd == time.Sunday {
		return weekendNorm
	}
	return weekdayNorm
}

// curveAt interpolates an hourly curve at fractional local hour h, wrapping at midnight.
func curveAt(curve []float64, h float64) float64 {
	i := int(h) % 24
	f := h - math.Floor(h)
	return curve[i]*(1-f) + curve[(i+1)%24]*f
}

func curveMax(curve []float64) float64 {
	m := 0.0
	for _, v := range curve {
		m = max(m, v)
	}
	return m
}

// pick draws from a discrete distribution; the weights need not sum to 1.
func pick(r *rand.Rand, ws []weighted) int {
	var total float64
	for _, w := range ws {
		total += w.w
	}
	u := r.Float64() * total
	for _, w := range ws {
		if u < w.w {
			return w.v
		}
		u -= w.w
	}
	return ws[len(ws)-1].v
}

// logNormal draws a duration in ms with the given median (ms) and log-sigma.
func logNormal(r *rand.Rand, median int64, sigma float64) int64 {
	return int64(float64(median) * math.Exp(sigma*r.NormFloat64()))
}

// expo draws an exponential duration in ms with the given mean.
func expo(r *rand.Rand, mean int64) int64 {
	return int64(r.ExpFloat64() * float64(mean))
}

// between draws a uniform duration in [lo, hi) ms.
func between(r *rand.Rand, lo, hi int64) int64 {
	return lo + r.Int64N(hi-lo)
}
