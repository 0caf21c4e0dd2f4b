package app_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"rmqsim/history"
	"rmqsim/model"
	"rmqsim/model/cluster"
	"rmqsim/sim"
)

type run struct {
	w *sim.World
	h *history.History
	c *cluster.Cluster
}

func newRun(t *testing.T, progs cluster.Programs) *run {
	cfg := model.DefaultConfig()
	cs := cluster.FieldExperimentCluster()
	w := sim.NewWorld(sim.Config{Seed: 3})
	h := &history.History{}
	c, err := cluster.Build(w, &model.Env{Cfg: &cfg, Rec: model.NewRecorder(w, h), Cluster: &cs}, progs)
	if err != nil {
		t.Fatal(err)
	}
	c.StartAll()
	return &run{w: w, h: h, c: c}
}

func (r *run) recs(k history.Kind) []history.Record {
	var out []history.Record
	for _, rec := range r.h.All() {
		if rec.Kind == k {
			out = append(out, rec)
		}
	}
	return out
}

// With every broker killed each send fails at once: "continue" calls
// send() for every message, "retry" calls it 1+MaxRetries times per
// message RetryBackoff apart, "abort" once.
func TestProducerOnError(t *testing.T) {
	for _, c := range []struct {
		onError string
		calls   int
		span    time.Duration
	}{
		{"abort", 1, 0},
		{"continue", 5, 4 * time.Second},
		{"retry", 15, 4*time.Second + 10*2*time.Second},
	} {
		spec := cluster.FieldProducer("p", 0, 5)
		spec.OnError, spec.Interval, spec.RetryBackoff, spec.MaxRetries = c.onError, time.Second, 2*time.Second, 2
		r := newRun(t, cluster.Programs{Producers: []model.ProducerProgramSpec{spec}})
		r.w.At(sim.Time(20*time.Second), func() {
			r.c.Kill("master01", cluster.ServiceBroker)
			r.c.Kill("master02", cluster.ServiceBroker)
		})
		r.w.At(sim.Time(40*time.Second), func() { r.c.StartProgram("p") })
		r.w.RunUntil(sim.Time(2 * time.Minute))
		calls := r.recs(history.SendCall)
		if len(calls) != c.calls {
			t.Errorf("%s: %d send calls, want %d", c.onError, len(calls), c.calls)
			continue
		}
		if span := calls[len(calls)-1].At - calls[0].At; span < c.span || span > c.span+time.Second {
			t.Errorf("%s: calls span %v, want ≈%v", c.onError, span, c.span)
		}
		exit := r.recs(history.ProgramExit)
		want := map[string]string{"abort": "abort", "continue": "done", "retry": "done"}[c.onError]
		if len(exit) != 1 || exit[0].Detail != want {
			t.Errorf("%s: exit %v, want %s", c.onError, exit, want)
		}
		if pe := r.recs(history.ProcExit); len(pe) == 0 || pe[len(pe)-1].Detail != "exit" {
			t.Errorf("%s: process exit %v, want detail exit", c.onError, pe)
		}
	}
}

// An async program calls send() for every message at once and exits only
// after every callback ran.
func TestProducerAsyncWaitsForCallbacks(t *testing.T) {
	spec := cluster.FieldProducer("p", 0, 50)
	spec.Mode = "async"
	r := newRun(t, cluster.Programs{Producers: []model.ProducerProgramSpec{spec}})
	r.w.At(sim.Time(5*time.Second), func() { r.c.StartProgram("p") })
	r.w.RunUntil(sim.Time(time.Minute))
	ret, exit := r.recs(history.SendReturn), r.recs(history.ProgramExit)
	if len(ret) != 50 || len(exit) != 1 || exit[0].At < ret[len(ret)-1].At {
		t.Errorf("%d returns, exit %v: want 50 callbacks, then the exit", len(ret), exit)
	}
	for _, rec := range ret {
		if rec.Status != "SEND_OK" {
			t.Errorf("%s: %s %s", rec.Key, rec.Status, rec.Err)
		}
	}
}

