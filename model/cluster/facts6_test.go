package cluster

import (
	"strings"
	"testing"
	"time"

	"rmqsim/history"
	"rmqsim/model"
	"rmqsim/model/client"
)

func test6RunningProducer(t *testing.T) {
	spec := FieldProducer("p", 0, 200)
	spec.Interval = 100 * time.Millisecond
	r := newRun(t, Programs{Producers: []model.ProducerProgramSpec{spec}}, nil)
	r.at(5*time.Second, func() { r.c.StartProgram("p") })
	r.at(10*time.Second, func() { r.allNS(func(h string) { r.c.ShutdownNetworkFirst(h) }) })
	r.runTo(60 * time.Second)
	if n := r.sendOK("p"); n != 200 {
		t.Errorf("%d of 200 SEND_OK with every nameserver down from 10 s, want 200 (§6)", n)
	}
	if ex := r.recs(history.ProgramExit, "p"); len(ex) != 1 || ex[0].Detail != "done" {
		t.Errorf("exit %v, want done", ex)
	}
}

func test6RunningConsumer(t *testing.T) {
	spec := FieldProducer("p", 0, 50)
	spec.Interval = 100 * time.Millisecond
	r := newRun(t, Programs{Producers: []model.ProducerProgramSpec{spec}, Consumers: []model.ConsumerProgramSpec{FieldConsumer("c")}}, firstOffset)
	r.startConsumerAt("c", 5*time.Second)
	r.at(20*time.Second, func() { r.c.StartProgram("p") })
	r.at(21*time.Second, func() { r.allNS(func(h string) { r.c.ShutdownNetworkFirst(h) }) })
	r.runTo(5 * time.Minute)
	if n := len(r.delivered("c")); n != 50 {
		t.Errorf("consumed %d of 50 with every nameserver down, want 50 (§6)", n)
	}
}

func test6NewProducer(t *testing.T) {
	r := newRun(t, Programs{Producers: []model.ProducerProgramSpec{FieldProducer("p", 0, 10000)}}, nil)
	r.at(5*time.Second, func() { r.allNS(func(h string) { r.c.ShutdownNetworkFirst(h) }) })
	r.at(60*time.Second, func() { r.c.StartProgram("p") })
	r.runTo(2 * time.Minute)
	ret := r.recs(history.SendReturn, "p")
	if len(ret) != 1 || !strings.HasPrefix(ret[0].Err, javaISEConnect) || !near(ret[0].At, 66*time.Second, 20*time.Millisecond) {
		t.Fatalf("returns %v: want one IllegalStateException after two 3 s connect timeouts (§6)", ret)
	}
	if n := len(r.recs(history.SendCall, "p")); n != 1 {
		t.Errorf("%d send calls, want 1: the loop aborts", n)
	}
}

// test6NewConsumer: a consumer started while every nameserver is down
// has no route and no broker addrs: no heartbeat, invisible to its group,
// no queues; the running consumer keeps all 32. It recovers on its own
// after a nameserver returns.
func test6NewConsumer(t *testing.T) {
	r := newRun(t, Programs{Producers: []model.ProducerProgramSpec{preload(10)},
		Consumers: []model.ConsumerProgramSpec{FieldConsumer("c0"), FieldConsumer("c1")}}, firstOffset)
	r.at(2*time.Second, func() { r.c.StartProgram("pre") })
	r.startConsumerAt("c0", 3*time.Second)
	r.at(30*time.Second, func() { r.allNS(func(h string) { r.c.Kill(h, ServiceNamesrv) }) })
	r.startConsumerAt("c1", 40*time.Second)
	r.runTo(100 * time.Second)
	if st := r.recs(history.ClientStart, "c1"); len(st) != 1 || !strings.HasPrefix(st[0].Err, javaISEConnect) {
		t.Fatalf("c1 start %v, want IllegalStateException", st)
	}
	c0, c1 := ownedTopicQueues(r.c.Consumers["c0"].Consumer()), ownedTopicQueues(r.c.Consumers["c1"].Consumer())
	if len(c0) != 32 || len(c1) != 0 {
		t.Errorf("c0 owns %d, c1 %d queues; want 32 and 0 (c1 invisible, §6)", len(c0), len(c1))
	}
	if addrs := r.c.Consumers["c1"].Consumer().Instance().BrokerAddrs(); len(addrs) != 0 {
		t.Errorf("c1 knows brokers %v, want none", addrs)
	}
	r.at(110*time.Second, func() { r.w.Host("nameserver01").Start(ServiceNamesrv) })
	r.runTo(250 * time.Second)
	c0, c1 = ownedTopicQueues(r.c.Consumers["c0"].Consumer()), ownedTopicQueues(r.c.Consumers["c1"].Consumer())
	if len(c0) != 16 || len(c1) != 16 {
		t.Errorf("after a nameserver returned: c0 owns %d, c1 %d; want 16/16", len(c0), len(c1))
	}
}

