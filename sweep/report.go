package sweep

import (
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"rmqsim/metrics"
	"rmqsim/page"
	"rmqsim/shard"
	"rmqsim/stats"
)

// Finish derives everything in dir but runs.jsonl from sweep.json and
// runs.jsonl: summary.json, REPORT.md, report.html and plots/. It reads
// nothing else, so a merged folder and an unsharded one get the same
// bytes.
func Finish(dir string) error {
	p, lines, err := readFolder(dir)
	if err != nil {
		return err
	}
	m, err := shard.ReadManifest(dir)
	if err != nil {
		return err
	}
	sum := Summarise(p, lines)
	if err := writeJSON(filepath.Join(dir, SummaryFile), sum); err != nil {
		return err
	}
	r := &reporter{p: p, sum: sum, manifest: m, runs: len(lines)}
	doc, figs, err := r.doc()
	if err != nil {
		return err
	}
	plots := filepath.Join(dir, PlotDir)
	if err := os.RemoveAll(plots); err != nil {
		return err
	}
	if len(figs) > 0 {
		if err := os.MkdirAll(plots, 0o755); err != nil {
			return err
		}
	}
	for _, f := range figs {
		if err := os.WriteFile(filepath.Join(dir, f.base+".svg"), f.svg, 0o644); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, f.base+".png"), f.png, 0o644); err != nil {
			return err
		}
	}
	if err := os.WriteFile(filepath.Join(dir, ReportFile), append(page.Markdown(doc), '\n'), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, HTMLFile), page.HTML(doc), 0o644)
}

type reporter struct {
	p        *Plan
	sum      []CellSummary
	manifest shard.Manifest
	runs     int
}

type figure struct {
	base     string
	svg, png []byte
}

// finding is one point whose interval does not overlap the defaults'.
type finding struct {
	metric, variant, label, axis, value string
	est, base                           Estimate
	better                              int // +1 better, -1 worse, 0 neither
}

func (r *reporter) cell(variant, label string) (CellSummary, bool) {
	for _, c := range r.sum {
		if c.Variant == variant && c.Label == label {
			return c, true
		}
	}
	return CellSummary{}, false
}

// labels is every point label in cell order (the first variant's order,
// then any label only later variants have).
func (r *reporter) labels() []string {
	var out []string
	for _, c := range r.sum {
		if !slices.Contains(out, c.Label) {
			out = append(out, c.Label)
		}
	}
	return out
}

func variantName(v string) string {
	if v == "" {
		return "(base)"
	}
	return v
}

// Format writes an estimate for a table: "25 % [10–48] (4/16)" or
// "1,234 [1,100–1,400]"; "–" when no run defines it.
func Format(e Estimate) string {
	if !e.Defined() {
		if e.Dist != nil && e.Dist.Missing > 0 {
			return fmt.Sprintf("– (undefined in %d runs)", e.Dist.Missing)
		}
		return "–"
	}
	if e.Rate != nil {
		return fmt.Sprintf("%s %% [%s–%s] (%d/%d)", num(100*e.Rate.P), num(100*e.Rate.Lo), num(100*e.Rate.Hi), e.Rate.K, e.Rate.N)
	}
	s := fmt.Sprintf("%s [%s–%s]", num(e.Dist.Mean), num(e.Dist.Lo), num(e.Dist.Hi))
	if e.Dist.Missing > 0 {
		s += fmt.Sprintf(" (n=%d, undefined in %d)", e.Dist.N, e.Dist.Missing)
	}
	return s
}

// num writes x with at most 3 significant digits after the point for
// small values and none for large ones.
func num(x float64) string {
	a := math.Abs(x)
	switch {
	case a >= 100 || x == math.Trunc(x):
		return fmt.Sprintf("%.0f", x)
	case a >= 10:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", x), ".0")
	default:
		return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", x), "0"), ".")
	}
}

func (r *reporter) findings(metric string) []finding {
	def, _ := metrics.Lookup(metric)
	var out []finding
	for _, c := range r.sum {
		if c.Label == "defaults" {
			continue
		}
		base, ok := r.cell(c.Variant, "defaults")
		e, ok2 := c.Metrics[metric]
		b, ok3 := base.Metrics[metric]
		if !ok || !ok2 || !ok3 || !e.Defined() || !b.Defined() {
			continue
		}
		v, lo, hi := e.Value()
		bv, blo, bhi := b.Value()
		if stats.Overlap(lo, hi, blo, bhi) || !material(e, b) {
			continue
		}
		f := finding{metric: metric, variant: c.Variant, label: c.Label, axis: r.p.Cells[c.cell].Axis, est: e, base: b}
		if f.axis != "" {
			f.value = c.Point[f.axis]
		}
		switch {
		case def.Better == metrics.Lower && v < bv, def.Better == metrics.Higher && v > bv:
			f.better = 1
		case def.Better == metrics.Lower && v > bv, def.Better == metrics.Higher && v < bv:
			f.better = -1
		}
		out = append(out, f)
	}
	return out
}

