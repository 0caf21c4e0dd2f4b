package cluster

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"rmqsim/history"
	"rmqsim/model"
	"rmqsim/model/client"
)

// §6 "All NS down" and "A broker restarts with the same addr while all NS
// are down": everything below runs with every nameserver killed.

// test6AllDownMembershipContinues: with every nameserver down, brokers
// keep serving and clients keep heartbeating, rebalancing and committing:
// a consumer that dies is noticed through the brokers and the survivor
// takes its queues; no broker expires the survivor's channel (§6).
func test6AllDownMembershipContinues(t *testing.T) {
	spec := FieldProducer("p", 0, 200)
	spec.Interval, spec.OnError = time.Second, "continue"
	r := newRun(t, Programs{Producers: []model.ProducerProgramSpec{spec},
		Consumers: []model.ConsumerProgramSpec{FieldConsumer("c1"), FieldConsumer("c2")}}, firstOffset)
	r.startConsumerAt("c1", 5*time.Second)
	r.startConsumerAt("c2", 5*time.Second)
	r.at(10*time.Second, func() { r.c.StartProgram("p") })
	r.at(30*time.Second, func() { r.allNS(func(h string) { r.c.Kill(h, ServiceNamesrv) }) })
	r.at(60*time.Second, func() { r.c.Kill(FieldClient, "c2") })
	r.runTo(5 * time.Minute)
	var took *history.Record
	for _, rec := range between(r.recs(history.Rebalance, "c1"), 60*time.Second, 5*time.Minute) {
		if rec.Topic == FieldTopic && len(rec.Queues) == 32 {
			rec := rec
			took = &rec
			break
		}
	}
	if took == nil || took.At > 61*time.Second {
		t.Errorf("c1 took all 32 queues at %v, want within 1 s of c2's death (brokers notify, membership from brokers, §6)", took)
	}
	commits := map[time.Duration]bool{}
	for _, rec := range between(r.recs(history.OffsetCommit, "c1"), 30*time.Second, 5*time.Minute) {
		if rec.Detail == "oneway" && rec.Err == "" {
			commits[rec.At.Truncate(5*time.Second)] = true
		}
	}
	expect(t, len(commits) >= 50, "oneway commits in %d of the 54 five-second slots of the outage, want all (§6)", len(commits))
	for _, host := range []string{"master01", "master02"} {
		ids := r.c.Brokers[host].ConsumerIDs(FieldGroup)
		expect(t, len(ids) == 1, "%s members after 270 s without nameservers: %v, want c1 (heartbeats continue, no 120 s expiry)", host, ids)
	}
	expect(t, r.sendOK("p") == 200, "%d of 200 SEND_OK with every nameserver down", r.sendOK("p"))
	expect(t, len(r.delivered("c1"))+len(r.delivered("c2")) >= 200, "consumed %d+%d", len(r.delivered("c1")), len(r.delivered("c2")))
}

// test6RestartSendsRetried: master01 is killed and restarted with every
// nameserver down. While it is down its sends are refused at connect and
// retried on broker-b at once; after the restart the producer reconnects
// on demand and broker-a gets sends again (§6).
func test6RestartSendsRetried(t *testing.T) {
	spec := FieldProducer("p", 0, 120)
	spec.Interval, spec.OnError = 500*time.Millisecond, "continue"
	r := newRun(t, Programs{Producers: []model.ProducerProgramSpec{spec}}, nil)
	r.at(5*time.Second, func() { r.c.StartProgram("p") })
	r.at(20*time.Second, func() { r.allNS(func(h string) { r.c.Kill(h, ServiceNamesrv) }) })
	r.at(30250*time.Millisecond, func() { r.c.Kill("master01", ServiceBroker) }) // between two sends
	r.at(40*time.Second, func() { r.w.Host("master01").Start(ServiceBroker) })
	r.runTo(70 * time.Second)
	fails := between(r.recs(history.SendAttemptFail, "p"), 30*time.Second, 41*time.Second)
	if len(fails) == 0 {
		t.Fatalf("no refused attempt to broker-a while it was down")
	}
	ret := map[string]history.Record{}
	for _, rec := range r.recs(history.SendReturn, "p") {
		ret[rec.Key] = rec
	}
	for _, f := range fails {
		got := ret[f.Key]
		if f.Broker != "broker-a" || !strings.Contains(f.Err, "RemotingConnectException") ||
			got.Status != client.StatusSendOK || got.Broker != "broker-b" || got.At-f.At > 10*time.Millisecond {
			t.Errorf("attempt %s failed with %q, returned %s on %s after %v; want a refused connect retried on broker-b at once",
				f.Key, f.Err, got.Status, got.Broker, got.At-f.At)
		}
	}
	var back int
	for _, rec := range between(r.recs(history.SendReturn, "p"), 42*time.Second, 70*time.Second) {
		if rec.Broker == "broker-a" && rec.Status == client.StatusSendOK {
			back++
		}
	}
	expect(t, back > 0, "no SEND_OK on broker-a after its restart (reconnect on demand, §6)")
	expect(t, r.sendOK("p") == 120, "%d of 120 SEND_OK", r.sendOK("p"))
}

