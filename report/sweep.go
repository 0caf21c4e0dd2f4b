package report

import (
	"fmt"
	"io"
	"sort"
	"time"

	"rmqsim/scenarios"
)

// runScenario runs a scenario; tests replace it with a stand-in.
var runScenario = scenarios.Run

// placement is where E1's acknowledged messages went for one start index
// of the producer's round robin (producer.sendWhichQueue).
type placement struct {
	start     int
	perBroker map[string]int
	first     string
	queueB13  int64
}

// split52 reports whether the placement is the report's console split.
func (p placement) split52() bool {
	return p.perBroker["broker-a"] == reportedE1ConsoleA && p.perBroker["broker-b"] == reportedE1ConsoleB
}

// sweepBase is the run the sweep repeats: the baseline's lowest seed, else
// the first variant's.
func sweepBase(vs []*variantRuns) *Run {
	for _, v := range vs {
		if v.name == "baseline" {
			return v.runs[0]
		}
	}
	return vs[0].runs[0]
}

// sweepSection computes the start-index sweep, or says why it could not.
func sweepSection(vs []*variantRuns) func(io.Writer) {
	base := sweepBase(vs)
	ps, err := sweepStartIndex(base)
	return func(w io.Writer) { writeSweep(w, base, ps, err) }
}

// publishList is the producer's publish list for the run's topic as 4.8
// builds it (facts §3.3): brokers by name, each with its write queues in
// order, as "broker qN".
func (r *Run) publishList() []string {
	if r.spec == nil {
		return nil
	}
	c := r.spec.Cluster.ClusterSpec()
	var out []string
	for _, t := range c.Topics {
		if t.Name != r.timeline.Topic {
			continue
		}
		brokers := append([]string(nil), t.BrokerNames...)
		if len(brokers) == 0 {
			for _, b := range c.Brokers {
				brokers = append(brokers, b.BrokerName)
			}
		}
		sort.Strings(brokers)
		for _, b := range brokers {
			for q := 0; q < t.Queues; q++ {
				out = append(out, fmt.Sprintf("%s q%d", b, q))
			}
		}
	}
	return out
}

// sweepStartIndex reruns the field experiment up to the end of E1 once
// per write queue of the topic, pinning the start index to it, with
// everything else as in base, and reads where E1's messages went. The
// numbers come from the model's own queue selection.
func sweepStartIndex(base *Run) ([]placement, error) {
	if base.spec == nil {
		return nil, fmt.Errorf("the %s run carries no scenario to rerun", base.Variant)
	}
	var e1 *scenarios.StepResult
	for i := range base.Steps {
		if s := &base.Steps[i]; s.Name == "E1" && s.Started {
			e1 = s
		}
	}
	if e1 == nil {
		return nil, fmt.Errorf("the %s run has no step E1", base.Variant)
	}
	n := len(base.publishList())
	if n == 0 {
		return nil, fmt.Errorf("the %s run's topic %q has no write queues", base.Variant, base.timeline.Topic)
	}
	short := *base.spec
	short.Horizon = scenarios.Duration(time.Duration(e1.EndMs) * time.Millisecond)
	var out []placement
	for i := 0; i < n; i++ {
		res, err := runScenario(&short, scenarios.RunOptions{Seed: base.Seed,
			Overrides: []string{fmt.Sprintf("producer.sendWhichQueue=%d", i)}})
		if err != nil {
			return nil, fmt.Errorf("start index %d: %w", i, err)
		}
		out = append(out, readPlacement(i, newEvidence(res)))
	}
	return out, nil
}

// readPlacement reads E1's acknowledged sends of one run.
func readPlacement(n int, ev *evidence) placement {
	p := placement{start: n, perBroker: map[string]int{}}
	acked := ev.e1Acked()
	for _, r := range acked {
		p.perBroker[r.Broker]++
		if r.Broker == "broker-b" && r.QueueID == 13 {
			p.queueB13++
		}
	}
	if len(acked) > 0 {
		p.first = fmt.Sprintf("%s q%d", acked[0].Broker, acked[0].QueueID)
	}
	return p
}

// writeSweep writes the start-index section.
func writeSweep(w io.Writer, base *Run, ps []placement, err error) {
	fmt.Fprintf(w, "## 7. Which round-robin start indexes give the console's 52/48\n\n")
	if err != nil {
		fmt.Fprintf(w, "Not computed: %s.\n\n", err)
		return
	}
	list := base.publishList()
	fmt.Fprintf(w, "The producer picks queues round robin over its publish list — brokers by name, each with its write "+
		"queues in order (§3.3) — from a start index drawn at random (§4.3). `producer.sendWhichQueue` pins that index: "+
		"the pinned value is the position the first selection returns. The `%s` run (seed %d) was repeated up to the "+
		"end of E1 once per position, 0 to %d, all else equal; the model's own queue selection placed E1's "+
		"acknowledged messages so:\n\n", base.Variant, base.Seed, len(list)-1)
	fmt.Fprintf(w, "| start index | publish list position | first queue | broker-a | broker-b | broker-b queue 13 | 52/48 |\n|---|---|---|---|---|---|---|\n")
	var split []int
	var off []string
	for _, p := range ps {
		yes := ""
		if p.split52() {
			yes = markYes
			split = append(split, p.start)
		}
		if p.first != list[p.start] {
			off = append(off, fmt.Sprintf("%d (%s)", p.start, p.first))
		}
		fmt.Fprintf(w, "| %d | %s | %s | %d | %d | %d | %s |\n", p.start, list[p.start], p.first, p.perBroker["broker-a"],
			p.perBroker["broker-b"], p.queueB13, yes)
	}
	if len(off) == 0 {
		fmt.Fprintf(w, "\nIn every run the first acknowledged message went to the pinned position of the publish list")
		if reportedE1Queue < len(list) {
			fmt.Fprintf(w, ", so pin %d gives %s, the field report's first result", reportedE1Queue, list[reportedE1Queue])
		}
		fmt.Fprintf(w, ".")
	} else {
		fmt.Fprintf(w, "\nRuns whose first acknowledged message did not go to the pinned position: %s.", joinAnd(off))
	}
	fmt.Fprintf(w, " Start indexes giving broker-a %d / broker-b %d: %s (%d of %d).\n\n",
		reportedE1ConsoleA, reportedE1ConsoleB, ranges(split), len(split), len(ps))
}

// ranges writes sorted integers as "0–12, 20".
func ranges(xs []int) string {
	out := ""
	for i := 0; i < len(xs); {
		j := i
		for j+1 < len(xs) && xs[j+1] == xs[j]+1 {
			j++
		}
		if out != "" {
			out += ", "
		}
		if j > i {
			out += fmt.Sprintf("%d–%d", xs[i], xs[j])
		} else {
			out += itoa(xs[i])
		}
		i = j + 1
	}
	if out == "" {
		return "none"
	}
	return out
}
