package sim

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestShutdownOrderly_PeersSeeClose(t *testing.T) {
	p := newPair(t, 9, true)
	e := connect(t, p.client, "b:80")
	cw := watchClose(e)
	r := call(e, "ping", time.Hour)
	start := p.w.Now()
	p.b.ShutdownOrderly(time.Second, time.Second)
	runFor(p.w, 10*time.Millisecond)
	// The server has no stop hook, so it exits at once; its OS sends FIN
	// queued behind the reply it had already written.
	if cw.calls != 1 || cw.why != CloseByPeer {
		t.Fatalf("closes=%d why=%v, want one FIN close", cw.calls, cw.why)
	}
	within(t, "FIN", cw.at, start+latMin, start+2*latMax)
	if !p.b.Up() || p.b.Proc("server").State() != ProcStopped {
		t.Fatalf("host up=%v server %v, want the host up and the server stopped", p.b.Up(), p.b.Proc("server").State())
	}
	runFor(p.w, 2*time.Second)
	if p.b.Up() {
		t.Fatal("host still up after grace+powerOffDelay")
	}
	if !errors.Is(r.err, ErrClosed) || r.at != cw.at {
		t.Fatalf("pending call: %v at %v, want ErrClosed with the FIN", r.err, r.at)
	}
}

func TestShutdownOrderly_StopHookRunsWithinGrace(t *testing.T) {
	// hook: how long the stop hook takes (a hook that never finishes is
	// cut off by the grace); want: when the process exits.
	for _, c := range []struct{ hook, want time.Duration }{
		{300 * time.Millisecond, 300 * time.Millisecond},
		{time.Hour, time.Second},
	} {
		w := NewWorld(Config{Seed: 10})
		a, b := w.AddHost("a"), w.AddHost("b")
		var hookAt, exitAt Time
		b.AddService("server", func(p *Process) {
			p.Listen("80", func(*End) {})
			p.OnStop(func(done func()) { hookAt = p.Now(); p.After(c.hook, "flush", done) })
			p.OnExit(func() { exitAt = p.Now() })
		})
		b.Start("server")
		e := connect(t, addClient(a), "b:80")
		cw := watchClose(e)
		start := w.Now()
		b.ShutdownOrderly(time.Second, time.Second)
		runFor(w, 5*time.Second)
		if hookAt != start || exitAt != start.Add(c.want) {
			t.Fatalf("hook %v: hook ran at %v, exit at %v; want %v and %v", c.hook, hookAt, exitAt, start, start.Add(c.want))
		}
		within(t, "FIN after the stop hook", cw.at, exitAt+latMin, exitAt+latMax)
		if b.Up() {
			t.Fatal("host still up after grace+powerOffDelay")
		}
	}
}

func TestShutdownNetworkFirst_PeersSeeBlackHoleThenReset(t *testing.T) {
	p := newPair(t, 11, true)
	e := connect(t, p.client, "b:80")
	cw := watchClose(e)
	p.b.ShutdownNetworkFirst(5 * time.Second)
	start := p.w.Now()
	r := call(e, "ping", 3*time.Second)
	runFor(p.w, 10*time.Second)
	if !errors.Is(r.err, ErrTimeout) || r.at != start.Add(3*time.Second) {
		t.Fatalf("call into the shutdown: err=%v at %v, want ErrTimeout after 3s", r.err, r.at)
	}
	if !e.Active() || cw.calls != 0 || p.b.Up() {
		t.Fatalf("active=%v closes=%d host up=%v, want a black hole and the host off", e.Active(), cw.calls, p.b.Up())
	}
	if st := p.b.Proc("server").State(); st != ProcKilled {
		t.Fatalf("server %v, want killed by the power-off", st)
	}
	p.b.PowerOn(5 * time.Second)
	runFor(p.w, 10*time.Second)
	// The request held since the shutdown is retransmitted into a reset.
	if cw.calls != 1 || cw.why != CloseReset {
		t.Fatalf("after reboot: closes=%d why=%v, want a reset", cw.calls, cw.why)
	}
}

