package report

import (
	"slices"
	"time"

	"rmqsim/explain"
	"rmqsim/history"
	"rmqsim/scenarios"
)

// Run is what the report keeps of one simulated run: the summary, the
// client programs' runs, the explanation's causes with a few example
// chains, and the data of its plot, all read from the run's history once
// by NewRun. The history itself (tens of megabytes for a run of many messages)
// is not kept, so a report over many seeds holds only these digests.
type Run struct {
	Variant string
	Seed    uint64
	// Description is the scenario's description of the variant.
	Description string
	TraceHash   string
	Events      int64
	SimTimeMs   int64
	Outcome     string
	Messages    scenarios.Messages
	Fates       map[string]int
	Steps       []scenarios.StepResult

	// programs are the client programs' runs (producer and consumer
	// incarnations), in start order.
	programs []program
	// causes are the explanation's grouped causes except consumed once;
	// examples the causal chains of the first few.
	causes   []explain.CauseCount
	examples []example
	// stepCauses are the causes (other than consumed once) of the
	// messages of each step: those whose first send() returned in the
	// step's window (as the step's send counters count them), else whose
	// first send() was called in it, else, never sent, whose program run
	// was scheduled in it.
	stepCauses map[string][]explain.CauseCount
	// timeline is the data of the run's plot.
	timeline *Timeline
}

// example is one message's fate and causal chain.
type example struct {
	key, fate, code, reason string
	chain                   []string
}

// maxExamples is how many example chains a run keeps.
const maxExamples = 4

// NewRun reads everything the report needs from one run. It only reads
// res, so runs may be digested concurrently.
func NewRun(res *scenarios.Result) *Run {
	ev := newEvidence(res)
	r := &Run{Variant: res.Variant, Seed: res.Seed, Description: variantDescription(res),
		TraceHash: res.TraceHash, Events: res.Events, SimTimeMs: res.SimTimeMs, Outcome: res.Outcome,
		Messages: res.Messages, Fates: ev.exp.FateCounts, Steps: res.Steps, timeline: ev.timeline}
	r.programs = ev.programs()
	r.causes, r.examples = causesOf(ev)
	r.stepCauses = stepCausesOf(ev)
	return r
}

// stepCausesOf groups the causes of each step's messages (not consumed
// once), most frequent first, ties in message order.
func stepCausesOf(ev *evidence) map[string][]explain.CauseCount {
	// rank orders the moments: a return beats a call beats a schedule.
	at, rank := map[string]time.Duration{}, map[string]int{}
	note := func(key string, t time.Duration, r int) {
		if old, ok := rank[key]; key == "" || (ok && old >= r) {
			return
		}
		at[key], rank[key] = t, r
	}
	for _, rec := range ev.h.AllOf(history.Intend, history.SendCall, history.SendReturn) {
		r := &rec
		switch {
		case r.Kind == history.Intend && r.Start > 0:
			note(r.Key, r.Start, 1)
		case r.Kind == history.SendCall:
			note(r.Key, r.At, 2)
		case r.Kind == history.SendReturn:
			note(r.Key, r.At, 3)
		}
	}
	out := map[string][]explain.CauseCount{}
	for i := range ev.exp.Len() {
		m := ev.exp.At(i)
		t, ok := at[m.Key]
		if !ok || m.Fate == explain.ConsumedOnce {
			continue
		}
		for _, s := range ev.res.Steps {
			if !ev.stepWindow(s.Name).contains(t) {
				continue
			}
			cs := out[s.Name]
			j := slices.IndexFunc(cs, func(c explain.CauseCount) bool { return c.Fate == m.Fate && c.Cause == m.Cause })
			if j < 0 {
				cs = append(cs, explain.CauseCount{Fate: m.Fate, Code: m.Code, Cause: m.Cause, Example: m.Key})
				j = len(cs) - 1
			}
			cs[j].Count++
			out[s.Name] = cs
		}
	}
	for _, cs := range out {
		slices.SortStableFunc(cs, func(a, b explain.CauseCount) int { return b.Count - a.Count })
	}
	return out
}

// variantDescription is the scenario's description of the run's variant.
func variantDescription(res *scenarios.Result) string {
	if res.Spec == nil {
		return ""
	}
	for _, v := range res.Spec.Variants {
		if v.Name == res.Variant {
			return joinFields(v.Description)
		}
	}
	return ""
}

// causesOf lists the causes other than consumed once and the chains of
// the first maxExamples of them.
func causesOf(ev *evidence) ([]explain.CauseCount, []example) {
	var causes []explain.CauseCount
	var examples []example
	for _, c := range ev.exp.Causes {
		if c.Fate == explain.ConsumedOnce {
			continue
		}
		causes = append(causes, c)
		if m := ev.exp.Message(c.Example); m != nil && len(examples) < maxExamples {
			examples = append(examples, example{key: m.Key, fate: string(m.Fate), code: m.Code, reason: m.Reason.String(),
				chain: m.Chain.Lines()})
		}
	}
	return causes, examples
}
