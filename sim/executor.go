package sim

import "time"

// Executor is a pool of n threads owned by a process (n = 1: a serial
// executor). A task holds a thread until it calls done, so a task that waits
// for a reply or a timeout makes the tasks queued behind it wait: RocketMQ
// clients run all their periodic work on one such thread.
type Executor struct {
	p        *Process
	name     string
	threads  int
	busy     int
	q        []job
	head     int
	draining bool
	// running holds the serial of each task that holds a thread (at most
	// threads of them): a task's done finds and removes its serial, so
	// done is one closure over values, not a closure and a heap flag.
	running []uint64
	serial  uint64
}

type job struct {
	label string
	task  func(done func())
}

// Executor makes a named pool of n threads (n ≥ 1) on the process.
func (p *Process) Executor(name string, n int) *Executor {
	if n < 1 {
		n = 1
	}
	return &Executor{p: p, name: name, threads: n}
}

// Name is the executor's name.
func (e *Executor) Name() string { return e.name }

// Queued is the number of tasks waiting for a thread.
func (e *Executor) Queued() int { return len(e.q) - e.head }

// Busy is the number of threads running a task.
func (e *Executor) Busy() int { return e.busy }

// Submit queues a task. The task must call done exactly once (later calls
// are ignored); until then it holds a thread.
func (e *Executor) Submit(label string, task func(done func())) {
	if !e.p.Alive() {
		return
	}
	if len(e.q) == cap(e.q) && e.head > 0 {
		// Full, with started jobs at the front: a queue that never
		// empties reuses that room instead of growing.
		k := copy(e.q, e.q[e.head:])
		clear(e.q[k:])
		e.q, e.head = e.q[:k], 0
	}
	e.q = append(e.q, job{label: label, task: task})
	e.drain()
}

func (e *Executor) drain() {
	if e.draining {
		return
	}
	e.draining = true
	for e.busy < e.threads && e.head < len(e.q) && e.p.Alive() {
		j := e.q[e.head]
		e.q[e.head] = job{}
		e.head++
		if e.head == len(e.q) {
			e.q, e.head = e.q[:0], 0
		}
		e.busy++
		e.serial++
		serial := e.serial
		e.running = append(e.running, serial)
		j.task(func() { e.finish(serial) })
	}
	e.draining = false
}

// finish is a task's done: the first call on a living process frees the
// thread and runs the queue; later calls are ignored.
func (e *Executor) finish(serial uint64) {
	if !e.p.Alive() {
		return
	}
	i := 0
	for i < len(e.running) && e.running[i] != serial {
		i++
	}
	if i == len(e.running) {
		return // done already called
	}
	e.running = append(e.running[:i], e.running[i+1:]...)
	e.busy--
	e.drain()
}

// ScheduleAtFixedRate runs task first after initial, then with period
// between scheduled starts, like Java's scheduleAtFixedRate: the next run is
// scheduled when a run completes, and a late one runs at once; runs of one
// task never overlap.
func (e *Executor) ScheduleAtFixedRate(label string, initial, period time.Duration, task func(done func())) {
	e.schedule(label, initial, period, true, task)
}

// ScheduleWithFixedDelay runs task first after initial, then delay after
// each run completes.
func (e *Executor) ScheduleWithFixedDelay(label string, initial, delay time.Duration, task func(done func())) {
	e.schedule(label, initial, delay, false, task)
}

func (e *Executor) schedule(label string, initial, period time.Duration, fixedRate bool, task func(done func())) {
	p := e.p
	t := &periodic{e: e, label: label, period: period, fixedRate: fixedRate, task: task, next: p.w.now.Add(initial)}
	t.timer = Timer{p: p, name: label, h: t} // re-armed, like Every's series
	t.startFn = t.start
	t.arm()
}

// periodic is one ScheduleAtFixedRate or ScheduleWithFixedDelay task. Its
// state is one object that reuses one timer (named by the label, as an
// After would be) and one Submit task for every run, so a run allocates
// only the done it hands the task. Runs are sequential: the next is armed
// when a run calls done.
type periodic struct {
	e         *Executor
	label     string
	period    time.Duration
	fixedRate bool
	task      func(done func())
	next      Time
	timer     Timer
	startFn   func(done func()) // t.start, made once
	runs      uint64            // runs started
	finished  uint64            // runs whose done was called
}

// arm sets the timer for the next run (at once if it is late).
func (t *periodic) arm() {
	p := t.e.p
	d := t.next.Sub(p.w.now)
	if d < 0 {
		d = 0
	}
	p.arm(&t.timer, d)
}

// run is the timer's firing: the task is queued on the executor.
func (t *periodic) run() { t.e.Submit(t.label, t.startFn) }

// start runs the task on a thread.
func (t *periodic) start(done func()) {
	t.runs++
	run := t.runs
	t.task(func() { t.finish(run, done) })
}

// finish is a run's done: the first call frees the thread and arms the
// next run; later calls are ignored (done is once, a second must not
// re-arm).
func (t *periodic) finish(run uint64, done func()) {
	if run <= t.finished {
		return
	}
	t.finished = run
	done()
	if t.fixedRate {
		t.next = t.next.Add(t.period)
	} else {
		t.next = t.e.p.w.now.Add(t.period)
	}
	t.arm()
}
