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

// test8GoPullDelays: with every nameserver down (no route change) broker-a
// is killed: a Go consumer's failed pulls come 3 s apart; an idle queue's
// held pulls are answered after the Go hold of 20 s (at the broker's next
// 5 s recheck) (§8).
func test8GoPullDelays(t *testing.T) {
	r := newRun(t, Programs{Consumers: []model.ConsumerProgramSpec{FieldConsumer("c")}}, goProfile)
	r.startConsumerAt("c", 5*time.Second)
	r.at(20*time.Second, func() { r.allNS(func(h string) { r.c.Kill(h, ServiceNamesrv) }) })
	r.at(100500*time.Millisecond, func() { r.c.Kill("master01", ServiceBroker) })
	r.runTo(130 * time.Second)
	var held, failed []time.Duration
	for _, rec := range r.recs(history.Pull, "c") {
		if rec.Topic != FieldTopic || rec.QueueID != 0 {
			continue
		}
		switch {
		case rec.Broker == "broker-b" && rec.Status == client.PullNoNewMsg:
			held = append(held, rec.At-rec.Start)
		case rec.Broker == "broker-a" && rec.Err != "" && rec.At > 100*time.Second:
			failed = append(failed, rec.At)
		}
	}
	if len(held) < 3 || len(failed) < 5 {
		t.Fatalf("held pulls %v, failed pulls %v", held, failed)
	}
	for _, d := range held {
		expect(t, d >= 20*time.Second && d <= 25*time.Second+time.Millisecond, "held pull answered after %v, want 20–25 s (Go hold 20 s)", d)
	}
	for i := 1; i < len(failed); i++ {
		expect(t, near(failed[i]-failed[i-1], 3*time.Second, 20*time.Millisecond), "failed pulls %v apart, want 3 s (Go)", failed[i]-failed[i-1])
	}
}

// test8GoPullTimeoutAndReadDeadline: broker-b loses power with every
// nameserver down. A Go consumer's pull to it times out after exactly
// 30 s; 120 s after the last read the Go client closes the connection (its
// read deadline) and the next pulls fail at the dial, which the request's
// 30 s context bounds to the 15 s dial timeout. A Java consumer keeps
// writing into the stale channel until TCP gives up (§8, §3.5).
func test8GoPullTimeoutAndReadDeadline(t *testing.T) {
	run := func(mutate func(*model.Config, *model.ClusterSpec)) []history.Record {
		r := newRun(t, Programs{Consumers: []model.ConsumerProgramSpec{FieldConsumer("c")}}, mutate)
		r.startConsumerAt("c", 5*time.Second)
		r.at(20*time.Second, func() { r.allNS(func(h string) { r.c.Kill(h, ServiceNamesrv) }) })
		r.at(40*time.Second, func() { r.c.PowerOff("master02"); r.c.PowerOff("slave02") })
		r.runTo(300 * time.Second)
		var out []history.Record
		for _, rec := range r.recs(history.Pull, "c") {
			if rec.Topic == FieldTopic && rec.Broker == "broker-b" && rec.QueueID == 0 && rec.Err != "" {
				out = append(out, rec)
			}
		}
		return out
	}
	goFails := run(goProfile)
	if len(goFails) < 3 {
		t.Fatalf("Go failed pulls %v", goFails)
	}
	first := goFails[0]
	expect(t, first.At-first.Start == 30*time.Second && strings.Contains(first.Err, "Timeout"),
		"first Go failure %q after %v, want a timeout after exactly 30 s", first.Err, first.At-first.Start)
	var dial *history.Record
	for i, rec := range goFails {
		if !strings.Contains(rec.Err, "Timeout") {
			dial = &goFails[i]
			break
		}
	}
	expect(t, dial != nil && dial.At > 150*time.Second && dial.At < 220*time.Second,
		"first Go dial failure %v; want one after the 120 s read deadline closed the connection", dial)
	for _, rec := range run(nil) {
		expect(t, strings.Contains(rec.Err, "Timeout"), "Java pull failure %q at %v, want only timeouts on the stale channel before TCP gives up", rec.Err, rec.At)
	}
}

