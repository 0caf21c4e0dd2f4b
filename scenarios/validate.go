package scenarios

import (
	"net/netip"
	"sort"
	"strings"

	"rmqsim/check"
	"rmqsim/model"
)

// faultKind describes one kind of fault: what it targets and which of the
// optional fields apply to it.
type faultKind struct {
	name string
	// target: "service" (a host: all its services, or host/service),
	// "host" (a host only) or "" (no target).
	target string
	// required and optional fields besides name, description, at, kind
	// and target.
	required, optional []string
}

// faultKinds are the fault kinds a timeline may use (docs/scenarios.md).
var faultKinds = []faultKind{
	{name: "kill", target: "service"},
	{name: "stop", target: "service", optional: []string{"grace"}},
	{name: "start", target: "service"},
	{name: "restart", target: "service", optional: []string{"grace"}},
	{name: "power-off", target: "host"},
	{name: "power-on", target: "host", optional: []string{"boot"}},
	{name: "shutdown-orderly", target: "host", optional: []string{"grace", "powerOffDelay"}},
	{name: "shutdown-network-first", target: "host", optional: []string{"powerOffDelay"}},
	{name: "partition", required: []string{"between"}},
	{name: "heal", optional: []string{"between"}},
	{name: "block", required: []string{"from", "to"}},
	{name: "link", required: []string{"from", "to"}, optional: []string{"latency", "loss", "both"}},
	{name: "link-reset", required: []string{"from", "to"}, optional: []string{"both"}},
}

func kindNames() []string {
	out := make([]string, len(faultKinds))
	for i, k := range faultKinds {
		out[i] = k.name
	}
	return out
}

func findKind(name string) *faultKind {
	for i := range faultKinds {
		if faultKinds[i].name == name {
			return &faultKinds[i]
		}
	}
	return nil
}

// validator checks one decoded scenario.
type validator struct {
	ps    *problems
	s     *Scenario
	hosts map[string]bool
}

// validate checks everything decoding cannot: required fields, names,
// references between parts, and configuration keys.
func validate(ps *problems, s *Scenario, top Pos) {
	v := &validator{ps: ps, s: s, hosts: map[string]bool{}}
	v.top(top)
	v.cluster()
	v.config()
	v.programs()
	v.steps()
	v.faults()
	v.expect()
	v.judge()
	v.whens()
	v.observedAndClaims()
}

func (v *validator) top(top Pos) {
	s := v.s
	if s.Name == "" {
		v.ps.at(top, "name", "required")
	}
	if s.Seed == 0 {
		v.ps.at(top, "seed", "required: the default root seed, 1 or more")
	}
	if s.Horizon <= 0 {
		v.ps.at(top, "horizon", "required: the virtual time the run covers, e.g. 20m")
	}
	if s.Budget <= 0 {
		v.ps.at(top, "budget", "required: the most events the run may execute, e.g. 20000000")
	}
	if s.CountsFrom != "" && s.CountsFrom != "logs" && s.CountsFrom != "dashboard" {
		v.ps.at(top, "countsFrom", "want logs or dashboard, got %q", s.CountsFrom)
	}
}

func (v *validator) node(n Node, parent Pos, key string) {
	if n.Src.Path == "" {
		v.ps.at(parent, key, "required: host and ip")
		return
	}
	if !nameRE.MatchString(n.Host) {
		v.ps.at(n.Src, "host", "want a host name (letters, digits, '-', '_', '.'), got %q", n.Host)
	} else if v.hosts[n.Host] {
		v.ps.at(n.Src, "host", "host %q declared twice", n.Host)
	}
	v.hosts[n.Host] = true
	if a, err := netip.ParseAddr(n.IP); err != nil || !a.Is4() {
		v.ps.at(n.Src, "ip", "want an IPv4 address, got %q", n.IP)
	}
}

func (v *validator) cluster() {
	c := &v.s.Cluster
	if c.Name == "" {
		v.ps.at(c.Src, "name", "required: the brokerClusterName")
	}
	if len(c.NameServers) == 0 {
		v.ps.at(c.Src, "nameservers", "required: at least one nameserver")
	}
	for _, n := range c.NameServers {
		v.node(n, c.Src, "nameservers")
	}
	brokers := map[string]bool{}
	for _, b := range c.Brokers {
		if !nameRE.MatchString(b.BrokerName) || brokers[b.BrokerName] {
			v.ps.at(b.Src, "brokerName", "want a unique broker name, got %q", b.BrokerName)
		}
		brokers[b.BrokerName] = true
		v.node(b.Master, b.Src, "master")
		if b.Slave != nil {
			v.node(*b.Slave, b.Src, "slave")
		}
	}
	for _, t := range c.Topics {
		if t.Name == "" {
			v.ps.at(t.Src, "name", "required")
		}
		if t.Queues < 1 {
			v.ps.at(t.Src, "queues", "want 1 or more queues per broker, got %d", t.Queues)
		}
		for _, b := range t.Brokers {
			if !brokers[b] {
				v.ps.at(t.Src, "brokers", "no broker group %q in the cluster", b)
			}
		}
	}
	for _, n := range c.Clients {
		v.node(n, c.Src, "clients")
	}
}

func (v *validator) config() {
	cfg := model.DefaultConfig()
	for _, st := range v.s.Config {
		if err := cfg.Set(st.Key, st.Value); err != nil {
			v.ps.add(st.Line, st.Path, "%v", err)
		}
	}
}

