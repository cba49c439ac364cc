package metrics_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/lake"
)

// reliability is reliability data as Krippendorff writes it: one row per
// observer (reviewer), one column per unit (calibration conversation);
// -1 is a missing value.
type reliability [][]int

// krippendorff is an independent reference implementation of
// Krippendorff's alpha, written from Krippendorff (2011), "Computing
// Krippendorff's Alpha-Reliability", by its coincidence matrix: o_ck sums,
// over the units, the ordered pairs of values (c, k) from different
// observers, each weighted 1/(m_u - 1); n_c = Σ_k o_ck; and
// α = 1 - (n - 1) Σ o_ck δ_ck / Σ n_c n_k δ_ck, δ the metric's difference.
// It shares nothing with the SQL of qa_calibration, which uses closed forms.
func krippendorff(data reliability, interval bool) float64 {
	o := map[[2]int]float64{}
	for u := range data[0] {
		var vals []int
		for _, obs := range data {
			if obs[u] >= 0 {
				vals = append(vals, obs[u])
			}
		}
		m := len(vals)
		if m < 2 {
			continue // not pairable
		}
		for i := range vals {
			for j := range vals {
				if i != j {
					o[[2]int{vals[i], vals[j]}] += 1 / float64(m-1)
				}
			}
		}
	}
	nc := map[int]float64{}
	var n float64
	for ck, w := range o {
		nc[ck[0]] += w
		n += w
	}
	delta := func(c, k int) float64 {
		if interval {
			return float64((c - k) * (c - k))
		}
		if c != k {
			return 1
		}
		return 0
	}
	var observed, expected float64
	for ck, w := range o {
		observed += w * delta(ck[0], ck[1])
	}
	for c, a := range nc {
		for k, b := range nc {
			expected += a * b * delta(c, k)
		}
	}
	return 1 - (n-1)*observed/expected
}

// paperData is the example of section C of Krippendorff (2011): four
// observers, twelve units, values 1-5, missing values. The paper gives
// α = 0.743 at the nominal level and 0.849 at the interval level.
var paperData = reliability{
	{1, 2, 3, 3, 2, 1, 4, 1, 2, -1, -1, -1},
	{1, 2, 3, 3, 2, 2, 4, 1, 2, 5, -1, 3},
	{-1, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, -1},
	{1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, -1},
}

func TestKrippendorffReference(t *testing.T) {
	if got := krippendorff(paperData, false); math.Round(got*1000)/1000 != 0.743 {
		t.Errorf("nominal alpha of the paper's example = %.6f, the paper says 0.743", got)
	}
	if got := krippendorff(paperData, true); math.Round(got*1000)/1000 != 0.849 {
		t.Errorf("interval alpha of the paper's example = %.6f, the paper says 0.849", got)
	}
}

// calibrationRows turns reliability data into calibration reviews of run:
// observer i is reviewer r<i>, unit u conversation u<u>, and each value a
// rating of category on the scale lo..hi (the value itself: qa_calibration
// scales it to 0-1, which changes no alpha).
func calibrationRows(run, category string, lo, hi int, data reliability, at time.Time) []lake.ReviewRow {
	var rows []lake.ReviewRow
	for i, obs := range data {
		for u, v := range obs {
			if v < 0 {
				continue
			}
			r := review(fmt.Sprintf("%s-%d-%d", run, i, u), fmt.Sprintf("u%d", u), "agent", fmt.Sprintf("r%d", i), at,
				rate(category, v, lo, hi, 1, false))
			r.Run, r.Calibration = run, true
			rows = append(rows, r)
		}
	}
	return rows
}

