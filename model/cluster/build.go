package cluster

import (
	"fmt"
	"time"

	"rmqsim/history"
	"rmqsim/model"
	"rmqsim/model/app"
	"rmqsim/model/broker"
	"rmqsim/model/namesrv"
	"rmqsim/sim"
)

// Service names registered on the hosts.
const (
	ServiceNamesrv = "namesrv"
	ServiceBroker  = "broker"
)

// Programs are the application programs of a run, each a service named
// by its Name on its Host.
type Programs struct {
	Producers  []model.ProducerProgramSpec
	Consumers  []model.ConsumerProgramSpec
	Dashboards []model.DashboardSpec
}

// Cluster is a RocketMQ deployment wired into a sim.World: one host per
// node, a "namesrv" service on nameserver hosts, a "broker" service on
// broker hosts, one service per program. Build starts nothing.
type Cluster struct {
	W   *sim.World
	Env *model.Env
	// The current (latest) incarnation of each component, by host (and
	// program name for programs); kept for tests and observers.
	NameServers map[string]*namesrv.NameServer
	Brokers     map[string]*broker.Broker
	Producers   map[string]*app.ProducerProgram
	Consumers   map[string]*app.ConsumerProgram
	Dashboards  map[string]*app.Console
	programHost map[string]string
}

// Build wires env.Cluster and progs into w: it applies env.Cfg.Net to the
// network (latency, TCP give-up), adds the hosts, registers the services
// (programs are manual: a power-on does not start them) and seeds each
// broker host's topics.json (synced) from the TopicSpecs. Every process
// start and exit is recorded (ProcStart, ProcExit). It returns an error
// naming the bad field for an inconsistent spec.
func Build(w *sim.World, env *model.Env, progs Programs) (*Cluster, error) {
	if err := validate(env.Cluster, progs); err != nil {
		return nil, err
	}
	c := &Cluster{W: w, Env: env, NameServers: map[string]*namesrv.NameServer{}, Brokers: map[string]*broker.Broker{},
		Producers: map[string]*app.ProducerProgram{}, Consumers: map[string]*app.ConsumerProgram{},
		Dashboards: map[string]*app.Console{}, programHost: map[string]string{}}
	c.applyNet()
	for _, n := range env.Cluster.NameServers {
		n := n
		c.host(n.Host).AddService(ServiceNamesrv, c.boot(func(p *sim.Process) {
			c.NameServers[n.Host] = namesrv.Start(p, env, n)
		}))
	}
	for _, g := range env.Cluster.Brokers {
		g := g
		c.addBroker(g, g.Master, false)
		if g.Slave != nil {
			c.addBroker(g, *g.Slave, true)
		}
	}
	for _, n := range env.Cluster.ClientHosts {
		c.host(n.Host)
	}
	c.addPrograms(progs)
	return c, nil
}

func (c *Cluster) addBroker(g model.BrokerGroupSpec, n model.NodeSpec, slave bool) {
	h := c.host(n.Host)
	h.AddService(ServiceBroker, c.boot(func(p *sim.Process) {
		c.Brokers[n.Host] = broker.Start(p, c.Env, g, slave)
	}))
	blob := h.Disk().Blob(broker.TopicsPath)
	blob.Write(c.W.Now(), TopicConfigs(c.Env.Cluster, g.BrokerName))
	blob.Sync()
}

func (c *Cluster) addPrograms(progs Programs) {
	for _, s := range progs.Producers {
		s := s
		c.addProgram(s.Host, s.Name, func(p *sim.Process) { c.Producers[s.Name] = app.StartProducer(p, c.Env, s) })
	}
	for _, s := range progs.Consumers {
		s := s
		c.addProgram(s.Host, s.Name, func(p *sim.Process) { c.Consumers[s.Name] = app.StartConsumer(p, c.Env, s) })
	}
	for _, s := range progs.Dashboards {
		s := s
		c.addProgram(s.Host, s.Name, func(p *sim.Process) { c.Dashboards[s.Name] = app.StartDashboard(p, c.Env, s) })
	}
}

