package metrics_test

import (
	"testing"
	"time"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/metrics"
)

func TestOpenIntervals(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	utc := func(s string) time.Time {
		t.Helper()
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cases := []struct {
		name     string
		sched    config.Schedule
		from, to string
		want     [][2]string
	}{
		{
			name:  "night crossing midnight and the spring DST change",
			sched: config.Schedule{Weekly: map[string][]string{"sat": {"22:00-06:00"}}},
			from:  "2026-03-27T00:00:00Z", to: "2026-04-01T00:00:00Z",
			// Sat 22:00 CET = 21:00 UTC; Sun 06:00 CEST = 04:00 UTC: seven hours
			want: [][2]string{{"2026-03-28T21:00:00Z", "2026-03-29T04:00:00Z"}},
		},
		{
			name:  "autumn change: a 25-hour local day open all day",
			sched: config.Schedule{Weekly: map[string][]string{"sun": {"00:00-24:00"}}},
			from:  "2026-10-24T00:00:00Z", to: "2026-10-27T00:00:00Z",
			want: [][2]string{{"2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z"}},
		},
		{
			name: "holiday removes the intervals that open on it; adjacent ones merge",
			sched: config.Schedule{
				Weekly:   map[string][]string{"mon": {"18:00-24:00"}, "tue": {"00:00-02:00", "09:00-10:00"}, "wed": {"09:00-10:00"}},
				Holidays: []string{"2026-01-07"},
			},
			from: "2026-01-05T00:00:00Z", to: "2026-01-08T00:00:00Z",
			want: [][2]string{
				{"2026-01-05T17:00:00Z", "2026-01-06T01:00:00Z"},
				{"2026-01-06T08:00:00Z", "2026-01-06T09:00:00Z"},
			},
		},
		{
			name:  "intervals are clipped to the range",
			sched: config.Schedule{Weekly: map[string][]string{"thu": {"22:00-06:00"}}},
			from:  "2026-01-08T23:00:00Z", to: "2026-01-09T03:00:00Z",
			want: [][2]string{{"2026-01-08T23:00:00Z", "2026-01-09T03:00:00Z"}},
		},
		{
			name:  "no weekly schedule: open throughout",
			sched: config.Schedule{},
			from:  "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z",
			want: [][2]string{{"2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z"}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := metrics.OpenIntervals(c.sched, berlin, utc(c.from), utc(c.to))
			if len(got) != len(c.want) {
				t.Fatalf("got %d intervals %v, want %d", len(got), got, len(c.want))
			}
			for i, w := range c.want {
				if !got[i].Open.Equal(utc(w[0])) || !got[i].Close.Equal(utc(w[1])) {
					t.Errorf("interval %d = %s – %s, want %s – %s", i, got[i].Open.Format(time.RFC3339), got[i].Close.Format(time.RFC3339), w[0], w[1])
				}
			}
		})
	}
}

// Samoa skipped Friday 2011-12-30 entirely (UTC-10 → UTC+14). The schedule
// walk must still advance past it, and the date that never was opens nothing.
func TestOpenIntervalsSkippedDate(t *testing.T) {
	apia, err := time.LoadLocation("Pacific/Apia")
	if err != nil {
		t.Fatal(err)
	}
	sched := config.Schedule{Weekly: map[string][]string{"thu": {"09:00-17:00"}, "fri": {"09:00-17:00"}, "sat": {"09:00-17:00"}}}
	from := time.Date(2011, 12, 29, 10, 0, 0, 0, time.UTC) // Thursday 00:00 at UTC-10
	to := time.Date(2011, 12, 31, 10, 0, 0, 0, time.UTC)   // Sunday 00:00 at UTC+14
	done := make(chan []metrics.Interval, 1)
	go func() { done <- metrics.OpenIntervals(sched, apia, from, to) }()
	var got []metrics.Interval
	select {
	case got = <-done:
	case <-time.After(time.Minute): // a hang detector, not a speed limit
		t.Fatal("OpenIntervals did not return: the walk is stuck on the skipped date")
	}
	want := []metrics.Interval{
		{Open: time.Date(2011, 12, 29, 19, 0, 0, 0, time.UTC), Close: time.Date(2011, 12, 30, 3, 0, 0, 0, time.UTC)}, // Thu at UTC-10
		{Open: time.Date(2011, 12, 30, 19, 0, 0, 0, time.UTC), Close: time.Date(2011, 12, 31, 3, 0, 0, 0, time.UTC)}, // Sat at UTC+14
	}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if !got[i].Open.Equal(want[i].Open) || !got[i].Close.Equal(want[i].Close) {
			t.Errorf("interval %d = %v, want %v", i, got[i], want[i])
		}
	}
}
