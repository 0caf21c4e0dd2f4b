package sim

import (
	"time"
)

// ProcState is a process's lifecycle state.
type ProcState int

const (
	// ProcRunning: alive.
	ProcRunning ProcState = iota
	// ProcStopping: its stop hook is running; it still works.
	ProcStopping
	// ProcKilled: killed or powered off.
	ProcKilled
	// ProcStopped: exited after a graceful stop.
	ProcStopped
)

func (s ProcState) String() string {
	return [...]string{"running", "stopping", "killed", "stopped"}[s]
}

// Process is one incarnation of a service. Everything it owns (timers,
// executors, connections, listeners) dies with it. A restart makes a new
// Process; methods on a dead one do nothing.
type Process struct {
	w      *World
	host   *Host
	svc    *service
	name   string
	id     string
	inc    int
	state  ProcState
	ends   []*End
	onStop func(done func())
	onExit []func()
}

// Name is "<host>/<service>".
func (p *Process) Name() string { return p.name }

// Incarnation counts starts of the service, from 1.
func (p *Process) Incarnation() int { return p.inc }

// Host is the process's host.
func (p *Process) Host() *Host { return p.host }

// World is the process's world.
func (p *Process) World() *World { return p.w }

// Now is the current virtual time.
func (p *Process) Now() Time { return p.w.now }

// State is the lifecycle state.
func (p *Process) State() ProcState { return p.state }

// Alive reports whether the process runs (including while stopping).
func (p *Process) Alive() bool {
	return (p.state == ProcRunning || p.state == ProcStopping) && p.host.up
}

// Rand is this incarnation's own random stream.
func (p *Process) Rand() *Rand { return p.w.Rand("proc/" + p.id) }

// Trace adds a model record line with this process as the subject.
func (p *Process) Trace(kind, text string) { p.w.Trace(kind, p.name, text) }

// OnStop sets the graceful-stop hook: it must call done when finished.
func (p *Process) OnStop(hook func(done func())) { p.onStop = hook }

// OnExit adds a function run when the process dies in any way (kill,
// power-off, stop); model code uses it to drop in-memory state.
func (p *Process) OnExit(fn func()) { p.onExit = append(p.onExit, fn) }

// Stop runs the stop hook, bounded by grace, then exits, closing every
// connection (peers see FIN).
func (p *Process) Stop(grace time.Duration) {
	if p.state != ProcRunning || !p.host.up {
		return
	}
	p.w.Trace("fault", p.name, "stop")
	p.state = ProcStopping
	exited := false
	exit := func() {
		if exited || p.state != ProcStopping || !p.host.up {
			return
		}
		exited = true
		p.die(ProcStopped, true)
	}
	p.w.At(p.w.now.Add(grace), exit)
	if p.onStop != nil {
		p.onStop(exit)
	} else {
		exit()
	}
}

// Exit ends the process from inside (a program returning from main): no
// stop hook runs; the OS closes its connections, so peers see FIN.
func (p *Process) Exit() {
	if !p.Alive() {
		return
	}
	p.die(ProcStopped, true)
}

// die ends the process. With closeConns the OS closes its sockets (FIN);
// without (power-off) they vanish silently.
func (p *Process) die(st ProcState, closeConns bool) {
	p.state = st
	if st == ProcStopped {
		p.w.Trace("proc", p.name, "exit")
	}
	ends := p.ends
	p.ends = nil
	for _, e := range ends {
		if closeConns {
			e.closeLocal(CloseLocal, false)
		} else {
			e.vanish()
		}
	}
	p.w.net.unlisten(p)
	for _, fn := range p.onExit {
		fn()
	}
}

// Timer is a one-shot timer owned by a process. It is its own event (a
// runner), so arming it allocates nothing beyond the Timer itself.
type Timer struct {
	p    *Process
	name string
	// h is what a firing runs: the After func, or the kernel object the
	// timer belongs to (a pending call's timeout), without a closure.
	h       runner
	once    bool
	stopped bool
	fired   bool
}

// Stop cancels the timer; it reports whether the timer had not fired yet.
func (t *Timer) Stop() bool {
	if t == nil || t.fired || t.stopped {
		return false
	}
	t.stopped = true
	return true
}

// After runs fn after d unless the timer is stopped or the process dies.
// name appears in the trace line of the firing ("" for no line).
func (p *Process) After(d time.Duration, name string, fn func()) *Timer {
	t := &Timer{p: p, name: name, h: funcRunner(fn), once: true}
	p.arm(t, d)
	return t
}

// arm schedules one firing of t. A one-shot timer is marked fired; a series
// (Every) reuses t for every firing, so stopping it cancels the next firing
// before it runs or writes its trace line.
func (p *Process) arm(t *Timer, d time.Duration) {
	if !p.Alive() {
		t.stopped = true
		return
	}
	p.w.scheduleRunner(p.w.now.Add(d), t)
}

// run is one firing of the timer.
func (t *Timer) run() {
	p := t.p
	if t.stopped || !p.Alive() {
		return
	}
	if t.once {
		t.fired = true
	}
	if t.name != "" {
		b := p.w.tr.begin(p.w.now, "timer", p.name)
		p.w.tr.end(append(append(b, ' '), t.name...))
	}
	t.h.run()
}

// Every runs fn at start+k·period for k ≥ 0 (fixed rate) while the process
// lives; it returns a Timer whose Stop ends the series.
func (p *Process) Every(initial, period time.Duration, name string, fn func()) *Timer {
	series := &Timer{p: p, name: name}
	next := p.w.now.Add(initial)
	series.h = funcRunner(func() {
		fn()
		next = next.Add(period)
		p.arm(series, next.Sub(p.w.now))
	})
	p.arm(series, initial)
	return series
}
