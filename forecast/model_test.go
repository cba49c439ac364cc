package forecast

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/gonum/stat/distuv"
)

// synthetic builds days of Poisson arrivals at 30-minute intervals with a
// known weekly pattern, intraday shape, trend and closed hours: open 08:00–20:00,
// closed on Sundays, daily means by weekday times (1 + trend·day).
type synthetic struct {
	daily   [7]float64 // expected arrivals per weekday (time.Weekday order)
	trend   float64    // relative growth per day
	closed  map[int]bool
	shape   []float64 // intraday shares over 48 slots, summing to 1
	first   time.Time
	seed    uint64
	noNoise bool
}

func newSynthetic() synthetic {
	shape := make([]float64, 48)
	var sum float64
	for j := 16; j < 40; j++ { // 08:00–20:00, peaking late morning and mid-afternoon
		h := float64(j) / 2
		shape[j] = math.Exp(-(h-11)*(h-11)/8) + 0.8*math.Exp(-(h-15)*(h-15)/6) + 0.1
		sum += shape[j]
	}
	for j := range shape {
		shape[j] /= sum
	}
	return synthetic{
		daily: [7]float64{0, 1200, 1100, 1050, 1000, 900, 400},
		shape: shape,
		first: time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), // a Monday
		seed:  7,
	}
}

// mean is the expected count of slot j on day i.
func (g synthetic) mean(i, j int) float64 {
	if g.closed[i] {
		return 0
	}
	w := g.first.AddDate(0, 0, i).Weekday()
	return g.daily[w] * (1 + g.trend*float64(i)) * g.shape[j]
}

func (g synthetic) series(days int) Series {
	rng := rand.New(rand.NewPCG(g.seed, 1))
	s := Series{Step: 30 * time.Minute, First: g.first, Days: make([][]float64, days)}
	for i := range s.Days {
		s.Days[i] = make([]float64, 48)
		for j := range 48 {
			mu := g.mean(i, j)
			if mu > 0 && !g.noNoise {
				s.Days[i][j] = distuv.Poisson{Lambda: mu, Src: rng}.Rand()
			} else {
				s.Days[i][j] = mu
			}
		}
	}
	return s
}

func TestFitRecoversSeasonality(t *testing.T) {
	tests := []struct {
		name  string
		trend float64
	}{
		{"flat", 0},
		{"growing 0.5% a day", 0.005},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := newSynthetic()
			g.trend = tc.trend
			g.closed = map[int]bool{30: true} // a holiday inside history
			hist := g.series(84)
			m, err := Fit(hist, Options{})
			if err != nil {
				t.Fatal(err)
			}
			pts := m.Predict(14, 4)
			if len(pts) != 14*48 {
				t.Fatalf("%d points, want %d", len(pts), 14*48)
			}
			var dayGot, dayWant [14]float64
			for k, p := range pts {
				i, j := 84+k/48, k%48
				want := g.mean(i, j)
				if p.Forecast < 0 || p.Lower < 0 || p.Lower > p.Forecast || p.Upper < p.Forecast {
					t.Fatalf("%v: bad point %+v", p.Start, p)
				}
				if want == 0 && (p.Forecast != 0 || p.Upper != 0) {
					t.Errorf("%v is closed but forecast %v (upper %v)", p.Start, p.Forecast, p.Upper)
				}
				if want > 0 && p.Forecast == 0 {
					t.Errorf("%v is open (mean %.1f) but forecast 0", p.Start, want)
				}
				if !p.Start.Equal(hist.Start(i, j)) {
					t.Fatalf("point %d starts %v, want %v", k, p.Start, hist.Start(i, j))
				}
				dayGot[k/48] += p.Forecast
				dayWant[k/48] += want
			}
			for d := range dayGot {
				if dayWant[d] == 0 {
					continue
				}
				if rel := math.Abs(dayGot[d]-dayWant[d]) / dayWant[d]; rel > 0.04 {
					t.Errorf("day %d: forecast total %.0f, true mean %.0f (%.1f%% off)", d, dayGot[d], dayWant[d], 100*rel)
				}
			}
			// The intraday shape of the first forecast Monday.
			for k := range 48 {
				want := g.mean(84, k)
				// Each weekday's profile averages 11–12 days: allow 4 standard errors.
				if want > 5 && math.Abs(pts[k].Forecast-want) > 4*math.Sqrt(want/11)+0.03*want {
					t.Errorf("Monday slot %d: forecast %.1f, true mean %.1f", k, pts[k].Forecast, want)
				}
			}
			// 80% intervals hold about 80% of fresh draws from the true process.
			g.seed = 99
			future := g.series(98)
			in, n := 0, 0
			for k, p := range pts {
				y := future.Days[84+k/48][k%48]
				if g.mean(84+k/48, k%48) == 0 {
					continue
				}
				n++
				if y >= p.Lower && y <= p.Upper {
					in++
				}
			}
			if cov := float64(in) / float64(n); cov < 0.72 || cov > 0.92 {
				t.Errorf("80%% interval coverage %.2f on fresh data", cov)
			}
		})
	}
}

