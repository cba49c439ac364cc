// Package staffing computes how many agents an interval needs to meet a response-time target, with Erlang C, Erlang A (abandonment) and a messaging concurrency model.
//
// # Models
//
// Erlang C (M/M/N): contacts arrive as a Poisson stream, handle times are
// exponential with mean AHT, nobody abandons. The offered traffic is
// A = volume × AHT / interval Erlangs and the service level at target time t
// is 1 − Pw·exp(−(N−A)·t/AHT), where Pw is the Erlang C probability of waiting.
// Pw comes from the Erlang B recursion B(n) = A·B(n−1)/(n + A·B(n−1)), which
// never forms A^N or N! and stays accurate for thousands of Erlangs.
//
// Erlang A (M/M/N+M, Palm 1943; Garnett, Mandelbaum & Reiman 2002): as Erlang
// C, but a waiting contact abandons after an exponential patience with the
// given mean. It is solved exactly as a birth–death chain: the stationary
// distribution is computed in log space and truncated only where its terms fall
// below 1e−18 of the largest; the service level (answered within t) follows the
// tagged contact through the queue by uniformization.
//
// Messaging concurrency: an agent holding C conversations at once is C servers
// ("slots"), so N agents are an M/M/(N·C) (or M/M/(N·C)+M) system. AHT is the
// agent's working time per conversation, always; the agent's attention is
// shared by its C conversations, so a conversation holds its slot for the
// slot time AHT·C. This is the special case of the customer-service-chat
// model of Tezcan & Zhang (2014), "Routing and staffing in customer service
// chat systems with impatient customers", Operations Research 62(4):943–956,
// in which the per-conversation service rate does not depend on how many
// conversations the agent holds. C = 1 is exactly classic Erlang C. See
// docs/forecasting.md.
package staffing

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/parley-cx/parley/internal/fielderr"
)

// Input describes one interval's workload and the target to staff for.
type Input struct {
	// Volume is the number of contacts arriving in the interval. Zero volume needs zero agents.
	Volume float64
	// Interval is the length of the interval the volume arrives in.
	Interval time.Duration
	// AHT is the average agent working time per contact. With Concurrency C
	// a contact holds one of the agent's C slots for AHT·C (SlotTime).
	AHT time.Duration
	// TargetLevel is the fraction of contacts to answer within TargetTime, in (0, 1).
	TargetLevel float64
	// TargetTime is the answer-time threshold of the service-level target.
	TargetTime time.Duration
	// MaxOccupancy caps the fraction of time agents are busy, in (0, 1]; 1 means no cap.
	MaxOccupancy float64
	// Shrinkage is the fraction of paid time agents are unavailable (breaks, training), in [0, 1).
	Shrinkage float64
	// Concurrency is how many conversations one agent handles at once; 1 for voice.
	Concurrency int
	// Patience is the mean time a waiting contact waits before abandoning;
	// zero means contacts never abandon (Erlang C).
	Patience time.Duration
}

// Result is the staffing answer for one interval. The JSON keys are a public contract.
type Result struct {
	// TrafficErlangs is the workload in agents' worth of work: volume × AHT / interval.
	TrafficErlangs float64 `json:"traffic_erlangs"`
	// SlotTimeS is how long a contact holds one of an agent's slots, AHT × concurrency, in seconds.
	SlotTimeS           float64 `json:"slot_time_s"`
	Agents              int     `json:"agents"`
	AgentsWithShrinkage int     `json:"agents_with_shrinkage"`
	// ServiceLevel is the fraction of contacts answered within the target time;
	// with abandonment, contacts that abandon count as not answered.
	ServiceLevel float64 `json:"service_level"`
	// ASAS is the average speed of answer, in seconds, over answered contacts.
	ASAS      float64 `json:"asa_s"`
	Occupancy float64 `json:"occupancy"`
	ProbWait  float64 `json:"prob_wait"`
	// ProbAbandon is set only when the input has a patience (Erlang A).
	ProbAbandon *float64 `json:"prob_abandon,omitempty"`
}

// ErrUnreachable is returned when no staffing level up to MaxAgents meets
// the target. Any target below 100 % is met by enough agents, so it is
// always the cap that stops the search, and the message says so.
var ErrUnreachable = errors.New("staffing: over the agent cap")

// MaxAgents bounds the search for the required number of agents.
const MaxAgents = 1_000_000

// Validate checks the input without changing it and returns every problem, each naming its field.
func (in Input) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fielderr.New(field, format, args...))
	}
	if in.Volume < 0 || math.IsNaN(in.Volume) || math.IsInf(in.Volume, 0) {
		bad("volume", "must be a finite number >= 0, got %v", in.Volume)
	}
	if in.Interval <= 0 {
		bad("interval", "must be > 0, got %v", in.Interval)
	}
	if in.AHT <= 0 {
		bad("aht", "must be > 0, got %v", in.AHT)
	}
	if !(in.TargetLevel > 0 && in.TargetLevel < 1) {
		bad("target", "service level must be above 0%% and below 100%% (no finite staffing answers every contact in time), got %.4g%%", in.TargetLevel*100)
	}
	if in.TargetTime < 0 {
		bad("target", "answer time must be >= 0, got %v", in.TargetTime)
	}
	if !(in.MaxOccupancy > 0 && in.MaxOccupancy <= 1) {
		bad("max-occupancy", "must be in (0, 1], got %v", in.MaxOccupancy)
	}
	if !(in.Shrinkage >= 0 && in.Shrinkage < 1) {
		bad("shrinkage", "must be in [0, 1), got %v", in.Shrinkage)
	}
	if in.Concurrency < 1 {
		bad("concurrency", "must be >= 1, got %d", in.Concurrency)
	}
	if in.Patience < 0 {
		bad("patience", "must be > 0 (or omitted for no abandonment), got %v", in.Patience)
	}
	return errors.Join(errs...)
}

