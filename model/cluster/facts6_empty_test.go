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

// §6 "One NS comes back empty", point 2: partial routes.
//
// partialRoute: broker-b's registrations run on the 16 s + k·30 s phase
// (broker-a's on 11 s + k·30 s). Both nameservers are killed at 60 s;
// nameserver01 restarts empty at 62 s, and broker-b is cut off from it
// until 200 s (it registers at 206 s). broker-a registers at 71 s, so from
// then on nameserver01 answers a route with broker-a only.
//
// Programs: consumer c (FIRST, 5 s per message, 20 threads) from 20 s: it
// polls at 80.01 s (partial) … 200.01 s and 230.01 s (whole); producer
// "steady" (1 msg/s, 200 messages) from 21 s: polls at 81.01 s (partial) …
// 231.01 s; producer "burst" (300 messages back to back) at 55 s, which
// leaves the consumer a backlog on both brokers when the route shrinks.
type partialRoute struct {
	*tr
	trace *bytes.Buffer
}

func newPartialRoute(t *testing.T) *partialRoute {
	steady := FieldProducer("steady", 1000, 200)
	steady.Interval, steady.OnError = time.Second, "continue"
	burst := FieldProducer("burst", 0, 300)
	burst.OnError = "continue"
	cons := FieldConsumer("c")
	cons.ConsumeTime = 5 * time.Second
	r := &partialRoute{tr: newRun(t, Programs{Producers: []model.ProducerProgramSpec{steady, burst},
		Consumers: []model.ConsumerProgramSpec{cons}}, firstOffset), trace: &bytes.Buffer{}}
	r.w.SetTraceWriter(r.trace)
	r.shiftBroker("broker-b", 15*time.Second)
	r.startConsumerAt("c", 20*time.Second)
	r.at(21*time.Second, func() { r.c.StartProgram("steady") })
	r.at(55*time.Second, func() { r.c.StartProgram("burst") })
	r.at(60*time.Second, func() { r.allNS(func(h string) { r.c.Kill(h, ServiceNamesrv) }) })
	r.at(62*time.Second, func() {
		r.w.Host("nameserver01").Start(ServiceNamesrv)
		r.c.Partition([]string{"master02", "slave02"}, []string{"nameserver01"})
	})
	r.at(200*time.Second, func() {
		r.c.RecordFault("heal", "broker-b|nameserver01")
		r.w.Net().HealBetween([]string{"master02", "slave02"}, []string{"nameserver01"})
	})
	return r
}

// partialAt is the first SUCCESS refresh of the topic by proc that names
// broker-a only, after 62 s.
func (r *partialRoute) partialAt(proc string) time.Duration {
	for _, rec := range between(r.recs(history.RouteRefresh, proc), 62*time.Second, time.Hour) {
		if rec.Topic == FieldTopic && rec.Status == "SUCCESS" && strings.Join(routeNames(rec), ",") == "broker-a" {
			return rec.At
		}
	}
	return -1
}

// test6PartialRouteProducer: the producer sends only to the brokers
// registered so far, and nothing is lost (§6.2).
func test6PartialRouteProducer(t *testing.T) {
	r := newPartialRoute(t)
	r.runTo(320 * time.Second)
	at := r.partialAt("steady")
	if !near(at, 81010*time.Millisecond, 10*time.Millisecond) {
		t.Fatalf("steady's partial route at %v, want its 81.01 s poll", at)
	}
	perBroker := map[string]int{}
	for _, rec := range between(r.recs(history.SendReturn, "steady"), at+time.Millisecond, 221*time.Second) {
		perBroker[rec.Broker+" "+rec.Status]++
	}
	expect(t, len(perBroker) == 1 && perBroker["broker-a SEND_OK"] > 100, "sends after the partial route: %v, want SEND_OK on broker-a only", perBroker)
	expect(t, r.sendOK("steady") == 200 && r.sendOK("burst") == 300, "SEND_OK steady %d/200, burst %d/300", r.sendOK("steady"), r.sendOK("burst"))
	expect(t, len(r.delivered("c")) == 500, "consumed %d distinct of 500: nothing may be lost", len(r.delivered("c")))
}

