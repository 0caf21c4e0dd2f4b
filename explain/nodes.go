package explain

import (
	"sort"
	"strings"
	"time"

	"rmqsim/history"
	"rmqsim/model"
)

// Node roles.
const (
	RoleNameServer   = "nameserver"
	RoleBrokerMaster = "master"
	RoleBrokerSlave  = "slave"
)

// Node is a nameserver or broker host.
type Node struct {
	Host string `json:"host"`
	Role string `json:"role"`
	// Broker is the brokerName of a broker host.
	Broker string `json:"broker,omitempty"`
}

// Label names the node for readers: "nameserver01", "master01 (broker-a
// master)".
func (n Node) Label() string {
	if n.Broker == "" {
		return n.Host
	}
	return n.Host + " (" + n.Broker + " " + n.Role + ")"
}

// Outage is a span during which a node was down: its host powered off or
// its network down, or its process not running.
type Outage struct {
	From time.Duration `json:"from"`
	// To is when it came back; the horizon if it never did.
	To time.Duration `json:"to"`
	// Why is the fault or exit that took it down (e.g. shutdown-orderly).
	Why     string `json:"why"`
	Ongoing bool   `json:"ongoing,omitempty"`
}

// NodeTimeline is a node's outages over a run.
type NodeTimeline struct {
	Node
	Outages []Outage `json:"outages"`
}

// transition is a change of a node's state at record seq.
type transition struct {
	seq int
	at  time.Duration
	up  bool
	why string
}

// hostState follows one tracked host through the history.
type hostState struct {
	node    Node
	running map[string]bool // its live processes
	netDown bool
	up      bool
	started bool // a ProcStart has been seen
	fault   string
	trans   []transition
}

// nodes is the up/down history of every nameserver and broker host, and
// the link faults (partitions, delay, loss) with their spans.
type nodes struct {
	order  []*hostState
	byHost map[string]*hostState
	links  []linkFault
}

// linkFault is a fault on the network, not on one host.
type linkFault struct {
	from, to int // record seqs; to = -1 while active
	text     string
	target   string
}

// nodeSpecs lists the nameserver and broker hosts, from the cluster spec
// or, without one, from the history.
func nodeSpecs(h *history.History, c *model.ClusterSpec) []Node {
	if c != nil {
		var out []Node
		for _, n := range c.NameServers {
			out = append(out, Node{Host: n.Host, Role: RoleNameServer})
		}
		for _, b := range c.Brokers {
			out = append(out, Node{Host: b.Master.Host, Role: RoleBrokerMaster, Broker: b.BrokerName})
			if b.Slave != nil {
				out = append(out, Node{Host: b.Slave.Host, Role: RoleBrokerSlave, Broker: b.BrokerName})
			}
		}
		return out
	}
	return inferNodes(h)
}

// inferNodes finds nameservers in NameServer addresses and in processes
// whose service is a nameserver, and brokers in Stored records (the first
// copy of a position is the master's).
func inferNodes(h *history.History) []Node {
	seen := map[string]bool{}
	var ns, brokers []Node
	type pos struct {
		broker string
		queue  int
		offset int64
	}
	firstAt := map[pos]bool{}
	for _, rec := range h.All() {
		r := &rec
		nsHost := hostOf(r.NameServer)
		if r.Kind == history.ProcStart && isNameServerService(programName(r.Proc)) {
			nsHost = hostOf(r.Proc)
		}
		if nsHost != "" && !seen[nsHost] {
			seen[nsHost] = true
			ns = append(ns, Node{Host: nsHost, Role: RoleNameServer})
		}
		if r.Kind != history.Stored || r.Proc == "" {
			continue
		}
		p := pos{r.Broker, r.QueueID, r.QueueOffset}
		role := RoleBrokerSlave
		if !firstAt[p] && !isReplica(r) {
			firstAt[p], role = true, RoleBrokerMaster
		}
		if host := hostOf(r.Proc); !seen[host] {
			seen[host] = true
			brokers = append(brokers, Node{Host: host, Role: role, Broker: r.Broker})
		}
	}
	sort.SliceStable(ns, func(i, j int) bool { return ns[i].Host < ns[j].Host })
	sort.SliceStable(brokers, func(i, j int) bool { return brokers[i].Host < brokers[j].Host })
	return append(ns, brokers...)
}

func isNameServerService(s string) bool {
	return strings.Contains(s, "namesrv") || strings.Contains(s, "nameserver")
}

// buildNodes follows every node through the history.
func buildNodes(h *history.History, specs []Node) *nodes {
	ns := &nodes{byHost: map[string]*hostState{}}
	for _, n := range specs {
		s := &hostState{node: n, running: map[string]bool{}, up: true}
		ns.order = append(ns.order, s)
		ns.byHost[n.Host] = s
	}
	for i, rec := range h.AllOf(history.ProcStart, history.ProcExit, history.Fault) {
		r := &rec
		switch r.Kind {
		case history.ProcStart, history.ProcExit:
			if s := ns.byHost[hostOf(r.Proc)]; s != nil {
				s.procEvent(i, r)
			}
		case history.Fault:
			ns.fault(i, r)
		}
	}
	return ns
}

