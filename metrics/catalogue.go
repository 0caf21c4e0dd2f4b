package metrics

import (
	"fmt"
	"regexp"
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
	// Detail metrics are computed only when named (an observation, a
	// claim, a sweep's metrics): they are many per run (a figure per
	// step, broker and queue) and most reports read none of them.
	Detail bool
}

// Catalogue is every metric, in the order reports list them: the
// metrics every run computes, then the detail metrics.
var Catalogue = append(standard, detailed()...)

var standard = []Def{
	{"runs.send_threw", Rate, "", Lower, "some producer program's send() threw an exception in the run (a SendReturn with an exception; a non-SEND_OK status is not a throw)", false},
	{"runs.never_sent", Rate, "", Lower, "at least one intended message was never passed to send() (its program ended or the horizon came first)", false},
	{"runs.lost_acked", Rate, "", Lower, "at least one message acknowledged with SEND_OK was never delivered to a judged consumer group by the end of the run", false},
	{"runs.duplicates", Rate, "", Lower, "at least one message was delivered more than once", false},
	{"messages.send_ok", Dist, "messages", Higher, "messages whose send() returned SEND_OK", false},
	{"messages.send_failed", Dist, "messages", Lower, "messages whose send() threw or returned a status other than SEND_OK", false},
	{"messages.never_sent", Dist, "messages", Lower, "intended messages never passed to send()", false},
	{"messages.lost_acked", Dist, "messages", Lower, "acknowledged messages never delivered by the end of the run", false},
	{"messages.duplicates", Dist, "messages", Lower, "deliveries beyond the first of a message", false},
	{"messages.consumed", Dist, "messages", Higher, "distinct messages delivered to a listener", false},
	{"send_latency.p50_ms", Dist, "ms", Lower, "the run's median send() latency: nearest-rank 50th percentile, over every send() that returned or threw, of the virtual time from the call to its return; undefined when no send() returned", false},
	{"send_latency.p99_ms", Dist, "ms", Lower, "as p50_ms, the nearest-rank 99th percentile", false},
	{"send_latency.max_ms", Dist, "ms", Lower, "as p50_ms, the longest send() of the run", false},
	{"stall.longest_ms", Dist, "ms", Lower, "the longest span in which a running producer program got no SEND_OK: over every producer program run, the largest gap between consecutive points of (its client's start, each SEND_OK it got, its end or the end of the run); undefined when no producer started", false},
	{"recovery.fault_to_send_ok_ms", Dist, "ms", Lower, "from the first injected fault to the first SEND_OK after it; undefined when there is no fault or no SEND_OK after it", false},
	{"recovery.heal_to_last_delivery_ms", Dist, "ms", Lower, "from the heal (judge.healAt, else the last fault) to the last delivery to a listener, 0 when the last delivery came before the heal; undefined when there is no fault or no delivery", false},
	{"steps.<step>.send_threw", Rate, "", Lower, "a send() threw within the step's window [start, end) (docs/scenarios.md, Steps)", false},
	{"steps.<step>.intended", Dist, "messages", Neither, "the step's intended counter: messages its producer programs meant to send (docs/scenarios.md, Steps)", false},
	{"steps.<step>.send_ok", Dist, "messages", Higher, "the step's send_ok counter (docs/scenarios.md, Steps)", false},
	{"steps.<step>.send_failed", Dist, "messages", Lower, "the step's send_failed counter: send() threw or returned a status other than SEND_OK", false},
	{"steps.<step>.never_sent", Dist, "messages", Lower, "the step's never_sent counter", false},
	{"steps.<step>.lost_acked", Dist, "messages", Lower, "the step's lost_acked counter", false},
	{"steps.<step>.duplicates", Dist, "messages", Lower, "the step's duplicates counter", false},
	{"steps.<step>.consumed", Dist, "messages", Higher, "the step's consumed_unique counter", false},
	{"steps.<step>.acked_in", Dist, "messages", Neither, "distinct messages whose send() returned SEND_OK within the step's window [start, end), whichever step they belong to; undefined when the step never started", false},
	{"steps.<step>.delivered_in", Dist, "messages", Neither, "distinct messages delivered to a listener within the step's window [start, end), whichever step they belong to; undefined when the step never started", false},
	{"programs.<program>.send_threw", Rate, "", Lower, "the producer program's send() threw at least once (any of its runs)", false},
	{"verdicts.<property>.fail", Rate, "", Lower, "the judges' verdict on the property was fail", false},
	{"verdicts.<property>.unknown", Rate, "", Lower, "the judges could not decide the property (a checker ran out of time or budget)", false},
}

// Lookup finds the definition of a metric name, matching templates: a
// "<step>", "<program>", "<property>", "<broker>" or "<queue>" part of a
// template stands for one name (not empty, no "/").
func Lookup(name string) (Def, bool) {
	i := Index(name)
	if i == len(Catalogue) {
		return Def{}, false
	}
	return Catalogue[i], true
}

// Match is Lookup with the names the template's parts stood for, by
// part ("step", "broker", …).
func Match(name string) (Def, map[string]string, bool) {
	for i, d := range Catalogue {
		if d.Name == name {
			return d, nil, true
		}
		re := patterns[i]
		if re == nil {
			continue
		}
		sub := re.FindStringSubmatch(name)
		if sub == nil {
			continue
		}
		parts := map[string]string{}
		for j, n := range re.SubexpNames() {
			if n != "" {
				parts[n] = sub[j]
			}
		}
		return d, parts, true
	}
	return Def{}, nil, false
}

// Index is the catalogue position of name's definition (len(Catalogue)
// when it has none): the order reports list metrics in.
func Index(name string) int {
	for i, d := range Catalogue {
		if d.Name == name || (patterns[i] != nil && patterns[i].MatchString(name)) {
			return i
		}
	}
	return len(Catalogue)
}

// patterns are the templates' regular expressions (nil for plain names).
var patterns = func() []*regexp.Regexp {
	out := make([]*regexp.Regexp, len(Catalogue))
	part := regexp.MustCompile(`<([a-z]+)>`)
	for i, d := range Catalogue {
		if !strings.Contains(d.Name, "<") {
			continue
		}
		var b strings.Builder
		b.WriteString("^")
		last := 0
		for _, loc := range part.FindAllStringSubmatchIndex(d.Name, -1) {
			b.WriteString(regexp.QuoteMeta(d.Name[last:loc[0]]))
			fmt.Fprintf(&b, "(?P<%s>[^/]+?)", d.Name[loc[2]:loc[3]])
			last = loc[1]
		}
		b.WriteString(regexp.QuoteMeta(d.Name[last:]) + "$")
		out[i] = regexp.MustCompile(b.String())
	}
	return out
}()

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
	b.WriteString("| metric | kind | unit | better | computed | definition |\n|---|---|---|---|---|---|\n")
	for _, d := range Catalogue {
		when := "every run"
		if d.Detail {
			when = "when named"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s |\n", d.Name, d.Kind, d.Unit, d.Better, when, d.Doc)
	}
	return b.String()
}
