package forecast

import (
	"time"
)

// Feature is a calendar effect the model may learn: a day of a kind that
// call centres see run high or low month after month (Ibrahim & L'Ecuyer
// 2013; Taylor 2008). Whether a feature is used at all is decided on the
// history before each forecast origin (see selectSpec).
type Feature int

// The calendar features, in the order they are tried.
const (
	// MonthStart1 is the first business day of a month.
	MonthStart1 Feature = iota
	// MonthStart2 is the second business day of a month.
	MonthStart2
	// MonthEnd1 is the last business day of a month.
	MonthEnd1
	// MonthEnd2 is the business day before the last one.
	MonthEnd2
	// AfterClosure is the first business day after a closure or holiday
	// (not after a weekday the organisation is always closed on).
	AfterClosure
	numFeatures
)

var featureNames = [numFeatures]string{"month_start_1", "month_start_2", "month_end_1", "month_end_2", "after_closure"}

// String is the feature's name as reports print it.
func (f Feature) String() string { return featureNames[f] }

// MarshalText writes the feature by name in JSON.
func (f Feature) MarshalText() ([]byte, error) { return []byte(f.String()), nil }

// calendar classifies the days of a history and of the days after it: which
// weekdays the organisation opens on, which days were closures or known
// holidays, and which calendar features each business day has. Day indices
// count from the first day of the history; indices outside it (before the
// start, or in the forecast) are judged by the weekday pattern and the known
// holidays alone.
type calendar struct {
	first  time.Time
	totals []float64 // daily totals of the history
	// openWeekday is whether the weekday had arrivals on at least half of its
	// days: Saturday in a weekday-only centre is closed, not a closure.
	openWeekday [7]bool
	// holidays holds the known holidays as day numbers (days since 1970-01-01).
	holidays map[int]bool
	firstDay int // the day number of first
	// feat caches features for the days of the history and featPad days after it.
	feat     [][numFeatures]bool
	featDone []bool
	// measured caches measureEffects: the effects depend on the history alone.
	measured      bool
	effect        [numFeatures]float64
	holidayFactor float64
}

// effectsCached is measureEffects, computed once per calendar.
func (c *calendar) effectsCached() ([numFeatures]float64, float64) {
	if !c.measured {
		c.effect, c.holidayFactor = c.measureEffects()
		c.measured = true
	}
	return c.effect, c.holidayFactor
}

func newCalendar(hist Series, holidays []time.Time) *calendar {
	c := &calendar{first: hist.First, totals: dayTotals(hist), holidays: map[int]bool{}, firstDay: dayNumber(hist.First)}
	for _, h := range holidays {
		c.holidays[dayNumber(h)] = true
	}
	var open, all [7]int
	for i, t := range c.totals {
		w := c.weekday(i)
		all[w]++
		if t > 0 {
			open[w]++
		}
	}
	for w := range 7 {
		c.openWeekday[w] = all[w] > 0 && 2*open[w] >= all[w]
	}
	return c
}

func dayTotals(s Series) []float64 {
	totals := make([]float64, len(s.Days))
	for i, d := range s.Days {
		for _, v := range d {
			totals[i] += v
		}
	}
	return totals
}

// dayNumber counts the days from 1970-01-01 to t's wall-clock date.
func dayNumber(t time.Time) int {
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return int(d.Unix() / 86400)
}

// date is day i's date. Days are UTC midnights (wall-clock dates), which
// are exactly 24 hours apart.
func (c *calendar) date(i int) time.Time { return c.first.Add(time.Duration(i) * 24 * time.Hour) }

func (c *calendar) weekday(i int) time.Weekday {
	return time.Weekday(((int(c.first.Weekday())+i)%7 + 7) % 7)
}

func (c *calendar) holiday(i int) bool           { return c.holidays[c.firstDay+i] }
func (c *calendar) inHistory(i int) bool         { return i >= 0 && i < len(c.totals) }
func (c *calendar) normallyOpen(i int) bool      { return c.openWeekday[c.weekday(i)] }
func (c *calendar) observedClosed(i int) bool    { return c.inHistory(i) && c.totals[i] == 0 }
func (c *calendar) scheduledBusiness(i int) bool { return c.normallyOpen(i) && !c.holiday(i) }

// business reports whether day i is (or, outside the history, is expected
// to be) an ordinary open day: a weekday the organisation opens on, not a
// known holiday, and with arrivals if it is in the history.
func (c *calendar) business(i int) bool {
	return c.scheduledBusiness(i) && !c.observedClosed(i)
}

// closure reports whether day i is a weekday the organisation normally
// opens on that was closed: a known holiday, or a day without arrivals.
func (c *calendar) closure(i int) bool {
	return c.normallyOpen(i) && (c.holiday(i) || c.observedClosed(i))
}

// featPad is how many days after the history features are cached for:
// the forecast horizons the rolling evaluation uses.
const featPad = 62

// features lists the calendar features of business day i.
func (c *calendar) features(i int) [numFeatures]bool {
	if i < 0 || i >= len(c.totals)+featPad {
		return c.computeFeatures(i)
	}
	if c.feat == nil {
		c.feat = make([][numFeatures]bool, len(c.totals)+featPad)
		c.featDone = make([]bool, len(c.totals)+featPad)
	}
	if !c.featDone[i] {
		c.feat[i], c.featDone[i] = c.computeFeatures(i), true
	}
	return c.feat[i]
}

func (c *calendar) computeFeatures(i int) (fs [numFeatures]bool) {
	if !c.business(i) {
		return fs
	}
	d := c.date(i)
	// Business days before i in its month, and after it.
	before, after := 0, 0
	for k := i - 1; c.date(k).Month() == d.Month(); k-- {
		if c.business(k) {
			before++
		}
	}
	for k := i + 1; c.date(k).Month() == d.Month(); k++ {
		if c.business(k) {
			after++
		}
	}
	fs[MonthStart1] = before == 0
	fs[MonthStart2] = before == 1
	fs[MonthEnd1] = after == 0
	fs[MonthEnd2] = after == 1
	// The previous day the organisation normally opens on was closed.
	for k := i - 1; k > i-8; k-- {
		if c.normallyOpen(k) {
			fs[AfterClosure] = c.closure(k)
			break
		}
	}
	return fs
}
