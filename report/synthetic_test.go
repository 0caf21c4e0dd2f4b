package report

import (
	"fmt"
	"time"

	"rmqsim/explain"
	"rmqsim/history"
	"rmqsim/model"
	"rmqsim/scenarios"
)

// A hand-made field experiment in miniature: the report's cluster, E1 (100
// messages round robin from a start index), E1c (the consumer drains
// them), E2 (nameserver02 down, 100 more), E3 (20 meant, nameserver01
// goes down at 202 s), E4 (nameserver01 back at 500 s, up at 530 s). The
// numbers are the test's, not the model's. Each run has a seed; the
// baseline's seeds differ in the nameserver its E3 producer asks first,
// as the model's runs do (facts §3.4).

const (
	synthHorizon = 600 * time.Second
	topic        = "topic_test_123"
)

// synthVariant chooses the E3 reading and the seed.
type synthVariant struct {
	name string
	seed uint64
	// producerAfter starts the E3 producer after the outage began.
	producerAfter bool
	// consumerRestart restarts the consumer during the outage.
	consumerRestart bool
	// asksDownFirst: the E3 producer, started at E3, first asks
	// nameserver02 (down since E2), waits out the connect timeout and
	// throws at its first send().
	asksDownFirst bool
}

var synthVariants = []synthVariant{
	{name: "baseline", seed: 1},
	{name: "baseline", seed: 2, asksDownFirst: true},
	{name: "baseline", seed: 3},
	{name: "consumer-restarted", seed: 1, consumerRestart: true},
	{name: "producer-after-outage", seed: 1, producerAfter: true},
}

func synthCluster() *model.ClusterSpec {
	return &model.ClusterSpec{Name: "MyRocketmq",
		NameServers: []model.NodeSpec{{Host: "nameserver01"}, {Host: "nameserver02"}},
		Brokers: []model.BrokerGroupSpec{
			{BrokerName: "broker-a", Master: model.NodeSpec{Host: "master01"}, Slave: &model.NodeSpec{Host: "slave01"}},
			{BrokerName: "broker-b", Master: model.NodeSpec{Host: "master02"}, Slave: &model.NodeSpec{Host: "slave02"}},
		},
		Topics: []model.TopicSpec{{Name: topic, Queues: 16}}}
}

// builder writes a synthetic history in time order.
type builder struct {
	h      *history.History
	now    time.Duration
	offset map[string]int64
	held   map[string]int64
	nsUp   int
	keys   map[string][2]int // key → (broker index, queue)
	// consumed counts deliveries, as the console's consumer page would.
	consumed int64
}

func newBuilder() *builder {
	return &builder{h: &history.History{}, offset: map[string]int64{}, held: map[string]int64{}, nsUp: 2,
		keys: map[string][2]int{}}
}

func (b *builder) at(t time.Duration) *builder { b.now = t; return b }

func (b *builder) add(r history.Record) {
	r.At = b.now
	b.h.Add(r)
	b.now += time.Millisecond
}

func key(i int) string { return fmt.Sprintf("NameServer Test%d", i) }

// observe records the console's view: the masters' counts, or nothing
// with every nameserver down.
func (b *builder) observe() {
	r := history.Record{Kind: history.Observe, Proc: "client01/dashboard", Detail: "cluster", Start: b.now}
	if b.nsUp > 0 {
		a, bb := b.held["broker-a"], b.held["broker-b"]
		r.Counts = map[string]int64{"cluster/todayPro/broker-a:0": a, "cluster/todayPro/broker-b:0": bb,
			"cluster/todayCus/broker-a:0": b.consumed, "cluster/todayCus/broker-b:0": 0}
	} else {
		r.Err = "connect to [nameserver01:9876, nameserver02:9876] failed"
	}
	b.add(r)
}

// send is one acknowledged send() of message i to publish index q.
func (b *builder) send(proc string, i, q int) {
	broker, host, qid := "broker-a", "master01", q%16
	if q%32 >= 16 {
		broker, host = "broker-b", "master02"
	}
	k := key(i)
	off := b.offset[broker+itoa(qid)]
	b.offset[broker+itoa(qid)]++
	b.keys[k] = [2]int{q % 32 / 16, qid}
	b.add(history.Record{Kind: history.SendCall, Proc: proc, Key: k, Index: i, Topic: topic})
	b.add(history.Record{Kind: history.SendAttempt, Proc: proc, Key: k, Topic: topic, Broker: broker, QueueID: qid,
		Attempt: 1, NameServer: "nameserver01:9876", RouteAge: 2 * time.Second})
	b.add(history.Record{Kind: history.Stored, Proc: host + "/broker", Key: k, Topic: topic, Broker: broker, QueueID: qid,
		QueueOffset: off, CommitLogOffset: int64(i) * 180, StoreSize: 180})
	b.held[broker]++
	b.add(history.Record{Kind: history.SendReturn, Proc: proc, Key: k, Topic: topic, Status: "SEND_OK", Broker: broker,
		QueueID: qid, QueueOffset: off, MsgID: fmt.Sprintf("AC10070100%04d", i)})
}

