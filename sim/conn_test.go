package sim

import (
	"errors"
	"testing"
	"time"
)

// One-way latency bounds of the default LAN link (NetConfig.Default).
const (
	latMin = Time(100 * time.Microsecond)
	latMax = Time(400 * time.Microsecond)
)

func TestConnect_KilledProcessOnLiveHost_RefusedAtOnce(t *testing.T) {
	p := newPair(t, 1, true)
	connect(t, p.client, "b:80") // it listens: the dial works
	p.b.Kill("server")
	start := p.w.Now()
	r := dial(p.client, "b:80", 3*time.Second)
	runFor(p.w, 5*time.Second)
	if !r.done || !errors.Is(r.err, ErrRefused) || r.end != nil {
		t.Fatalf("dial to a killed process: done=%v err=%v end=%v, want ErrRefused", r.done, r.err, r.end)
	}
	within(t, "refusal", r.at, start+2*latMin, start+2*latMax) // one round trip
}

func TestConnect_PoweredOffHost_TimesOutAfterConnectTimeout(t *testing.T) {
	for _, timeout := range []time.Duration{3 * time.Second, 5 * time.Second} {
		p := newPair(t, 2, true)
		p.b.PowerOff()
		start := p.w.Now()
		r := dial(p.client, "b:80", timeout)
		runFor(p.w, timeout-time.Nanosecond)
		if r.done {
			t.Fatalf("timeout %v: dial ended early at %v with %v", timeout, r.at, r.err)
		}
		runFor(p.w, time.Minute)
		if !r.done || !errors.Is(r.err, ErrConnectTimeout) {
			t.Fatalf("timeout %v: done=%v err=%v, want ErrConnectTimeout", timeout, r.done, r.err)
		}
		within(t, "connect timeout", r.at, start.Add(timeout), start.Add(timeout))
	}
}

func TestConnect_PartitionedHost_TimesOut(t *testing.T) {
	p := newPair(t, 3, true)
	p.w.Net().Partition([]string{"a"}, []string{"b"})
	start := p.w.Now()
	r := dial(p.client, "b:80", 3*time.Second)
	runFor(p.w, 10*time.Second)
	if !r.done || !errors.Is(r.err, ErrConnectTimeout) {
		t.Fatalf("dial across a partition: err=%v, want ErrConnectTimeout", r.err)
	}
	within(t, "connect timeout", r.at, start.Add(3*time.Second), start.Add(3*time.Second))

	// Only the SYN-ACK's direction cut: the handshake still cannot finish.
	p.w.Net().Heal()
	p.w.Net().Block("b", "a")
	r = dial(p.client, "b:80", 3*time.Second)
	runFor(p.w, 10*time.Second)
	if !errors.Is(r.err, ErrConnectTimeout) {
		t.Fatalf("dial with the return path cut: err=%v, want ErrConnectTimeout", r.err)
	}

	// Healed before the 1 s SYN retry: the retry connects.
	p.w.Net().Partition([]string{"a"}, []string{"b"})
	start = p.w.Now()
	r = dial(p.client, "b:80", 3*time.Second)
	runFor(p.w, 500*time.Millisecond)
	p.w.Net().Heal()
	runFor(p.w, 10*time.Second)
	if r.err != nil || r.end == nil {
		t.Fatalf("dial healed before the SYN retry: err=%v", r.err)
	}
	within(t, "connect on the SYN retry", r.at, start.Add(time.Second)+2*latMin, start.Add(time.Second)+2*latMax)
}

func TestChannel_PeerKilled_ClosedAndPendingCallsFailFast(t *testing.T) {
	p := newPair(t, 4, false) // the server never replies
	e := connect(t, p.client, "b:80")
	cw := watchClose(e)
	r1, r2 := call(e, "one", 3*time.Second), call(e, "two", 3*time.Second)
	runFor(p.w, 10*time.Millisecond)
	killed := p.w.Now()
	p.b.Kill("server")
	runFor(p.w, 10*time.Second)
	for i, r := range []*result{r1, r2} {
		if !r.done || !errors.Is(r.err, ErrClosed) {
			t.Fatalf("pending call %d: done=%v err=%v, want ErrClosed", i+1, r.done, r.err)
		}
		within(t, "fail-fast of a pending call", r.at, killed+latMin, killed+latMax) // the FIN's latency
	}
	if cw.calls != 1 || cw.why != CloseByPeer || e.Active() || e.CloseReason() != CloseByPeer {
		t.Fatalf("close: onClose calls=%d why=%v active=%v reason=%v, want one FIN close", cw.calls, cw.why, e.Active(), e.CloseReason())
	}
	if err := e.Send(text("late")); !errors.Is(err, ErrClosed) {
		t.Fatalf("Send on a closed end: %v, want ErrClosed", err)
	}
	r3 := call(e, "three", 3*time.Second)
	if !r3.done || !errors.Is(r3.err, ErrClosed) || r3.at != p.w.Now() {
		t.Fatalf("Call on a closed end: done=%v err=%v, want ErrClosed at once", r3.done, r3.err)
	}
}

