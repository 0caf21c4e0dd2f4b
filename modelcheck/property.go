package modelcheck

import (
	"fmt"
	"slices"

	"rmqsim/check"
	"rmqsim/explain"
	"rmqsim/metrics"
	"rmqsim/yamlwalk"
)

// Property is one property judged on every schedule: the judges'
// Verdict, or a Metric with a FailWhen predicate. It fails on a schedule
// when the verdict is fail or the predicate holds.
type Property struct {
	Name     string   `json:"name"`
	Says     string   `json:"says"`
	Verdict  string   `json:"verdict,omitempty"`
	Causes   []string `json:"causes,omitempty"`
	Metric   string   `json:"metric,omitempty"`
	FailWhen string   `json:"fail_when,omitempty"`
	Expect   string   `json:"expect"`
	Fates    []string `json:"fates,omitempty"`
	pred     predicate
}

var verdictNames = []check.Property{check.NoAckedLost, check.NoPhantom, check.NoDuplicates, check.QueueOrder,
	check.Liveness, check.LinearQueues, check.LinearOffsets}

// causeNames are the judges' causes a verdict property may be narrowed to.
var causeNames = []check.Cause{check.CauseUnflushedLost, check.CauseStoreLost, check.CauseNeverStored,
	check.CauseOffsetSkipped, check.CauseQueueUnowned, check.CauseFaultActive, check.CauseNotConsumed, check.CauseLate,
	check.CauseProducerRetry, check.CauseReconsumeLater, check.CauseConsumerRestart, check.CauseBrokerRestart,
	check.CauseRebalance, check.CausePhantom, check.CauseReorder, check.CauseSlaveRead, check.CauseUnknown}

func (s *Space) readProperties(ps *yamlwalk.Problems, ms []*yamlwalk.Mapping) {
	seen := map[string]bool{}
	for _, m := range ms {
		p := Property{Name: m.Str("name", true), Says: m.Str("says", false)}
		if seen[p.Name] {
			ps.Add(m.LineOf("name"), m.Field("name"), "property %q given twice", p.Name)
		}
		seen[p.Name] = true
		p.Verdict, p.Metric = m.Str("verdict", false), m.Str("metric", false)
		p.FailWhen = m.Str("failWhen", false)
		switch {
		case (p.Verdict == "") == (p.Metric == ""):
			ps.Add(m.Line(), m.Path(), "give exactly one of verdict (a judged property) and metric (package metrics)")
		case p.Verdict != "":
			if !slices.Contains(verdictNames, check.Property(p.Verdict)) {
				ps.Add(m.LineOf("verdict"), m.Field("verdict"), "unknown property %q (want one of %v)", p.Verdict, verdictNames)
			}
			if p.FailWhen != "" {
				ps.Add(m.LineOf("failWhen"), m.Field("failWhen"), "applies only to a metric (a verdict fails when it is fail)")
			}
			p.Causes = m.Strs("causes")
			for i, c := range p.Causes {
				if !slices.Contains(causeNames, check.Cause(c)) {
					ps.Add(m.LineOf("causes"), fmt.Sprintf("%s[%d]", m.Field("causes"), i), "unknown cause %q (want one of %v)", c, causeNames)
				}
			}
		default:
			if m.Get("causes") != nil {
				ps.Add(m.LineOf("causes"), m.Field("causes"), "applies only to a verdict")
			}
			def, ok := metrics.Lookup(p.Metric)
			if !ok {
				ps.Add(m.LineOf("metric"), m.Field("metric"), "unknown metric %q (want one of %s)", p.Metric, metrics.Names())
				break
			}
			pr, err := parsePredicate(p.FailWhen, def.Kind)
			if err != nil {
				ps.Add(m.LineOf("failWhen"), m.Field("failWhen"), "%v", err)
			}
			p.pred = pr
		}
		p.Expect = m.Str("expect", false)
		if p.Expect == "" {
			p.Expect = Held
		}
		if p.Expect != Held && p.Expect != Fails && p.Expect != Unknown {
			ps.Add(m.LineOf("expect"), m.Field("expect"), "want held, fails or unknown, got %q", p.Expect)
		}
		p.Fates = m.Strs("fates")
		for i, f := range p.Fates {
			if !slices.Contains(explain.Fates, explain.Fate(f)) {
				ps.Add(m.LineOf("fates"), fmt.Sprintf("%s[%d]", m.Field("fates"), i), "unknown fate %q (want one of %v)", f, explain.Fates)
			}
		}
		if p.Says == "" {
			p.Says = p.Name
		}
		m.Done("name", "says", "verdict", "causes", "metric", "failWhen", "expect", "fates")
		s.Properties = append(s.Properties, p)
	}
}

// The claims a property ends with.
const (
	Held    = "held"
	Fails   = "fails"
	Unknown = "unknown"
)
