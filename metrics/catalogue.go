package metrics

import (
	"fmt"
	"strings"
)

// Kind says how a metric is summarised over runs.
type Kind string

const (
	// Rate: a yes/no per run, summarised as k of n with a Wilson interval.
	Rate Kind = "rate"
	// Dist: a number per run, summarised as a distribution.
	Dist Kind = "distribution"
)

// Better says which direction of a metric is an improvement, for the
// words a report writes ("lower"); Neither for counts that are neither.
type Better string

const (
	Lower   Better = "lower"
	Higher  Better = "higher"
	Neither Better = ""
)

// Def is one metric (or template) with its exact definition.
type Def struct {
	// Name is the metric's path; "<step>", "<program>" and "<property>"
	// stand for a step, program or property name.
	Name   string
	Kind   Kind
	Unit   string
	Better Better
	Doc    string
}

// Catalogue is every metric, in the order reports list them.
var Catalogue = []Def{
	{"runs.send_threw", Rate, "", Lower, "some producer program's send() threw an exception in the run (a SendReturn with an exception; a non-SEND_OK status is not a throw)"},
	{"runs.never_sent", Rate, "", Lower, "at least one intended message was never passed to send() (its program ended or the horizon came first)"},
	{"runs.lost_acked", Rate, "", Lower, "at least one message acknowledged with SEND_OK was never delivered to a judged consumer group by the end of the run"},
	{"runs.duplicates", Rate, "", Lower, "at least one message was delivered more than once"},
	{"messages.send_ok", Dist, "messages", Higher, "messages whose send() returned SEND_OK"},
	{"messages.send_failed", Dist, "messages", Lower, "messages whose send() threw or returned a status other than SEND_OK"},
	{"messages.never_sent", Dist, "messages", Lower, "intended messages never passed to send()"},
	{"messages.lost_acked", Dist, "messages", Lower, "acknowledged messages never delivered by the end of the run"},
	{"messages.duplicates", Dist, "messages", Lower, "deliveries beyond the first of a message"},
	{"messages.consumed", Dist, "messages", Higher, "distinct messages delivered to a listener"},
	{"send_latency.p50_ms", Dist, "ms", Lower, "the run's median send() latency: nearest-rank 50th percentile, over every send() that returned or threw, of the virtual time from the call to its return; undefined when no send() returned"},
	{"send_latency.p99_ms", Dist, "ms", Lower, "as p50_ms, the nearest-rank 99th percentile"},
	{"send_latency.max_ms", Dist, "ms", Lower, "as p50_ms, the longest send() of the run"},
	{"stall.longest_ms", Dist, "ms", Lower, "the longest span in which a running producer program got no SEND_OK: over every producer program run, the largest gap between consecutive points of (its client's start, each SEND_OK it got, its end or the end of the run); undefined when no producer started"},
	{"recovery.fault_to_send_ok_ms", Dist, "ms", Lower, "from the first injected fault to the first SEND_OK after it; undefined when there is no fault or no SEND_OK after it"},
	{"recovery.heal_to_last_delivery_ms", Dist, "ms", Lower, "from the heal (judge.healAt, else the last fault) to the last delivery to a listener, 0 when the last delivery came before the heal; undefined when there is no fault or no delivery"},
	{"steps.<step>.send_threw", Rate, "", Lower, "a send() threw within the step's window [start, end) (docs/scenarios.md, Steps)"},
	{"steps.<step>.intended", Dist, "messages", Neither, "the step's intended counter: messages its producer programs meant to send (docs/scenarios.md, Steps)"},
	{"steps.<step>.send_ok", Dist, "messages", Higher, "the step's send_ok counter (docs/scenarios.md, Steps)"},
	{"steps.<step>.send_failed", Dist, "messages", Lower, "the step's send_failed counter: send() threw or returned a status other than SEND_OK"},
	{"steps.<step>.never_sent", Dist, "messages", Lower, "the step's never_sent counter"},
	{"steps.<step>.lost_acked", Dist, "messages", Lower, "the step's lost_acked counter"},
	{"steps.<step>.duplicates", Dist, "messages", Lower, "the step's duplicates counter"},
	{"steps.<step>.consumed", Dist, "messages", Higher, "the step's consumed_unique counter"},
	{"steps.<step>.acked_in", Dist, "messages", Neither, "distinct messages whose send() returned SEND_OK within the step's window [start, end), whichever step they belong to; undefined when the step never started"},
	{"steps.<step>.delivered_in", Dist, "messages", Neither, "distinct messages delivered to a listener within the step's window [start, end), whichever step they belong to; undefined when the step never started"},
	{"programs.<program>.send_threw", Rate, "", Lower, "the producer program's send() threw at least once (any of its runs)"},
	{"verdicts.<property>.fail", Rate, "", Lower, "the judges' verdict on the property was fail"},
	{"verdicts.<property>.unknown", Rate, "", Lower, "the judges could not decide the property (a checker ran out of time or budget)"},
}

// Lookup finds the definition of a metric name, matching templates: the
// second part of a steps., programs. or verdicts. name is free.
func Lookup(name string) (Def, bool) {
	i := Index(name)
	if i == len(Catalogue) {
		return Def{}, false
	}
	return Catalogue[i], true
}

// Index is the catalogue position of name's definition (len(Catalogue)
// when it has none): the order reports list metrics in.
func Index(name string) int {
	for i, d := range Catalogue {
		if d.Name == name {
			return i
		}
		pre, rest, ok := strings.Cut(d.Name, ".<")
		if !ok {
			continue
		}
		_, suffix, _ := strings.Cut(rest, ">")
		if p, ok := strings.CutPrefix(name, pre+"."); ok {
			if mid, ok := strings.CutSuffix(p, suffix); ok && mid != "" && !strings.Contains(mid, "/") {
				return i
			}
		}
	}
	return len(Catalogue)
}

// Names lists the catalogue's names, for error messages.
func Names() string {
	var b []string
	for _, d := range Catalogue {
		b = append(b, d.Name)
	}
	return strings.Join(b, ", ")
}

// Markdown is docs/metrics.md's table body (the catalogue).
func Markdown() string {
	var b strings.Builder
	b.WriteString("| metric | kind | unit | better | definition |\n|---|---|---|---|---|\n")
	for _, d := range Catalogue {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", d.Name, d.Kind, d.Unit, d.Better, d.Doc)
	}
	return b.String()
}
