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

// timerFirings returns the times the named timer of proc fired (trace).
func timerFirings(trace *bytes.Buffer, proc, timer string) []time.Duration {
	var out []time.Duration
	for _, line := range strings.Split(trace.String(), "\n") {
		f := strings.Fields(line)
		if len(f) >= 4 && f[1] == "timer" && f[2] == proc && strings.Join(f[3:], " ") == timer {
			t, err := time.Parse("15:04:05.000000", f[0])
			if err == nil {
				out = append(out, time.Duration(t.Hour())*time.Hour+time.Duration(t.Minute())*time.Minute+
					time.Duration(t.Second())*time.Second+time.Duration(t.Nanosecond()))
			}
		}
	}
	return out
}

func test31FirstRuns(t *testing.T) {
	r := newRun(t, Programs{Consumers: []model.ConsumerProgramSpec{FieldConsumer("c")}}, nil)
	var trace bytes.Buffer
	r.w.SetTraceWriter(&trace)
	r.startConsumerAt("c", 5*time.Second)
	r.runTo(80 * time.Second)
	proc := FieldClient + "/c"
	for _, c := range []struct {
		timer  string
		first  time.Duration
		period time.Duration
	}{
		{"updateTopicRouteInfoFromNameServer", 5*time.Second + 10*time.Millisecond, 30 * time.Second},
		{"sendHeartbeatToAllBroker", 6 * time.Second, 30 * time.Second},
		{"persistAllConsumerOffset", 15 * time.Second, 5 * time.Second},
	} {
		got := timerFirings(&trace, proc, c.timer)
		if len(got) < 2 || got[0] != c.first || got[1] != c.first+c.period {
			t.Errorf("%s fired at %v, want %v then every %v (§3.1)", c.timer, got, c.first, c.period)
		}
	}
}

// test31BlockingDelays: with both nameservers killed then powered off,
// each refresh round waits 3 s per nameserver connect on the one shared
// thread; the heartbeat due 1 s after the round began and the offset
// persist due 5 s after wait for it (issue #2728).
func test31BlockingDelays(t *testing.T) {
	r := newRun(t, Programs{Consumers: []model.ConsumerProgramSpec{FieldConsumer("c")}}, nil)
	var trace bytes.Buffer
	r.w.SetTraceWriter(&trace)
	r.startConsumerAt("c", 5*time.Second)
	r.at(100*time.Second, func() { r.allNS(func(h string) { r.c.Kill(h, ServiceNamesrv) }) })
	r.at(101*time.Second, func() { r.allNS(func(h string) { r.c.PowerOff(h) }) })
	r.runTo(140 * time.Second)
	// The round of 125.01 s takes 6 s (two 3 s connect timeouts).
	refresh := between(r.recs(history.RouteRefresh, "c"), 125*time.Second, 132*time.Second)
	if len(refresh) != 1 || !near(refresh[0].At, 131010*time.Millisecond, 10*time.Millisecond) {
		t.Fatalf("refreshes %v: want one failure at 131.01 s", refresh)
	}
	var commits []history.Record
	for _, rec := range between(r.recs(history.OffsetCommit, "c"), 130*time.Second, 132*time.Second) {
		if rec.Detail == "oneway" {
			commits = append(commits, rec)
		}
	}
	if len(commits) == 0 || commits[0].At < 131010*time.Millisecond {
		t.Errorf("first persist after 130 s at %v, want ≥ 131.01 s: the 130 s run waited for the refresh (§3.1)", atOf(commits))
	}
	hb := heartbeatsSent(&trace, "master01/broker", 120*time.Second, 135*time.Second)
	if len(hb) == 0 || hb[0] < 131010*time.Millisecond {
		t.Errorf("heartbeat due at 126 s reached master01 at %v, want ≥ 131.01 s", hb)
	}
}

func atOf(rs []history.Record) []time.Duration {
	var out []time.Duration
	for _, r := range rs {
		out = append(out, r.At)
	}
	return out
}

// heartbeatsSent lists when broker proc received HEART_BEAT (trace).
func heartbeatsSent(trace *bytes.Buffer, proc string, from, to time.Duration) []time.Duration {
	var out []time.Duration
	for _, line := range strings.Split(trace.String(), "\n") {
		f := strings.Fields(line)
		if len(f) >= 3 && f[1] == "recv" && f[2] == proc && strings.Contains(line, " HEART_BEAT ") {
			t, err := time.Parse("15:04:05.000000", f[0])
			if err != nil {
				continue
			}
			d := time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute +
				time.Duration(t.Second())*time.Second + time.Duration(t.Nanosecond())
			if d >= from && d < to {
				out = append(out, d)
			}
		}
	}
	return out
}

