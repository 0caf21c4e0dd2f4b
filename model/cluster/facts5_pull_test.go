package cluster

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"rmqsim/history"
	"rmqsim/model"
	"rmqsim/model/client"
	"rmqsim/sim"
)

// test53PullMaxIdle: a queue not pulled for pullMaxIdleTime (120 s) is
// dropped by the next rebalance although it is still assigned (§5.3).
// How it happens: broker-b's hosts lose power while every nameserver is
// down, so the route never changes. Once TCP gives up on the stale
// channel (1 min here), each pull of a broker-b queue blocks the single
// pull thread for the 3 s connect timeout; with 64 queues per broker a
// queue waits ≈ 64 × 3 s between pulls, longer than 120 s. The re-add
// asks the dead broker for the offset (-2) and skips the queue.
func test53PullMaxIdle(t *testing.T) {
	r := newRun(t, Programs{Consumers: []model.ConsumerProgramSpec{FieldConsumer("c")}}, func(c *model.Config, cs *model.ClusterSpec) {
		firstOffset(c, cs)
		c.Net.TCPGiveUp = time.Minute
		cs.Topics[0].Queues = 64
	})
	r.startConsumerAt("c", 5*time.Second)
	r.at(20*time.Second, func() { r.allNS(func(h string) { r.c.Kill(h, ServiceNamesrv) }) })
	r.at(30*time.Second, func() { r.c.PowerOff("master02"); r.c.PowerOff("slave02") })
	var before map[string]int
	r.at(60*time.Second, func() { before = brokersOf(r.owned("c")) })
	r.runTo(10 * time.Minute)
	after := brokersOf(r.owned("c"))
	expect(t, before["broker-a"] == 64 && before["broker-b"] == 64, "owned before %v, want 64/64", before)
	// broker-a's queues starve too (they wait behind the connects on the
	// same thread) and are dropped as well, but their re-add reaches the
	// live broker; broker-b's re-adds fail.
	expect(t, after["broker-a"] == 64 && after["broker-b"] < 64, "owned at 10 min %v; want broker-b queues dropped as idle, broker-a's back", after)
	var idle []history.Record
	for _, rec := range r.recs(history.OffsetCommit, "c") {
		if rec.Detail == "remove (pull expired)" {
			idle = append(idle, rec)
		}
	}
	if len(idle) == 0 {
		t.Fatalf("no queue dropped for pullMaxIdleTime")
	}
	perBroker := map[string]int{}
	for _, rec := range idle {
		perBroker[rec.Broker]++
	}
	expect(t, perBroker["broker-b"] > 0, "idle drops %v, want broker-b's queues among them", perBroker)
	expect(t, len(r.c.Consumers["c"].Consumer().SubscribeInfo(FieldTopic)) == 128, "subscribe info changed; the drop must come from idleness alone")
	// Re-adding a dead broker's queue: the offset query fails in transport
	// (-2), the queue is skipped until a later rebalance (§5.4).
	skips := 0
	for _, rec := range between(r.recs(history.OffsetRead, "c"), idle[0].At, 10*time.Minute) {
		if rec.Broker == "broker-b" && rec.Detail == "skip" && rec.Err != "" {
			skips++
		}
	}
	expect(t, skips > 0, "no skipped re-add of a broker-b queue after the idle drop")
}

// spanTopic is a one-queue topic on broker-a for the flow-control tests.
const spanTopic = "span_topic"

func spanCluster(c *model.Config, cs *model.ClusterSpec) {
	firstOffset(c, cs)
	cs.Topics = append(cs.Topics, model.TopicSpec{Name: spanTopic, Queues: 1, BrokerNames: []string{"broker-a"}})
}

// rawConsumer starts a push consumer of topic in a test process at d with
// listener fn.
func (r *tr) rawConsumer(name, topic string, d time.Duration, fn client.Listener) **client.PushConsumer {
	var pc *client.PushConsumer
	r.service(name, d, func(p *sim.Process) {
		pc = client.NewPushConsumer(client.NewInstance(p, r.env), FieldGroup, fn)
		pc.Subscribe(topic, "*")
		pc.Start(func(*client.Exception) {})
	})
	return &pc
}

// loadSpan sends n messages to spanTopic from 2 s, back to back.
func loadSpan(n int) model.ProducerProgramSpec {
	p := FieldProducer("load", 0, n)
	p.Topic, p.OnError = spanTopic, "continue"
	return p
}

