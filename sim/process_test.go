package sim

import (
	"strings"
	"testing"
	"time"
)

func TestTimer_DiesWithProcess(t *testing.T) {
	for _, fault := range []string{"kill", "stop", "power-off"} {
		w := NewWorld(Config{Seed: 1})
		h := w.AddHost("h")
		fired, ticks := false, 0
		h.AddService("svc", func(p *Process) {
			p.After(time.Second, "once", func() { fired = true })
			p.Every(0, 100*time.Millisecond, "tick", func() { ticks++ })
		})
		h.Start("svc")
		runFor(w, 550*time.Millisecond)
		switch fault {
		case "kill":
			h.Kill("svc")
		case "stop":
			h.Stop("svc", 0)
		case "power-off":
			h.PowerOff()
		}
		runFor(w, time.Hour)
		if fired || ticks != 6 { // ticks at 0, 100, ..., 500 ms
			t.Fatalf("%s: one-shot fired=%v, %d ticks; want no firing after death and 6 ticks", fault, fired, ticks)
		}
	}
}

func TestTimer_Stop(t *testing.T) {
	w := NewWorld(Config{Seed: 1})
	h := w.AddHost("h")
	h.AddService("svc", func(*Process) {})
	p := h.Start("svc")
	ran := 0
	a := p.After(time.Second, "a", func() { ran++ })
	b := p.After(time.Second, "b", func() { ran += 10 })
	if !a.Stop() || a.Stop() {
		t.Fatal("Stop: first call must report a pending timer, the second must not")
	}
	ticks := 0
	series := p.Every(time.Second, time.Second, "tick", func() { ticks++ })
	out := traceOf(w, func() {
		runFor(w, 3500*time.Millisecond)
		series.Stop()
		runFor(w, time.Hour)
	})
	if ran != 10 || b.Stop() || ticks != 3 {
		t.Fatalf("ran=%d ticks=%d: want only b to fire, then report fired, and 3 ticks", ran, ticks)
	}
	// A stopped series leaves no trace of a firing it no longer makes.
	if n := strings.Count(out, " tick\n"); n != 3 {
		t.Fatalf("%d tick lines after Stop, want 3:\n%s", n, out)
	}
}

func TestProcess_NegativeDelayDoesNotRewindTime(t *testing.T) {
	w := NewWorld(Config{Seed: 1})
	h := w.AddHost("h")
	h.AddService("svc", func(*Process) {})
	p := h.Start("svc")
	runFor(w, time.Second)
	var at Time = -1
	p.After(-time.Hour, "past", func() { at = p.Now() })
	w.Run()
	if at != Time(time.Second) {
		t.Fatalf("a negative delay fired at %v, want now (1s)", at)
	}
}

func TestRestart_FreshProcess_OldMethodsNoOps(t *testing.T) {
	w := NewWorld(Config{Seed: 1})
	a, b := w.AddHost("a"), w.AddHost("b")
	ticks := map[int]int{}
	accepted := map[int]int{}
	b.AddService("server", func(p *Process) {
		p.Every(0, time.Second, "tick", func() { ticks[p.Incarnation()]++ })
		p.Listen("80", func(*End) { accepted[p.Incarnation()]++ })
	})
	old := b.Start("server")
	runFor(w, 2500*time.Millisecond) // ticks at 0, 1, 2 s
	b.Kill("server")
	fresh := b.Start("server")
	if fresh == old || fresh.Incarnation() != 2 || old.Alive() || !fresh.Alive() || b.Proc("server") != fresh {
		t.Fatalf("restart: fresh==old %v, incarnation %d, old alive %v", fresh == old, fresh.Incarnation(), old.Alive())
	}
	if old.State() != ProcKilled {
		t.Fatalf("old state %v, want killed", old.State())
	}
	// Every method of the dead incarnation does nothing.
	ran := false
	if tm := old.After(0, "x", func() { ran = true }); tm.Stop() {
		t.Fatal("a timer of a dead process reports itself pending")
	}
	old.Every(0, time.Second, "x", func() { ran = true })
	old.Executor("x", 1).Submit("x", func(func()) { ran = true })
	old.Executor("x", 1).ScheduleAtFixedRate("x", 0, time.Second, func(func()) { ran = true })
	old.Dial("b:80", time.Second, func(*End, error) { ran = true })
	old.Listen("80", func(*End) { ran = true }) // must not panic nor steal the port
	old.Stop(time.Second)
	lines := w.TraceLines()
	runFor(w, 10*time.Second)
	if ran || old.State() != ProcKilled {
		t.Fatalf("a dead process acted: ran=%v state=%v", ran, old.State())
	}
	if ticks[1] != 3 || ticks[2] != 11 {
		t.Fatalf("ticks per incarnation %v, want 3 then 11", ticks)
	}
	if w.TraceLines() != lines+11 { // the fresh process's ticks only
		t.Fatalf("%d trace lines from 10 s, want 11 ticks", w.TraceLines()-lines)
	}
	connect(t, addClient(a), "b:80")
	if accepted[1] != 0 || accepted[2] != 1 {
		t.Fatalf("accepted per incarnation %v, want only the fresh one", accepted)
	}
	if old.Rand().Uint64() == fresh.Rand().Uint64() {
		t.Fatal("incarnations share a random stream")
	}
}