// test6PartialRouteConsumerDrops: the consumer drops broker-b's queues at
// its next rebalance (≤ 20 s after the poll); the listener results of
// broker-b messages in flight are discarded, and those messages come back
// later: duplicates (§6.2, §5.8).
func test6PartialRouteConsumerDrops(t *testing.T) {
	r := newPartialRoute(t)
	r.runTo(320 * time.Second)
	at := r.partialAt("c")
	if !near(at, 80010*time.Millisecond, 10*time.Millisecond) {
		t.Fatalf("c's partial route at %v, want its 80.01 s poll", at)
	}
	var drop *history.Record
	for _, rec := range between(r.recs(history.Rebalance, "c"), at, 200*time.Second) {
		if rec.Topic == FieldTopic {
			rec := rec
			drop = &rec
			break
		}
	}
	if drop == nil || drop.At-at > 20*time.Second || len(drop.Queues) != 16 || drop.Queues[0].Broker != "broker-a" || drop.Queues[15].Broker != "broker-a" {
		t.Fatalf("rebalance after the partial route: %+v; want broker-a's 16 queues within 20 s", drop)
	}
	discarded := map[string]bool{}
	for _, rec := range r.recs(history.ConsumeResult, "c") {
		if rec.Broker == "broker-b" && strings.HasPrefix(rec.Detail, "discarded") {
			discarded[rec.Key] = true
		}
	}
	var again int
	for k := range discarded {
		if r.delivered("c")[k] >= 2 {
			again++
		}
	}
	expect(t, len(discarded) > 0 && again == len(discarded),
		"%d broker-b results discarded at the drop, %d of them delivered again; want some, all redelivered", len(discarded), again)
}

// test6PartialRouteReturn: broker-b's queues come back ≤ 30 s (poll) +
// 20 s (rebalance) after broker-b registers with the nameserver (§6.2).
func test6PartialRouteReturn(t *testing.T) {
	r := newPartialRoute(t)
	r.runTo(320 * time.Second)
	reg := registrations(r.trace, "nameserver01", "broker-b", "0", 62*time.Second, 320*time.Second)
	if len(reg) == 0 || reg[0] < 200*time.Second {
		t.Fatalf("broker-b registered with nameserver01 at %v, want only after the heal at 200 s", reg)
	}
	var back time.Duration = -1
	for _, rec := range between(r.recs(history.Rebalance, "c"), reg[0], time.Hour) {
		if rec.Topic == FieldTopic && len(rec.Queues) == 32 {
			back = rec.At
			break
		}
	}
	expect(t, back > reg[0] && back-reg[0] <= 50*time.Second, "broker-b registered at %v, its queues back at %v; want ≤ 30 s + 20 s later", reg[0], back)
}

// test6PartialRouteCleanOffline: once no cached route names broker-b,
// cleanOfflineBroker drops it and heartbeats to it stop; 120 s after the
// last one, broker-b's housekeeping expires the consumer's channel
// (without a notification) (§6.2, §3.2, §2.7).
func test6PartialRouteCleanOffline(t *testing.T) {
	r := newPartialRoute(t)
	var known map[string]map[int64]string
	r.at(90*time.Second, func() { known = r.c.Consumers["c"].Consumer().Instance().BrokerAddrs() })
	member := map[time.Duration]bool{}
	r.every(150*time.Second, 230*time.Second, time.Second, func(d time.Duration) {
		member[d] = len(r.c.Brokers["master02"].ConsumerIDs(FieldGroup)) > 0
	})
	r.runTo(230 * time.Second)
	expect(t, known["broker-b"] == nil && known["broker-a"] != nil, "brokerAddrTable at 90 s: %v, want broker-b dropped (cleanOfflineBroker at 81 s)", known)
	id := r.c.Consumers["c"].Consumer().Instance().ClientID()
	hb := heartbeatFrom(r.trace, "master02/broker", id, 0, 230*time.Second)
	if len(hb) == 0 || hb[len(hb)-1] > 82*time.Second {
		t.Fatalf("heartbeats to master02 at %v, want none after cleanOfflineBroker at 81 s", hb)
	}
	last := hb[len(hb)-1]
	gone := time.Duration(-1)
	for d := 150 * time.Second; d < 230*time.Second; d += time.Second {
		if !member[d] {
			gone = d
			break
		}
	}
	// master02's 10 s scan (16 s + k·10 s) removes it at the first scan
	// more than 120 s after the last heartbeat.
	expect(t, gone > last+120*time.Second && gone <= last+131*time.Second,
		"master02 dropped the consumer at %v, last heartbeat %v; want at the first scan > 120 s after it", gone, last)
}

// test6StaleChannelExtraPeriod: nameserver01's host loses power right
// after a registration round and is back (booting in 5 s) before the
// next. The brokers' channels to it are stale: the next round's write
// reaches the rebooted host, which answers RST, and only the round after
// registers: one extra 30 s period (§6.2, §3.5).
func test6StaleChannelExtraPeriod(t *testing.T) {
	r := newRun(t, Programs{}, func(c *model.Config, _ *model.ClusterSpec) { c.Net.BootTime = 5 * time.Second })
	var trace bytes.Buffer
	r.w.SetTraceWriter(&trace)
	r.at(42*time.Second, func() { r.c.PowerOff("nameserver01") })
	r.at(50*time.Second, func() { r.c.PowerOn("nameserver01") }) // namesrv up at 55 s
	r.runTo(150 * time.Second)
	for _, b := range []string{"broker-a", "broker-b"} {
		reg := registrations(&trace, "nameserver01", b, "0", 42*time.Second, 150*time.Second)
		expect(t, len(reg) > 0 && near(reg[0], 101*time.Second, 10*time.Millisecond),
			"%s registered with the rebooted nameserver01 at %v; want 101 s: the 71 s round dies on the stale channel", b, reg)
	}
}

