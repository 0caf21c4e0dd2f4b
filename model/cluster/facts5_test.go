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

func firstOffset(c *model.Config, _ *model.ClusterSpec) {
	c.Consumer.ConsumeFromWhere = "CONSUME_FROM_FIRST_OFFSET"
}

// preload is a producer program sending n messages from 2 s, 50 ms apart.
func preload(n int) model.ProducerProgramSpec {
	p := FieldProducer("pre", 0, n)
	p.Interval, p.OnError = 50*time.Millisecond, "continue"
	return p
}

func test51Start(t *testing.T) {
	r := newRun(t, Programs{Producers: []model.ProducerProgramSpec{preload(10)}, Consumers: []model.ConsumerProgramSpec{FieldConsumer("c")}}, firstOffset)
	r.at(2*time.Second, func() { r.c.StartProgram("pre") })
	r.at(5*time.Second, func() { r.allNS(func(h string) { r.c.Kill(h, ServiceNamesrv) }) })
	r.startConsumerAt("c", 10*time.Second)
	r.at(60*time.Second, func() { r.w.Host("nameserver01").Start(ServiceNamesrv) })
	r.runTo(11 * time.Second)
	st := r.recs(history.ClientStart, "c")
	if len(st) != 1 || !strings.HasPrefix(st[0].Err, javaISEConnect) {
		t.Fatalf("start %v: want IllegalStateException (§5.1)", st)
	}
	if !r.c.Consumers["c"].Consumer().Running() {
		t.Fatalf("consumer not RUNNING after start() threw")
	}
	r.runTo(150 * time.Second)
	del := r.recs(history.Deliver, "c")
	if len(r.delivered("c")) != 10 {
		t.Fatalf("delivered %d distinct, want 10 once a nameserver returned", len(r.delivered("c")))
	}
	// Brokers re-register at 71 s, the consumer's poll at 100.01 s gets
	// the routes, its heartbeat at 101 s joins the group and the broker's
	// notification rebalances at once.
	if del[0].At < 100*time.Second || del[0].At > 135*time.Second {
		t.Errorf("first delivery at %v, want ≤ 30 s poll + one rebalance after the brokers re-registered", del[0].At)
	}
}

func timersNamed(trace *bytes.Buffer, proc, name string) []time.Duration {
	return timerFirings(trace, proc, name)
}

// test52Rebalance: a joining consumer's heartbeat makes the broker notify
// the group, which rebalances at once; a route change waits for the next
// 20 s tick (§5.2).
func test52Rebalance(t *testing.T) {
	r := newRun(t, Programs{Consumers: []model.ConsumerProgramSpec{FieldConsumer("c1"), FieldConsumer("c2")}}, nil)
	var trace bytes.Buffer
	r.w.SetTraceWriter(&trace)
	r.startConsumerAt("c1", 5*time.Second)
	r.startConsumerAt("c2", 60*time.Second)
	r.at(100*time.Second, func() { r.c.Kill("master02", ServiceBroker); r.c.Kill("slave02", ServiceBroker) })
	r.runTo(200 * time.Second)
	var joined bool
	for _, rec := range between(r.recs(history.Rebalance, "c1"), 60*time.Second, 61*time.Second) {
		joined = joined || (rec.Topic == FieldTopic && len(rec.Queues) == 16)
	}
	if !joined {
		t.Errorf("c1 did not rebalance to 16 queues right after c2 joined (notify, §5.2)")
	}
	// c1 learns the broker-a-only route at 125.01 s; the rebalance that
	// drops broker-b must come from the periodic timer, not a wakeup.
	var drop *history.Record
	for _, rec := range between(r.recs(history.Rebalance, "c1"), 125*time.Second, 200*time.Second) {
		if rec.Topic == FieldTopic {
			rec := rec
			drop = &rec
			break
		}
	}
	if drop == nil {
		t.Fatalf("c1 never rebalanced after the route change")
	}
	var periodic bool
	for _, at := range timersNamed(&trace, FieldClient+"/c1", "RebalanceService") {
		periodic = periodic || (at <= drop.At && drop.At-at < 5*time.Second)
	}
	if !periodic || drop.At < 125010*time.Millisecond {
		t.Errorf("rebalance after the route change at %v, want on a periodic tick after 125.01 s", drop.At)
	}
}

