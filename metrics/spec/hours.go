package spec

import (
	"fmt"
	"sort"
	"time"

	"github.com/parley-cx/parley/internal/config"
)

// interval is a half-open span of real time [open, close).
type interval struct{ open, close time.Time }

// businessSeconds is the open time of queue's schedule within [from, to], in seconds.
//
// docs/metrics.md, Business hours: "Each queue may have a weekly schedule in its own IANA time
// zone (queues.<name>.hours in parley.yaml), with holidays; a queue without one uses
// business_hours (default: open 24/7)." The schedule is config.ScheduleFor's (a queue listed in
// queues uses its own hours, even empty ones); no queue at all uses business_hours.
// "SQL sums the overlap of the measured span with the open intervals": here the open intervals
// are first merged where they overlap (two spans of one day that overlap, or a night span running
// into the next day's morning span), so an instant is counted once: open time is a set of instants.
func businessSeconds(settings *config.Config, queue string, from, to time.Time) (float64, error) {
	sched := settings.ScheduleFor(queue)
	zone := settings.Location()
	if sched.TimeZone != "" {
		var err error
		if zone, err = time.LoadLocation(sched.TimeZone); err != nil {
			return 0, fmt.Errorf("spec: schedule of queue %q: %w", queue, err)
		}
	}
	opens, err := openIntervals(sched, zone, from, to)
	if err != nil {
		return 0, fmt.Errorf("spec: schedule of queue %q: %w", queue, err)
	}
	var total time.Duration
	for _, iv := range mergeIntervals(opens) {
		a, b := later(iv.open, from), earlier(iv.close, to)
		if b.After(a) {
			total += b.Sub(a)
		}
	}
	return total.Seconds(), nil
}

// openIntervals expands a weekly schedule into the open intervals, in real time, of every local
// date from the day before from's date (whose night spans may run into it) to to's date.
//
// docs/metrics.md: "An interval like 22:00-06:00 crosses midnight: it opens on the named weekday
// and closes at 06:00 the next day. A holiday removes the intervals that open on that local
// date." docs/config.md: "24:00 ends a day; 00:00-24:00 is a whole day (23 or 25 hours on DST
// days)", "No weekly key: open around the clock (with holidays, closed on those days)."
// Wall-clock times become instants with Go's time zone database ("so DST changes shift the UTC
// instants correctly"): time.Date resolves a wall-clock time that a DST change skips or repeats.
func openIntervals(s config.Schedule, zone *time.Location, from, to time.Time) ([]interval, error) {
	holidays := map[string]bool{}
	for _, h := range s.Holidays {
		holidays[h] = true
	}
	weekly := s.Weekly
	if len(weekly) == 0 {
		weekly = map[string][]string{}
		for _, day := range config.Weekdays {
			weekly[day] = []string{"00:00-24:00"}
		}
	}
	first := localDate(from.In(zone)).AddDate(0, 0, -1)
	last := localDate(to.In(zone))
	var out []interval
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		if holidays[d.Format(time.DateOnly)] {
			continue
		}
		for _, span := range weekly[weekdayKey(d.Weekday())] {
			start, end, err := config.ParseSpan(span)
			if err != nil {
				return nil, err
			}
			closeDay := d
			if end <= start {
				closeDay = d.AddDate(0, 0, 1) // crosses midnight: closes the next day
			}
			out = append(out, interval{open: atClock(d, start, zone), close: atClock(closeDay, end, zone)})
		}
	}
	return out, nil
}

// localDate is the calendar date of a local time, as a date at midnight UTC for day arithmetic.
func localDate(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// atClock is the instant of minute-of-day m on calendar date d in zone; 24:00 is the next midnight.
func atClock(d time.Time, m int, zone *time.Location) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), m/60, m%60, 0, 0, zone)
}

// weekdayKey is the schedule key of a weekday: mon … sun.
func weekdayKey(w time.Weekday) string {
	return config.Weekdays[(int(w)+6)%7] // config.Weekdays starts on Monday, time.Weekday on Sunday
}

// mergeIntervals sorts intervals and joins those that overlap or touch.
func mergeIntervals(ivs []interval) []interval {
	sort.Slice(ivs, func(i, j int) bool { return ivs[i].open.Before(ivs[j].open) })
	var out []interval
	for _, iv := range ivs {
		if !iv.close.After(iv.open) {
			continue
		}
		if n := len(out); n > 0 && !iv.open.After(out[n-1].close) {
			out[n-1].close = later(out[n-1].close, iv.close)
			continue
		}
		out = append(out, iv)
	}
	return out
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
