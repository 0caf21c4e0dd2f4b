package scenarios

import (
	"fmt"
	"maps"
	"time"

	"rmqsim/check"
	"rmqsim/explain"
	"rmqsim/history"
	"rmqsim/par"
)

// tolerancePresets are the tolerances a scenario can name in
// judge.tolerate.
var tolerancePresets = map[string]func() check.Tolerance{
	"at-least-once": check.AtLeastOnce, "async-flush": check.AsyncFlush, "async-master": check.AsyncMaster,
}

// properties are the property names expectations may use (package check).
var properties = []string{
	string(check.NoAckedLost), string(check.NoPhantom), string(check.NoDuplicates), string(check.QueueOrder),
	string(check.Liveness), string(check.LinearQueues), string(check.LinearOffsets),
}

// defaultLinearTimeout bounds porcupine's search when judge.linearTimeout
// is absent.
const defaultLinearTimeout = 10 * time.Second

// judge fills the Result's judged parts from its history: the verdicts
// and message counters (package check), the fates and causes (package
// explain), the stored ground truth and the expectations. healAt is when
// the scenario's judge.healAt came (0: not declared or never came).
func judge(res *Result, facts *historyFacts, healAt time.Duration, visualize string) error {
	h := res.History
	// First, so that facts (a map entry or three per message) is garbage
	// before the judges build their own.
	res.StoredByBroker = storedByBroker(h, facts)
	end := time.Duration(res.SimTimeMs) * time.Millisecond
	cfg := res.Spec.checkConfig(healAt, end)
	cfg.Linear.VisualizePath = visualize
	cfg.Between = func() { between(h) }
	between(h)
	// check and explain only read h, so they run at once (package par):
	// explain beside the delivery judge and then linearizability, which
	// run in turn with a collection between them. Running all three at
	// once was no faster at 1,000,000 messages and took max RSS from 1.5
	// to 2.1 GB (docs/performance.md, seventh round).
	var rep check.Report
	var err error
	var ex *explain.Explanation
	par.Do(func() { rep, err = check.Judge(h, cfg) },
		func() { ex = explain.Explain(h, explain.Options{Cluster: res.Cluster, Horizon: end}) })
	if err != nil && visualize != "" && len(rep.Properties) > 0 {
		// The report is complete; only the HTML could not be written.
		return fmt.Errorf("writing the linearizability visualisation: %w", err)
	}
	if err != nil {
		// The configuration was validated at load time, so this is a
		// history the recorder should never write.
		panic(fmt.Sprintf("scenarios: judging %s/%s seed %d: %v", res.Scenario, res.Variant, res.Seed, err))
	}
	res.Judgement = &rep
	c := rep.Counts
	res.Messages = Messages{Intended: c.Intended, SendOK: c.SendOK, SendFailed: c.SendFailed,
		NeverSent: c.NeverSent, Stored: c.Stored, ConsumedUnique: c.ConsumedUnique,
		Duplicates: c.Duplicates, LostAcked: c.LostAcked}
	res.Verdicts = map[string]string{}
	for _, p := range rep.Properties {
		res.Verdicts[string(p.Property)] = string(p.Verdict)
	}
	res.Explanation = ex
	res.Fates = maps.Clone(ex.FateCounts)
	res.Expectations = expectations(res.Spec.Expect, res.Verdicts)
	return nil
}

// checkConfig is the judges' configuration from the scenario's judge
// section.
func (s *Scenario) checkConfig(healAt, horizon time.Duration) check.Config {
	j := &s.Judge
	cfg := check.Config{
		Delivery: check.DeliveryOptions{Groups: j.Groups, OrderlyGroups: j.OrderlyGroups,
			LivenessBound: j.LivenessBound.D(), HealAt: healAt, Horizon: horizon},
		Linear: check.LinearOptions{Timeout: durationOr(j.LinearTimeout, defaultLinearTimeout)},
	}
	for _, name := range j.Tolerate {
		cfg.Tolerance = append(cfg.Tolerance, tolerancePresets[name]()...)
	}
	for _, t := range j.Tolerance {
		cfg.Tolerance = append(cfg.Tolerance, t.check())
	}
	return cfg
}

func (t Tolerated) check() check.Tolerated {
	return check.Tolerated{Cause: check.Cause(t.Cause), Property: check.Property(t.Property), Why: t.Why}
}

// storedByBroker counts, per brokerName, the distinct messages its master
// stored (whatever happened to them afterwards).
func storedByBroker(h *history.History, f *historyFacts) map[string]int {
	out := map[string]int{}
	// Each broker's keys seen, by key id (a run has a broker or a few).
	seen := map[string][]bool{}
	for _, rec := range h.AllOf(history.Stored) {
		r := &rec
		if r.Kind != history.Stored || !f.isMasterCopy(r) {
			continue
		}
		s := seen[r.Broker]
		if s == nil {
			s = make([]bool, h.Strings())
			seen[r.Broker] = s
		}
		if !s[r.KeyRef] {
			s[r.KeyRef] = true
			out[r.Broker]++
		}
	}
	return out
}

// expectations compares each expected verdict with the run's.
func expectations(want Expectations, got map[string]string) []ExpectationResult {
	out := make([]ExpectationResult, 0, len(want))
	for _, e := range want {
		g, ok := got[e.Property]
		if !ok {
			g = "unknown"
		}
		out = append(out, ExpectationResult{Property: e.Property, Want: e.Want, Got: g, Held: g == e.Want})
	}
	return out
}
