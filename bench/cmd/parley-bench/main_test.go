package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parley-cx/parley/build"
	"github.com/parley-cx/parley/ingest"
	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/synth"
)

// allocEnv makes the test binary, started as a child, hold this many MiB.
const allocEnv = "PARLEY_BENCH_TEST_ALLOC_MIB"

func TestMain(m *testing.M) {
	if os.Getenv(rusageHelperEnv) != "" {
		os.Exit(rusageHelper(os.Args[1:]))
	}
	if glob := os.Getenv(coreDuckDBEnv); glob != "" {
		os.Exit(coreDuckDBMain(glob, os.Getenv(coreOutEnv)))
	}
	if mib := os.Getenv(allocEnv); mib != "" {
		n, err := strconv.Atoi(mib)
		if err != nil {
			os.Exit(2)
		}
		touch(n)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

var sink []byte

// touch allocates n MiB and writes every page, so it is resident.
func touch(n int) {
	sink = make([]byte, n<<20)
	for i := 0; i < len(sink); i += 4096 {
		sink[i] = 1
	}
}

func TestParseSizes(t *testing.T) {
	tests := []struct {
		in      string
		want    []string
		wantErr string
	}{
		{in: "S,M", want: []string{"S", "M"}},
		{in: " s , l ", want: []string{"S", "L"}},
		{in: "M", want: []string{"M"}},
		{in: "S,XL", wantErr: `unknown size "XL"`},
		{in: "", wantErr: `unknown size ""`},
		{in: "S,S", wantErr: "S given twice"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseSizes(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "--sizes") {
					t.Fatalf("parseSizes(%q) error = %v, want one naming --sizes and %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, s := range got {
				names = append(names, s.Name)
				if s.Conversations != ladder[s.Name] {
					t.Errorf("%s has %d conversations, want %d", s.Name, s.Conversations, ladder[s.Name])
				}
			}
			if strings.Join(names, ",") != strings.Join(tt.want, ",") {
				t.Errorf("parseSizes(%q) = %v, want %v", tt.in, names, tt.want)
			}
		})
	}
}

// TestParleyMeasuresTheChildsOwnPeak holds a large heap in this process and
// checks that a small child's peak RSS is reported as its own: started
// directly, Linux would report at least this process's peak for it.
func TestParleyMeasuresTheChildsOwnPeak(t *testing.T) {
	const parentMiB, childMiB = 256, 48
	touch(parentMiB)
	t.Cleanup(func() { sink = nil })
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(allocEnv, strconv.Itoa(childMiB))
	m, err := parley(context.Background(), self, "-test.run=^$")
	if err != nil {
		t.Fatal(err)
	}
	if m.RSS < childMiB<<20 || m.RSS >= parentMiB<<20/2 {
		t.Errorf("child peak RSS %d MiB, want between %d and %d MiB", m.RSS>>20, childMiB, parentMiB/2)
	}
	if m.Wall <= 0 {
		t.Errorf("wall time %v, want > 0", m.Wall)
	}
	// Touching 48 MiB page by page takes CPU; the child's own, not this process's.
	if m.CPU <= 0 || m.CPU > m.Wall+time.Second {
		t.Errorf("CPU time %v for a child that ran %v, want > 0", m.CPU, m.Wall)
	}
}

func TestParleyReportsAFailedStage(t *testing.T) {
	_, err := parley(context.Background(), "/bin/sh", "-c", "echo first >&2; echo the reason >&2; exit 3")
	if err == nil || !strings.Contains(err.Error(), "the reason") || !strings.Contains(err.Error(), "parley -c") {
		t.Fatalf("error = %v, want the stage name and the end of its stderr", err)
	}
}

func TestFailureNamesTheReason(t *testing.T) {
	_, err := parley(context.Background(), "/bin/sh", "-c",
		"echo 'time=... level=INFO msg=ran' >&2; echo 'parley: metrics: run 210_messages.sql: Out of Memory Error: 2.9 GiB/3.0 GiB used' >&2; "+
			"echo >&2; echo 'Possible solutions:' >&2; echo '* Reducing the number of threads' >&2; exit 1")
	if err == nil {
		t.Fatal("the stage did not fail")
	}
	if got, want := failure(err), "parley: metrics: run 210_messages.sql: Out of Memory Error: 2.9 GiB/3.0 GiB used"; got != want {
		t.Errorf("failure = %q, want %q", got, want)
	}
	if got := failure(errors.New("start: no such file\nexit status 1")); got != "exit status 1" {
		t.Errorf("failure without a parley line = %q, want the last line", got)
	}
}

// importLake writes the events gen emits as JSON lines and imports them
// into a lake in a temporary folder, returning the lake and the count.
func importLake(t *testing.T, gen func(emit func(*event.Event) error) error) (string, int64) {
	t.Helper()
	dir := t.TempDir()
	lines := filepath.Join(dir, "events.jsonl")
	f, err := os.Create(lines)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	var n int64
	if err := gen(func(ev *event.Event) error {
		b, err := json.Marshal(ev)
		if err != nil {
			return err
		}
		n++
		if _, err := w.Write(b); err != nil {
			return err
		}
		return w.WriteByte('\n')
	}); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	lake := filepath.Join(dir, "lake")
	if _, err := ingest.Import(context.Background(), ingest.ImportConfig{Lake: lake, Inputs: []string{lines}}); err != nil {
		t.Fatal(err)
	}
	return lake, n
}

// TestScanLakeReadsEveryRow imports generated events into a real lake and
// checks the build's floor query sees every one of them.
func TestScanLakeReadsEveryRow(t *testing.T) {
	cfg := synth.DefaultConfig()
	cfg.Days, cfg.PerDay = 2, 30
	lake, want := importLake(t, func(emit func(*event.Event) error) error {
		_, err := synth.Generate(context.Background(), cfg, emit)
		return err
	})
	got, elapsed, err := scanLake(context.Background(), filepath.Join(lake, "events", "date=*", "*.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if got != want || want == 0 {
		t.Errorf("scan saw %d rows, the generator wrote %d events", got, want)
	}
	if elapsed <= 0 {
		t.Errorf("scan took %v, want > 0", elapsed)
	}
}

// TestDescribeWarehouse reads a real build's period and size with the
// dashboards' period query, whatever columns that query gained since.
func TestLastFullDayTakesTheLateDaysWithIt(t *testing.T) {
	// Rows per day: three full days, then the late trickle a generated lake
	// ends with (fewer than half the median day's rows).
	perDay := []int{10, 12, 10, 4, 1}
	lake, _ := importLake(t, func(emit func(*event.Event) error) error {
		for d, n := range perDay {
			for i := range n {
				at := time.Date(2026, 3, 1+d, 9, i, 0, 0, time.UTC)
				if err := emit(&event.Event{
					EventID: fmt.Sprintf("e-%d-%d", d, i), ConversationID: fmt.Sprintf("c-%d-%d", d, i),
					Type: event.ConversationStarted, OccurredAt: at, Channel: event.Webchat,
				}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	days, rows, err := lastFullDay(context.Background(), filepath.Join(lake, "events", "date=*", "*.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"2026-03-03", "2026-03-04", "2026-03-05"}
	if !slices.Equal(days, want) || rows != 10+4+1 {
		t.Errorf("held back %v (%d rows), want %v (15 rows)", days, rows, want)
	}
}

func TestCountLines(t *testing.T) {
	tests := []struct {
		name string
		text string
		want int64
	}{
		{"empty", "", 0},
		{"one", "{}\n", 1},
		{"across buffer boundary", strings.Repeat(strings.Repeat("x", 999)+"\n", 3000), 3000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "f")
			if err := os.WriteFile(p, []byte(tt.text), 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := countLines(p)
			if err != nil || got != tt.want {
				t.Errorf("countLines = %d, %v; want %d", got, err, tt.want)
			}
		})
	}
}

func TestYearArrivalsCoverAYearOfHalfHours(t *testing.T) {
	p := filepath.Join(t.TempDir(), "arrivals.csv")
	start := time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC)
	if err := writeYearArrivals(p, start); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	rows := strings.Split(strings.TrimSpace(string(b)), "\n")
	if rows[0] != "interval_start,arrivals" || len(rows)-1 != yearIntervals {
		t.Fatalf("header %q and %d rows, want interval_start,arrivals and %d", rows[0], len(rows)-1, yearIntervals)
	}
	var weekday, weekend int
	for i, row := range rows[1:] {
		ts, n, _ := strings.Cut(row, ",")
		at, err := time.Parse(time.DateTime, ts)
		if err != nil || !at.Equal(start.Add(time.Duration(i)*30*time.Minute)) {
			t.Fatalf("row %d starts %q, want %s", i, ts, start.Add(time.Duration(i)*30*time.Minute))
		}
		count, err := strconv.Atoi(n)
		if err != nil || count < 0 {
			t.Fatalf("row %d count %q", i, n)
		}
		if wd := at.Weekday(); wd == time.Saturday || wd == time.Sunday {
			weekend += count
		} else {
			weekday += count
		}
	}
	// Two weekend days against five weekdays at 35% of the rate.
	if share := float64(weekend) / float64(weekday); share < 0.1 || share > 0.18 {
		t.Errorf("weekend/weekday arrivals = %.3f, want about 2*0.35/5 = 0.14", share)
	}
}

func TestMarkdownGrowthAndFloors(t *testing.T) {
	stage := func(wall, floor time.Duration, rss int64) map[string]measure {
		out := map[string]measure{}
		for _, st := range stageOrder {
			out[st] = measure{Wall: wall, Floor: floor, RSS: rss, Units: 1000}
		}
		return out
	}
	r := report{Sizes: []sizeResult{
		{Size: size{Name: "S"}, Stages: stage(2*time.Second, time.Second, 100<<20)},
		{Size: size{Name: "M"}, Stages: stage(20*time.Second, 4*time.Second, 100<<20), Copy: 10 * time.Second,
			NoChecks: measure{Wall: 16 * time.Second, CPU: 24 * time.Second, RSS: 80 << 20}},
		{Size: size{Name: "L"}, Stages: stage(250*time.Second, 50*time.Second, 300<<20)},
	}}
	build := r.Sizes[1].Stages[stBuild]
	build.CPU = 30 * time.Second
	r.Sizes[1].Stages[stBuild] = build
	failed := r.Sizes[2].Stages[stLimited]
	failed.Failed = "Out of Memory Error: could not allocate block | spill"
	r.Sizes[2].Stages[stLimited] = failed
	var b strings.Builder
	r.writeMarkdown(&b)
	out := b.String()
	for _, want := range []string{
		"| stage | wall M/S | RSS M/S | wall L/M | RSS L/M |",
		"| build | 10.0 | 1.0 | 12.5 | 3.0 |",
		"| S | 1,000 | 2.00 s | 500 | 100 MiB | 1.00 s | 2.00 |",
		"| M | 1,000 | 20.00 s | 50 | 100 MiB | 4.00 s | 5.00 |",
		"| M | 10.00 s | 2.50 | 2.00 |",
		"| M | 20.00 s | 16.00 s | 1.25 | 30.00 s | 24.00 s | 1.25 | 100 MiB | 80 MiB | 1.25 |",
		"| L | 1,000 | failed: Out of Memory Error: could not allocate block \\| spill | | 300 MiB | 50.00 s | |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q:\n%s", want, out)
		}
	}
}

func TestGroupDigits(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -12345: "-12,345"} {
		if got := groupDigits(n); got != want {
			t.Errorf("groupDigits(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestDescribeWarehouseReadsABuiltWarehouse builds a small generated lake
// with the build's own packages and reads it back as the report and QA
// stages do: the dashboards' period query gained columns once and the
// ladder failed only after a full size's stages had run.
func TestDescribeWarehouseReadsABuiltWarehouse(t *testing.T) {
	ctx := context.Background()
	cfg := synth.DefaultConfig()
	cfg.Days, cfg.PerDay = 2, 30
	lake, _ := importLake(t, func(emit func(*event.Event) error) error {
		_, err := synth.Generate(ctx, cfg, emit)
		return err
	})
	db := filepath.Join(t.TempDir(), "w.duckdb")
	stats, err := build.Run(ctx, build.Config{Lake: lake, DB: db, Settings: config.Default()})
	if err != nil {
		t.Fatal(err)
	}
	w, err := describeWarehouse(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if w.Conversations != stats.Conversations || w.Conversations == 0 {
		t.Errorf("described %d conversations, the build made %d", w.Conversations, stats.Conversations)
	}
	if w.First.IsZero() || w.Last.Before(w.First) {
		t.Errorf("period %v to %v, want a first date no later than the last", w.First, w.Last)
	}
}