func test32Topics(t *testing.T) {
	r := newRun(t, Programs{Consumers: []model.ConsumerProgramSpec{FieldConsumer("c")}}, nil)
	r.startConsumerAt("c", 5*time.Second)
	r.runTo(40 * time.Second)
	seen := map[string]bool{}
	for _, rec := range between(r.recs(history.RouteRefresh, "c"), 35*time.Second, 40*time.Second) {
		seen[rec.Topic] = true
	}
	for _, want := range []string{FieldTopic, "%RETRY%" + FieldGroup, "TBW102"} {
		if !seen[want] {
			t.Errorf("the 35.01 s round refreshed %v, missing %s (§3.2)", seen, want)
		}
	}
}

// test32CacheKept: both nameservers restart empty; they answer
// TOPIC_NOT_EXIST until the brokers re-register, and the producer keeps
// sending from its cache.
func test32CacheKept(t *testing.T) {
	spec := FieldProducer("p", 0, 150)
	spec.Interval, spec.OnError = time.Second, "continue"
	r := newRun(t, Programs{Producers: []model.ProducerProgramSpec{spec}}, nil)
	r.at(5*time.Second, func() { r.c.StartProgram("p") })
	r.at(60*time.Second, func() {
		r.allNS(func(h string) { r.c.Kill(h, ServiceNamesrv) })
	})
	// Brokers register at 71 s and 101 s: restarted at 72 s, the
	// nameservers are empty when the client polls at 95.01 s.
	r.at(72*time.Second, func() { r.allNS(func(h string) { r.w.Host(h).Start(ServiceNamesrv) }) })
	r.runTo(100 * time.Second)
	var got17 bool
	for _, rec := range between(r.recs(history.RouteRefresh, "p"), 72*time.Second, 100*time.Second) {
		got17 = got17 || (rec.Topic == FieldTopic && rec.Status == "TOPIC_NOT_EXIST")
	}
	if !got17 {
		t.Fatalf("no TOPIC_NOT_EXIST from the restarted nameservers")
	}
	brokers := map[string]int{}
	for _, rec := range between(r.recs(history.SendReturn, "p"), 72*time.Second, 100*time.Second) {
		if rec.Status != client.StatusSendOK {
			t.Errorf("send %s: %s %s", rec.Key, rec.Status, rec.Err)
		}
		brokers[rec.Broker]++
	}
	if brokers["broker-a"] == 0 || brokers["broker-b"] == 0 {
		t.Errorf("sends per broker %v: the cached route (both brokers) should be kept (§3.2)", brokers)
	}
}

func test32AbortRound(t *testing.T) {
	r := newRun(t, Programs{Consumers: []model.ConsumerProgramSpec{FieldConsumer("c")}}, nil)
	r.startConsumerAt("c", 5*time.Second)
	r.at(60*time.Second, func() { r.allNS(func(h string) { r.c.Kill(h, ServiceNamesrv) }) })
	r.runTo(100 * time.Second)
	for _, round := range []time.Duration{65 * time.Second, 95 * time.Second} {
		recs := between(r.recs(history.RouteRefresh, "c"), round, round+time.Second)
		if len(recs) != 1 || !strings.Contains(recs[0].Err, "RemotingConnectException") {
			t.Errorf("round at %v: %d refreshes %v, want the first topic's connect failure only (§3.2)", round, len(recs), recs)
		}
	}
}

// test32ReplaceAndClean: broker-b (master and slave) is killed; the
// nameservers drop it at once, the next refresh replaces the route with
// broker-a alone, and cleanOfflineBroker then forgets broker-b.
func test32ReplaceAndClean(t *testing.T) {
	r := newRun(t, Programs{}, nil)
	s := r.producer("p", 5*time.Second, client.Sync)
	r.sendAt(s, 10*time.Second, 0)
	var before map[string]map[int64]string
	r.at(50*time.Second, func() { before = s.p.Instance().BrokerAddrs() })
	r.at(60*time.Second, func() { r.c.Kill("master02", ServiceBroker); r.c.Kill("slave02", ServiceBroker) })
	r.runTo(70 * time.Second)
	if before["broker-b"] == nil {
		t.Fatalf("broker-b not known before: %v", before)
	}
	if n := len(s.p.PublishInfo(FieldTopic).Queues); n != 16 {
		t.Errorf("publish queues after the refresh: %d, want 16 (broker-a only, route replaced whole)", n)
	}
	if after := s.p.Instance().BrokerAddrs(); after["broker-b"] != nil {
		t.Errorf("brokerAddrTable still has broker-b after cleanOfflineBroker: %v", after)
	}
}

