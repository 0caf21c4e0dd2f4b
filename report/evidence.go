package report

import (
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"rmqsim/explain"
	"rmqsim/history"
	"rmqsim/scenarios"
)

// evidence is what the report reads from one variant's run: its steps,
// its explanation, and the facts every section needs, computed once from
// the history.
type evidence struct {
	res   *scenarios.Result
	h     *history.History
	exp   *explain.Explanation
	steps map[string]*scenarios.StepResult
	nodes []explain.NodeTimeline
	// timeline is the data of the variant's plot.
	timeline *Timeline
	// keyStep is the step each message belongs to: the one in which its
	// program's run was scheduled to start, else its first send().
	keyStep map[string]string
	// outage is when every nameserver was down (the first such span);
	// ok is false if that never happened.
	outage window
	// during and after count what happened in the outage and after it.
	during, after traffic
}

// window is a span of virtual time [from, to).
type window struct {
	from, to time.Duration
	ok       bool
}

func (w window) contains(at time.Duration) bool { return w.ok && at >= w.from && at < w.to }

// traffic counts sends and deliveries in a window.
type traffic struct {
	acked, failed, delivered int
	// failedUncached counts the failures of send() calls made without a
	// cached route (the explanation says "no route cached"); firstFailed
	// is the key of the first failure, "" if none.
	failedUncached int
	firstFailed    string
	// waiting counts messages acknowledged before the window ended that
	// no listener had got before it began: what a consumer had to
	// deliver inside the window.
	waiting int
}

// newEvidence gathers a result's evidence.
func newEvidence(res *scenarios.Result) *evidence {
	horizon := time.Duration(res.SimTimeMs) * time.Millisecond
	ev := &evidence{res: res, h: res.History, exp: res.Explanation, steps: map[string]*scenarios.StepResult{}}
	if ev.h == nil {
		ev.h = &history.History{}
	}
	if last, ok := ev.h.Last(); horizon == 0 && ok {
		horizon = last.At
	}
	if ev.exp == nil {
		ev.exp = explain.Explain(ev.h, explain.Options{Cluster: res.Cluster, Horizon: horizon})
	}
	for i := range res.Steps {
		ev.steps[res.Steps[i].Name] = &res.Steps[i]
	}
	ev.nodes = explain.Availability(ev.h, res.Cluster, horizon)
	ev.timeline = BuildTimeline(ev.h, res.Cluster, horizon)
	ev.keyStep = ev.stepsOfKeys()
	ev.outage = allDown(ev.nodes, horizon)
	ev.during = ev.count(ev.outage)
	if ev.outage.ok {
		ev.after = ev.count(window{from: ev.outage.to, to: horizon + 1, ok: true})
	}
	return ev
}

// allDown is the first span during which every nameserver was down.
func allDown(nodes []explain.NodeTimeline, horizon time.Duration) window {
	var ns []explain.NodeTimeline
	for _, n := range nodes {
		if n.Role == explain.RoleNameServer {
			ns = append(ns, n)
		}
	}
	if len(ns) == 0 {
		return window{}
	}
	// Candidate starts are outage starts; the first at which all are down wins.
	var starts []time.Duration
	for _, n := range ns {
		for _, o := range n.Outages {
			starts = append(starts, o.From)
		}
	}
	sort.Slice(starts, func(i, j int) bool { return starts[i] < starts[j] })
	for _, t := range starts {
		end, ok := horizon, true
		for _, n := range ns {
			o := outageAt(n, t)
			if o == nil {
				ok = false
				break
			}
			if o.To < end {
				end = o.To
			}
		}
		if ok {
			return window{from: t, to: end, ok: true}
		}
	}
	return window{}
}

// outageAt is the node's outage covering t, or nil.
func outageAt(n explain.NodeTimeline, t time.Duration) *explain.Outage {
	for i := range n.Outages {
		if o := &n.Outages[i]; o.From <= t && (t < o.To || o.Ongoing) {
			return o
		}
	}
	return nil
}

