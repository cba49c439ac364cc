package staffing

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// erlangAMetrics is the steady state of an M/M/s+M queue, times in units of the mean handle time.
type erlangAMetrics struct {
	probWait, probAbandon, serviceLevel, asa float64
}

// maxQueueStates bounds the chain beyond the servers. Only a queue that can
// hardly drain (traffic near the slots with near-endless patience) comes
// close; Evaluate refuses inputs that would need more.
const maxQueueStates = 1 << 22

// logTailCut is how far (in natural log) below the largest stationary term
// the chain is truncated: e^−42 ≈ 6e−19, far below float64 resolution of 1.
const logTailCut = 42

// erlangA solves the M/M/s+M birth–death chain exactly: arrival rate a, unit
// service rate per slot, abandonment rate theta per waiting contact, and
// answer-time target t (all in units of the mean handle time).
//
// State n is the number of contacts in the system. Birth rate a; death rate
// min(n, s) + max(n−s, 0)·theta. Stationary weights are built in log space so
// that hundreds of servers neither overflow a^n nor n!.
func erlangA(s int, a, theta, t float64) erlangAMetrics {
	la := math.Log(a)
	// logw[n] for n = 0..s is log(a^n/n!); beyond s each step multiplies by a/(s + k·theta).
	logw := make([]float64, s+1, s+64)
	for n := 0; n <= s; n++ {
		lg, _ := math.Lgamma(float64(n + 1))
		logw[n] = float64(n)*la - lg
	}
	peak := maxOf(logw)
	for k := 1; ; k++ {
		next := logw[len(logw)-1] + la - math.Log(float64(s)+float64(k)*theta)
		logw = append(logw, next)
		peak = math.Max(peak, next)
		// Once the death rate exceeds the arrival rate the terms only shrink.
		if (float64(s)+float64(k)*theta > a && next < peak-logTailCut) || k == maxQueueStates {
			break
		}
	}
	logZ := peak + math.Log(sumExp(logw, peak))
	pi := make([]float64, len(logw))
	for n, lw := range logw {
		pi[n] = math.Exp(lw - logZ)
	}

	// q[j] is the probability that an arrival finds all s slots busy and j
	// contacts ahead of it in the queue (arrivals see time averages: PASTA).
	q := pi[s:]
	var m erlangAMetrics
	var abandonRate float64
	for j, p := range q {
		m.probWait += p
		abandonRate += float64(j) * theta * p
	}
	m.probAbandon = abandonRate / a

	// A tagged contact with j ahead moves up at rate r_j = s + j·theta (a slot
	// frees or someone ahead abandons) and abandons itself at rate theta. Its
	// chance of being served is then prod r_k/(r_k+theta), and expected wait
	// before service accumulates the mean holding times along the way.
	var servedWait, servedAfterWait float64
	reach, waitSum := 1.0, 0.0 // P(served | j ahead) and E[W·1{served} | j ahead], built up over j
	for j, p := range q {
		r := float64(s) + float64(j)*theta
		stay := 1 / (r + theta)
		down := r * stay
		waitSum = down * (stay*reach + waitSum)
		reach *= down
		servedWait += p * waitSum
		servedAfterWait += p * reach
	}
	served := (1 - m.probWait) + servedAfterWait
	if served > 0 {
		m.asa = servedWait / served
	}
	m.serviceLevel = (1 - m.probWait) + answeredWithin(q, s, theta, t)
	return m
}

// answeredWithin is the probability that an arrival waits but is served
// within t, given the arrival-time queue distribution q. It uniformizes the
// tagged contact's progress through the queue: with Λ the largest total
// event rate, the number of events by time t is Poisson(Λt) and each event
// is a step of a discrete chain.
func answeredWithin(q []float64, s int, theta, t float64) float64 {
	if t <= 0 {
		return 0
	}
	k := len(q) - 1
	lambda := float64(s) + float64(k+1)*theta
	pois := distuv.Poisson{Lambda: lambda * t}
	v := append([]float64(nil), q...)
	next := make([]float64, len(v))
	var cum, total float64 // cum: P(served after the steps so far); total: the Poisson-weighted sum
	initial := sumOf(q)
	for step := 0; ; step++ {
		total += pois.Prob(float64(step)) * cum
		// Stop once nothing is left in the queue (the rest of the Poisson
		// weight sees the final value) or once more steps cannot happen by t.
		left := sumOf(v)
		if left <= 1e-15*initial {
			return total + cum*pois.Survival(float64(step))
		}
		if float64(step) > lambda*t && pois.Survival(float64(step)) < 1e-16 {
			return total
		}
		clear(next)
		for i, p := range v {
			if p == 0 {
				continue
			}
			r := float64(s) + float64(i)*theta
			if i == 0 {
				cum += p * r / lambda
			} else {
				next[i-1] += p * r / lambda
			}
			next[i] += p * (1 - (r+theta)/lambda)
		}
		v, next = next, v
	}
}

func maxOf(xs []float64) float64 {
	m := math.Inf(-1)
	for _, x := range xs {
		m = math.Max(m, x)
	}
	return m
}

// sumExp is Σ exp(x − shift), the scaled sum of a log-space vector.
func sumExp(xs []float64, shift float64) float64 {
	var s float64
	for _, x := range xs {
		s += math.Exp(x - shift)
	}
	return s
}

func sumOf(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s
}
