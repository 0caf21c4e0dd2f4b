package cluster

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"rmqsim/history"
	"rmqsim/model"
	"rmqsim/model/client"
	"rmqsim/sim"
)

// tr is one conformance run: the field experiment's cluster (unless
// changed), started at 0; brokers serve from 1 s and register at once.
type tr struct {
	t   *testing.T
	w   *sim.World
	h   *history.History
	env *model.Env
	c   *Cluster
}

// newRun builds and starts a cluster. mutate may change the config and
// the cluster spec before Build.
func newRun(t *testing.T, progs Programs, mutate func(*model.Config, *model.ClusterSpec)) *tr {
	t.Helper()
	cfg := model.DefaultConfig()
	cs := FieldExperimentCluster()
	if mutate != nil {
		mutate(&cfg, &cs)
	}
	w := sim.NewWorld(sim.Config{Seed: 42, Horizon: 6 * time.Hour})
	h := &history.History{}
	env := &model.Env{Cfg: &cfg, Rec: model.NewRecorder(w, h), Cluster: &cs}
	c, err := Build(w, env, progs)
	if err != nil {
		t.Fatal(err)
	}
	c.StartAll()
	return &tr{t: t, w: w, h: h, env: env, c: c}
}

func (r *tr) at(d time.Duration, fn func()) { r.w.At(sim.Time(d), fn) }

func (r *tr) runTo(d time.Duration) { r.w.RunUntil(sim.Time(d)) }

// now is the virtual time as a duration.
func (r *tr) now() time.Duration { return r.w.Now().Duration() }

// recs returns the records of kind k whose Proc ends with "/"+proc
// (every proc if proc is "").
func (r *tr) recs(k history.Kind, proc string) []history.Record {
	var out []history.Record
	for _, rec := range r.h.All() {
		if rec.Kind == k && (proc == "" || strings.HasSuffix(rec.Proc, "/"+proc)) {
			out = append(out, rec)
		}
	}
	return out
}

// between keeps the records with from ≤ At < to.
func between(rs []history.Record, from, to time.Duration) []history.Record {
	var out []history.Record
	for _, r := range rs {
		if r.At >= from && r.At < to {
			out = append(out, r)
		}
	}
	return out
}

// service registers and starts a test process on the client host.
func (r *tr) service(name string, at time.Duration, run func(p *sim.Process)) {
	h := r.w.Host(FieldClient)
	h.AddService(name, r.c.boot(run))
	h.SetManual(name)
	r.c.programHost[name] = FieldClient
	r.at(at, func() { h.Start(name) })
}

// sender is a raw producer in a test process: send(i) sends message i
// and stores what send() returned.
type sender struct {
	p    *client.Producer
	mode client.Mode
	res  map[int]sendRes
}

type sendRes struct {
	r  *client.SendResult
	ex *client.Exception
	at time.Duration
}

// producer starts a raw producer process at time at.
func (r *tr) producer(name string, at time.Duration, mode client.Mode) *sender {
	s := &sender{mode: mode, res: map[int]sendRes{}}
	r.service(name, at, func(p *sim.Process) {
		s.p = client.NewProducer(client.NewInstance(p, r.env), FieldGroup)
		s.p.Start(func() {})
	})
	return s
}

// sendAt sends message i ("NameServer Test<i>") at time d.
func (r *tr) sendAt(s *sender, d time.Duration, i int) {
	r.at(d, func() {
		msg := model.Message{Topic: FieldTopic, Tags: "TagA", Body: "NameServer Test" + strconv.Itoa(i)}
		s.p.Send(msg, s.mode, i, func(res *client.SendResult, ex *client.Exception) {
			s.res[i] = sendRes{res, ex, r.now()}
		})
	})
}

// consumerProgram adds the field consumer program and starts it at at.
func (r *tr) startConsumerAt(name string, at time.Duration) {
	r.at(at, func() { r.c.StartProgram(name) })
}

// allNS applies fn to every nameserver host.
func (r *tr) allNS(fn func(host string)) {
	for _, n := range r.env.Cluster.NameServers {
		fn(n.Host)
	}
}

// delivered counts Deliver records per key for a program.
func (r *tr) delivered(proc string) map[string]int {
	out := map[string]int{}
	for _, rec := range r.recs(history.Deliver, proc) {
		out[rec.Key]++
	}
	return out
}

// sendOK counts SEND_OK returns of a program or raw producer.
func (r *tr) sendOK(proc string) int {
	n := 0
	for _, rec := range r.recs(history.SendReturn, proc) {
		if rec.Status == client.StatusSendOK {
			n++
		}
	}
	return n
}

// near reports whether got is within [want, want+slack].
func near(got, want, slack time.Duration) bool { return got >= want && got <= want+slack }
