package sim

import (
	"strconv"
	"time"
)

// Dial connects to addr. cb gets the end, or ErrRefused when the host
// answers but nothing listens, or ErrConnectTimeout when no answer comes
// within timeout. A SYN (or its SYN-ACK) that finds the path closed is
// lost, and the SYN is sent again on Linux's schedule (NetConfig.SYNRetries,
// offsets from the dial) until the timeout.
func (p *Process) Dial(addr string, timeout time.Duration, cb func(*End, error)) {
	if !p.Alive() {
		return
	}
	w := p.w
	n := w.net
	start := w.now
	deadline := start.Add(timeout)
	dst := w.hosts[hostOf(addr)]
	w.Trace("dial", p.name, "-> "+addr)
	var attempt, retry func(i int)
	// attempt sends the SYN; i is the index of the next SYN retry.
	attempt = func(i int) {
		if !p.Alive() {
			return
		}
		if i > 0 {
			w.Trace("dial", p.name, "-> "+addr+" SYN retry "+strconv.Itoa(i))
		}
		if dst == nil || !n.PathOpen(p.host, dst) || !n.PathOpen(dst, p.host) {
			retry(i)
			return
		}
		rtt := n.delay(p.host, dst) + n.delay(dst, p.host)
		if w.now.Add(rtt) > deadline {
			retry(i)
			return
		}
		w.schedule(w.now.Add(rtt), func() {
			if !p.Alive() {
				return
			}
			if !n.PathOpen(p.host, dst) || !n.PathOpen(dst, p.host) {
				retry(i) // the path closed during the handshake
				return
			}
			p.connectArrived(addr, start, cb)
		})
	}
	retry = func(i int) {
		syn := n.cfg.SYNRetries
		for i < len(syn) && start.Add(syn[i]) <= w.now {
			i++
		}
		if i < len(syn) && start.Add(syn[i]) < deadline {
			w.schedule(start.Add(syn[i]), func() { attempt(i + 1) })
			return
		}
		w.schedule(deadline, func() {
			if p.Alive() {
				w.Trace("connect", p.name, "-> "+addr+" timeout after "+timeout.String())
				cb(nil, ErrConnectTimeout)
			}
		})
	}
	attempt(0)
}

// connectArrived completes a handshake that crossed an open path: either a
// listener accepts, or the host answers RST.
func (p *Process) connectArrived(addr string, start Time, cb func(*End, error)) {
	w := p.w
	l := w.net.listeners[addr]
	if l == nil || !l.p.Alive() {
		w.Trace("connect", p.name, "-> "+addr+" refused after "+w.now.Sub(start).String())
		cb(nil, ErrRefused)
		return
	}
	w.net.nextConn++
	c := &Conn{id: w.net.nextConn}
	ce := &End{conn: c, proc: p, local: p.host.name, remote: addr}
	se := &End{conn: c, proc: l.p, local: addr, remote: p.name}
	ce.peer, se.peer = se, ce
	for _, e := range []*End{ce, se} {
		e.out.init(e)
		e.lastRead, e.lastWrite = w.now, w.now
	}
	c.ends = [2]*End{ce, se}
	p.ends = append(p.ends, ce)
	l.p.ends = append(l.p.ends, se)
	b := ce.traceConn(w.tr.begin(w.now, "connect", p.name), " -> ")
	w.tr.end(append(b, " established"...))
	l.accept(se)
	cb(ce, nil)
}
