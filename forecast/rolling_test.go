package forecast

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// plantedSeries is the synthetic weekly pattern with two calendar facts
// planted: the first business day of every month runs 30% high, and one
// Wednesday (day closedDay) the centre was closed.
func plantedSeries(t *testing.T, days int) (synthetic, Series, int) {
	t.Helper()
	g := newSynthetic()
	g.first = time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC) // a Monday
	const closedDay = 7*20 + 2                            // a Wednesday, 20 weeks in
	g.closed = map[int]bool{closedDay: true}
	s := g.series(days)
	cal := newCalendar(s, nil)
	boosted := 0
	for i := range s.Days {
		if cal.features(i)[MonthStart1] {
			for j := range s.Days[i] {
				s.Days[i][j] = math.Round(s.Days[i][j] * 1.3)
			}
			boosted++
		}
	}
	if boosted < 6 {
		t.Fatalf("only %d month starts planted", boosted)
	}
	return g, s, closedDay
}

func TestRollingFindsMonthStartAndIgnoresClosure(t *testing.T) {
	g, s, closedDay := plantedSeries(t, 7*30)
	ctx := context.Background()
	r, err := RunRolling(ctx, s, 8, 7, 364, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Deterministic: the same series scores the same, to the last bit.
	again, err := RunRolling(ctx, s, 8, 7, 364, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(r, again) {
		t.Error("two rolling evaluations of the same series differ")
	}
	wantMethods := []string{MethodModel, MethodSeasonalNaive, "calendar mean 2w", "calendar mean 3w", "calendar mean 4w", "calendar mean 5w", "calendar mean 6w"}
	var methods []string
	for _, sc := range r.Scores {
		methods = append(methods, sc.Method)
	}
	if !slices.Equal(methods, wantMethods) || len(r.Origins) != 8 || r.Intervals != 8*7*48 {
		t.Fatalf("methods %v, %d origins, %d intervals", methods, len(r.Origins), r.Intervals)
	}
	// The month-start effect is found on the history before every origin.
	for _, o := range r.Origins {
		if !slices.Contains(o.Model.Features, MonthStart1) {
			t.Errorf("origin %s: form %s lacks month_start_1", o.Date, o.Model)
		}
		if t0, _ := time.Parse(time.DateOnly, o.Date); t0.Weekday() != time.Monday {
			t.Errorf("origin %s is not a Monday", o.Date)
		}
	}
	for _, sc := range r.Scores[1:] {
		if r.Scores[0].MASE >= 0.9*sc.MASE {
			t.Errorf("model MASE %.3f is not 10%% below %s's %.3f", r.Scores[0].MASE, sc.Method, sc.MASE)
		}
	}
	if c := *r.Scores[0].Coverage80; c < 0.7 || c > 0.9 {
		t.Errorf("80%% coverage %.3f", c)
	}

	// The week after the closure: the model forecasts the closed weekday at
	// its usual level; the 4-week calendar mean is pulled down by a quarter.
	origin := closedDay + 5 // the Monday after the closed Wednesday
	m, err := Fit(s.Slice(0, origin), Options{})
	if err != nil {
		t.Fatal(err)
	}
	pts := m.Predict(7, 4)
	var model, mean, truth float64
	for k, p := range pts[2*48 : 3*48] { // Wednesday
		model += p.Forecast
		mean += p.WeeklyMean
		truth += g.mean(origin+2, k)
	}
	if math.Abs(model-truth) > 0.04*truth {
		t.Errorf("Wednesday after the closure: model %.0f, true mean %.0f", model, truth)
	}
	if mean > 0.8*truth {
		t.Errorf("4-week mean %.0f not pulled down by the closure (true mean %.0f): the test lost its point", mean, truth)
	}
}

// A known holiday is forecast as the holidays of the history ran (here:
// closed), and the series' own closures are recognised as such.
func TestKnownHolidays(t *testing.T) {
	g := newSynthetic()
	g.closed = map[int]bool{29: true} // Friday 2026-02-06, a holiday
	hist := g.series(84)
	next := hist.Date(84 + 3) // Thursday 2026-04-02
	opt := Options{Holidays: []time.Time{hist.Date(29), next}}
	m, err := Fit(hist, opt)
	if err != nil {
		t.Fatal(err)
	}
	pts := m.Predict(7, 4)
	var day3, day2 float64
	for _, p := range pts[3*48 : 4*48] {
		day3 += p.Forecast
	}
	for _, p := range pts[2*48 : 3*48] {
		day2 += p.Forecast
	}
	if day3 != 0 || day2 < 900 {
		t.Errorf("holiday %s forecast %.0f (want 0, the history's holiday was closed); the day before %.0f", next.Format(time.DateOnly), day3, day2)
	}
	// Without the holiday list the same day is an ordinary Thursday.
	m, err = Fit(hist, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var plain float64
	for _, p := range m.Predict(7, 4)[3*48 : 4*48] {
		plain += p.Forecast
	}
	if plain < 900 {
		t.Errorf("ordinary Thursday forecast %.0f", plain)
	}
}

func TestPredictFromALaterStart(t *testing.T) {
	g := newSynthetic()
	hist := g.series(82) // ends on a Friday
	m, err := Fit(hist, Options{})
	if err != nil {
		t.Fatal(err)
	}
	monday := hist.Date(84)
	late := m.PredictFrom(monday, 7, 4)
	early := m.Predict(9, 4)
	if !late[0].Start.Equal(monday) {
		t.Fatalf("forecast from %v starts at %v", monday, late[0].Start)
	}
	// The same days, whichever way they are asked for.
	for k, p := range late[:5*48] {
		if p != early[2*48+k] {
			t.Fatalf("point %d: %+v from the start, %+v from the history's end", k, p, early[2*48+k])
		}
	}
}

func TestReadHolidays(t *testing.T) {
	dir := t.TempDir()
	good := writeTemp(t, dir, "h.csv", "date,name\n# closures\n2026-12-24,Christmas Eve\n\n2026-12-25\tChristmas\n2026-12-31 New Year's Eve\n")
	got, err := ReadHolidays(good)
	if err != nil {
		t.Fatal(err)
	}
	want := []time.Time{time.Date(2026, 12, 24, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 25, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)}
	if !slices.Equal(got, want) {
		t.Errorf("ReadHolidays = %v, want %v", got, want)
	}
	bad := writeTemp(t, dir, "bad.txt", "2026-12-24\n24.12.2026\n")
	if _, err := ReadHolidays(bad); err == nil || !containsAll(err.Error(), "--holidays", ":2:", "24.12.2026") {
		t.Errorf("bad date: %v, want the flag, line 2 and the value", err)
	}
}

func writeTemp(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

// On a short history (origins with 7, 14 and 21 days before them) the
// rolling table says how many days each origin learnt from, why MASE is
// n/a, leaves out calendar means longer than any origin's history (they
// repeated the 3-week row) and marks those some origins could not fill.
func TestRollingOnShortHistorySaysWhatItHad(t *testing.T) {
	g := newSynthetic()
	g.first = time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC) // a Monday
	s := g.series(28)
	r, err := RunRolling(context.Background(), s, 3, 7, 364, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var methods []string
	for _, sc := range r.Scores {
		methods = append(methods, sc.Method)
	}
	if want := []string{MethodModel, MethodSeasonalNaive, MethodCalendarMean(2), MethodCalendarMean(3)}; !slices.Equal(methods, want) {
		t.Errorf("methods %q, want %q", methods, want)
	}
	var b strings.Builder
	if err := writeRollingTable(&b, &Report{Rolling: r, Interval: "1h"}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, tc := range []struct{ what, want string }{
		{"days learnt from", "from the 7 to 21 days before it"},
		{"MASE's reason", "MASE n/a: it needs at least 8 days of history before every origin (a week to compare with the week before); 1 of 3 origins had fewer (7)"},
		{"2w marked", "calendar mean 2w: 1 of 3 origins had fewer than 2 weeks of history"},
		{"3w marked", "calendar mean 3w: 2 of 3 origins had fewer than 3 weeks of history"},
	} {
		if !strings.Contains(out, tc.want) {
			t.Errorf("%s: the table lacks %q:\n%s", tc.what, tc.want, out)
		}
	}
	if strings.Contains(out, "364") {
		t.Errorf("the table names the 364-day limit as if it were the history:\n%s", out)
	}
}
