package scenarios

import (
	"time"

	"rmqsim/history"
	"rmqsim/model"
	"rmqsim/sim"
)

// timeline drives one run: it resolves every When against its anchor
// (the run's start, a step's start, a program's exit) and schedules the
// programs' starts and stops, the steps and the faults on virtual time.
// Everything happens inside sim events, in an order fixed by the file, so
// the run stays deterministic.
type timeline struct {
	w   *sim.World
	env *model.Env
	s   *Scenario
	// anchors by key: "" (run start), "step:<name>", "exit:<program>".
	anchors map[string]*anchor
	// programOf maps a program's process name ("host/name") to its name.
	programOf map[string]string
	spans     []stepSpan
	// intended marks the producers whose Intend records are written.
	intended map[string]bool
	// healAt is when judge.healAt came (0 if it did not).
	healAt time.Duration
}

// anchor is a moment that Whens refer to; it happens at most once.
type anchor struct {
	fired   bool
	at      sim.Time
	waiting []func(sim.Time)
}

// stepSpan is a step as the run went.
type stepSpan struct {
	name           string
	started, ended bool
	start, end     sim.Time
	fileIndex      int
}

func newTimeline(w *sim.World, env *model.Env, s *Scenario) *timeline {
	t := &timeline{w: w, env: env, s: s, anchors: map[string]*anchor{},
		programOf: map[string]string{}, intended: map[string]bool{}}
	for _, p := range s.Programs.programs() {
		t.programOf[p.host+"/"+p.name] = p.name
	}
	for i, st := range s.Steps {
		t.spans = append(t.spans, stepSpan{name: st.Name, fileIndex: i})
	}
	return t
}

func (t *timeline) anchor(key string) *anchor {
	a := t.anchors[key]
	if a == nil {
		a = &anchor{}
		t.anchors[key] = a
	}
	return a
}

// fire makes the anchor happen now (once) and runs what waited for it.
func (t *timeline) fire(key string) {
	a := t.anchor(key)
	if a.fired {
		return
	}
	a.fired, a.at = true, t.w.Now()
	waiting := a.waiting
	a.waiting = nil
	for _, fn := range waiting {
		fn(a.at)
	}
}

func anchorKey(w *When) string {
	switch {
	case w.Anchor == "":
		return ""
	case w.Exit:
		return "exit:" + w.Anchor
	}
	return "step:" + w.Anchor
}

// resolve calls fn with the moment w stands for, once its anchor happens
// (at once if it has).
func (t *timeline) resolve(w *When, fn func(at sim.Time)) {
	if w == nil {
		return
	}
	a := t.anchor(anchorKey(w))
	call := func(at sim.Time) { fn(at.Add(w.Offset)) }
	if a.fired {
		call(a.at)
		return
	}
	a.waiting = append(a.waiting, call)
}

// at schedules fn at the moment w stands for.
func (t *timeline) at(w *When, fn func()) {
	t.resolve(w, func(at sim.Time) { t.w.At(at, fn) })
}

// schedule puts the whole scenario on the timeline. The nameservers and
// brokers start at independent times in [0, net.startSpread), drawn from
// the "phases" stream (facts §10.4: registration phases vary).
func (t *timeline) schedule() {
	t.env.Rec.Watch(t.watch)
	t.anchor("").fired = true
	t.startServers()
	for i := range t.s.Programs.Producers {
		p := &t.s.Programs.Producers[i]
		t.resolve(p.Start, func(at sim.Time) {
			t.intend(p, at)
			t.w.At(at, func() { t.startService(p.Host, p.Name) })
		})
	}
	for _, p := range t.s.Programs.programs() {
		if p.life.Start != nil && !t.isProducer(p.name) {
			t.at(p.life.Start, func() { t.startService(p.host, p.name) })
		}
		t.at(p.life.Stop, func() { t.w.Host(p.host).Stop(p.name, t.env.Cfg.Net.ShutdownGrace) })
		t.at(p.life.Kill, func() { t.w.Host(p.host).Kill(p.name) })
	}
	for i := range t.s.Steps {
		st, span := &t.s.Steps[i], &t.spans[i]
		t.at(st.At, func() { t.startStep(span) })
		t.at(st.End, func() { t.endStep(span) })
	}
	for i := range t.s.Faults {
		f := &t.s.Faults[i]
		t.at(f.At, func() { t.apply(f) })
	}
	for i := range t.s.Programs.Dashboards {
		d := &t.s.Programs.Dashboards[i]
		for j := range d.Visits {
			t.visit(d.Name, &d.Visits[j])
		}
	}
	t.at(t.s.Judge.HealAt, func() { t.healAt = t.w.Now().Duration() })
}

