package cluster

import (
	"strings"
	"testing"
	"time"

	"rmqsim/history"
	"rmqsim/model"
	"rmqsim/model/client"
	"rmqsim/sim"
)

const (
	javaISEConnect = "java.lang.IllegalStateException: org.apache.rocketmq.remoting.exception.RemotingConnectException: connect to ["
	tooMuchPrefix  = "org.apache.rocketmq.remoting.exception.RemotingTooMuchRequestException: "
)

func test41StartNoNS(t *testing.T) {
	r := newRun(t, Programs{Producers: []model.ProducerProgramSpec{FieldProducer("p", 0, 5)}}, nil)
	r.at(5*time.Second, func() { r.allNS(func(h string) { r.c.Kill(h, ServiceNamesrv) }) })
	r.at(10*time.Second, func() { r.c.StartProgram("p") })
	r.runTo(30 * time.Second)
	st := r.recs(history.ClientStart, "p")
	if len(st) != 1 || st[0].Err != "" || st[0].At != 10*time.Second {
		t.Fatalf("start %v: want start() returning at once without exception (§4.1)", st)
	}
	ret := r.recs(history.SendReturn, "p")
	if len(ret) != 1 || !strings.HasPrefix(ret[0].Err, javaISEConnect) ||
		!strings.HasSuffix(ret[0].Err, "172.16.7.91:9876, 172.16.7.92:9876] failed") && !strings.HasSuffix(ret[0].Err, "172.16.7.92:9876, 172.16.7.91:9876] failed") {
		t.Fatalf("first send %v: want the IllegalStateException wrapping connect to [both] failed (§4.2)", ret)
	}
	if ex := r.recs(history.ProgramExit, "p"); len(ex) != 1 || ex[0].Detail != "abort" || ex[0].Err != ret[0].Err {
		t.Errorf("program exit %v: want abort with the exception", ex)
	}
}

// test42ClockBeforeLookup: a slow nameserver link (1.4 s each way) makes
// the route lookup eat 2.8 s of the send's 3 s budget (issue #2845).
func test42ClockBeforeLookup(t *testing.T) {
	r := newRun(t, Programs{}, nil)
	slow := func(a, b string, d time.Duration) {
		l := sim.Link{Latency: sim.Latency{Min: d, Max: d}}
		r.w.Net().SetLink(a, b, l)
		r.w.Net().SetLink(b, a, l)
	}
	r.allNS(func(h string) { slow(FieldClient, h, 1400*time.Millisecond) })
	slow(FieldClient, "master01", 150*time.Millisecond)
	slow(FieldClient, "master02", 150*time.Millisecond)
	s := r.producer("p", 5*time.Second, client.Sync)
	r.sendAt(s, 20*time.Second, 0)
	r.sendAt(s, 40*time.Second, 1)
	r.runTo(60 * time.Second)
	first := s.res[0]
	if first.ex == nil || first.ex.String() != tooMuchPrefix+"sendDefaultImpl call timeout" {
		t.Fatalf("first send %v %v: want sendDefaultImpl call timeout", first.r, first.ex)
	}
	att := between(r.recs(history.SendAttempt, "p"), 20*time.Second, 30*time.Second)
	if len(att) != 1 || !near(att[0].At, 22800*time.Millisecond, 5*time.Millisecond) || att[0].RouteAge != -1 {
		t.Errorf("attempts %v: want one at 22.8 s, 2.8 s into the budget, with a fresh route", att)
	}
	if second := s.res[1]; second.ex != nil || second.r.Status != client.StatusSendOK {
		t.Errorf("second send (cached route): %v %v, want SEND_OK", second.r, second.ex)
	}
}

