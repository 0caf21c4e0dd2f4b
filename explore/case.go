package explore

import (
	"fmt"
	"slices"
	"time"

	"rmqsim/model"
)

// defaults is RocketMQ 4.8's configuration as the model has it; the
// cluster's start-up times below derive from it.
var defaults = model.DefaultConfig()

// ClusterUp is the second by which every broker of a generated cluster
// has registered with every nameserver. The runner starts each server at
// a random time in [0, net.startSpread) (30 s); a broker registers
// broker.startupTime (1 s) after its start, 10 s later and every
// registerNameServerPeriod (30 s) after (§2.1), and a registration sent
// before the nameserver runs is lost, so the first one that counts may
// come a period after the last nameserver starts. Programs that need a
// route start from here.
var ClusterUp = ceilSeconds(defaults.Net.StartSpread+defaults.Broker.StartupTime+
	defaults.Broker.RegisterNameServerPeriod) + 2

// Settled is the second from which every slave replicates. A slave takes
// its master's HA address from a registration reply, and a reply names
// the master only once the master has registered (§1.2, §2.1): up to a
// period after ClusterUp. Its HA client then connects within the 5 s
// reconnect interval and first reports its offset 5 s after that (§2.4).
// Until that report a SYNC_MASTER holds every put for the slave, longer
// than the producer's 3 s send timeout (§4.2): programs that must not
// see a failed send start from here.
var Settled = ClusterUp + ceilSeconds(defaults.Broker.RegisterNameServerPeriod+
	defaults.Broker.HAReconnectInterval+defaults.Broker.HASendHeartbeatInterval) + 2

// LastFaultAt is the latest second a generated incident may begin (the
// master-down search's nameserver faults excepted, see masterDownGen):
// programs start by Settled + 15 s, send for at most a minute, and
// faults may come up to a minute after that.
var LastFaultAt = Settled + 135

// MinRecoveryDelay and MaxRecoveryDelay bound, in seconds, how long after
// an incident its recovery comes. At least 15 s: shutdown-orderly powers
// the host off only after net.shutdownGrace + net.powerOffDelay = 12 s,
// and a power-on before that finds the host still up and does nothing.
const MinRecoveryDelay, MaxRecoveryDelay = 15, 75

// Horizon is the virtual time every generated case covers: 165 s after
// the last recovery can come, more than LivenessBound and more than a
// powered-off broker's expiry (120–130 s, §1.4) plus a route poll (30 s,
// §3.1) and a rebalance (20 s, §5.2) after the last incident.
var Horizon = time.Duration(LastFaultAt+MaxRecoveryDelay+165) * time.Second

func ceilSeconds(d time.Duration) int { return int((d + time.Second - 1) / time.Second) }

// LivenessBound is the bound the generated scenarios declare: each
// acknowledged message must be consumed within it after the faults stop.
// Recovery after the worst generated fault takes about boot 30 s +
// registration 30 s (§2.1) + route poll 30 s (§3.1) + rebalance 20 s
// (§5.2) = 110 s.
const LivenessBound = 2 * time.Minute

// LinearTimeout is porcupine's search time per partition in the generated
// scenarios. The properties here judge delivery, not linearizability,
// and a queue log with many sends that never returned (a powered-off
// master) can take porcupine past the default 10 s; a short bound keeps
// each run to milliseconds and makes such a partition unknown.
const LinearTimeout = 100 * time.Millisecond

// Budget bounds the simulation events of a generated run. Ordinary cases
// need 2,000–9,000 events; a push consumer whose offset is past a lagging
// slave's end pulls it in a loop with no pause (PULL_OFFSET_MOVED becomes
// PULL_RETRY_IMMEDIATELY on a slave, which the client re-pulls at once:
// PullMessageProcessor and DefaultMQPushConsumerImpl.pullMessage in
// 4.8.0), some thousands of pulls a virtual second until the horizon. The
// budget stops such a run in a fraction of a wall second; properties that
// need the whole horizon set it aside (see budgetExhausted).
const Budget = 100_000

