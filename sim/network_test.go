package sim

import (
	"errors"
	"testing"
	"time"
)

// A FIN the dying process's OS had queued is lost with the power: after
// the reboot the peer learns of the loss only by a reset on its next write.
func TestPowerOff_LosesPacketsOfTheOldBoot(t *testing.T) {
	p := newPair(t, 20, true)
	e := connect(t, p.client, "b:80")
	cw := watchClose(e)
	p.b.Kill("server") // FIN queued...
	p.b.PowerOff()     // ...and the power cut before it left
	runFor(p.w, time.Minute)
	p.b.PowerOn(time.Second)
	runFor(p.w, 10*time.Minute)
	if cw.calls != 0 || !e.Active() {
		t.Fatalf("the old boot's FIN arrived after the reboot: %v at %v", cw.why, cw.at)
	}
	r := call(e, "ping", 3*time.Second)
	runFor(p.w, time.Second)
	if !errors.Is(r.err, ErrClosed) || cw.why != CloseReset {
		t.Fatalf("next write: %v, close %v; want a reset", r.err, cw.why)
	}
}

// An RST is a packet like any other: it does not cross a partition.
func TestReset_DoesNotCrossAOneWayPartition(t *testing.T) {
	p := newPair(t, 21, true)
	e := connect(t, p.client, "b:80")
	cw := watchClose(e)
	p.w.Net().Block("b", "a")
	p.b.Kill("server") // its FIN stalls on b -> a
	runFor(p.w, time.Second)
	r := call(e, "ping", 3*time.Second) // reaches b's closed socket
	runFor(p.w, 10*time.Second)
	if !errors.Is(r.err, ErrTimeout) || cw.calls != 0 {
		t.Fatalf("call: %v, closes %d; want a timeout and no reset across the block", r.err, cw.calls)
	}
	p.w.Net().Heal()
	runFor(p.w, 2*time.Minute)
	if cw.calls != 1 || cw.why != CloseByPeer {
		t.Fatalf("after heal: closes %d why %v, want the held FIN", cw.calls, cw.why)
	}
}

// A path that closes while the handshake is in flight loses the SYN-ACK:
// the dial retries on the SYN schedule, it is not refused.
func TestConnect_PathClosedDuringHandshake_Retries(t *testing.T) {
	p := newPair(t, 22, true)
	start := p.w.Now()
	r := dial(p.client, "b:80", 3*time.Second)
	n := p.w.Net()
	p.w.At(start+latMin, func() { n.Partition([]string{"a"}, []string{"b"}) }) // before any SYN-ACK
	p.w.At(start.Add(500*time.Millisecond), n.Heal)
	runFor(p.w, 5*time.Second)
	if r.err != nil {
		t.Fatalf("dial: %v, want a connection on the SYN retry", r.err)
	}
	within(t, "connect", r.at, start.Add(time.Second)+2*latMin, start.Add(time.Second)+2*latMax)
}

// Traffic within one host uses the loopback link's latency.
func TestLoopback(t *testing.T) {
	w := NewWorld(Config{Seed: 23})
	h := w.AddHost("h")
	srv := addServer(h, true)
	h.Start("server")
	e := connect(t, addClient(h), "h:80")
	start := w.Now()
	r := call(e, "self", time.Second)
	runFor(w, time.Second)
	lb := w.Net().Config().Loopback.Latency.Min
	if r.msg != "re: self" || r.at != start.Add(2*lb) || len(srv.got) != 1 {
		t.Fatalf("loopback call: %q at %v, want a reply after 2×%v", r.msg, r.at, lb)
	}
}
