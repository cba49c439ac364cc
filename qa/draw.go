package qa

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
)

// ReasonAll marks the conversations of an agent who had no more than the
// per-agent quota: all of them are in the sample, so none was drawn.
const ReasonAll = "all_available"

// ReasonCalibration marks the conversations drawn for calibration
// (Config.Calibration): every reviewer scores them.
const ReasonCalibration = "calibration"

// strataSet is a set of strata, one bit per entry of AllStrata.
type strataSet uint16

func (s strataSet) with(stratum string) strataSet {
	return s | 1<<slices.Index(AllStrata, stratum)
}

func (s strataSet) has(stratum string) bool {
	return s&(1<<slices.Index(AllStrata, stratum)) != 0
}

// names lists the strata in s in AllStrata order.
func (s strataSet) names() []string {
	var out []string
	for _, name := range AllStrata {
		if s.has(name) {
			out = append(out, name)
		}
	}
	return out
}

// rules are the sampling options that shape the draw.
type rules struct {
	size, perAgent int
	randomShare    float64
	strata         []string
	seed           uint64
	// reviewers share the sample (Config.Reviewers); calibration more
	// conversations are scored by all of them.
	reviewers   []string
	calibration int
}

// Pick is one sampled conversation and why it was chosen.
type Pick struct {
	ConversationID string
	// Agent is the attributed agent, "" for a conversation no human answered.
	Agent string
	// Reason is the stratum it was drawn from, ReasonRandom or ReasonAll.
	Reason string
	// Strata lists every stratum the conversation belongs to.
	Strata []string
	// Short is set on every pick of an agent who had fewer conversations than the quota.
	Short *Shortfall
	// Reviewer is the reviewer assigned to score it ("" without
	// Config.Reviewers, and for calibration conversations).
	Reviewer string
	// Calibration marks a conversation every reviewer scores.
	Calibration bool
}

// draw chooses the sample from cands (sorted by id). Conversations in seen
// are skipped. Each quota is split into a random share and a targeted
// share; the targeted share rotates through the strata in order, one pick
// at a time, and whatever the strata cannot supply is drawn at random.
//
// Every agent's quota is drawn from its own random stream, derived from the
// seed and the agent's id, so adding an agent or a conversation of another
// agent does not change anyone else's sample.
func draw(cands []candidate, seen map[string]bool, r rules) (picks []Pick, short []Shortfall, skipped int) {
	eligible := make([]int, 0, len(cands))
	for i, c := range cands {
		if seen[c.id] {
			skipped++
			continue
		}
		eligible = append(eligible, i)
	}
	if r.perAgent == 0 {
		picks = drawQuota(cands, eligible, r.size, r, stream(r.seed, ""))
		return sortPicks(picks), nil, skipped
	}
	byAgent := map[string][]int{}
	var agents []string
	for _, i := range eligible {
		a := cands[i].agent
		if a == "" {
			continue // no human agent to hold to a quota
		}
		if _, ok := byAgent[a]; !ok {
			agents = append(agents, a)
		}
		byAgent[a] = append(byAgent[a], i)
	}
	slices.Sort(agents)
	for _, a := range agents {
		pool := byAgent[a]
		got := drawQuota(cands, pool, r.perAgent, r, stream(r.seed, a))
		if len(pool) < r.perAgent {
			sf := Shortfall{Agent: a, Wanted: r.perAgent, Had: len(pool)}
			short = append(short, sf)
			for i := range got {
				got[i].Short = &sf
			}
		}
		picks = append(picks, got...)
	}
	return sortPicks(picks), short, skipped
}

// drawQuota picks quota conversations from pool (indices into cands). A pool
// no larger than the quota is taken whole.
func drawQuota(cands []candidate, pool []int, quota int, r rules, rng *rand.Rand) []Pick {
	pick := func(i int, reason string) Pick {
		c := cands[i]
		return Pick{ConversationID: c.id, Agent: c.agent, Reason: reason, Strata: c.strataOf(r.strata)}
	}
	var out []Pick
	if len(pool) <= quota {
		for _, i := range pool {
			out = append(out, pick(i, ReasonAll))
		}
		return out
	}
	nRandom := int(math.Round(float64(quota) * r.randomShare))
	if len(r.strata) == 0 {
		nRandom = quota
	}
	nTarget := quota - nRandom
	taken := map[int]bool{}

	pickers := make([]*picker, len(r.strata))
	for k, s := range r.strata {
		pickers[k] = &picker{}
		for _, i := range pool {
			if cands[i].in(s) {
				pickers[k].idx = append(pickers[k].idx, i)
			}
		}
	}
	for nTarget > 0 {
		progress := false
		for k, s := range r.strata {
			if nTarget == 0 {
				break
			}
			i, ok := pickers[k].next(rng, taken)
			if !ok {
				continue
			}
			taken[i] = true
			out = append(out, pick(i, s))
			nTarget--
			progress = true
		}
		if !progress {
			break // every stratum is dry
		}
	}
	all := &picker{idx: slices.Clone(pool)}
	for n := nRandom + nTarget; n > 0; n-- {
		i, ok := all.next(rng, taken)
		if !ok {
			break
		}
		taken[i] = true
		out = append(out, pick(i, ReasonRandom))
	}
	return out
}

