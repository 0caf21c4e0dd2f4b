package report

import (
	"rmqsim/explain"
	"rmqsim/scenarios"
)

// Run is what the report keeps of one simulated run: the summary, the
// observation cells, the facts its sections need and the data of its
// plot, all read from the run's history once by NewRun. The history
// itself (tens of megabytes for 10,000 messages) is not kept, so a sweep
// over many seeds holds only these digests.
type Run struct {
	Variant string
	Seed    uint64
	// Description is the scenario's description of the variant.
	Description string
	// CountsFrom is "logs" or "dashboard" (scenarios.Result.CountsFrom).
	CountsFrom string
	TraceHash  string
	Events     int64
	SimTimeMs  int64
	Outcome    string
	Messages   scenarios.Messages
	Fates      map[string]int
	Steps      []scenarios.StepResult

	// cells are the run's reading of each observation, in the order of
	// observations.
	cells []cell
	// programs are the client programs' runs (producer and consumer
	// incarnations), in start order.
	programs []program
	// outage is the first span with every nameserver down; during and
	// after count the traffic in it and after it.
	outage        window
	during, after traffic
	// outageText tells the outage and its traffic in a sentence.
	outageText string
	// firstUncached is the reason of the first send() failure in the
	// outage for want of a route ("" if none).
	firstUncached string
	// ownsNoQueues counts messages waiting for a consumer that owned no
	// queues (explain code consumer-owns-no-queues).
	ownsNoQueues int
	// consoleBlank: every console view during the outage was blank.
	consoleBlank bool
	// e2 is what conclusion 1 reads from step E2.
	e2 e2Facts
	// e3 is what the "only 367 sent" section reads from step E3.
	e3 e3Facts
	// topLostCause is the most frequent cause of acknowledged messages
	// not consumed, with its count.
	topLostCause string
	// causes are the explanation's grouped causes except consumed once;
	// examples the causal chains of the first few.
	causes   []explain.CauseCount
	examples []example
	// timeline is the data of the run's plot.
	timeline *Timeline
	// spec is the scenario as run (for the start-index sweep); nil for
	// hand-made results.
	spec *scenarios.Scenario
}

// example is one message's fate and causal chain.
type example struct {
	key, fate, code, reason string
	chain                   []string
}

// e2Facts: whether step E2 (one nameserver down) went unaffected, where
// its producer got its route, and if not, why.
type e2Facts struct {
	ok         bool // the run has step E2
	unaffected bool
	messages   scenarios.Messages
	// routeSource says where E2's producer got its route (unaffected runs);
	// failure explains an affected E2.
	routeSource, failure string
}

// maxExamples is how many example chains a run keeps (the report shows
// at most maxShown of them per class).
const maxExamples = 4

// NewRun reads everything the report needs from one run. It only reads
// res, so runs may be digested concurrently.
func NewRun(res *scenarios.Result) *Run {
	ev := newEvidence(res)
	r := &Run{Variant: res.Variant, Seed: res.Seed, Description: variantDescription(res), CountsFrom: res.CountsFrom,
		TraceHash: res.TraceHash, Events: res.Events, SimTimeMs: res.SimTimeMs, Outcome: res.Outcome,
		Messages: res.Messages, Fates: ev.exp.FateCounts, Steps: res.Steps, spec: res.Spec,
		outage: ev.outage, during: ev.during, after: ev.after, timeline: ev.timeline}
	if r.CountsFrom == "" {
		r.CountsFrom = "logs"
	}
	for _, o := range observations {
		r.cells = append(r.cells, o.read(ev))
	}
	r.programs = ev.programs()
	r.outageText = outageSummary(ev)
	if m := ev.exp.Message(ev.during.firstFailed); m != nil && ev.during.failedUncached > 0 {
		r.firstUncached = "`" + m.Key + "`: " + m.Reason
	}
	r.ownsNoQueues = ev.messagesWithCode("consumer-owns-no-queues")
	r.consoleBlank = consoleBlankDuringOutage(ev)
	r.e2 = readE2Facts(ev)
	r.e3 = readE3Facts(ev, r.programs)
	r.topLostCause = topLostCause(ev)
	r.causes, r.examples = causesOf(ev)
	return r
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

// readE2Facts reads step E2 for conclusion 1.
func readE2Facts(ev *evidence) e2Facts {
	s := ev.step("E2")
	if s == nil {
		return e2Facts{}
	}
	f := e2Facts{ok: true, unaffected: e2Unaffected(ev), messages: s.Messages}
	if f.unaffected {
		f.routeSource = routeSource(ev, "E2")
	} else {
		f.failure = oneDownFailure(ev)
	}
	return f
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
			examples = append(examples, example{key: m.Key, fate: string(m.Fate), code: m.Code, reason: m.Reason,
				chain: m.Chain.Lines()})
		}
	}
	return causes, examples
}

// cell is the run's reading of observation i.
func (r *Run) cell(i int) cell { return r.cells[i] }

// program is the run of the named program in the given step, or nil.
func (r *Run) programIn(step string, producer bool) *program {
	for i := range r.programs {
		if p := &r.programs[i]; p.step == step && p.producer == producer {
			return p
		}
	}
	return nil
}