// flowControlDelays lists when the consumer's flow-control timer fired.
func flowControlDelays(trace *bytes.Buffer, proc string) []time.Duration {
	return timerFirings(trace, FieldClient+"/"+proc, "pullFlowControl")
}

// test55FlowControlCount: with more than 1000 messages cached in a
// ProcessQueue the pull is retried every 50 ms without pulling; it pulls
// again within 50 ms of the cache falling to 1000 (§5.5).
func test55FlowControlCount(t *testing.T) { flowControlCount(t, nil, 32) }

// test8GoFlowControl: the Go consumer's limits are 1024 messages and a
// span of 1000 (consumer/push_consumer.go): after 32 pulls (offsets
// 0…1023) the span stops it first; its flow-control delay is 50 ms; it
// pulls again when 40 messages are consumed (span 983) (§8).
func test8GoFlowControl(t *testing.T) { flowControlCount(t, goProfile, 32) }

// flowControlCount: pulls of 32 until the cache passes the count limit
// (the stop-th pull passes it), then retries every 50 ms until 40
// messages were consumed.
func flowControlCount(t *testing.T, profile func(*model.Config, *model.ClusterSpec), stopAfter int) {
	r := newRun(t, Programs{Producers: []model.ProducerProgramSpec{loadSpan(1100)}}, func(c *model.Config, cs *model.ClusterSpec) {
		spanCluster(c, cs)
		if profile != nil {
			profile(c, cs)
		}
	})
	var trace bytes.Buffer
	r.w.SetTraceWriter(&trace)
	r.at(2*time.Second, func() { r.c.StartProgram("load") })
	// Each message holds its consume thread for 100 s: 20 finish every
	// 100 s from the start of consumption.
	pc := r.rawConsumer("c", spanTopic, 10*time.Second, func(m *model.MessageExt, done func(string)) {
		r.w.At(r.w.Now().Add(100*time.Second), func() { done(client.ConsumeSuccess) })
	})
	r.runTo(300 * time.Second)
	pulls := between(r.recs(history.Pull, "c"), 10*time.Second, 300*time.Second)
	var found []history.Record
	for _, rec := range pulls {
		if rec.Topic == spanTopic && rec.Status == client.PullFound {
			found = append(found, rec)
		}
	}
	if len(found) < stopAfter+1 {
		t.Fatalf("%d FOUND pulls of %s, want %d before the cache passes the limit and more after it drains", len(found), spanTopic, stopAfter)
	}
	// Java: 32 pulls of 32 bring 1024 > 1000 cached: the 33rd waits.
	stop, resume := found[stopAfter-1].At, found[stopAfter].At
	fc := flowControlDelays(&trace, "c")
	var during []time.Duration
	for _, d := range fc {
		if d > stop && d < resume {
			during = append(during, d)
		}
	}
	if len(during) < 100 {
		t.Fatalf("%d flow-control retries between %v and %v, want one every 50 ms", len(during), stop, resume)
	}
	for i := 1; i < len(during); i++ {
		if d := during[i] - during[i-1]; !near(d, 50*time.Millisecond, time.Millisecond) {
			t.Fatalf("flow-control retries %v apart, want 50 ms", d)
		}
	}
	// The first 20 messages complete 100 s after consumption began (Java:
	// 1004 cached); the next 20 another 100 s later (984 ≤ 1000; Go:
	// 1016 ≤ 1024).
	first := r.recs(history.Deliver, "c")[0].At
	drained := first + 200*time.Second
	expect(t, resume >= drained && resume <= drained+60*time.Millisecond,
		"pulls resumed at %v, the cache fell to ≤ 1000 at %v; want within 50 ms", resume, drained)
	_ = pc
}

