package forecast

import (
	"testing"
	"time"
)

// TestSlotLengths: how long each wall-clock interval really lasts, from
// the zones' published rules: London skips 01:00–02:00 on 29 March 2026 and
// repeats it on 25 October; Lord Howe Island moves its clock back half an
// hour, from 02:00 to 01:30, on 5 April 2026; UTC and ordinary days have no
// change.
func TestSlotLengths(t *testing.T) {
	zone := func(name string) *time.Location {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		return loc
	}
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		name string
		date time.Time
		step time.Duration
		loc  *time.Location
		odd  map[int]time.Duration // the intervals that do not last step; nil: no change that day
	}{
		{"London spring", day(2026, 3, 29), 30 * time.Minute, zone("Europe/London"), map[int]time.Duration{2: 0, 3: 0}},
		{"London spring, hours", day(2026, 3, 29), time.Hour, zone("Europe/London"), map[int]time.Duration{1: 0}},
		{"London autumn", day(2026, 10, 25), 30 * time.Minute, zone("Europe/London"), map[int]time.Duration{2: time.Hour, 3: time.Hour}},
		{"London, 2-hour intervals", day(2026, 10, 25), 2 * time.Hour, zone("Europe/London"), map[int]time.Duration{0: 3 * time.Hour}},
		{"Lord Howe half hour back", day(2026, 4, 5), 30 * time.Minute, zone("Australia/Lord_Howe"), map[int]time.Duration{3: time.Hour}},
		{"London ordinary day", day(2026, 3, 28), 30 * time.Minute, zone("Europe/London"), nil},
		{"UTC", day(2026, 3, 29), 30 * time.Minute, time.UTC, nil},
		{"no zone", day(2026, 3, 29), 30 * time.Minute, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := slotLengths(tc.date, tc.step, tc.loc)
			if got == nil { // every interval lasts step
				if tc.odd != nil {
					t.Fatalf("no lengths, want %v", tc.odd)
				}
				return
			}
			if len(got) != int(24*time.Hour/tc.step) {
				t.Fatalf("%d lengths, want one per interval", len(got))
			}
			for j, l := range got {
				want, ok := tc.odd[j]
				if !ok {
					want = tc.step
				}
				if l != want {
					t.Errorf("interval %d (%v) lasts %v, want %v", j, time.Duration(j)*tc.step, l, want)
				}
			}
		})
	}
}
