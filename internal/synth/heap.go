package synth

import "github.com/parley-cx/parley/internal/event"

// action is one scheduled step of the simulation.
type action struct {
	at    int64
	seq   uint64 // ties on at run in scheduling order, which keeps runs deterministic
	kind  kind
	n     int32  // a small argument whose meaning depends on kind
	epoch uint32 // for timers: the conversation's epoch when scheduled (see conv.epoch)
	c     *conv
	a     *agent
}

// actionQueue orders actions by (at, seq). The heap holds small,
// pointer-free keys into a slab of actions, so sifting does not pay the
// GC write barrier on every swap.
type actionQueue struct {
	keys minHeap[actionKey, *actionKey]
	slab []action
	free []int32
}

type actionKey struct {
	at  int64
	seq uint64
	idx int32
}

func (x *actionKey) before(y *actionKey) bool {
	return x.at < y.at || (x.at == y.at && x.seq < y.seq)
}

func (q *actionQueue) push(a action) {
	var idx int32
	if n := len(q.free); n > 0 {
		idx, q.free = q.free[n-1], q.free[:n-1]
		q.slab[idx] = a
	} else {
		idx = int32(len(q.slab))
		q.slab = append(q.slab, a)
	}
	q.keys.push(actionKey{a.at, a.seq, idx})
}

func (q *actionQueue) pop() action {
	k := q.keys.pop()
	a := q.slab[k.idx]
	q.slab[k.idx] = action{} // let finished conversations be collected
	q.free = append(q.free, k.idx)
	return a
}

func (q *actionQueue) len() int { return len(q.keys) }

// held is an event whose emission is delayed (a late delivery or a duplicate).
type held struct {
	at  int64 // release time
	seq uint64
	ev  *event.Event
}

func (x *held) before(y *held) bool {
	return x.at < y.at || (x.at == y.at && x.seq < y.seq)
}

// orderable is what minHeap needs from its elements.
type orderable[T any] interface {
	*T
	before(*T) bool
}

// minHeap is a binary min-heap, hand-written rather than container/heap so
// that pushes and pops do not box every element in an interface.
type minHeap[T any, P orderable[T]] []T

func (h *minHeap[T, P]) push(x T) {
	*h = append(*h, x)
	s := *h
	for i := len(s) - 1; i > 0; {
		p := (i - 1) / 2
		if !P(&s[i]).before(&s[p]) {
			break
		}
		s[i], s[p] = s[p], s[i]
		i = p
	}
}

func (h *minHeap[T, P]) pop() T {
	s := *h
	top := s[0]
	last := len(s) - 1
	s[0] = s[last]
	var zero T
	s[last] = zero // drop references so finished conversations can be collected
	s = s[:last]
	for i := 0; ; {
		m := 2*i + 1
		if m >= len(s) {
			break
		}
		if r := m + 1; r < len(s) && P(&s[r]).before(&s[m]) {
			m = r
		}
		if !P(&s[m]).before(&s[i]) {
			break
		}
		s[i], s[m] = s[m], s[i]
		i = m
	}
	*h = s
	return top
}

// peek is the smallest element; the heap must not be empty.
func (h minHeap[T, P]) peek() *T { return &h[0] }
