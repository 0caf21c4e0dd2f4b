package scenarios

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"rmqsim/model"
)

// Scenario is one scenario file decoded: a cluster, configuration
// overrides, programs, a fault timeline, named steps, bounds and
// expectations, plus the named variants that patch it. docs/scenarios.md
// documents every field; the field names here are the file's keys.
type Scenario struct {
	// Name is the scenario's name (the file name without .yaml).
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	// Seed is the root seed used when the caller gives none (≥ 1).
	Seed uint64 `yaml:"seed"`
	// Horizon is the virtual time the run covers.
	Horizon Duration `yaml:"horizon"`
	// Budget is the most events the run may execute; a run that needs
	// more ends "budget-exhausted" and its verdicts are unknown.
	Budget int64 `yaml:"budget"`
	// CountsFrom says where the numbers compared with a field report
	// come from: "logs" (the programs' own output, default) or
	// "dashboard" (the console's view). It changes nothing in the run;
	// the report reads it.
	CountsFrom string `yaml:"countsFrom"`

	Cluster  Cluster      `yaml:"cluster"`
	Config   Settings     `yaml:"config"`
	Programs Programs     `yaml:"programs"`
	Steps    []Step       `yaml:"steps"`
	Faults   []Fault      `yaml:"faults"`
	Expect   Expectations `yaml:"expect"`
	Judge    Judge        `yaml:"judge"`

	// Observed and Claims are an incident's observations and conclusions
	// (observed.go); they change nothing in a run.
	Observed []Observation `yaml:"observed"`
	Claims   []Claim       `yaml:"claims"`

	// Variants are the named patches declared in the file.
	Variants []Variant `yaml:"-"`
	// Variant is the variant applied to this Scenario ("" for the base).
	Variant string `yaml:"-"`
	// Path is the file the scenario came from, as errors name it.
	Path string `yaml:"-"`
	// Source is the file's bytes, for fingerprints of what was run.
	Source []byte `yaml:"-"`

	root *yaml.Node // the base document's top mapping, for variants
}

// Cluster is the deployment: model.ClusterSpec in file form.
type Cluster struct {
	Name        string        `yaml:"name"`
	NameServers []Node        `yaml:"nameservers"`
	Brokers     []BrokerGroup `yaml:"brokers"`
	Topics      []Topic       `yaml:"topics"`
	Clients     []Node        `yaml:"clients"`
	Src         Pos           `yaml:"-"`
}

// Node is a host with its IPv4 address.
type Node struct {
	Host string `yaml:"host"`
	IP   string `yaml:"ip"`
	Src  Pos    `yaml:"-"`
}

// BrokerGroup is one brokerName with its master and optional slave.
type BrokerGroup struct {
	BrokerName string `yaml:"brokerName"`
	Master     Node   `yaml:"master"`
	Slave      *Node  `yaml:"slave"`
	Src        Pos    `yaml:"-"`
}

// Topic is created on the brokers before the run (mqadmin updateTopic):
// Queues read and write queues on each broker of Brokers (all if empty).
type Topic struct {
	Name    string   `yaml:"name"`
	Queues  int      `yaml:"queues"`
	Brokers []string `yaml:"brokers"`
	Src     Pos      `yaml:"-"`
}

// Programs are the application processes around the clients.
type Programs struct {
	Producers  []Producer  `yaml:"producers"`
	Consumers  []Consumer  `yaml:"consumers"`
	Dashboards []Dashboard `yaml:"dashboards"`
}

// Lifecycle says when a program starts and, optionally, when it is
// stopped gracefully or killed (kill -9).
type Lifecycle struct {
	Start *When `yaml:"start"`
	Stop  *When `yaml:"stop"`
	Kill  *When `yaml:"kill"`
}

// Producer is model.ProducerProgramSpec in file form.
type Producer struct {
	Name         string   `yaml:"name"`
	Host         string   `yaml:"host"`
	Group        string   `yaml:"group"`
	Topic        string   `yaml:"topic"`
	Tags         string   `yaml:"tags"`
	Count        int      `yaml:"count"`
	FirstIndex   int      `yaml:"firstIndex"`
	Body         string   `yaml:"body"`
	Interval     Duration `yaml:"interval"`
	Mode         string   `yaml:"mode"`
	OnError      string   `yaml:"onError"`
	RetryBackoff Duration `yaml:"retryBackoff"`
	MaxRetries   int      `yaml:"maxRetries"`
	Lifecycle    `yaml:",inline"`
	Src          Pos `yaml:"-"`
}

// Consumer is model.ConsumerProgramSpec in file form.
type Consumer struct {
	Name          string   `yaml:"name"`
	Host          string   `yaml:"host"`
	Group         string   `yaml:"group"`
	Topic         string   `yaml:"topic"`
	SubExpression string   `yaml:"subExpression"`
	ConsumeTime   Duration `yaml:"consumeTime"`
	FailureRate   float64  `yaml:"failureRate"`
	Lifecycle     `yaml:",inline"`
	Src           Pos `yaml:"-"`
}

