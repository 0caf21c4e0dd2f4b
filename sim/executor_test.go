package sim

import (
	"slices"
	"testing"
	"time"
)

// execFixture is a process with a log of task starts, in virtual seconds.
type execFixture struct {
	w      *World
	p      *Process
	starts []float64
	live   int // tasks running now
	peak   int // most tasks running at once
}

func newExecFixture() *execFixture {
	w := NewWorld(Config{Seed: 1})
	h := w.AddHost("h")
	h.AddService("svc", func(*Process) {})
	return &execFixture{w: w, p: h.Start("svc")}
}

// task returns a task that runs for d of virtual time.
func (f *execFixture) task(d time.Duration) func(done func()) {
	return func(done func()) {
		f.starts = append(f.starts, f.p.Now().Duration().Seconds())
		f.live++
		f.peak = max(f.peak, f.live)
		f.p.After(d, "", func() { f.live--; done() })
	}
}

func (f *execFixture) want(t *testing.T, starts ...float64) {
	t.Helper()
	if !slices.Equal(f.starts, starts) {
		t.Fatalf("task starts %v s, want %v s", f.starts, starts)
	}
}

func TestExecutor_Serial_BlockedTaskDelaysTheRest(t *testing.T) {
	f := newExecFixture()
	e := f.p.Executor("serial", 1)
	e.Submit("slow", f.task(3*time.Second)) // e.g. a call waiting for its timeout
	e.Submit("a", f.task(time.Second))
	e.Submit("b", f.task(0))
	if e.Busy() != 1 || e.Queued() != 2 {
		t.Fatalf("busy %d queued %d, want 1 and 2", e.Busy(), e.Queued())
	}
	runFor(f.w, time.Minute)
	f.want(t, 0, 3, 4)
	if f.peak != 1 {
		t.Fatalf("%d tasks ran at once on a serial executor", f.peak)
	}
}

func TestExecutor_NThreads(t *testing.T) {
	f := newExecFixture()
	e := f.p.Executor("pool", 2)
	for i := 0; i < 5; i++ {
		e.Submit("t", f.task(time.Second))
	}
	runFor(f.w, time.Minute)
	f.want(t, 0, 0, 1, 1, 2)
	if f.peak != 2 {
		t.Fatalf("peak %d tasks at once, want 2", f.peak)
	}
}

func TestExecutor_DoneTwiceIsIgnored(t *testing.T) {
	f := newExecFixture()
	e := f.p.Executor("serial", 1)
	e.Submit("twice", func(done func()) { done(); done() })
	e.Submit("a", f.task(time.Second))
	e.Submit("b", f.task(time.Second))
	runFor(f.w, time.Minute)
	f.want(t, 0, 1) // a second done must not free a second thread
	// A periodic task calling done twice must not arm its next run twice.
	runs := 0
	e.ScheduleWithFixedDelay("delay", 0, time.Second, func(done func()) { runs++; done(); done() })
	runFor(f.w, 10*time.Second-time.Nanosecond)
	if runs != 10 {
		t.Fatalf("a fixed-delay task calling done twice ran %d times in 10 s, want 10", runs)
	}
}

// Java's scheduleAtFixedRate: a run that overruns its period delays the
// next ones, which then start at once, one after another, until the series
// is back on its grid; runs never overlap.
func TestExecutor_FixedRate_CatchesUpWithoutOverlap(t *testing.T) {
	f := newExecFixture()
	e := f.p.Executor("sched", 1)
	n := 0
	slow := f.task(3500 * time.Millisecond)
	fast := f.task(100 * time.Millisecond)
	e.ScheduleAtFixedRate("job", time.Second, time.Second, func(done func()) {
		n++
		if n == 1 {
			slow(done)
		} else {
			fast(done)
		}
	})
	runFor(f.w, 7*time.Second+500*time.Millisecond)
	f.want(t, 1, 4.5, 4.6, 4.7, 5, 6, 7)
	if f.peak != 1 {
		t.Fatalf("%d runs overlapped", f.peak)
	}
}

func TestExecutor_FixedDelay(t *testing.T) {
	f := newExecFixture()
	e := f.p.Executor("sched", 1)
	e.ScheduleWithFixedDelay("job", time.Second, time.Second, f.task(500*time.Millisecond))
	runFor(f.w, 6*time.Second)
	f.want(t, 1, 2.5, 4, 5.5)
}

func TestExecutor_PeriodicTaskWaitsBehindBlockedTask(t *testing.T) {
	f := newExecFixture()
	e := f.p.Executor("shared", 1)
	e.ScheduleAtFixedRate("poll", 0, time.Second, f.task(0))
	runFor(f.w, 1500*time.Millisecond)
	e.Submit("stuck", f.task(3*time.Second)) // starts at 1.5 s, holds to 4.5 s
	runFor(f.w, 4*time.Second)
	// Runs due at 2, 3 and 4 s start when the thread frees, back to back.
	f.want(t, 0, 1, 1.5, 4.5, 4.5, 4.5, 5)
}

func TestExecutor_DiesWithProcess(t *testing.T) {
	f := newExecFixture()
	e := f.p.Executor("serial", 1)
	e.Submit("long", f.task(10*time.Second)) // starts at once
	e.Submit("queued", f.task(0))
	e.ScheduleAtFixedRate("poll", 0, time.Second, f.task(0)) // queues behind
	runFor(f.w, 2500*time.Millisecond)
	f.p.Host().Kill("svc")
	runFor(f.w, time.Minute)
	f.want(t, 0) // only the long task ever started
	if e.Busy() != 1 || e.Queued() != 2 {
		t.Fatalf("busy %d queued %d: the dead executor's state should be frozen", e.Busy(), e.Queued())
	}
	e.Submit("after", f.task(0))
	runFor(f.w, time.Minute)
	f.want(t, 0)
}
