package schedule

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
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
// the best plan found, not an error, and says it is not proven optimal. The
// root relaxation of this cover reads fewer than checkEvery matrix entries,
// so it is solved before the deadline is looked at.
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

// shiftCover is the cover of days of half-hour intervals with 8h30m shifts
// (an unpaid half-hour break after 4h) starting every interval and 4h
// part-time shifts every hour: breaks make its relaxation fractional, and
// its root relaxation reads many times checkEvery matrix entries.
func shiftCover(days int) *cover {
	p := &cover{penalty: 12, step: 4}
	n := days * 48
	for k := range n {
		p.req = append(p.req, float64(1+(k%48)/8+(k*k)%5))
	}
	add := func(start, length, breakAt int, cost float64) {
		var rows []int
		for k := start; k < min(start+length, n); k++ {
			if k-start != breakAt {
				rows = append(rows, k)
			}
		}
		p.rows = append(p.rows, rows)
		p.cost = append(p.cost, cost)
	}
	for k := range n {
		add(k, 17, 8, 8)
		if k%2 == 0 {
			add(k, 8, -1, 4)
		}
	}
	return p
}

// A context that is done before the search starts stops it inside the
// root relaxation, at the simplex's first look (checkEvery reads), not after
// the relaxation is solved: cancelled, with the context's error; past its
// deadline, with an error saying no plan was found yet and what to try.
func TestSolveStopsInsideTheRootRelaxation(t *testing.T) {
	cancelled, stop := context.WithCancel(context.Background())
	stop()
	expired, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	for _, tc := range []struct {
		name string
		ctx  context.Context
		want error
	}{{"cancelled", cancelled, context.Canceled}, {"past its deadline", expired, context.DeadlineExceeded}} {
		t.Run(tc.name, func(t *testing.T) {
			p := shiftCover(1)
			sol, err := p.solve(tc.ctx)
			if !errors.Is(err, tc.want) {
				t.Fatalf("solve: %+v, %v; want %v", sol, err, tc.want)
			}
			if p.reads > checkEvery {
				t.Errorf("the simplex read %d matrix entries after the context was done, want at most %d", p.reads, checkEvery)
			}
			if msg := err.Error(); tc.want == context.DeadlineExceeded && (!strings.Contains(msg, "before any plan") || !strings.Contains(msg, "--time-limit")) {
				t.Errorf("error %q: want it to say the limit came before any plan and to suggest --time-limit", err)
			}
		})
	}
}

// readsDeadline is a context whose deadline passes once the cover's
// simplex has read more than limit matrix entries: it puts the deadline
// at a chosen point of the search, where a clock could not.
type readsDeadline struct {
	context.Context
	p     *cover
	limit int
}

func (c readsDeadline) Err() error {
	if c.p.reads > c.limit {
		return context.DeadlineExceeded
	}
	return nil
}

// A deadline that passes inside a branch's relaxation keeps the best plan
// found, and the branched node stays open: the plan is not claimed optimal
// and the proven bound is the root's.
func TestSolveDeadlineInsideABranch(t *testing.T) {
	p := shiftCover(1)
	root := p.root()
	if err := p.relax(context.Background(), root); err != nil {
		t.Fatal(err)
	}
	rootReads := p.reads
	p.reads = 0
	// Past the root's reads: the loop's look before the first node passes,
	// the first branch's relaxation is stopped.
	sol, err := p.solve(readsDeadline{Context: context.Background(), p: p, limit: rootReads})
	if err != nil {
		t.Fatalf("solve: %v, want the best plan so far", err)
	}
	if sol.optimal || sol.nodes != 1 || sol.x == nil {
		t.Errorf("solution after %d nodes, optimal %v, plan %v: want a plan after one node, not proven optimal", sol.nodes, sol.optimal, sol.x != nil)
	}
	if want := math.Min(sol.objective, p.ceil(root.bound)); sol.bound != want {
		t.Errorf("proven bound %v, want the open root's %v", sol.bound, want)
	}
	if p.reads > rootReads+checkEvery {
		t.Errorf("the simplex read %d matrix entries, want it stopped within %d of the root's %d", p.reads, checkEvery, rootReads)
	}
}