func (v *validator) programs() {
	seen := map[string]bool{"namesrv": true, "broker": true}
	for _, p := range v.s.Programs.programs() {
		switch {
		case !nameRE.MatchString(p.name):
			v.ps.at(p.src, "name", "want a program name (letters, digits, '-', '_', '.'), got %q", p.name)
		case seen[p.name]:
			v.ps.at(p.src, "name", "name %q is taken (program names are unique; namesrv and broker are reserved)", p.name)
		}
		seen[p.name] = true
		if !v.hosts[p.host] {
			v.ps.at(p.src, "host", "no host %q in the cluster (declare it under cluster.clients)", p.host)
		}
		if p.life.Start == nil {
			v.ps.at(p.src, "start", "required: when the program starts")
		}
	}
	for _, p := range v.s.Programs.Producers {
		v.required(p.Src, map[string]string{"group": p.Group, "topic": p.Topic, "body": p.Body})
		if p.Count < 1 {
			v.ps.at(p.Src, "count", "want 1 or more messages, got %d", p.Count)
		}
		v.oneOf(p.Src, "mode", p.Mode, "sync", "async", "oneway")
		v.oneOf(p.Src, "onError", p.OnError, "abort", "linger", "continue", "retry")
		if p.MaxRetries < 0 || p.FirstIndex < 0 {
			v.ps.at(p.Src, "maxRetries", "maxRetries and firstIndex cannot be negative")
		}
	}
	for _, d := range v.s.Programs.Dashboards {
		v.dashboard(d)
	}
	for _, c := range v.s.Programs.Consumers {
		v.required(c.Src, map[string]string{"group": c.Group, "topic": c.Topic})
		if c.FailureRate < 0 || c.FailureRate > 1 {
			v.ps.at(c.Src, "failureRate", "want a probability in [0, 1], got %g", c.FailureRate)
		}
	}
}

// dashboard checks a console's topics, visits and reads.
func (v *validator) dashboard(d Dashboard) {
	topics := map[string]bool{}
	for _, t := range v.s.Cluster.Topics {
		topics[t.Name] = true
	}
	for _, t := range d.Topics {
		if !topics[t] {
			v.ps.at(d.Src, "topics", "no topic %q in the cluster", t)
		}
	}
	for _, vi := range d.Visits {
		v.oneOf(vi.Src, "view", vi.View, model.ConsoleViews...)
		if vi.View == "" {
			v.ps.at(vi.Src, "view", "required: the page entered (one of %s)", strings.Join(model.ConsoleViews, ", "))
		}
		if vi.At == nil {
			v.ps.at(vi.Src, "at", "required: when the page is entered")
		}
		if vi.Topic != "" && !topics[vi.Topic] {
			v.ps.at(vi.Src, "topic", "no topic %q in the cluster", vi.Topic)
		}
		if vi.Topic != "" && vi.View != model.ViewTopicStatus && vi.View != model.ViewMessagePage {
			v.ps.at(vi.Src, "topic", "only a topicStatus or messagePage visit has a topic")
		}
		if vi.AutoRefresh && vi.View != model.ViewConsumer {
			v.ps.at(vi.Src, "autoRefresh", "only the consumer page has auto-refresh")
		}
		if (vi.Begin == nil) != (vi.End == nil) {
			v.ps.at(vi.Src, "begin", "give both begin and end of the message query's window, or neither")
		}
		if vi.Begin != nil && vi.View != model.ViewMessagePage {
			v.ps.at(vi.Src, "begin", "only a messagePage visit has a query window")
		}
	}
	steps := map[string]bool{}
	for _, st := range v.s.Steps {
		steps[st.Name] = true
	}
	for _, r := range d.Reads {
		if !steps[r.Step] {
			v.ps.at(r.Src, "step", "no step %q", r.Step)
		}
		v.oneOf(r.Src, "view", r.View, model.ConsoleViews...)
		if r.View == "" {
			v.ps.at(r.Src, "view", "required: the page the step's numbers were read from")
		}
	}
}

func (v *validator) required(src Pos, fields map[string]string) {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if fields[k] == "" {
			v.ps.at(src, k, "required")
		}
	}
}

func (v *validator) oneOf(src Pos, key, val string, allowed ...string) {
	if val != "" && !contains(allowed, val) {
		v.ps.at(src, key, "want one of %s, got %q", strings.Join(allowed, ", "), val)
	}
}

func (v *validator) steps() {
	seen := map[string]bool{}
	for _, st := range v.s.Steps {
		if !nameRE.MatchString(st.Name) || seen[st.Name] {
			v.ps.at(st.Src, "name", "want a unique step name (letters, digits, '-', '_', '.'), got %q", st.Name)
		}
		seen[st.Name] = true
		if st.At == nil {
			v.ps.at(st.Src, "at", "required: when the step starts")
		}
	}
}

func (v *validator) expect() {
	for _, e := range v.s.Expect {
		if !contains(properties, e.Property) {
			v.ps.add(e.Line, e.Path, "unknown property %q (want one of %s)", e.Property, strings.Join(properties, ", "))
		}
	}
}

func (v *validator) judge() {
	j := &v.s.Judge
	for _, name := range j.Tolerate {
		if tolerancePresets[name] == nil {
			v.ps.at(j.Src, "tolerate", "unknown tolerance %q (want one of at-least-once, async-flush, async-master)", name)
		}
	}
	for _, t := range j.Tolerance {
		if err := (check.Tolerance{t.check()}).Validate(); err != nil {
			v.ps.at(t.Src, "cause", "%s", strings.TrimPrefix(err.Error(), "tolerance[0]: "))
		}
	}
	if j.LinearTimeout != nil && *j.LinearTimeout <= 0 {
		v.ps.at(j.Src, "linearTimeout", "want a positive duration")
	}
}