// count tallies sends and deliveries in w.
func (ev *evidence) count(w window) traffic {
	var t traffic
	acked, got := map[string]time.Duration{}, map[string]time.Duration{}
	for _, rec := range ev.h.All() {
		r := &rec
		ev.firstTimes(r, acked, got)
		if !w.contains(r.At) {
			continue
		}
		switch r.Kind {
		case history.SendReturn:
			if r.Status == "SEND_OK" {
				t.acked++
				continue
			}
			t.failed++
			if t.firstFailed == "" {
				t.firstFailed = r.Key
			}
			if m := ev.exp.Message(r.Key); m != nil && strings.Contains(m.Cause, "no route cached") {
				t.failedUncached++
			}
		case history.Deliver:
			t.delivered++
		}
	}
	for _, k := range slices.Sorted(maps.Keys(acked)) {
		if g, ok := got[k]; acked[k] < w.to && (!ok || g >= w.from) {
			t.waiting++
		}
	}
	return t
}

// firstTimes notes when each key was first acknowledged and delivered.
func (ev *evidence) firstTimes(r *history.Record, acked, got map[string]time.Duration) {
	switch {
	case r.Kind == history.SendReturn && r.Status == "SEND_OK":
		if _, ok := acked[r.Key]; !ok {
			acked[r.Key] = r.At
		}
	case r.Kind == history.Deliver:
		if _, ok := got[r.Key]; !ok {
			got[r.Key] = r.At
		}
	}
}

// step is the named step, or nil if the run has none or it never started.
func (ev *evidence) step(name string) *scenarios.StepResult {
	s := ev.steps[name]
	if s == nil || !s.Started {
		return nil
	}
	return s
}

// stepWindow is a step's span.
func (ev *evidence) stepWindow(name string) window {
	s := ev.step(name)
	if s == nil {
		return window{}
	}
	to := time.Duration(s.EndMs) * time.Millisecond
	if s.EndMs >= ev.res.SimTimeMs {
		to++ // the last step includes the run's last instant
	}
	return window{from: time.Duration(s.StartMs) * time.Millisecond, to: to, ok: true}
}

// sendsIn lists the SendReturn records in w, in order.
func (ev *evidence) sendsIn(w window) []*history.Record {
	var out []*history.Record
	for _, rec := range ev.h.AllOf(history.SendReturn) {
		if r := &rec; r.Kind == history.SendReturn && w.contains(r.At) {
			out = append(out, r)
		}
	}
	return out
}

// messagesWithCode counts the messages whose cause has code.
func (ev *evidence) messagesWithCode(code string) int {
	n := 0
	for _, c := range ev.exp.Causes {
		if c.Code == code {
			n += c.Count
		}
	}
	return n
}

// stepsOfKeys places every message in the step its program's run was
// scheduled in (Intend.Start), else the step of its first send().
func (ev *evidence) stepsOfKeys() map[string]string {
	at := map[string]time.Duration{}
	for _, rec := range ev.h.All() {
		r := &rec
		if _, ok := at[r.Key]; ok || r.Key == "" {
			continue
		}
		switch {
		case r.Kind == history.Intend && r.Start > 0:
			at[r.Key] = r.Start
		case r.Kind == history.SendCall:
			at[r.Key] = r.At
		}
	}
	out := make(map[string]string, len(at))
	for _, k := range slices.Sorted(maps.Keys(at)) {
		for _, s := range ev.res.Steps {
			if w := ev.stepWindow(s.Name); w.contains(at[k]) {
				out[k] = s.Name
			}
		}
	}
	return out
}

// messagesOf lists the explained messages belonging to step.
func (ev *evidence) messagesOf(step string) []*explain.MessageFate {
	var out []*explain.MessageFate
	for i := range ev.exp.Messages {
		if m := &ev.exp.Messages[i]; ev.keyStep[m.Key] == step {
			out = append(out, m)
		}
	}
	return out
}