// ConsumerGroup and ProducerGroup are the generated programs' groups,
// Topic the one topic of every generated cluster, ClientHost the host the
// programs run on.
const (
	ConsumerGroup = "cg"
	ProducerGroup = "pg"
	Topic         = "TopicTest"
	ClientHost    = "client"
)

// Case is one generated run, as explicit data: the cluster's shape, the
// configuration choices, the workload and the fault schedule. Case.YAML
// writes it as a scenario file (docs/scenarios.md), which is what runs:
// every case is by construction a file `simulate run` can replay.
type Case struct {
	// Name is the scenario's name.
	Name string
	// Seed is the scenario's root seed (≥ 1).
	Seed     uint64
	Cluster  Cluster
	Config   Config
	Workload Workload
	// Faults is the schedule, in time order (stable for equal times).
	Faults []Fault
	// Expect is the verdicts the scenario file declares (property →
	// pass, fail or unknown); empty for exploration runs.
	Expect map[string]string
}

// Cluster is the shape of a generated deployment: 1–3 nameservers, 1–3
// broker groups each with or without a slave, and one topic with Queues
// read/write queues on every broker.
type Cluster struct {
	NameServers int
	Groups      []Group
	Queues      int
}

// Group is one broker group (brokerName broker-a, broker-b, ...).
type Group struct {
	Slave bool
}

// Config holds the configuration choices a case makes; every other
// parameter keeps its RocketMQ 4.8.0 default (model.Config). The first
// value of each choice list below is the 4.8 default.
type Config struct {
	// FlushDiskType: ASYNC_FLUSH or SYNC_FLUSH (§5.9).
	FlushDiskType string
	// BrokerRole of the masters: ASYNC_MASTER or SYNC_MASTER (§2.4).
	BrokerRole string
	// SendLatencyFaultEnable turns on the producer's broker avoidance
	// (§4.3).
	SendLatencyFaultEnable bool
	// SendMsgTimeout is the producer's budget for one send (§4.2).
	SendMsgTimeout time.Duration
	// ConnectTimeout is the client's TCP connect timeout (§3.4).
	ConnectTimeout time.Duration
	// PollNameServerInterval is the client's route-poll period (§3.1).
	PollNameServerInterval time.Duration
}

// The configuration choice lists, the 4.8 default first (shrinking goes
// towards the first).
var (
	FlushDiskTypes          = []string{"ASYNC_FLUSH", "SYNC_FLUSH"}
	BrokerRoles             = []string{"ASYNC_MASTER", "SYNC_MASTER"}
	SendMsgTimeouts         = []time.Duration{3 * time.Second, time.Second, 6 * time.Second}
	ConnectTimeouts         = []time.Duration{3 * time.Second, time.Second}
	PollNameServerIntervals = []time.Duration{30 * time.Second, 10 * time.Second}
)

// Workload is one producer program and one push consumer program on the
// client host. The producer is the field report's program (synchronous
// send() in a loop, seed-experiment.md) with a count and a pause between
// sends; the consumer consumes from the first offset and never fails.
type Workload struct {
	// ProducerStart and ConsumerStart are seconds after the run starts.
	ProducerStart, ConsumerStart int
	// Count is how many messages the producer sends.
	Count int
	// Interval is the pause between two sends.
	Interval time.Duration
	// OnError is what the program does when send() throws: "abort" (the
	// report's program) or "continue".
	OnError string
}

// Intervals and OnErrors are the workload's choice lists. An interval of
// 0 is the field report's loop, each send right after the previous one
// returns.
var (
	Intervals = []time.Duration{100 * time.Millisecond, 10 * time.Millisecond, 50 * time.Millisecond,
		200 * time.Millisecond, 0}
	OnErrors = []string{"continue", "abort"}
)