func TestPartition_OneWay(t *testing.T) {
	p := newPair(t, 12, true)
	e := connect(t, p.client, "b:80")
	var got []string
	e.Handle(func(in *Inbound) { got = append(got, string(in.Msg.(text))) }, nil)
	p.w.Net().Block("a", "b")
	calls := 0
	start := p.w.Now()
	e.Call(text("ping"), 3*time.Second, func(_ Message, err error) {
		calls++
		if !errors.Is(err, ErrTimeout) || p.w.Now() != start.Add(3*time.Second) {
			t.Errorf("call a->b: %v at %v, want ErrTimeout after 3s", err, p.w.Now())
		}
	})
	if err := p.srv.ends[0].Send(text("from b")); err != nil {
		t.Fatal(err)
	}
	runFor(p.w, 10*time.Second)
	if len(got) != 1 || got[0] != "from b" || len(p.srv.got) != 0 {
		t.Fatalf("b->a delivered %q, a->b delivered %v: want only b->a", got, p.srv.got)
	}
	p.w.Net().Heal()
	runFor(p.w, 10*time.Second)
	// The held request arrives; its late reply is dropped, not a 2nd callback.
	if len(p.srv.got) != 1 || p.srv.got[0].msg != "ping" || calls != 1 || !e.Active() {
		t.Fatalf("after heal: server got %v, callbacks %d, active %v", p.srv.got, calls, e.Active())
	}
}

func TestPartition_HealDeliversHeldDataInOrder(t *testing.T) {
	p := newPair(t, 13, true)
	e := connect(t, p.client, "b:80")
	send := func(i int) {
		if err := e.Send(text(fmt.Sprint("m", i))); err != nil {
			t.Fatal(err)
		}
	}
	send(0)
	send(1)
	runFor(p.w, time.Millisecond)
	send(2) // in flight when the partition starts
	p.w.Net().Partition([]string{"a"}, []string{"b"})
	for i := 3; i < 7; i++ {
		runFor(p.w, 2*time.Second)
		send(i)
	}
	runFor(p.w, 5*time.Second)
	healed := p.w.Now()
	p.w.Net().Heal()
	send(7)
	send(8)
	runFor(p.w, 5*time.Minute)
	if len(p.srv.got) != 9 {
		t.Fatalf("got %d messages, want 9: %v", len(p.srv.got), p.srv.got)
	}
	for i, g := range p.srv.got {
		if g.msg != fmt.Sprint("m", i) {
			t.Fatalf("message %d is %q: FIFO broken: %v", i, g.msg, p.srv.got)
		}
		if i >= 2 && g.at < healed {
			t.Fatalf("%s arrived at %v, before the heal at %v", g.msg, g.at, healed)
		}
		if i > 0 && g.at < p.srv.got[i-1].at {
			t.Fatalf("%s arrived before its predecessor", g.msg)
		}
	}
	if !e.Active() {
		t.Fatal("channel closed by a healed partition")
	}
}

func TestCall_TimeoutAndClosedAreDistinct(t *testing.T) {
	if errors.Is(ErrTimeout, ErrClosed) || errors.Is(ErrClosed, ErrTimeout) {
		t.Fatal("ErrTimeout and ErrClosed must be distinct")
	}
	p := newPair(t, 14, false) // the server never replies
	e := connect(t, p.client, "b:80")
	start := p.w.Now()
	r1 := call(e, "slow", time.Second)
	runFor(p.w, 2*time.Second)
	if !errors.Is(r1.err, ErrTimeout) || r1.at != start.Add(time.Second) || !e.Active() {
		t.Fatalf("unanswered call: %v at %v active=%v, want ErrTimeout after 1s, channel open", r1.err, r1.at, e.Active())
	}
	r2 := call(e, "doomed", time.Minute)
	runFor(p.w, 500*time.Millisecond)
	killed := p.w.Now()
	p.b.Kill("server")
	runFor(p.w, 2*time.Minute)
	if !errors.Is(r2.err, ErrClosed) {
		t.Fatalf("call on a closing channel: %v, want ErrClosed", r2.err)
	}
	within(t, "ErrClosed", r2.at, killed, killed+latMax)
}