func (b *builder) deliver(proc string, i int) {
	k := key(i)
	bq := b.keys[k]
	broker := []string{"broker-a", "broker-b"}[bq[0]]
	var off int64
	for _, r := range b.h.All() {
		if r.Kind == history.Stored && r.Key == k {
			off = r.QueueOffset
		}
	}
	b.add(history.Record{Kind: history.Deliver, Proc: proc, Key: k, Topic: topic, Group: "group_test_123",
		Broker: broker, QueueID: bq[1], QueueOffset: off})
	b.consumed++
}

func (b *builder) intend(proc string, first, n int, start time.Duration) {
	for i := first; i < first+n; i++ {
		b.add(history.Record{Kind: history.Intend, Proc: proc, Key: key(i), Index: i, Topic: topic, Start: start})
	}
}

func (b *builder) nsDown(host string) {
	b.add(history.Record{Kind: history.Fault, Target: host, Detail: "shutdown-orderly grace=10s power-off-delay=2s"})
	b.add(history.Record{Kind: history.ProcExit, Proc: host + "/namesrv", Detail: "stop"})
	b.nsUp--
}

// synthE1 writes E1 (100 sends round robin from start) and returns when
// E1 ended.
func (b *builder) synthE1(start int) {
	for _, p := range []string{"nameserver01/namesrv", "nameserver02/namesrv", "master01/broker", "slave01/broker",
		"master02/broker", "slave02/broker", "client01/dashboard"} {
		b.add(history.Record{Kind: history.ProcStart, Proc: p})
	}
	b.at(50 * time.Second).observe()
	b.at(60 * time.Second).add(history.Record{Kind: history.Step, Detail: "E1"})
	b.intend("client01/producer-e1", 0, 100, 60*time.Second)
	b.add(history.Record{Kind: history.ProcStart, Proc: "client01/producer-e1"})
	b.add(history.Record{Kind: history.NSAttach, Proc: "client01/producer-e1", NameServer: "nameserver01:9876"})
	for i := 0; i < 100; i++ {
		b.send("client01/producer-e1", i, start+i)
	}
	b.add(history.Record{Kind: history.ProgramExit, Proc: "client01/producer-e1", Detail: "done"})
	b.add(history.Record{Kind: history.ProcExit, Proc: "client01/producer-e1", Detail: "exit"})
	b.at(70 * time.Second).observe()
}

// synthRun builds one variant's Result.
func synthRun(v synthVariant) *scenarios.Result {
	b := newBuilder()
	b.synthE1(8)
	b.at(76 * time.Second).add(history.Record{Kind: history.Step, Detail: "E1c"})
	b.add(history.Record{Kind: history.ProcStart, Proc: "client01/consumer", Detail: "consumer"})
	b.add(history.Record{Kind: history.NSAttach, Proc: "client01/consumer", NameServer: "nameserver02:9876"})
	b.add(history.Record{Kind: history.RouteRefresh, Proc: "client01/consumer", Topic: topic, NameServer: "nameserver02:9876", Status: "SUCCESS", Route: "broker-a:16/16,broker-b:16/16"})
	b.add(history.Record{Kind: history.ClientStart, Proc: "client01/consumer", Group: "group_test_123", Detail: "consumer"})
	var all []history.QueueRef
	for _, br := range []string{"broker-a", "broker-b"} {
		for q := 0; q < 16; q++ {
			all = append(all, history.QueueRef{Broker: br, QueueID: q})
		}
	}
	b.add(history.Record{Kind: history.Rebalance, Proc: "client01/consumer", Topic: topic, Group: "group_test_123", Queues: all})
	for i := 0; i < 100; i++ {
		b.deliver("client01/consumer", i)
	}
	b.at(130 * time.Second).observe()
	b.at(136 * time.Second).add(history.Record{Kind: history.Step, Detail: "E2"})
	b.nsDown("nameserver02")
	b.at(166*time.Second).intend("client01/producer-e2", 100, 100, 166*time.Second)
	b.add(history.Record{Kind: history.ProcStart, Proc: "client01/producer-e2"})
	b.add(history.Record{Kind: history.NSAttach, Proc: "client01/producer-e2", NameServer: "nameserver01:9876"})
	b.add(history.Record{Kind: history.RouteRefresh, Proc: "client01/producer-e2", Topic: topic, NameServer: "nameserver01:9876", Status: "SUCCESS", Route: "broker-a:16/16,broker-b:16/16"})
	for i := 100; i < 200; i++ {
		b.send("client01/producer-e2", i, 8+i)
		b.deliver("client01/consumer", i)
	}
	b.add(history.Record{Kind: history.ProgramExit, Proc: "client01/producer-e2", Detail: "done"})
	b.add(history.Record{Kind: history.ProcExit, Proc: "client01/producer-e2", Detail: "exit"})
	b.at(190 * time.Second).observe()
	b.synthE3(v)
	return synthResult(v, b)
}

