package schedule

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/convex/lp"
)

// cover is the integer program of a shift plan (the model of pyworkforce's
// MinRequiredResources, with under-staffing allowed at a penalty):
//
//	minimise   Σⱼ cost_j·x_j + penalty·Σₖ u_k
//	subject to Σⱼ a_kj·x_j + u_k − e_k = req_k   for every interval k
//	           x_j ∈ {0, 1, 2, …}, u_k, e_k ≥ 0
//
// x_j is how many agents start shift j (a shift type on a day at a start
// time), a_kj is 1 where shift j has its agents working in interval k (not
// on break), u_k the agents missing and e_k the agents over the requirement.
// The penalty is more than any shift costs, so the program leaves an
// interval short only where no shift can reach it.
type cover struct {
	cost    []float64 // per shift variable
	rows    [][]int   // per shift variable: the intervals (rows) it covers, ascending
	req     []float64 // per row
	penalty float64
	// step is the granularity of every objective value (the gcd of the
	// costs): a node whose bound rounds up to the incumbent cannot improve it.
	step float64
	// reads counts the matrix entries the simplex has read over every
	// relaxation: the search's work, by which a test sees how far a
	// cancelled search went without timing it.
	reads int
}

// solution is the outcome of solving a cover.
type solution struct {
	x []int
	// objective is the cost of x with its under-staffing penalty.
	objective float64
	// lpBound is the linear-programming relaxation's optimum at the root: no
	// integer plan costs less.
	lpBound float64
	// bound is the best lower bound the search proved (lpBound rounded up
	// to the cost granularity at least); equal to objective when optimal.
	bound   float64
	optimal bool
	nodes   int
}

// maxNodes bounds the branch-and-bound search; past it the best plan found
// is returned with its proven gap.
const maxNodes = 20000

// errNoShift is returned for a plan that no shift can cover any of.
var errNoShift = errors.New("no allowed shift works in any interval with a requirement")

// checkEvery is how many matrix reads the simplex makes between looks at
// the context: a pivot reads a column (one entry per interval), so a large
// program is looked at every pivot or two, and a look (ctx.Err) costs
// nothing beside the pivot's dense solves.
const checkEvery = 1024

// lpTol is the reduced-cost tolerance of the simplex and the integrality tolerance of the search.
const lpTol = 1e-9

// node is a subproblem: bounds on the shift variables.
type node struct {
	lb, ub []float64 // ub may be +Inf
	bound  float64   // its LP optimum
	x      []float64 // its LP solution
}

type nodeQueue []*node

func (q nodeQueue) Len() int           { return len(q) }
func (q nodeQueue) Less(i, j int) bool { return q[i].bound < q[j].bound }
func (q nodeQueue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *nodeQueue) Push(v any)        { *q = append(*q, v.(*node)) }
func (q *nodeQueue) Pop() any {
	old := *q
	n := old[len(old)-1]
	*q = old[:len(old)-1]
	return n
}

