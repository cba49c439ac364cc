package metrics

import (
	"testing"
	"time"

	"github.com/parley-cx/parley/internal/config"
)

// fuzzZones are the time zones FuzzOpenIntervals picks from: UTC, both
// hemispheres' DST rules, a half-hour and a 45-minute offset, and a zone
// that skipped a whole day (Samoa, 2011-12-30).
var fuzzZones = []string{"UTC", "Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "Asia/Kathmandu", "Pacific/Apia"}

// FuzzOpenIntervals feeds arbitrary business-hours schedules (spans, a
// holiday, a zone) and periods to OpenIntervals, the expansion every
// business-time metric rests on. Whatever a validated schedule says, the
// result must be sorted, disjoint, non-empty intervals inside the period,
// never more open time than the period holds, and the always-open schedule
// must be the whole period.
func FuzzOpenIntervals(f *testing.F) {
	f.Add("09:00-17:00", "22:00-06:00", "00:00-24:00", "2026-03-29", uint8(1), int64(1774000000), uint16(24*14))
	f.Add("08:00-12:00", "13:00-18:00", "", "2026-12-25", uint8(2), int64(1793000000), uint16(24*40))
	f.Add("23:59-00:00", "00:00-00:01", "12:00-11:59", "", uint8(3), int64(1775000000), uint16(72))
	f.Add("02:30-03:30", "01:00-04:00", "02:00-02:30", "2026-10-04", uint8(3), int64(1790900000), uint16(48))
	// Samoa's skipped day (2011-12-30), always open and with weekly hours
	// and a holiday: the walk must advance past the date that never was.
	f.Add("", "", "", "", uint8(6), int64(1325030400), uint16(24*3))
	f.Add("09:00-17:00", "22:00-06:00", "", "2011-12-31", uint8(6), int64(1325030400), uint16(24*5))
	f.Fuzz(func(t *testing.T, mon, wed, sun, holiday string, zone uint8, fromUnix int64, hours uint16) {
		tz := fuzzZones[int(zone)%len(fuzzZones)]
		sched := config.Schedule{TimeZone: tz, Weekly: map[string][]string{}}
		for day, span := range map[string]string{"mon": mon, "wed": wed, "sun": sun} {
			if span != "" {
				sched.Weekly[day] = []string{span}
			}
		}
		if holiday != "" {
			sched.Holidays = []string{holiday}
		}
		cfg := config.Default()
		cfg.BusinessHours = sched
		if cfg.Validate() != nil {
			return // OpenIntervals is only ever called on validated schedules
		}
		loc, err := time.LoadLocation(tz)
		if err != nil {
			t.Fatal(err)
		}
		// Periods between 1970 and 2200 (the contract's range), up to ~7.5 years long.
		from := time.Unix(fromUnix%(7_258_118_400), 0).UTC()
		if from.Before(time.Unix(0, 0)) {
			from = from.Add(7_258_118_400 * time.Second)
		}
		to := from.Add(time.Duration(hours) * time.Hour)

		ivs := OpenIntervals(sched, loc, from, to)
		var open time.Duration
		for i, iv := range ivs {
			if !iv.Open.Before(iv.Close) {
				t.Fatalf("interval %d is empty or reversed: %v", i, iv)
			}
			if iv.Open.Before(from) || iv.Close.After(to) {
				t.Fatalf("interval %d %v lies outside [%v, %v)", i, iv, from, to)
			}
			if i > 0 && !ivs[i-1].Close.Before(iv.Open) {
				t.Fatalf("intervals %d and %d touch or overlap: %v %v", i-1, i, ivs[i-1], iv)
			}
			open += iv.Close.Sub(iv.Open)
		}
		if open > to.Sub(from) {
			t.Fatalf("%s of open time in a %s period", open, to.Sub(from))
		}
		if len(sched.Weekly) == 0 && len(sched.Holidays) == 0 && from.Before(to) {
			if len(ivs) != 1 || !ivs[0].Open.Equal(from) || !ivs[0].Close.Equal(to) {
				t.Fatalf("always-open schedule gave %v, want the whole period", ivs)
			}
		}
	})
}
