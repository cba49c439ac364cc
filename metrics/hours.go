package metrics

import (
	"slices"
	"time"

	"github.com/parley-cx/parley/internal/config"
)

// Interval is a span of open time, in UTC.
type Interval struct{ Open, Close time.Time }

// OpenIntervals expands a weekly schedule into the open intervals (UTC,
// sorted, overlapping ones merged) that intersect [from, to). Wall-clock
// times are read in loc, so DST changes move the UTC instants: a 22:00-06:00
// interval on the night clocks go forward holds seven real hours. An empty
// weekly schedule is open around the clock except on holidays. Intervals
// opening on a holiday (a local date) are skipped. sched must be validated.
func OpenIntervals(sched config.Schedule, loc *time.Location, from, to time.Time) []Interval {
	weekly := sched.Weekly
	if len(weekly) == 0 {
		if len(sched.Holidays) == 0 {
			return []Interval{{from.UTC(), to.UTC()}}
		}
		weekly = map[string][]string{}
		for _, d := range config.Weekdays {
			weekly[d] = []string{"00:00-24:00"}
		}
	}
	holidays := make(map[string]bool, len(sched.Holidays))
	for _, h := range sched.Holidays {
		holidays[h] = true
	}
	var out []Interval
	// Walk civil dates (held as UTC midnights), not local midnights: a zone
	// that skipped a whole date (Pacific/Apia on 2011-12-30) normalises that
	// local midnight back onto the previous day, and a local walk would never
	// advance. Start a day early so an overnight interval opened the day
	// before from is seen.
	fy, fm, fd := from.In(loc).AddDate(0, 0, -1).Date()
	for day := time.Date(fy, fm, fd, 0, 0, 0, 0, time.UTC); time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, loc).Before(to); day = day.AddDate(0, 0, 1) {
		if holidays[day.Format(time.DateOnly)] || !dateExists(day, loc) {
			continue
		}
		key := config.Weekdays[(int(day.Weekday())+6)%7]
		for _, span := range weekly[key] {
			startMin, endMin, err := config.ParseSpan(span)
			if err != nil {
				continue // unreachable on a validated schedule
			}
			open := wallClock(day, startMin, loc)
			closeDay := day
			if endMin <= startMin {
				closeDay = day.AddDate(0, 0, 1)
			}
			closeAt := wallClock(closeDay, endMin, loc)
			if !closeAt.After(from) || !open.Before(to) || !closeAt.After(open) {
				continue
			}
			out = append(out, Interval{maxTime(open, from).UTC(), minTime(closeAt, to).UTC()})
		}
	}
	slices.SortFunc(out, func(a, b Interval) int { return a.Open.Compare(b.Open) })
	merged := out[:0]
	for _, iv := range out {
		if n := len(merged); n > 0 && !iv.Open.After(merged[n-1].Close) {
			merged[n-1].Close = maxTime(merged[n-1].Close, iv.Close)
			continue
		}
		merged = append(merged, iv)
	}
	return merged
}

// dateExists reports whether the civil date day happened in loc at all.
// Noon tells: a DST gap is an hour or two, but a zone that skipped a date
// (Pacific/Apia, 2011-12-30) normalises every time of it onto another date.
func dateExists(day time.Time, loc *time.Location) bool {
	return time.Date(day.Year(), day.Month(), day.Day(), 12, 0, 0, 0, loc).Day() == day.Day()
}

// wallClock is minutes after local midnight of the civil date day (only
// its year, month and day are read), as an instant in loc; 24:00 is the next midnight.
func wallClock(day time.Time, minutes int, loc *time.Location) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), minutes/60, minutes%60, 0, 0, loc)
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