func TestRestart_AfterPowerCycle(t *testing.T) {
	w := NewWorld(Config{Seed: 1})
	h := w.AddHost("h")
	exits := 0
	h.AddService("svc", func(p *Process) { p.OnExit(func() { exits++ }) })
	old := h.Start("svc")
	h.PowerOff()
	if old.Alive() || old.State() != ProcKilled || exits != 1 {
		t.Fatalf("after power-off: alive=%v state=%v exits=%d", old.Alive(), old.State(), exits)
	}
	if h.Start("svc") != nil {
		t.Fatal("Start on a powered-off host returned a process")
	}
	h.PowerOn(2 * time.Second)
	runFor(w, time.Second)
	if old.Alive() || h.Proc("svc") != old {
		t.Fatal("the old process came back with the power")
	}
	runFor(w, 2*time.Second)
	if p := h.Proc("svc"); p == old || p.Incarnation() != 2 || !p.Alive() {
		t.Fatalf("after boot: process %v incarnation %d", p, p.Incarnation())
	}
}

func TestEnd_CallCallbackOnce(t *testing.T) {
	p := newPair(t, 2, true)
	e := connect(t, p.client, "b:80")
	n := 0
	var got error
	e.Call(text("x"), 3*time.Second, func(_ Message, err error) { n++; got = err })
	runFor(p.w, time.Hour)
	p.b.Kill("server")
	runFor(p.w, time.Hour)
	if n != 1 || got != nil {
		t.Fatalf("callback ran %d times, last err %v; want once with the reply", n, got)
	}
}

// Timers of a host's own sequences (boot, shutdown) belong to one power
// cycle: a quick off/on makes the earlier ones stale.
func TestHost_StalePowerSequencesAreIgnored(t *testing.T) {
	w := NewWorld(Config{Seed: 1})
	h := w.AddHost("h")
	h.AddService("svc", func(*Process) {})
	h.PowerOff()
	h.PowerOn(5 * time.Second) // boot due at 5 s...
	runFor(w, time.Second)
	h.PowerOff()
	h.PowerOn(5 * time.Second) // ...replaced by the boot due at 6 s
	runFor(w, 4500*time.Millisecond)
	if p := h.Proc("svc"); p != nil {
		t.Fatalf("a stale boot started the service at %v", w.Now())
	}
	runFor(w, time.Second)
	if p := h.Proc("svc"); p == nil || !p.Alive() {
		t.Fatal("the service did not start with the last boot")
	}
	h.ShutdownOrderly(time.Second, time.Second) // power-off due at +2 s
	runFor(w, 500*time.Millisecond)
	h.PowerOff()
	h.PowerOn(0)
	runFor(w, time.Minute)
	if !h.Up() || !h.Proc("svc").Alive() {
		t.Fatal("a stale orderly shutdown powered the host off again")
	}
}

func TestPowerOn_SkipsManualServices(t *testing.T) {
	w := NewWorld(Config{Seed: 1})
	h := w.AddHost("h")
	h.AddService("daemon", func(*Process) {})
	h.AddService("app", func(*Process) {})
	h.SetManual("app")
	h.Start("daemon")
	h.Start("app")
	h.PowerOff()
	h.PowerOn(time.Second)
	runFor(w, 2*time.Second)
	if d, a := h.Proc("daemon"), h.Proc("app"); !d.Alive() || d.Incarnation() != 2 || a.Alive() || a.Incarnation() != 1 {
		t.Fatalf("after boot: daemon alive=%v #%d, app alive=%v #%d; want only the daemon restarted",
			d.Alive(), d.Incarnation(), a.Alive(), a.Incarnation())
	}
	if p := h.Start("app"); p == nil || p.Incarnation() != 2 {
		t.Fatal("a manual service must still start by hand")
	}
}

func TestExit_EndsWithoutStopHookAndClosesConnections(t *testing.T) {
	w := NewWorld(Config{Seed: 1})
	a, b := w.AddHost("a"), w.AddHost("b")
	var peerClosed CloseReason = -1
	b.AddService("srv", func(p *Process) {
		p.Listen("1", func(e *End) { e.Handle(nil, func(r CloseReason) { peerClosed = r }) })
	})
	hookRan := false
	var prog *Process
	a.AddService("prog", func(p *Process) {
		prog = p
		p.OnStop(func(done func()) { hookRan = true; done() })
		p.Dial("b:1", time.Second, func(e *End, err error) {
			if err != nil {
				t.Fatalf("dial: %v", err)
			}
			p.After(time.Millisecond, "", p.Exit)
		})
	})
	b.Start("srv")
	a.Start("prog")
	w.RunUntil(Time(time.Second))
	if prog.State() != ProcStopped || hookRan {
		t.Fatalf("state %v hook ran %v: want stopped without the stop hook", prog.State(), hookRan)
	}
	if peerClosed != CloseByPeer {
		t.Fatalf("peer saw %v, want a FIN (fin)", peerClosed)
	}
}
