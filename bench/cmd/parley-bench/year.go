package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"
)

// yearIntervals is a year of 30-minute history.
const yearIntervals = 365 * 48

// benchYearForecast times `parley forecast` learning from a year of
// 30-minute arrival counts, the planner's largest usual input. It does not
// depend on the ladder's size, so it runs once.
func benchYearForecast(ctx context.Context, o options, progress io.Writer) (measure, error) {
	dir, err := filepath.Abs(filepath.Join(o.work, "year"))
	if err != nil {
		return measure{}, fmt.Errorf("year forecast: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return measure{}, fmt.Errorf("year forecast: %w", err)
	}
	csvPath := filepath.Join(dir, "arrivals.csv")
	if err := writeYearArrivals(csvPath, time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC)); err != nil {
		return measure{}, err
	}
	m, err := parley(ctx, o.parley, "forecast", "--arrivals", csvPath, "--time-col", "interval_start",
		"--count-col", "arrivals", "--history", "52w", "--horizon", "14d", "--format", "csv",
		"--out", filepath.Join(dir, "forecast.csv"))
	if err != nil {
		return m, fmt.Errorf("year forecast: %w", err)
	}
	m.Units = yearIntervals
	fmt.Fprintf(progress, "year forecast %s  %d intervals  peak RSS %s\n", m.Wall.Round(time.Millisecond), m.Units, formatBytes(m.RSS))
	return m, nil
}

// writeYearArrivals writes a year of 30-minute counts from start with an
// office-hours day, quiet weekends and Poisson-like noise, fixed seed.
func writeYearArrivals(path string, start time.Time) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("year forecast: create %s: %w", path, err)
	}
	w := bufio.NewWriter(f)
	rng := rand.New(rand.NewPCG(9, 9))
	fmt.Fprintln(w, "interval_start,arrivals")
	for i := range yearIntervals {
		t := start.Add(time.Duration(i) * 30 * time.Minute)
		hour := float64(t.Hour()) + float64(t.Minute())/60
		rate := 2 + 40*math.Exp(-math.Pow(hour-11, 2)/8) + 30*math.Exp(-math.Pow(hour-15.5, 2)/6)
		if wd := t.Weekday(); wd == time.Saturday || wd == time.Sunday {
			rate *= 0.35
		}
		n := max(0, int(math.Round(rate+rng.NormFloat64()*math.Sqrt(rate))))
		fmt.Fprintf(w, "%s,%d\n", t.Format("2006-01-02 15:04:05"), n)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("year forecast: write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("year forecast: write %s: %w", path, err)
	}
	return nil
}
