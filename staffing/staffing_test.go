package staffing

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/gonum/stat/distuv"
)

// classic is the textbook example: 100 contacts per 30 minutes, 180 s AHT, 80% answered in 20 s.
func classic() Input {
	return Input{
		Volume: 100, Interval: 30 * time.Minute, AHT: 180 * time.Second,
		TargetLevel: 0.8, TargetTime: 20 * time.Second,
		MaxOccupancy: 0.85, Shrinkage: 0.3, Concurrency: 1,
	}
}

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %.10g, want %.10g (±%g)", what, got, want, tol)
	}
}

// The expected figures are published, not computed here:
//   - R package ErlangC 0.1.0 (CRAN, 2024-12-05), README examples erlang_c(100,
//     30 min, 180 s, 20 s, 14) and calculate_agents(..., 0.8, 0.85, 0.3):
//     traffic 10, wait probability 0.1741319, service level 0.88835, ASA
//     7.83593701177724 s, occupancy 0.7142857, 14 agents; its search trace shows
//     11 agents at wait probability 0.6821182, service level 0.3896138.
//   - pyworkforce 0.1.0 (PyPI) README, ErlangC(transactions=100, asa=20/60, aht=3,
//     interval=30, max_occupancy=0.85, shrinkage=0.3).required_positions(0.8):
//     raw_positions 14, positions 20, service_level 0.8883500191794669,
//     occupancy 0.7142857142857143, waiting_probability 0.1741319335950498.
func TestRequiredClassicExample(t *testing.T) {
	r, err := Required(classic())
	if err != nil {
		t.Fatal(err)
	}
	if r.Agents != 14 || r.AgentsWithShrinkage != 20 {
		t.Errorf("agents = %d (with shrinkage %d), want 14 (20)", r.Agents, r.AgentsWithShrinkage)
	}
	near(t, "traffic", r.TrafficErlangs, 10, 1e-12)
	near(t, "service level", r.ServiceLevel, 0.8883500191794669, 1e-12)
	near(t, "prob wait", r.ProbWait, 0.1741319335950498, 1e-12)
	near(t, "occupancy", r.Occupancy, 0.7142857142857143, 1e-12)
	near(t, "asa", r.ASAS, 7.83593701177724, 1e-9)
	if r.ProbAbandon != nil {
		t.Errorf("prob_abandon set without patience: %v", *r.ProbAbandon)
	}

	r11, err := Evaluate(classic(), 11)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "prob wait at 11", r11.ProbWait, 0.6821182, 5e-8)
	near(t, "service level at 11", r11.ServiceLevel, 0.3896138, 5e-8)
}

// logErlangC evaluates the Erlang C formula straight from its definition in
// log space — a second, independent route to the same number.
func logErlangC(n int, a float64) float64 {
	terms := make([]float64, n+1)
	for k := 0; k < n; k++ {
		lg, _ := math.Lgamma(float64(k + 1))
		terms[k] = float64(k)*math.Log(a) - lg
	}
	lg, _ := math.Lgamma(float64(n + 1))
	terms[n] = float64(n)*math.Log(a) - lg + math.Log(float64(n)/(float64(n)-a))
	peak := maxOf(terms)
	return math.Exp(terms[n] - peak - math.Log(sumExp(terms, peak)))
}

func TestErlangCLargeTraffic(t *testing.T) {
	tests := []struct {
		n int
		a float64
	}{
		{2, 1}, {14, 10}, {120, 100}, {530, 500}, {2100, 2000}, {10050, 10000},
	}
	for _, tc := range tests {
		got := ErlangC(tc.n, tc.a)
		if math.IsNaN(got) || got <= 0 || got >= 1 {
			t.Errorf("ErlangC(%d, %v) = %v, want a probability in (0,1)", tc.n, tc.a, got)
			continue
		}
		near(t, "ErlangC", got, logErlangC(tc.n, tc.a), 1e-9)
	}
	// Hundreds of Erlangs through the whole calculator.
	in := classic()
	in.Volume = 5000 // 500 Erlangs
	in.MaxOccupancy = 1
	r, err := Required(in)
	if err != nil {
		t.Fatal(err)
	}
	if r.Agents <= 500 || r.Agents > 560 || r.ServiceLevel < 0.8 {
		t.Errorf("500 Erlangs: %d agents at SL %v; want a little above 500 meeting 80%%", r.Agents, r.ServiceLevel)
	}
	below, err := Evaluate(in, r.Agents-1)
	if err != nil {
		t.Fatal(err)
	}
	if below.ServiceLevel >= 0.8 {
		t.Errorf("%d agents already meet the target; Required is not minimal", r.Agents-1)
	}
}

