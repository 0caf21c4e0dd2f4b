package report

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// WriteFieldExperiment writes dir/field-experiment/REPORT.md and, per
// variant and outcome class, dir/field-experiment/timeline-<variant>[-<class>].png
// and .svg, from the field experiment's runs: every variant with every
// seed, in any order (the report sorts them by variant, in the order
// they first appear, and by seed). Everything written is a function of
// the runs: no wall-clock time, no map order, fixed number formats, so
// rerunning reproduces every file byte for byte on one machine.
func WriteFieldExperiment(dir string, runs []*Run) error {
	if len(runs) == 0 {
		return fmt.Errorf("report: no runs")
	}
	out := filepath.Join(dir, "field-experiment")
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	vs := groupRuns(runs)
	if err := removeOldPlots(out); err != nil {
		return err
	}
	for _, v := range vs {
		for _, c := range v.classes {
			if err := writePlots(out, v, c); err != nil {
				return err
			}
		}
	}
	var b bytes.Buffer
	writeReport(&b, vs, sweepSection(vs))
	return os.WriteFile(filepath.Join(out, "REPORT.md"), b.Bytes(), 0o644)
}

// removeOldPlots removes the timeline files an earlier report left in
// dir, so that the directory holds exactly the plots of this one (the
// classes, and so the file names, change with the runs).
func removeOldPlots(dir string) error {
	for _, pattern := range []string{"timeline-*.png", "timeline-*.svg"} {
		old, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil {
			return err
		}
		for _, f := range old {
			if err := os.Remove(f); err != nil {
				return err
			}
		}
	}
	return nil
}