func (c *Cluster) addProgram(host, name string, run func(p *sim.Process)) {
	h := c.host(host)
	h.AddService(name, c.boot(run))
	h.SetManual(name)
	c.programHost[name] = host
}

// host returns the named host, adding it on first use.
func (c *Cluster) host(name string) *sim.Host {
	if h := c.W.Host(name); h != nil {
		return h
	}
	return c.W.AddHost(name)
}

// applyNet sets the network from Config.Net: LAN latency and the TCP
// give-up time on a black hole (§3.5, §10.1).
func (c *Cluster) applyNet() {
	nc := c.W.Net().Config()
	n := c.Env.Cfg.Net
	nc.Default.Latency = sim.Latency{Min: n.LatencyMin, Max: n.LatencyMax}
	nc.GiveUp = n.TCPGiveUp
	c.W.Net().SetConfig(nc)
}

// boot wraps a service's boot function: ProcStart now, ProcExit when the
// process dies (Detail: exit for a program that ended itself or a
// graceful stop, kill, power-off — told apart once the fault is done).
func (c *Cluster) boot(run func(p *sim.Process)) func(p *sim.Process) {
	return func(p *sim.Process) {
		c.Env.Rec.Add(history.Record{Kind: history.ProcStart, Proc: p.Name(), Attempt: p.Incarnation()})
		p.OnExit(func() {
			c.W.At(c.W.Now(), func() {
				detail := "kill"
				switch {
				case p.State() == sim.ProcStopped && c.endedItself(p):
					detail = "exit"
				case p.State() == sim.ProcStopped:
					detail = "stop"
				case !p.Host().Up():
					detail = "power-off"
				}
				c.Env.Rec.Add(history.Record{Kind: history.ProcExit, Proc: p.Name(), Attempt: p.Incarnation(), Detail: detail})
			})
		})
		run(p)
	}
}

// endedItself reports whether p's last record is its ProgramExit (an
// application whose main returned), as opposed to a stop from outside.
func (c *Cluster) endedItself(p *sim.Process) bool {
	h := c.Env.Rec.History()
	for i := h.Len() - 1; i >= 0 && i >= h.Len()-64; i-- {
		if r := h.Record(i); r.Proc == p.Name() {
			return r.Kind == history.ProgramExit
		}
	}
	return false
}

// TopicConfigs is the topics.json a broker of brokerName starts with:
// every TopicSpec naming it (or naming no broker), read and write queues
// as given, perm R|W.
func TopicConfigs(cs *model.ClusterSpec, brokerName string) []model.TopicConfig {
	var out []model.TopicConfig
	for _, t := range cs.Topics {
		if len(t.BrokerNames) > 0 && !containsString(t.BrokerNames, brokerName) {
			continue
		}
		out = append(out, model.TopicConfig{TopicName: t.Name, ReadQueueNums: t.Queues, WriteQueueNums: t.Queues,
			Perm: model.PermRead | model.PermWrite})
	}
	return out
}