// test6MasterDownAtRestart: broker-b's master is dead when the nameservers
// restart empty; only its slave registers, which builds no QueueData, so
// the route has broker-a only and the slave's messages are unreachable
// (§6.3, §1.2).
func test6MasterDownAtRestart(t *testing.T) {
	r := newRun(t, Programs{Producers: []model.ProducerProgramSpec{preload(20)},
		Consumers: []model.ConsumerProgramSpec{FieldConsumer("c")}}, firstOffset)
	r.at(2*time.Second, func() { r.c.StartProgram("pre") })
	r.at(20*time.Second, func() { r.c.Kill("master02", ServiceBroker) })
	r.at(30*time.Second, func() { r.allNS(func(h string) { r.c.Kill(h, ServiceNamesrv) }) })
	r.at(42*time.Second, func() { r.allNS(func(h string) { r.w.Host(h).Start(ServiceNamesrv) }) })
	r.startConsumerAt("c", 80*time.Second)
	r.runTo(200 * time.Second)
	ns := r.c.NameServers["nameserver01"].Routes()
	route := ns.PickupTopicRouteData(FieldTopic)
	expect(t, route != nil && len(route.QueueDatas) == 1 && route.QueueDatas[0].BrokerName == "broker-a",
		"nameserver01's route %v, want broker-a only", route)
	expect(t, strings.Join(ns.BrokerNames(), ",") == "broker-a,broker-b", "nameserver01 brokers %v, want broker-b (its slave) registered", ns.BrokerNames())
	perBroker := map[string]int{}
	for _, rec := range r.recs(history.Deliver, "c") {
		perBroker[rec.Broker]++
	}
	onB := 0
	for _, rec := range r.recs(history.SendReturn, "pre") {
		if rec.Broker == "broker-b" {
			onB++
		}
	}
	expect(t, onB > 0 && perBroker["broker-b"] == 0 && perBroker["broker-a"] == 20-onB,
		"delivered per broker %v with %d messages on broker-b; want broker-a's only (broker-b's unreachable)", perBroker, onB)
}

// test6MasterDiesNSUp: the contrast: broker-b's master dies while the
// nameservers stay up; the QueueData stays, the route shows broker-b with
// its slave, and consumers read broker-b's messages from the slave (§6.3).
func test6MasterDiesNSUp(t *testing.T) {
	r := newRun(t, Programs{Producers: []model.ProducerProgramSpec{preload(20)},
		Consumers: []model.ConsumerProgramSpec{FieldConsumer("c")}}, firstOffset)
	r.at(2*time.Second, func() { r.c.StartProgram("pre") })
	r.at(20*time.Second, func() { r.c.Kill("master02", ServiceBroker) })
	r.startConsumerAt("c", 80*time.Second)
	r.runTo(200 * time.Second)
	fromSlave := 0
	for _, rec := range r.recs(history.Pull, "c") {
		if rec.Broker == "broker-b" && hostOf(rec.BrokerAddr) == "slave02" && rec.Status == client.PullFound {
			fromSlave += len(rec.Msgs)
		}
	}
	expect(t, len(r.delivered("c")) == 20 && fromSlave > 0, "delivered %d of 20, %d pulled from slave02; want all, broker-b's from the slave", len(r.delivered("c")), fromSlave)
}

