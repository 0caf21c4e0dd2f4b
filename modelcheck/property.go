package modelcheck

import (
	"fmt"
	"slices"

	"rmqsim/check"
	"rmqsim/explain"
	"rmqsim/metrics"
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

func (s *Space) readProperties(ps *problems, ms []*mapping) {
	seen := map[string]bool{}
	for _, m := range ms {
		p := Property{Name: m.str("name", true), Says: m.str("says", false)}
		if seen[p.Name] {
			ps.add(m.lineOf("name"), m.field("name"), "property %q given twice", p.Name)
		}
		seen[p.Name] = true
		p.Verdict, p.Metric = m.str("verdict", false), m.str("metric", false)
		p.FailWhen = m.str("failWhen", false)
		switch {
		case (p.Verdict == "") == (p.Metric == ""):
			ps.add(m.line, m.path, "give exactly one of verdict (a judged property) and metric (package metrics)")
		case p.Verdict != "":
			if !slices.Contains(verdictNames, check.Property(p.Verdict)) {
				ps.add(m.lineOf("verdict"), m.field("verdict"), "unknown property %q (want one of %v)", p.Verdict, verdictNames)
			}
			if p.FailWhen != "" {
				ps.add(m.lineOf("failWhen"), m.field("failWhen"), "applies only to a metric (a verdict fails when it is fail)")
			}
			p.Causes = m.strs("causes")
			for i, c := range p.Causes {
				if !slices.Contains(causeNames, check.Cause(c)) {
					ps.add(m.lineOf("causes"), fmt.Sprintf("%s[%d]", m.field("causes"), i), "unknown cause %q (want one of %v)", c, causeNames)
				}
			}
		default:
			if m.get("causes") != nil {
				ps.add(m.lineOf("causes"), m.field("causes"), "applies only to a verdict")
			}
			def, ok := metrics.Lookup(p.Metric)
			if !ok {
				ps.add(m.lineOf("metric"), m.field("metric"), "unknown metric %q (want one of %s)", p.Metric, metrics.Names())
				break
			}
			pr, err := parsePredicate(p.FailWhen, def.Kind)
			if err != nil {
				ps.add(m.lineOf("failWhen"), m.field("failWhen"), "%v", err)
			}
			p.pred = pr
		}
		p.Expect = m.str("expect", false)
		if p.Expect == "" {
			p.Expect = Held
		}
		if p.Expect != Held && p.Expect != Fails && p.Expect != Unknown {
			ps.add(m.lineOf("expect"), m.field("expect"), "want held, fails or unknown, got %q", p.Expect)
		}
		p.Fates = m.strs("fates")
		for i, f := range p.Fates {
			if !slices.Contains(explain.Fates, explain.Fate(f)) {
				ps.add(m.lineOf("fates"), fmt.Sprintf("%s[%d]", m.field("fates"), i), "unknown fate %q (want one of %v)", f, explain.Fates)
			}
		}
		if p.Says == "" {
			p.Says = p.Name
		}
		m.done("name", "says", "verdict", "causes", "metric", "failWhen", "expect", "fates")
		s.Properties = append(s.Properties, p)
	}
}

// The claims a property ends with.
const (
	Held    = "held"
	Fails   = "fails"
	Unknown = "unknown"
)
