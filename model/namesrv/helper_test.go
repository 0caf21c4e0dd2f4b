package namesrv

import (
	"strconv"
	"testing"
	"time"

	"rmqsim/history"
	"rmqsim/model"
	"rmqsim/sim"
)

// testWorld is a kernel with nameservers and test clients built on
// model.RemotingClient; tests drive it by scheduling calls and running
// virtual time.
type testWorld struct {
	t    *testing.T
	w    *sim.World
	env  *model.Env
	ns   map[string]*NameServer // by host, the current incarnation
	next int
}

func newTestWorld(t *testing.T, nsHosts ...string) *testWorld {
	t.Helper()
	w := sim.NewWorld(sim.Config{Seed: 7, Horizon: 2 * time.Hour})
	cfg := model.DefaultConfig()
	spec := &model.ClusterSpec{Name: "MyRocketmq"}
	for i, h := range nsHosts {
		spec.NameServers = append(spec.NameServers, model.NodeSpec{Host: h, IP: "172.16.7.9" + strconv.Itoa(i+1)})
	}
	tw := &testWorld{t: t, w: w, ns: map[string]*NameServer{},
		env: &model.Env{Cfg: &cfg, Rec: model.NewRecorder(w, &history.History{}), Cluster: spec}}
	for _, n := range spec.NameServers {
		host := w.AddHost(n.Host)
		node := n
		host.AddService("namesrv", func(p *sim.Process) { tw.ns[node.Host] = Start(p, tw.env, node) })
		host.Start("namesrv")
	}
	return tw
}

func nsAddr(host string) string { return host + ":" + model.NameServerPort }

// runTo runs the world until virtual time d since the start.
func (tw *testWorld) runTo(d time.Duration) { tw.w.RunUntil(sim.Time(d)) }

// at schedules fn at virtual time d.
func (tw *testWorld) at(d time.Duration, fn func()) { tw.w.At(sim.Time(d), fn) }

// testClient is a process with a RemotingClient: a fake broker or client.
type testClient struct {
	tw   *testWorld
	host *sim.Host
	name string
	p    *sim.Process
	rc   *model.RemotingClient
}

// kill kills the test process (kill -9: its channels close with FIN).
func (c *testClient) kill() { c.host.Kill(c.name) }

// client starts a test process on host (created if missing).
func (tw *testWorld) client(host string) *testClient {
	h := tw.w.Host(host)
	if h == nil {
		h = tw.w.AddHost(host)
	}
	tw.next++
	name := "tester" + strconv.Itoa(tw.next)
	c := &testClient{tw: tw, host: h, name: name}
	h.AddService(name, func(p *sim.Process) {
		c.p = p
		c.rc = model.NewRemotingClient(p, &tw.env.Cfg.Client)
	})
	h.Start(name)
	return c
}

type result struct {
	done bool
	at   sim.Time
	resp *model.Response
	err  error
}

// call sends a request now and returns the result filled in later.
func (c *testClient) call(addr string, code model.RequestCode, body any) *result {
	r := &result{}
	c.rc.InvokeSync(addr, &model.Request{Code: code, Body: body}, 3*time.Second, func(resp *model.Response, err error) {
		r.done, r.at, r.resp, r.err = true, c.p.Now(), resp, err
	})
	return r
}

// route asks ns for topic's route at once and runs 1 s of virtual time.
func (tw *testWorld) route(c *testClient, nsHost, topic string) *result {
	r := c.call(nsAddr(nsHost), model.GetRouteInfoByTopic, &model.GetRouteInfoRequest{Topic: topic})
	tw.w.RunUntil(tw.w.Now().Add(time.Second))
	if !r.done {
		tw.t.Fatalf("route query for %s to %s did not finish", topic, nsHost)
	}
	return r
}

// fakeBroker registers like a broker: brokerName/id at addr with topics.
type fakeBroker struct {
	c   *testClient
	req model.RegisterBrokerRequest
}

func (tw *testWorld) fakeBroker(host, brokerName string, id int64, topics ...model.TopicConfig) *fakeBroker {
	c := tw.client(host)
	return &fakeBroker{c: c, req: model.RegisterBrokerRequest{
		ClusterName: "MyRocketmq", BrokerAddr: host + ":" + model.BrokerPort, BrokerName: brokerName,
		BrokerID: id, HAServerAddr: host + ":" + model.HAPort, Topics: topics,
		DataVersion: model.DataVersion{Timestamp: 1, Counter: 1},
	}}
}

// register sends one registration to nsHost now.
func (b *fakeBroker) register(nsHost string) *result {
	req := b.req
	return b.c.call(nsAddr(nsHost), model.RegisterBroker, &req)
}

func topic(name string, queues int) model.TopicConfig {
	return model.TopicConfig{TopicName: name, ReadQueueNums: queues, WriteQueueNums: queues,
		Perm: model.PermRead | model.PermWrite}
}

func mustSucceed(t *testing.T, r *result, what string) *model.Response {
	t.Helper()
	if !r.done || r.err != nil || r.resp.Code != model.Success {
		t.Fatalf("%s: done=%v err=%v resp=%+v", what, r.done, r.err, r.resp)
	}
	return r.resp
}