func TestChannel_PeerPoweredOff_BlackHole_WritesSucceed_CallsTimeOut_StillActive(t *testing.T) {
	p := newPair(t, 5, true)
	e := connect(t, p.client, "b:80")
	cw := watchClose(e)
	r := call(e, "ping", 3*time.Second)
	runFor(p.w, time.Second)
	if r.err != nil || r.msg != "re: ping" {
		t.Fatalf("call before the fault: %q %v", r.msg, r.err)
	}
	p.b.PowerOff()
	for i := 0; i < 20; i++ { // 100 s of polling, well inside the give-up time
		if err := e.Send(text("oneway")); err != nil {
			t.Fatalf("write into a black hole failed: %v", err)
		}
		start := p.w.Now()
		r := call(e, "ping", 3*time.Second)
		runFor(p.w, 5*time.Second)
		if !r.done || !errors.Is(r.err, ErrTimeout) {
			t.Fatalf("call %d: done=%v err=%v, want ErrTimeout", i, r.done, r.err)
		}
		within(t, "call timeout", r.at, start.Add(3*time.Second), start.Add(3*time.Second))
		if !e.Active() || cw.calls != 0 {
			t.Fatalf("call %d: channel active=%v closes=%d, want still active", i, e.Active(), cw.calls)
		}
	}
}

func TestChannel_BlackHole_GivesUpAfterTCPGiveUp(t *testing.T) {
	for _, giveUp := range []time.Duration{0, 2 * time.Minute} { // 0: the default
		p := newPair(t, 6, true)
		if giveUp != 0 {
			c := p.w.Net().Config()
			c.GiveUp = giveUp
			p.w.Net().SetConfig(c)
		} else if giveUp = p.w.Net().Config().GiveUp; giveUp != 15*time.Minute {
			t.Fatalf("default give-up %v, want 15m (facts §3.5)", giveUp)
		}
		e := connect(t, p.client, "b:80")
		cw := watchClose(e)
		p.b.PowerOff()
		wrote := p.w.Now()
		r := call(e, "ping", 10*time.Hour) // outlives the give-up
		runFor(p.w, giveUp-time.Millisecond)
		if !e.Active() || r.done {
			t.Fatalf("give-up %v: closed early (active=%v, call done=%v)", giveUp, e.Active(), r.done)
		}
		runFor(p.w, time.Hour)
		if cw.calls != 1 || cw.why != CloseGiveUp || e.CloseReason() != CloseGiveUp {
			t.Fatalf("give-up %v: closes=%d why=%v, want one give-up", giveUp, cw.calls, cw.why)
		}
		// The clock starts when the unacknowledged data reaches the dead link.
		within(t, "give-up", cw.at, wrote.Add(giveUp)+latMin, wrote.Add(giveUp)+latMax)
		if !errors.Is(r.err, ErrClosed) || r.at != cw.at {
			t.Fatalf("give-up %v: pending call err=%v at %v, want ErrClosed at the close", giveUp, r.err, r.at)
		}
	}
}

func TestChannel_BlackHole_RebootedHostResets(t *testing.T) {
	t.Run("held data is retransmitted into the reset", func(t *testing.T) {
		p := newPair(t, 7, true)
		e := connect(t, p.client, "b:80")
		cw := watchClose(e)
		p.b.PowerOff()
		runFor(p.w, time.Second)
		if err := e.Send(text("held")); err != nil {
			t.Fatal(err)
		}
		runFor(p.w, time.Minute)
		on := p.w.Now()
		p.b.PowerOn(10 * time.Second)
		runFor(p.w, 5*time.Minute)
		if cw.calls != 1 || cw.why != CloseReset {
			t.Fatalf("closes=%d why=%v, want a reset", cw.calls, cw.why)
		}
		// The next retransmission comes at most one RTOMax after power-on.
		within(t, "reset", cw.at, on, on.Add(p.w.Net().Config().RTOMax)+2*latMax)
		for _, g := range p.srv.got {
			if g.msg == "held" {
				t.Fatalf("data of the old connection reached the new process at %v", g.at)
			}
		}
	})
	t.Run("an idle channel resets on its next write", func(t *testing.T) {
		p := newPair(t, 8, true)
		e := connect(t, p.client, "b:80")
		cw := watchClose(e)
		p.b.PowerOff()
		runFor(p.w, time.Minute)
		p.b.PowerOn(5 * time.Second)
		runFor(p.w, 20*time.Second)
		if !e.Active() {
			t.Fatalf("an idle channel closed without a write: %v", cw.why)
		}
		start := p.w.Now()
		r := call(e, "ping", 3*time.Second)
		runFor(p.w, 10*time.Second)
		if !errors.Is(r.err, ErrClosed) || cw.why != CloseReset {
			t.Fatalf("call after reboot: err=%v close=%v, want ErrClosed by reset", r.err, cw.why)
		}
		within(t, "reset", r.at, start+2*latMin, start+2*latMax)
		e2 := connect(t, p.client, "b:80") // the next request reconnects
		if inc := p.b.Proc("server").Incarnation(); inc != 2 || e2.ConnID() == e.ConnID() {
			t.Fatalf("reconnect: incarnation %d conn %d, want a new connection to incarnation 2", inc, e2.ConnID())
		}
		r = call(e2, "again", 3*time.Second)
		runFor(p.w, time.Second)
		if r.msg != "re: again" {
			t.Fatalf("call on the new connection: %q %v", r.msg, r.err)
		}
	})
}