// TestQACalibration checks qa_calibration, whose alpha is computed in SQL,
// against the paper's example, against hand-computed cases with missing
// ratings, and against the reference implementation on random data.
func TestQACalibration(t *testing.T) {
	root := filepath.Join(t.TempDir(), "lake")
	writeLake(t, root, readFixture(t, "basic.jsonl"))
	at := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	var rows []lake.ReviewRow
	// The paper's interval alpha through a 1-5 scale, as reviewers rate.
	rows = append(rows, calibrationRows("paper-interval", "solution", 1, 5, paperData, at)...)
	// The paper's nominal alpha on its values 1-5: the view takes the
	// nominal level for categories whose scale has two points, so these
	// rows are fed as ratings on a 0-1 scale (which the view then reads
	// as the values 1-5 themselves). An import would refuse them; the
	// view's arithmetic is what is under test.
	rows = append(rows, calibrationRows("paper-nominal", "process", 0, 1, paperData, at)...)
	// By hand, binary with missing ratings (values per reviewer A, B, C):
	// unit 1: 1, 1, 0; unit 2: 0, 0, -; unit 3: 1, -, 1; unit 4: 1, -, - (not pairable).
	// Pairable values n = 7 (four 1s, three 0s). Ordered disagreeing pairs
	// within units, each weighted 1/(m-1): unit 1 has 4, weighted 1/2 = 2.
	// All pairs: n² - Σ k_c² = 49 - 16 - 9 = 24. α = 1 - (n-1)·2/24 = 0.5.
	hand := reliability{{1, 0, 1, 1}, {1, 0, -1, -1}, {0, -1, 1, -1}}
	rows = append(rows, calibrationRows("hand-nominal", "process", 0, 1, hand, at)...)
	// By hand, scale 1-5 with missing ratings: unit 1: 5, 4, 3; unit 2:
	// 2, 2, -; unit 3: -, 1, 3; unit 4: -, -, 5 (not pairable). Within
	// units, Σ over ordered pairs of (a-b)² / (m-1): unit 1 2·(1+4+1)/2 = 6,
	// unit 2 0, unit 3 2·4/1 = 8: 14. Over all 7 pairable values (S1 = 20,
	// S2 = 68): 2·7·68 - 2·20² = 152. α = 1 - 6·14/152 = 17/38.
	handInterval := reliability{{5, 2, -1, -1}, {4, 2, 1, -1}, {3, -1, 3, 5}}
	rows = append(rows, calibrationRows("hand-interval", "solution", 1, 5, handInterval, at)...)
	// Random reliability data, both levels, with missing values.
	rng := rand.New(rand.NewPCG(11, 12))
	random := map[string]reliability{}
	for k := range 12 {
		observers, units := 2+rng.IntN(4), 3+rng.IntN(15)
		lo, hi := 1, 3+rng.IntN(3)
		if k%2 == 0 {
			lo, hi = 0, 1
		}
		data := make(reliability, observers)
		for i := range data {
			data[i] = make([]int, units)
			for u := range data[i] {
				data[i][u] = lo + rng.IntN(hi-lo+1)
				if rng.IntN(4) == 0 {
					data[i][u] = -1
				}
			}
		}
		run := fmt.Sprintf("random-%d-%d", lo, k)
		random[run] = data
		rows = append(rows, calibrationRows(run, "cat", lo, hi, data, at)...)
	}
	writeReviews(t, root, "calibration", at, rows)
	db := buildLake(t, root, config.Default())

	alpha := func(run string) (row, []row) {
		t.Helper()
		rs := queryRows(t, db, "SELECT * FROM qa_calibration WHERE run = ? ORDER BY reviewer_id", run)
		if len(rs) == 0 {
			t.Fatalf("qa_calibration has no rows for run %s", run)
		}
		return rs[0], rs
	}
	cases := []struct {
		run   string
		level string
		want  float64
		paper float64 // the paper's three decimals, when it gives them
	}{
		{"paper-interval", "interval", krippendorff(paperData, true), 0.849},
		{"paper-nominal", "nominal", krippendorff(paperData, false), 0.743},
		{"hand-nominal", "nominal", 0.5, 0},
		{"hand-interval", "interval", 17.0 / 38, 0},
	}
	for _, c := range cases {
		got, _ := alpha(c.run)
		checkRow(t, c.run, got, map[string]any{"level": c.level, "alpha": c.want})
		if a, ok := got["alpha"].(float64); ok && c.paper != 0 && math.Round(a*1000)/1000 != c.paper {
			t.Errorf("%s: alpha %.6f, the paper says %.3f", c.run, a, c.paper)
		}
	}
	if math.Abs(krippendorff(hand, false)-0.5) > 1e-12 || math.Abs(krippendorff(handInterval, true)-17.0/38) > 1e-12 {
		t.Errorf("the reference implementation disagrees with the hand computations: %v, %v", krippendorff(hand, false), krippendorff(handInterval, true))
	}

	// The hand-made interval case, reviewer by reviewer, on the 0-100 scale
	// (x = (rating - 1) / 4): spreads 0.5, 0, 0.5 → mean 33.3; A deviates
	// by 1 - (0.75 + 0.5)/2 = 0.375 and 0 → 18.75; B by 0, 0 and 0 - 0.5
	// → -16.67; C by 0.5 - 0.875 and 0.5 - 0 → 6.25 (unit 4 is not pairable).
	_, rs := alpha("hand-interval")
	for i, want := range []map[string]any{
		{"reviewer_id": "r0", "reviewer_items": int64(2), "mean_deviation": 18.75},
		{"reviewer_id": "r1", "reviewer_items": int64(3), "mean_deviation": -50.0 / 3},
		{"reviewer_id": "r2", "reviewer_items": int64(2), "mean_deviation": 6.25},
	} {
		want["reviewers"], want["items"], want["mean_spread"] = int64(3), int64(3), 100.0/3
		checkRow(t, "hand-interval reviewer", rs[i], want)
	}

	for run, data := range random {
		got, _ := alpha(run)
		want := krippendorff(data, run[len("random-"):][0] == '1')
		if math.IsNaN(want) || math.IsInf(want, 0) {
			if got["alpha"] != nil {
				t.Errorf("%s: alpha %v, want NULL (nothing to compare)", run, got["alpha"])
			}
			continue
		}
		checkRow(t, run, got, map[string]any{"alpha": want})
	}
}