// synthE3 writes E3 and E4 for the variant.
func (b *builder) synthE3(v synthVariant) {
	const p3 = "client01/producer-e3"
	b.at(200 * time.Second).add(history.Record{Kind: history.Step, Detail: "E3"})
	start := 200 * time.Second
	if v.producerAfter {
		start = 210 * time.Second
	}
	b.intend(p3, 200, 20, start)
	switch {
	case v.asksDownFirst:
		b.add(history.Record{Kind: history.ProcStart, Proc: p3})
		b.add(history.Record{Kind: history.NSAttach, Proc: p3, NameServer: "nameserver02:9876"})
		b.add(history.Record{Kind: history.SendCall, Proc: p3, Key: key(200), Index: 200, Topic: topic})
	case !v.producerAfter:
		b.add(history.Record{Kind: history.ProcStart, Proc: p3})
		b.add(history.Record{Kind: history.NSAttach, Proc: p3, NameServer: "nameserver01:9876"})
		for i := 200; i < 210; i++ {
			b.send(p3, i, 8+i)
			b.deliver("client01/consumer", i)
		}
	}
	b.at(202 * time.Second).nsDown("nameserver01")
	if v.consumerRestart {
		b.at(205 * time.Second).add(history.Record{Kind: history.ProcExit, Proc: "client01/consumer", Detail: "stop"})
		b.add(history.Record{Kind: history.ProcStart, Proc: "client01/consumer", Detail: "consumer"})
		b.add(history.Record{Kind: history.NSAttach, Proc: "client01/consumer", NameServer: "nameserver01:9876"})
		b.add(history.Record{Kind: history.RouteRefresh, Proc: "client01/consumer", Topic: topic, NameServer: "nameserver01:9876",
			Err: "org.apache.rocketmq.remoting.exception.RemotingConnectException: connect to [nameserver01:9876, nameserver02:9876] failed"})
		b.add(history.Record{Kind: history.ClientStart, Proc: "client01/consumer", Group: "group_test_123", Detail: "consumer",
			Err: "java.lang.IllegalStateException: org.apache.rocketmq.remoting.exception.RemotingConnectException: connect to [nameserver01:9876, nameserver02:9876] failed"})
	}
	b.at(206 * time.Second)
	switch {
	case v.producerAfter || v.asksDownFirst:
		if v.producerAfter {
			b.at(210 * time.Second).add(history.Record{Kind: history.ProcStart, Proc: p3})
			b.add(history.Record{Kind: history.NSAttach, Proc: p3, NameServer: "nameserver02:9876"})
			b.add(history.Record{Kind: history.SendCall, Proc: p3, Key: key(200), Index: 200, Topic: topic})
		}
		const err = "org.apache.rocketmq.remoting.exception.RemotingConnectException: connect to [nameserver02:9876, nameserver01:9876] failed"
		b.add(history.Record{Kind: history.RouteRefresh, Proc: p3, Topic: topic, NameServer: "nameserver01:9876", Err: err})
		b.add(history.Record{Kind: history.SendReturn, Proc: p3, Key: key(200), Topic: topic, Err: "java.lang.IllegalStateException: " + err})
		b.add(history.Record{Kind: history.ProgramExit, Proc: p3, Detail: "abort", Err: "java.lang.IllegalStateException: " + err})
	default:
		for i := 210; i < 220; i++ {
			b.send(p3, i, 8+i)
			if !v.consumerRestart {
				b.deliver("client01/consumer", i)
			}
		}
		b.add(history.Record{Kind: history.ProgramExit, Proc: p3, Detail: "done"})
	}
	b.add(history.Record{Kind: history.ProcExit, Proc: p3, Detail: "exit"})
	b.at(250 * time.Second).observe()
	b.synthE4(v)
}