func TestMonotonicity(t *testing.T) {
	// Performance improves with every extra agent.
	prev, err := Evaluate(classic(), 11)
	if err != nil {
		t.Fatal(err)
	}
	for n := 12; n <= 30; n++ {
		r, err := Evaluate(classic(), n)
		if err != nil {
			t.Fatal(err)
		}
		if !(r.ServiceLevel > prev.ServiceLevel && r.ProbWait < prev.ProbWait && r.ASAS < prev.ASAS && r.Occupancy < prev.Occupancy) {
			t.Errorf("%d agents do not beat %d: %+v vs %+v", n, n-1, r, prev)
		}
		prev = r
	}

	// Required agents never fall as the load, the target or the patience
	// (more contacts stay in the queue) rises.
	vary := []struct {
		name string
		set  func(*Input, float64)
		from []float64
	}{
		{"volume", func(in *Input, v float64) { in.Volume = v }, []float64{1, 5, 20, 100, 101, 300, 1000}},
		{"aht", func(in *Input, v float64) { in.AHT = time.Duration(v) * time.Second }, []float64{30, 60, 180, 181, 600}},
		{"target level", func(in *Input, v float64) { in.TargetLevel = v }, []float64{0.5, 0.8, 0.9, 0.95, 0.99}},
		{"shrinkage", func(in *Input, v float64) { in.Shrinkage = v }, []float64{0, 0.1, 0.3, 0.5}},
		{"patience", func(in *Input, v float64) { in.Patience = time.Duration(v) * time.Second }, []float64{5, 30, 120, 600, 3600}},
	}
	for _, vc := range vary {
		last := -1
		for _, v := range vc.from {
			in := classic()
			vc.set(&in, v)
			r, err := Required(in)
			if err != nil {
				t.Fatalf("%s=%v: %v", vc.name, v, err)
			}
			got := r.AgentsWithShrinkage
			if got < last {
				t.Errorf("%s=%v needs %d agents, fewer than at the previous value", vc.name, v, r.AgentsWithShrinkage)
			}
			last = got
		}
	}
	// Longer answer-time targets are easier.
	last := math.MaxInt
	for _, sec := range []int{0, 10, 20, 60, 300} {
		in := classic()
		in.TargetTime = time.Duration(sec) * time.Second
		r, err := Required(in)
		if err != nil {
			t.Fatal(err)
		}
		if r.Agents > last {
			t.Errorf("target %ds needs %d agents, more than a shorter target", sec, r.Agents)
		}
		last = r.Agents
	}
}

func TestConcurrency(t *testing.T) {
	one := classic()
	r1, err := Required(one)
	if err != nil {
		t.Fatal(err)
	}
	base := classic()
	base.Concurrency = 1
	if r, _ := Required(base); r != r1 {
		t.Errorf("concurrency 1 differs from classic Erlang C: %+v vs %+v", r, r1)
	}
	// AHT is working time: with C slots per agent a contact holds its slot
	// for C·AHT, so N agents perform exactly like N·C single-slot agents
	// whose handle time is C·AHT, and carry the same workload as at C = 1.
	for _, c := range []int{2, 3, 4} {
		in := classic()
		in.Concurrency = c
		if in.Traffic() != one.Traffic() || in.SlotTime() != time.Duration(c)*one.AHT {
			t.Errorf("C=%d: traffic %v, slot time %v; want %v and %v", c, in.Traffic(), in.SlotTime(), one.Traffic(), time.Duration(c)*one.AHT)
		}
		single := classic()
		single.AHT *= time.Duration(c)
		for _, n := range []int{11, 12, 14} {
			got, err := Evaluate(in, n)
			if err != nil {
				t.Fatal(err)
			}
			want, err := Evaluate(single, n*c)
			if err != nil {
				t.Fatal(err)
			}
			if got.ServiceLevel != want.ServiceLevel || got.ProbWait != want.ProbWait || got.ASAS != want.ASAS ||
				math.Abs(got.Occupancy-want.Occupancy) > 1e-12 || got.SlotTimeS != want.SlotTimeS {
				t.Errorf("C=%d N=%d: %+v, want the performance of %d single agents at %v %+v", c, n, got, n*c, single.AHT, want)
			}
			// Occupancy per slot is the agents' occupancy: workload / agents.
			if math.Abs(got.Occupancy-in.Traffic()/float64(n)) > 1e-12 {
				t.Errorf("C=%d N=%d: occupancy %v, want %v", c, n, got.Occupancy, in.Traffic()/float64(n))
			}
		}
	}
}