func test32NeverExpire(t *testing.T) {
	spec := FieldProducer("p", 0, 120)
	spec.Interval, spec.OnError = 10*time.Second, "continue"
	r := newRun(t, Programs{Producers: []model.ProducerProgramSpec{spec}}, nil)
	r.at(5*time.Second, func() { r.c.StartProgram("p") })
	r.at(30*time.Second, func() { r.allNS(func(h string) { r.c.PowerOff(h) }) })
	r.runTo(21 * time.Minute)
	if n := r.sendOK("p"); n != 120 {
		t.Errorf("%d of 120 sends SEND_OK over 20 min without nameservers, want all (§3.2, §6)", n)
	}
}

// test33Views: master02 is killed, slave02 stays registered: the route
// shows broker-b with its slave only. Publish info drops broker-b;
// subscribe info keeps it, pulls and offset commits go to the slave.
func test33Views(t *testing.T) {
	cons := FieldConsumer("c")
	r := newRun(t, Programs{Consumers: []model.ConsumerProgramSpec{cons}}, func(c *model.Config, _ *model.ClusterSpec) {
		c.Consumer.ConsumeFromWhere = "CONSUME_FROM_FIRST_OFFSET"
	})
	s := r.producer("p", 5*time.Second, client.Sync)
	r.sendAt(s, 10*time.Second, 0)
	r.startConsumerAt("c", 5*time.Second)
	r.at(30*time.Second, func() { r.c.Kill("master02", ServiceBroker) })
	r.runTo(80 * time.Second)
	for _, q := range s.p.PublishInfo(FieldTopic).Queues {
		if q.BrokerName == "broker-b" {
			t.Errorf("publish info has broker-b without its master (§3.3)")
			break
		}
	}
	pc := r.c.Consumers["c"].Consumer()
	nb := 0
	for _, q := range pc.SubscribeInfo(FieldTopic) {
		if q.BrokerName == "broker-b" {
			nb++
		}
	}
	if nb != 16 {
		t.Errorf("subscribe info has %d broker-b queues, want 16 (§3.3)", nb)
	}
	var pulls, commits int
	for _, rec := range between(r.recs(history.Pull, "c"), 40*time.Second, 80*time.Second) {
		if rec.Broker == "broker-b" && rec.BrokerAddr == "slave02:"+model.BrokerPort {
			pulls++
		}
	}
	for _, rec := range between(r.recs(history.OffsetCommit, "c"), 40*time.Second, 80*time.Second) {
		if rec.Broker == "broker-b" && rec.BrokerAddr == "slave02:"+model.BrokerPort {
			commits++
		}
	}
	if pulls == 0 || commits == 0 {
		t.Errorf("broker-b pulls %d and commits %d to slave02, want both > 0 (§3.3)", pulls, commits)
	}
}

func attaches(r *tr, proc string) []history.Record { return r.recs(history.NSAttach, proc) }

func test34Sticky(t *testing.T) {
	r := newRun(t, Programs{}, nil)
	s := r.producer("p", 5*time.Second, client.Sync)
	var first string
	r.at(6*time.Second, func() { first = s.p.Instance().Remoting().ChosenNameServer() })
	r.at(60*time.Second, func() { r.c.Kill(hostOf(first), ServiceNamesrv) })
	r.at(70*time.Second, func() { r.w.Host(hostOf(first)).Start(ServiceNamesrv) })
	r.runTo(5 * time.Minute)
	att := attaches(r, "p")
	if len(att) != 2 || att[0].NameServer != first || att[1].NameServer == first || !near(att[1].At, 65010*time.Millisecond, 10*time.Millisecond) {
		t.Errorf("attachments %v: want %s, then the other at 65.01 s and no failback (§3.4)", att, first)
	}
}

func hostOf(addr string) string {
	if i := strings.LastIndexByte(addr, ':'); i >= 0 {
		return addr[:i]
	}
	return addr
}

