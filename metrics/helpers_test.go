package metrics_test

import (
	"math"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/parley-cx/parley/internal/buildtest"
	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/lake"
	"github.com/parley-cx/parley/internal/warehouse"
)

// readFixture decodes a JSON-lines fixture from testdata/metrics.
func readFixture(t *testing.T, name string) []event.Event {
	t.Helper()
	evs, err := buildtest.ReadEvents(filepath.Join("..", "testdata", "metrics", name))
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// writeLake writes events, in the order given (duplicates and disorder
// included), as lake Parquet files partitioned by UTC date, the way ingest
// does, plus a half-written temporary file the build must ignore.
func writeLake(t testing.TB, root string, evs []event.Event) {
	t.Helper()
	if err := writeLakeFiles(root, evs); err != nil {
		t.Fatal(err)
	}
}

func writeLakeFiles(root string, evs []event.Event) error {
	if _, err := buildtest.WriteBatch(root, "fixture", time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), evs); err != nil {
		return err
	}
	tmp := filepath.Join(lake.PartitionDir(root, evs[0].OccurredAt), lake.TempPrefix+"half-written")
	return os.WriteFile(tmp, []byte("not parquet"), 0o644)
}

// build runs transform and metrics over evs with settings and opens the result read-only.
func build(t *testing.T, evs []event.Event, settings *config.Config) *warehouse.DB {
	t.Helper()
	return buildtest.Open(t, buildFile(t, evs, settings))
}

// buildFile runs transform and metrics over evs with settings and returns the warehouse's path.
func buildFile(t *testing.T, evs []event.Event, settings *config.Config) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "lake")
	writeLake(t, root, evs)
	return buildLakeFile(t, root, settings)
}

// buildLake runs transform and metrics over the lake at root and opens the result read-only.
func buildLake(t *testing.T, root string, settings *config.Config) *warehouse.DB {
	t.Helper()
	return buildtest.Open(t, buildLakeFile(t, root, settings))
}

// buildLakeFile runs transform and metrics over the lake at root and returns the warehouse's path.
// It is the one call of the build stage behind build, buildFile, buildLake and the metric
// files (TestMetricFiles): a change to how a warehouse is built is made here.
func buildLakeFile(t *testing.T, root string, settings *config.Config) string {
	t.Helper()
	return buildtest.Build(t, root, settings)
}

func loadConfig(t *testing.T, name string) *config.Config {
	t.Helper()
	cfg, err := config.Load(filepath.Join("..", "testdata", "metrics", name))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// row is one result row by column name.
type row map[string]any

// queryRows runs query and returns its rows by column name.
func queryRows(t *testing.T, db *warehouse.DB, query string, args ...any) []row {
	t.Helper()
	cols, rows := queryTable(t, db, query, args...)
	out := make([]row, len(rows))
	for r, vals := range rows {
		out[r] = row{}
		for i, c := range cols {
			out[r][c] = vals[i]
		}
	}
	return out
}

// queryTable runs query and returns its column names and rows.
func queryTable(t *testing.T, db *warehouse.DB, query string, args ...any) ([]string, [][]any) {
	t.Helper()
	rows, err := db.Query(query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, vals)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return cols, out
}

// checkRow compares the columns named in want with got, and reports each mismatch.
// Float columns compare to 1e-9; dates may be given as "YYYY-MM-DD" strings and
// timestamps as RFC 3339 strings; integers as Go ints.
func checkRow(t *testing.T, label string, got row, want map[string]any) {
	t.Helper()
	cols := make([]string, 0, len(want))
	for c := range want {
		cols = append(cols, c)
	}
	sort.Strings(cols)
	for _, c := range cols {
		g, ok := got[c]
		if !ok {
			t.Errorf("%s: no column %s", label, c)
			continue
		}
		if !equalValue(g, want[c]) {
			t.Errorf("%s.%s = %v (%T), want %v", label, c, g, g, want[c])
		}
	}
}

func equalValue(got, want any) bool {
	if want == nil || got == nil {
		return want == nil && got == nil
	}
	switch w := want.(type) {
	case float64:
		g, ok := got.(float64)
		return ok && math.Abs(g-w) <= 1e-9*math.Max(1, math.Abs(w))
	case int:
		switch g := got.(type) {
		case int64:
			return g == int64(w)
		case int32:
			return int(g) == w
		}
		return false
	case string:
		switch g := got.(type) {
		case string:
			return g == w
		case time.Time:
			if len(w) == len(time.DateOnly) {
				return g.Format(time.DateOnly) == w
			}
			wt, err := time.Parse(time.RFC3339, w)
			return err == nil && g.Equal(wt)
		}
		return false
	default:
		return got == want
	}
}

// Friction building blocks exactly as docs/metrics.md states them, used to
// turn hand-counted drivers into expected component values.
func sat(x, h float64) float64 { return x / (x + h) }

func noisyOr(parts ...float64) float64 {
	p := 1.0
	for _, x := range parts {
		p *= 1 - x
	}
	return 1 - p
}

// frictionScore uses the default weights 0.35, 0.2, 0.25, 0.2 (sum 1).
func frictionScore(tm, imp, dir, eff float64) float64 {
	return 100 * (0.35*tm + 0.2*imp + 0.25*dir + 0.2*eff)
}
