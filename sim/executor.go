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
	next := p.w.now.Add(initial)
	var arm func()
	arm = func() {
		d := next.Sub(p.w.now)
		if d < 0 {
			d = 0
		}
		p.After(d, label, func() {
			e.Submit(label, func(done func()) {
				finished := false
				task(func() {
					if finished {
						return // done is once; a second call must not re-arm
					}
					finished = true
					done()
					if fixedRate {
						next = next.Add(period)
					} else {
						next = p.w.now.Add(period)
					}
					arm()
				})
			})
		})
	}
	arm()
}