// test6NSBackEmpty: one nameserver comes back empty: it answers 17, the
// clients keep their caches and keep working; after the brokers
// re-register the routes are whole again (§6).
func test6NSBackEmpty(t *testing.T) {
	spec := FieldProducer("p", 0, 100)
	spec.Interval, spec.OnError = time.Second, "continue"
	r := newRun(t, Programs{Producers: []model.ProducerProgramSpec{spec}, Consumers: []model.ConsumerProgramSpec{FieldConsumer("c")}}, firstOffset)
	r.startConsumerAt("c", 5*time.Second)
	r.at(6*time.Second, func() { r.c.StartProgram("p") })
	r.at(30*time.Second, func() { r.allNS(func(h string) { r.c.Kill(h, ServiceNamesrv) }) })
	r.at(42*time.Second, func() { r.w.Host("nameserver01").Start(ServiceNamesrv) })
	r.runTo(150 * time.Second)
	var got17, gotOK bool
	for _, rec := range between(r.recs(history.RouteRefresh, "c"), 42*time.Second, 150*time.Second) {
		if rec.Topic == FieldTopic {
			got17 = got17 || rec.Status == "TOPIC_NOT_EXIST"
			gotOK = gotOK || (got17 && rec.Status == "SUCCESS")
		}
	}
	if !got17 || !gotOK {
		t.Errorf("consumer refreshes after the restart: 17 seen %v, then SUCCESS %v; want both", got17, gotOK)
	}
	if n := r.sendOK("p"); n != 100 {
		t.Errorf("%d of 100 sent", n)
	}
	if n := len(r.delivered("c")); n != 100 {
		t.Errorf("%d of 100 consumed", n)
	}
}

func goProfile(c *model.Config, _ *model.ClusterSpec) { c.Client.Profile = client.ProfileGo }

func test8GoConsumer(t *testing.T) {
	r := newRun(t, Programs{Consumers: []model.ConsumerProgramSpec{FieldConsumer("c")}}, goProfile)
	r.at(5*time.Second, func() { r.allNS(func(h string) { r.c.Kill(h, ServiceNamesrv) }) })
	r.startConsumerAt("c", 10*time.Second)
	r.runTo(60 * time.Second)
	want := "the topic=topic_test_123 route info not found, it may not exist"
	if st := r.recs(history.ClientStart, "c"); len(st) != 1 || st[0].Err != want {
		t.Fatalf("start %v, want %q (§8)", st, want)
	}
	if ex := r.recs(history.ProgramExit, "c"); len(ex) != 1 || ex[0].Detail != "start failed" {
		t.Errorf("exit %v, want the program to end", ex)
	}
}

// test8GoRoundRobin: every query moves to the next nameserver, from
// index 0, no shuffle; with one restarted empty, answers alternate
// between TOPIC_NOT_EXIST and SUCCESS (§8).
func test8GoRoundRobin(t *testing.T) {
	r := newRun(t, Programs{}, goProfile)
	s := r.producer("p", 5*time.Second, client.Sync)
	r.sendAt(s, 6*time.Second, 0)
	r.at(20*time.Second, func() { r.c.Kill("nameserver02", ServiceNamesrv) })
	r.at(22*time.Second, func() { r.w.Host("nameserver02").Start(ServiceNamesrv) })
	r.runTo(70 * time.Second)
	recs := r.recs(history.RouteRefresh, "p")
	if recs[0].NameServer != "nameserver01:"+model.NameServerPort {
		t.Errorf("first query to %s, want nameserver01 (index 0)", recs[0].NameServer)
	}
	var statuses []string
	for _, rec := range between(recs, 35*time.Second, 70*time.Second) {
		statuses = append(statuses, hostOf(rec.NameServer)+":"+rec.Status)
	}
	joined := strings.Join(statuses, " ")
	if !strings.Contains(joined, "nameserver02:TOPIC_NOT_EXIST") || !strings.Contains(joined, "nameserver01:SUCCESS") {
		t.Errorf("rounds at 35 s and 65 s: %v; want alternating nameservers, the restarted one answering 17", statuses)
	}
}

func test8GoProducer(t *testing.T) {
	r := newRun(t, Programs{}, goProfile)
	s := r.producer("p", 5*time.Second, client.Sync)
	r.sendAt(s, 6*time.Second, 0)
	r.at(20*time.Second, func() { r.c.PowerOff("master01"); r.c.PowerOff("master02") })
	r.sendAt(s, 21*time.Second, 1)
	r.runTo(60 * time.Second)
	res := s.res[1]
	if res.ex == nil || !near(res.at-21*time.Second, 12*time.Second, 20*time.Millisecond) {
		t.Fatalf("send %v after %v, want an error after 4 attempts × 3 s (§8)", res.ex, res.at-21*time.Second)
	}
	if n := len(between(r.recs(history.SendAttempt, "p"), 21*time.Second, 40*time.Second)); n != 4 {
		t.Errorf("%d attempts, want 4", n)
	}
}