// singleBroker puts the field topic on broker-a only.
func singleBroker(c *model.Config, cs *model.ClusterSpec) {
	firstOffset(c, cs)
	cs.Topics = []model.TopicSpec{{Name: FieldTopic, Queues: 16, BrokerNames: []string{"broker-a"}}}
}

// test6RestartPullsAndRebalances: broker-a (the topic's only broker) is
// restarted with every nameserver down: it has lost its membership, so
// pulls get SUBSCRIPTION_NOT_EXIST (retried every 1 s) until each
// consumer's next heartbeat, ≤ 30 s; rebalances asking it for members get
// SYSTEM_ERROR, i.e. null, and change nothing (§6, §2.8, §5.3).
func test6RestartPullsAndRebalances(t *testing.T) {
	r := newRun(t, Programs{Consumers: []model.ConsumerProgramSpec{FieldConsumer("c1"), FieldConsumer("c2")}}, singleBroker)
	var trace bytes.Buffer
	r.w.SetTraceWriter(&trace)
	r.startConsumerAt("c1", 5*time.Second)
	r.startConsumerAt("c2", 7*time.Second)
	r.at(20*time.Second, func() { r.allNS(func(h string) { r.c.Kill(h, ServiceNamesrv) }) })
	r.at(40*time.Second, func() { r.c.Kill("master01", ServiceBroker) })
	r.at(41*time.Second, func() { r.w.Host("master01").Start(ServiceBroker) })
	var before map[string]map[client.MessageQueue]bool
	r.at(39*time.Second, func() { before = map[string]map[client.MessageQueue]bool{"c1": r.owned("c1"), "c2": r.owned("c2")} })
	r.runTo(90 * time.Second)
	for _, name := range []string{"c1", "c2"} {
		var notExist []time.Duration
		for _, rec := range between(r.recs(history.Pull, name), 42*time.Second, 90*time.Second) {
			if rec.Topic == FieldTopic && rec.QueueID == r.firstQueue(before[name]) && strings.Contains(rec.Err, "CODE: 24 ") {
				notExist = append(notExist, rec.At)
			}
		}
		hb := heartbeatFrom(&trace, "master01/broker", r.c.Consumers[name].Consumer().Instance().ClientID(), 42*time.Second, 90*time.Second)
		if len(notExist) < 2 || len(hb) == 0 || notExist[len(notExist)-1] > hb[0] || hb[0] > 72*time.Second {
			t.Errorf("%s: SUBSCRIPTION_NOT_EXIST pulls at %v, first heartbeat at %v; want them every 1 s until the heartbeat ≤ 30 s later", name, notExist, hb)
			continue
		}
		for i := 1; i < len(notExist); i++ {
			expect(t, near(notExist[i]-notExist[i-1], time.Second, 20*time.Millisecond), "%s: failed pulls %v apart, want 1 s", name, notExist[i]-notExist[i-1])
		}
	}
	// Until the first heartbeat re-registers a member, every rebalance asks
	// the restarted broker (the topic's only broker) and gets null.
	firstHB := 90 * time.Second
	for _, name := range []string{"c1", "c2"} {
		if hb := heartbeatFrom(&trace, "master01/broker", r.c.Consumers[name].Consumer().Instance().ClientID(), 42*time.Second, 90*time.Second); len(hb) > 0 {
			firstHB = min(firstHB, hb[0])
		}
	}
	asked := received(&trace, "master01/broker", 42*time.Second, firstHB, "GET_CONSUMER_LIST_BY_GROUP")
	expect(t, len(asked) > 0, "no rebalance asked the restarted broker for members before the heartbeats (first at %v)", firstHB)
	for _, name := range []string{"c1", "c2"} {
		var changed []time.Duration
		for _, rec := range between(r.recs(history.Rebalance, name), 40*time.Second, firstHB) {
			if rec.Topic == FieldTopic {
				changed = append(changed, rec.At)
			}
		}
		expect(t, len(changed) == 0 && len(r.owned(name)) == len(before[name]) && len(before[name]) == 8,
			"%s: rebalanced at %v, owns %d (had %d); want no change: a null cidAll changes nothing", name, changed, len(r.owned(name)), len(before[name]))
	}
}

