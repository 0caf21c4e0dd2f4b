package model

import (
	"strings"
	"testing"
	"time"

	"rmqsim/sim"
)

// remotingPair starts a server on host s that never answers, and a client
// process on host c with a RemotingClient that opens its channel at 0.2 s;
// it returns the outcome of one InvokeSync sent at 1 s with a 3 s timeout.
type outcome struct {
	at  sim.Time
	err error
}

func remotingPair(t *testing.T, fault func(w *sim.World)) outcome {
	t.Helper()
	w := sim.NewWorld(sim.Config{Seed: 1, Horizon: time.Minute})
	srv, cli := w.AddHost("s"), w.AddHost("c")
	srv.AddService("srv", func(p *sim.Process) {
		p.Listen("1", func(e *sim.End) { e.Handle(func(*sim.Inbound) {}, nil) }) // holds every request
	})
	var got outcome
	cfg := DefaultConfig().Client
	cli.AddService("cli", func(p *sim.Process) {
		rc := NewRemotingClient(p, &cfg)
		// A oneway message opens the channel first.
		p.After(200*time.Millisecond, "", func() { rc.InvokeOneway("s:1", &Request{Code: HeartBeat}, nil) })
		p.After(time.Second, "", func() {
			rc.InvokeSync("s:1", &Request{Code: HeartBeat}, 3*time.Second, func(_ *Response, err error) {
				got = outcome{p.Now(), err}
			})
		})
	})
	srv.Start("srv")
	cli.Start("cli")
	fault(w)
	w.Run()
	return got
}

// TestRemoting_PeerFINWaitsOutTheTimeout: a killed server process closes
// the channel with a FIN; Netty 4.0 closes it from its read loop without
// the pipeline's close(), so failFast never runs and the call waits its
// full timeout (facts §6: in-flight sends to a dead broker time out).
func TestRemoting_PeerFINWaitsOutTheTimeout(t *testing.T) {
	got := remotingPair(t, func(w *sim.World) {
		w.At(sim.Time(2*time.Second), func() { w.Host("s").Kill("srv") })
	})
	re, ok := got.err.(*RemotingError)
	if !ok || re.Class != RemotingTimeoutException {
		t.Fatalf("err %v, want a RemotingTimeoutException", got.err)
	}
	if d := got.at.Sub(sim.Time(time.Second)); d < 3*time.Second || d > 3*time.Second+10*time.Millisecond {
		t.Fatalf("failed after %v, want the full 3 s timeout", d)
	}
}

// TestRemoting_ResetFailsFast: a reset is a read error: exceptionCaught
// closes the channel through the pipeline and failFast fails the call at
// once (facts §3.5). A process that dies with the request unread resets.
func TestRemoting_ResetFailsFast(t *testing.T) {
	got := remotingPair(t, func(w *sim.World) {
		// The server host dies and comes back: the client's next
		// retransmission meets a host with no such connection, which resets.
		w.At(sim.Time(500*time.Millisecond), func() { w.Host("s").PowerOff() })
		w.At(sim.Time(1500*time.Millisecond), func() { w.Host("s").PowerOn(time.Minute) })
	})
	re, ok := got.err.(*RemotingError)
	if !ok || re.Class != RemotingSendRequestException || !strings.Contains(re.Msg, "s:1") {
		t.Fatalf("err %v, want a RemotingSendRequestException", got.err)
	}
	if d := got.at.Sub(sim.Time(time.Second)); d >= 3*time.Second {
		t.Fatalf("failed after %v, want before the timeout (fail fast on reset)", d)
	}
}