// MinRuns is the fewest runs a distribution needs on each side for a
// difference to be reported: one run has no spread to compare.
const MinRuns = 2

// material reports whether a difference between distributions is worth
// a word: both have MinRuns runs, and the means differ by at least 10 %
// of the larger and by at least 1 of the unit (1 ms, 1 message). The
// model is deterministic per seed, so tiny differences can have tight
// intervals; they are real but say nothing to a design review. Rates
// have no such floor: a Wilson interval is never a point.
func material(e, b Estimate) bool {
	if e.Rate != nil {
		return true
	}
	if e.Dist.N < MinRuns || b.Dist.N < MinRuns {
		return false
	}
	return Material(e.Dist.Mean, b.Dist.Mean)
}

// Material reports whether two means differ by at least 10 % of the
// larger and by at least 1 of their unit: the floor below which sweep
// and compare call a difference, however tight its interval, too small
// to report (docs/metrics.md).
func Material(a, b float64) bool {
	d := math.Abs(a - b)
	return d >= 1 && d >= 0.1*math.Max(math.Abs(a), math.Abs(b))
}

func (f finding) sentence() string {
	dir := "higher"
	v, _, _ := f.est.Value()
	if b, _, _ := f.base.Value(); v < b {
		dir = "lower"
	}
	judge := ""
	switch f.better {
	case 1:
		judge = " (better)"
	case -1:
		judge = " (worse)"
	}
	return fmt.Sprintf("Under **%s**, `%s` gives `%s` = %s against %s at defaults: %s%s, with 95 %% intervals that do not overlap.",
		variantName(f.variant), f.label, f.metric, Format(f.est), Format(f.base), dir, judge)
}

func (r *reporter) doc() (page.Doc, []figure, error) {
	s := r.p.Spec
	title := "Sweep: " + s.Name
	d := page.Doc{Title: title}
	if s.Description != "" {
		d.Intro = append(d.Intro, page.Para(strings.TrimSpace(s.Description)))
	}
	part := ""
	if r.manifest.Of > 1 {
		part = fmt.Sprintf(" This folder is shard %s: it holds %d of the %d runs; `simulate merge` of every shard gives the whole sweep.", r.manifest.Spec(), r.runs, r.p.Jobs)
	} else if r.runs < r.p.Jobs {
		part = fmt.Sprintf(" The sweep was stopped: %d of %d runs are in.", r.runs, r.p.Jobs)
	}
	variants := make([]string, len(s.Variants))
	for i, v := range s.Variants {
		variants[i] = "`" + variantName(v) + "`"
	}
	d.Intro = append(d.Intro, page.Para(fmt.Sprintf(
		"Scenario `%s`, variants %s, %d points, seeds %s: %d runs, each a pure function of (scenario, variant, point, seed). Rates carry a Wilson 95 %% interval; other metrics give the mean with a seeded bootstrap 95 %% interval of the mean. Every metric is defined in docs/metrics.md.%s",
		r.p.ScenarioID, strings.Join(variants, ", "), len(r.labels()), s.Seeds, r.p.Jobs, part)))

	var figs []figure
	findings := &page.Section{Title: "Findings"}
	var all []finding
	for _, m := range s.Metrics {
		all = append(all, r.findings(m)...)
	}
	if len(all) == 0 {
		findings.Add(page.Para(fmt.Sprintf("No point differs from the scenario's defaults on a headline metric with 95 %% intervals that do not overlap, over seeds %s. That is not a proof of no effect: more seeds narrow the intervals.", s.Seeds)))
	} else {
		var items []string
		for _, f := range all {
			items = append(items, f.sentence())
		}
		findings.Add(page.Para("Every point whose interval on a headline metric does not overlap the defaults' interval under the same variant (for a distribution, only when the means also differ by at least 10 % and by at least 1 ms or 1 message, over at least 2 runs each):"), page.List(items))
	}
	d.Sections = append(d.Sections, findings, r.recommendations(all))
	if len(s.Questions) > 0 {
		qs := &page.Section{Title: "Questions"}
		for _, q := range s.Questions {
			sec := &page.Section{Title: q.Text}
			for _, m := range q.Metrics {
				fs := r.findings(m)
				if len(fs) == 0 {
					sec.Add(page.Para(fmt.Sprintf("`%s`: no point differs from defaults with non-overlapping intervals.", m)))
				}
				for _, f := range fs {
					sec.Add(page.Para(f.sentence()))
				}
				sec.Add(r.table(m))
			}
			qs.Sub = append(qs.Sub, sec)
		}
		d.Sections = append(d.Sections, qs)
	}
	head := &page.Section{Title: "Headline metrics"}
	for _, m := range s.Metrics {
		def, _ := metrics.Lookup(m)
		sec := &page.Section{Title: m}
		sec.Add(page.Para(def.Doc+"."), r.table(m))
		fs, err := r.plots(m)
		if err != nil {
			return d, nil, err
		}
		for _, f := range fs {
			figs = append(figs, f.figure)
			sec.Add(f.block)
		}
		head.Sub = append(head.Sub, sec)
	}
	d.Sections = append(d.Sections, head)
	rest := &page.Section{Title: "All metrics"}
	rest.Add(page.Para("Every other metric the runs have, one table each (points × variants)."))
	for _, m := range metricNames(r.sum) {
		if slices.Contains(s.Metrics, m) {
			continue
		}
		def, _ := metrics.Lookup(m)
		rest.Add(page.Details{Summary: m, Blocks: []page.Block{page.Para(def.Doc + "."), r.table(m)}})
	}
	d.Sections = append(d.Sections, rest, r.runsSection())
	return d, figs, nil
}

