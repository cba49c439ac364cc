package spec

import (
	"testing"
	"time"

	"github.com/parley-cx/parley/internal/config"
)

// TestBusinessSeconds checks the schedule expansion against the rules of docs/config.md
// "Schedules", each with a figure worked out by hand.
func TestBusinessSeconds(t *testing.T) {
	utc := func(s string) time.Time {
		ts, err := time.Parse(time.DateTime, s)
		if err != nil {
			t.Fatal(err)
		}
		return ts
	}
	for _, tc := range []struct {
		name     string
		sched    config.Schedule
		from, to string // UTC
		want     time.Duration
	}{
		{"a night span runs into a holiday: the holiday removes only spans that open on it",
			config.Schedule{TimeZone: "UTC", Weekly: map[string][]string{"mon": {"22:00-06:00"}, "tue": {"22:00-06:00"}}, Holidays: []string{"2026-06-02"}},
			"2026-06-01 00:00:00", "2026-06-03 12:00:00", 8 * time.Hour}, // Mon 22:00 – Tue 06:00; Tuesday's own night is the holiday's
		{"a whole day on the spring-forward day holds 23 hours",
			config.Schedule{TimeZone: "Europe/Berlin", Weekly: map[string][]string{"sun": {"00:00-24:00"}}},
			"2026-03-28 00:00:00", "2026-03-30 00:00:00", 23 * time.Hour},
		{"a whole day on the fall-back day holds 25 hours",
			config.Schedule{TimeZone: "Europe/Berlin", Weekly: map[string][]string{"sun": {"00:00-24:00"}}},
			"2026-10-24 00:00:00", "2026-10-27 00:00:00", 25 * time.Hour},
		{"no weekly key: open around the clock but on holidays",
			config.Schedule{TimeZone: "America/New_York", Holidays: []string{"2026-06-02"}},
			"2026-06-01 12:00:00", "2026-06-03 12:00:00", 24 * time.Hour}, // closed 2 June 04:00 UTC to 3 June 04:00 UTC
		{"overlapping spans count once",
			config.Schedule{TimeZone: "UTC", Weekly: map[string][]string{"wed": {"08:00-12:00", "10:00-14:00"}}},
			"2026-06-03 00:00:00", "2026-06-04 00:00:00", 6 * time.Hour},
		{"a night span opening the day before the measured span counts",
			config.Schedule{TimeZone: "UTC", Weekly: map[string][]string{"sun": {"20:00-04:00"}}},
			"2026-06-01 01:00:00", "2026-06-01 10:00:00", 3 * time.Hour},
		{"the measured span cuts intervals at both ends",
			config.Schedule{TimeZone: "Asia/Tokyo", Weekly: map[string][]string{"mon": {"09:00-18:00"}}},
			"2026-06-01 01:00:00", "2026-06-01 03:30:00", 2*time.Hour + 30*time.Minute}, // 10:00–12:30 Tokyo
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := config.Default()
			s.BusinessHours = tc.sched
			got, err := businessSeconds(s, "", utc(tc.from), utc(tc.to))
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want.Seconds() {
				t.Errorf("got %v, want %v", time.Duration(got*float64(time.Second)), tc.want)
			}
		})
	}
}
