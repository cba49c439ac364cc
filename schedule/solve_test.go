package schedule

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// The odd cycle: three intervals, a split shift covering the first and the
// third, short shifts covering the first two and the last two. The LP
// takes half of each (3 hours); any integer plan needs two shifts (4 hours).
func TestCoverKnownOptimumWithIntegralityGap(t *testing.T) {
	p := &cover{
		cost:    []float64{2, 2, 2},
		rows:    [][]int{{0, 2}, {0, 1}, {1, 2}},
		req:     []float64{1, 1, 1},
		penalty: 4,
		step:    1,
	}
	sol, err := p.solve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if sol.objective != 4 || math.Abs(sol.lpBound-3) > 1e-9 || !sol.optimal || sol.bound != 4 {
		t.Errorf("solution %+v, want objective 4, LP bound 3, proven optimal", sol)
	}
	if n := sol.x[0] + sol.x[1] + sol.x[2]; n != 2 {
		t.Errorf("plan %v starts %d shifts, want 2", sol.x, n)
	}
}

// On random small covers the search finds the optimum that exhaustive
// enumeration finds.
func TestCoverMatchesExhaustiveSearch(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 60 {
		rowsN := 3 + rng.IntN(5)
		vars := 2 + rng.IntN(4)
		p := &cover{penalty: 20, step: 1}
		for range rowsN {
			p.req = append(p.req, float64(rng.IntN(4)))
		}
		for range vars {
			var rows []int
			for k := range rowsN {
				if rng.IntN(2) == 0 {
					rows = append(rows, k)
				}
			}
			if len(rows) == 0 {
				rows = []int{rng.IntN(rowsN)}
			}
			p.rows = append(p.rows, rows)
			p.cost = append(p.cost, float64(1+rng.IntN(6)))
		}
		sol, err := p.solve(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		// Enumerate every plan with up to 3 starts per shift (no requirement exceeds 3).
		best := math.Inf(1)
		x := make([]int, vars)
		var walk func(j int)
		walk = func(j int) {
			if j == vars {
				best = math.Min(best, p.objective(x))
				return
			}
			for v := 0; v <= 3; v++ {
				x[j] = v
				walk(j + 1)
			}
		}
		walk(0)
		if !sol.optimal || math.Abs(sol.objective-best) > 1e-9 || sol.lpBound > best+1e-9 {
			t.Fatalf("trial %d: %+v, exhaustive optimum %v", trial, sol, best)
		}
	}
}

// TestSolveStopsAtTheDeadline: past its context's deadline the search keeps
// the best plan found, not an error, and says it is not proven optimal.
func TestSolveStopsAtTheDeadline(t *testing.T) {
	p := &cover{cost: []float64{1, 1}, rows: [][]int{{0}, {0}}, req: []float64{1.5}, penalty: 10, step: 1}
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	sol, err := p.solve(ctx)
	if err != nil {
		t.Fatalf("solve past its deadline: %v, want the best plan so far", err)
	}
	if sol.optimal || sol.x == nil {
		t.Errorf("solution %+v: want a plan not proven optimal", sol)
	}
	cancelled, stop := context.WithCancel(context.Background())
	stop()
	if _, err := p.solve(cancelled); !errors.Is(err, context.Canceled) {
		t.Errorf("solve after cancel: %v, want context.Canceled", err)
	}
}
