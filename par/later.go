package par

// Later is a computation started on a goroutine of its own whose result
// the caller takes, once, with Wait. It is how the deterministic core
// (sim's trace hash, model's history recorder) hands work behind the
// run when a core is spare: the work reads only what it was given, the
// caller touches none of that until Wait returns, and so what it
// computes is the same whenever, and on whichever core, it runs. The
// core itself starts no goroutine (internal/arch); this is the one door.
type Later[T any] struct {
	done chan outcome[T]
}

type outcome[T any] struct {
	v        T
	panicked bool
	p        any
}

// Start begins f on another goroutine. The goroutine ends with f: a
// Later never waited for leaves nothing running once f returns.
func Start[T any](f func() T) *Later[T] {
	l := &Later[T]{done: make(chan outcome[T], 1)}
	go func() {
		var o outcome[T]
		o.panicked, o.p = call(func() { o.v = f() })
		l.done <- o
	}()
	return l
}

// Wait returns f's result once f has returned. If f panicked, Wait
// panics on the caller's goroutine with the same value, as a call of f
// there would have. Wait is called at most once.
func (l *Later[T]) Wait() T {
	o := <-l.done
	if o.panicked {
		panic(o.p)
	}
	return o.v
}