// procEvent applies a process start or exit on the host.
func (s *hostState) procEvent(i int, r *history.Record) {
	if r.Kind == history.ProcStart {
		s.started = true
		s.running[r.Proc] = true
		s.netDown = false
		s.fault = ""
	} else {
		delete(s.running, r.Proc)
	}
	why := faultKind(r.Detail)
	if s.fault != "" {
		why = s.fault
	}
	s.set(i, r.At, why)
}

// set records a transition if the host's state changed.
func (s *hostState) set(i int, at time.Duration, why string) {
	up := !s.netDown && (len(s.running) > 0 || !s.started)
	if up == s.up {
		return
	}
	s.up = up
	s.trans = append(s.trans, transition{seq: i, at: at, up: up, why: why})
}

// hostDownFaults take a host off the network at the moment of the fault;
// processDownFaults act through the process exits they cause, and
// hostUpFaults through the process starts, so both count at the fault
// itself only for a host whose processes leave no records.
var (
	hostDownFaults    = map[string]bool{"power-off": true, "shutdown-network-first": true, "network-down": true}
	processDownFaults = map[string]bool{"kill": true, "stop": true, "shutdown-orderly": true}
	hostUpFaults      = map[string]bool{"power-on": true, "restart": true, "start": true}
)

// fault applies a Fault record: a host fault or a link fault.
func (ns *nodes) fault(i int, r *history.Record) {
	kind := faultKind(r.Detail)
	if s := ns.byHost[hostOf(r.Target)]; s != nil && !strings.ContainsAny(r.Target, ",|") {
		s.fault = kind
		switch {
		case hostDownFaults[kind] || !s.started && processDownFaults[kind]:
			s.netDown = true
			s.set(i, r.At, kind)
		case !s.started && hostUpFaults[kind]:
			s.netDown = false
			s.set(i, r.At, kind)
		}
		return
	}
	switch kind {
	case "heal":
		for k := range ns.links {
			if l := &ns.links[k]; l.to < 0 && (r.Target == "" || r.Target == "network" || r.Target == l.target) {
				l.to = i
			}
		}
	case "partition", "block", "delay", "loss", "link":
		text := r.Detail
		if r.Target != "" && !strings.Contains(text, r.Target) {
			text += " " + r.Target
		}
		ns.links = append(ns.links, linkFault{from: i, to: -1, text: text, target: r.Target})
	}
}

// faultKind is the first word of a fault's Detail ("power-off",
// "partition", ...).
func faultKind(detail string) string {
	if i := strings.IndexAny(detail, " :("); i >= 0 {
		return detail[:i]
	}
	return detail
}

// downAt reports whether host was down just after record seq, since when
// and why. Unknown hosts are up.
func (ns *nodes) downAt(host string, seq int) (since time.Duration, why string, down bool) {
	s := ns.byHost[host]
	if s == nil {
		return 0, "", false
	}
	k := sort.Search(len(s.trans), func(k int) bool { return s.trans[k].seq > seq })
	if k == 0 {
		return 0, "", false
	}
	t := s.trans[k-1]
	if t.up {
		return 0, "", false
	}
	return t.at, t.why, true
}

// role lists the tracked hosts with a role, in spec order.
func (ns *nodes) role(role string) []Node {
	var out []Node
	for _, s := range ns.order {
		if s.node.Role == role {
			out = append(out, s.node)
		}
	}
	return out
}

// brokerHosts lists the hosts of brokerName (master first).
func (ns *nodes) brokerHosts(broker string) []Node {
	var out []Node
	for _, s := range ns.order {
		if s.node.Broker == broker {
			out = append(out, s.node)
		}
	}
	return out
}

// linksAt lists the link faults active just after record seq.
func (ns *nodes) linksAt(seq int) []string {
	var out []string
	for _, l := range ns.links {
		if l.from <= seq && (l.to < 0 || l.to > seq) {
			out = append(out, l.text)
		}
	}
	return out
}

// timelines turns the transitions into outages up to horizon.
func (ns *nodes) timelines(horizon time.Duration) []NodeTimeline {
	out := make([]NodeTimeline, 0, len(ns.order))
	for _, s := range ns.order {
		tl := NodeTimeline{Node: s.node, Outages: []Outage{}}
		for _, t := range s.trans {
			n := len(tl.Outages)
			switch {
			case !t.up && (n == 0 || !tl.Outages[n-1].Ongoing):
				tl.Outages = append(tl.Outages, Outage{From: t.at, To: horizon, Why: t.why, Ongoing: true})
			case t.up && n > 0 && tl.Outages[n-1].Ongoing:
				tl.Outages[n-1].To, tl.Outages[n-1].Ongoing = t.at, false
			}
		}
		out = append(out, tl)
	}
	return out
}

// Availability is every nameserver's and broker's outages over the run,
// in cluster order; horizon 0 means the last record's time.
func Availability(h *history.History, c *model.ClusterSpec, horizon time.Duration) []NodeTimeline {
	if horizon == 0 {
		horizon = lastAt(h)
	}
	return buildNodes(h, nodeSpecs(h, c)).timelines(horizon)
}

// lastAt is the time of the last record.
func lastAt(h *history.History) time.Duration {
	last, _ := h.Last()
	return last.At
}