// test8GoEmptyCidAllDropsAll: the topic's only broker restarts while every
// nameserver is down. Before the heartbeats re-register the members, a Go
// rebalance asking it gets SYSTEM_ERROR, parses an empty consumer list
// and drops every queue of the topic (Java keeps them: a null cidAll
// changes nothing, see 6_broker_restart_…); the next heartbeat brings them
// back (§8, §6).
func test8GoEmptyCidAllDropsAll(t *testing.T) {
	r := newRun(t, Programs{Consumers: []model.ConsumerProgramSpec{FieldConsumer("c1"), FieldConsumer("c2")}},
		func(c *model.Config, cs *model.ClusterSpec) { singleBroker(c, cs); goProfile(c, cs) })
	var trace bytes.Buffer
	r.w.SetTraceWriter(&trace)
	r.startConsumerAt("c1", 5*time.Second)
	r.startConsumerAt("c2", 7*time.Second)
	r.at(20*time.Second, func() { r.allNS(func(h string) { r.c.Kill(h, ServiceNamesrv) }) })
	r.at(40*time.Second, func() { r.c.Kill("master01", ServiceBroker) })
	r.at(41*time.Second, func() { r.w.Host("master01").Start(ServiceBroker) })
	r.runTo(120 * time.Second)
	var dropped *history.Record
	for _, name := range []string{"c1", "c2"} {
		for _, rec := range between(r.recs(history.Rebalance, name), 42*time.Second, 120*time.Second) {
			if dropped == nil && len(rec.Queues) == 0 && strings.HasSuffix(rec.Detail, " cidAll=0") {
				rec := rec
				dropped = &rec
			}
		}
	}
	if dropped == nil {
		t.Fatalf("no Go rebalance dropped a topic's queues on an empty member list")
	}
	name := strings.TrimPrefix(dropped.Proc, FieldClient+"/")
	id := r.c.Consumers[name].Consumer().Instance().ClientID()
	hb := heartbeatFrom(&trace, "master01/broker", id, 42*time.Second, 120*time.Second)
	// The drop changed the table, so a heartbeat follows at once
	// (messageQueueChanged): the member list is whole again.
	expect(t, len(hb) > 0 && dropped.At < hb[0], "%s dropped %s at %v, heartbeats at %v; want the drop first", name, dropped.Topic, dropped.At, hb)
	for _, n := range []string{"c1", "c2"} {
		expect(t, len(r.owned(n)) == 8, "%s owns %d at 120 s, want 8 again", n, len(r.owned(n)))
	}
}

// test8GoTimersOwnGoroutines: the Go client runs each periodic task on its
// own goroutine (route 10 ms then 30 s, heartbeat 1 s then 30 s, offsets
// 10 s then 5 s): with both nameservers powered off a route round takes
// 6 s per query, yet heartbeats and offset persistence stay on time —
// unlike Java's one shared thread (§8, contrast §3.1).
func test8GoTimersOwnGoroutines(t *testing.T) {
	r := newRun(t, Programs{Consumers: []model.ConsumerProgramSpec{FieldConsumer("c")}}, goProfile)
	var trace bytes.Buffer
	r.w.SetTraceWriter(&trace)
	r.startConsumerAt("c", 5*time.Second)
	r.at(100*time.Second, func() { r.allNS(func(h string) { r.c.PowerOff(h) }) })
	r.runTo(200 * time.Second)
	proc := FieldClient + "/c"
	for _, c := range []struct {
		timer         string
		first, period time.Duration
	}{
		{"updateTopicRouteInfoFromNameServer", 5*time.Second + 10*time.Millisecond, 30 * time.Second},
		{"sendHeartbeatToAllBroker", 6 * time.Second, 30 * time.Second},
		{"persistAllConsumerOffset", 15 * time.Second, 5 * time.Second},
	} {
		got := timerFirings(&trace, proc, c.timer)
		if len(got) < 3 || got[0] != c.first || got[1] != c.first+c.period {
			t.Errorf("%s fired at %v, want %v then every %v", c.timer, got, c.first, c.period)
		}
		if c.timer == "updateTopicRouteInfoFromNameServer" {
			continue
		}
		for i, at := range got {
			expect(t, at == c.first+time.Duration(i)*c.period, "%s run %d at %v, want %v: no other task delays it", c.timer, i, at, c.first+time.Duration(i)*c.period)
		}
	}
	var slow bool
	for _, rec := range between(r.recs(history.RouteRefresh, "c"), 125*time.Second, 140*time.Second) {
		slow = slow || rec.At-125010*time.Millisecond >= 6*time.Second
	}
	expect(t, slow, "the 125.01 s route round did not block ≥ 6 s on the powered-off nameservers")
}