// SendWindow is roughly how long the producer sends, in seconds (its
// pauses; the sends themselves take about a millisecond each).
func (w Workload) SendWindow() int {
	return int((time.Duration(w.Count) * w.Interval).Seconds())
}

// FaultKind is a fault of the schedule (docs/scenarios.md, "Faults").
type FaultKind string

// The fault kinds a schedule draws from. Partition isolates the target
// host from every other host; Heal removes that cut.
const (
	Kill                 FaultKind = "kill"
	Restart              FaultKind = "restart"
	PowerOff             FaultKind = "power-off"
	PowerOn              FaultKind = "power-on"
	ShutdownOrderly      FaultKind = "shutdown-orderly"
	ShutdownNetworkFirst FaultKind = "shutdown-network-first"
	Partition            FaultKind = "partition"
	Heal                 FaultKind = "heal"
)

// FaultKinds lists every kind.
var FaultKinds = []FaultKind{Kill, Restart, PowerOff, PowerOn, ShutdownOrderly, ShutdownNetworkFirst,
	Partition, Heal}

// IncidentKinds are the kinds that begin an incident, mildest first, the
// order shrinking prefers (a graceful restart is one fault where a kill
// and its restart are two); PowerOn and Heal come only as recoveries.
var IncidentKinds = []FaultKind{Restart, Kill, PowerOff, ShutdownOrderly, ShutdownNetworkFirst, Partition}

// DownKinds are the kinds that take a host's service away.
var DownKinds = []FaultKind{Kill, PowerOff, ShutdownOrderly, ShutdownNetworkFirst, Partition}

// Recovery is the fault that undoes kind (a killed process is started
// again, a host that went down is powered on, a cut is healed), or "" for
// a kind that needs none.
func Recovery(kind FaultKind) FaultKind {
	switch kind {
	case Kill:
		return Restart
	case PowerOff, ShutdownOrderly, ShutdownNetworkFirst:
		return PowerOn
	case Partition:
		return Heal
	}
	return ""
}

// Fault is one event of a schedule: at second At, Kind happens to host
// Target.
type Fault struct {
	At     int
	Target string
	Kind   FaultKind
}

func (f Fault) String() string { return fmt.Sprintf("%v %s %s", seconds(f.At), f.Kind, f.Target) }

// SortFaults puts a schedule in time order, keeping the drawn order of
// faults at the same second.
func SortFaults(fs []Fault) {
	slices.SortStableFunc(fs, func(a, b Fault) int { return a.At - b.At })
}

// NameServerHost is the host of nameserver i.
func NameServerHost(i int) string { return fmt.Sprintf("ns%d", i+1) }

// BrokerName is the brokerName of group i: broker-a, broker-b, ...
func BrokerName(i int) string { return "broker-" + string(rune('a'+i)) }

// MasterHost is the host of group i's master.
func MasterHost(i int) string { return "master-" + string(rune('a'+i)) }

// SlaveHost is the host of group i's slave.
func SlaveHost(i int) string { return "slave-" + string(rune('a'+i)) }

// NameServerHosts lists the nameserver hosts.
func (c Cluster) NameServerHosts() []string {
	var out []string
	for i := range c.NameServers {
		out = append(out, NameServerHost(i))
	}
	return out
}

// Masters lists the master hosts.
func (c Cluster) Masters() []string {
	var out []string
	for i := range c.Groups {
		out = append(out, MasterHost(i))
	}
	return out
}

// Slaves lists the slave hosts (groups without a slave have none).
func (c Cluster) Slaves() []string {
	var out []string
	for i, g := range c.Groups {
		if g.Slave {
			out = append(out, SlaveHost(i))
		}
	}
	return out
}

// Hosts lists every host: nameservers, masters, slaves, then the client.
func (c Cluster) Hosts() []string {
	out := append(c.NameServerHosts(), c.Masters()...)
	out = append(out, c.Slaves()...)
	return append(out, ClientHost)
}