// solve finds a least-cost integer plan by best-first branch and bound,
// each node's linear relaxation solved by gonum's simplex. The context is
// looked at between nodes and inside each relaxation (checked): past its
// deadline the search returns the best plan found with its proven gap, or,
// while the root relaxation is unsolved and there is no plan yet, an error
// saying so; cancelled, it returns the context's error.
func (p *cover) solve(ctx context.Context) (solution, error) {
	n := len(p.cost)
	if n == 0 {
		return solution{}, errNoShift
	}
	root := p.root()
	if err := p.relax(ctx, root); errors.Is(err, context.DeadlineExceeded) {
		return solution{}, fmt.Errorf("schedule: the time limit ran out before any plan: the linear relaxation "+
			"of %d shift starts over %d intervals was still being solved (allow a longer --time-limit, or offer fewer shift starts): %w",
			n, len(p.req), err)
	} else if err != nil {
		return solution{}, searchError(err)
	}
	sol := solution{lpBound: root.bound}
	best, bestObj := p.roundUp(root.x)
	queue := &nodeQueue{root}
search:
	for queue.Len() > 0 && sol.nodes < maxNodes {
		if err := ctx.Err(); errors.Is(err, context.DeadlineExceeded) {
			break // the time limit: the best plan so far, with its proven gap
		} else if err != nil {
			return solution{}, searchError(err)
		}
		nd := heap.Pop(queue).(*node)
		sol.nodes++
		if p.ceil(nd.bound) >= bestObj-lpTol {
			continue // cannot improve on the incumbent
		}
		j, frac := -1, 0.0
		for k, v := range nd.x {
			if f := math.Abs(v - math.Round(v)); f > 1e-6 && f > frac {
				j, frac = k, f
			}
		}
		if j < 0 { // integral
			x, obj := p.roundUp(nd.x)
			if obj < bestObj {
				best, bestObj = x, obj
			}
			continue
		}
		for _, up := range []bool{false, true} {
			child := &node{lb: append([]float64(nil), nd.lb...), ub: append([]float64(nil), nd.ub...)}
			if up {
				child.lb[j] = math.Ceil(nd.x[j])
			} else {
				child.ub[j] = math.Floor(nd.x[j])
			}
			if err := p.relax(ctx, child); errors.Is(err, lp.ErrInfeasible) {
				continue
			} else if errors.Is(err, context.DeadlineExceeded) {
				// The time limit inside a branch: the node stays open, so
				// its bound still counts in the proven gap.
				heap.Push(queue, nd)
				break search
			} else if err != nil {
				return solution{}, searchError(err)
			}
			if x, obj := p.roundUp(child.x); obj < bestObj {
				best, bestObj = x, obj
			}
			if p.ceil(child.bound) < bestObj-lpTol {
				heap.Push(queue, child)
			}
		}
	}
	sol.x, sol.objective = best, bestObj
	sol.bound = math.Min(bestObj, p.ceil(root.bound))
	if queue.Len() == 0 {
		sol.bound, sol.optimal = bestObj, true
	} else {
		open := math.Inf(1)
		for _, nd := range *queue {
			open = math.Min(open, nd.bound)
		}
		sol.bound = math.Min(bestObj, p.ceil(open))
	}
	return sol, nil
}

// root is the search's first node: every start count from 0 up, unbounded.
func (p *cover) root() *node {
	nd := &node{lb: make([]float64, len(p.cost)), ub: make([]float64, len(p.cost))}
	for j := range nd.ub {
		nd.ub[j] = math.Inf(1)
	}
	return nd
}

// searchError wraps an error that ends the search: a cancelled context (the
// caller stopped it, e.g. Ctrl-C) or a relaxation the simplex could not solve.
func searchError(err error) error {
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("schedule: search stopped: %w", err)
	}
	return fmt.Errorf("schedule: linear relaxation: %w", err)
}

// ceil rounds an objective bound up to the cost granularity.
func (p *cover) ceil(v float64) float64 {
	if p.step <= 0 {
		return v
	}
	return math.Ceil(v/p.step-1e-7) * p.step
}

// roundUp turns an LP solution into an integer plan by rounding every
// start count up (every coefficient is non-negative, so coverage only
// grows) and returns it with its objective.
func (p *cover) roundUp(x []float64) ([]int, float64) {
	out := make([]int, len(x))
	for j, v := range x {
		out[j] = int(math.Ceil(v - 1e-6))
	}
	return out, p.objective(out)
}

// objective is the cost of plan x plus the penalty of what it leaves short.
func (p *cover) objective(x []int) float64 {
	have := make([]float64, len(p.req))
	var obj float64
	for j, v := range x {
		obj += float64(v) * p.cost[j]
		for _, k := range p.rows[j] {
			have[k] += float64(v)
		}
	}
	for k, r := range p.req {
		obj += p.penalty * math.Max(0, r-have[k])
	}
	return obj
}