func TestLoss_ShowsAsRetransmissionDelay(t *testing.T) {
	const base = time.Millisecond
	for _, loss := range []float64{0, 0.5} {
		p := newPair(t, 15, true)
		e := connect(t, p.client, "b:80")
		p.w.Net().SetLink("a", "b", Link{Latency: Latency{Min: base, Max: base}, Loss: loss})
		// Possible delays: base plus the sum of the first k RTOs.
		allowed := map[time.Duration]bool{base: true}
		d, rto := base, p.w.Net().Config().RTOMin
		for k := 1; k <= 15; k++ {
			d += rto
			rto = min(2*rto, p.w.Net().Config().RTOMax)
			allowed[d] = true
		}
		const n = 200
		sent := make([]Time, n)
		for i := range sent {
			sent[i] = p.w.Now()
			if err := e.Send(text(fmt.Sprint(i))); err != nil {
				t.Fatal(err)
			}
			runFor(p.w, time.Second)
		}
		runFor(p.w, time.Hour)
		if len(p.srv.got) != n {
			t.Fatalf("loss %v: %d of %d delivered: loss must only delay", loss, len(p.srv.got), n)
		}
		late := 0
		for i, g := range p.srv.got {
			if g.msg != fmt.Sprint(i) {
				t.Fatalf("loss %v: message %d is %q", loss, i, g.msg)
			}
			delay := g.at.Sub(sent[i])
			blocked := i > 0 && g.at == p.srv.got[i-1].at // head-of-line behind a retransmission
			if !allowed[delay] && !blocked {
				t.Fatalf("loss %v: message %d delayed %v, not base + RTO sums", loss, i, delay)
			}
			if delay > base {
				late++
			}
		}
		if loss == 0 && late != 0 || loss > 0 && (late < n/4 || late > 3*n/4) {
			t.Fatalf("loss %v: %d of %d messages late", loss, late, n)
		}
	}
}

// TestSystemdShutdown_SyncsDisksBeforePowerOff: an OS shutdown, orderly
// or network first, sync()s the page cache before reboot(RB_POWER_OFF)
// (systemd src/core/shutdown.c main), so written but unsynced data
// survives; a power cut loses it.
func TestSystemdShutdown_SyncsDisksBeforePowerOff(t *testing.T) {
	for _, c := range []struct {
		name string
		act  func(h *Host)
		want int
	}{
		{"shutdown-network-first", func(h *Host) { h.ShutdownNetworkFirst(time.Second) }, 2},
		{"shutdown-orderly", func(h *Host) { h.ShutdownOrderly(time.Second, time.Second) }, 2},
		{"power-off", func(h *Host) { h.PowerOff() }, 1},
	} {
		w := NewWorld(Config{Seed: 11})
		h := w.AddHost("a")
		log, blob := h.Disk().Log("commitlog"), h.Disk().Blob("offsets")
		log.Append("synced")
		log.Sync()
		log.Append("page cache only")
		blob.Write(w.Now(), "v1")
		c.act(h)
		runFor(w, 5*time.Second)
		if h.Up() {
			t.Fatalf("%s: host still up", c.name)
		}
		if log.Len() != c.want {
			t.Errorf("%s: %d log records after power-off, want %d", c.name, log.Len(), c.want)
		}
		if got := blob.Read(); (c.want == 2) != (got == "v1") {
			t.Errorf("%s: blob %v after power-off", c.name, got)
		}
	}
}