func test42TBW102(t *testing.T) {
	spec := FieldProducer("p", 0, 10)
	spec.Interval = 100 * time.Millisecond
	r := newRun(t, Programs{Producers: []model.ProducerProgramSpec{spec}}, func(_ *model.Config, cs *model.ClusterSpec) {
		cs.Topics = nil
	})
	r.at(5*time.Second, func() { r.c.StartProgram("p") })
	r.runTo(30 * time.Second)
	if n := r.sendOK("p"); n != 10 {
		t.Fatalf("%d SEND_OK, want 10", n)
	}
	var viaDefault bool
	for _, rec := range r.recs(history.RouteRefresh, "p") {
		viaDefault = viaDefault || (rec.Topic == FieldTopic && rec.Detail == "default TBW102" && rec.Status == "SUCCESS")
	}
	if !viaDefault {
		t.Errorf("no route taken from TBW102 (§4.2)")
	}
	for _, rec := range r.recs(history.SendReturn, "p") {
		if rec.QueueID >= 4 {
			t.Errorf("%s went to queue %d, want < min(4, 8)", rec.Key, rec.QueueID)
		}
	}
}

func test42NoRoute(t *testing.T) {
	r := newRun(t, Programs{Producers: []model.ProducerProgramSpec{FieldProducer("p", 0, 3)}}, func(c *model.Config, cs *model.ClusterSpec) {
		cs.Topics = nil
		c.Broker.AutoCreateTopicEnable = false
	})
	r.at(5*time.Second, func() { r.c.StartProgram("p") })
	r.runTo(30 * time.Second)
	want := "org.apache.rocketmq.client.exception.MQClientException: No route info of this topic: topic_test_123\n" +
		"See http://rocketmq.apache.org/docs/faq/ for further details."
	if ret := r.recs(history.SendReturn, "p"); len(ret) != 1 || ret[0].Err != want {
		t.Fatalf("returns %v, want %q (§4.2)", ret, want)
	}
}

// test42SendNTimes: both masters killed, the cached route still names
// them: three refused attempts, alternating brokers (§4.3), then
// MQClientException "Send [3] times, still failed".
func test42SendNTimes(t *testing.T) {
	r := newRun(t, Programs{}, nil)
	s := r.producer("p", 5*time.Second, client.Sync)
	r.sendAt(s, 10*time.Second, 0)
	r.at(30*time.Second, func() { r.c.Kill("master01", ServiceBroker); r.c.Kill("master02", ServiceBroker) })
	r.sendAt(s, 30500*time.Millisecond, 1)
	r.runTo(40 * time.Second)
	ex := s.res[1].ex
	prefix := "org.apache.rocketmq.client.exception.MQClientException: Send [3] times, still failed, cost ["
	if ex == nil || !strings.HasPrefix(ex.String(), prefix) {
		t.Fatalf("send = %v, want %q…", ex, prefix)
	}
	ab := "]ms, Topic: topic_test_123, BrokersSent: [broker-a, broker-b, broker-a]\nSee http://rocketmq.apache.org/docs/faq/ for further details."
	ba := strings.ReplaceAll(strings.ReplaceAll(strings.ReplaceAll(ab, "broker-a", "X"), "broker-b", "broker-a"), "X", "broker-b")
	if !strings.HasSuffix(ex.String(), ab) && !strings.HasSuffix(ex.String(), ba) {
		t.Errorf("send = %q, want brokers alternating (§4.3)", ex)
	}
	if took := s.res[1].at - 30500*time.Millisecond; took > 20*time.Millisecond {
		t.Errorf("took %v, want milliseconds (refused connects)", took)
	}
}

func test42PoweredOffBroker(t *testing.T) {
	r := newRun(t, Programs{}, func(c *model.Config, _ *model.ClusterSpec) { c.Producer.SendWhichQueue = 1 })
	s := r.producer("p", 5*time.Second, client.Sync)
	r.sendAt(s, 10*time.Second, 0) // broker-a q1
	r.sendAt(s, 11*time.Second, 1) // broker-a q2
	r.at(20*time.Second, func() { r.c.PowerOff("master01") })
	r.sendAt(s, 21*time.Second, 2) // broker-a q3: a black hole
	r.runTo(40 * time.Second)
	res := s.res[2]
	if res.ex == nil || res.ex.String() != tooMuchPrefix+"sendDefaultImpl call timeout" {
		t.Fatalf("send = %v %v, want sendDefaultImpl call timeout", res.r, res.ex)
	}
	if took := res.at - 21*time.Second; !near(took, 3*time.Second, 10*time.Millisecond) {
		t.Errorf("took %v, want the whole 3 s budget (§4.2, §3.5)", took)
	}
}