// test34NoSwitchOn17: the client moves to a nameserver restarted empty
// and stays there although it answers TOPIC_NOT_EXIST.
func test34NoSwitchOn17(t *testing.T) {
	r := newRun(t, Programs{}, nil)
	s := r.producer("p", 5*time.Second, client.Sync)
	r.sendAt(s, 6*time.Second, 0)
	var x string
	r.at(7*time.Second, func() { x = s.p.Instance().Remoting().ChosenNameServer() })
	other := func() string {
		for _, a := range r.env.Cluster.NameServerAddrs() {
			if a != x {
				return a
			}
		}
		return ""
	}
	r.at(60*time.Second, func() { r.c.Kill(hostOf(x), ServiceNamesrv) })       // client moves to y at 65.01
	r.at(72*time.Second, func() { r.w.Host(hostOf(x)).Start(ServiceNamesrv) }) // x empty until 101 s
	r.at(73*time.Second, func() { r.c.Kill(hostOf(other()), ServiceNamesrv) })
	r.at(105*time.Second, func() { r.w.Host(hostOf(other())).Start(ServiceNamesrv) })
	r.runTo(130 * time.Second)
	round := between(r.recs(history.RouteRefresh, "p"), 95*time.Second, 96*time.Second)
	if len(round) < 2 {
		t.Fatalf("95 s round: %v", round)
	}
	for _, rec := range round {
		if rec.NameServer != x || rec.Status != "TOPIC_NOT_EXIST" {
			t.Errorf("95 s round: %s from %s %s, want TOPIC_NOT_EXIST from %s every topic (§3.4)", rec.Topic, rec.NameServer, rec.Status, x)
		}
	}
	for _, rec := range between(r.recs(history.RouteRefresh, "p"), 125*time.Second, 126*time.Second) {
		if rec.NameServer != x {
			t.Errorf("125 s round asked %s, want %s (sticky)", rec.NameServer, x)
		}
	}
}

// test34ConnectCounts: three nameservers; the chosen one is killed and
// the next in rotation powered off. The next query spends its 3 s on
// that connect, connects to the third, and still fails with "invokeSync
// call timeout"; the round after uses the third.
func test34ConnectCounts(t *testing.T) {
	r := newRun(t, Programs{}, func(_ *model.Config, cs *model.ClusterSpec) {
		cs.NameServers = append(cs.NameServers, model.NodeSpec{Host: "nameserver03", IP: "172.16.7.97"})
	})
	s := r.producer("p", 5*time.Second, client.Sync)
	var z string
	r.at(20*time.Second, func() {
		rc := s.p.Instance().Remoting()
		list, chosen := rc.NameServers(), rc.ChosenNameServer()
		i := 0
		for list[i] != chosen {
			i++
		}
		y := list[(i+1)%3]
		z = list[(i+2)%3]
		r.c.Kill(hostOf(chosen), ServiceNamesrv)
		r.c.PowerOff(hostOf(y))
	})
	r.runTo(70 * time.Second)
	round := between(r.recs(history.RouteRefresh, "p"), 35*time.Second, 40*time.Second)
	// The connect to the third leaves < 1 ms: Java fails either in
	// invokeSync's own check ("invokeSync call timeout") or waiting 0 ms,
	// depending on where the millisecond ticks fall; both are timeouts.
	want := "org.apache.rocketmq.remoting.exception.RemotingTimeoutException: "
	if len(round) != 1 || !strings.HasPrefix(round[0].Err, want) || !near(round[0].At, 38010*time.Millisecond, 10*time.Millisecond) {
		t.Fatalf("35.01 s round %v, want one %q… at ≈38.01 s (§3.4)", round, want)
	}
	next := between(r.recs(history.RouteRefresh, "p"), 65*time.Second, 66*time.Second)
	if len(next) == 0 || next[0].NameServer != z || next[0].Status != "SUCCESS" {
		t.Errorf("65.01 s round %v, want SUCCESS from %s", next, z)
	}
}

// test35PoweredOffNS: the chosen nameserver's host loses power; its
// channel stays "active", so every round times out after 3 s on it and
// the client never tries the healthy one until TCP gives up (§3.5).
func test35PoweredOffNS(t *testing.T) {
	r := newRun(t, Programs{}, nil)
	s := r.producer("p", 5*time.Second, client.Sync)
	r.sendAt(s, 6*time.Second, 0)
	r.at(20*time.Second, func() { r.c.PowerOff(hostOf(s.p.Instance().Remoting().ChosenNameServer())) })
	r.runTo(10 * time.Minute)
	recs := between(r.recs(history.RouteRefresh, "p"), 20*time.Second, 10*time.Minute)
	if len(recs) < 15 {
		t.Fatalf("only %d refreshes", len(recs))
	}
	for _, rec := range recs {
		if !strings.Contains(rec.Err, "RemotingTimeoutException: wait response on the channel") {
			t.Fatalf("refresh at %v: %q %q, want a 3 s response timeout every round", rec.At, rec.Status, rec.Err)
		}
	}
	if n := len(attaches(r, "p")); n != 1 {
		t.Errorf("%d attachments, want the first only", n)
	}
}
