package sim

import (
	"bytes"
	"testing"
	"time"
)

// text is the tests' message: its trace form is the string itself.
type text string

func (m text) Describe(b []byte) []byte { return append(b, m...) }

// server is what a test sees of a listening service: every accepted end and
// every message that reached it, in order.
type server struct {
	ends []*End
	got  []received
}

type received struct {
	at  Time
	msg string
	req bool
}

// addServer registers service "server" on h listening on port 80. It
// replies "re: <msg>" to requests when reply is set, and stays silent
// otherwise (a call to it can only time out or fail).
func addServer(h *Host, reply bool) *server {
	s := &server{}
	h.AddService("server", func(p *Process) {
		p.Listen("80", func(e *End) {
			s.ends = append(s.ends, e)
			e.Handle(func(in *Inbound) {
				m := string(in.Msg.(text))
				s.got = append(s.got, received{at: p.Now(), msg: m, req: in.IsRequest()})
				if reply && in.IsRequest() {
					in.Reply(text("re: " + m))
				}
			}, nil)
		})
	})
	return s
}

// addClient registers an idle service "client" on h and starts it; tests
// drive it from outside the event loop.
func addClient(h *Host) *Process {
	h.AddService("client", func(*Process) {})
	return h.Start("client")
}

// result is the outcome of an asynchronous operation, filled when its
// callback runs.
type result struct {
	done bool
	at   Time
	msg  string
	err  error
	end  *End
}

func dial(p *Process, addr string, timeout time.Duration) *result {
	r := &result{}
	p.Dial(addr, timeout, func(e *End, err error) {
		r.done, r.at, r.end, r.err = true, p.Now(), e, err
	})
	return r
}

func call(e *End, msg string, timeout time.Duration) *result {
	r := &result{}
	e.Call(text(msg), timeout, func(m Message, err error) {
		r.done, r.at, r.err = true, e.Process().Now(), err
		if m != nil {
			r.msg = string(m.(text))
		}
	})
	return r
}

// runFor advances the world by d.
func runFor(w *World, d time.Duration) { w.RunUntil(w.Now().Add(d)) }

// connect dials addr from p and runs until the connection is up.
func connect(t *testing.T, p *Process, addr string) *End {
	t.Helper()
	r := dial(p, addr, 3*time.Second)
	runFor(p.World(), 10*time.Millisecond)
	if !r.done || r.err != nil {
		t.Fatalf("dial %s: done=%v err=%v", addr, r.done, r.err)
	}
	return r.end
}

// closeWatch records the onClose callback of an end.
type closeWatch struct {
	calls int
	at    Time
	why   CloseReason
}

func watchClose(e *End) *closeWatch {
	c := &closeWatch{}
	e.Handle(nil, func(why CloseReason) {
		c.calls++
		c.at, c.why = e.Process().Now(), why
	})
	return c
}

// pair is the common fixture: host a runs a client, host b a server.
type pair struct {
	w      *World
	a, b   *Host
	client *Process
	srv    *server
}

func newPair(t *testing.T, seed uint64, reply bool) *pair {
	t.Helper()
	w := NewWorld(Config{Seed: seed, Horizon: 10 * time.Hour})
	a, b := w.AddHost("a"), w.AddHost("b")
	srv := addServer(b, reply)
	b.Start("server")
	return &pair{w: w, a: a, b: b, client: addClient(a), srv: srv}
}

// traceOf runs fn on w with a trace writer attached and returns the lines.
func traceOf(w *World, fn func()) string {
	var buf bytes.Buffer
	w.SetTraceWriter(&buf)
	fn()
	w.SetTraceWriter(nil)
	return buf.String()
}

func within(t *testing.T, what string, got, lo, hi Time) {
	t.Helper()
	if got < lo || got > hi {
		t.Fatalf("%s at %s, want within [%s, %s]", what, got.AppendMicros(nil), lo.AppendMicros(nil), hi.AppendMicros(nil))
	}
}
