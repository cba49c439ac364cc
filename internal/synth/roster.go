package synth

import (
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/parley-cx/parley/internal/event"
)

// agent is a named person on the roster.
type agent struct {
	actor *event.Actor
	name  string // first name, as customers see it
	tier2 bool
	// queues the agent takes work from: the primary first, then the rest.
	// Night agents have no primary and take the longest-waiting chat.
	queues  []int8
	primary bool
	max     int // concurrent chats
	load    int
	onShift bool
	// habits are drawn on first use (sim.habitsOf).
	habits    habits
	hasHabits bool
}

// shift is a daily working window in local hours.
type shift struct {
	start, end float64
}

var (
	// Early and late cover the day, day and mid shifts add hands over the peaks.
	tier1Shifts = []shift{{7, 15}, {9, 17}, {11, 19}, {15, 24}}
	nightShift  = shift{0, 7}
	tier2Shifts = []shift{{9, 17}, {12, 20}}
)

// Staffing model. The planner knows how many slot-hours a human contact
// occupies on average and how many chats an agent holds, and sizes each
// hour with the square-root safety rule (slots = load + beta·√load, the
// usual approximation of Erlang C). It then smooths the day, because a
// shift cannot follow every bump: the daily peaks run short and queues
// build there, the shoulders are comfortable.
const (
	slotHoursTier1 = 0.18 // measured from the simulation's own assignments
	slotHoursTier2 = 0.30
	shareOfThree   = 0.6 // tier-1 agents holding 3 chats; the rest hold 2
	safetyBeta     = 0.5
	peakFollow     = 0.3 // 1 would staff every hour for its own load
)

var meanCapTier1 = shareOfThree*3 + (1-shareOfThree)*2

// group is a set of interchangeable agents working one shift for one queue
// (or, at night, for every tier-1 queue).
type group struct {
	queue  int8 // -1: night, all tier-1 queues
	shift  shift
	pool   []*agent
	cursor int // rotation: who works next, so days off are spread fairly
}

// roster holds every agent, in shift groups, and decides who works which day.
type roster struct {
	staffing float64
	perDay   float64
	human    [numQueues]float64 // expected share of arrivals reaching each queue
	groups   []*group
}

func newRoster(cfg Config, rng *rand.Rand) *roster {
	r := &roster{staffing: cfg.Staffing, perDay: cfg.PerDay}
	if r.staffing == 0 {
		r.staffing = 1
	}
	r.human = humanShares()
	for q := range int8(numTier1) {
		for _, sh := range tier1Shifts {
			r.groups = append(r.groups, &group{queue: q, shift: sh})
		}
	}
	r.groups = append(r.groups, &group{queue: -1, shift: nightShift})
	for _, q := range []int8{qBillingT2, qTechT2} {
		for _, sh := range tier2Shifts {
			r.groups = append(r.groups, &group{queue: q, shift: sh})
		}
	}
	// Size each pool for the busiest week of the horizon: enough people
	// that everyone gets two days off.
	last := cfg.Days - 1
	peak := make([]int, len(r.groups))
	weekTotal := make([]int, len(r.groups))
	for wd := range time.Weekday(7) {
		need := r.need(wd, last)
		for g := range r.groups {
			peak[g] = max(peak[g], need[g])
			weekTotal[g] += need[g]
		}
	}
	names := newNamer(rng)
	for g, grp := range r.groups {
		n := max(peak[g], (weekTotal[g]+4)/5)
		for range n {
			a := &agent{max: 2}
			id, first := names.next()
			a.actor = &event.Actor{Role: event.RoleAgent, ID: id}
			a.name = first
			switch {
			case grp.queue < 0:
				a.queues = []int8{qOrders, qBilling, qAccounts, qTech}
			case grp.queue >= numTier1:
				a.tier2, a.primary = true, true
				a.queues = []int8{grp.queue}
			default:
				a.primary = true
				a.queues = []int8{grp.queue, secondary[grp.queue]}
			}
			if !a.tier2 && rng.Float64() < shareOfThree {
				a.max = 3
			}
			grp.pool = append(grp.pool, a)
		}
	}
	return r
}

// humanShares is the expected share of arrivals that reach each queue's
// agents: everyone on a channel without a bot, the bot's hand-offs, and the
// tier-1 → tier-2 escalations.
func humanShares() [numQueues]float64 {
	var botShare float64
	for _, ch := range channels {
		botShare += ch.share * ch.bot
	}
	var out [numQueues]float64
	for _, in := range intents {
		h := in.share * (botShare*(1-in.botContain-in.botAbandon) + (1 - botShare))
		out[in.queue] += h
		out[tier2Of[in.queue]] += h * in.escalate
	}
	return out
}

