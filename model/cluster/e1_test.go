package cluster

import (
	"strconv"
	"testing"
	"time"

	"rmqsim/history"
	"rmqsim/model"
)

// e1 runs the field experiment's step E1 (100 sync sends, all nodes up)
// with the round-robin index pinned, and returns the SendReturn records.
func e1(t *testing.T, pin int) []history.Record {
	r := newRun(t, Programs{Producers: []model.ProducerProgramSpec{FieldProducer("p", 0, 100)}},
		func(c *model.Config, _ *model.ClusterSpec) { c.Producer.SendWhichQueue = pin })
	r.at(5*time.Second, func() { r.c.StartProgram("p") })
	r.runTo(60 * time.Second)
	ret := r.recs(history.SendReturn, "p")
	if len(ret) != 100 {
		t.Fatalf("pin %d: %d returns", pin, len(ret))
	}
	return ret
}

type placement struct {
	first      string
	perBroker  map[string]int
	perQueue   map[string]int
	roundRobin bool
}

func place(ret []history.Record) placement {
	p := placement{perBroker: map[string]int{}, perQueue: map[string]int{}, roundRobin: true}
	pos := func(r history.Record) int {
		if r.Broker == "broker-b" {
			return 16 + r.QueueID
		}
		return r.QueueID
	}
	for i, r := range ret {
		p.perBroker[r.Broker]++
		p.perQueue[r.Broker+"/"+strconv.Itoa(r.QueueID)]++
		if i > 0 && pos(r) != (pos(ret[i-1])+1)%32 {
			p.roundRobin = false
		}
	}
	p.first = ret[0].Broker + "/" + strconv.Itoa(ret[0].QueueID)
	return p
}

// TestE1PlacementFromQueueSelection: the report's E1 (first result
// broker-a queue 8, then 9, 10 …; console broker-a 52, broker-b 48;
// broker-b queue 13 holding 3) comes out of the model's queue selection.
// The pin is the start index: the index the first selection returns.
func TestE1PlacementFromQueueSelection(t *testing.T) {
	p := place(e1(t, 8))
	if p.first != "broker-a/8" || !p.roundRobin {
		t.Errorf("pin 8: first %s, round robin %v; want broker-a/8 then round robin", p.first, p.roundRobin)
	}
	if p.perBroker["broker-a"] != 52 || p.perBroker["broker-b"] != 48 || p.perQueue["broker-b/13"] != 3 {
		t.Errorf("pin 8: per broker %v, broker-b/13 = %d; want 52/48 and 3", p.perBroker, p.perQueue["broker-b/13"])
	}
	if q := place(e1(t, 9)).first; q != "broker-a/9" {
		t.Errorf("pin 9: first %s, want broker-a/9 (the pin is the first index returned)", q)
	}
	var match []int
	for pin := 0; pin < 32; pin++ {
		p := place(e1(t, pin))
		if p.perBroker["broker-a"] == 52 && p.perBroker["broker-b"] == 48 && p.perQueue["broker-b/13"] == 3 {
			match = append(match, pin)
		}
	}
	t.Logf("pins giving 52/48 with broker-b/13 = 3: %v", match)
	if len(match) == 0 {
		t.Errorf("no start index reproduces E1")
	}
}

// TestSameSeedSameTrace: a run with producers, a consumer, a dashboard and
// faults is deterministic: same seed, same trace hash and history.
func TestSameSeedSameTrace(t *testing.T) {
	run := func() (uint64, int) {
		spec := FieldProducer("p", 0, 200)
		spec.Interval, spec.OnError = 200*time.Millisecond, "continue"
		r := newRun(t, Programs{Producers: []model.ProducerProgramSpec{spec},
			Consumers: []model.ConsumerProgramSpec{FieldConsumer("c")}, Dashboards: []model.DashboardSpec{console()}}, nil)
		r.at(5*time.Second, func() { r.c.StartProgram("p"); r.c.StartProgram("c"); r.c.StartProgram("d") })
		r.visit(10*time.Second, model.ConsoleVisit{View: model.ViewHome})
		r.visit(15*time.Second, model.ConsoleVisit{View: model.ViewConsumer, AutoRefresh: true})
		r.visit(70*time.Second, model.ConsoleVisit{View: model.ViewMessagePage})
		r.at(20*time.Second, func() { r.c.ShutdownNetworkFirst("nameserver02") })
		r.at(30*time.Second, func() { r.c.PowerOff("master01") })
		r.at(60*time.Second, func() { r.c.PowerOn("master01") })
		r.runTo(3 * time.Minute)
		return r.w.TraceHash(), r.h.Len()
	}
	h1, n1 := run()
	h2, n2 := run()
	if h1 != h2 || n1 != n2 {
		t.Errorf("two runs of seed 42: hash %x/%x, records %d/%d", h1, h2, n1, n2)
	}
}
