package sim

import (
	"errors"
	"strconv"
	"time"
)

// Message is anything sent over a connection. Describe appends its one-line
// trace text (no newline) to b.
type Message interface {
	Describe(b []byte) []byte
}

// Call and connect outcomes. A timeout and a closed channel are distinct.
var (
	// ErrTimeout: no reply within the call's timeout.
	ErrTimeout = errors.New("timeout")
	// ErrClosed: the connection closed (FIN, RST, give-up, local close)
	// before the reply; pending calls fail at once (fail fast).
	ErrClosed = errors.New("connection closed")
	// ErrRefused: the host answered but nothing listens (killed process).
	ErrRefused = errors.New("connection refused")
	// ErrConnectTimeout: no answer to the connect within its timeout
	// (host powered off, partitioned, or its network down).
	ErrConnectTimeout = errors.New("connect timeout")
)

// CloseReason says why an End closed.
type CloseReason int

const (
	// CloseLocal: this side closed it.
	CloseLocal CloseReason = iota
	// CloseByPeer: the peer closed it (FIN), e.g. the peer process died.
	CloseByPeer
	// CloseReset: the peer host answered with RST (its process is gone).
	CloseReset
	// CloseGiveUp: unacknowledged data for the TCP give-up time.
	CloseGiveUp
)

func (r CloseReason) String() string {
	return [...]string{"local", "fin", "reset", "give-up"}[r]
}

type pkKind uint8

const (
	pkOneway pkKind = iota
	pkRequest
	pkResponse
	pkFIN
)

type packet struct {
	at   Time
	kind pkKind
	id   uint64
	msg  Message
}

// flow is one direction of a connection: a FIFO of packets of which only
// the head has an arrival event scheduled. A head that finds the path
// closed stalls the flow (a black hole: writes still succeed locally) until
// the path opens, the peer resets, or the give-up time passes.
type flow struct {
	from, to     *End
	q            []packet
	head         int
	scheduled    bool
	stalledSince Time
	stallEpoch   int
	lastAt       Time
}

func (f *flow) isStalled() bool { return f.stalledSince != Never }

func (f *flow) len() int { return len(f.q) - f.head }

func (f *flow) push(n *Network, pk packet) {
	pk.at = max(n.w.now.Add(n.delay(f.from.proc.host, f.to.proc.host)), f.lastAt)
	f.lastAt = pk.at
	f.q = append(f.q, pk)
	if !f.scheduled && !f.isStalled() {
		f.arm(n, pk.at)
	}
}

func (f *flow) arm(n *Network, at Time) {
	f.scheduled = true
	n.w.schedule(max(at, n.w.now), func() { f.arrive(n) })
}

func (f *flow) resume(at Time) {
	f.stalledSince = Never
	f.stallEpoch++
	n := f.from.proc.w.net
	if f.len() > 0 && !f.scheduled {
		f.arm(n, at.Add(n.delay(f.from.proc.host, f.to.proc.host)))
	}
}

func (f *flow) drop() {
	clear(f.q)
	f.q, f.head = f.q[:0], 0
}

func (f *flow) arrive(n *Network) {
	f.scheduled = false
	if f.from.vanished || f.len() == 0 {
		return
	}
	if !n.PathOpen(f.from.proc.host, f.to.proc.host) {
		f.stalledSince = n.w.now
		f.stallEpoch++
		epoch := f.stallEpoch
		n.stalled = append(n.stalled, f)
		n.w.schedule(n.w.now.Add(n.cfg.GiveUp), func() {
			if f.stallEpoch == epoch && f.isStalled() && !f.from.closed {
				f.from.closeLocal(CloseGiveUp, true)
			}
		})
		return
	}
	pk := f.q[f.head]
	f.q[f.head] = packet{}
	f.head++
	if f.head == len(f.q) {
		f.q, f.head = f.q[:0], 0
	}
	f.to.receive(pk)
	if f.len() > 0 && !f.scheduled && !f.isStalled() {
		f.arm(n, f.q[f.head].at)
	}
}

// Conn is a connection between two processes.
type Conn struct {
	id   uint64
	ends [2]*End
}

// End is one side of a connection, owned by one process.
type End struct {
	conn       *Conn
	peer       *End
	proc       *Process
	local      string
	remote     string
	out        flow
	closed     bool
	vanished   bool
	why        CloseReason
	nextID     uint64
	pending    map[uint64]*pendingCall
	lastRead   Time
	lastWrite  Time
	onMessage  func(*Inbound)
	onClose    func(CloseReason)
	Attachment any
}

type pendingCall struct {
	cb    func(Message, error)
	timer *Timer
}

// Inbound is a delivered message; a request is answered with Reply.
type Inbound struct {
	End     *End
	Msg     Message
	id      uint64
	request bool
	replied bool
}