// The listener fails with FailureRate: about that share of first
// deliveries return RECONSUME_LATER.
func TestConsumerFailureRate(t *testing.T) {
	cons := cluster.FieldConsumer("c")
	cons.FailureRate, cons.ConsumeTime = 0.5, 10*time.Millisecond
	r := newRun(t, cluster.Programs{Producers: []model.ProducerProgramSpec{cluster.FieldProducer("p", 0, 200)},
		Consumers: []model.ConsumerProgramSpec{cons}})
	r.w.At(sim.Time(5*time.Second), func() { r.c.StartProgram("c") })
	r.w.At(sim.Time(6*time.Second), func() { r.c.StartProgram("p") })
	r.w.RunUntil(sim.Time(30 * time.Second))
	later, first := 0, 0
	for _, rec := range r.recs(history.ConsumeResult) {
		if rec.Attempt == 0 {
			first++
			if rec.Status == "RECONSUME_LATER" {
				later++
			}
		}
	}
	if first != 200 || later < 70 || later > 130 {
		t.Errorf("%d of %d first deliveries failed, want about half", later, first)
	}
}

// TestMQClientFactoryScheduledThread_LingeringJVMStaysRegistered: a
// send() that throws (no nameserver, no route) ends main(); with onError
// linger the JVM lives on its non-daemon MQClientFactoryScheduledThread
// (4.8.0 MQClientInstance), so once a nameserver is back the client finds
// the route it failed on and heartbeats the brokers, registered until
// the process is killed; with abort the process is gone at once.
func TestMQClientFactoryScheduledThread_LingeringJVMStaysRegistered(t *testing.T) {
	for _, onError := range []string{"linger", "abort"} {
		spec := cluster.FieldProducer("p", 0, 5)
		spec.OnError = onError
		r := newRun(t, cluster.Programs{Producers: []model.ProducerProgramSpec{spec}})
		r.w.At(sim.Time(5*time.Second), func() {
			r.c.Kill("nameserver01", cluster.ServiceNamesrv)
			r.c.Kill("nameserver02", cluster.ServiceNamesrv)
		})
		r.w.At(sim.Time(10*time.Second), func() { r.c.StartProgram("p") })
		r.w.At(sim.Time(20*time.Second), func() { r.w.Host("nameserver01").Start(cluster.ServiceNamesrv) })
		r.w.RunUntil(sim.Time(2 * time.Minute))
		exit := r.recs(history.ProgramExit)
		if len(exit) != 1 || exit[0].Detail != "abort" || len(r.recs(history.SendCall)) != 1 {
			t.Fatalf("%s: exit %v, want one send() and an abort", onError, exit)
		}
		ids := r.c.Brokers["master01"].ProducerClientIDs(spec.Group)
		alive := r.w.Host("client01").Proc("p").Alive()
		if want := onError == "linger"; alive != want || (len(ids) == 1) != want {
			t.Errorf("%s: process alive %v, registered on master01 as %v; want both %v", onError, alive, ids, want)
		}
		if onError == "linger" {
			r.c.Kill("client01", "p")
			r.w.RunUntil(sim.Time(2*time.Minute + time.Second))
			if ids := r.c.Brokers["master01"].ProducerClientIDs(spec.Group); len(ids) != 0 {
				t.Errorf("linger: still registered %v after the kill", ids)
			}
		}
	}
}

// TestMQClientInstanceShutdown_UnregistersGroupThenInnerProducer: the
// program's shutdown() unregisters its group from every broker address
// (DefaultMQProducerImpl.shutdown), then MQClientInstance.shutdown shuts
// CLIENT_INNER_PRODUCER down, a second round, before the channels close
// (4.8.0 MQClientInstance.shutdown, unregisterClient).
func TestMQClientInstanceShutdown_UnregistersGroupThenInnerProducer(t *testing.T) {
	spec := cluster.FieldProducer("p", 0, 5)
	r := newRun(t, cluster.Programs{Producers: []model.ProducerProgramSpec{spec}})
	var trace bytes.Buffer
	r.w.SetTraceWriter(&trace)
	r.w.At(sim.Time(10*time.Second), func() { r.c.StartProgram("p") })
	r.w.RunUntil(sim.Time(30 * time.Second))
	var rounds []string
	for _, line := range strings.Split(trace.String(), "\n") {
		if strings.Contains(line, "client01/p") && strings.Contains(line, "UNREGISTER_CLIENT") && strings.Contains(line, "producer=") {
			_, g, _ := strings.Cut(line, "producer=")
			g, _, _ = strings.Cut(g, " ")
			rounds = append(rounds, g)
		}
	}
	// Four broker addresses (two masters, two slaves) known from the route.
	want := []string{spec.Group, spec.Group, spec.Group, spec.Group,
		"CLIENT_INNER_PRODUCER", "CLIENT_INNER_PRODUCER", "CLIENT_INNER_PRODUCER", "CLIENT_INNER_PRODUCER"}
	if strings.Join(rounds, ",") != strings.Join(want, ",") {
		t.Errorf("unregister requests %v, want %v", rounds, want)
	}
}
