package client

import (
	"time"

	"rmqsim/sim"
)

// Lock is a java.util.concurrent.locks.ReentrantLock seen from
// callback-driven threads: TryLock waits up to a timeout for the holder to
// Unlock (lockNamesrv, 3000 ms, facts §3.2). Waiters are served in order.
// It is not reentrant; no model path takes it twice.
type Lock struct {
	p       *sim.Process
	held    bool
	waiters []*lockWaiter
}

type lockWaiter struct {
	cb    func(ok bool)
	timer *sim.Timer
	done  bool
}

// NewLock makes an unlocked lock owned by p (its timers die with p).
func NewLock(p *sim.Process) *Lock { return &Lock{p: p} }

// Held reports whether the lock is held.
func (l *Lock) Held() bool { return l.held }

// TryLock calls cb(true) once the lock is taken, or cb(false) after
// timeout. A negative timeout waits forever (Go's sync.Mutex); zero does
// not wait (tryLock()).
func (l *Lock) TryLock(timeout time.Duration, cb func(ok bool)) {
	if !l.held {
		l.held = true
		cb(true)
		return
	}
	if timeout == 0 {
		cb(false)
		return
	}
	w := &lockWaiter{cb: cb}
	if timeout > 0 {
		w.timer = l.p.After(timeout, "", func() {
			if !w.done {
				w.done = true
				cb(false)
			}
		})
	}
	l.waiters = append(l.waiters, w)
}

// Unlock releases the lock, handing it to the first waiter still waiting.
func (l *Lock) Unlock() {
	if !l.held {
		panic("client: unlock of an unlocked Lock")
	}
	for len(l.waiters) > 0 {
		w := l.waiters[0]
		l.waiters[0] = nil
		l.waiters = l.waiters[1:]
		if w.done {
			continue
		}
		w.done = true
		w.timer.Stop()
		w.cb(true)
		return
	}
	l.held = false
}
