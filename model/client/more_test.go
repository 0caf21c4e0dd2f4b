package client

import (
	"strings"
	"testing"
	"time"

	"rmqsim/history"
	"rmqsim/model"
	"rmqsim/sim"
)

func testFacts4_2SystemBusyThrownAtOnce(t *testing.T) {
	hs := newHarness(t, nil)
	hs.brokers["ma"].busy, hs.brokers["mb"].busy = true, true
	out := startProducer(hs, time.Second)
	hs.run(10 * time.Second)
	want := "org.apache.rocketmq.client.exception.MQBrokerException: CODE: 2  DESC: [PC_SYNCHRONIZED]broker busy BROKER: 10.0.0."
	o := (*out)[0]
	if o.ex == nil || !strings.HasPrefix(o.ex.String(), want) ||
		!strings.HasSuffix(o.ex.String(), ":10911\nFor more information, please visit the url, http://rocketmq.apache.org/docs/faq/") {
		t.Fatalf("send = %v, want %q…", o.ex, want)
	}
	if n := len(hs.records(history.SendAttempt)); n != 1 {
		t.Errorf("%d attempts, want 1: SYSTEM_BUSY is not retried (§4.2)", n)
	}
}

func testFacts4_4AsyncErrorReplyNotRetried(t *testing.T) {
	hs := newHarness(t, nil)
	hs.brokers["ma"].busy, hs.brokers["mb"].busy = true, true
	var got *Exception
	hs.startApp(func(p *sim.Process) {
		pr := NewProducer(NewInstance(p, hs.env), "g")
		pr.Start(func() {})
		p.After(time.Second, "", func() {
			pr.Send(model.Message{Topic: topic, Body: "x"}, Async, 0, func(_ *SendResult, ex *Exception) { got = ex })
		})
	})
	hs.run(10 * time.Second)
	if got == nil || got.Class != ClassMQBrokerException {
		t.Fatalf("onException(%v), want the MQBrokerException", got)
	}
	if n := len(hs.records(history.SendAttempt)); n != 1 {
		t.Errorf("%d attempts, want 1 (an error reply goes straight to onException, §4.4)", n)
	}
}

// testFacts5_3CidAll: a failed member query (null) changes nothing; a
// member list without this client drops every queue of the topic (§5.3).
// Rebalances run at about 25, 45, 65, 85, 105 s; heartbeats at 6, 36, 66 s.
func testFacts5_3CidAll(t *testing.T) {
	hs := newHarness(t, nil)
	_, pc := hs.startConsumer("c", 5*time.Second, successListener(nil))
	hs.run(20 * time.Second)
	if n := len((*pc).ProcessQueues()); n != 32 {
		t.Fatalf("owns %d queues, want 32", n)
	}
	hs.run(37 * time.Second)
	for _, b := range hs.brokers {
		b.members = map[string]map[string]bool{} // group unknown: SYSTEM_ERROR → null
	}
	hs.run(60 * time.Second)
	if n := len((*pc).ProcessQueues()); n != 32 {
		t.Errorf("a null cidAll changed the assignment to %d queues, want 32 kept", n)
	}
	for _, b := range hs.brokers {
		b.fakeMembers = []string{"10.0.0.8@1"}
	}
	hs.run(90 * time.Second)
	if n := len((*pc).ProcessQueues()); n != 0 {
		t.Errorf("owns %d queues with its id missing from cidAll, want 0", n)
	}
	for _, b := range hs.brokers {
		b.fakeMembers = nil
	}
	hs.run(110 * time.Second)
	if n := len((*pc).ProcessQueues()); n != 32 {
		t.Errorf("with its id back: %d queues, want 32", n)
	}
}

func testFacts8GoEmptyCidAllDropsAll(t *testing.T) {
	for _, profile := range []string{ProfileJava, ProfileGo} {
		hs := newHarness(t, func(c *model.Config) { c.Client.Profile = profile })
		_, pc := hs.startConsumer("c", 5*time.Second, successListener(nil))
		hs.run(20 * time.Second)
		for _, b := range hs.brokers {
			b.fakeMembers = []string{}
		}
		hs.run(50 * time.Second)
		n := len((*pc).ProcessQueues())
		if profile == ProfileJava && n != 32 || profile == ProfileGo && n != 0 {
			t.Errorf("%s with an empty cidAll owns %d queues; want Java to keep 32 (allocation throws), Go to drop all (§5.3, §8)", profile, n)
		}
	}
}

// testFacts5_6SendBackFallbacks: CONSUMER_SEND_MSG_BACK fails → the inner
// producer sends a copy to %RETRY%<group>; without a %RETRY% route that
// fails too → the message is consumed again locally after 5 s.
func testFacts5_6SendBackFallbacks(t *testing.T) {
	for _, withRoute := range []bool{true, false} {
		hs := newHarness(t, func(c *model.Config) { c.Consumer.ConsumeFromWhere = "CONSUME_FROM_FIRST_OFFSET" })
		if withRoute {
			hs.setRoute("%RETRY%group_test_123", 1, "broker-a")
		}
		hs.brokers["ma"].failSendBack, hs.brokers["mb"].failSendBack = true, true
		sendN(hs, 1)
		fails := 0
		hs.startConsumer("c", 5*time.Second, func(m *model.MessageExt, done func(string)) {
			if fails < 1 {
				fails++
				done(ReconsumeLater)
				return
			}
			done(ConsumeSuccess)
		})
		hs.run(40 * time.Second)
		retried := hs.brokers["ma"].stored("%RETRY%group_test_123")
		del := hs.records(history.Deliver)
		switch {
		case withRoute && retried != 1:
			t.Errorf("with a %%RETRY%% route: %d copies sent by the inner producer, want 1", retried)
		case !withRoute && (len(del) != 2 || !(del[1].At-del[0].At >= 5*time.Second && del[1].At-del[0].At < 6*time.Second) || del[1].Attempt != 1):
			t.Errorf("without: deliveries %v, want a local reconsume 5 s later with reconsumeTimes 1", del)
		}
	}
}