func (r *reporter) table(metric string) page.Table {
	t := page.Table{Head: []string{"point"}, Right: []bool{false}}
	for _, v := range r.p.Spec.Variants {
		t.Head = append(t.Head, variantName(v))
		t.Right = append(t.Right, true)
	}
	for _, l := range r.labels() {
		row := []string{"`" + l + "`"}
		for _, v := range r.p.Spec.Variants {
			c, ok := r.cell(v, l)
			if !ok {
				row = append(row, "")
				continue
			}
			e, ok := c.Metrics[metric]
			if !ok {
				row = append(row, "–")
				continue
			}
			row = append(row, Format(e))
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// recommendations sums the findings up per swept key and value.
func (r *reporter) recommendations(all []finding) *page.Section {
	sec := &page.Section{Title: "By setting"}
	var keys []string
	for _, c := range r.p.Cells {
		if c.Axis != "" && !slices.Contains(keys, c.Axis) {
			keys = append(keys, c.Axis)
		}
	}
	if len(keys) == 0 {
		return sec.Add(page.Para("No single-key grid: every point moves several settings at once; see Findings."))
	}
	sec.Add(page.Para("For each swept setting and value, the headline metrics on which it is better or worse than the scenario's defaults (non-overlapping 95 % intervals), and under which variants. A value not listed differs on none."))
	for _, k := range keys {
		var items []string
		var values []string
		for _, c := range r.p.Cells {
			if c.Axis == k {
				if v := c.Point.Map()[k]; !slices.Contains(values, v) {
					values = append(values, v)
				}
			}
		}
		type tally struct{ better, worse, other int }
		counts := map[string]*tally{}
		for _, v := range values {
			var better, worse, other grouped
			t := &tally{}
			counts[v] = t
			for _, f := range all {
				if f.axis != k || f.value != v {
					continue
				}
				switch f.better {
				case 1:
					better.add(f.metric, f.variant)
					t.better++
				case -1:
					worse.add(f.metric, f.variant)
					t.worse++
				default:
					other.add(f.metric, f.variant)
					t.other++
				}
			}
			if t.better+t.worse+t.other == 0 {
				continue
			}
			s := fmt.Sprintf("`%s=%s`:", k, v)
			if len(better) > 0 {
				s += " better on " + better.String() + "."
			}
			if len(worse) > 0 {
				s += " worse on " + worse.String() + "."
			}
			if len(other) > 0 {
				s += " different on " + other.String() + "."
			}
			items = append(items, s)
		}
		sub := &page.Section{Title: k}
		if len(items) == 0 {
			sub.Add(page.Para(fmt.Sprintf("No value of `%s` (%s) differs from defaults on a headline metric: under these failures it changes none of them.", k, strings.Join(values, ", "))))
		} else {
			sub.Add(page.List(items))
			var pick []string
			for _, v := range values {
				if t := counts[v]; t.better > 0 && t.worse == 0 {
					pick = append(pick, fmt.Sprintf("`%s=%s` (better in %d finding%s, worse in none)", k, v, t.better, plural(t.better)))
				}
			}
			if len(pick) > 0 {
				sub.Add(page.Para("Recommended over the default, for these failures, this workload and these seeds: " + strings.Join(pick, "; ") + "."))
			} else {
				sub.Add(page.Para(fmt.Sprintf("Keep the default: no value of `%s` tried is better on some headline metric without being worse on another.", k)))
			}
		}
		sec.Sub = append(sec.Sub, sub)
	}
	return sec
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// grouped lists metrics with the variants each appears under, in order.
type grouped []struct {
	metric   string
	variants []string
}

func (g *grouped) add(metric, variant string) {
	for i := range *g {
		if (*g)[i].metric == metric {
			(*g)[i].variants = append((*g)[i].variants, variantName(variant))
			return
		}
	}
	*g = append(*g, struct {
		metric   string
		variants []string
	}{metric, []string{variantName(variant)}})
}

func (g grouped) String() string {
	var parts []string
	for _, e := range g {
		parts = append(parts, fmt.Sprintf("`%s` (%s)", e.metric, strings.Join(e.variants, ", ")))
	}
	return strings.Join(parts, ", ")
}

var unsafe = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

type plotOut struct {
	figure figure
	block  page.Block
}

// plots draws the metric against each swept key: its values (after
// defaults) on the x axis, one series per variant and per setting of
// the other keys of its grid (none for a one-key grid).
func (r *reporter) plots(metric string) ([]plotOut, error) {
	def, _ := metrics.Lookup(metric)
	var keys []string
	for _, c := range r.p.Cells {
		for _, st := range c.Point {
			if !slices.Contains(keys, st.Key) {
				keys = append(keys, st.Key)
			}
		}
	}
	var out []plotOut
	for _, k := range keys {
		cats := []string{"defaults"}
		var rests []string
		for _, c := range r.p.Cells {
			v, ok := c.Point.Map()[k]
			if !ok {
				continue
			}
			if !slices.Contains(cats, v) {
				cats = append(cats, v)
			}
			if rest := c.Point.without(k).Label(); !slices.Contains(rests, rest) {
				rests = append(rests, rest)
			}
		}
		ip := page.IntervalPlot{Title: metric + " against " + k, XLabel: k, Categories: cats}
		ip.YLabel = def.Unit
		if def.Kind == metrics.Rate {
			ip.YLabel, ip.YMax = "% of runs", 100
		}
		any := false
		for _, v := range r.p.Spec.Variants {
			for _, rest := range rests {
				name := variantName(v)
				if rest != "defaults" {
					name += " · " + rest
				}
				s := page.Series{Name: name}
				for ci, cat := range cats {
					var c CellSummary
					ok := false
					if ci == 0 {
						c, ok = r.cell(v, "defaults")
						ok = ok && rest == "defaults"
					} else {
						c, ok = r.cellWith(v, k, cat, rest)
					}
					e, ok2 := c.Metrics[metric]
					if !ok || !ok2 || !e.Defined() {
						s.Values = append(s.Values, page.Interval{})
						continue
					}
					y, lo, hi := e.Value()
					if def.Kind == metrics.Rate {
						y, lo, hi = 100*y, 100*lo, 100*hi
					}
					s.Values = append(s.Values, page.Interval{Y: y, Lo: lo, Hi: hi, Defined: true})
					any = true
				}
				ip.Series = append(ip.Series, s)
			}
		}
		if !any {
			continue
		}
		svg, err := ip.SVG()
		if err != nil {
			return nil, err
		}
		png, err := ip.PNG()
		if err != nil {
			return nil, err
		}
		base := PlotDir + "/" + unsafe.ReplaceAllString(metric, "_") + "--" + unsafe.ReplaceAllString(k, "_")
		out = append(out, plotOut{
			figure: figure{base: base, svg: svg, png: png},
			block:  page.Figure{Caption: fmt.Sprintf("`%s` against `%s` (95 %% intervals)", metric, k), File: base + ".png", SVG: svg},
		})
	}
	return out, nil
}

// cellWith finds the variant's cell whose point sets key to value and
// whose other settings read rest.
func (r *reporter) cellWith(variant, key, value, rest string) (CellSummary, bool) {
	for _, c := range r.sum {
		pt := r.p.Cells[c.cell].Point
		if c.Variant == variant && c.Point[key] == value && pt.without(key).Label() == rest {
			if _, ok := c.Point[key]; ok {
				return c, true
			}
		}
	}
	return CellSummary{}, false
}

func (r *reporter) runsSection() *page.Section {
	sec := &page.Section{Title: "Runs"}
	t := page.Table{Head: []string{"variant", "point", "runs", "outcomes"}, Right: []bool{false, false, true, false}}
	for _, c := range r.sum {
		var oc []string
		for _, k := range slices.Sorted(maps.Keys(c.Outcomes)) {
			oc = append(oc, fmt.Sprintf("%s %d", k, c.Outcomes[k]))
		}
		t.Rows = append(t.Rows, []string{variantName(c.Variant), "`" + c.Label + "`", fmt.Sprint(c.Runs), strings.Join(oc, ", ")})
	}
	sec.Add(page.Para("Every run is a line of runs.jsonl (its inputs, trace hash, counters, fates, verdicts, steps and metrics); summary.json has every estimate. A run ends at the horizon, when every program is done, or budget-exhausted (its verdicts are then unknown)."), t)
	sec.Add(page.Para("To run it again, byte for byte:"), page.Code(r.p.Spec.Command()))
	return sec
}
