package forecast_test

import (
	"fmt"
	"time"

	"github.com/parley-cx/parley/forecast"
)

// Two weeks of a clinic-hours queue: 10 arrivals an hour, 09:00–17:00, weekdays.
func ExampleFit() {
	s := forecast.Series{Step: time.Hour, First: time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)}
	for d := range 14 {
		day := make([]float64, 24)
		if wd := s.Date(d).Weekday(); wd != time.Saturday && wd != time.Sunday {
			for h := 9; h < 17; h++ {
				day[h] = 10
			}
		}
		s.Days = append(s.Days, day)
	}
	m, err := forecast.Fit(s, forecast.Options{})
	if err != nil {
		panic(err)
	}
	for _, p := range m.Predict(1, 4)[8:11] {
		fmt.Printf("%s %.1f (naive %.0f)\n", p.Start.Format("Mon 15:04"), p.Forecast, p.SeasonalNaive)
	}
	// Output:
	// Mon 08:00 0.0 (naive 0)
	// Mon 09:00 10.0 (naive 10)
	// Mon 10:00 10.0 (naive 10)
}