// Traffic is the offered workload in Erlangs: volume × AHT / interval, the
// number of agents that would be busy all the time. It does not depend on
// concurrency.
func (in Input) Traffic() float64 {
	return in.Volume * in.AHT.Seconds() / in.Interval.Seconds()
}

// SlotTime is how long a contact holds one of an agent's Concurrency slots:
// AHT × Concurrency, since the agent's working time is shared by its
// conversations. It equals AHT for voice.
func (in Input) SlotTime() time.Duration {
	return in.AHT * time.Duration(in.Concurrency)
}

// Required returns the smallest number of agents that meets the service-level
// target without exceeding the occupancy cap, and the performance at that staffing.
func Required(in Input) (Result, error) {
	if err := in.Validate(); err != nil {
		return Result{}, fmt.Errorf("staffing: %w", err)
	}
	a := in.Traffic()
	if a == 0 {
		return Result{SlotTimeS: in.SlotTime().Seconds(), ProbAbandon: in.abandonPtr(0)}, nil
	}
	// Below this, the occupancy cap (or, without abandonment, stability) fails for sure.
	start := int(math.Ceil(a / in.MaxOccupancy))
	if in.Patience == 0 {
		start = max(start, int(math.Floor(a))+1)
	}
	start = max(start, 1)
	for n := start; n <= MaxAgents; n++ {
		r := in.evaluate(n, a)
		if r.ServiceLevel >= in.TargetLevel && r.Occupancy <= in.MaxOccupancy {
			return r, nil
		}
	}
	return Result{}, fmt.Errorf("%w: %.4g Erlangs need more agents than the cap of %d this calculation goes up to (split the volume, e.g. per queue)", ErrUnreachable, a, MaxAgents)
}

// Evaluate returns the performance of the interval staffed with the given
// number of agents (after shrinkage is accounted for separately). Without
// abandonment the agents must be able to carry the workload (agents > traffic).
func Evaluate(in Input, agents int) (Result, error) {
	if err := in.Validate(); err != nil {
		return Result{}, fmt.Errorf("staffing: %w", err)
	}
	if agents < 1 {
		return Result{}, fmt.Errorf("staffing: agents: must be >= 1, got %d", agents)
	}
	a := in.Traffic()
	if in.Patience == 0 && float64(agents) <= a {
		return Result{}, fmt.Errorf("staffing: %d agents cannot carry %.4g Erlangs without abandonment: the queue grows without bound", agents, a)
	}
	// With abandonment the queue settles where abandonments make up the
	// shortfall: about (slot load − slots)/θ contacts deep.
	c := float64(in.Concurrency)
	if theta := in.SlotTime().Seconds() / in.Patience.Seconds(); in.Patience > 0 && c*(a-float64(agents))/theta > maxQueueStates/2 {
		return Result{}, fmt.Errorf("staffing: %d agents leave a queue of about %.3g contacts at %.4g Erlangs; add agents", agents, c*(a-float64(agents))/theta, a)
	}
	return in.evaluate(agents, a), nil
}

// evaluate computes the performance of agents agents offered workload a
// (agent-Erlangs). The queue is one of agents·C slots, each contact holding
// a slot for the slot time, so the slot load is a·C Erlangs of slot time.
func (in Input) evaluate(agents int, a float64) Result {
	slots := agents * in.Concurrency
	hold := in.SlotTime().Seconds()
	sa := a * float64(in.Concurrency)   // load on the slots, in Erlangs of slot time
	t := in.TargetTime.Seconds() / hold // target time in units of the slot time
	r := Result{TrafficErlangs: a, SlotTimeS: hold, Agents: agents}
	if in.Patience == 0 {
		s := float64(slots)
		pw := ErlangC(slots, sa)
		r.ProbWait = pw
		r.ServiceLevel = 1 - pw*math.Exp(-(s-sa)*t)
		r.ASAS = pw * hold / (s - sa)
		r.Occupancy = sa / s
	} else {
		theta := hold / in.Patience.Seconds() // abandonment rate per slot time
		m := erlangA(slots, sa, theta, t)
		r.ProbWait = m.probWait
		r.ServiceLevel = m.serviceLevel
		r.ASAS = m.asa * hold
		r.Occupancy = sa * (1 - m.probAbandon) / float64(slots)
		r.ProbAbandon = in.abandonPtr(m.probAbandon)
	}
	r.AgentsWithShrinkage = int(math.Ceil(float64(agents)/(1-in.Shrinkage) - 1e-9))
	return r
}

func (in Input) abandonPtr(p float64) *float64 {
	if in.Patience == 0 {
		return nil
	}
	return &p
}

// ErlangB is the blocking probability of an M/M/n/n loss system offered a
// Erlangs, by the numerically stable recursion B(k) = a·B(k−1)/(k + a·B(k−1)).
func ErlangB(n int, a float64) float64 {
	b := 1.0
	for k := 1; k <= n; k++ {
		b = a * b / (float64(k) + a*b)
	}
	return b
}

// ErlangC is the probability that a contact waits in an M/M/n queue offered a
// Erlangs. It is 1 when n <= a (the queue is unstable and everyone waits).
func ErlangC(n int, a float64) float64 {
	if float64(n) <= a {
		return 1
	}
	b := ErlangB(n, a)
	return float64(n) * b / (float64(n) - a*(1-b))
}
