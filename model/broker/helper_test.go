package broker

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	"rmqsim/history"
	"rmqsim/model"
	"rmqsim/model/namesrv"
	"rmqsim/sim"
)

const (
	s           = time.Second
	ms          = time.Millisecond
	testTopic   = "topic_test_123"
	testGroup   = "group_test_123"
	clusterName = "MyRocketmq"
)

// tcluster is the field experiment's cluster on a kernel: two
// nameservers, broker-a (master01/slave01) and broker-b
// (master02/slave02), topic_test_123 with 16 queues seeded in every
// broker's topics.json, and test clients built on model.RemotingClient.
type tcluster struct {
	t       testing.TB
	w       *sim.World
	cfg     *model.Config
	env     *model.Env
	spec    *model.ClusterSpec
	hist    *history.History
	ns      map[string]*namesrv.NameServer
	brokers map[string]*Broker // by host: the current incarnation
	trace   *bytes.Buffer
	next    int
}

func newCluster(t testing.TB, mutate func(*model.Config)) *tcluster {
	t.Helper()
	w := sim.NewWorld(sim.Config{Seed: 11, Horizon: 15 * time.Hour})
	cfg := model.DefaultConfig()
	if mutate != nil {
		mutate(&cfg)
	}
	node := func(h, ip string) model.NodeSpec { return model.NodeSpec{Host: h, IP: ip} }
	slave1, slave2 := node("slave01", "172.16.7.94"), node("slave02", "172.16.7.96")
	spec := &model.ClusterSpec{
		Name:        clusterName,
		NameServers: []model.NodeSpec{node("nameserver01", "172.16.7.91"), node("nameserver02", "172.16.7.92")},
		Brokers: []model.BrokerGroupSpec{
			{BrokerName: "broker-a", Master: node("master01", "172.16.7.93"), Slave: &slave1},
			{BrokerName: "broker-b", Master: node("master02", "172.16.7.95"), Slave: &slave2},
		},
		Topics:      []model.TopicSpec{{Name: testTopic, Queues: 16}},
		ClientHosts: []model.NodeSpec{node("client", "172.16.7.1")},
	}
	hist := &history.History{}
	c := &tcluster{t: t, w: w, cfg: &cfg, spec: spec, hist: hist, trace: &bytes.Buffer{},
		env:     &model.Env{Cfg: &cfg, Rec: model.NewRecorder(w, hist), Cluster: spec},
		ns:      map[string]*namesrv.NameServer{},
		brokers: map[string]*Broker{}}
	w.SetTraceWriter(c.trace)
	for _, n := range spec.NameServers {
		n := n
		w.AddHost(n.Host).AddService("namesrv", func(p *sim.Process) { c.ns[n.Host] = namesrv.Start(p, c.env, n) })
	}
	seed := []model.TopicConfig{{TopicName: testTopic, ReadQueueNums: 16, WriteQueueNums: 16, Perm: model.PermRead | model.PermWrite}}
	for _, g := range spec.Brokers {
		g := g
		for _, slave := range []bool{false, true} {
			slave := slave
			host := g.Master.Host
			if slave {
				host = g.Slave.Host
			}
			h := w.AddHost(host)
			blob := h.Disk().Blob(TopicsPath)
			blob.Write(0, seed)
			blob.Sync()
			h.AddService("broker", func(p *sim.Process) { c.brokers[host] = Start(p, c.env, g, slave) })
		}
	}
	w.AddHost("client")
	return c
}

// start starts the named hosts' services (all nameservers and brokers if none given).
func (c *tcluster) start(hosts ...string) {
	if len(hosts) == 0 {
		hosts = []string{"nameserver01", "nameserver02", "master01", "slave01", "master02", "slave02"}
	}
	for _, h := range hosts {
		host := c.w.Host(h)
		for _, svc := range host.Services() {
			host.Start(svc)
		}
	}
}

func (c *tcluster) now() time.Duration { return c.w.Now().Duration() }

// runTo runs until virtual time d; run runs for d more.
func (c *tcluster) runTo(d time.Duration) { c.w.RunUntil(sim.Time(d)) }
func (c *tcluster) run(d time.Duration)   { c.runTo(c.now() + d) }

func (c *tcluster) at(d time.Duration, fn func()) { c.w.At(sim.Time(d), fn) }

// traceTimes returns the times of trace lines containing every part.
func (c *tcluster) traceTimes(parts ...string) []string {
	var out []string
	for _, line := range strings.Split(c.trace.String(), "\n") {
		all := line != ""
		for _, p := range parts {
			all = all && strings.Contains(line, p)
		}
		if all {
			out = append(out, strings.Fields(line)[0])
		}
	}
	return out
}

