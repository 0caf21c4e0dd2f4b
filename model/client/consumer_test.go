package client

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"rmqsim/history"
	"rmqsim/model"
	"rmqsim/sim"
)

// startConsumer boots a push consumer (group_test_123, FIRST offset) in a
// second app service on the client host; it returns the start() result
// holder and the consumer.
func (hs *harness) startConsumer(name string, at time.Duration, listener Listener) (**Exception, **PushConsumer) {
	var startErr *Exception
	var pc *PushConsumer
	host := hs.w.Host("cl")
	host.AddService(name, func(p *sim.Process) {
		pc = NewPushConsumer(NewInstance(p, hs.env), "group_test_123", listener)
		pc.Subscribe(topic, "TagA || TagB")
		pc.Start(func(ex *Exception) { startErr = ex })
	})
	hs.at(at, func() { host.Start(name) })
	return &startErr, &pc
}

func successListener(p func() *sim.Process) Listener {
	return func(m *model.MessageExt, done func(string)) { done(ConsumeSuccess) }
}

func sendN(hs *harness, n int) {
	var sends []time.Duration
	for i := 0; i < n; i++ {
		sends = append(sends, time.Second+time.Duration(i)*10*time.Millisecond)
	}
	startProducer(hs, sends...)
}

func delivered(hs *harness) map[string]int {
	out := map[string]int{}
	for _, r := range hs.records(history.Deliver) {
		out[r.Key]++
	}
	return out
}

func TestConsumerEndToEnd(t *testing.T) {
	hs := newHarness(t, func(c *model.Config) { c.Consumer.ConsumeFromWhere = "CONSUME_FROM_FIRST_OFFSET" })
	sendN(hs, 20)
	startErr, pc := hs.startConsumer("consumer", 5*time.Second, successListener(nil))
	hs.run(time.Minute)
	if *startErr != nil {
		t.Fatalf("start: %v", *startErr)
	}
	if got := delivered(hs); len(got) != 20 {
		t.Fatalf("delivered %d distinct messages, want 20: %v", len(got), got)
	}
	if n := len((*pc).ProcessQueues()); n != 32 {
		t.Errorf("owns %d queues, want 32 (the fake nameservers have no %%RETRY%% route)", n)
	}
	var committed int64
	last := map[string]int64{}
	for _, r := range hs.records(history.OffsetCommit) {
		if r.Topic == topic {
			last[r.Broker+strconv.Itoa(r.QueueID)] = r.Offset
		}
	}
	for _, v := range last {
		committed += v
	}
	if committed != 20 {
		t.Errorf("committed offsets sum to %d, want 20", committed)
	}
}

func testFacts5_1StartThrowsButKeepsRunning(t *testing.T) {
	hs := newHarness(t, func(c *model.Config) { c.Consumer.ConsumeFromWhere = "CONSUME_FROM_FIRST_OFFSET" })
	sendN(hs, 10)
	hs.at(3*time.Second, func() { hs.w.Host("ns1").Kill("namesrv"); hs.w.Host("ns2").Kill("namesrv") })
	startErr, pc := hs.startConsumer("consumer", 5*time.Second, successListener(nil))
	hs.at(60*time.Second, func() { hs.w.Host("ns1").Start("namesrv") })
	hs.run(10 * time.Second)
	if *startErr == nil || !strings.HasPrefix((*startErr).String(), "java.lang.IllegalStateException: ") {
		t.Fatalf("start() = %v, want IllegalStateException (§5.1)", *startErr)
	}
	if !(*pc).Running() {
		t.Fatalf("consumer not RUNNING after the failed start")
	}
	hs.run(3 * time.Minute)
	if got := delivered(hs); len(got) != 10 {
		t.Errorf("delivered %d after the nameserver returned, want 10 (recovers on its own)", len(got))
	}
}

func testFacts8GoConsumerShutsDownWithoutRoute(t *testing.T) {
	hs := newHarness(t, func(c *model.Config) { c.Client.Profile = ProfileGo })
	hs.at(time.Second, func() { hs.w.Host("ns1").Kill("namesrv"); hs.w.Host("ns2").Kill("namesrv") })
	startErr, pc := hs.startConsumer("consumer", 5*time.Second, successListener(nil))
	hs.run(time.Minute)
	want := "the topic=topic_test_123 route info not found, it may not exist"
	if *startErr == nil || (*startErr).String() != want {
		t.Fatalf("Start() = %v, want %q", *startErr, want)
	}
	if (*pc).Running() {
		t.Errorf("Go consumer still running after Start failed; it must shut itself down (§8)")
	}
}

func testFacts5_3TwoConsumersSplitQueues(t *testing.T) {
	hs := newHarness(t, nil)
	_, pc1 := hs.startConsumer("c1", time.Second, successListener(nil))
	_, pc2 := hs.startConsumer("c2", 2*time.Second, successListener(nil))
	hs.run(90 * time.Second)
	n1, n2 := len((*pc1).ProcessQueues()), len((*pc2).ProcessQueues())
	if n1 != 16 || n2 != 16 {
		t.Errorf("split %d + %d, want 32 topic queues shared 16/16", n1, n2)
	}
}

func testFacts5_6ReconsumeLaterSendsBack(t *testing.T) {
	hs := newHarness(t, func(c *model.Config) { c.Consumer.ConsumeFromWhere = "CONSUME_FROM_FIRST_OFFSET" })
	sendN(hs, 1)
	hs.startConsumer("consumer", 5*time.Second, func(m *model.MessageExt, done func(string)) { done(ReconsumeLater) })
	hs.run(time.Minute)
	res := hs.records(history.ConsumeResult)
	if len(res) == 0 || res[0].Status != ReconsumeLater {
		t.Fatalf("results %v", res)
	}
	var commit int64 = -1
	for _, r := range hs.records(history.OffsetCommit) {
		if r.Topic == topic && r.Offset > 0 {
			commit = r.Offset
		}
	}
	if commit != 1 {
		t.Errorf("offset committed after a successful send-back: %d, want 1", commit)
	}
}