func TestClosedDaysDoNotPullTheLevelDown(t *testing.T) {
	g := newSynthetic()
	g.noNoise = true
	base, err := Fit(g.series(84), Options{})
	if err != nil {
		t.Fatal(err)
	}
	g.closed = map[int]bool{21: true, 35: true, 49: true, 63: true} // four Mondays lost to holidays
	holidays, err := Fit(g.series(84), Options{})
	if err != nil {
		t.Fatal(err)
	}
	a, b := base.Predict(7, 4), holidays.Predict(7, 4)
	for k := range a {
		if math.Abs(a[k].Forecast-b[k].Forecast) > 1e-6*math.Max(1, a[k].Forecast) {
			t.Fatalf("%v: %.3f with closed Mondays, %.3f without", a[k].Start, b[k].Forecast, a[k].Forecast)
		}
	}
	// The weekly-mean baseline, by contrast, does see the zero Monday.
	if b[20].WeeklyMean >= a[20].WeeklyMean {
		t.Errorf("weekly mean baseline ignored the closed Monday: %v vs %v", b[20].WeeklyMean, a[20].WeeklyMean)
	}
}

func TestBaselines(t *testing.T) {
	g := newSynthetic()
	hist := g.series(21)
	m, err := Fit(hist, Options{})
	if err != nil {
		t.Fatal(err)
	}
	pts := m.Predict(10, 2)
	for k, p := range pts {
		d, j := k/48, k%48
		last := 14 + d%7 // the same weekday in the last week of history
		if p.SeasonalNaive != hist.Days[last][j] {
			t.Fatalf("day %d slot %d: seasonal naive %v, want %v", d, j, p.SeasonalNaive, hist.Days[last][j])
		}
		if want := (hist.Days[last][j] + hist.Days[last-7][j]) / 2; p.WeeklyMean != want {
			t.Fatalf("day %d slot %d: weekly mean %v, want %v", d, j, p.WeeklyMean, want)
		}
	}
	// K beyond the history averages what there is.
	if p := m.Predict(1, 10)[20]; p.WeeklyMean != (hist.Days[14][20]+hist.Days[7][20]+hist.Days[0][20])/3 {
		t.Errorf("weekly mean over a short history: %v", p.WeeklyMean)
	}
}

func TestFitErrors(t *testing.T) {
	g := newSynthetic()
	if _, err := Fit(g.series(6), Options{}); !errors.Is(err, ErrShortHistory) {
		t.Errorf("6 days: %v, want ErrShortHistory", err)
	}
	empty := Series{Step: time.Hour, First: g.first, Days: make([][]float64, 14)}
	for i := range empty.Days {
		empty.Days[i] = make([]float64, 24)
	}
	if _, err := Fit(empty, Options{}); err == nil {
		t.Error("history without arrivals accepted")
	}
	if _, err := RunBacktest(g.series(20), 2, 84, 4, Options{}); !errors.Is(err, ErrShortHistory) {
		t.Errorf("backtest leaving 6 days: %v, want ErrShortHistory", err)
	}
}