func (c *tcluster) records(kind history.Kind) []history.Record {
	var out []history.Record
	for _, r := range c.hist.All() {
		if r.Kind == kind {
			out = append(out, r)
		}
	}
	return out
}

// tclient is a client process with a RemotingClient; it remembers the
// broker-initiated requests (NOTIFY_CONSUMER_IDS_CHANGED) it receives.
type tclient struct {
	c        *tcluster
	host     *sim.Host
	name     string
	id       string
	p        *sim.Process
	rc       *model.RemotingClient
	notified []time.Duration
	sent     int
}

func (c *tcluster) client() *tclient {
	c.next++
	name := "tester" + strconv.Itoa(c.next)
	k := &tclient{c: c, host: c.w.Host("client"), name: name, id: "172.16.7.1@" + name}
	k.host.AddService(name, func(p *sim.Process) {
		k.p = p
		k.rc = model.NewRemotingClient(p, &c.cfg.Client)
		k.rc.SetNameServers(c.spec.NameServerAddrs())
		k.rc.OnRequest = func(_ string, in *sim.Inbound) {
			if req, ok := in.Msg.(*model.Request); ok && req.Code == model.NotifyConsumerIdsChanged {
				k.notified = append(k.notified, p.Now().Duration())
			}
		}
	})
	k.host.Start(name)
	return k
}

func (k *tclient) kill() { k.host.Kill(k.name) }

type result struct {
	done bool
	at   time.Duration
	resp *model.Response
	err  error
}

func (k *tclient) call(addr string, code model.RequestCode, body any, timeout time.Duration) *result {
	r := &result{}
	k.rc.InvokeSync(addr, &model.Request{Code: code, Body: body}, timeout, func(resp *model.Response, err error) {
		r.done, r.at, r.resp, r.err = true, k.p.Now().Duration(), resp, err
	})
	return r
}

// uniqKey is a 32-hex-digit UNIQ_KEY like MessageClientIDSetter's.
func uniqKey(i int) string {
	h := strconv.FormatInt(int64(i), 16)
	return "AC10070100002A9F" + strings.Repeat("0", 16-len(h)) + strings.ToUpper(h)
}

// sendTo sends message i ("NameServer Test<i>", tag TagA) to a queue.
func (k *tclient) sendTo(addr, topic string, queueID, i int) *result {
	k.sent++
	req := &model.SendMessageRequest{
		ProducerGroup: testGroup, Topic: topic, DefaultTopic: AutoCreateTopicKeyTopic, DefaultTopicQueueNums: 4,
		QueueID: queueID, BornTimestamp: k.p.Now(), WaitStoreMsgOK: true,
		Msg: model.Message{Topic: topic, Tags: "TagA", Body: "NameServer Test" + strconv.Itoa(i), UniqKey: uniqKey(i)},
	}
	return k.call(addr, model.SendMessage, req, 3*s)
}

func (k *tclient) heartbeat(addr, group string, topics ...string) *result {
	cd := model.ConsumerData{GroupName: group, ConsumeType: "CONSUME_PASSIVELY", MessageModel: "CLUSTERING",
		ConsumeFromWhere: "CONSUME_FROM_FIRST_OFFSET"}
	for _, t := range topics {
		cd.Subscriptions = append(cd.Subscriptions, model.SubscriptionData{Topic: t, SubString: "*", SubVersion: 1})
	}
	return k.call(addr, model.HeartBeat, &model.HeartbeatData{ClientID: k.id, ConsumerDatas: []model.ConsumerData{cd}}, 3*s)
}

func (k *tclient) pull(addr, group, topic string, queueID int, offset int64, sysFlag int) *result {
	return k.call(addr, model.PullMessage, &model.PullMessageRequest{ConsumerGroup: group, Topic: topic, QueueID: queueID,
		QueueOffset: offset, MaxMsgNums: 32, SysFlag: sysFlag, SuspendTimeout: 15 * s, SubVersion: 1}, 30*s)
}

func addrOf(host string) string { return host + ":" + model.BrokerPort }

func wantCode(t testing.TB, r *result, code model.ResponseCode, what string) *model.Response {
	t.Helper()
	if !r.done || r.err != nil || r.resp.Code != code {
		var got any = r.err
		if r.resp != nil {
			got = r.resp.Code.String() + " " + r.resp.Remark
		}
		t.Fatalf("%s: want %v, got done=%v %v", what, code, r.done, got)
	}
	return r.resp
}