func ownedTopicQueues(pc *client.PushConsumer) map[client.MessageQueue]bool {
	out := map[client.MessageQueue]bool{}
	for _, q := range pc.ProcessQueues() {
		if q.Topic == FieldTopic {
			out[q] = true
		}
	}
	return out
}

func test53Split(t *testing.T) {
	r := newRun(t, Programs{Consumers: []model.ConsumerProgramSpec{FieldConsumer("c1"), FieldConsumer("c2")}}, nil)
	r.startConsumerAt("c1", 5*time.Second)
	r.startConsumerAt("c2", 6*time.Second)
	r.runTo(70 * time.Second)
	a, b := ownedTopicQueues(r.c.Consumers["c1"].Consumer()), ownedTopicQueues(r.c.Consumers["c2"].Consumer())
	if len(a) != 16 || len(b) != 16 {
		t.Fatalf("c1 owns %d, c2 %d, want 16/16 (AllocateMessageQueueAveragely, §5.3)", len(a), len(b))
	}
	for q := range a {
		if b[q] {
			t.Errorf("queue %v owned by both", q)
		}
	}
}

// test54LastIsFirst: a new group with CONSUME_FROM_LAST_OFFSET on small,
// never-cleaned queues gets offset 0 from the broker (§2.5) and reads
// everything, like FIRST (§5.4).
func test54LastIsFirst(t *testing.T) {
	r := newRun(t, Programs{Producers: []model.ProducerProgramSpec{preload(10)}, Consumers: []model.ConsumerProgramSpec{FieldConsumer("c")}}, nil)
	r.at(2*time.Second, func() { r.c.StartProgram("pre") })
	r.startConsumerAt("c", 10*time.Second)
	r.runTo(60 * time.Second)
	if n := len(r.delivered("c")); n != 10 {
		t.Errorf("LAST consumer delivered %d of the 10 earlier messages, want 10", n)
	}
	for _, rec := range r.recs(history.OffsetRead, "c") {
		if rec.Topic == "%RETRY%"+FieldGroup && rec.Offset != 0 {
			t.Errorf("retry queue starts at %d, want 0", rec.Offset)
		}
	}
}

func test55LongPolling(t *testing.T) {
	r := newRun(t, Programs{Consumers: []model.ConsumerProgramSpec{FieldConsumer("c")}}, firstOffset)
	s := r.producer("p", 5*time.Second, client.Sync)
	r.startConsumerAt("c", 5*time.Second)
	r.sendAt(s, 60*time.Second, 0)
	r.runTo(80 * time.Second)
	del := r.recs(history.Deliver, "c")
	if len(del) != 1 || !near(del[0].At, 60*time.Second, 10*time.Millisecond) {
		t.Errorf("delivered %v, want within ms of the send (the held pull wakes, §2.6, §5.5)", atOf(del))
	}
}

