package sim

import (
	"fmt"
	"io"
	"time"
)

// Outcome says why a run ended.
type Outcome int

const (
	// Running: the run has not ended yet.
	Running Outcome = iota
	// Done: the event queue emptied before the horizon.
	Done
	// Horizon: virtual time reached the horizon.
	Horizon
	// Budget: the event budget was exhausted.
	Budget
)

func (o Outcome) String() string {
	switch o {
	case Running:
		return "running"
	case Done:
		return "done"
	case Horizon:
		return "horizon"
	case Budget:
		return "budget-exhausted"
	}
	return fmt.Sprintf("outcome(%d)", int(o))
}

// Config bounds and seeds a World.
type Config struct {
	// Seed is the root of every random stream.
	Seed uint64
	// Horizon is the virtual time at which Run stops (0: DefaultHorizon).
	Horizon time.Duration
	// Budget is the number of events Run may execute (0: DefaultBudget).
	Budget int64
	// SpareCore says a core is left idle while this world runs (a single
	// run, not one of a sweep's workers): the trace is then hashed on
	// other goroutines, a chunk at a time, while the world goes on. Only
	// where the hash is computed changes, never the hash. Off, each line
	// is hashed as it ends, which is cheaper when every core is busy: a
	// sweep with two workers on two cores measured 3-5 % slower with it on.
	SpareCore bool
}

// Defaults for Config's zero fields.
const (
	DefaultHorizon = time.Hour
	DefaultBudget  = 50_000_000
)

// World is one simulation run: the clock, the event queue, random streams,
// hosts, the network and the trace. It is single-threaded by design.
type World struct {
	cfg     Config
	now     Time
	seq     uint64
	q       eventQueue
	events  int64
	outcome Outcome
	horizon Time

	streams map[string]*Rand
	hosts   map[string]*Host
	order   []*Host
	net     *Network
	tr      tracer
}

// NewWorld makes an empty world.
func NewWorld(cfg Config) *World {
	if cfg.Horizon <= 0 {
		cfg.Horizon = DefaultHorizon
	}
	if cfg.Budget <= 0 {
		cfg.Budget = DefaultBudget
	}
	w := &World{cfg: cfg, horizon: Time(cfg.Horizon), streams: map[string]*Rand{}, hosts: map[string]*Host{}}
	w.tr.reset()
	if w.tr.behind = cfg.SpareCore; w.tr.behind {
		w.tr.chunk = make([]byte, 0, chunkSize+chunkSize/4)
	}
	w.net = newNetwork(w)
	return w
}

// Now is the current virtual time.
func (w *World) Now() Time { return w.now }

// Seed is the root seed.
func (w *World) Seed() uint64 { return w.cfg.Seed }

// Events is the number of events executed so far.
func (w *World) Events() int64 { return w.events }

// Pending is the number of events in the queue.
func (w *World) Pending() int { return w.q.Len() }

// Outcome is why the run ended (Running while it has not).
func (w *World) Outcome() Outcome { return w.outcome }

// Net is the world's network.
func (w *World) Net() *Network { return w.net }

// Horizon is the virtual time at which the run stops.
func (w *World) Horizon() Time { return w.horizon }

// At schedules fn at virtual time t (not before now). It is for the world's
// own actors (a fault timeline, a test script); process code uses
// Process.After, whose timers die with the process.
func (w *World) At(t Time, fn func()) { w.schedule(t, fn) }

// schedule queues fn at t, clamped to now: every event goes through here,
// so no caller (a negative delay or timeout) can move the clock backwards.
func (w *World) schedule(t Time, fn func()) { w.scheduleRunner(t, funcRunner(fn)) }

// scheduleRunner is schedule for a runner: both draw one seq per event.
func (w *World) scheduleRunner(t Time, r runner) {
	if t < w.now {
		t = w.now
	}
	w.seq++
	w.q.push(event{at: t, seq: w.seq, r: r})
}

// Step executes the next event. It returns false, setting Outcome, when the
// run has ended (queue empty, horizon or budget).
func (w *World) Step() bool {
	if w.outcome != Running {
		return false
	}
	if w.q.Len() == 0 {
		w.outcome = Done
		return false
	}
	if w.q.peek().at > w.horizon {
		w.now = w.horizon
		w.outcome = Horizon
		return false
	}
	if w.events >= w.cfg.Budget {
		w.outcome = Budget
		return false
	}
	e := w.q.pop()
	w.now = e.at
	w.events++
	e.r.run()
	return true
}

// Run executes events until the run ends and returns why.
func (w *World) Run() Outcome {
	for w.Step() {
	}
	return w.outcome
}

// RunUntil executes every event scheduled at or before t (bounded by the
// horizon and budget) and leaves the clock at t. It returns Running if the
// run can go on.
func (w *World) RunUntil(t Time) Outcome {
	if t > w.horizon {
		t = w.horizon
	}
	for w.outcome == Running && w.q.Len() > 0 && w.q.peek().at <= t {
		w.Step()
	}
	if w.outcome == Running && w.now < t {
		w.now = t
	}
	if w.outcome == Running && t == w.horizon && (w.q.Len() == 0 || w.q.peek().at > t) {
		w.outcome = Horizon
	}
	return w.outcome
}

// SpareCore is Config.SpareCore: whether work that can may go to other
// goroutines while this world runs (the model's recorder asks).
func (w *World) SpareCore() bool { return w.cfg.SpareCore }

// Hosts returns the hosts in the order they were added.
func (w *World) Hosts() []*Host { return w.order }

// Host returns the named host, or nil.
func (w *World) Host(name string) *Host { return w.hosts[name] }

// SetTraceWriter makes the world write every trace line to out (nil: off).
func (w *World) SetTraceWriter(out io.Writer) { w.tr.out = out }

// TraceHash is the running FNV-1a 64 hash over every trace line so far,
// each line terminated by '\n'. It equals the hash of the written trace.
func (w *World) TraceHash() uint64 { return w.tr.sum() }

// TraceLines is the number of trace lines so far.
func (w *World) TraceLines() int64 { return w.tr.lines }

// Trace adds a line "<time> <kind> <subject> <text>" for a record the model
// or the scenario adds (a history record, a step marker).
func (w *World) Trace(kind, subject, text string) { traceLine(w, kind, subject, text) }

// TraceBytes is Trace for a text the caller built in its own reused
// buffer: the bytes are appended to the line, not copied into a string.
func (w *World) TraceBytes(kind, subject string, text []byte) { traceLine(w, kind, subject, text) }

func traceLine[T string | []byte](w *World, kind, subject string, text T) {
	b := w.tr.begin(w.now, kind, subject)
	if len(text) > 0 {
		b = append(b, ' ')
		b = append(b, text...)
	}
	w.tr.end(b)
}

// Tracef is Trace with formatting; use it off the hot path.
func (w *World) Tracef(kind, subject, format string, args ...any) {
	w.Trace(kind, subject, fmt.Sprintf(format, args...))
}
