package sim

// event is one entry of the event queue. r runs when the event fires.
type event struct {
	at  Time
	seq uint64
	r   runner
}

// runner is what an event runs. A plain func is wrapped as a funcRunner,
// which costs nothing (a func value is one pointer, stored in the
// interface as it is); kernel objects that fire themselves (a Timer) are
// their own runner, so scheduling one allocates no closure.
type runner interface{ run() }

// funcRunner runs a func as an event.
type funcRunner func()

func (f funcRunner) run() { f() }

// eventQueue is a 4-ary min-heap ordered by (at, seq). It is typed (no
// container/heap interface calls) because it is the kernel's hot path; a
// 4-ary heap is half as deep as a binary one, and both sifts move a hole
// and write the moving event once, so an event is copied fewer times.
// (at, seq) is unique, so the pop order does not depend on the heap's
// shape.
type eventQueue struct{ h []event }

// arity is the heap's fan-out.
const arity = 4

func (q *eventQueue) Len() int { return len(q.h) }

func less(a, b *event) bool {
	if a.at != b.at {
		return a.at < b.at
	}
	return a.seq < b.seq
}

func (q *eventQueue) push(e event) {
	q.h = append(q.h, e)
	h := q.h
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / arity
		if !less(&e, &h[p]) {
			break
		}
		h[i] = h[p]
		i = p
	}
	h[i] = e
}

func (q *eventQueue) pop() event {
	h := q.h
	top := h[0]
	n := len(h) - 1
	last := h[n]
	h[n] = event{}
	h = h[:n]
	q.h = h
	if n == 0 {
		return top
	}
	i := 0
	for {
		c := arity*i + 1
		if c >= n {
			break
		}
		m := c
		for j := c + 1; j < c+arity && j < n; j++ {
			if less(&h[j], &h[m]) {
				m = j
			}
		}
		if !less(&h[m], &last) {
			break
		}
		h[i] = h[m]
		i = m
	}
	h[i] = last
	return top
}

func (q *eventQueue) peek() *event { return &q.h[0] }
