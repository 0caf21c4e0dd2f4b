package report

import (
	"fmt"
	"time"

	"rmqsim/scenarios"
)

// runScenario runs a scenario; tests replace it with a stand-in.
var runScenario = scenarios.Run

// sweepIndexes are the start indexes tried: one per write queue of the
// field experiment's topic (2 brokers × 16 queues).
const sweepIndexes = 32

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

// sweepStartIndex reruns the field experiment up to the end of E1 once
// per start index, with everything else as in base, and reads where E1's
// messages went. The numbers come from the model's own queue selection.
func sweepStartIndex(base *scenarios.Result) ([]placement, error) {
	if base.Spec == nil {
		return nil, fmt.Errorf("the %s result carries no scenario to rerun", base.Variant)
	}
	e1 := newEvidence(base).step("E1")
	if e1 == nil {
		return nil, fmt.Errorf("the %s run has no step E1", base.Variant)
	}
	short := *base.Spec
	short.Horizon = scenarios.Duration(time.Duration(e1.EndMs) * time.Millisecond)
	var out []placement
	for n := 0; n < sweepIndexes; n++ {
		res, err := runScenario(&short, scenarios.RunOptions{Seed: base.Seed,
			Overrides: []string{fmt.Sprintf("producer.sendWhichQueue=%d", n)}})
		if err != nil {
			return nil, fmt.Errorf("start index %d: %w", n, err)
		}
		out = append(out, readPlacement(n, newEvidence(res)))
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
