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

// Conn is a connection between two processes.
type Conn struct {
	id   uint64
	ends [2]*End
}

// End is one side of a connection, owned by one process.
type End struct {
	conn     *Conn
	peer     *End
	proc     *Process
	local    string
	remote   string
	out      flow
	closed   bool
	vanished bool
	// rstInFlight: an RST answering data for this closed end is on its
	// way, so a burst of retransmitted packets draws one RST, not one each.
	rstInFlight bool
	why         CloseReason
	nextID      uint64
	pending     map[uint64]*PendingCall
	lastRead    Time
	lastWrite   Time
	onMessage   func(*Inbound)
	onClose     func(CloseReason)
	Attachment  any
}

// PendingCall is a call waiting for its reply. It is its own timeout
// event (a one-shot timer of the calling process, cancelled by settling),
// so a Call allocates one small object, not a record, a timer and two
// closures. A caller that allocates an object per call anyway can embed a
// zero PendingCall in it and pass it to CallInto, so that the call
// allocates nothing of its own.
type PendingCall struct {
	e  *End
	id uint64
	h  Replier
	// settled: the reply came or the connection closed; the timeout
	// event, still queued, then does nothing (a stopped timer).
	settled bool
}

// Replier is told a call's outcome once: the reply, ErrTimeout or
// ErrClosed. CallInto takes one instead of Call's func, so that a
// caller whose call state is already an object needs no closure for it.
type Replier interface {
	OnReply(msg Message, err error)
}

// replyFunc is Call's func as a Replier (stored in the interface as is).
type replyFunc func(Message, error)

func (f replyFunc) OnReply(msg Message, err error) { f(msg, err) }

// run is the call's timeout: unless the reply came first, the call fails.
// Like a process timer it does nothing once its process is dead.
func (pc *PendingCall) run() {
	e, id := pc.e, pc.id
	if pc.settled || !e.proc.Alive() || e.pending[id] != pc {
		return
	}
	delete(e.pending, id)
	w := e.proc.w
	b := e.traceConn(w.tr.begin(w.now, "timeout", e.proc.name), " -> ")
	b = append(b, " req#"...)
	b = strconv.AppendUint(b, id, 10)
	w.tr.end(b)
	pc.h.OnReply(nil, ErrTimeout)
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
	e.CallInto(msg, timeout, nil, replyFunc(cb))
}

// CallInto is Call with the outcome told to h. pc is nil, or the caller's
// own zero PendingCall (embedded in its per-call object), which must not
// be used for another call.
func (e *End) CallInto(msg Message, timeout time.Duration, pc *PendingCall, h Replier) {
	if e.closed || !e.proc.Alive() {
		h.OnReply(nil, ErrClosed)
		return
	}
	e.nextID++
	id := e.nextID
	if pc == nil {
		pc = &PendingCall{}
	}
	*pc = PendingCall{e: e, id: id, h: h}
	if e.pending == nil {
		e.pending = map[uint64]*PendingCall{}
	}
	e.pending[id] = pc
	// The timeout is scheduled as Process.After would (the process is
	// alive: checked above), drawing one seq.
	e.proc.w.scheduleRunner(e.proc.w.now.Add(timeout), pc)
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
	b := e.traceConn(w.tr.begin(w.now, "close", e.proc.name), " -> ")
	b = append(b, ' ')
	if e.vanished {
		b = append(b, "power-off"...)
	} else {
		b = append(b, why.String()...)
	}
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
			pc.settled = true
			pc.h.OnReply(nil, ErrClosed)
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
		if pk.kind != pkFIN {
			e.reset()
		}
		return
	}
	e.lastRead = w.now
	if pk.kind == pkFIN {
		e.closeLocal(CloseByPeer, true)
		return
	}
	b := e.traceConn(w.tr.begin(w.now, "recv", e.proc.name), " <- ")
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
		pc.settled = true
		pc.h.OnReply(pk.msg, nil)
	default:
		if e.onMessage != nil {
			e.onMessage(&Inbound{End: e, Msg: pk.msg, id: pk.id, request: pk.kind == pkRequest})
		}
	}
}

// reset answers data that reached this closed end: the process behind it
// is gone but its host is up, so the host sends RST. Like any packet, the
// RST is lost if the path back is closed when it is sent or arrives; the
// peer then stays open until its next write draws another RST.
func (e *End) reset() {
	w := e.proc.w
	n := w.net
	peer := e.peer
	from, to := e.proc.host, peer.proc.host
	if e.rstInFlight || !n.PathOpen(from, to) {
		return
	}
	e.rstInFlight = true
	b := e.traceConn(w.tr.begin(w.now, "rst", e.proc.name), " <- ")
	w.tr.end(append(b, " data for a closed socket"...))
	w.schedule(w.now.Add(n.delay(from, to)), func() {
		e.rstInFlight = false
		if !peer.closed && n.PathOpen(from, to) {
			peer.closeLocal(CloseReset, true)
		}
	})
}

// traceConn appends "<arrow><remote> c<id>" to a trace line about this end.
func (e *End) traceConn(b []byte, arrow string) []byte {
	b = append(b, arrow...)
	b = append(b, e.remote...)
	b = append(b, " c"...)
	return strconv.AppendUint(b, e.conn.id, 10)
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