// relax solves node's linear relaxation in standard form for gonum's
// simplex. Lower bounds are substituted out (x = lb + x'), finite upper
// bounds become rows x' + s = ub − lb, and a variable fixed by its bounds
// leaves the program. Every row has a column that starts it feasible (u_k
// for a requirement still to cover, e_k for one already exceeded, s_j for a
// bound), so no phase one is needed. Once ctx is done it stops with ctx's
// error (checked).
func (p *cover) relax(ctx context.Context, nd *node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if stop, ok := r.(stopped); ok {
				err = stop.err
				return
			}
			err = fmt.Errorf("simplex failed: %v", r) // gonum panics on numerically singular bases
		}
	}()
	m, n := len(p.req), len(p.cost)
	rhs := append([]float64(nil), p.req...)
	base := 0.0
	var free, bounded []int
	for j := range n {
		if nd.lb[j] > nd.ub[j] {
			return lp.ErrInfeasible
		}
		if nd.lb[j] > 0 {
			base += nd.lb[j] * p.cost[j]
			for _, k := range p.rows[j] {
				rhs[k] -= nd.lb[j]
			}
		}
		if nd.ub[j] > nd.lb[j] {
			free = append(free, j)
			if !math.IsInf(nd.ub[j], 1) {
				bounded = append(bounded, j)
			}
		}
	}
	rowsN := m + len(bounded)
	cols := len(free) + 2*m + len(bounded)
	a := mat.NewDense(rowsN, cols, nil)
	c := make([]float64, cols)
	b := make([]float64, rowsN)
	copy(b, rhs)
	basic := make([]int, rowsN)
	boundRow := map[int]int{}
	for r, j := range bounded {
		boundRow[j] = m + r
	}
	for col, j := range free {
		c[col] = p.cost[j]
		for _, k := range p.rows[j] {
			a.Set(k, col, 1)
		}
		if r, ok := boundRow[j]; ok {
			a.Set(r, col, 1)
		}
	}
	uCol, eCol, sCol := len(free), len(free)+m, len(free)+2*m
	for k := range m {
		a.Set(k, uCol+k, 1)
		a.Set(k, eCol+k, -1)
		c[uCol+k] = p.penalty
		if rhs[k] >= 0 {
			basic[k] = uCol + k
		} else {
			basic[k] = eCol + k
		}
	}
	for r, j := range bounded {
		a.Set(m+r, sCol+r, 1)
		b[m+r] = nd.ub[j] - nd.lb[j]
		basic[m+r] = sCol + r
	}
	obj, x, err := lp.Simplex(c, &checked{a: a, ctx: ctx, reads: &p.reads}, b, lpTol, basic)
	if err != nil {
		return err
	}
	nd.x = append([]float64(nil), nd.lb...)
	for col, j := range free {
		nd.x[j] += x[col]
	}
	nd.bound = base + obj
	return nil
}

// checked is the program's matrix as relax hands it to gonum's simplex,
// which takes no context and can run for minutes on one relaxation of a
// large plan: it reads a column of the matrix at every pivot, so every
// checkEvery reads checked looks at ctx and, once it is done, stops the
// simplex with a panic of stopped, which relax recovers. It must not embed
// *mat.Dense: gonum would then copy columns from the raw data, not call At.
type checked struct {
	a     *mat.Dense
	ctx   context.Context
	reads *int
}

// stopped is the panic by which checked stops the simplex: ctx's error.
type stopped struct{ err error }

func (m *checked) Dims() (int, int) { return m.a.Dims() }

func (m *checked) At(i, j int) float64 {
	*m.reads++
	if *m.reads%checkEvery == 0 {
		if err := m.ctx.Err(); err != nil {
			panic(stopped{err})
		}
	}
	return m.a.At(i, j)
}

func (m *checked) T() mat.Matrix { return mat.Transpose{Matrix: m} }