// test55FlowControlSpan: with the count threshold out of the way
// (pullThresholdForQueue 100000) and no listener returning, pulls go on
// until the cached offsets span more than 2000: 63 pulls of 32 bring
// offsets 0…2015; then the pull is retried every 50 ms (§5.5).
func test55FlowControlSpan(t *testing.T) {
	r := newRun(t, Programs{Producers: []model.ProducerProgramSpec{loadSpan(2200)}}, func(c *model.Config, cs *model.ClusterSpec) {
		spanCluster(c, cs)
		c.Consumer.PullThresholdForQueue = 100000
	})
	var trace bytes.Buffer
	r.w.SetTraceWriter(&trace)
	r.at(2*time.Second, func() { r.c.StartProgram("load") })
	pcp := r.rawConsumer("c", spanTopic, 10*time.Second, func(*model.MessageExt, func(string)) {})
	r.runTo(40 * time.Second)
	var pulled int
	var last time.Duration
	for _, rec := range r.recs(history.Pull, "c") {
		if rec.Topic == spanTopic && rec.Status == client.PullFound {
			pulled, last = pulled+len(rec.Msgs), rec.At
		}
	}
	pc := *pcp
	pq := pc.ProcessQueueOf(client.MessageQueue{Topic: spanTopic, BrokerName: "broker-a", QueueID: 0})
	expect(t, pulled == 2016 && pq != nil && pq.Count() == 2016,
		"pulled %d messages, cached %v; want 2016 (offsets 0…2015, span 2015 > 2000)", pulled, pq)
	n := 0
	for _, d := range flowControlDelays(&trace, "c") {
		if d > last {
			n++
		}
	}
	expect(t, n >= 590, "%d flow-control retries in the 30 s after the last pull at %v, want one every 50 ms", n, last)
}

// test55OffsetIllegal: a group's committed offset lies past the queue's
// end (committed by a client of a queue that later lost messages, here
// written directly). The pull answers PULL_OFFSET_MOVED with
// nextBeginOffset 0 (minOffset is 0): the consumer drops the
// ProcessQueue, 10 s later commits 0 and removes the queue; the next
// rebalance takes it again from 0, so its messages are consumed again
// (§5.5, §5.9).
func test55OffsetIllegal(t *testing.T) {
	r := newRun(t, Programs{Producers: []model.ProducerProgramSpec{loadSpan(5)}}, spanCluster)
	r.at(2*time.Second, func() { r.c.StartProgram("load") })
	r.service("admin", 3*time.Second, func(p *sim.Process) {
		rc := model.NewRemotingClient(p, &r.env.Cfg.Client)
		rc.InvokeOneway("master01:"+model.BrokerPort, &model.Request{Code: model.UpdateConsumerOffset,
			Body: &model.UpdateConsumerOffsetRequest{ConsumerGroup: FieldGroup, Topic: spanTopic, QueueID: 0, CommitOffset: 100}}, nil)
	})
	r.rawConsumer("c", spanTopic, 10*time.Second, func(m *model.MessageExt, done func(string)) { done(client.ConsumeSuccess) })
	r.runTo(90 * time.Second)
	var illegal *history.Record
	for _, rec := range r.recs(history.Pull, "c") {
		if rec.Topic == spanTopic && rec.Status == client.PullOffsetIllegal {
			rec := rec
			illegal = &rec
			break
		}
	}
	if illegal == nil || illegal.QueueOffset != 100 || illegal.NextOffset != 0 {
		t.Fatalf("pull %+v, want OFFSET_ILLEGAL at 100 with nextBeginOffset 0", illegal)
	}
	var fixed *history.Record
	for _, rec := range r.recs(history.OffsetCommit, "c") {
		if rec.Topic == spanTopic && rec.Detail == "offset-illegal" {
			rec := rec
			fixed = &rec
			break
		}
	}
	if fixed == nil || fixed.Offset != 0 || !near(fixed.At-illegal.At, 10*time.Second, 5*time.Millisecond) {
		t.Fatalf("fix %+v after OFFSET_ILLEGAL at %v, want offset 0 committed 10 s later", fixed, illegal.At)
	}
	del := r.recs(history.Deliver, "c")
	expect(t, len(del) == 5 && del[0].QueueOffset == 0 && del[0].At > fixed.At && del[0].At-fixed.At <= 20*time.Second,
		"deliveries %v after the fix at %v; want all 5 from offset 0 within a rebalance (≤ 20 s)", atOf(del), fixed.At)
}

