package client

import (
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"rmqsim/history"
	"rmqsim/model"
	"rmqsim/sim"
)

// Profiles (model.Config.Client.Profile).
const (
	ProfileJava = "java-4.8"
	ProfileGo   = "go-2.1.2"
)

// innerProducerGroup is MixAll.CLIENT_INNER_PRODUCER_GROUP: every client
// instance has this producer, so TBW102 is in every refresh round (§3.2).
const innerProducerGroup = "CLIENT_INNER_PRODUCER"

type serviceState int

const (
	createJust serviceState = iota
	running
	shutdownAlready
)

// Instance is MQClientInstance (facts §3): one per client process. It
// owns the remoting client, the route cache (topicRouteTable), the
// brokerAddrTable, the producers and consumers registered on it, the one
// shared scheduled thread (§3.1), the pull thread and the rebalance thread.
type Instance struct {
	p        *sim.Process
	env      *model.Env
	cfg      *model.Config
	goClient bool
	ip       string
	pid      int
	clientID string
	remoting *model.RemotingClient
	state    serviceState
	// closing: Shutdown has begun (its unregister rounds are running).
	closing bool

	// sched is the one MQClientFactoryScheduledThread (§3.1). The Go
	// profile runs each periodic task on its own goroutine instead (§8).
	sched       *sim.Executor
	pullService *sim.Executor
	rebalance   *rebalanceService
	lockNamesrv *Lock
	// heartbeatBusy is lockHeartbeat (tryLock without waiting).
	heartbeatBusy bool

	routes          map[string]*routeEntry
	brokerAddrTable map[string]map[int64]string
	producers       map[string]*Producer
	consumers       map[string]*PushConsumer
	inner           *Producer
	ids             *uniqIDSetter
	addrs           *strings.Replacer
	goNSIndex       int
	goLastNS        string
	// lastRouteTransportErr: the last route query failed in transport
	// (the Go producer caches nothing then, §8).
	lastRouteTransportErr bool
}

// routeEntry is one topicRouteTable entry plus where and when the route
// was last confirmed by a nameserver (for SendAttempt.RouteAge).
type routeEntry struct {
	route       *model.TopicRouteData
	confirmedAt sim.Time
	nameServer  string
}

// NewInstance makes the client instance of process p: clientId is
// "<ip>@<pid>" (ClientConfig.buildMQClientId with the instance name
// changed to the pid), and the nameserver list is set (shuffled, §3.4).
func NewInstance(p *sim.Process, env *model.Env) *Instance {
	c := &Instance{
		p: p, env: env, cfg: env.Cfg, goClient: env.Cfg.Client.Profile == ProfileGo,
		routes: map[string]*routeEntry{}, brokerAddrTable: map[string]map[int64]string{},
		producers: map[string]*Producer{}, consumers: map[string]*PushConsumer{},
	}
	c.ip = env.Cluster.IPOf(p.Host().Name())
	if c.ip == "" {
		c.ip = p.Host().Name()
	}
	c.pid = 1000 + p.Rand().IntN(60000)
	c.clientID = c.ip + "@" + strconv.Itoa(c.pid)
	c.ids = newUniqIDSetter(c.ip, c.pid, p.Rand())
	c.addrs = addrReplacer(env.Cluster)
	ccfg := env.Cfg.Client
	if c.goClient {
		ccfg.ConnectTimeout = env.Cfg.GoClient.DialTimeout
	}
	c.remoting = model.NewRemotingClient(p, &ccfg)
	if c.goClient {
		// The dial uses the request's context, a 120 s read deadline
		// replaces the idle handler, and "async" calls are goroutines
		// around InvokeSync (internal/remote, internal/client.go, §8).
		c.remoting.ConnectWithinCallTimeout = true
		c.remoting.ReadIdle = env.Cfg.GoClient.ReadDeadline
		c.remoting.NoScanGrace = true
	}
	c.remoting.OnRequest = c.processRequest
	c.remoting.OnNameServerChosen = func(addr string) {
		c.record(history.Record{Kind: history.NSAttach, NameServer: addr})
	}
	if !c.goClient {
		c.remoting.SetNameServers(env.Cluster.NameServerAddrs())
	}
	c.lockNamesrv = NewLock(p)
	c.inner = newProducer(c, innerProducerGroup, false)
	return c
}

// addrReplacer rewrites "host:" into "ip:" for text Java would print.
func addrReplacer(cs *model.ClusterSpec) *strings.Replacer {
	var pairs []string
	add := func(n model.NodeSpec) {
		if n.IP != "" {
			pairs = append(pairs, n.Host+":", n.IP+":")
		}
	}
	for _, n := range cs.NameServers {
		add(n)
	}
	for _, b := range cs.Brokers {
		add(b.Master)
		if b.Slave != nil {
			add(*b.Slave)
		}
	}
	for _, n := range cs.ClientHosts {
		add(n)
	}
	return strings.NewReplacer(pairs...)
}

// javaAddrs prints sim addresses as Java prints them (ip:port).
func (c *Instance) javaAddrs(s string) string { return c.addrs.Replace(s) }