func TestErlangA(t *testing.T) {
	t.Run("patience equal to AHT is an infinite-server system", func(t *testing.T) {
		// With abandonment rate = service rate every contact in the system
		// leaves at rate 1, so the number present is Poisson(A) (Garnett,
		// Mandelbaum & Reiman 2002 note this special case): P(wait) = P(X >= s)
		// and P(abandon) = E[(X − s)+]/A.
		for _, tc := range []struct {
			s int
			a float64
		}{{1, 1}, {5, 4}, {14, 10}, {110, 100}, {480, 500}} {
			m := erlangA(tc.s, tc.a, 1, 0.1)
			pois := distuv.Poisson{Lambda: tc.a}
			near(t, "prob wait", m.probWait, pois.Survival(float64(tc.s-1)), 1e-9)
			var excess float64
			for x := tc.s + 1; x < tc.s+int(tc.a)+2000; x++ {
				excess += float64(x-tc.s) * pois.Prob(float64(x))
			}
			near(t, "prob abandon", m.probAbandon, excess/tc.a, 1e-9)
		}
		// s = 1, A = 1: P(abandon) = E[(X−1)+] = E[X] − 1 + P(X=0) = 1/e.
		near(t, "M/M/1+M prob abandon", erlangA(1, 1, 1, 0).probAbandon, 1/math.E, 1e-12)
	})

	t.Run("endless patience approaches Erlang C", func(t *testing.T) {
		in := classic()
		in.Patience = 1e6 * time.Hour
		for _, n := range []int{11, 14, 20} {
			a, err := Evaluate(in, n)
			if err != nil {
				t.Fatal(err)
			}
			c, err := Evaluate(classic(), n)
			if err != nil {
				t.Fatal(err)
			}
			near(t, "prob wait", a.ProbWait, c.ProbWait, 1e-4)
			near(t, "service level", a.ServiceLevel, c.ServiceLevel, 1e-4)
			near(t, "asa", a.ASAS, c.ASAS, 1e-2)
			if *a.ProbAbandon > 1e-4 {
				t.Errorf("N=%d: prob abandon %v with near-endless patience", n, *a.ProbAbandon)
			}
		}
	})

	t.Run("no patience is Erlang B", func(t *testing.T) {
		// Contacts that must wait abandon at once: the loss system M/M/s/s.
		for _, s := range []int{5, 10, 14} {
			m := erlangA(s, 10, 1e7, 0)
			near(t, "prob abandon", m.probAbandon, ErlangB(s, 10), 1e-6)
			near(t, "prob wait", m.probWait, ErlangB(s, 10), 1e-6)
		}
	})

	t.Run("service level bounds", func(t *testing.T) {
		// t = 0: only contacts answered at once; t → ∞: everyone not abandoning.
		m0 := erlangA(12, 10, 0.5, 0)
		near(t, "SL at t=0", m0.serviceLevel, 1-m0.probWait, 1e-12)
		mInf := erlangA(12, 10, 0.5, 1e4)
		near(t, "SL at t=inf", mInf.serviceLevel, 1-mInf.probAbandon, 1e-9)
		mid := erlangA(12, 10, 0.5, 0.2)
		if !(mid.serviceLevel > m0.serviceLevel && mid.serviceLevel < mInf.serviceLevel) {
			t.Errorf("SL(t) not increasing: %v, %v, %v", m0.serviceLevel, mid.serviceLevel, mInf.serviceLevel)
		}
	})

	t.Run("abandonment lowers the staff needed and is reported", func(t *testing.T) {
		in := classic()
		in.Patience = 60 * time.Second
		r, err := Required(in)
		if err != nil {
			t.Fatal(err)
		}
		if r.ProbAbandon == nil || *r.ProbAbandon <= 0 || *r.ProbAbandon >= 0.2 {
			t.Fatalf("prob_abandon = %v, want a small positive probability", r.ProbAbandon)
		}
		if r.Agents > 14 || r.ServiceLevel < 0.8 {
			t.Errorf("Erlang A: %d agents at SL %v, want at most Erlang C's 14 meeting 80%%", r.Agents, r.ServiceLevel)
		}
	})
}

func TestZeroVolumeNeedsNobody(t *testing.T) {
	in := classic()
	in.Volume = 0
	r, err := Required(in)
	if err != nil {
		t.Fatal(err)
	}
	if r.Agents != 0 || r.AgentsWithShrinkage != 0 {
		t.Errorf("zero volume: %+v", r)
	}
}

