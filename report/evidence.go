package report

import (
	"time"

	"rmqsim/explain"
	"rmqsim/history"
	"rmqsim/scenarios"
)

// evidence is what the report reads from one run: its steps, its
// explanation, the nodes' availability and its plot's data, computed
// once from the history.
type evidence struct {
	res   *scenarios.Result
	h     *history.History
	exp   *explain.Explanation
	steps map[string]*scenarios.StepResult
	nodes []explain.NodeTimeline
	// timeline is the data of the run's plot.
	timeline *Timeline
}

// window is a span of virtual time [from, to).
type window struct {
	from, to time.Duration
	ok       bool
}

func (w window) contains(at time.Duration) bool { return w.ok && at >= w.from && at < w.to }

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
	return ev
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