// writePlots writes a class's timeline, drawn from its representative.
func writePlots(dir string, v *variantRuns, c *class) error {
	r := c.rep()
	title := fmt.Sprintf("field-experiment %s, seed %d", v.name, r.Seed)
	if len(v.classes) > 1 {
		title = fmt.Sprintf("field-experiment %s, class %s (seed %d)", v.name, c.label, r.Seed)
	}
	for _, f := range []struct {
		ext   string
		write func(io.Writer, *Timeline, string) error
	}{{".png", WritePNG}, {".svg", WriteSVG}} {
		var b bytes.Buffer
		if err := f.write(&b, r.timeline, title); err != nil {
			return fmt.Errorf("report: %s plot of %s seed %d: %w", f.ext, v.name, r.Seed, err)
		}
		if err := os.WriteFile(filepath.Join(dir, v.plotName(c)+f.ext), b.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// writeReport writes REPORT.md's sections in order.
func writeReport(w io.Writer, vs []*variantRuns, sweep func(io.Writer)) {
	all := flatten(vs)
	fmt.Fprintf(w, "# The field experiment, reproduced\n\n")
	fmt.Fprintf(w, "This report is written by `make run` (`simulate reproduce`) from %d simulated runs of the scenario "+
		"`field-experiment`: %d variants, one per reading of the field report's open questions "+
		"(`../shared/seed-experiment.md`), each run with seeds %s. Every number in it is read from a run's history by "+
		"code; sections cite `rocketmq-4.8-facts.md` by §.\n\n", len(all), len(vs), seedList(vs[0].runs))
	fmt.Fprintf(w, "Why several seeds: a new Java client shuffles its nameserver list and starts at a random index "+
		"(§3.4), and keeps the first nameserver it reaches. A producer started while one nameserver's host is off asks "+
		"that one first in about half the seeds; the connect then waits out its 3 s timeout, which eats the whole "+
		"send budget, and send() throws (§3.5, §4.2). One seed per variant would show one side of that coin as if it "+
		"were the variant's outcome. So every table gives the distribution over seeds, and each variant's seeds are "+
		"grouped into outcome classes (the same mark on every observation), each with a plot of its lowest seed.\n\n")
	writeRuns(w, vs)
	writeOverview(w, vs)
	writeReadings(w, vs)
	writeVariants(w, vs)
	writeConclusions(w, conclusions(vs))
	writeOnly367(w, vs)
	writeFates(w, vs)
	writeTimelines(w, vs)
	sweep(w)
	writeRerun(w, vs)
}

// esc makes text safe in a Markdown table cell.
func esc(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

func writeRuns(w io.Writer, vs []*variantRuns) {
	fmt.Fprintf(w, "## The runs\n\n")
	fmt.Fprintf(w, "| variant | seeds | outcome | events | virtual time | classes | counts read from | reading |\n")
	fmt.Fprintf(w, "|---|---|---|---|---|---|---|---|\n")
	for _, v := range vs {
		r := v.runs[0]
		outcomes := map[string]int{}
		var lo, hi int64 = r.Events, r.Events
		for _, x := range v.runs {
			outcomes[x.Outcome]++
			lo, hi = min(lo, x.Events), max(hi, x.Events)
		}
		var oc []string
		for _, k := range slices.Sorted(maps.Keys(outcomes)) {
			oc = append(oc, fmt.Sprintf("%s %d", k, outcomes[k]))
		}
		events := num(lo)
		if hi != lo {
			events += "–" + num(hi)
		}
		fmt.Fprintf(w, "| `%s` | %s | %s | %s | %s | %d | %s | %s |\n", v.name, seedList(v.runs), strings.Join(oc, ", "),
			events, clock(time.Duration(r.SimTimeMs)*time.Millisecond), len(v.classes), r.CountsFrom, esc(r.Description))
	}
	fmt.Fprintln(w)
}

func writeOverview(w io.Writer, vs []*variantRuns) {
	fmt.Fprintf(w, "## 1. Each observation against each variant\n\n")
	fmt.Fprintf(w, "How many seeds of each variant got each mark: %s the simulated number is the reported one; %s same "+
		"shape, another number (the report gives neither the send rate nor the moment of the shutdown); %s not "+
		"reproduced; %s the run cannot show it (no such step, or nothing was left to send or consume). Counts come from "+
		"the programs' logs, or from the console for variants that read it. Section 2 gives the numbers behind each "+
		"mark.\n\n", markYes, markShape, markNo, markNone)
	fmt.Fprintf(w, "| step | observed in the field |")
	for _, v := range vs {
		fmt.Fprintf(w, " `%s` |", v.name)
	}
	fmt.Fprintf(w, "\n|---|---|%s\n", strings.Repeat("---|", len(vs)))
	for i, o := range observations {
		fmt.Fprintf(w, "| %s | %s |", o.step, esc(o.reported))
		for _, v := range vs {
			fmt.Fprintf(w, " %s |", markTally(v.runs, i))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w)
}

func writeVariants(w io.Writer, vs []*variantRuns) {
	fmt.Fprintf(w, "## 2. Each variant over its seeds\n\n")
	fmt.Fprintf(w, "For each variant: every observation's distinct simulated values, with how many seeds gave each and "+
		"the lowest of them; then its outcome classes and what sets them apart, read from each client program's "+
		"history: which nameserver it asked first and how it ended.\n\n")
	for _, v := range vs {
		writeVariant(w, v)
	}
}

func writeVariant(w io.Writer, v *variantRuns) {
	fmt.Fprintf(w, "### `%s`\n\n", v.name)
	if d := v.runs[0].Description; d != "" {
		fmt.Fprintf(w, "%s\n\n", d)
	}
	fmt.Fprintf(w, "| step | observed in the field | simulated, %s |\n|---|---|---|\n", seedsWord(v.runs))
	for i, o := range observations {
		fmt.Fprintf(w, "| %s | %s | %s |\n", o.step, esc(o.reported), esc(formatDistribution(distribution(v.runs, i), len(v.runs))))
	}
	fmt.Fprintln(w)
	apart := v.apart()
	fmt.Fprintf(w, "| class | seeds | observations that differ between classes | what sets it apart | plot |\n|---|---|---|---|---|\n")
	varying := v.varyingObservations()
	for _, c := range v.classes {
		var cells []string
		for _, i := range varying {
			cells = append(cells, observations[i].short+": "+v.classCell(c, i))
		}
		facts := apart[c]
		if len(facts) == 0 {
			facts = []string{"–"}
		}
		fmt.Fprintf(w, "| %s | %s (%d) | %s | %s | [seed %d](%s.svg) |\n", c.label, seedList(c.runs), len(c.runs),
			esc(orDash(strings.Join(cells, "; "))), esc(strings.Join(facts, "; ")), c.rep().Seed, v.plotName(c))
	}
	fmt.Fprintln(w)
	if len(v.classes) > 1 && len(apart) == 0 {
		fmt.Fprintf(w, "No client program's first nameserver or ending sets these classes apart.\n\n")
	}
	fmt.Fprintf(w, "The outage, in each class's lowest seed:\n\n")
	for _, c := range v.classes {
		fmt.Fprintf(w, "- %s, seed %d: %s\n", c.label, c.rep().Seed, c.rep().outageText)
	}
	fmt.Fprintln(w)
}

// varyingObservations lists the observations whose reading is not the
// same in every class of the variant.
func (v *variantRuns) varyingObservations() []int {
	var out []int
	for i := range observations {
		first := v.classCell(v.classes[0], i)
		for _, c := range v.classes[1:] {
			if v.classCell(c, i) != first {
				out = append(out, i)
				break
			}
		}
	}
	return out
}

// classCell is a class's reading of observation i, its values merged.
func (v *variantRuns) classCell(c *class, i int) string {
	return formatWithin(distributionUpTo(c.runs, i, 1), len(c.runs))
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

func writeConclusions(w io.Writer, cs []conclusion) {
	fmt.Fprintf(w, "## 3. The report's conclusions\n\n")
	fmt.Fprintf(w, "Each verdict weighs every run, all variants and all seeds.\n\n")
	for _, c := range cs {
		fmt.Fprintf(w, "### %s\n\n**Verdict: %s.**\n\n", c.claim, c.verdict)
		for _, p := range c.body {
			fmt.Fprintf(w, "%s\n\n", p)
		}
	}
}