// TestOverTheCapSaysSo: traffic needing more than MaxAgents is stopped by
// the cap, not by the target; the error names the cap (it said "target not
// reachable").
func TestOverTheCapSaysSo(t *testing.T) {
	in := classic()
	in.Volume = 1e7
	_, err := Required(in)
	if want := fmt.Sprintf("more agents than the cap of %d", MaxAgents); !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "target not reachable") {
		t.Errorf("volume 1e7: %v, want ErrUnreachable saying %q", err, want)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name  string
		set   func(*Input)
		field string
	}{
		{"negative volume", func(in *Input) { in.Volume = -1 }, "volume"},
		{"zero interval", func(in *Input) { in.Interval = 0 }, "interval"},
		{"zero aht", func(in *Input) { in.AHT = 0 }, "aht"},
		{"negative aht", func(in *Input) { in.AHT = -time.Second }, "aht"},
		{"target 100%", func(in *Input) { in.TargetLevel = 1 }, "target"},
		{"target above 100%", func(in *Input) { in.TargetLevel = 1.2 }, "target"},
		{"target 0", func(in *Input) { in.TargetLevel = 0 }, "target"},
		{"negative target time", func(in *Input) { in.TargetTime = -time.Second }, "target"},
		{"occupancy cap 0", func(in *Input) { in.MaxOccupancy = 0 }, "max-occupancy"},
		{"occupancy cap above 1", func(in *Input) { in.MaxOccupancy = 1.5 }, "max-occupancy"},
		{"shrinkage 1", func(in *Input) { in.Shrinkage = 1 }, "shrinkage"},
		{"negative shrinkage", func(in *Input) { in.Shrinkage = -0.1 }, "shrinkage"},
		{"concurrency 0", func(in *Input) { in.Concurrency = 0 }, "concurrency"},
		{"negative patience", func(in *Input) { in.Patience = -time.Minute }, "patience"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := classic()
			tc.set(&in)
			_, err := Required(in)
			if err == nil || !strings.Contains(err.Error(), tc.field+":") {
				t.Errorf("error %v does not name field %q", err, tc.field)
			}
		})
	}
	if err := classic().Validate(); err != nil {
		t.Errorf("valid input rejected: %v", err)
	}
	if _, err := Evaluate(classic(), 10); err == nil {
		t.Error("10 agents for 10 Erlangs without abandonment accepted; the queue is unstable")
	}
	if _, err := Evaluate(classic(), 0); err == nil {
		t.Error("zero agents accepted")
	}
	endless := classic()
	endless.Patience = 1e6 * time.Hour
	if _, err := Evaluate(endless, 5); err == nil || !strings.Contains(err.Error(), "add agents") {
		t.Errorf("5 agents for 10 Erlangs with endless patience: %v", err)
	}
}

func BenchmarkRequired(b *testing.B) {
	for _, tc := range []struct {
		name     string
		volume   float64
		patience time.Duration
	}{
		{"ErlangC/10E", 100, 0},
		{"ErlangC/500E", 5000, 0},
		{"ErlangA/10E", 100, 2 * time.Minute},
		{"ErlangA/500E", 5000, 2 * time.Minute},
	} {
		b.Run(tc.name, func(b *testing.B) {
			in := classic()
			in.Volume, in.Patience = tc.volume, tc.patience
			for b.Loop() {
				if _, err := Required(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// simulateErlangA runs an M/M/s+M queue (unit mean service time) for n
// contacts, first come first served: each contact takes the earliest free
// slot if it frees up before the contact's patience runs out, else abandons
// without using a slot. It is an independent check of the chain solution.
func simulateErlangA(s int, a, theta, t float64, n int, seed uint64) (probWait, probAbandon, serviceLevel, asa float64) {
	rng := rand.New(rand.NewPCG(seed, 2))
	free := make([]float64, s) // when each slot frees up
	var now, waited, abandoned, inTime, waitSum float64
	for range n {
		now += rng.ExpFloat64() / a
		k := 0 // the earliest free slot (s is small: a linear scan is fine)
		for i := range free {
			if free[i] < free[k] {
				k = i
			}
		}
		start := math.Max(now, free[k])
		wait := start - now
		if wait > 0 {
			waited++
		}
		if wait > rng.ExpFloat64()/theta {
			abandoned++
			continue
		}
		free[k] = start + rng.ExpFloat64()
		waitSum += wait
		if wait <= t {
			inTime++
		}
	}
	total := float64(n)
	return waited / total, abandoned / total, inTime / total, waitSum / (total - abandoned)
}

func TestErlangAAgainstSimulation(t *testing.T) {
	tests := []struct {
		s        int
		a, theta float64
		tm       float64
	}{
		{12, 10, 0.5, 0.2},
		{10, 10, 2, 0.1},
		{3, 4, 0.25, 0.5},
	}
	for _, tc := range tests {
		m := erlangA(tc.s, tc.a, tc.theta, tc.tm)
		pw, pa, sl, asa := simulateErlangA(tc.s, tc.a, tc.theta, tc.tm, 400_000, 11)
		name := fmt.Sprintf("s=%d a=%v theta=%v", tc.s, tc.a, tc.theta)
		near(t, name+" prob wait", m.probWait, pw, 0.01)
		near(t, name+" prob abandon", m.probAbandon, pa, 0.01)
		near(t, name+" service level", m.serviceLevel, sl, 0.01)
		near(t, name+" asa", m.asa, asa, 0.02*math.Max(asa, 0.1))
	}
}