func TestBacktestScores(t *testing.T) {
	// A noiseless weekly pattern: the model and both baselines are exact, MASE is 0.
	g := newSynthetic()
	g.noNoise = true
	bt, err := RunBacktest(g.series(70), 2, 84, 4, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// A noiseless series has no week-to-week change: the MASE scale is undefined.
	for _, s := range bt.Scores {
		if s.MAE > 1e-9 || s.MAPE > 1e-9 || !math.IsNaN(s.MASE) {
			t.Errorf("%s on a noiseless series: %+v", s.Method, s)
		}
	}
	// With noise, the model's pooled estimate beats last week's single draw.
	g.noNoise = false
	bt, err = RunBacktest(g.series(70), 2, 84, 4, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if bt.Intervals != 14*48 || bt.TestFrom != "2026-03-02" || bt.TestTo != "2026-03-15" || bt.TrainFrom != "2026-01-05" {
		t.Errorf("backtest window: %d intervals, train from %s, test %s to %s", bt.Intervals, bt.TrainFrom, bt.TestFrom, bt.TestTo)
	}
	model, naive := bt.Scores[0], bt.Scores[1]
	if model.Method != MethodModel || naive.Method != MethodSeasonalNaive || model.MASE >= naive.MASE {
		t.Errorf("model %+v does not beat seasonal naive %+v", model, naive)
	}
	// Seasonal naive on i.i.d. weeks has an out-of-sample MASE near 1.
	if naive.MASE < 0.8 || naive.MASE > 1.2 {
		t.Errorf("seasonal naive MASE %.3f, want about 1", naive.MASE)
	}
}

func BenchmarkFitPredict12Weeks(b *testing.B) {
	hist := newSynthetic().series(84)
	b.ReportAllocs()
	for b.Loop() {
		m, err := Fit(hist, Options{})
		if err != nil {
			b.Fatal(err)
		}
		m.Predict(14, 4)
	}
	b.ReportMetric(float64(84*48*b.N)/b.Elapsed().Seconds(), "intervals/s")
}

// BenchmarkStaffedForecast is a planner's whole request: fit 12 weeks of
// 30-minute history, forecast 14 days and staff each of the 672 intervals.
func BenchmarkStaffedForecast(b *testing.B) {
	path := filepath.Join(b.TempDir(), "history.csv")
	hist := newSynthetic().series(84)
	var sb strings.Builder
	sb.WriteString("start,n\n")
	for i, d := range hist.Days {
		for j, v := range d {
			fmt.Fprintf(&sb, "%s,%g\n", hist.Start(i, j).Format("2006-01-02 15:04"), v)
		}
	}
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	c := csvConfig(path, FormatJSON, nil)
	c.HorizonDays, c.Staffing = 14, staffed()
	for b.Loop() {
		var out bytes.Buffer
		c.Out = &out
		if err := Run(context.Background(), c); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSpecNamesTheWeeksTheLevelHad: the form printed names the weeks the
// level was taken over. A history of three weeks (the Israeli bank's
// February with its last week held out) is "level over 3w"; it said 4w, the
// window a history too short to choose on starts from. Thirty days (too few
// to choose on) keep the 4w window: the level had all it asked for.
func TestSpecNamesTheWeeksTheLevelHad(t *testing.T) {
	for _, tc := range []struct {
		days  int
		weeks int
	}{{7, 1}, {10, 2}, {21, 3}, {30, 4}} {
		m, err := Fit(newSynthetic().series(tc.days), Options{})
		if err != nil {
			t.Fatal(err)
		}
		sp := m.Spec()
		if want := fmt.Sprintf("level over %dw,", tc.weeks); sp.LevelWeeks != tc.weeks || !strings.HasPrefix(sp.String(), want) {
			t.Errorf("%d days: form %q (level_weeks %d), want %q…", tc.days, sp, sp.LevelWeeks, want)
		}
	}
	bt, err := RunBacktest(newSynthetic().series(28), 1, 364, 4, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if bt.Model.LevelWeeks != 3 {
		t.Errorf("backtest of the last of 4 weeks: level over %dw, want 3w", bt.Model.LevelWeeks)
	}
}
