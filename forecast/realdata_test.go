package forecast

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// sharedData locates a file of the shared real-data folder beside the
// repository (../shared/data from the repo root), skipping when it is absent.
func sharedData(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join("..", "..", "shared", "data", name)
	if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
		t.Skipf("real data %s not found (expected beside the repository in ../shared/data)", p)
	}
	return p
}

func backtestTable(bt *Backtest) string {
	var b strings.Builder
	fmt.Fprintf(&b, "train %s.., test %s..%s, %d intervals, %.0f arrivals\n", bt.TrainFrom, bt.TestFrom, bt.TestTo, bt.Intervals, bt.ActualTotal)
	for _, s := range bt.Scores {
		fmt.Fprintf(&b, "%-15s MAE %7.2f  MAPE %6.2f%%  MASE %.3f", s.Method, s.MAE, s.MAPE, s.MASE)
		if s.Coverage80 != nil {
			fmt.Fprintf(&b, "  80%% coverage %.1f%%", 100**s.Coverage80)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// The US bank's five-minute weekday calls (Weinberg, Brown & Stroud 2007),
// at 30-minute intervals, 12 weeks of history, last 4 weeks held out: the
// model must beat both baselines on MASE.
func TestBacktestUSBank(t *testing.T) {
	src := CSVSource{Path: sharedData(t, "us_bank_calls_5min_2003.csv"), TimeCol: "DateTime", CountCol: "Calls"}
	s, _, err := ReadCSV(src, 30*time.Minute, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Total(); got < 5e6 {
		t.Fatalf("read %.0f calls; the series holds over five million", got)
	}
	bt, err := RunBacktest(s, 4, 84, 4, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("US bank, 30-minute intervals:\n%s", backtestTable(bt))
	model := bt.Scores[0]
	for _, base := range bt.Scores[1:] {
		if model.MASE >= base.MASE {
			t.Errorf("model MASE %.3f does not beat %s MASE %.3f", model.MASE, base.Method, base.MASE)
		}
	}
	if c := *model.Coverage80; c < 0.7 || c > 0.9 {
		t.Errorf("80%% interval coverage %.2f is far from 0.8", c)
	}
}

// The Israeli bank's February 1999 call log: one row per call, the date and
// the time of day in separate columns, tab-separated.
func TestBacktestIsraeliBank(t *testing.T) {
	src := CSVSource{Path: sharedData(t, "anonymous_bank_calls_feb1999.tsv"), TimeCol: "vru_entry", DateCol: "date"}
	s, _, err := ReadCSV(src, 30*time.Minute, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Total(); got != 33344 || len(s.Days) != 28 {
		t.Fatalf("read %.0f calls over %d days, want 33344 over 28", got, len(s.Days))
	}
	bt, err := RunBacktest(s, 1, 84, 4, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Israeli bank, 30-minute intervals:\n%s", backtestTable(bt))
	if bt.Scores[0].MASE >= bt.Scores[1].MASE {
		t.Errorf("model MASE %.3f does not beat seasonal naive %.3f", bt.Scores[0].MASE, bt.Scores[1].MASE)
	}
}