// IsRequest reports whether the sender waits for a reply.
func (in *Inbound) IsRequest() bool { return in.request }

// Reply answers a request (once; later calls and replies on a closed
// connection are dropped, as a write to a dead channel is).
func (in *Inbound) Reply(msg Message) {
	if !in.request || in.replied {
		return
	}
	in.replied = true
	in.End.write(packet{kind: pkResponse, id: in.id, msg: msg})
}

// ConnID is the connection's number, for logs and traces.
func (e *End) ConnID() uint64 { return e.conn.id }

// Process is the owner of this end.
func (e *End) Process() *Process { return e.proc }

// LocalAddr is this side's address (the listener's for accepted ends).
func (e *End) LocalAddr() string { return e.local }

// RemoteAddr is the peer's address (the dialled one for dialled ends).
func (e *End) RemoteAddr() string { return e.remote }

// Active reports whether the channel looks open to its owner. A black
// hole looks active: only FIN, RST, give-up or a local close end it.
func (e *End) Active() bool { return !e.closed }

// CloseReason says why the end closed (valid once !Active()).
func (e *End) CloseReason() CloseReason { return e.why }

// LastActivity is the last time this end read or wrote (idle handlers).
func (e *End) LastActivity() Time { return max(e.lastRead, e.lastWrite) }

// LastRead is the last time this end received anything.
func (e *End) LastRead() Time { return e.lastRead }

// Handle sets the callbacks for delivered messages and for the close.
func (e *End) Handle(onMessage func(*Inbound), onClose func(CloseReason)) {
	e.onMessage, e.onClose = onMessage, onClose
}

// Send writes a one-way message. It fails only if the end is closed:
// writing into a black hole succeeds.
func (e *End) Send(msg Message) error {
	if e.closed || !e.proc.Alive() {
		return ErrClosed
	}
	e.write(packet{kind: pkOneway, msg: msg})
	return nil
}

// Call sends a request and calls cb once with the reply, ErrTimeout after
// timeout, or ErrClosed when the connection closes first.
func (e *End) Call(msg Message, timeout time.Duration, cb func(Message, error)) {
	if e.closed || !e.proc.Alive() {
		cb(nil, ErrClosed)
		return
	}
	e.nextID++
	id := e.nextID
	pc := &pendingCall{cb: cb}
	if e.pending == nil {
		e.pending = map[uint64]*pendingCall{}
	}
	e.pending[id] = pc
	pc.timer = e.proc.After(timeout, "", func() {
		if e.pending[id] != pc {
			return
		}
		delete(e.pending, id)
		w := e.proc.w
		b := w.tr.begin(w.now, "timeout", e.proc.name)
		b = append(b, " c"...)
		b = strconv.AppendUint(b, e.conn.id, 10)
		b = append(b, " req#"...)
		b = strconv.AppendUint(b, id, 10)
		w.tr.end(b)
		cb(nil, ErrTimeout)
	})
	e.write(packet{kind: pkRequest, id: id, msg: msg})
}

// Close closes the connection from this side; the peer sees FIN.
func (e *End) Close() {
	if !e.closed {
		e.closeLocal(CloseLocal, true)
	}
}

func (e *End) write(pk packet) {
	if e.closed {
		return
	}
	e.lastWrite = e.proc.w.now
	e.out.push(e.proc.w.net, pk)
}

// closeLocal closes this end: the OS sends FIN (queued after data already
// written), pending calls fail. notify runs the owner's callbacks, which
// only a living owner gets.
func (e *End) closeLocal(why CloseReason, notify bool) {
	if e.closed {
		return
	}
	if why == CloseLocal || why == CloseByPeer {
		e.out.push(e.proc.w.net, packet{kind: pkFIN})
	} else {
		e.out.drop()
	}
	e.finish(why, notify)
}

// vanish destroys the end with its host's power: nothing is sent.
func (e *End) vanish() {
	e.vanished = true
	e.out.drop()
	e.finish(CloseLocal, false)
}

func (e *End) finish(why CloseReason, notify bool) {
	e.closed = true
	e.why = why
	w := e.proc.w
	b := w.tr.begin(w.now, "close", e.proc.name)
	b = append(b, " c"...)
	b = strconv.AppendUint(b, e.conn.id, 10)
	b = append(b, ' ')
	b = append(b, e.remote...)
	b = append(b, ' ')
	b = append(b, why.String()...)
	w.tr.end(b)
	e.proc.removeEnd(e)
	if !notify || !e.proc.Alive() {
		e.pending = nil
		return
	}
	if len(e.pending) > 0 {
		ids := make([]uint64, 0, len(e.pending))
		for id := range e.pending {
			ids = append(ids, id)
		}
		sortU64(ids)
		pend := e.pending
		e.pending = nil
		for _, id := range ids {
			pc := pend[id]
			pc.timer.Stop()
			pc.cb(nil, ErrClosed)
		}
	}
	if e.onClose != nil {
		e.onClose(why)
	}
}