func test55ExceptionDelay(t *testing.T) {
	r := newRun(t, Programs{Consumers: []model.ConsumerProgramSpec{FieldConsumer("c")}}, nil)
	r.startConsumerAt("c", 5*time.Second)
	// With every nameserver gone the consumer keeps its cached route (§6),
	// so it keeps pulling broker-a after both its brokers are killed.
	r.at(20*time.Second, func() { r.allNS(func(h string) { r.c.Kill(h, ServiceNamesrv) }) })
	r.at(30500*time.Millisecond, func() {
		r.c.Kill("master01", ServiceBroker)
		r.c.Kill("slave01", ServiceBroker)
	})
	r.runTo(80 * time.Second)
	var fails []history.Record
	for _, rec := range between(r.recs(history.Pull, "c"), 30*time.Second, 80*time.Second) {
		if rec.Broker == "broker-a" && rec.QueueID == 0 && rec.Topic == FieldTopic && rec.Err != "" {
			fails = append(fails, rec)
		}
	}
	if len(fails) < 4 {
		t.Fatalf("failed pulls of broker-a/0: %d", len(fails))
	}
	// The pull held on master01 when it was killed: the FIN does not fail
	// it (Netty 4.0, see RemotingClient.waitOutFIN); the response-table
	// scan times it out 30 s + 1 s after it was sent (§2.6, §9).
	first := fails[0]
	if !strings.Contains(first.Err, "RemotingTimeoutException") || first.At-first.Start < 30*time.Second {
		t.Errorf("first failure %v after %v: want the held pull timing out after its 30 s", first.Err, first.At-first.Start)
	}
	// Then each new pull is refused at once and retried 1000 ms later.
	for i := 2; i < len(fails); i++ {
		if d := fails[i].At - fails[i-1].At; !near(d, time.Second, 20*time.Millisecond) {
			t.Errorf("failed pulls %v apart, want 1000 ms (pullTimeDelayMillsWhenException, §5.5)", d)
		}
	}
}

// test56Reconsume: RECONSUME_LATER sends the message back; it returns
// through %RETRY% after delay level 3 (10 s) with reconsumeTimes 1.
func test56Reconsume(t *testing.T) {
	cons := FieldConsumer("c")
	cons.FailureRate = 1
	r := newRun(t, Programs{Consumers: []model.ConsumerProgramSpec{cons}}, firstOffset)
	s := r.producer("p", 5*time.Second, client.Sync)
	r.startConsumerAt("c", 5*time.Second)
	r.sendAt(s, 90*time.Second, 0)
	r.runTo(150 * time.Second)
	del := r.recs(history.Deliver, "c")
	if len(del) < 2 {
		t.Fatalf("deliveries %v", del)
	}
	if del[1].Attempt != 1 || del[1].Detail != "%RETRY%"+FieldGroup || !near(del[1].At-del[0].At, 10*time.Second, time.Second) {
		t.Errorf("redelivery %+v after %v, want reconsumeTimes 1 from %%RETRY%% 10 s later (§5.6, §2.9)", del[1], del[1].At-del[0].At)
	}
}

// test57Commit: offsets go oneway every 5 s and at shutdown, which also
// unregisters the consumer.
func test57Commit(t *testing.T) {
	r := newRun(t, Programs{Producers: []model.ProducerProgramSpec{preload(10)}}, firstOffset)
	r.at(2*time.Second, func() { r.c.StartProgram("pre") })
	var pc *client.PushConsumer
	r.service("c", 5*time.Second, func(p *sim.Process) {
		pc = client.NewPushConsumer(client.NewInstance(p, r.env), FieldGroup,
			func(m *model.MessageExt, done func(string)) { done(client.ConsumeSuccess) })
		pc.Subscribe(FieldTopic, "*")
		pc.Start(func(*client.Exception) {})
	})
	r.at(60*time.Second, func() { pc.Shutdown(func() {}) })
	r.runTo(70 * time.Second)
	batches := map[time.Duration]bool{}
	final := map[string]int64{}
	var shutdown int
	for _, rec := range r.recs(history.OffsetCommit, "c") {
		switch rec.Detail {
		case "oneway":
			batches[rec.At.Truncate(time.Second)] = true
		case "shutdown":
			shutdown++
		}
		if rec.Topic == FieldTopic && rec.Detail != "pull" {
			final[rec.Broker+"/"+itoaQ(rec.QueueID)] = rec.Offset
		}
	}
	for at := 15 * time.Second; at < 60*time.Second; at += 5 * time.Second {
		if !batches[at] {
			t.Errorf("no oneway commit batch at %v (every 5 s from 10 s after start, §5.7)", at)
		}
	}
	var sum int64
	for _, v := range final {
		sum += v
	}
	if shutdown == 0 || sum != 10 {
		t.Errorf("%d shutdown commits, committed offsets sum %d; want commits at shutdown summing to 10", shutdown, sum)
	}
}

func itoaQ(i int) string { return string(rune('0'+i/10)) + string(rune('0'+i%10)) }
