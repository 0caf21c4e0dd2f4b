package compare

import (
	"fmt"
	"slices"
	"strings"

	"rmqsim/page"
	"rmqsim/stats"
	"rmqsim/sweep"
)

// Examples is how many messages per kind of change the report shows with
// their chains (the JSON has every one).
const Examples = 3

func sideText(s Side) string {
	if len(s.Settings) == 0 {
		return "the scenario as written"
	}
	var parts []string
	for _, st := range s.Settings {
		parts = append(parts, "`"+st.Key+"="+st.Value+"`")
	}
	return strings.Join(parts, ", ")
}

// Significant reports whether a metric differs between the sides: McNemar
// p < 0.05 for a rate; for a distribution, a paired difference interval
// that excludes 0 over at least 2 seeds, with means that differ
// materially (sweep.Material: by 10 % and by 1 unit at least).
func (m MetricDiff) Significant() bool {
	if m.McNemar != nil {
		return m.McNemar.P < 0.05
	}
	return m.Diff != nil && m.Diff.N > 1 && (m.Diff.Lo > 0 || m.Diff.Hi < 0) && sweep.Material(m.ADist.Mean, m.BDist.Mean)
}

// Doc is the comparison as a report.
func (r *Result) Doc() page.Doc {
	variant := r.Variant
	if variant == "" {
		variant = "(base)"
	}
	d := page.Doc{Title: fmt.Sprintf("Compare: %s, variant %s", r.Scenario, variant)}
	changedSeeds := 0
	for _, p := range r.Pairs {
		if p.Changed > 0 {
			changedSeeds++
		}
	}
	d.Intro = page.Paras(
		fmt.Sprintf("**A**: %s. **B**: %s. Both run on seeds %s (%d pairs); every message is paired by its key within its seed.", sideText(r.A), sideText(r.B), r.Seeds, len(r.Pairs)),
		fmt.Sprintf("%d messages in all; %d changed fate, in %d of %d seeds.", r.Messages, len(r.Changed), changedSeeds, len(r.Pairs)),
	)
	// The transition matrix.
	var af, bf []string
	for _, t := range r.Transitions {
		if !slices.Contains(af, t.A) {
			af = append(af, t.A)
		}
		if !slices.Contains(bf, t.B) {
			bf = append(bf, t.B)
		}
	}
	slices.Sort(bf)
	mt := page.Table{Head: append([]string{"A fate ↓ / B fate →"}, bf...), Right: []bool{false}}
	for range bf {
		mt.Right = append(mt.Right, true)
	}
	for _, a := range af {
		row := []string{a}
		for _, b := range bf {
			n := 0
			for _, t := range r.Transitions {
				if t.A == a && t.B == b {
					n = t.Count
				}
			}
			cell := fmt.Sprint(n)
			if n > 0 && a != b {
				cell = "**" + cell + "**"
			}
			row = append(row, cell)
		}
		mt.Rows = append(mt.Rows, row)
	}
	d.Sections = append(d.Sections, (&page.Section{Title: "Fate transitions"}).Add(
		page.Para("Messages by their fate under A (rows) and under B (columns), over every seed; off the diagonal (bold), the fate changed. Fates are explained in docs/fates.md; `absent` means the side never intended the message."), mt))

	// Metrics.
	var sig, rest []MetricDiff
	for _, m := range r.Metrics {
		if m.Significant() {
			sig = append(sig, m)
		} else {
			rest = append(rest, m)
		}
	}
	ms := &page.Section{Title: "Metrics"}
	if len(sig) == 0 {
		ms.Add(page.Para("No metric differs between A and B on these seeds (McNemar p < 0.05 for rates; for distributions, a paired bootstrap 95 % interval of B − A that excludes 0 and means that differ by at least 10 % and 1 unit)."))
	} else {
		ms.Add(page.Para("The metrics that differ (McNemar exact p < 0.05 for rates; for distributions, a paired bootstrap 95 % interval of B − A that excludes 0 and means that differ by at least 10 % and 1 unit):"), metricTable(sig))
	}
	if len(rest) > 0 {
		ms.Add(page.Details{Summary: fmt.Sprintf("the %d metrics that do not differ", len(rest)), Blocks: []page.Block{metricTable(rest)}})
	}
	d.Sections = append(d.Sections, ms)

	// Changed messages, grouped.
	cs := &page.Section{Title: "Messages whose fate changed"}
	type group struct {
		key string
		cs  []Changed
	}
	var groups []*group
	for _, c := range r.Changed {
		k := fmt.Sprintf("%s → %s: %s → %s", c.AFate, c.BFate, orNone(c.ACause), orNone(c.BCause))
		i := slices.IndexFunc(groups, func(g *group) bool { return g.key == k })
		if i < 0 {
			groups = append(groups, &group{key: k})
			i = len(groups) - 1
		}
		groups[i].cs = append(groups[i].cs, c)
	}
	if len(groups) == 0 {
		cs.Add(page.Para("None: every message has the same fate under A and B on every seed."))
	}
	for _, g := range groups {
		sub := &page.Section{Title: fmt.Sprintf("%d × %s", len(g.cs), g.key)}
		var keys []string
		for _, c := range g.cs {
			keys = append(keys, fmt.Sprintf("%s (seed %d)", c.Key, c.Seed))
		}
		if len(keys) > 12 {
			keys = append(keys[:12], fmt.Sprintf("… %d more (every one in compare.json / -json)", len(g.cs)-12))
		}
		sub.Add(page.Para("Messages: " + strings.Join(keys, ", ") + "."))
		for _, c := range g.cs[:min(Examples, len(g.cs))] {
			sub.Add(page.Details{Summary: fmt.Sprintf("%s, seed %d: both causal chains (they diverge at step %d)", c.Key, c.Seed, c.Diverge+1), Blocks: []page.Block{chains(c)}})
		}
		cs.Sub = append(cs.Sub, sub)
	}
	d.Sections = append(d.Sections, cs)

	pt := page.Table{Head: []string{"seed", "A trace hash", "B trace hash", "A outcome", "B outcome", "changed"}, Right: []bool{true, false, false, false, false, true}}
	for _, p := range r.Pairs {
		pt.Rows = append(pt.Rows, []string{fmt.Sprint(p.Seed), "`" + p.ATraceHash + "`", "`" + p.BTraceHash + "`", p.AOutcome, p.BOutcome, fmt.Sprint(p.Changed)})
	}
	d.Sections = append(d.Sections, (&page.Section{Title: "Pairs"}).Add(pt))
	return d
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func chains(c Changed) page.Table {
	t := page.Table{Head: []string{"step", "A: " + c.AFate, "B: " + c.BFate}, Right: []bool{true}}
	for i := range max(len(c.AChain), len(c.BChain)) {
		a, b := "", ""
		if i < len(c.AChain) {
			a = c.AChain[i]
		}
		if i < len(c.BChain) {
			b = c.BChain[i]
		}
		step := fmt.Sprint(i + 1)
		if i == c.Diverge {
			step = "**" + step + " ◀ diverges**"
		}
		t.Rows = append(t.Rows, []string{step, a, b})
	}
	return t
}

func metricTable(ms []MetricDiff) page.Table {
	t := page.Table{Head: []string{"metric", "A", "B", "B − A (paired)"}, Right: []bool{false, true, true, true}}
	for _, m := range ms {
		if m.McNemar != nil {
			t.Rows = append(t.Rows, []string{"`" + m.Metric + "`",
				sweep.Format(sweep.Estimate{Rate: m.A}), sweep.Format(sweep.Estimate{Rate: m.B}),
				fmt.Sprintf("only A %d, only B %d; McNemar p = %s", m.McNemar.OnlyA, m.McNemar.OnlyB, pval(m.McNemar.P))})
			continue
		}
		t.Rows = append(t.Rows, []string{"`" + m.Metric + "`",
			sweep.Format(sweep.Estimate{Dist: m.ADist}), sweep.Format(sweep.Estimate{Dist: m.BDist}), diffText(m.Diff)})
	}
	return t
}

func diffText(d *stats.Diff) string {
	if d == nil || d.N == 0 {
		return "– (no seed where both are defined)"
	}
	return fmt.Sprintf("%s [%s, %s] over %d seeds", fnum(d.Mean), fnum(d.Lo), fnum(d.Hi), d.N)
}

func pval(p float64) string {
	if p < 0.001 {
		return "< 0.001"
	}
	return fmt.Sprintf("%.3g", p)
}

func fnum(x float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", x), "0"), ".")
}

// DocMarkdown is the report as Markdown.
func (r *Result) DocMarkdown() []byte { return page.Markdown(r.Doc()) }