// offsetCluster makes offset 0 of every queue "on disk" as soon as a few
// hundred bytes follow it (physical memory 1 KiB, 40 % of it in memory),
// so a new group's QUERY_CONSUMER_OFFSET gets QUERY_NOT_FOUND (§2.5) and
// consumeFromWhere decides.
func offsetCluster(from string) func(*model.Config, *model.ClusterSpec) {
	return func(c *model.Config, cs *model.ClusterSpec) {
		c.Broker.PhysicalMemory = 1 << 10
		c.Consumer.ConsumeFromWhere = from
		cs.Topics = append(cs.Topics, model.TopicSpec{Name: spanTopic, Queues: 1, BrokerNames: []string{"broker-a"}})
	}
}

// batches sends batch A (10 messages at 60 s) and B (10 at 40 min) to
// spanTopic, and C (10 at 65 min).
func batches() []model.ProducerProgramSpec {
	var out []model.ProducerProgramSpec
	for i, name := range []string{"a", "b", "c"} {
		p := FieldProducer(name, i*10, 10)
		p.Topic, p.OnError = spanTopic, "continue"
		out = append(out, p)
	}
	return out
}

func (r *tr) runBatches(consumerAt time.Duration) **client.PushConsumer {
	r.at(60*time.Second, func() { r.c.StartProgram("a") })
	r.at(40*time.Minute, func() { r.c.StartProgram("b") })
	r.at(65*time.Minute, func() { r.c.StartProgram("c") })
	pc := r.rawConsumer("cons", spanTopic, consumerAt, func(m *model.MessageExt, done func(string)) { done(client.ConsumeSuccess) })
	r.runTo(70 * time.Minute)
	return pc
}

func deliveredIndexes(r *tr, proc string) (lo, hi, n int) {
	lo = 1 << 30
	for _, rec := range r.recs(history.Deliver, proc) {
		i := 0
		for _, ch := range strings.TrimPrefix(rec.Key, "NameServer Test") {
			i = i*10 + int(ch-'0')
		}
		lo, hi, n = min(lo, i), max(hi, i), n+1
	}
	return lo, hi, n
}

// test54Timestamp: a new group with CONSUME_FROM_TIMESTAMP, started at
// 60 min with offset 0 no longer in memory (22), starts each queue at the
// offset nearest to now − 30 min: it skips batch A (60 s) and reads B
// (40 min) and C; its %RETRY% queue starts at the max offset (§5.4).
func test54Timestamp(t *testing.T) {
	r := newRun(t, Programs{Producers: batches()}, offsetCluster("CONSUME_FROM_TIMESTAMP"))
	r.runBatches(60 * time.Minute)
	read := r.recs(history.OffsetRead, "cons")
	var main, retry *history.Record
	for i := range read {
		switch read[i].Topic {
		case spanTopic:
			main = &read[i]
		case "%RETRY%" + FieldGroup:
			retry = &read[i]
		}
	}
	if main == nil || main.Status != "QUERY_NOT_FOUND" || main.Detail != "timestamp" || main.Offset != 10 {
		t.Fatalf("offset read %+v, want QUERY_NOT_FOUND then the timestamp search at offset 10", main)
	}
	expect(t, retry != nil && retry.Detail != "timestamp", "retry queue start %+v, want not by timestamp", retry)
	lo, hi, n := deliveredIndexes(r, "cons")
	expect(t, lo == 10 && hi == 29 && n == 20, "delivered %d messages %d…%d, want B and C (10…29)", n, lo, hi)
}

// test54LastNotFound: a new group with CONSUME_FROM_LAST_OFFSET whose
// broker answers QUERY_NOT_FOUND starts at the max offset: batches A and
// B, sent before it started, are skipped — lost to this group (§5.4,
// §5.9); only C is consumed.
func test54LastNotFound(t *testing.T) {
	r := newRun(t, Programs{Producers: batches()}, offsetCluster("CONSUME_FROM_LAST_OFFSET"))
	r.runBatches(60 * time.Minute)
	var main *history.Record
	for _, rec := range r.recs(history.OffsetRead, "cons") {
		if rec.Topic == spanTopic {
			rec := rec
			main = &rec
		}
	}
	if main == nil || main.Status != "QUERY_NOT_FOUND" || main.Detail != "max" || main.Offset != 20 {
		t.Fatalf("offset read %+v, want QUERY_NOT_FOUND then the max offset 20", main)
	}
	lo, hi, n := deliveredIndexes(r, "cons")
	expect(t, lo == 20 && hi == 29 && n == 10, "delivered %d messages %d…%d, want C only (20…29)", n, lo, hi)
}