// test8GoCache: a Go producer's route cache: a master's death removes its
// broker from the publish info at the next SUCCESS (brokers without a
// master are skipped); a transport error or TOPIC_NOT_EXIST keeps the
// cache, so sends go on while the nameservers are down and while the
// restarted one is empty (§8).
func test8GoCache(t *testing.T) {
	spec := FieldProducer("p", 0, 150)
	spec.Interval, spec.OnError = time.Second, "continue"
	r := newRun(t, Programs{Producers: []model.ProducerProgramSpec{spec}}, goProfile)
	r.at(5*time.Second, func() { r.c.StartProgram("p") })
	r.at(20*time.Second, func() { r.c.Kill("master02", ServiceBroker) })
	r.at(50*time.Second, func() { r.allNS(func(h string) { r.c.Kill(h, ServiceNamesrv) }) })
	r.at(80*time.Second, func() { r.w.Host("nameserver01").Start(ServiceNamesrv) })
	r.runTo(160 * time.Second)
	var statuses []string
	for _, rec := range between(r.recs(history.RouteRefresh, "p"), 50*time.Second, 160*time.Second) {
		if rec.Topic == FieldTopic {
			s := rec.Status
			if rec.Err != "" {
				s = "error"
			}
			statuses = append(statuses, s)
		}
	}
	joined := strings.Join(statuses, " ")
	expect(t, strings.Contains(joined, "error") && strings.Contains(joined, "TOPIC_NOT_EXIST"), "refreshes after 50 s: %v; want errors, then 17", statuses)
	perBroker := map[string]int{}
	for _, rec := range between(r.recs(history.SendReturn, "p"), 40*time.Second, 160*time.Second) {
		perBroker[rec.Broker+" "+rec.Status]++
	}
	expect(t, len(perBroker) == 1 && perBroker["broker-a SEND_OK"] > 100, "sends after broker-b lost its master: %v; want SEND_OK on broker-a only", perBroker)
}

// test8GoProducerStartAndErrors: a Go producer starts with every
// nameserver down (no NS call); a send then fails after its 4 attempts
// with "the topic=… route info not found"; an async send to a
// powered-off broker fails once, unretried (§8).
func test8GoProducerStartAndErrors(t *testing.T) {
	r := newRun(t, Programs{}, goProfile)
	r.at(2*time.Second, func() { r.allNS(func(h string) { r.c.Kill(h, ServiceNamesrv) }) })
	s := r.producer("p", 5*time.Second, client.Sync)
	r.sendAt(s, 6*time.Second, 0)
	r.at(10*time.Second, func() { r.allNS(func(h string) { r.w.Host(h).Start(ServiceNamesrv) }) })
	r.sendAt(s, 30*time.Second, 1) // caches the route
	r.at(40*time.Second, func() { r.c.PowerOff("master01"); r.c.PowerOff("master02") })
	r.at(41*time.Second, func() {
		msg := model.Message{Topic: FieldTopic, Tags: "TagA", Body: "NameServer Test2"}
		s.p.Send(msg, client.Async, 2, func(res *client.SendResult, ex *client.Exception) { s.res[2] = sendRes{res, ex, r.now()} })
	})
	r.runTo(60 * time.Second)
	st := r.recs(history.ClientStart, "p")
	expect(t, len(st) == 0 || st[0].Err == "", "start %v, want no error", st)
	want := "the topic=" + FieldTopic + " route info not found"
	expect(t, s.res[0].ex != nil && strings.Contains(s.res[0].ex.String(), want) && s.res[0].at-6*time.Second < 100*time.Millisecond,
		"send with no nameserver: %v after %v, want %q at once", s.res[0].ex, s.res[0].at-6*time.Second, want)
	expect(t, s.res[1].ex == nil, "send with a route: %v", s.res[1].ex)
	att := between(r.recs(history.SendAttempt, "p"), 41*time.Second, 60*time.Second)
	expect(t, s.res[2].ex != nil && len(att) == 1, "async send: %v with %d attempts, want one failed attempt", s.res[2].ex, len(att))
}

// test8GoQueryNextAfter6s: a Go route query tries the nameservers from
// index 0: nameserver01's host is powered off, so the dial — bounded by
// the query's 6 s context — fails after 6 s and nameserver02 answers (§8).
func test8GoQueryNextAfter6s(t *testing.T) {
	r := newRun(t, Programs{}, goProfile)
	r.at(2*time.Second, func() { r.c.PowerOff("nameserver01") })
	s := r.producer("p", 5*time.Second, client.Sync)
	r.sendAt(s, 10*time.Second, 0)
	r.runTo(30 * time.Second)
	var first *history.Record
	for _, rec := range r.recs(history.RouteRefresh, "p") {
		if rec.Topic == FieldTopic {
			rec := rec
			first = &rec
			break
		}
	}
	expect(t, first != nil && hostOf(first.NameServer) == "nameserver02" && first.Status == "SUCCESS" && near(first.At, 16*time.Second, 10*time.Millisecond),
		"first route of the topic %+v; want SUCCESS from nameserver02 6 s after the send's query began at 10 s", first)
	expect(t, s.res[0].ex == nil, "send: %v", s.res[0].ex)
}