func (b *builder) synthE4(v synthVariant) {
	b.at(500 * time.Second).add(history.Record{Kind: history.Step, Detail: "E4"})
	b.add(history.Record{Kind: history.Fault, Target: "nameserver01", Detail: "power-on boot=30s"})
	b.at(530 * time.Second).add(history.Record{Kind: history.ProcStart, Proc: "nameserver01/namesrv"})
	b.nsUp++
	if v.consumerRestart {
		b.at(545 * time.Second).add(history.Record{Kind: history.RouteRefresh, Proc: "client01/consumer", Topic: topic,
			NameServer: "nameserver01:9876", Status: "SUCCESS", Route: "broker-a:16/16,broker-b:16/16"})
		var all []history.QueueRef
		for _, br := range []string{"broker-a", "broker-b"} {
			for q := 0; q < 16; q++ {
				all = append(all, history.QueueRef{Broker: br, QueueID: q})
			}
		}
		b.add(history.Record{Kind: history.Rebalance, Proc: "client01/consumer", Topic: topic, Group: "group_test_123", Queues: all})
		for i := 210; i < 220; i++ {
			b.deliver("client01/consumer", i)
		}
	}
	b.at(560 * time.Second).observe()
	b.at(synthHorizon - time.Millisecond).observe()
}

// synthResult turns a history into a Result, with step counters counted
// here the way the runner does (docs/scenarios.md, "Steps").
func synthResult(v synthVariant, b *builder) *scenarios.Result {
	c := synthCluster()
	exp := explain.Explain(b.h, explain.Options{Cluster: c, Horizon: synthHorizon})
	t := exp.Totals()
	res := &scenarios.Result{Scenario: "field-experiment", Variant: v.name, Seed: v.seed, TraceHash: fmt.Sprintf("00000000deadbe%02x", v.seed),
		Events: int64(b.h.Len()), SimTimeMs: synthHorizon.Milliseconds(), Outcome: "horizon", CountsFrom: "logs",
		Messages: scenarios.Messages{Intended: t.Intended, SendOK: t.SendOK, SendFailed: t.SendFailed, NeverSent: t.NeverSent,
			Stored: t.Stored, ConsumedUnique: t.ConsumedUnique, Duplicates: t.Duplicates, LostAcked: t.LostAcked},
		Fates: exp.FateCounts, History: b.h, Explanation: exp, Cluster: c}
	var starts []StepMark
	for _, r := range b.h.All() {
		if r.Kind == history.Step {
			starts = append(starts, StepMark{Name: r.Detail, At: r.At})
		}
	}
	for i, s := range starts {
		end := synthHorizon
		if i+1 < len(starts) {
			end = starts[i+1].At
		}
		res.Steps = append(res.Steps, synthStep(b.h, s.Name, s.At, end, end == synthHorizon))
	}
	return res
}

// synthStep counts one step's messages over [start, end).
func synthStep(h *history.History, name string, start, end time.Duration, last bool) scenarios.StepResult {
	in := func(at time.Duration) bool { return at >= start && (at < end || last && at == end) }
	s := scenarios.StepResult{Name: name, Started: true, StartMs: start.Milliseconds(), EndMs: end.Milliseconds()}
	called, seen := map[string]bool{}, map[string]bool{}
	for _, r := range h.All() {
		if r.Kind == history.SendCall {
			called[r.Key] = true
		}
	}
	var view *history.Record
	for _, rec := range h.All() {
		r := &rec
		switch {
		case r.Kind == history.Intend && in(r.Start):
			s.Messages.Intended++
			if !called[r.Key] {
				s.Messages.NeverSent++
			}
		case r.Kind == history.SendReturn && in(r.At) && r.Status == "SEND_OK":
			s.Messages.SendOK++
		case r.Kind == history.SendReturn && in(r.At):
			s.Messages.SendFailed++
		case r.Kind == history.Stored && in(r.At):
			s.Messages.Stored++
		case r.Kind == history.Deliver && in(r.At) && !seen[r.Key]:
			s.Messages.ConsumedUnique++
		case r.Kind == history.Observe && r.At <= end:
			view = r
		}
		if r.Kind == history.Deliver {
			seen[r.Key] = true
		}
	}
	if view != nil {
		s.Observer = observerOf(view)
	}
	return s
}

// observerOf is a step's Observer from one cluster-page record.
func observerOf(r *history.Record) scenarios.Observer {
	o := scenarios.Observer{}
	if r.Counts == nil {
		if r.Err != "" {
			o[r.Detail] = scenarios.Figure{ReadAtMs: r.Start.Milliseconds(), Error: r.Err}
		}
		return o
	}
	for k, v := range r.Counts {
		v := v
		o[k] = scenarios.Figure{Value: &v, ReadAtMs: r.Start.Milliseconds()}
	}
	return o
}