func containsString(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func validate(cs *model.ClusterSpec, progs Programs) error {
	if cs == nil {
		return fmt.Errorf("cluster: env.Cluster is nil")
	}
	hosts := map[string]bool{}
	for _, n := range nodes(cs) {
		if n.Host == "" {
			return fmt.Errorf("cluster %s: a node has no Host", cs.Name)
		}
		if hosts[n.Host] {
			return fmt.Errorf("cluster %s: host %q appears twice", cs.Name, n.Host)
		}
		hosts[n.Host] = true
	}
	names := map[string]bool{}
	check := func(kind, name, host string) error {
		if name == "" || names[name] {
			return fmt.Errorf("cluster: %s program name %q is empty or used twice", kind, name)
		}
		names[name] = true
		if !hosts[host] {
			return fmt.Errorf("cluster: %s program %q: host %q is not a node of the cluster", kind, name, host)
		}
		return nil
	}
	for _, s := range progs.Producers {
		if err := check("producer", s.Name, s.Host); err != nil {
			return err
		}
	}
	for _, s := range progs.Consumers {
		if err := check("consumer", s.Name, s.Host); err != nil {
			return err
		}
	}
	for _, s := range progs.Dashboards {
		if err := check("dashboard", s.Name, s.Host); err != nil {
			return err
		}
	}
	return nil
}

func nodes(cs *model.ClusterSpec) []model.NodeSpec {
	out := append([]model.NodeSpec(nil), cs.NameServers...)
	for _, b := range cs.Brokers {
		out = append(out, b.Master)
		if b.Slave != nil {
			out = append(out, *b.Slave)
		}
	}
	return append(out, cs.ClientHosts...)
}

// ProgramHost returns the host a program runs on ("" if unknown).
func (c *Cluster) ProgramHost(name string) string { return c.programHost[name] }

// StartAll starts every nameserver and broker service (masters, then
// slaves), in spec order, as an operator bringing the cluster up.
func (c *Cluster) StartAll() {
	for _, n := range c.Env.Cluster.NameServers {
		c.W.Host(n.Host).Start(ServiceNamesrv)
	}
	for _, g := range c.Env.Cluster.Brokers {
		c.W.Host(g.Master.Host).Start(ServiceBroker)
	}
	for _, g := range c.Env.Cluster.Brokers {
		if g.Slave != nil {
			c.W.Host(g.Slave.Host).Start(ServiceBroker)
		}
	}
}

// StartProgram starts a program's service now.
func (c *Cluster) StartProgram(name string) *sim.Process {
	return c.W.Host(c.programHost[name]).Start(name)
}

// Faults: each records history.Fault (Detail, Target) and applies it.

// Kill kills a service (kill -9).
func (c *Cluster) Kill(host, service string) {
	c.fault("kill", host+"/"+service)
	c.W.Host(host).Kill(service)
}

// Stop stops a service gracefully.
func (c *Cluster) Stop(host, service string, grace time.Duration) {
	c.fault("stop", host+"/"+service)
	c.W.Host(host).Stop(service, grace)
}

// PowerOff cuts a host's power.
func (c *Cluster) PowerOff(host string) {
	c.fault("power-off", host)
	c.W.Host(host).PowerOff()
}

// PowerOn boots a host (services start after Config.Net.BootTime).
func (c *Cluster) PowerOn(host string) {
	c.fault("power-on", host)
	c.W.Host(host).PowerOn(c.Env.Cfg.Net.BootTime)
}

// ShutdownOrderly is an OS shutdown that stops processes first (FIN).
func (c *Cluster) ShutdownOrderly(host string) {
	c.fault("shutdown-orderly", host)
	c.W.Host(host).ShutdownOrderly(c.Env.Cfg.Net.ShutdownGrace, c.Env.Cfg.Net.PowerOffDelay)
}

// ShutdownNetworkFirst is an OS shutdown whose network goes first (black hole).
func (c *Cluster) ShutdownNetworkFirst(host string) {
	c.fault("shutdown-network-first", host)
	c.W.Host(host).ShutdownNetworkFirst(c.Env.Cfg.Net.PowerOffDelay)
}

// Partition cuts both directions between two host groups.
func (c *Cluster) Partition(a, b []string) {
	c.fault("partition", fmt.Sprint(a, "|", b))
	c.W.Net().Partition(a, b)
}

// Heal removes every partition.
func (c *Cluster) Heal() {
	c.fault("heal", "network")
	c.W.Net().Heal()
}

// RecordFault records a fault applied by other means (a runner calling
// sim directly).
func (c *Cluster) RecordFault(detail, target string) { c.fault(detail, target) }

func (c *Cluster) fault(detail, target string) {
	c.Env.Rec.Add(history.Record{Kind: history.Fault, Detail: detail, Target: target})
}
