package client

import (
	"strings"
	"testing"
	"time"

	"rmqsim/history"
	"rmqsim/model"
	"rmqsim/sim"
)

func TestJavaStringHash(t *testing.T) {
	// Values printed by "x".hashCode() on a JVM.
	for s, want := range map[string]int32{"": 0, "hello": 99162322, "TBW102": -1826525782, "topic_test_123": 1816814101} {
		if got := javaStringHash(s); got != want {
			t.Errorf("hash(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestJavaHashOrderIsBucketOrder(t *testing.T) {
	keys := []string{"topic_test_123", "%RETRY%group_test_123", "TBW102"}
	got := javaHashOrder(keys)
	if len(got) != 3 {
		t.Fatalf("got %v", got)
	}
	// Same set, other insertion order: same iteration order (no collisions).
	again := javaHashOrder([]string{"TBW102", "topic_test_123", "%RETRY%group_test_123"})
	if strings.Join(got, ",") != strings.Join(again, ",") {
		t.Errorf("order depends on insertion: %v vs %v", got, again)
	}
}

func TestAllocateAveragely(t *testing.T) {
	var mqs []MessageQueue
	for i := 0; i < 5; i++ {
		mqs = append(mqs, MessageQueue{Topic: "t", BrokerName: "b", QueueID: i})
	}
	ids := []string{"a", "b"}
	if got := allocateAveragely("a", mqs, ids); len(got) != 3 || got[0].QueueID != 0 || got[2].QueueID != 2 {
		t.Errorf("a got %v, want queues 0-2", got)
	}
	if got := allocateAveragely("b", mqs, ids); len(got) != 2 || got[0].QueueID != 3 {
		t.Errorf("b got %v, want queues 3-4", got)
	}
	if got := allocateAveragely("c", mqs, ids); got != nil {
		t.Errorf("own id missing: got %v, want nothing (§5.3)", got)
	}
}

// sendOnce starts a producer in the app and sends one message at each of
// the given times; it returns the results.
type sendOutcome struct {
	r  *SendResult
	ex *Exception
	at sim.Time
}

func startProducer(hs *harness, sends ...time.Duration) *[]sendOutcome {
	out := &[]sendOutcome{}
	hs.startApp(func(p *sim.Process) {
		pr := NewProducer(NewInstance(p, hs.env), "group_test_123")
		pr.Start(func() {})
		for i, d := range sends {
			i := i
			p.After(d, "", func() {
				msg := model.Message{Topic: topic, Tags: "TagA", Body: "NameServer Test" + string(rune('0'+i))}
				pr.Send(msg, Sync, i, func(r *SendResult, ex *Exception) {
					*out = append(*out, sendOutcome{r, ex, p.Now()})
				})
			})
		}
	})
	return out
}

func testFacts4_1StartMakesNoNameServerCall(t *testing.T) {
	for _, tc := range []struct {
		name     string
		down     func(h *sim.Host)
		min, max time.Duration
	}{
		{"killed", func(h *sim.Host) { h.Kill("namesrv") }, 0, 50 * time.Millisecond},
		{"powered-off", func(h *sim.Host) { h.PowerOff() }, 6 * time.Second, 6*time.Second + 50*time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hs := newHarness(t, nil)
			tc.down(hs.w.Host("ns1"))
			tc.down(hs.w.Host("ns2"))
			// At 7 s the first refresh round (10 ms, 6 s when both hosts
			// are off) has released lockNamesrv.
			out := startProducer(hs, 7*time.Second)
			hs.run(30 * time.Second)
			if len(*out) != 1 {
				t.Fatalf("send did not return: %v", *out)
			}
			o := (*out)[0]
			want := "java.lang.IllegalStateException: org.apache.rocketmq.remoting.exception.RemotingConnectException: connect to ["
			if o.ex == nil || !strings.HasPrefix(o.ex.String(), want) || !strings.HasSuffix(o.ex.String(), "] failed") {
				t.Fatalf("send() = %v, want %q…] failed", o.ex, want)
			}
			if !strings.Contains(o.ex.String(), "10.0.0.1:9876") || !strings.Contains(o.ex.String(), "10.0.0.2:9876") {
				t.Errorf("exception names sim addrs, want ip:port: %s", o.ex)
			}
			if took := o.at.Sub(sim.Time(7 * time.Second)); took < tc.min || took > tc.max {
				t.Errorf("send took %v, want %v..%v (§3.4, §3.5)", took, tc.min, tc.max)
			}
		})
	}
}

func testFacts4_2CachedRouteSendsWithAllNameServersDown(t *testing.T) {
	hs := newHarness(t, nil)
	out := startProducer(hs, time.Second, 40*time.Second, 100*time.Second)
	hs.at(10*time.Second, func() { hs.w.Host("ns1").PowerOff(); hs.w.Host("ns2").PowerOff() })
	hs.run(3 * time.Minute)
	if len(*out) != 3 {
		t.Fatalf("got %d returns", len(*out))
	}
	for i, o := range *out {
		if o.ex != nil || o.r.Status != StatusSendOK {
			t.Errorf("send %d: %v %v, want SEND_OK from the cached route", i, o.r, o.ex)
		}
	}
	var ages []time.Duration
	for _, r := range hs.records(history.SendAttempt) {
		ages = append(ages, r.RouteAge)
	}
	if ages[0] != -1 || ages[2] < 90*time.Second {
		t.Errorf("route ages %v: want -1 (fetched by the send) then growing while the NS are down", ages)
	}
}

func testFacts3_2CacheKeptOnTopicNotExist(t *testing.T) {
	hs := newHarness(t, nil)
	out := startProducer(hs, time.Second, 50*time.Second)
	hs.at(5*time.Second, func() { delete(hs.routes, topic) })
	hs.run(time.Minute)
	var codes []string
	for _, r := range hs.records(history.RouteRefresh) {
		if r.Topic == topic {
			codes = append(codes, r.Status)
		}
	}
	if len(codes) < 2 || codes[len(codes)-1] != "TOPIC_NOT_EXIST" {
		t.Fatalf("refreshes %v: want a TOPIC_NOT_EXIST after the route vanished", codes)
	}
	if o := (*out)[1]; o.ex != nil {
		t.Errorf("send after TOPIC_NOT_EXIST: %v, want the cached route used (§3.2)", o.ex)
	}
}

func testFacts3_2PartialRouteReplacesWhole(t *testing.T) {
	hs := newHarness(t, nil)
	var pr *Producer
	hs.startApp(func(p *sim.Process) {
		pr = NewProducer(NewInstance(p, hs.env), "g")
		pr.Start(func() {})
		pr.Send(model.Message{Topic: topic, Body: "x"}, Sync, 0, func(*SendResult, *Exception) {})
	})
	hs.at(5*time.Second, func() { hs.setRoute(topic, 16, "broker-a") })
	hs.run(45 * time.Second)
	if n := len(pr.PublishInfo(topic).Queues); n != 16 {
		t.Errorf("publish queues after a partial route: %d, want 16 (broker-a only)", n)
	}
}

func testFacts4_2PoweredOffBrokerBurnsWholeTimeout(t *testing.T) {
	hs := newHarness(t, func(c *model.Config) { c.Producer.SendWhichQueue = 1 })
	out := startProducer(hs, time.Second, 2*time.Second, 10*time.Second)
	// Sends 0 and 1 go to broker-a q1 and q2, opening the channel; then
	// broker-a's host loses power. Send 2 picks broker-a q3.
	hs.at(5*time.Second, func() { hs.w.Host("ma").PowerOff() })
	hs.run(time.Minute)
	o := (*out)[2]
	want := "org.apache.rocketmq.remoting.exception.RemotingTooMuchRequestException: sendDefaultImpl call timeout"
	if o.ex == nil || o.ex.String() != want {
		t.Fatalf("send = %v %v, want %q", o.r, o.ex, want)
	}
	if took := o.at.Sub(sim.Time(10 * time.Second)); took < 3*time.Second || took > 3*time.Second+10*time.Millisecond {
		t.Errorf("took %v, want the whole 3000 ms budget (§4.2)", took)
	}
}

func testFacts4_2KilledBrokerRetriedOnAnother(t *testing.T) {
	hs := newHarness(t, func(c *model.Config) { c.Producer.SendWhichQueue = 1 })
	out := startProducer(hs, time.Second, 10*time.Second)
	hs.at(5*time.Second, func() { hs.w.Host("ma").Kill("broker") })
	hs.run(time.Minute)
	o := (*out)[1]
	if o.ex != nil || o.r.Queue.BrokerName != "broker-b" {
		t.Fatalf("send = %v %v, want SEND_OK on broker-b", o.r, o.ex)
	}
	if took := o.at.Sub(sim.Time(10 * time.Second)); took > 50*time.Millisecond {
		t.Errorf("took %v, want milliseconds (refused connect)", took)
	}
	fails := hs.records(history.SendAttemptFail)
	if len(fails) != 1 || !strings.Contains(fails[0].Err, "RemotingConnectException") {
		t.Errorf("attempt failures %v, want one connect failure", fails)
	}
}

func testFacts4_2TBW102Fallback(t *testing.T) {
	hs := newHarness(t, nil)
	delete(hs.routes, topic)
	hs.setRoute("TBW102", 8, "broker-a", "broker-b")
	out := startProducer(hs, time.Second)
	hs.run(10 * time.Second)
	o := (*out)[0]
	if o.ex != nil {
		t.Fatalf("send: %v", o.ex)
	}
	var pr *TopicPublishInfo
	_ = pr
	if q := o.r.Queue.QueueID; q >= 4 {
		t.Errorf("queue %d: want < 4 (min(4, TBW102's 8), §4.2)", q)
	}
}

func testFacts4_2NoRouteInfo(t *testing.T) {
	hs := newHarness(t, nil)
	delete(hs.routes, topic)
	out := startProducer(hs, time.Second)
	hs.run(10 * time.Second)
	want := "org.apache.rocketmq.client.exception.MQClientException: No route info of this topic: topic_test_123\n" +
		"See http://rocketmq.apache.org/docs/faq/ for further details."
	if o := (*out)[0]; o.ex == nil || o.ex.String() != want {
		t.Fatalf("send = %v, want %q", o.ex, want)
	}
}

func testFacts4_3PinnedStartIndex(t *testing.T) {
	hs := newHarness(t, func(c *model.Config) { c.Producer.SendWhichQueue = 8 })
	var sends []time.Duration
	for i := 0; i < 100; i++ {
		sends = append(sends, time.Second+time.Duration(i)*10*time.Millisecond)
	}
	out := startProducer(hs, sends...)
	hs.run(30 * time.Second)
	first := (*out)[0].r.Queue
	if first.BrokerName != "broker-a" || first.QueueID != 8 {
		t.Errorf("first queue %v, want broker-a/8 (pin 8 is the first index returned)", first)
	}
	a, b := hs.brokers["ma"].stored(topic), hs.brokers["mb"].stored(topic)
	if a != 52 || b != 48 {
		t.Errorf("broker-a %d, broker-b %d: want 52/48", a, b)
	}
	if n := len(hs.brokers["mb"].queues[qkey(topic, 13)]); n != 3 {
		t.Errorf("broker-b queue 13 holds %d, want 3", n)
	}
}

func TestGoProducerRetriesWithOwnTimeouts(t *testing.T) {
	hs := newHarness(t, func(c *model.Config) { c.Client.Profile = ProfileGo })
	hs.setRoute(topic, 16, "broker-a")
	out := startProducer(hs, time.Second, 10*time.Second)
	hs.at(5*time.Second, func() { hs.w.Host("ma").PowerOff() })
	hs.run(time.Minute)
	o := (*out)[1]
	if o.ex == nil {
		t.Fatalf("send succeeded: %v", o.r)
	}
	if took := o.at.Sub(sim.Time(10 * time.Second)); took < 12*time.Second || took > 12*time.Second+50*time.Millisecond {
		t.Errorf("took %v, want 4 attempts × 3 s (§8)", took)
	}
}