// receive handles a packet that reached this end.
func (e *End) receive(pk packet) {
	w := e.proc.w
	if e.closed {
		// The process behind this end is gone but its host answers: RST.
		if pk.kind != pkFIN && e.peer.proc.host.up {
			peer := e.peer
			w.schedule(w.now.Add(w.net.delay(e.proc.host, peer.proc.host)), func() {
				if !peer.closed {
					peer.closeLocal(CloseReset, true)
				}
			})
		}
		return
	}
	e.lastRead = w.now
	if pk.kind == pkFIN {
		e.closeLocal(CloseByPeer, true)
		return
	}
	b := w.tr.begin(w.now, "recv", e.proc.name)
	b = append(b, " <- "...)
	b = append(b, e.peer.proc.name...)
	b = append(b, " c"...)
	b = strconv.AppendUint(b, e.conn.id, 10)
	switch pk.kind {
	case pkRequest:
		b = append(b, " req#"...)
		b = strconv.AppendUint(b, pk.id, 10)
	case pkResponse:
		b = append(b, " resp#"...)
		b = strconv.AppendUint(b, pk.id, 10)
	}
	b = append(b, ' ')
	if pk.msg != nil {
		b = pk.msg.Describe(b)
	}
	w.tr.end(b)
	switch pk.kind {
	case pkResponse:
		pc := e.pending[pk.id]
		if pc == nil {
			return // already timed out: the late reply is dropped
		}
		delete(e.pending, pk.id)
		pc.timer.Stop()
		pc.cb(pk.msg, nil)
	default:
		if e.onMessage != nil {
			e.onMessage(&Inbound{End: e, Msg: pk.msg, id: pk.id, request: pk.kind == pkRequest})
		}
	}
}

func (p *Process) removeEnd(e *End) {
	for i, x := range p.ends {
		if x == e {
			copy(p.ends[i:], p.ends[i+1:])
			p.ends[len(p.ends)-1] = nil
			p.ends = p.ends[:len(p.ends)-1]
			return
		}
	}
}

func sortU64(s []uint64) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// Dial connects to addr. cb gets the end, or ErrRefused when the host
// answers but nothing listens, or ErrConnectTimeout when no answer comes
// within timeout (the SYN is retried on Linux's schedule meanwhile).
func (p *Process) Dial(addr string, timeout time.Duration, cb func(*End, error)) {
	w := p.w
	n := w.net
	start := w.now
	dst := w.hosts[hostOf(addr)]
	var attempt func(i int)
	attempt = func(i int) {
		if !p.Alive() {
			return
		}
		if dst != nil && n.PathOpen(p.host, dst) && n.PathOpen(dst, p.host) {
			rtt := n.delay(p.host, dst) + n.delay(dst, p.host)
			if w.now.Add(rtt) <= start.Add(timeout) {
				w.schedule(w.now.Add(rtt), func() { p.connectArrived(addr, dst, cb) })
				return
			}
		}
		if i < len(n.cfg.SYNRetries) && start.Add(n.cfg.SYNRetries[i]) < start.Add(timeout) {
			w.schedule(start.Add(n.cfg.SYNRetries[i]), func() { attempt(i + 1) })
			return
		}
		w.schedule(start.Add(timeout), func() {
			if p.Alive() {
				w.Trace("connect", p.name, "-> "+addr+" timeout")
				cb(nil, ErrConnectTimeout)
			}
		})
	}
	attempt(0)
}

func (p *Process) connectArrived(addr string, dst *Host, cb func(*End, error)) {
	if !p.Alive() {
		return
	}
	w := p.w
	l := w.net.listeners[addr]
	if l == nil || !l.p.Alive() || !w.net.PathOpen(dst, p.host) {
		w.Trace("connect", p.name, "-> "+addr+" refused")
		cb(nil, ErrRefused)
		return
	}
	w.net.nextConn++
	c := &Conn{id: w.net.nextConn}
	ce := &End{conn: c, proc: p, local: p.host.name, remote: addr}
	se := &End{conn: c, proc: l.p, local: addr, remote: p.name}
	ce.peer, se.peer = se, ce
	for _, e := range []*End{ce, se} {
		e.out = flow{from: e, to: e.peer, stalledSince: Never}
		e.lastRead, e.lastWrite = w.now, w.now
	}
	c.ends = [2]*End{ce, se}
	p.ends = append(p.ends, ce)
	l.p.ends = append(l.p.ends, se)
	w.Trace("connect", p.name, "-> "+addr+" c"+strconv.FormatUint(c.id, 10))
	l.accept(se)
	cb(ce, nil)
}
