package report

import (
	"fmt"
	"io"
	"strings"

	"rmqsim/explain"
)

// maxShown is how many example chains a class shows.
const maxShown = 2

func writeFates(w io.Writer, vs []*variantRuns) {
	fmt.Fprintf(w, "## 5. What happened to every message\n\n")
	fmt.Fprintf(w, "Each message has exactly one fate (`docs/fates.md`); `simulate explain field-experiment -variant V "+
		"-seed N -msg KEY` prints any message's causal chain. Per variant and outcome class, the fates over the class's "+
		"seeds (a range where the seeds differ):\n\n| variant | class | seeds |")
	for _, f := range explain.Fates {
		fmt.Fprintf(w, " %s |", f)
	}
	fmt.Fprintf(w, "\n|---|---|---|%s\n", strings.Repeat("---|", len(explain.Fates)))
	for _, v := range vs {
		for _, c := range v.classes {
			fmt.Fprintf(w, "| `%s` | %s | %s |", v.name, c.label, seedList(c.runs))
			for _, f := range explain.Fates {
				fmt.Fprintf(w, " %s |", valueRange(c.runs, func(r *Run) int { return r.Fates[string(f)] }))
			}
			fmt.Fprintln(w)
		}
	}
	fmt.Fprintf(w, "\nThe causes, in each class's lowest seed (all fates but consumed once), with example chains of "+
		"causes not shown earlier for the variant:\n\n")
	for _, v := range vs {
		writeVariantCauses(w, v)
	}
}

// writeVariantCauses lists each class's causes and a few example chains.
func writeVariantCauses(w io.Writer, v *variantRuns) {
	fmt.Fprintf(w, "### `%s`\n\n<details><summary>causes and example chains, class by class</summary>\n\n", v.name)
	defer fmt.Fprintf(w, "</details>\n\n")
	shownCodes := map[string]bool{}
	for _, c := range v.classes {
		r := c.rep()
		fmt.Fprintf(w, "Class %s, seed %d: ", c.label, r.Seed)
		if len(r.causes) == 0 {
			fmt.Fprintf(w, "every message was consumed exactly once.\n\n")
			continue
		}
		fmt.Fprintf(w, "\n\n| messages | fate | cause |\n|---|---|---|\n")
		for _, k := range r.causes {
			fmt.Fprintf(w, "| %s | %s | %s |\n", num(k.Count), k.Fate, esc(k.Cause))
		}
		fmt.Fprintln(w)
		shown := 0
		for _, e := range r.examples {
			if shownCodes[e.code] || shown == maxShown {
				continue
			}
			shownCodes[e.code] = true
			shown++
			fmt.Fprintf(w, "Example, `%s`: %s — %s\n\n```\n", e.key, e.fate, e.reason)
			for _, line := range e.chain {
				fmt.Fprintln(w, line)
			}
			fmt.Fprintf(w, "```\n\n")
		}
	}
}

func writeTimelines(w io.Writer, vs []*variantRuns) {
	fmt.Fprintf(w, "## 6. Timelines\n\n")
	fmt.Fprintf(w, "One plot per variant and outcome class, drawn from the class's lowest seed. Top: `send()` calls "+
		"acknowledged (SEND_OK) and failed, and deliveries, per second of virtual time, with the steps marked. Middle: "+
		"when each nameserver and broker host was up or down. Bottom: what the console showed per broker (points; × "+
		"where it showed nothing) against what the broker's master held (line). Each plot's run is reproduced by the "+
		"command under it (`-json` prints its trace hash).\n\n")
	for _, v := range vs {
		fmt.Fprintf(w, "### `%s`\n\n", v.name)
		for _, c := range v.classes {
			r := c.rep()
			name := v.plotName(c)
			if len(v.classes) > 1 {
				fmt.Fprintf(w, "Class %s, %s; the plot shows seed %d (trace hash `%s`).\n\n", c.label, seedsWord(c.runs), r.Seed, r.TraceHash)
			} else {
				fmt.Fprintf(w, "One class for every seed (%s); the plot shows seed %d (trace hash `%s`).\n\n", seedList(c.runs), r.Seed, r.TraceHash)
			}
			fmt.Fprintf(w, "![%s](%s.svg)\n\n```\n%s\n```\n\n", name, name, runCommand(r))
		}
	}
}

// runCommand is the command that reruns r.
func runCommand(r *Run) string {
	v := ""
	if r.Variant != "" {
		v = " -variant " + r.Variant
	}
	return fmt.Sprintf("go run ./cmd/simulate run field-experiment%s -seed %d", v, r.Seed)
}

func writeRerun(w io.Writer, vs []*variantRuns) {
	seeds := len(vs[0].runs)
	fmt.Fprintf(w, "## 8. How to rerun\n\n```\n")
	fmt.Fprintf(w, "make run    # every variant with seeds 1–%d; rewrites results/ byte for byte (PNGs may differ across machines)\n", seeds)
	fmt.Fprintf(w, "go run ./cmd/simulate reproduce -out results -seeds %d\n", seeds)
	for _, v := range vs {
		fmt.Fprintf(w, "%s\n", runCommand(v.runs[0]))
	}
	fmt.Fprintf(w, "go run ./cmd/simulate explain field-experiment -variant %s -seed %d -msg \"NameServer Test300\"\n```\n",
		vs[0].name, vs[0].runs[0].Seed)
}