// firstQueue returns the lowest queue id of a set.
func (r *tr) firstQueue(qs map[client.MessageQueue]bool) int {
	low := 1 << 30
	for q := range qs {
		low = min(low, q.QueueID)
	}
	return low
}

// heartbeatFrom lists HEART_BEATs a broker received from clientID.
func heartbeatFrom(trace *bytes.Buffer, proc, clientID string, from, to time.Duration) []time.Duration {
	return received(trace, proc, from, to, " HEART_BEAT ", clientID)
}

// test6NewBrokerNeverLearned: broker-c starts while every nameserver is
// down: no client ever learns its address; once a nameserver returns it
// registers and clients use it within a poll (§6).
func test6NewBrokerNeverLearned(t *testing.T) {
	spec := FieldProducer("p", 0, 400)
	spec.Interval, spec.OnError = 500*time.Millisecond, "continue"
	r := newRun(t, Programs{Producers: []model.ProducerProgramSpec{spec}}, func(_ *model.Config, cs *model.ClusterSpec) {
		cs.Brokers = append(cs.Brokers, model.BrokerGroupSpec{BrokerName: "broker-c", Master: model.NodeSpec{Host: "master03", IP: "172.16.7.97"}})
	})
	r.at(500*time.Millisecond, func() { r.c.Kill("master03", ServiceBroker) }) // before it registers
	r.at(5*time.Second, func() { r.c.StartProgram("p") })
	r.at(20*time.Second, func() { r.allNS(func(h string) { r.c.Kill(h, ServiceNamesrv) }) })
	r.at(30*time.Second, func() { r.w.Host("master03").Start(ServiceBroker) })
	r.at(150*time.Second, func() { r.w.Host("nameserver01").Start(ServiceNamesrv) })
	// master03 registers with nameserver01 at 161 s (its 31 s + 10 s + k·30 s
	// phase); the producer polls at 155.01 s (17: the nameserver is still
	// empty) and 185.01 s.
	known := map[time.Duration]bool{}
	for _, d := range []time.Duration{29 * time.Second, 184 * time.Second, 186 * time.Second} {
		d := d
		r.at(d, func() { known[d] = r.c.Producers["p"].Producer().Instance().BrokerAddrs()["broker-c"] != nil })
	}
	r.runTo(215 * time.Second)
	first := time.Duration(-1)
	for _, rec := range r.recs(history.SendReturn, "p") {
		if rec.Broker == "broker-c" {
			first = rec.At
			break
		}
	}
	expect(t, !known[29*time.Second] && !known[184*time.Second] && known[186*time.Second],
		"broker-c known at 29 s %v, 184 s %v, 186 s %v; want only after the 185.01 s poll", known[29*time.Second], known[184*time.Second], known[186*time.Second])
	// Round robin over 48 queues: broker-c's turn comes within 24 s.
	expect(t, first > 185*time.Second && first < 210*time.Second,
		"first send to broker-c at %v; want none while the nameservers are down, then after the 185.01 s poll", first)
}