// test43LatencyFault: with sendLatencyFaultEnable a broker that timed out
// is avoided for 600 s (an exception counts as 30 s latency).
func test43LatencyFault(t *testing.T) {
	r := newRun(t, Programs{}, func(c *model.Config, _ *model.ClusterSpec) { c.Producer.SendLatencyFaultEnable = true })
	s := r.producer("p", 5*time.Second, client.Sync)
	for i := 0; i < 50; i++ {
		r.sendAt(s, time.Duration(10+i)*time.Second, i)
	}
	r.at(20*time.Second, func() { r.c.PowerOff("master01") })
	r.runTo(70 * time.Second)
	var early, late int
	for _, rec := range r.recs(history.SendAttempt, "p") {
		if rec.Broker != "broker-a" {
			continue
		}
		switch {
		case rec.At >= 20*time.Second && rec.At < 25*time.Second:
			early++
		case rec.At >= 25*time.Second:
			late++
		}
	}
	if early == 0 || late != 0 {
		t.Errorf("attempts on broker-a: %d in the first 5 s, %d after; want some, then none (§4.3)", early, late)
	}
}

// test44Async: an async send to a black-holed broker times out after
// 3 s plus the 1 s response-table scan; the retry has no budget left and
// ends in "invokeAsync call timeout" (§4.4).
func test44Async(t *testing.T) {
	r := newRun(t, Programs{}, func(c *model.Config, _ *model.ClusterSpec) { c.Producer.SendWhichQueue = 1 })
	s := r.producer("p", 5*time.Second, client.Async)
	r.sendAt(s, 10*time.Second, 0) // broker-a q1
	r.at(20*time.Second, func() { r.c.PowerOff("master01") })
	r.sendAt(s, 21*time.Second, 1) // broker-a q2
	r.runTo(40 * time.Second)
	res := s.res[1]
	if res.ex == nil || res.ex.String() != tooMuchPrefix+"invokeAsync call timeout" {
		t.Fatalf("onException(%v), want invokeAsync call timeout", res.ex)
	}
	if !near(res.at-21*time.Second, 4*time.Second, 10*time.Millisecond) {
		t.Errorf("callback after %v, want 4 s", res.at-21*time.Second)
	}
	att := between(r.recs(history.SendAttempt, "p"), 21*time.Second, 30*time.Second)
	if len(att) != 2 || att[1].Broker != "broker-b" {
		t.Errorf("attempts %v: want broker-a, then a retry on broker-b", att)
	}
}

func test44Oneway(t *testing.T) {
	r := newRun(t, Programs{}, func(c *model.Config, _ *model.ClusterSpec) { c.Producer.SendWhichQueue = 1 })
	s := r.producer("p", 5*time.Second, client.Oneway)
	r.sendAt(s, 10*time.Second, 0)
	r.at(20*time.Second, func() { r.c.PowerOff("master01") })
	r.sendAt(s, 21*time.Second, 1)
	r.runTo(40 * time.Second)
	if res := s.res[1]; res.ex != nil || res.r.Status != client.StatusOneway {
		t.Fatalf("oneway send %v %v: want a normal return (written locally)", res.r, res.ex)
	}
	stored := map[string]bool{}
	for _, rec := range r.recs(history.Stored, "") {
		stored[rec.MsgID] = true
	}
	if !stored[s.res[0].r.MsgID] || stored[s.res[1].r.MsgID] {
		t.Errorf("stored %v: want the first oneway message stored, not the one written into the black hole (§4.4)", stored)
	}
}