// Dashboard is a console (facts §7; model/app.Console): its collector
// runs from its start; its pages show what a person's Visits load.
type Dashboard struct {
	Name string `yaml:"name"`
	Host string `yaml:"host"`
	// Topics whose figures the pages report (empty: every topic of the
	// cluster); Groups whose consumer-page rows are reported (empty: none).
	Topics []string `yaml:"topics"`
	Groups []string `yaml:"groups"`
	// Visits are the person's actions: which page, when, with which
	// settings, and why.
	Visits []Visit `yaml:"visits"`
	// Reads say, for a variant that reads its counts from the console
	// (countsFrom: dashboard), which page the person read each step's
	// numbers from (steps not listed: the cluster page).
	Reads     []Read `yaml:"reads"`
	Lifecycle `yaml:",inline"`
	Src       Pos `yaml:"-"`
}

// Visit is one page a person enters at the console.
type Visit struct {
	At *When `yaml:"at"`
	// View: home, cluster, topicStatus, consumer or messagePage.
	View string `yaml:"view"`
	// Topic of a topicStatus or messagePage visit (default: the
	// dashboard's first topic).
	Topic string `yaml:"topic"`
	// AutoRefresh turns the consumer page's auto-refresh on (default off,
	// as the page opens).
	AutoRefresh bool `yaml:"autoRefresh"`
	// Begin and End, both or neither, are the message query's window
	// (default: the console profile's, around the moment of entry).
	Begin *When `yaml:"begin"`
	End   *When `yaml:"end"`
	// Why the person did it (the scenario's reason; not used by the run).
	Why string `yaml:"why"`
	Src Pos    `yaml:"-"`
}

// Read names the page a person read one step's numbers from.
type Read struct {
	Step string `yaml:"step"`
	View string `yaml:"view"`
	Why  string `yaml:"why"`
	Src  Pos    `yaml:"-"`
}

// ReadOf is the page the console reading of step comes from: the
// dashboards' reads (the first that names it), else the cluster page.
func (p *Programs) ReadOf(step string) string {
	for _, d := range p.Dashboards {
		for _, r := range d.Reads {
			if r.Step == step {
				return r.View
			}
		}
	}
	return model.ViewCluster
}

// Step is a named span of the timeline. It starts at At and ends at End,
// else at the next step's start, else at the end of the run.
type Step struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	At          *When  `yaml:"at"`
	End         *When  `yaml:"end"`
	Src         Pos    `yaml:"-"`
}

// Fault is one entry of the fault timeline. Which fields apply depends on
// Kind (see faultKinds and docs/scenarios.md).
type Fault struct {
	// Name identifies the fault for variants (optional otherwise).
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	At          *When  `yaml:"at"`
	Kind        string `yaml:"kind"`
	// Target is a host, or "host/service" (service: namesrv, broker or
	// a program's name).
	Target string `yaml:"target"`
	// Between is the two groups of hosts of a partition or heal.
	Between [][]string `yaml:"between"`
	// From and To are the hosts of a one-way block or a link change.
	From string `yaml:"from"`
	To   string `yaml:"to"`
	// Both applies a link change in both directions.
	Both bool `yaml:"both"`
	// Latency is a link's one-way delay: "5ms" or "1ms..20ms".
	Latency *Latency `yaml:"latency"`
	// Loss is a link's packet-loss probability in [0, 1).
	Loss float64 `yaml:"loss"`
	// Grace bounds a graceful stop (stop, restart, shutdown-orderly);
	// default net.shutdownGrace.
	Grace *Duration `yaml:"grace"`
	// PowerOffDelay is an OS shutdown's time to power-off; default
	// net.powerOffDelay.
	PowerOffDelay *Duration `yaml:"powerOffDelay"`
	// Boot is power-on until services start; default net.bootTime.
	Boot *Duration `yaml:"boot"`
	Src  Pos       `yaml:"-"`
}

// Judge is what the scenario declares for the judges (check.Config).
type Judge struct {
	// Groups must each receive every acknowledged message of the topics
	// they read; empty means every consumer group in the history.
	Groups []string `yaml:"groups"`
	// OrderlyGroups must receive each queue in offset order.
	OrderlyGroups []string `yaml:"orderlyGroups"`
	// LivenessBound: each acknowledged message must be delivered within
	// this long after the faults stop (or after its ack, if later); 0
	// leaves liveness unknown.
	LivenessBound Duration `yaml:"livenessBound"`
	// HealAt is when the faults stop; absent means at the last fault.
	HealAt *When `yaml:"healAt"`
	// LinearTimeout bounds porcupine's search per partition (wall clock;
	// running out gives unknown, never pass); default 10s.
	LinearTimeout *Duration `yaml:"linearTimeout"`
	// Tolerate names preset tolerances: at-least-once, async-flush,
	// async-master (package check).
	Tolerate []string `yaml:"tolerate"`
	// Tolerance lists further tolerated causes.
	Tolerance []Tolerated `yaml:"tolerance"`
	Src       Pos         `yaml:"-"`
}