// test6RestartInFlightDuplicate: a send in flight when its broker dies
// fails without an answer although the broker stored the message; the
// retry on the other broker stores it again: a duplicate (§6, §5.8).
// broker-a is a SYNC_MASTER whose slave is powered off, so it holds the
// send (waiting for the slave) long enough to be killed with it in flight.
// With the killed peer's FIN the call fails at once (§3.5 failFast) and
// is retried within the budget.
func test6RestartInFlightDuplicate(t *testing.T) {
	r := newRun(t, Programs{Consumers: []model.ConsumerProgramSpec{FieldConsumer("c")}}, func(c *model.Config, cs *model.ClusterSpec) {
		firstOffset(c, cs)
		c.Broker.BrokerRole = "SYNC_MASTER"
		c.Producer.SendWhichQueue = 8 // the first send goes to broker-a queue 8
	})
	s := r.producer("p", 5*time.Second, client.Sync)
	r.startConsumerAt("c", 5*time.Second)
	r.sendAt(s, 10*time.Second, 1) // broker-a queue 8: caches the route
	r.at(15*time.Second, func() { r.c.PowerOff("slave01") })
	r.at(20*time.Second, func() { r.allNS(func(h string) { r.c.Kill(h, ServiceNamesrv) }) })
	r.sendAt(s, 25*time.Second, 0)
	r.at(26*time.Second, func() { r.c.Kill("master01", ServiceBroker) })
	r.at(40*time.Second, func() { r.w.Host("master01").Start(ServiceBroker) })
	r.runTo(2 * time.Minute)
	// The kill closes the channel with a FIN, which Netty 4.0 handles
	// without failFast: the in-flight request waits out the whole budget
	// (§6 "sends in flight when it died time out"; see RemotingClient.waitOutFIN).
	att := between(r.recs(history.SendAttempt, "p"), 20*time.Second, time.Hour)
	fail := r.recs(history.SendAttemptFail, "p")
	res := s.res[0]
	if len(att) != 1 || att[0].Broker != "broker-a" || len(fail) != 1 || !near(fail[0].At, 28*time.Second, 5*time.Millisecond) ||
		!strings.Contains(fail[0].Err, "RemotingTimeoutException") || res.ex == nil ||
		!strings.Contains(res.ex.String(), "sendDefaultImpl call timeout") {
		t.Fatalf("attempts %v, failures %v, result %v %v; want broker-a timing out at 28 s, then sendDefaultImpl call timeout", att, fail, res.r, res.ex)
	}
	// Yet broker-a had stored it (page cache survives a kill): the consumer
	// gets it after the restart. An application that resends it on the
	// exception stores and delivers it twice (the "possible duplicates").
	stored := map[string]bool{}
	for _, rec := range r.recs(history.Stored, "") {
		if rec.Key == "NameServer Test0" && rec.Detail == "" {
			stored[rec.Broker] = true
		}
	}
	expect(t, stored["broker-a"] && !stored["broker-b"], "stored on %v, want broker-a only", stored)
	expect(t, r.delivered("c")["NameServer Test0"] == 1, "delivered %d times, want once (after the restart)", r.delivered("c")["NameServer Test0"])
}

// test6RestartedSlaveNoMaster: slave01 restarted while every nameserver is
// down has no master addr: no HA connection (nothing replicated) and no
// SlaveSynchronize calls, until a nameserver returns (§6, §2.4).
func test6RestartedSlaveNoMaster(t *testing.T) {
	spec := FieldProducer("p", 0, 190)
	spec.Interval, spec.OnError = time.Second, "continue"
	r := newRun(t, Programs{Producers: []model.ProducerProgramSpec{spec}}, nil)
	var trace bytes.Buffer
	r.w.SetTraceWriter(&trace)
	r.at(5*time.Second, func() { r.c.StartProgram("p") })
	r.at(20*time.Second, func() { r.allNS(func(h string) { r.c.Kill(h, ServiceNamesrv) }) })
	r.at(30*time.Second, func() { r.c.Kill("slave01", ServiceBroker); r.w.Host("slave01").Start(ServiceBroker) })
	r.at(80*time.Second, func() { r.w.Host("nameserver01").Start(ServiceNamesrv) })
	r.runTo(200 * time.Second)
	replicas := func(from, to time.Duration) int {
		n := 0
		for _, rec := range between(r.recs(history.Stored, "broker"), from, to) {
			if rec.Detail == "replica" && strings.HasPrefix(rec.Proc, "slave01/") {
				n++
			}
		}
		return n
	}
	sync := received(&trace, "master01/broker", 31*time.Second, 81*time.Second, "GET_ALL_TOPIC_CONFIG")
	expect(t, replicas(31*time.Second, 81*time.Second) == 0 && len(sync) == 0,
		"restarted slave01 replicated %d messages and synced %d times with every nameserver down; want none", replicas(31*time.Second, 81*time.Second), len(sync))
	// slave01 registers with nameserver01 on its phase (31 s + 10 s + k·30
	// s) once master01 has (its reply carries the live master's addrs), at
	// 101 s or 131 s: it learns the master, connects HA and catches up.
	expect(t, replicas(101*time.Second, 200*time.Second) > 0, "slave01 did not replicate after a nameserver returned")
}
