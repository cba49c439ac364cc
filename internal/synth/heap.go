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

func (x *action) before(y *action) bool {
	return x.at < y.at || (x.at == y.at && x.seq < y.seq)
}

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