// ClientID is the clientId brokers see ("ip@pid").
func (c *Instance) ClientID() string { return c.clientID }

// Process is the owning process.
func (c *Instance) Process() *sim.Process { return c.p }

// Remoting is the instance's remoting client.
func (c *Instance) Remoting() *model.RemotingClient { return c.remoting }

// Running reports whether the instance has started and not shut down.
func (c *Instance) Running() bool { return c.state == running && c.p.Alive() }

func (c *Instance) rand() *sim.Rand { return c.p.Rand() }

// record stamps a history record with this process and adds it.
func (c *Instance) record(r history.Record) {
	r.Proc = c.p.Name()
	c.env.Rec.Add(r)
}

// Start is MQClientInstance.start: the scheduled tasks (§3.1), the pull
// and rebalance services and the inner producer. It makes no network call.
func (c *Instance) Start() {
	if c.state != createJust {
		return
	}
	c.state = running
	c.pullService = c.p.Executor("PullMessageService", 1)
	c.rebalance = newRebalanceService(c)
	c.startScheduledTasks()
	c.inner.startInner()
}

// startScheduledTasks is startScheduledTask (§3.1): route refresh at
// 10 ms then every pollNameServerInterval; cleanOfflineBroker and
// heartbeats at 1 s then every heartbeatBrokerInterval; consumer offsets
// at 10 s then every persistConsumerOffsetInterval. In Java all share one
// thread, so a blocking call in one delays the others (issue #2728); the
// Go client runs one goroutine per task (§8). HTTP nameserver discovery
// (fetchNameServerAddr) is not modelled: the address list is configured.
func (c *Instance) startScheduledTasks() {
	cc := c.cfg.Client
	thread := func(name string) *sim.Executor {
		if c.goClient {
			return c.p.Executor(name, 1)
		}
		if c.sched == nil {
			c.sched = c.p.Executor("MQClientFactoryScheduledThread", 1)
		}
		return c.sched
	}
	thread("updateTopicRouteInfo").ScheduleAtFixedRate("updateTopicRouteInfoFromNameServer",
		10*time.Millisecond, cc.PollNameServerInterval, func(done func()) {
			c.updateAllTopicRoutes(done)
		})
	thread("heartbeat").ScheduleAtFixedRate("sendHeartbeatToAllBroker",
		time.Second, cc.HeartbeatBrokerInterval, func(done func()) {
			if !c.Running() {
				done()
				return
			}
			c.cleanOfflineBroker(func() { c.sendHeartbeatToAllBrokerWithLock(done) })
		})
	thread("persistOffset").ScheduleAtFixedRate("persistAllConsumerOffset",
		10*time.Second, cc.PersistConsumerOffsetInterval, func(done func()) {
			c.persistAllConsumerOffset(done)
		})
}

// Shutdown is MQClientInstance.shutdown: only once no consumer and no
// producer but the inner one use it. Java first shuts the inner producer
// down (DefaultMQProducerImpl.shutdown(false) →
// unregisterProducer(CLIENT_INNER_PRODUCER)), a second UNREGISTER_CLIENT
// round to every broker (3000 ms each, sequential), while the scheduled
// tasks still run; then channels close (brokers see FIN). The Go client
// has no inner producer. done runs when it is over (at once if the
// instance stays up).
func (c *Instance) Shutdown(done func()) {
	if c.state != running || c.closing || len(c.consumers) > 0 || len(c.producers) > 1 {
		done()
		return
	}
	c.closing = true
	finish := func() {
		c.state = shutdownAlready
		c.remoting.CloseAll()
		done()
	}
	if c.goClient {
		finish()
		return
	}
	delete(c.producers, innerProducerGroup)
	c.unregisterClient(innerProducerGroup, "", finish)
}

// processRequest handles requests brokers send on client channels: only
// NOTIFY_CONSUMER_IDS_CHANGED, which wakes the rebalance (§5.2).
func (c *Instance) processRequest(addr string, in *sim.Inbound) {
	req, ok := in.Msg.(*model.Request)
	if !ok || !c.Running() {
		return
	}
	switch req.Code {
	case model.NotifyConsumerIdsChanged:
		c.rebalance.wakeup()
	default:
		in.Reply(&model.Response{Code: model.RequestCodeNotSupported, Remark: "request type " + req.Code.String() + " not supported"})
	}
}

// topicList is the set one refresh round visits (§3.2): every consumer
// subscription (with %RETRY%), then every producer's publish topics
// (TBW102 included), in Java HashSet order (arbitrary but fixed, §10.2).
// The Go client ranges over maps in random order; the model shuffles with
// the process stream.
func (c *Instance) topicList() []string {
	var keys []string
	for _, g := range slices.Sorted(maps.Keys(c.consumers)) {
		keys = append(keys, c.consumers[g].subscriptionTopics()...)
	}
	for _, g := range slices.Sorted(maps.Keys(c.producers)) {
		keys = append(keys, c.producers[g].publishTopicList()...)
	}
	out := javaHashOrder(keys)
	if c.goClient {
		sort.Strings(out)
		c.rand().Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	}
	return out
}
