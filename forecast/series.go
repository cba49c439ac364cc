package forecast

import (
	"fmt"
	"strings"
	"time"
)

// Series is a regular history of arrival counts on wall-clock days in the
// organisation's time zone. Day i is First+i days; each day has
// 24h/Step slots indexed by wall-clock time, so a DST day simply has empty
// (spring) or doubled (autumn) slots instead of a shifted grid. Dates and
// times are carried as time.Time in UTC holding the wall clock, like the
// warehouse's *_local columns.
type Series struct {
	Step  time.Duration
	First time.Time
	Days  [][]float64
}

// SlotsPerDay is the number of intervals in one wall-clock day.
func (s Series) SlotsPerDay() int { return int(24 * time.Hour / s.Step) }

// Date is the wall-clock date of day i.
func (s Series) Date(i int) time.Time { return s.First.AddDate(0, 0, i) }

// Start is the wall-clock start of slot j of day i.
func (s Series) Start(i, j int) time.Time { return s.Date(i).Add(time.Duration(j) * s.Step) }

// Slice returns days [from, to) as a series sharing the counts.
func (s Series) Slice(from, to int) Series {
	return Series{Step: s.Step, First: s.Date(from), Days: s.Days[from:to]}
}

// Total is the number of arrivals in the series.
func (s Series) Total() float64 {
	var t float64
	for _, d := range s.Days {
		for _, v := range d {
			t += v
		}
	}
	return t
}

// validStep reports whether step can tile a day: a whole number of minutes that divides 24h.
func validStep(step time.Duration) error {
	if step <= 0 || step%time.Minute != 0 || (24*time.Hour)%step != 0 {
		return fmt.Errorf("%v must be a whole number of minutes that divides 24h (e.g. 15m, 30m, 1h)", step)
	}
	return nil
}

// Bucketer accumulates arrivals into a Series.
type Bucketer struct {
	step   time.Duration
	counts map[time.Time][]float64 // wall-clock date → slots
	first  time.Time
	last   time.Time
}

// NewBucketer counts arrivals into intervals of step.
func NewBucketer(step time.Duration) (*Bucketer, error) {
	if err := validStep(step); err != nil {
		return nil, fmt.Errorf("interval: %w", err)
	}
	return &Bucketer{step: step, counts: map[time.Time][]float64{}}, nil
}

// Add counts n arrivals at wall-clock time t (a time.Time whose UTC fields are the local wall clock).
func (b *Bucketer) Add(t time.Time, n float64) {
	t = t.UTC()
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	slots, ok := b.counts[day]
	if !ok {
		slots = make([]float64, int(24*time.Hour/b.step))
		b.counts[day] = slots
		if b.first.IsZero() || day.Before(b.first) {
			b.first = day
		}
		if day.After(b.last) {
			b.last = day
		}
	}
	slots[int(t.Sub(day)/b.step)] += n
}

// Series returns the counts from the first to the last day seen; days
// without arrivals in between are zero (closed).
func (b *Bucketer) Series() Series {
	if len(b.counts) == 0 {
		return Series{Step: b.step, First: b.first}
	}
	return b.SeriesSpanning(b.first, b.last)
}

// SeriesSpanning returns the counts of the days from first to last (UTC
// midnights holding wall-clock dates); days without arrivals are zero.
func (b *Bucketer) SeriesSpanning(first, last time.Time) Series {
	s := Series{Step: b.step, First: first}
	n := int(last.Sub(first).Hours()/24) + 1
	per := int(24 * time.Hour / b.step)
	s.Days = make([][]float64, max(n, 0))
	for i := range s.Days {
		if c, ok := b.counts[first.AddDate(0, 0, i)]; ok {
			s.Days[i] = c
		} else {
			s.Days[i] = make([]float64, per)
		}
	}
	return s
}

// Before returns the days of s before date (a wall-clock date): the history
// a forecast that starts on date learns from. It is all of s when s ends
// earlier: the days in between are unknown, not closed.
func (s Series) Before(date time.Time) Series {
	n := int(date.Sub(s.First).Hours() / 24)
	return s.Slice(0, min(max(n, 0), len(s.Days)))
}

// history is what a forecast starting on date learns from: at most the last
// days days before it.
func (s Series) history(date time.Time, days int) Series {
	h := s.Before(date)
	return h.Slice(max(0, len(h.Days)-days), len(h.Days))
}

// describeDays names the series' first and last days: "2026-03-09 to 2026-03-29".
func (s Series) describeDays() string {
	if len(s.Days) == 0 {
		return "no days"
	}
	return s.First.Format(time.DateOnly) + " to " + s.Date(len(s.Days)-1).Format(time.DateOnly)
}

// WallClock re-expresses an instant as the wall clock in loc, carried in UTC fields.
func WallClock(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), time.UTC)
}

// FormatStep prints a duration without zero units: 30m, 1h, 1h30m, 20s.
func FormatStep(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
