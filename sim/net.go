package sim

import (
	"maps"
	"slices"
	"strings"
	"time"
)

// Latency is a per-packet one-way delay drawn uniformly from [Min, Max].
type Latency struct{ Min, Max time.Duration }

// Link describes one direction between two hosts.
type Link struct {
	Latency Latency
	// Loss is the probability that a packet is lost once; TCP retransmits
	// it after the retransmission timeout, so loss shows as delay.
	Loss float64
}

// NetConfig holds the network's parameters.
type NetConfig struct {
	// Default is the link between two different hosts (LAN: 100–400 µs).
	Default Link
	// Loopback is the link within one host.
	Loopback Link
	// GiveUp is how long a connection retransmits unacknowledged data
	// before the OS drops it (Linux tcp_retries2=15: about 15 min, facts §3.5).
	GiveUp time.Duration
	// RTOMin and RTOMax bound TCP's retransmission timeout, which doubles
	// on every retransmission.
	RTOMin, RTOMax time.Duration
	// SYNRetries are the offsets after a dial at which a SYN is sent again
	// while the path is closed (Linux: 1 s, 3 s, 7 s, 15 s, ...).
	SYNRetries []time.Duration
}

// DefaultNetConfig returns a LAN with Linux's TCP timings.
func DefaultNetConfig() NetConfig {
	return NetConfig{
		Default:    Link{Latency: Latency{Min: 100 * time.Microsecond, Max: 400 * time.Microsecond}},
		Loopback:   Link{Latency: Latency{Min: 20 * time.Microsecond, Max: 20 * time.Microsecond}},
		GiveUp:     15 * time.Minute,
		RTOMin:     200 * time.Millisecond,
		RTOMax:     120 * time.Second,
		SYNRetries: []time.Duration{time.Second, 3 * time.Second, 7 * time.Second, 15 * time.Second, 31 * time.Second},
	}
}

type linkKey struct{ from, to string }

// Network connects processes by address "<host>:<port>".
type Network struct {
	w         *World
	cfg       NetConfig
	rng       *Rand
	links     map[linkKey]Link
	blocked   map[linkKey]bool
	listeners map[string]*listener
	stalled   []*flow
	nextConn  uint64
}

type listener struct {
	p      *Process
	accept func(*End)
}

func newNetwork(w *World) *Network {
	return &Network{w: w, cfg: DefaultNetConfig(), rng: w.Rand("net"),
		links: map[linkKey]Link{}, blocked: map[linkKey]bool{}, listeners: map[string]*listener{}}
}

// Config returns the network's parameters.
func (n *Network) Config() NetConfig { return n.cfg }

// SetConfig replaces the network's parameters.
func (n *Network) SetConfig(c NetConfig) { n.cfg = c }

// SetLink overrides the link from one host to another (one direction).
func (n *Network) SetLink(from, to string, l Link) {
	n.w.Tracef("fault", from+"->"+to, "link latency=%v..%v loss=%g", l.Latency.Min, l.Latency.Max, l.Loss)
	n.links[linkKey{from, to}] = l
}

// ResetLink removes an override.
func (n *Network) ResetLink(from, to string) {
	n.w.Trace("fault", from+"->"+to, "link reset")
	delete(n.links, linkKey{from, to})
}

// Block cuts one direction (one-way partition): packets from → to stall.
func (n *Network) Block(from, to string) {
	n.w.Trace("fault", from+"->"+to, "block")
	n.blocked[linkKey{from, to}] = true
}

// Partition cuts both directions between every host of a and every host of b.
func (n *Network) Partition(a, b []string) {
	n.w.Trace("fault", strings.Join(a, ",")+"|"+strings.Join(b, ","), "partition")
	for _, x := range a {
		for _, y := range b {
			n.blocked[linkKey{x, y}] = true
			n.blocked[linkKey{y, x}] = true
		}
	}
}

// Heal removes every partition and block.
func (n *Network) Heal() {
	n.w.Trace("fault", "network", "heal")
	clear(n.blocked)
	n.topologyChanged()
}

// HealBetween removes the cuts between a and b (both directions).
func (n *Network) HealBetween(a, b []string) {
	n.w.Trace("fault", strings.Join(a, ",")+"|"+strings.Join(b, ","), "heal")
	for _, x := range a {
		for _, y := range b {
			delete(n.blocked, linkKey{x, y})
			delete(n.blocked, linkKey{y, x})
		}
	}
	n.topologyChanged()
}

// PathOpen reports whether a packet from host a can reach host b now.
func (n *Network) PathOpen(a, b *Host) bool {
	return a.up && a.netUp && b.up && b.netUp &&
		(len(n.blocked) == 0 || !n.blocked[linkKey{a.name, b.name}])
}

func (n *Network) link(a, b *Host) Link {
	if a == b {
		return n.cfg.Loopback
	}
	if len(n.links) > 0 {
		if l, ok := n.links[linkKey{a.name, b.name}]; ok {
			return l
		}
	}
	return n.cfg.Default
}

// delay draws a one-way delay from a to b, loss showing as retransmissions.
func (n *Network) delay(a, b *Host) time.Duration {
	l := n.link(a, b)
	d := n.rng.Duration(l.Latency.Min, l.Latency.Max)
	rto := n.cfg.RTOMin
	for i := 0; l.Loss > 0 && i < 15 && n.rng.Float64() < l.Loss; i++ {
		d += rto
		rto = min(2*rto, n.cfg.RTOMax)
	}
	return d
}

// nextRetransmit is the first retransmission time at or after now for data
// unacknowledged since since (RTO doubling from RTOMin, capped at RTOMax).
func (n *Network) nextRetransmit(since Time) Time {
	t, rto := since, n.cfg.RTOMin
	for t < n.w.now {
		t = t.Add(rto)
		rto = min(2*rto, n.cfg.RTOMax)
	}
	return t
}

// Listen makes the process accept connections on "<host>:<port>" and
// returns that address. On a dead process it does nothing.
func (p *Process) Listen(port string, accept func(*End)) string {
	addr := p.host.name + ":" + port
	if !p.Alive() {
		return addr
	}
	if l := p.w.net.listeners[addr]; l != nil && l.p.Alive() {
		panic("sim: address in use " + addr)
	}
	p.w.net.listeners[addr] = &listener{p: p, accept: accept}
	return addr
}

func (n *Network) unlisten(p *Process) {
	for _, a := range slices.Sorted(maps.Keys(n.listeners)) {
		if n.listeners[a].p == p {
			delete(n.listeners, a)
		}
	}
}

func hostOf(addr string) string {
	if i := strings.LastIndexByte(addr, ':'); i >= 0 {
		return addr[:i]
	}
	return addr
}

// topologyChanged restarts stalled flows whose path opened: their data is
// retransmitted at TCP's next retransmission time.
func (n *Network) topologyChanged() {
	if len(n.stalled) == 0 {
		return
	}
	keep := n.stalled[:0]
	for _, f := range n.stalled {
		if !f.isStalled() {
			continue
		}
		if n.PathOpen(f.from.proc.host, f.to.proc.host) {
			f.resume(n.nextRetransmit(f.stalledSince))
			continue
		}
		keep = append(keep, f)
	}
	clear(n.stalled[len(keep):])
	n.stalled = keep
}

// hostDown forgets flows that the host's power loss destroyed.
func (n *Network) hostDown(h *Host) {
	keep := n.stalled[:0]
	for _, f := range n.stalled {
		if f.from.proc.host != h && f.isStalled() {
			keep = append(keep, f)
		}
	}
	clear(n.stalled[len(keep):])
	n.stalled = keep
}