// need is the headcount of every group on a day with weekday wd, d days
// into the horizon: the planner's answer to the expected (not the actual)
// volume of that day.
func (r *roster) need(wd time.Weekday, d int) []int {
	level := dayLevel(r.perDay, d, wd)
	curve := curveFor(wd)
	out := make([]int, len(r.groups))
	// Tier 1 is planned as one pool (agents help their sister queue, so
	// capacity is shared), then each shift's headcount is split between
	// the queues by their share of the work.
	var load, req [24]float64
	var tier1 float64
	for q := range int8(numTier1) {
		tier1 += r.human[q]
	}
	for h := range 24 {
		load[h] = level / 24 * curve[h] * tier1 * slotHoursTier1 // busy slots
		req[h] = (load[h] + safetyBeta*math.Sqrt(load[h])) / meanCapTier1
	}
	for s, n := range r.cover(req) {
		split := apportion(n, r.human[:numTier1])
		for q, k := range split {
			out[q*len(tier1Shifts)+s] = k
		}
	}
	g := numTier1 * len(tier1Shifts)
	night := load
	// One small team covers every queue at night, so it gets a wider margin.
	peakNight := 0.0
	for h := int(nightShift.start); h < int(nightShift.end); h++ {
		peakNight = max(peakNight, night[h])
	}
	out[g] = max(1, int(math.Ceil(r.staffing*(peakNight+2*math.Sqrt(peakNight)+2)/meanCapTier1)))
	g++
	for _, q := range []int8{qBillingT2, qTechT2} {
		agentHours := level * r.human[q] * slotHoursTier2 / 2
		perShift := max(1, int(math.Ceil(r.staffing*agentHours/(8*float64(len(tier2Shifts))))))
		for range tier2Shifts {
			out[g] = perShift
			g++
		}
	}
	return out
}

// cover picks tier-1 shift headcounts for one queue so that every hour from
// the early shift's start to midnight has at least its target (and at least
// one agent): a greedy that fills the hour short of most staff with the
// shift that helps most across its own hours. The targets follow the load
// only partly (peakFollow), so the peaks run short.
func (r *roster) cover(req [24]float64) []int {
	from, to := int(tier1Shifts[0].start), 24
	var mean float64
	for h := from; h < to; h++ {
		mean += req[h]
	}
	mean /= float64(to - from)
	var target, cov [24]float64
	for h := from; h < to; h++ {
		target[h] = max(1, r.staffing*min(req[h], mean+peakFollow*(req[h]-mean)))
	}
	counts := make([]int, len(tier1Shifts))
	deficit := func(h int) float64 { return max(0, target[h]-cov[h]) }
	for {
		worst, hw := 0.0, -1
		for h := from; h < to; h++ {
			if d := deficit(h); d > worst {
				worst, hw = d, h
			}
		}
		if hw < 0 {
			return counts
		}
		best, sb := -1.0, 0
		for s, sh := range tier1Shifts {
			if float64(hw) < sh.start || float64(hw) >= sh.end {
				continue
			}
			var help float64
			for h := int(sh.start); h < int(sh.end); h++ {
				help += min(1, deficit(h))
			}
			if help > best {
				best, sb = help, s
			}
		}
		counts[sb]++
		for h := int(tier1Shifts[sb].start); h < int(tier1Shifts[sb].end); h++ {
			cov[h]++
		}
	}
}

// apportion splits n agents between queues in proportion to their work
// (largest remainder), giving every queue one first when there are enough.
func apportion(n int, work []float64) []int {
	out := make([]int, len(work))
	if n >= len(work) {
		for i := range out {
			out[i] = 1
		}
		n -= len(work)
	}
	var total float64
	for _, w := range work {
		total += w
	}
	rem := make([]float64, len(work))
	given := 0
	for i, w := range work {
		q := float64(n) * w / total
		out[i] += int(q)
		given += int(q)
		rem[i] = q - math.Floor(q)
	}
	for ; given < n; given++ {
		best := 0
		for i := range rem {
			if rem[i] > rem[best] {
				best = i
			}
		}
		out[best]++
		rem[best] = -1
	}
	return out
}

// namer hands out unique agent ids like "maria.garcia" and first names.
type namer struct {
	rng  *rand.Rand
	used map[string]bool
}

func newNamer(rng *rand.Rand) *namer { return &namer{rng: rng, used: map[string]bool{}} }

func (n *namer) next() (id, first string) {
	for i := 0; ; i++ {
		f := agentFirst[n.rng.IntN(len(agentFirst))]
		l := agentLast[n.rng.IntN(len(agentLast))]
		id = strings.ToLower(f + "." + l)
		if i > 20 {
			id += "." + string(rune('a'+n.rng.IntN(26))) + string(rune('a'+n.rng.IntN(26)))
		}
		if !n.used[id] {
			n.used[id] = true
			return id, f
		}
	}
}
