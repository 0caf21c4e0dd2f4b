package model

import (
	"strconv"
	"strings"
	"time"

	"rmqsim/sim"
)

// Env is what every component of one run shares: the configuration (read
// only during a run), the history recorder and the cluster's layout.
type Env struct {
	Cfg     *Config
	Rec     *Recorder
	Cluster *ClusterSpec
	// Consoles are the running consoles by program name, where a person's
	// actions (ConsoleVisit) reach them; a console registers itself when
	// its process starts.
	Consoles map[string]Console
}

// Console is a running console program, as a person's browser reaches it.
type Console interface {
	// Visit enters a page (ConsoleVisit.View) now.
	Visit(v ConsoleVisit)
	// Alive reports whether the console process still runs.
	Alive() bool
}

// ClusterSpec is a RocketMQ deployment: nameservers, broker groups and
// topics, plus the hosts the clients run on.
type ClusterSpec struct {
	// Name is the broker cluster name (brokerClusterName), e.g. MyRocketmq.
	Name        string
	NameServers []NodeSpec
	Brokers     []BrokerGroupSpec
	Topics      []TopicSpec
	ClientHosts []NodeSpec
}

// NodeSpec is a host: its sim name (e.g. nameserver01) and its IPv4
// address (used where RocketMQ encodes addresses, e.g. offsetMsgId).
type NodeSpec struct {
	Host string
	IP   string
}

// BrokerGroupSpec is one brokerName: a master (brokerId 0) and an
// optional slave (brokerId 1).
type BrokerGroupSpec struct {
	BrokerName string
	Master     NodeSpec
	Slave      *NodeSpec
}

// TopicSpec is a topic created on brokers before the run (as mqadmin
// updateTopic does): Queues read and write queues on each named broker
// (all brokers if BrokerNames is empty).
type TopicSpec struct {
	Name        string
	Queues      int
	BrokerNames []string
}

// Ports RocketMQ listens on by default.
const (
	NameServerPort = "9876"
	BrokerPort     = "10911"
	HAPort         = "10912"
)

// NameServerAddrs is the clients' namesrvAddr list, in configured order.
func (c *ClusterSpec) NameServerAddrs() []string {
	out := make([]string, len(c.NameServers))
	for i, n := range c.NameServers {
		out[i] = n.Host + ":" + NameServerPort
	}
	return out
}

// IPOf returns the IPv4 address of a sim host ("" if unknown).
func (c *ClusterSpec) IPOf(host string) string {
	for _, n := range c.allNodes() {
		if n.Host == host {
			return n.IP
		}
	}
	return ""
}

func (c *ClusterSpec) allNodes() []NodeSpec {
	out := append([]NodeSpec(nil), c.NameServers...)
	for _, b := range c.Brokers {
		out = append(out, b.Master)
		if b.Slave != nil {
			out = append(out, *b.Slave)
		}
	}
	return append(out, c.ClientHosts...)
}

// IPPort turns a sim address "host:port" into "ip:port" (unchanged if the
// host has no IP), for text that RocketMQ would print.
func (c *ClusterSpec) IPPort(addr string) string {
	i := strings.LastIndexByte(addr, ':')
	if i < 0 {
		return addr
	}
	if ip := c.IPOf(addr[:i]); ip != "" {
		return ip + addr[i:]
	}
	return addr
}

// ProducerProgramSpec is the application around a DefaultMQProducer: it
// starts the producer, sends Count messages, then shuts it down.
type ProducerProgramSpec struct {
	Name  string
	Host  string
	Group string
	Topic string
	Tags  string
	// Count messages with bodies BodyTemplate where "{i}" is the index,
	// from FirstIndex (e.g. "NameServer Test{i}").
	Count        int
	FirstIndex   int
	BodyTemplate string
	// Interval between sends; 0 sends back to back (the next send starts
	// when the previous returns).
	Interval time.Duration
	// Mode: "sync" (default), "async" or "oneway".
	Mode string
	// OnError: "abort" (an exception ends the loop and the JVM at once:
	// a main() that calls System.exit, or an operator who kills it),
	// "linger" (the exception escapes main(), which has no System.exit:
	// the loop ends but the client's non-daemon threads keep the JVM
	// alive, heartbeating and polling routes, registered with the
	// brokers, until the process is killed or stopped), "continue" (log
	// and go on) or "retry" (retry the same message after RetryBackoff,
	// up to MaxRetries).
	OnError      string
	RetryBackoff time.Duration
	MaxRetries   int
}

// ConsumerProgramSpec is the application around a DefaultMQPushConsumer.
type ConsumerProgramSpec struct {
	Name          string
	Host          string
	Group         string
	Topic         string
	SubExpression string
	// ConsumeTime is how long the listener takes per message.
	ConsumeTime time.Duration
	// FailureRate is the probability the listener returns RECONSUME_LATER.
	FailureRate float64
}

// DashboardSpec is a console program (facts §7, §10.5): rocketmq-console
// or rocketmq-dashboard 1.0.0 (console.profile), with its collector
// always on and its pages shown when a person visits them (ConsoleVisit).
type DashboardSpec struct {
	Name string
	Host string
	// Topics whose figures the pages report (empty: every TopicSpec of the
	// cluster); the first is the topic of a topicStatus or messagePage
	// visit that names none. Groups whose consumer-page rows are reported
	// (empty: none).
	Topics []string
	Groups []string
}

// Console views (ConsoleVisit.View).
const (
	ViewHome        = "home"
	ViewCluster     = "cluster"
	ViewTopicStatus = "topicStatus"
	ViewConsumer    = "consumer"
	ViewMessagePage = "messagePage"
)

// ConsoleViews lists the views a visit may enter.
var ConsoleViews = []string{ViewHome, ViewCluster, ViewTopicStatus, ViewConsumer, ViewMessagePage}

// ConsoleVisit is one action of the person at the console: a page
// entered at a moment, with its settings.
type ConsoleVisit struct {
	View string
	// Topic of a topicStatus or messagePage visit ("" = the console's
	// first topic).
	Topic string
	// AutoRefresh: the consumer page's auto-refresh switch (off when the
	// page opens, consumer.js intervalProcessSwitch = false).
	AutoRefresh bool
	// Window, when set, is the message query's [Begin, End] the person
	// typed; otherwise the profile's default around the moment of entry.
	Window     bool
	Begin, End sim.Time
}

// Body returns message i's body.
func (p *ProducerProgramSpec) Body(i int) string {
	return strings.ReplaceAll(p.BodyTemplate, "{i}", strconv.Itoa(i))
}

// WallClockAtZero places virtual time 0 in the calendar, for what reads
// the wall clock: the UNIQ_KEY's "ms since the start of the month", the
// broker's midnight BrokerStats.record and the console's cron tasks
// (second 30 of every minute, every 5 s) and minute-precision time
// pickers. A run starts 10 days and 10 hours into a month (an arbitrary
// fixed choice, documented in docs/rocketmq-notes.md): whole minutes, so
// wall-clock minutes begin at virtual k·60 s; no run of < 20 days crosses
// a month boundary; the first midnight comes 14 h into a run, after any
// run's horizon, so BrokerStats' "morning" values stay 0.
const WallClockAtZero = 10*24*time.Hour + 10*time.Hour
