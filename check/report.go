package check

import (
	"fmt"
	"slices"
	"strings"

	"rmqsim/history"
)

// Counts are the message tallies of a run. A message is a key.
type Counts struct {
	// ConsumedUnique: keys sent or stored and delivered to some group
	// at least once (phantoms are not counted).
	ConsumedUnique int `json:"consumed_unique"`
	// Duplicates: deliveries beyond the first, over all (group, key).
	Duplicates int `json:"duplicates"`
	// Intended: keys an Intend or SendCall record names.
	Intended int `json:"intended"`
	// LostAcked: SEND_OK keys judged lost (failures and findings).
	LostAcked int `json:"lost_acked"`
	// NeverSent: intended keys whose send was never called.
	NeverSent int `json:"never_sent"`
	// PendingAcked: SEND_OK keys undelivered but not yet due.
	PendingAcked int `json:"pending_acked"`
	// SendFailed: sends that returned an exception.
	SendFailed int `json:"send_failed"`
	// SendNotOK: sends acknowledged with FLUSH_DISK_TIMEOUT,
	// FLUSH_SLAVE_TIMEOUT or SLAVE_NOT_AVAILABLE.
	SendNotOK int `json:"send_not_ok"`
	// SendOK: sends acknowledged SEND_OK.
	SendOK int `json:"send_ok"`
	// SendPending: sends called that never returned.
	SendPending int `json:"send_pending"`
	// Stored: keys some master recorded storing.
	Stored int `json:"stored"`
}

// PropertyResult is one property's verdict after tolerances: fail if any
// violation is outside the tolerance, else unknown if undecided, else
// pass.
type PropertyResult struct {
	Failures int      `json:"failures"`
	Findings int      `json:"findings"`
	Note     string   `json:"note,omitempty"`
	Property Property `json:"property"`
	Verdict  Verdict  `json:"verdict"`
}

// Report is the judges' whole answer for one history. It marshals to the
// same JSON bytes for the same history and Config (keys in sorted order,
// lists sorted, no maps), unless a porcupine timeout expired.
type Report struct {
	Counts     Counts            `json:"counts"`
	Duplicates []Duplicate       `json:"duplicates"`
	Findings   []Violation       `json:"findings"`
	Partitions []PartitionResult `json:"partitions"`
	Properties []PropertyResult  `json:"properties"`
	// Violations are the failures: outside the declared tolerance.
	Violations    []Violation `json:"violations"`
	Visualization string      `json:"visualization,omitempty"`
}

// Verdict returns the verdict on p (unknown if p was not judged).
func (r Report) Verdict(p Property) Verdict {
	for _, pr := range r.Properties {
		if pr.Property == p {
			return pr.Verdict
		}
	}
	return Unknown
}

// Config is what a scenario declares for judging its run.
type Config struct {
	Delivery  DeliveryOptions `json:"delivery" yaml:"delivery"`
	Linear    LinearOptions   `json:"linear" yaml:"linear"`
	Tolerance Tolerance       `json:"tolerance,omitempty" yaml:"tolerance,omitempty"`
	// Between, if set, is called after the delivery judge's pass, whose
	// ledger is garbage from then on, and before linearizability builds
	// its operations (scenarios collects garbage there after a long run).
	Between func() `json:"-" yaml:"-"`
}

// Judge runs every judge on h and sorts each violation into a failure or,
// when cfg.Tolerance covers its cause, a finding. An error means bad
// input; if only the visualisation could not be written, the report is
// complete and returned with the error.
func Judge(h *history.History, cfg Config) (Report, error) {
	if err := cfg.Tolerance.Validate(); err != nil {
		return Report{}, err
	}
	if err := validate(h); err != nil { // once, for both judges
		return Report{}, err
	}
	d := checkDelivery(h, cfg.Delivery)
	if cfg.Between != nil {
		cfg.Between()
	}
	lin, linErr := checkLinearizability(h, cfg.Linear)
	if linErr != nil && lin.Outcomes == nil {
		return Report{}, linErr
	}
	r := Report{Counts: d.Counts, Duplicates: d.Duplicates, Partitions: lin.Partitions,
		Visualization: lin.Visualization, Findings: []Violation{}, Violations: []Violation{}}
	for _, o := range append(d.Outcomes, lin.Outcomes...) {
		r.Properties = append(r.Properties, r.apply(o, cfg.Tolerance))
	}
	slices.SortFunc(r.Properties, func(a, b PropertyResult) int { return strings.Compare(string(a.Property), string(b.Property)) })
	slices.SortFunc(r.Findings, compareViolations)
	slices.SortFunc(r.Violations, compareViolations)
	return r, linErr
}

// apply files o's violations as findings or failures.
func (r *Report) apply(o Outcome, t Tolerance) PropertyResult {
	pr := PropertyResult{Property: o.Property, Note: o.Note}
	for _, v := range o.Violations {
		if e, ok := t.Match(v); ok {
			v.Tolerated = e.Why
			r.Findings = append(r.Findings, v)
			pr.Findings++
			continue
		}
		r.Violations = append(r.Violations, v)
		pr.Failures++
	}
	pr.Verdict = verdictOf(pr.Failures, o.Undecided)
	return pr
}

// Text renders the report one fact a line, for golden files and the CLI.
func (r Report) Text() string {
	var b strings.Builder
	b.WriteString("properties:\n")
	for _, p := range r.Properties {
		fmt.Fprintf(&b, "  %-21s %-7s failures=%d findings=%d", p.Property, p.Verdict, p.Failures, p.Findings)
		if p.Note != "" {
			fmt.Fprintf(&b, " (%s)", p.Note)
		}
		b.WriteString("\n")
	}
	for _, sec := range []struct {
		name string
		vs   []Violation
	}{{"violations", r.Violations}, {"findings", r.Findings}} {
		fmt.Fprintf(&b, "%s: %d\n", sec.name, len(sec.vs))
		for _, v := range sec.vs {
			fmt.Fprintf(&b, "  %s %s", v.Property, v.Cause)
			for _, f := range [][2]string{{"key", v.Key}, {"group", v.Group}, {"queue", v.Queue}} {
				if f[1] != "" {
					fmt.Fprintf(&b, " %s=%q", f[0], f[1])
				}
			}
			fmt.Fprintf(&b, " seqs=%v\n    %s\n", v.Seqs, v.Reason)
			if v.Tolerated != "" {
				fmt.Fprintf(&b, "    tolerated: %s\n", v.Tolerated)
			}
		}
	}
	fmt.Fprintf(&b, "duplicates: %d\n", len(r.Duplicates))
	for _, d := range r.Duplicates {
		fmt.Fprintf(&b, "  %q group=%s deliveries=%d causes=%v\n", d.Key, d.Group, d.Deliveries, d.Causes)
	}
	b.WriteString("partitions:\n")
	for _, p := range r.Partitions {
		fmt.Fprintf(&b, "  %-6s %s ops=%d %s\n", p.Kind, p.Name, p.Ops, p.Result)
	}
	c := r.Counts
	fmt.Fprintf(&b, "counts: intended=%d never_sent=%d send_ok=%d send_not_ok=%d send_failed=%d send_pending=%d stored=%d consumed_unique=%d duplicates=%d lost_acked=%d pending_acked=%d\n",
		c.Intended, c.NeverSent, c.SendOK, c.SendNotOK, c.SendFailed, c.SendPending, c.Stored,
		c.ConsumedUnique, c.Duplicates, c.LostAcked, c.PendingAcked)
	return b.String()
}