// visit schedules a person's visit to a console page once its moment and
// its window's bounds are known; a console that is not running then sees
// nothing (the browser cannot reach it).
func (t *timeline) visit(console string, v *Visit) {
	mv := model.ConsoleVisit{View: v.View, Topic: v.Topic, AutoRefresh: v.AutoRefresh, Window: v.Begin != nil}
	t.resolve(v.Begin, func(at sim.Time) { mv.Begin = at })
	t.resolve(v.End, func(at sim.Time) { mv.End = at })
	t.resolve(v.At, func(at sim.Time) {
		t.w.At(max(at, t.w.Now()), func() {
			if c := t.env.Consoles[console]; c != nil && c.Alive() {
				c.Visit(mv)
			}
		})
	})
}

func (t *timeline) isProducer(name string) bool {
	for _, p := range t.s.Programs.Producers {
		if p.Name == name {
			return true
		}
	}
	return false
}

func (t *timeline) startServers() {
	r := t.w.Rand("phases")
	spread := t.env.Cfg.Net.StartSpread
	start := func(host, svc string) {
		at := sim.Time(0)
		if spread > 0 {
			at = sim.Time(r.Int64N(int64(spread)))
		}
		t.w.At(at, func() { t.w.Host(host).Start(svc) })
	}
	for _, n := range t.s.Cluster.NameServers {
		start(n.Host, "namesrv")
	}
	for _, b := range t.s.Cluster.Brokers {
		start(b.Master.Host, "broker")
		if b.Slave != nil {
			start(b.Slave.Host, "broker")
		}
	}
}

// startService starts a service; a program's process, when it dies, is
// that program's exit.
func (t *timeline) startService(host, svc string) {
	p := t.w.Host(host).Start(svc)
	if name, ok := t.programOf[host+"/"+svc]; ok && p != nil {
		p.OnExit(func() { t.w.At(t.w.Now(), func() { t.fire("exit:" + name) }) })
	}
}

// watch turns a program's end, as recorded, into its exit anchor.
func (t *timeline) watch(r *history.Record) {
	if r.Kind != history.ProgramExit && r.Kind != history.ProcExit {
		return
	}
	name, ok := t.programOf[r.Proc]
	if !ok {
		return
	}
	t.w.At(t.w.Now(), func() { t.fire("exit:" + name) })
}

// intend records the messages producer p means to send, for a run of it
// starting at start.
func (t *timeline) intend(p *Producer, start sim.Time) {
	if t.intended[p.Name] {
		return
	}
	t.intended[p.Name] = true
	spec := p.ProducerSpec()
	// One proc string for all the records: built per record, each would
	// be a new string the history has to hash to find its id.
	proc := p.Host + "/" + p.Name
	for i := p.FirstIndex; i < p.FirstIndex+p.Count; i++ {
		t.env.Rec.Add(history.Record{Kind: history.Intend, Proc: proc,
			Key: spec.Body(i), Index: i, Topic: p.Topic, Group: p.Group, Start: start.Duration()})
	}
}

func (t *timeline) startStep(span *stepSpan) {
	if span.started {
		return
	}
	span.started, span.start = true, t.w.Now()
	t.env.Rec.Add(history.Record{Kind: history.Step, Detail: span.name})
	t.fire("step:" + span.name)
}

func (t *timeline) endStep(span *stepSpan) {
	if span.started && !span.ended {
		span.ended, span.end = true, t.w.Now()
	}
}

// finish closes the run: producers whose start never came still get their
// Intend records (Start 0), so their messages have a fate.
func (t *timeline) finish() {
	for i := range t.s.Programs.Producers {
		t.intend(&t.s.Programs.Producers[i], 0)
	}
}
