package report

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"rmqsim/explain"
	"rmqsim/scenarios"
)

// WriteFieldExperiment writes dir/field-experiment/REPORT.md and, per
// variant, dir/field-experiment/timeline-<variant>.png and .svg, from the
// field experiment's runs (one Result per variant, in the order given).
// Everything written is a function of the results: no wall-clock time, no
// map order, fixed number formats, so rerunning reproduces the Markdown
// and the SVGs byte for byte.
func WriteFieldExperiment(dir string, results []*scenarios.Result) error {
	if len(results) == 0 {
		return fmt.Errorf("report: no results")
	}
	out := filepath.Join(dir, "field-experiment")
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	evs := make([]*evidence, len(results))
	for i, r := range results {
		evs[i] = newEvidence(r)
	}
	for _, ev := range evs {
		if err := writePlots(out, ev); err != nil {
			return err
		}
	}
	var b bytes.Buffer
	writeReport(&b, evs, sweepSection(results))
	return os.WriteFile(filepath.Join(out, "REPORT.md"), b.Bytes(), 0o644)
}

// plotName is the base name of a variant's timeline files.
func plotName(variant string) string {
	if variant == "" {
		variant = "base"
	}
	return "timeline-" + variant
}

func writePlots(dir string, ev *evidence) error {
	title := "field-experiment " + ev.res.Variant
	for _, f := range []struct {
		ext   string
		write func(io.Writer, *Timeline, string) error
	}{{".png", WritePNG}, {".svg", WriteSVG}} {
		var b bytes.Buffer
		if err := f.write(&b, ev.timeline, title); err != nil {
			return fmt.Errorf("report: %s plot of %s: %w", f.ext, ev.res.Variant, err)
		}
		if err := os.WriteFile(filepath.Join(dir, plotName(ev.res.Variant)+f.ext), b.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// sweepSection computes the start-index sweep on the baseline run (or the
// first), or says why it could not.
func sweepSection(results []*scenarios.Result) func(io.Writer) {
	base := results[0]
	for _, r := range results {
		if r.Variant == "baseline" {
			base = r
		}
	}
	ps, err := sweepStartIndex(base)
	return func(w io.Writer) { writeSweep(w, base, ps, err) }
}

// writeReport writes REPORT.md's sections in order.
func writeReport(w io.Writer, evs []*evidence, sweep func(io.Writer)) {
	fmt.Fprintf(w, "# The field experiment, reproduced\n\n")
	fmt.Fprintf(w, "This report is written by `make run` (`simulate reproduce`) from %d simulated runs of the scenario "+
		"`field-experiment`, one per reading of the field report's open questions (`../shared/seed-experiment.md`). "+
		"Every number in it is read from a run's history by code; sections cite `rocketmq-4.8-facts.md` by §. "+
		"The plots are `timeline-<variant>.svg` (and `.png`) beside this file.\n\n", len(evs))
	writeRuns(w, evs)
	writeObservations(w, evs)
	writeConclusions(w, conclusions(evs))
	writeLosses(w, evs)
	writeTimelines(w, evs)
	sweep(w)
	writeRerun(w, evs)
}

// esc makes text safe in a Markdown table cell.
func esc(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

// variantDescription is the scenario's description of the run's variant.
func variantDescription(ev *evidence) string {
	if ev.res.Spec == nil {
		return ""
	}
	for _, v := range ev.res.Spec.Variants {
		if v.Name == ev.res.Variant {
			return strings.Join(strings.Fields(v.Description), " ")
		}
	}
	return ""
}

func writeRuns(w io.Writer, evs []*evidence) {
	fmt.Fprintf(w, "## The runs\n\n")
	fmt.Fprintf(w, "| variant | seed | trace hash | events | virtual time | outcome | counts read from | reading |\n")
	fmt.Fprintf(w, "|---|---|---|---|---|---|---|---|\n")
	for _, ev := range evs {
		r := ev.res
		from := r.CountsFrom
		if from == "" {
			from = "logs"
		}
		fmt.Fprintf(w, "| `%s` | %d | `%s` | %d | %s | %s | %s | %s |\n", r.Variant, r.Seed, r.TraceHash, r.Events,
			clock(time.Duration(r.SimTimeMs)*time.Millisecond), r.Outcome, from, esc(variantDescription(ev)))
	}
	fmt.Fprintln(w)
}

func writeObservations(w io.Writer, evs []*evidence) {
	fmt.Fprintf(w, "## 1. Each observation against each variant\n\n")
	fmt.Fprintf(w, "%s the simulated number is the reported one; %s same shape, another number (the report gives "+
		"neither the send rate nor the moment of the shutdown); %s not reproduced; %s the run cannot show it (no such "+
		"step, or nothing was left to send or consume). "+
		"Counts come from the programs' logs, or from the console for variants that read it.\n\n",
		markYes, markShape, markNo, markNone)
	fmt.Fprintf(w, "| step | observed in the field |")
	for _, ev := range evs {
		fmt.Fprintf(w, " `%s` |", ev.res.Variant)
	}
	fmt.Fprintf(w, "\n|---|---|%s\n", strings.Repeat("---|", len(evs)))
	for _, o := range observations {
		fmt.Fprintf(w, "| %s | %s |", o.step, esc(o.reported))
		for _, ev := range evs {
			c := o.read(ev)
			fmt.Fprintf(w, " %s %s |", esc(c.text), c.mark)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "\nWhat each run saw of the outage:\n\n")
	for _, ev := range evs {
		fmt.Fprintf(w, "- `%s`: %s\n", ev.res.Variant, outageSummary(ev))
	}
	fmt.Fprintln(w)
}

// outageSummary tells the all-nameservers-down span and its traffic.
func outageSummary(ev *evidence) string {
	if !ev.outage.ok {
		return "no moment with every nameserver down."
	}
	end := "until the end of the run"
	if ev.outage.to < ev.timeline.Horizon {
		end = "until " + clock(ev.outage.to)
	}
	return fmt.Sprintf("every nameserver down from %s %s; meanwhile %d messages acknowledged, %d send() failures, "+
		"%d deliveries; after it, %d acknowledged and %d delivered.", clock(ev.outage.from), end,
		ev.during.acked, ev.during.failed, ev.during.delivered, ev.after.acked, ev.after.delivered)
}

func writeConclusions(w io.Writer, cs []conclusion) {
	fmt.Fprintf(w, "## 2. The report's conclusions\n\n")
	for _, c := range cs {
		fmt.Fprintf(w, "### %s\n\n**Verdict: %s.**\n\n", c.claim, c.verdict)
		for _, p := range c.body {
			fmt.Fprintf(w, "%s\n\n", p)
		}
	}
}

// maxExamples is how many example chains each variant shows.
const maxExamples = 3

func writeLosses(w io.Writer, evs []*evidence) {
	fmt.Fprintf(w, "## 3. What happened to every message\n\n")
	fmt.Fprintf(w, "Each message has exactly one fate (`docs/fates.md`); `simulate explain field-experiment -variant V "+
		"-msg KEY` prints any message's causal chain.\n\n| fate |")
	for _, ev := range evs {
		fmt.Fprintf(w, " `%s` |", ev.res.Variant)
	}
	fmt.Fprintf(w, "\n|---|%s\n", strings.Repeat("---|", len(evs)))
	for _, f := range explain.Fates {
		fmt.Fprintf(w, "| %s |", f)
		for _, ev := range evs {
			fmt.Fprintf(w, " %d |", ev.exp.FateCounts[string(f)])
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w)
	for _, ev := range evs {
		writeVariantCauses(w, ev)
	}
}

// writeVariantCauses lists a variant's causes (all but consumed once) and
// a few example chains.
func writeVariantCauses(w io.Writer, ev *evidence) {
	fmt.Fprintf(w, "### `%s`\n\n", ev.res.Variant)
	var shown []explain.CauseCount
	for _, c := range ev.exp.Causes {
		if c.Fate != explain.ConsumedOnce {
			shown = append(shown, c)
		}
	}
	if len(shown) == 0 {
		fmt.Fprintf(w, "Every message was consumed exactly once.\n\n")
		return
	}
	fmt.Fprintf(w, "| messages | fate | cause |\n|---|---|---|\n")
	for _, c := range shown {
		fmt.Fprintf(w, "| %d | %s | %s |\n", c.Count, c.Fate, esc(c.Cause))
	}
	fmt.Fprintln(w)
	for i, c := range shown {
		if i == maxExamples {
			break
		}
		m := ev.exp.Message(c.Example)
		if m == nil {
			continue
		}
		fmt.Fprintf(w, "Example, `%s`: %s — %s\n\n```\n", m.Key, m.Fate, m.Reason)
		for _, line := range m.Chain {
			fmt.Fprintln(w, line)
		}
		fmt.Fprintf(w, "```\n\n")
	}
}

func writeTimelines(w io.Writer, evs []*evidence) {
	fmt.Fprintf(w, "## Timelines\n\n")
	fmt.Fprintf(w, "Top: `send()` calls acknowledged (SEND_OK) and failed, and deliveries, per second of virtual time, "+
		"with the steps marked. Middle: when each nameserver and broker host was up or down. Bottom: what the console "+
		"showed per broker (points; × where it showed nothing) against what the broker's master held (line).\n\n")
	for _, ev := range evs {
		name := plotName(ev.res.Variant)
		fmt.Fprintf(w, "### `%s`\n\n![%s](%s.svg)\n\n", ev.res.Variant, name, name)
	}
}

// writeSweep writes the start-index section.
func writeSweep(w io.Writer, base *scenarios.Result, ps []placement, err error) {
	fmt.Fprintf(w, "## 4. Which round-robin start indexes give the console's 52/48\n\n")
	if err != nil {
		fmt.Fprintf(w, "Not computed: %s.\n\n", err)
		return
	}
	fmt.Fprintf(w, "The producer picks queues round robin from a start index drawn at random (facts §4.3; "+
		"`producer.sendWhichQueue` pins it). The `%s` run was repeated up to the end of E1 with each start index "+
		"from 0 to %d (seed %d, all else equal); the model's own queue selection placed E1's acknowledged messages so:\n\n",
		base.Variant, sweepIndexes-1, base.Seed)
	fmt.Fprintf(w, "| start index | first queue | broker-a | broker-b | broker-b queue 13 | 52/48 |\n|---|---|---|---|---|---|\n")
	var split []int
	for _, p := range ps {
		yes := ""
		if p.split52() {
			yes = markYes
			split = append(split, p.start)
		}
		fmt.Fprintf(w, "| %d | %s | %d | %d | %d | %s |\n", p.start, p.first, p.perBroker["broker-a"],
			p.perBroker["broker-b"], p.queueB13, yes)
	}
	fmt.Fprintf(w, "\nStart indexes giving broker-a %d / broker-b %d: %s (%d of %d).\n\n",
		reportedE1ConsoleA, reportedE1ConsoleB, ranges(split), len(split), len(ps))
}

func writeRerun(w io.Writer, evs []*evidence) {
	fmt.Fprintf(w, "## 5. How to rerun\n\n```\nmake run                       # every variant; rewrites results/ byte for byte (PNGs may differ across machines)\n")
	for _, ev := range evs {
		fmt.Fprintf(w, "go run ./cmd/simulate run field-experiment -variant %s -seed %d\n", ev.res.Variant, ev.res.Seed)
	}
	fmt.Fprintf(w, "go run ./cmd/simulate explain field-experiment -variant baseline -msg \"NameServer Test300\"\n```\n")
}
