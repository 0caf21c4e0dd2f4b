package cluster

import (
	"bytes"
	"strconv"
	"testing"
	"time"

	"rmqsim/history"
	"rmqsim/model"
	"rmqsim/model/client"
)

// test33MembersFromRandomBroker: findBrokerAddrByTopic asks a random
// broker of the route for the members: both masters get asked; with both
// masters dead (slaves registered) the slaves are asked (§3.3).
func test33MembersFromRandomBroker(t *testing.T) {
	r := newRun(t, Programs{Consumers: []model.ConsumerProgramSpec{FieldConsumer("c1"), FieldConsumer("c2")}}, nil)
	var trace bytes.Buffer
	r.w.SetTraceWriter(&trace)
	r.startConsumerAt("c1", 5*time.Second)
	r.startConsumerAt("c2", 6*time.Second)
	r.at(200*time.Second, func() { r.c.Kill("master01", ServiceBroker); r.c.Kill("master02", ServiceBroker) })
	r.runTo(500 * time.Second)
	asked := map[string]int{}
	for _, h := range []string{"master01", "master02", "slave01", "slave02"} {
		asked[h+" before"] = len(received(&trace, h+"/broker", 0, 200*time.Second, "GET_CONSUMER_LIST_BY_GROUP"))
		asked[h+" after"] = len(received(&trace, h+"/broker", 240*time.Second, 500*time.Second, "GET_CONSUMER_LIST_BY_GROUP"))
	}
	expect(t, asked["master01 before"] > 0 && asked["master02 before"] > 0 && asked["slave01 before"] == 0 && asked["slave02 before"] == 0,
		"member queries before the masters died: %v; want both masters, no slave", asked)
	expect(t, asked["slave01 after"] > 0 && asked["slave02 after"] > 0, "member queries after: %v; want the slaves", asked)
}

// test34ShuffledRandomStart: each client shuffles the nameserver list and
// starts at a random index: of twelve producers, some attach first to
// each nameserver (§3.4).
func test34ShuffledRandomStart(t *testing.T) {
	r := newRun(t, Programs{}, nil)
	var ss []*sender
	for i := 0; i < 12; i++ {
		s := r.producer("p"+strconv.Itoa(i), 5*time.Second, client.Sync)
		r.sendAt(s, 6*time.Second, i)
		ss = append(ss, s)
	}
	r.runTo(10 * time.Second)
	first := map[string]int{}
	for i := range ss {
		if att := r.recs(history.NSAttach, "p"+strconv.Itoa(i)); len(att) > 0 {
			first[hostOf(att[0].NameServer)]++
		}
	}
	expect(t, first["nameserver01"] > 0 && first["nameserver02"] > 0 && first["nameserver01"]+first["nameserver02"] == 12,
		"first attachments %v; want both nameservers chosen by some of the 12", first)
}

// test31HeartbeatToDeadBrokers: broker-a's hosts lose power with every
// nameserver down (the route keeps them): each heartbeat round waits 3 s
// for each of them, in turn, on the shared thread, so the offset persist
// due during the round runs only after it (§3.1, #2728).
func test31HeartbeatToDeadBrokers(t *testing.T) {
	r := newRun(t, Programs{Consumers: []model.ConsumerProgramSpec{FieldConsumer("c")}}, nil)
	var trace bytes.Buffer
	r.w.SetTraceWriter(&trace)
	r.startConsumerAt("c", 5*time.Second)
	r.at(20*time.Second, func() { r.allNS(func(h string) { r.c.Kill(h, ServiceNamesrv) }) })
	r.at(30*time.Second, func() { r.c.PowerOff("master01"); r.c.PowerOff("slave01") })
	r.runTo(80 * time.Second)
	// The heartbeat round of 66 s: 3 s on each dead broker; the persist
	// due at 70 s waits for it.
	id := r.c.Consumers["c"].Consumer().Instance().ClientID()
	var got []time.Duration
	for _, h := range []string{"master02", "slave02"} {
		got = append(got, heartbeatFrom(&trace, h+"/broker", id, 66*time.Second, 80*time.Second)...)
	}
	var commits []time.Duration
	for _, rec := range between(r.recs(history.OffsetCommit, "c"), 66*time.Second, 75*time.Second) {
		if rec.Detail == "oneway" {
			commits = append(commits, rec.At)
		}
	}
	expect(t, len(got) == 2 && len(commits) > 0 && commits[0] >= 72*time.Second,
		"live brokers' heartbeats at %v, first persist after 66 s at %v; want the round blocked 2 × 3 s and the 70 s persist after it", got, commits)
}

// test53ChangeSendsHeartbeat: a rebalance that changes the queue table
// sends a heartbeat to every broker at once (messageQueueChanged, §5.3).
func test53ChangeSendsHeartbeat(t *testing.T) {
	r := newRun(t, Programs{Consumers: []model.ConsumerProgramSpec{FieldConsumer("c1"), FieldConsumer("c2")}}, nil)
	var trace bytes.Buffer
	r.w.SetTraceWriter(&trace)
	r.startConsumerAt("c1", 5*time.Second)
	r.startConsumerAt("c2", 20*time.Second)
	r.runTo(40 * time.Second)
	id := r.c.Consumers["c1"].Consumer().Instance().ClientID()
	var change *history.Record
	for _, rec := range between(r.recs(history.Rebalance, "c1"), 20*time.Second, 40*time.Second) {
		if rec.Topic == FieldTopic {
			rec := rec
			change = &rec
			break
		}
	}
	if change == nil {
		t.Fatalf("c1 did not rebalance when c2 joined")
	}
	for _, h := range []string{"master01", "master02"} {
		hb := heartbeatFrom(&trace, h+"/broker", id, change.At, change.At+100*time.Millisecond)
		expect(t, len(hb) > 0, "no heartbeat from c1 to %s right after its rebalance at %v", h, change.At)
	}
}
