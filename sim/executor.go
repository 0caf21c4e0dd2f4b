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
		finished := false
		j.task(func() {
			if finished || !e.p.Alive() {
				return
			}
			finished = true
			e.busy--
			e.drain()
		})
	}
	e.draining = false
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