// Tolerated is one cause the scenario declares acceptable (check.Tolerated).
type Tolerated struct {
	Cause    string `yaml:"cause"`
	Property string `yaml:"property"`
	Why      string `yaml:"why"`
	Src      Pos    `yaml:"-"`
}

// Variant is a named patch of the scenario (see variant.go).
type Variant struct {
	Name        string
	Description string
	// Include names variants applied before this one.
	Include []string
	node    *yaml.Node
	src     Pos
}

// ClusterSpec converts the file's cluster to the model's.
func (c *Cluster) ClusterSpec() model.ClusterSpec {
	node := func(n Node) model.NodeSpec { return model.NodeSpec{Host: n.Host, IP: n.IP} }
	spec := model.ClusterSpec{Name: c.Name}
	for _, n := range c.NameServers {
		spec.NameServers = append(spec.NameServers, node(n))
	}
	for _, b := range c.Brokers {
		g := model.BrokerGroupSpec{BrokerName: b.BrokerName, Master: node(b.Master)}
		if b.Slave != nil {
			s := node(*b.Slave)
			g.Slave = &s
		}
		spec.Brokers = append(spec.Brokers, g)
	}
	for _, t := range c.Topics {
		spec.Topics = append(spec.Topics, model.TopicSpec{Name: t.Name, Queues: t.Queues,
			BrokerNames: append([]string(nil), t.Brokers...)})
	}
	for _, n := range c.Clients {
		spec.ClientHosts = append(spec.ClientHosts, node(n))
	}
	return spec
}

// ProducerSpec converts a producer to the model's program spec.
func (p *Producer) ProducerSpec() model.ProducerProgramSpec {
	return model.ProducerProgramSpec{
		Name: p.Name, Host: p.Host, Group: p.Group, Topic: p.Topic, Tags: p.Tags,
		Count: p.Count, FirstIndex: p.FirstIndex, BodyTemplate: p.Body,
		Interval: p.Interval.D(), Mode: p.Mode, OnError: p.OnError,
		RetryBackoff: p.RetryBackoff.D(), MaxRetries: p.MaxRetries,
	}
}

// ConsumerSpec converts a consumer to the model's program spec.
func (c *Consumer) ConsumerSpec() model.ConsumerProgramSpec {
	return model.ConsumerProgramSpec{
		Name: c.Name, Host: c.Host, Group: c.Group, Topic: c.Topic,
		SubExpression: c.SubExpression, ConsumeTime: c.ConsumeTime.D(), FailureRate: c.FailureRate,
	}
}

// DashboardSpec converts a dashboard to the model's spec.
func (d *Dashboard) DashboardSpec() model.DashboardSpec {
	return model.DashboardSpec{Name: d.Name, Host: d.Host, Topics: d.Topics, Groups: d.Groups}
}

// program is what the runner needs of any program kind.
type program struct {
	name, host string
	life       *Lifecycle
	src        Pos
}

// programs lists every program in file order: producers, consumers,
// dashboards.
func (p *Programs) programs() []program {
	var out []program
	for i := range p.Producers {
		x := &p.Producers[i]
		out = append(out, program{x.Name, x.Host, &x.Lifecycle, x.Src})
	}
	for i := range p.Consumers {
		x := &p.Consumers[i]
		out = append(out, program{x.Name, x.Host, &x.Lifecycle, x.Src})
	}
	for i := range p.Dashboards {
		x := &p.Dashboards[i]
		out = append(out, program{x.Name, x.Host, &x.Lifecycle, x.Src})
	}
	return out
}

// hostServices maps every host of the scenario to the services it runs:
// "namesrv" on nameservers, "broker" on masters and slaves, and each
// program's name on its host.
func (s *Scenario) hostServices() map[string][]string {
	m := map[string][]string{}
	for _, n := range s.Cluster.NameServers {
		m[n.Host] = append(m[n.Host], "namesrv")
	}
	for _, b := range s.Cluster.Brokers {
		m[b.Master.Host] = append(m[b.Master.Host], "broker")
		if b.Slave != nil {
			m[b.Slave.Host] = append(m[b.Slave.Host], "broker")
		}
	}
	for _, n := range s.Cluster.Clients {
		if _, ok := m[n.Host]; !ok {
			m[n.Host] = nil
		}
	}
	for _, p := range s.Programs.programs() {
		m[p.host] = append(m[p.host], p.name)
	}
	return m
}

// splitTarget splits "host/service" ("host" alone: service "").
func splitTarget(t string) (host, service string) {
	host, service, _ = strings.Cut(t, "/")
	return host, service
}