// test6DifferentNameservers: consumers of one group attached to different
// nameservers — c1 to nameserver01, which never restarts, c2 to
// nameserver02, restarted empty — hold different routes: c2 allocates
// over broker-a's 16 queues, c1 over 32, so broker-a's queues 8–15 are
// owned twice and their messages consumed twice (§6.4, §5.8).
//
// Brokers register every 60 s (the clamp's maximum) and broker-b's phase
// is shifted, so nameserver02 knows broker-a only from 71 s to 111 s.
// Partitions pin the clients: client01 cannot reach nameserver02, client02
// cannot reach nameserver01. c2 starts at 72 s; if its first connect goes
// to nameserver01 it waits 3 s, start() throws, and its next poll at
// 102.01 s still finds the partial route.
func test6DifferentNameservers(t *testing.T) {
	steady := FieldProducer("steady", 0, 120)
	steady.Interval, steady.OnError = time.Second, "continue"
	r := newRun(t, Programs{Producers: []model.ProducerProgramSpec{steady},
		Consumers: []model.ConsumerProgramSpec{FieldConsumer("c1"), on("client02", FieldConsumer("c2"))}},
		func(c *model.Config, cs *model.ClusterSpec) {
			firstOffset(c, cs)
			secondClient(c, cs)
			c.Broker.RegisterNameServerPeriod = 60 * time.Second
		})
	r.at(0, func() {
		r.c.Partition([]string{FieldClient}, []string{"nameserver02"})
		r.c.Partition([]string{"client02"}, []string{"nameserver01"})
	})
	r.shiftBroker("broker-b", 40*time.Second)
	r.startConsumerAt("c1", 5*time.Second)
	r.at(55*time.Second, func() { r.c.Kill("nameserver02", ServiceNamesrv) })
	r.at(60*time.Second, func() { r.w.Host("nameserver02").Start(ServiceNamesrv) })
	r.startConsumerAt("c2", 72*time.Second)
	r.at(80*time.Second, func() { r.c.StartProgram("steady") })
	r.runTo(220 * time.Second)
	for _, rec := range between(r.recs(history.RouteRefresh, "c1"), 60*time.Second, 220*time.Second) {
		if rec.Topic == FieldTopic && (hostOf(rec.NameServer) != "nameserver01" || strings.Join(routeNames(rec), ",") != "broker-a,broker-b") {
			t.Errorf("c1 refresh at %v from %s: %q, want the whole route from nameserver01", rec.At, rec.NameServer, rec.Route)
		}
	}
	var partial []history.Record
	for _, rec := range r.recs(history.Rebalance, "c2") {
		if rec.Topic == FieldTopic && strings.HasPrefix(rec.Detail, "mqAll=16 ") {
			partial = append(partial, rec)
		}
	}
	if len(partial) == 0 {
		t.Fatalf("c2 never allocated over broker-a's 16 queues alone: %v", r.recs(history.Rebalance, "c2"))
	}
	for _, q := range partial[0].Queues {
		expect(t, q.Broker == "broker-a" && q.QueueID >= 8, "c2 got %v, want broker-a 8–15 (second of two over 16)", partial[0].Queues)
	}
	var both []string
	for k, n := range r.delivered("c2") {
		if n > 0 && r.delivered("c1")[k] > 0 {
			both = append(both, k)
		}
	}
	expect(t, len(both) > 0, "no message consumed by both c1 and c2; want the overlapping queues' messages twice")
}

// test6StayOnNameserver: both nameservers die; nameserver01 comes back
// (empty: 17, caches kept) and the clients attach to it; when nameserver02
// returns, they stay on nameserver01 (§6.1, §6.5, §3.4).
func test6StayOnNameserver(t *testing.T) {
	spec := FieldProducer("p", 0, 300)
	spec.Interval, spec.OnError = time.Second, "continue"
	r := newRun(t, Programs{Producers: []model.ProducerProgramSpec{spec},
		Consumers: []model.ConsumerProgramSpec{FieldConsumer("c")}}, firstOffset)
	r.startConsumerAt("c", 5*time.Second)
	r.at(6*time.Second, func() { r.c.StartProgram("p") })
	r.at(30*time.Second, func() { r.allNS(func(h string) { r.c.Kill(h, ServiceNamesrv) }) })
	r.at(42*time.Second, func() { r.w.Host("nameserver01").Start(ServiceNamesrv) })
	r.at(100*time.Second, func() { r.w.Host("nameserver02").Start(ServiceNamesrv) })
	r.runTo(310 * time.Second)
	for _, proc := range []string{"p", "c"} {
		// Each query while both are down tries both; the first one after
		// 42 s settles on nameserver01, and nothing moves after 100 s.
		att := between(r.recs(history.NSAttach, proc), 42*time.Second, time.Hour)
		if len(att) == 0 {
			t.Fatalf("%s never attached after 42 s", proc)
		}
		last := att[len(att)-1]
		expect(t, hostOf(last.NameServer) == "nameserver01" && last.At < 100*time.Second,
			"%s attachments after 42 s at %v, last %s; want nameserver01 before 100 s, then no switch", proc, atOf(att), last.NameServer)
		var got17 bool
		for _, rec := range between(r.recs(history.RouteRefresh, proc), 42*time.Second, 310*time.Second) {
			got17 = got17 || rec.Status == "TOPIC_NOT_EXIST"
			expect(t, rec.At < 100*time.Second || hostOf(rec.NameServer) == "nameserver01", "%s asked %s at %v, want nameserver01 (sticky)", proc, rec.NameServer, rec.At)
		}
		expect(t, got17, "%s never got TOPIC_NOT_EXIST from the empty nameserver01", proc)
	}
	expect(t, r.sendOK("p") == 300 && len(r.delivered("c")) == 300, "SEND_OK %d, consumed %d of 300", r.sendOK("p"), len(r.delivered("c")))
}
