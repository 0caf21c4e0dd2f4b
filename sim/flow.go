package sim

import "strconv"

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
// the head has an arrival event scheduled, so no packet overtakes another
// (a packet drawn a shorter delay than its predecessor arrives right after
// it). A head that finds the path closed stalls the flow (a black hole:
// writes still succeed locally) until the path opens, the peer resets, or
// the give-up time passes.
type flow struct {
	from, to     *End
	q            []packet
	head         int
	scheduled    bool
	stalledSince Time
	stallEpoch   int
	// boot is the sending host's power epoch when the connection opened:
	// after a power cycle its socket buffers are gone, so nothing queued
	// in the old boot is ever delivered.
	boot int
}

func (f *flow) init(from *End) {
	*f = flow{from: from, to: from.peer, stalledSince: Never, boot: from.proc.host.powerEpoch}
}

// run is the head packet's arrival event: the flow is its own runner, so
// arming it allocates nothing.
func (f *flow) run() { f.arrive(f.from.proc.w.net) }

func (f *flow) isStalled() bool { return f.stalledSince != Never }

func (f *flow) len() int { return len(f.q) - f.head }

func (f *flow) push(n *Network, pk packet) {
	pk.at = n.w.now.Add(n.delay(f.from.proc.host, f.to.proc.host))
	if len(f.q) == cap(f.q) && f.head > 0 {
		// Full, with delivered packets at the front: a flow that never
		// drains (a steady stream) reuses that room instead of growing.
		k := copy(f.q, f.q[f.head:])
		clear(f.q[k:])
		f.q, f.head = f.q[:k], 0
	}
	f.q = append(f.q, pk)
	if !f.scheduled && !f.isStalled() {
		f.arm(n, pk.at)
	}
}

func (f *flow) arm(n *Network, at Time) {
	f.scheduled = true
	n.w.scheduleRunner(at, f)
}

// resume restarts a stalled flow whose path opened: the held data is
// retransmitted at at, in order.
func (f *flow) resume(at Time) {
	f.stalledSince = Never
	f.stallEpoch++
	n := f.from.proc.w.net
	if f.len() > 0 && !f.scheduled {
		f.trace("resume", "held, retransmitted at "+string(at.AppendMicros(nil)))
		f.arm(n, at.Add(n.delay(f.from.proc.host, f.to.proc.host)))
	}
}

func (f *flow) drop() {
	clear(f.q)
	f.q, f.head = f.q[:0], 0
}

func (f *flow) arrive(n *Network) {
	f.scheduled = false
	if f.len() == 0 {
		return
	}
	if f.from.proc.host.powerEpoch != f.boot {
		f.drop() // the sender's host lost power with these packets
		return
	}
	if !n.PathOpen(f.from.proc.host, f.to.proc.host) {
		f.stall(n)
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

// stall holds the flow until the path opens (topologyChanged), and closes
// the sender's end if it is still held after the TCP give-up time.
func (f *flow) stall(n *Network) {
	f.stalledSince = n.w.now
	f.stallEpoch++
	epoch := f.stallEpoch
	n.stalled = append(n.stalled, f)
	f.trace("stall", "held, path closed")
	n.w.schedule(n.w.now.Add(n.cfg.GiveUp), func() {
		if f.stallEpoch == epoch && f.isStalled() && !f.from.closed {
			f.from.closeLocal(CloseGiveUp, true)
		}
	})
}

// trace writes "<kind> <sender> -> <remote> c<id> <n> <what>"; it runs only
// when a fault changes a flow, never per packet.
func (f *flow) trace(kind, what string) {
	e := f.from
	w := e.proc.w
	b := e.traceConn(w.tr.begin(w.now, kind, e.proc.name), " -> ")
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(f.len()), 10)
	b = append(b, " packet(s) "...)
	b = append(b, what...)
	w.tr.end(b)
}
