package schedule

import (
	"cmp"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/parley-cx/parley/internal/csvsafe"
)

// Requirement is one queue/channel's agents needed per interval: the
// agents_with_shrinkage column of a staffing plan.
type Requirement struct {
	Queue, Channel string
	TimeZone       string
	First          time.Time // wall clock of the first interval (UTC fields)
	Step           time.Duration
	Agents         []int
	// Missing are the intervals between the plan's first and last that
	// have no row for this queue/channel: Agents counts them as 0, which
	// is only right if the plan meant closed.
	Missing []time.Time
}

// Start is the wall-clock start of interval k.
func (r Requirement) Start(k int) time.Time { return r.First.Add(time.Duration(k) * r.Step) }

// ReadPlan reads a staffing plan CSV (`parley forecast --staffing --format
// csv`): the columns interval_start and agents_with_shrinkage, and, when
// present, queue, channel and time_zone. It returns one requirement per
// queue/channel, or with pool their sum (agents who work every queue).
func ReadPlan(path string, pool bool) ([]Requirement, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("schedule: --plan: %w", err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("schedule: --plan %s: header: %w", path, err)
	}
	col := map[string]int{}
	for k, h := range head {
		col[h] = k
	}
	for _, need := range []string{"interval_start", "agents_with_shrinkage"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("schedule: --plan %s: no %s column (write the plan with parley forecast --staffing --format csv)", path, need)
		}
	}
	get := func(rec []string, name string) string {
		if k, ok := col[name]; ok && k < len(rec) {
			return rec[k]
		}
		return ""
	}
	type key struct{ queue, channel string }
	type group struct {
		tz    string
		needs map[time.Time]int
	}
	groups := map[key]*group{}
	// A row repeated (a plan concatenated twice) would be summed into
	// double the agents; pooling sums different queues, never one twice.
	type row struct {
		key
		at time.Time
	}
	lines := map[row]int{}
	var times []time.Time
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("schedule: --plan %s: %w", path, err)
		}
		at, err := time.Parse("2006-01-02T15:04", get(rec, "interval_start"))
		if err != nil {
			return nil, fmt.Errorf("schedule: --plan %s:%d: interval_start %q is not YYYY-MM-DDTHH:MM", path, line, get(rec, "interval_start"))
		}
		n, err := strconv.Atoi(get(rec, "agents_with_shrinkage"))
		if err != nil || n < 0 {
			return nil, fmt.Errorf("schedule: --plan %s:%d: agents_with_shrinkage %q is not a whole number >= 0", path, line, get(rec, "agents_with_shrinkage"))
		}
		k := key{csvsafe.Unescape(get(rec, "queue")), csvsafe.Unescape(get(rec, "channel"))}
		if first, ok := lines[row{k, at}]; ok {
			return nil, fmt.Errorf("schedule: --plan %s:%d: queue %q, channel %q, interval_start %s repeats line %d (was the plan appended twice?)", path, line, k.queue, k.channel, at.Format("2006-01-02T15:04"), first)
		}
		lines[row{k, at}] = line
		if pool {
			k = key{}
		}
		g, ok := groups[k]
		if !ok {
			g = &group{tz: get(rec, "time_zone"), needs: map[time.Time]int{}}
			groups[k] = g
		}
		g.needs[at] += n
		times = append(times, at)
	}
	if len(times) == 0 {
		return nil, fmt.Errorf("schedule: --plan %s: no intervals", path)
	}
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	times = slices.Compact(times)
	step := time.Duration(0)
	for k := 1; k < len(times); k++ {
		if d := times[k].Sub(times[k-1]); step == 0 || d < step {
			step = d
		}
	}
	if step == 0 {
		step = 24 * time.Hour / 48 // a single interval: assume half-hours
	}
	for k := 1; k < len(times); k++ {
		if times[k].Sub(times[0])%step != 0 {
			return nil, fmt.Errorf("schedule: --plan %s: interval %s is off the %v grid of the others", path, times[k].Format("2006-01-02T15:04"), step)
		}
	}
	span := int(times[len(times)-1].Sub(times[0])/step) + 1
	keys := slices.SortedFunc(maps.Keys(groups), func(a, b key) int {
		return cmp.Or(cmp.Compare(a.queue, b.queue), cmp.Compare(a.channel, b.channel))
	})
	var out []Requirement
	for _, k := range keys {
		r := Requirement{Queue: k.queue, Channel: k.channel, TimeZone: groups[k].tz, First: times[0], Step: step, Agents: make([]int, span)}
		for at, n := range groups[k].needs {
			r.Agents[int(at.Sub(times[0])/step)] = n
		}
		for i := range span {
			if _, ok := groups[k].needs[r.Start(i)]; !ok {
				r.Missing = append(r.Missing, r.Start(i))
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// Shift is a chosen shift: how many agents start it.
type Shift struct {
	Name   string    `json:"shift"`
	Start  time.Time `json:"-"`
	End    time.Time `json:"-"`
	Agents int       `json:"agents"`
	// PaidHours is per agent.
	PaidHours float64 `json:"paid_hours"`
	StartText string  `json:"start"`
	EndText   string  `json:"end"`
}

// Interval is the coverage of one interval.
type Interval struct {
	Start     time.Time `json:"-"`
	StartText string    `json:"interval_start"`
	Required  int       `json:"required"`
	Scheduled int       `json:"scheduled"`
	Over      int       `json:"over"`
	Under     int       `json:"under"`
}

// Result is the schedule of one requirement.
type Result struct {
	Queue    string `json:"queue,omitempty"`
	Channel  string `json:"channel,omitempty"`
	TimeZone string `json:"time_zone,omitempty"`
	// PaidHours is the plan's total paid hours; LPBound the linear
	// relaxation's optimum, below which no plan can go; Gap their relative
	// difference (the most the plan could be above the true optimum).
	PaidHours float64 `json:"paid_hours"`
	LPBound   float64 `json:"lp_bound_hours"`
	Gap       float64 `json:"gap"`
	// Optimal is whether the search proved the plan optimal; otherwise
	// ProvenGap is how far above the best proven bound it may be.
	Optimal   bool    `json:"optimal"`
	ProvenGap float64 `json:"proven_gap"`
	Nodes     int     `json:"nodes"`
	// Agent-hours required, and over and under the requirement.
	RequiredHours float64    `json:"required_hours"`
	OverHours     float64    `json:"over_hours"`
	UnderHours    float64    `json:"under_hours"`
	Shifts        []Shift    `json:"shifts"`
	Coverage      []Interval `json:"coverage"`
}

// variable is one shift start the program may choose.
type variable struct {
	shift  ShiftType
	start  time.Time
	offset int   // interval index of the start
	covers []int // interval indices its agents work (not on break)
}

// Solve schedules one requirement on the shift types. A search that is not
// done by the context's deadline, if it has one, returns the best plan found
// with its proven gap (Optimal false) rather than an error, or, when the
// deadline comes before the first linear relaxation is solved and there is
// no plan yet, an error saying so that wraps context.DeadlineExceeded;
// cancelling the context stops it with the context's error. Both are
// honoured inside a relaxation, within a pivot or two of the simplex.
func Solve(ctx context.Context, req Requirement, s *Shifts) (Result, error) {
	res := Result{Queue: req.Queue, Channel: req.Channel, TimeZone: req.TimeZone}
	step := req.Step
	// Every shift length, break and start must sit on the plan's interval grid.
	if err := s.CheckGrid(step); err != nil {
		return res, fmt.Errorf("schedule: %w", err)
	}
	n := len(req.Agents)
	var vars []variable
	first := time.Date(req.First.Year(), req.First.Month(), req.First.Day(), 0, 0, 0, 0, time.UTC)
	for day := first; day.Before(req.Start(n)); day = day.AddDate(0, 0, 1) {
		for _, st := range s.Shifts {
			if !st.startsOn(day.Weekday()) {
				continue
			}
			for _, startText := range st.Starts {
				c, _ := clock(startText)
				start := day.Add(c)
				if start.Before(req.First) || !start.Before(req.Start(n)) {
					continue // shifts start within the plan
				}
				v := variable{shift: st, start: start, offset: int(start.Sub(req.First) / step)}
				useful := false
				for o := time.Duration(0); o < time.Duration(st.Length); o += step {
					k := v.offset + int(o/step)
					if k >= n || s.Breaks.onBreak(time.Duration(st.Length), o) {
						continue
					}
					v.covers = append(v.covers, k)
					useful = useful || req.Agents[k] > 0
				}
				if useful {
					vars = append(vars, v)
				}
			}
		}
	}
	// The program's rows: intervals with a requirement that some shift reaches.
	row := make([]int, n)
	for k := range row {
		row[k] = -1
	}
	p := &cover{}
	for _, v := range vars {
		for _, k := range v.covers {
			if req.Agents[k] > 0 && row[k] < 0 {
				row[k] = 0 // marked; numbered below in interval order
			}
		}
	}
	for k := range row {
		if row[k] == 0 {
			row[k] = len(p.req)
			p.req = append(p.req, float64(req.Agents[k]))
		}
	}
	var minutes []int
	maxCost := 0.0
	for _, v := range vars {
		var rows []int
		for _, k := range v.covers {
			if row[k] >= 0 {
				rows = append(rows, row[k])
			}
		}
		cost := s.Breaks.paidHours(time.Duration(v.shift.Length))
		p.cost = append(p.cost, cost)
		p.rows = append(p.rows, rows)
		maxCost = math.Max(maxCost, cost)
		minutes = append(minutes, int(math.Round(cost*60)))
	}
	g := 0
	for _, m := range minutes {
		g = gcd(g, m)
	}
	p.step = float64(g) / 60
	p.penalty = maxCost + p.step // more than any shift costs: short only where no shift reaches
	var x []int
	if len(vars) > 0 {
		sol, err := p.solve(ctx)
		if err != nil {
			return res, err
		}
		x = sol.x
		res.LPBound, res.Optimal, res.Nodes = sol.lpBound, sol.optimal, sol.nodes
		res.PaidHours = sol.objective // no coverable row is left short at any optimum, so no penalty remains
		if res.PaidHours > 0 {
			res.Gap = (res.PaidHours - res.LPBound) / res.PaidHours
			res.ProvenGap = (res.PaidHours - sol.bound) / res.PaidHours
		}
	}
	have := make([]int, n)
	var paid float64
	for j, v := range vars {
		if x[j] == 0 {
			continue
		}
		for _, k := range v.covers {
			have[k] += x[j]
		}
		end := v.start.Add(time.Duration(v.shift.Length))
		res.Shifts = append(res.Shifts, Shift{Name: v.shift.Name, Start: v.start, End: end, Agents: x[j], PaidHours: p.cost[j],
			StartText: v.start.Format("2006-01-02T15:04"), EndText: end.Format("2006-01-02T15:04")})
		paid += float64(x[j]) * p.cost[j]
	}
	if math.Abs(paid-res.PaidHours) > 1e-6 {
		// The objective holds a penalty: a reachable interval was left short.
		return res, fmt.Errorf("schedule: internal error: plan costs %.2f paid hours but the program scored %.2f", paid, res.PaidHours)
	}
	h := step.Hours()
	for k, need := range req.Agents {
		iv := Interval{Start: req.Start(k), StartText: req.Start(k).Format("2006-01-02T15:04"), Required: need, Scheduled: have[k]}
		iv.Over, iv.Under = max(0, have[k]-need), max(0, need-have[k])
		res.RequiredHours += float64(need) * h
		res.OverHours += float64(iv.Over) * h
		res.UnderHours += float64(iv.Under) * h
		res.Coverage = append(res.Coverage, iv)
	}
	return res, nil
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
