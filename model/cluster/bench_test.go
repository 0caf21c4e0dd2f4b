package cluster

import (
	"strconv"
	"testing"
	"time"

	"rmqsim/history"
	"rmqsim/model"
	"rmqsim/model/client"
	"rmqsim/sim"
)

// BenchmarkMessageLifecycle measures one message end to end on the field
// cluster (masters with slaves, one producer, one push consumer): send,
// store, replication to the slave, the held pull woken, consumption, and
// the offset commit riding on the next pull. Each iteration sends one
// message and runs 50 ms of virtual time (the whole lifecycle takes a few
// ms on the simulated LAN; the window also holds the background timers'
// share). It reports kernel events and heap bytes per message.
func BenchmarkMessageLifecycle(b *testing.B) {
	cfg := model.DefaultConfig()
	cfg.Consumer.ConsumeFromWhere = "CONSUME_FROM_FIRST_OFFSET"
	cs := FieldExperimentCluster()
	w := sim.NewWorld(sim.Config{Seed: 1, Horizon: 1000 * time.Hour, Budget: 1 << 62})
	h := &history.History{}
	env := &model.Env{Cfg: &cfg, Rec: model.NewRecorder(w, h), Cluster: &cs}
	c, err := Build(w, env, Programs{Consumers: []model.ConsumerProgramSpec{FieldConsumer("c")}})
	if err != nil {
		b.Fatal(err)
	}
	c.StartAll()
	var prod *client.Producer
	host := w.Host(FieldClient)
	host.AddService("p", c.boot(func(p *sim.Process) {
		prod = client.NewProducer(client.NewInstance(p, env), FieldGroup)
		prod.Start(func() {})
	}))
	w.At(sim.Time(5*time.Second), func() { host.Start("p"); c.StartProgram("c") })
	w.RunUntil(sim.Time(90 * time.Second))
	startEvents, startDeliver := w.Events(), count(h, history.Deliver)
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		msg := model.Message{Topic: FieldTopic, Tags: "TagA", Body: "bench" + strconv.Itoa(i)}
		prod.Send(msg, client.Sync, i, func(*client.SendResult, *client.Exception) {})
		w.RunUntil(w.Now().Add(50 * time.Millisecond))
		i++
	}
	if got := count(h, history.Deliver) - startDeliver; got != i {
		b.Fatalf("delivered %d of %d", got, i)
	}
	b.ReportMetric(float64(w.Events()-startEvents)/float64(i), "events/msg")
}

func count(h *history.History, k history.Kind) int {
	n := 0
	for _, r := range h.All() {
		if r.Kind == k {
			n++
		}
	}
	return n
}