// picker draws without replacement from idx, uniformly, by running a
// Fisher–Yates shuffle one step per draw, and skips what is already taken.
type picker struct {
	idx []int
	n   int // idx[:n] has been drawn
}

func (p *picker) next(rng *rand.Rand, taken map[int]bool) (int, bool) {
	for p.n < len(p.idx) {
		j := p.n + rng.IntN(len(p.idx)-p.n)
		p.idx[p.n], p.idx[j] = p.idx[j], p.idx[p.n]
		v := p.idx[p.n]
		p.n++
		if !taken[v] {
			return v, true
		}
	}
	return 0, false
}

// stream is the random source for one quota: the seed, and the agent's id
// hashed into the PCG stream selector.
func stream(seed uint64, agent string) *rand.Rand {
	return streamOf(seed, "parley-qa\x00"+agent)
}

// streamOf is the random source named key: the seed, and key hashed into
// the PCG stream selector.
func streamOf(seed uint64, key string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(key))
	return rand.New(rand.NewPCG(seed, h.Sum64()))
}

// drawCalibration picks n conversations for every reviewer to score,
// uniformly at random from its own stream (so it changes no other pick):
// complete conversations that a human agent who is not a reviewer
// answered, not sampled already nor in the ledger. They come in id order.
func drawCalibration(cands []candidate, seen map[string]bool, picked []Pick, r rules) []Pick {
	if r.calibration == 0 {
		return nil
	}
	taken := map[string]bool{}
	for _, p := range picked {
		taken[p.ConversationID] = true
	}
	var pool []int
	for i, c := range cands {
		if c.complete && c.agent != "" && !slices.Contains(r.reviewers, c.agent) && !seen[c.id] && !taken[c.id] {
			pool = append(pool, i)
		}
	}
	all := &picker{idx: pool}
	rng := streamOf(r.seed, "parley-qa-calibration")
	var out []Pick
	for range r.calibration {
		i, ok := all.next(rng, nil)
		if !ok {
			break
		}
		c := cands[i]
		out = append(out, Pick{ConversationID: c.id, Agent: c.agent, Reason: ReasonCalibration, Strata: c.strataOf(r.strata), Calibration: true})
	}
	slices.SortFunc(out, func(a, b Pick) int { return cmp.Compare(a.ConversationID, b.ConversationID) })
	return out
}

// assignReviewers gives each pick that is not for calibration one
// reviewer, never the conversation's own agent: the one with the fewest
// conversations so far, the first in reviewers' order on a tie, in packet
// order, so every reviewer gets as many as the agents' exclusions allow.
func assignReviewers(picks []Pick, reviewers []string) error {
	if len(reviewers) == 0 {
		return nil
	}
	load := make([]int, len(reviewers))
	for i := range picks {
		p := &picks[i]
		if p.Calibration {
			continue
		}
		best := -1
		for j, r := range reviewers {
			if r != p.Agent && (best < 0 || load[j] < load[best]) {
				best = j
			}
		}
		if best < 0 {
			return fmt.Errorf("qa: conversation %q is agent %s's, who is the only reviewer: add another reviewer", p.ConversationID, p.Agent)
		}
		p.Reviewer = reviewers[best]
		load[best]++
	}
	return nil
}

// sortPicks puts the sample in packet order: by agent (conversations with no
// human agent last), then by conversation id.
func sortPicks(p []Pick) []Pick {
	slices.SortFunc(p, func(a, b Pick) int {
		if (a.Agent == "") != (b.Agent == "") {
			if a.Agent == "" {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(a.Agent, b.Agent), cmp.Compare(a.ConversationID, b.ConversationID))
	})
	return p
}
