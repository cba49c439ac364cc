package forecast

import "time"

// slotLengths is how long each wall-clock interval of date (a UTC midnight
// holding the wall-clock date) really lasts in loc; nil means every one
// lasts step (no clock change near that day, or no loc). Across a clock change
// the wall clock skips or repeats: an interval inside the hour skipped in
// spring lasts 0, one inside the hour repeated in autumn lasts 2 × step
// (its arrivals share its slot, as the history counts them).
func slotLengths(date time.Time, step time.Duration, loc *time.Location) []time.Duration {
	if loc == nil {
		return nil
	}
	// The instants whose wall clock falls on date lie within 15 hours of
	// date read as UTC (offsets run from −12 h to +14 h).
	from, to := date.Add(-15*time.Hour), date.Add(24*time.Hour+15*time.Hour)
	if _, end := from.In(loc).ZoneBounds(); end.IsZero() || !end.Before(to) {
		return nil
	}
	lengths := make([]time.Duration, int(24*time.Hour/step))
	// Count the real minutes whose wall clock falls in each interval: the
	// clock changes on whole minutes, as every interval starts on one.
	for u := from; u.Before(to); u = u.Add(time.Minute) {
		if w := WallClock(u, loc); !w.Before(date) && w.Before(date.Add(24*time.Hour)) {
			lengths[int(w.Sub(date)/step)] += time.Minute
		}
	}
	return lengths
}
