package report

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"rmqsim/explain"
	"rmqsim/metrics"
	"rmqsim/page"
	"rmqsim/scenarios"
)

// This file is the generic incident report: any scenario whose file
// carries `observed:` and `claims:` (scenarios/observed.go) gets, over
// its variants and seeds, the observation × variant marks, outcome
// classes and what sets them apart, each claim's verdict with the
// mechanism from package explain, every message's fate and causes,
// example chains, timelines, fits of free moments, and how to rerun. It
// knows no step, number or sentence of any particular incident.

// IncidentRun is one run digested for the incident report: the report's
// Run and the run's metrics (docs/metrics.md).
type IncidentRun struct {
	*Run
	Metrics metrics.Set
}

// NewIncidentRun digests a result with the metrics every run has and
// the detail metrics named in extra; it only reads res.
func NewIncidentRun(res *scenarios.Result, extra ...string) *IncidentRun {
	return &IncidentRun{Run: NewRun(res), Metrics: metrics.Of(res, extra...)}
}

// IncidentMetrics are the metric names the scenario's observations and
// claims read, for NewIncidentRun.
func IncidentMetrics(sc *scenarios.Scenario) []string {
	var out []string
	for _, o := range sc.Observed {
		out = append(out, o.Metric)
		if o.Of != "" {
			out = append(out, o.Of)
		}
	}
	for _, c := range sc.Claims {
		for _, p := range c.Predicates {
			out = append(out, p.Metric)
			if p.Other != "" {
				out = append(out, p.Other)
			}
		}
	}
	return out
}

// CheckIncident checks what the scenario loader leaves to the metrics
// catalogue: every observation's and claim's metric names, and the step
// or program a template names. Its error is scenarios.Problems.
func CheckIncident(sc *scenarios.Scenario) error {
	steps := map[string]bool{}
	for _, s := range sc.Steps {
		steps[s.Name] = true
	}
	progs := map[string]bool{}
	for _, p := range sc.Programs.Producers {
		progs[p.Name] = true
	}
	var ps scenarios.Problems
	bad := func(src scenarios.Pos, key string, f string, a ...any) {
		ps = append(ps, scenarios.Problem{File: sc.Path, Line: src.LineOf(key), Field: src.Field(key), Msg: fmt.Sprintf(f, a...)})
	}
	brokers := map[string]bool{}
	for _, b := range sc.Cluster.Brokers {
		brokers[b.BrokerName] = true
	}
	known := func(name string) string {
		_, parts, ok := metrics.Match(name)
		if !ok {
			return fmt.Sprintf("unknown metric %q (docs/metrics.md lists them)", name)
		}
		for _, c := range []struct {
			part, what string
			have       map[string]bool
		}{{"step", "step", steps}, {"program", "producer program", progs}, {"broker", "broker", brokers}} {
			if v, ok := parts[c.part]; ok && !c.have[v] {
				return fmt.Sprintf("metric %q names no %s %q of the scenario (have: %s)", name, c.what, v, strings.Join(slices.Sorted(maps.Keys(c.have)), ", "))
			}
		}
		if q, ok := parts["queue"]; ok {
			if n, err := strconv.Atoi(q); err != nil || n < 0 {
				return fmt.Sprintf("metric %q: queue %q is not a queue id (0, 1, …)", name, q)
			}
		}
		return ""
	}
	faults := map[string]bool{}
	for _, f := range sc.Faults {
		if f.Name != "" {
			faults[f.Name] = true
		}
	}
	for _, o := range sc.Observed {
		if o.Fit != nil && o.Fit.Param == "" && !faults[o.Fit.Fault] {
			bad(o.Fit.Src, "fault", "no fault named %q (have: %s)", o.Fit.Fault, strings.Join(slices.Sorted(maps.Keys(faults)), ", "))
		}
		if o.Fit != nil && o.Fit.Variant != "" && !slices.Contains(sc.VariantNames(), o.Fit.Variant) {
			bad(o.Fit.Src, "variant", "no variant %q (have: %s)", o.Fit.Variant, strings.Join(sc.VariantNames(), ", "))
		}
		if msg := known(o.Metric); msg != "" {
			bad(o.Src, "metric", "%s", msg)
		}
		if o.Of != "" {
			if msg := known(o.Of); msg != "" {
				bad(o.Src, "of", "%s", msg)
			}
		}
	}
	for _, c := range sc.Claims {
		for _, p := range c.Predicates {
			for _, m := range []string{p.Metric, p.Other} {
				if m == "" {
					continue
				}
				if msg := known(m); msg != "" {
					bad(c.Src, "holds", "%s", msg)
				}
			}
		}
	}
	if len(ps) > 0 {
		return ps
	}
	return nil
}

// Marks of an observation against a run.
const (
	incYes   = "✓" // the observed value
	incShape = "≈" // the same shape (none / some / all), another number
	incNo    = "✗" // not reproduced
	incNone  = "–" // the run cannot show it
)

// value is a metric of a run as a number (a rate's true is 1).
func metricValue(m metrics.Set, name string) (float64, bool) {
	v, ok := m[name]
	if !ok || !v.Defined {
		return 0, false
	}
	if v.Kind == metrics.Rate {
		if v.Yes {
			return 1, true
		}
		return 0, true
	}
	return v.X, true
}

// observedClass is the shape (none / some / all) the observation itself has.
func observedClass(o scenarios.Observation) string {
	s := o.Shape
	switch s.Kind {
	case "number":
		return scenarios.Class(s.X, 0, false)
	case "range":
		if s.X == 0 && s.Y == 0 {
			return "none"
		}
		if s.X > 0 {
			return "some"
		}
	case "compare":
		if (s.Op == ">" && s.X >= 0) || (s.Op == ">=" && s.X > 0) {
			return "some"
		}
		if (s.Op == "<=" || s.Op == "==") && s.X == 0 {
			return "none"
		}
	case "all":
		return "all"
	case "partial":
		return "some"
	case "none":
		return "none"
	}
	return ""
}

// markOf reads an observation from a run: the mark and the value shown.
func markOf(o scenarios.Observation, r *IncidentRun) (string, string) {
	if o.Step != "" {
		started := false
		for _, s := range r.Steps {
			if s.Name == o.Step {
				started = s.Started
			}
		}
		if !started {
			return incNone, "step never came"
		}
	}
	v, ok := metricValue(r.Metrics, o.Metric)
	if !ok {
		return incNone, "undefined"
	}
	whole, hasWhole := 0.0, false
	if o.Of != "" {
		whole, hasWhole = metricValue(r.Metrics, o.Of)
	}
	text := num(int(v))
	if v != float64(int(v)) {
		text = strconv.FormatFloat(v, 'g', 4, 64)
	}
	if r.Metrics[o.Metric].Kind == metrics.Rate {
		text = map[bool]string{true: "yes", false: "no"}[v != 0]
	}
	if hasWhole {
		text += " of " + num(int(whole))
	}
	switch {
	case o.Shape.Holds(v, whole):
		return incYes, text
	case o.Shape.Kind != "bool" && observedClass(o) != "" && scenarios.Class(v, whole, hasWhole) == observedClass(o):
		return incShape, text
	}
	return incNo, text
}

// Reproduces reports whether the run shows the observation's value (✓).
func Reproduces(o scenarios.Observation, r *IncidentRun) bool {
	m, _ := markOf(o, r)
	return m == incYes
}

// incidentClass is one outcome class of a variant: the seeds whose runs
// got the same mark on every observation.
type incidentClass struct {
	label string
	key   string
	runs  []*IncidentRun
}

// incidentVariant is one variant's runs and classes.
type incidentVariant struct {
	name    string
	runs    []*IncidentRun
	classes []*incidentClass
}

func classesOf(sc *scenarios.Scenario, runs []*IncidentRun) []*incidentClass {
	var out []*incidentClass
	for _, r := range runs {
		var marks []string
		for _, o := range sc.Observed {
			m, _ := markOf(o, r)
			marks = append(marks, m)
		}
		key := strings.Join(marks, "")
		i := slices.IndexFunc(out, func(c *incidentClass) bool { return c.key == key })
		if i < 0 {
			out = append(out, &incidentClass{label: classLabel(len(out)), key: key})
			i = len(out) - 1
		}
		out[i].runs = append(out[i].runs, r)
	}
	return out
}

// FitResult is a fit's search: for each moment, the seeds that
// reproduce the observation (✓) out of Seeds.
type FitResult struct {
	Observation int
	Variant     string
	Moments     []string
	Reproduced  [][]uint64
	Seeds       int
}

// IncidentInput is everything the incident report is written from.
type IncidentInput struct {
	Scenario *scenarios.Scenario
	// Command reruns the report (without -out).
	Command string
	Runs    []*IncidentRun
	Fits    []FitResult
}

// WriteIncident writes dir/<scenario>/REPORT.md, report.html and the
// classes' timelines.
func WriteIncident(dir string, in IncidentInput) error {
	sc := in.Scenario
	if len(in.Runs) == 0 {
		return fmt.Errorf("report: no runs of %s", sc.Name)
	}
	out := filepath.Join(dir, sc.Name)
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	if err := removeOldPlots(out); err != nil {
		return err
	}
	var vs []*incidentVariant
	for _, r := range in.Runs {
		if len(vs) == 0 || vs[len(vs)-1].name != r.Variant {
			vs = append(vs, &incidentVariant{name: r.Variant})
		}
		vs[len(vs)-1].runs = append(vs[len(vs)-1].runs, r)
	}
	for _, v := range vs {
		v.classes = classesOf(sc, v.runs)
	}
	w := &incidentWriter{sc: sc, in: in, vs: vs, dir: out}
	doc, err := w.doc()
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "REPORT.md"), append(page.Markdown(doc), '\n'), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(out, "report.html"), page.HTML(doc), 0o644)
}

type incidentWriter struct {
	sc  *scenarios.Scenario
	in  IncidentInput
	vs  []*incidentVariant
	dir string
}

func vname(v string) string {
	if v == "" {
		return "(base)"
	}
	return v
}

func obsName(o scenarios.Observation) string {
	if o.Name != "" {
		return o.Name
	}
	return o.Metric
}

func (w *incidentWriter) doc() (page.Doc, error) {
	sc := w.sc
	d := page.Doc{Title: "Incident: " + sc.Name}
	if sc.Description != "" {
		d.Intro = append(d.Intro, page.Para(joinFields(sc.Description)))
	}
	seeds := len(w.vs[0].runs)
	d.Intro = append(d.Intro, page.Para(fmt.Sprintf(
		"%d variants (readings of what the incident leaves open) × %d seeds each. Each observation is read from every run: %s its value, %s the same shape (none, some, all) with another number, %s not reproduced, %s the run cannot show it. Metrics are defined in docs/metrics.md.",
		len(w.vs), seeds, incYes, incShape, incNo, incNone)))

	// Observations × variants.
	t := page.Table{Head: []string{"observation", "step", "observed", "read from", "source"}}
	for _, v := range w.vs {
		t.Head = append(t.Head, vname(v.name))
	}
	for _, o := range sc.Observed {
		read := o.Read
		if read == "" {
			read = "logs"
		}
		val := "`" + o.Value + "`"
		if o.Of != "" {
			val += " of `" + o.Of + "`"
		}
		row := []string{"**" + obsName(o) + "** (`" + o.Metric + "`)", o.Step, val, read, o.Source}
		for _, v := range w.vs {
			row = append(row, w.tally(o, v.runs))
		}
		t.Rows = append(t.Rows, row)
	}
	obsSec := (&page.Section{Title: "Observations"}).Add(
		page.Para("Each observation against each variant: how many seeds give each mark, then the values the runs showed (with how many seeds gave each)."), t)
	obsSec.Sub = append(obsSec.Sub, w.readingsSection())
	d.Sections = append(d.Sections, obsSec)

	// Claims.
	cs := &page.Section{Title: "Claims"}
	for _, c := range sc.Claims {
		sec := &page.Section{Title: claimTitle(c)}
		var preds []string
		for _, h := range c.Holds {
			preds = append(preds, "`"+h+"`")
		}
		sec.Add(page.Para(fmt.Sprintf("\"%s\" is true of a run when %s.", joinFields(c.Text), strings.Join(preds, " and "))))
		var items []string
		for _, v := range w.vs {
			items = append(items, w.claimVerdict(c, v))
		}
		sec.Add(page.List(items))
		cs.Sub = append(cs.Sub, sec)
	}
	if len(sc.Claims) == 0 {
		cs.Add(page.Para("The scenario states no claims."))
	}
	d.Sections = append(d.Sections, cs)

	if len(w.in.Fits) > 0 {
		d.Sections = append(d.Sections, w.fitSection())
	}

	// Per variant: classes, what sets them apart, fates, causes, chains, timelines.
	vsec := &page.Section{Title: "Variants"}
	for _, v := range w.vs {
		sec, err := w.variantSection(v)
		if err != nil {
			return d, err
		}
		vsec.Sub = append(vsec.Sub, sec)
	}
	d.Sections = append(d.Sections, vsec)

	rerun := &page.Section{Title: "How to rerun"}
	rerun.Add(page.Para("This report, byte for byte:"), page.Code(w.in.Command+" -out DIR"),
		page.Para("One run of it, with its trace, history and explanation:"),
		page.Code(fmt.Sprintf("simulate run %s -variant %s -seed %d -out DIR\nsimulate explain %s -variant %s -seed %d",
			sc.Path, vname(w.vs[0].name), w.vs[0].runs[0].Seed, sc.Path, vname(w.vs[0].name), w.vs[0].runs[0].Seed)))
	d.Sections = append(d.Sections, rerun)
	return d, nil
}

// readingsSection turns the observation table around: per observation,
// the variants (readings) whose seeds reproduce it or give its shape.
func (w *incidentWriter) readingsSection() *page.Section {
	t := page.Table{Head: []string{"observation", "observed", incYes + " under", incShape + " under"}}
	for _, o := range w.sc.Observed {
		t.Rows = append(t.Rows, []string{"**" + obsName(o) + "**", "`" + o.Value + "`", w.readingsWith(o, incYes), w.readingsWith(o, incShape)})
	}
	return (&page.Section{Title: "Under which readings each observation is reproduced"}).Add(
		page.Para(fmt.Sprintf("Each observation with the variants whose seeds give it (%s) or its shape (%s), and in how many of their seeds.", incYes, incShape)), t)
}

// readingsWith lists the variants with seeds marked mark on o.
func (w *incidentWriter) readingsWith(o scenarios.Observation, mark string) string {
	var out []string
	every := true
	for _, v := range w.vs {
		n := 0
		for _, r := range v.runs {
			if m, _ := markOf(o, r); m == mark {
				n++
			}
		}
		every = every && n == len(v.runs)
		if n > 0 {
			out = append(out, fmt.Sprintf("%s %d/%d", vname(v.name), n, len(v.runs)))
		}
	}
	switch {
	case len(out) == 0:
		return "none"
	case every && len(w.vs) > 1:
		return "every variant, every seed"
	}
	return strings.Join(out, "; ")
}

func claimTitle(c scenarios.Claim) string {
	if c.Name != "" {
		return c.Name
	}
	return joinFields(c.Text)
}

// tally is "✓ 12 · ≈ 4 — 365 (3), 512 (13)".
func (w *incidentWriter) tally(o scenarios.Observation, runs []*IncidentRun) string {
	counts := map[string]int{}
	var vals []string
	valCount := map[string]int{}
	for _, r := range runs {
		m, text := markOf(o, r)
		counts[m]++
		if valCount[text] == 0 {
			vals = append(vals, text)
		}
		valCount[text]++
	}
	var marks []string
	for _, m := range []string{incYes, incShape, incNo, incNone} {
		if counts[m] > 0 {
			marks = append(marks, fmt.Sprintf("%s %d", m, counts[m]))
		}
	}
	slices.SortStableFunc(vals, func(a, b string) int { return valCount[b] - valCount[a] })
	var vs []string
	for i, v := range vals {
		if i == 4 {
			vs = append(vs, fmt.Sprintf("%d other values", len(vals)-4))
			break
		}
		vs = append(vs, fmt.Sprintf("%s (%d)", v, valCount[v]))
	}
	return strings.Join(marks, " · ") + " — " + strings.Join(vs, ", ")
}

// claimVerdict says in how many seeds of a variant the claim holds and,
// from package explain, the run's leading causes.
func (w *incidentWriter) claimVerdict(c scenarios.Claim, v *incidentVariant) string {
	holds, undecided := 0, 0
	var holdSeeds, failSeeds []uint64
	for _, r := range v.runs {
		all, decided := true, true
		for _, p := range c.Predicates {
			h, ok := p.Eval(func(n string) (float64, bool) { return metricValue(r.Metrics, n) })
			decided = decided && ok
			all = all && h
		}
		switch {
		case !decided:
			undecided++
		case all:
			holds++
			holdSeeds = append(holdSeeds, r.Seed)
		default:
			failSeeds = append(failSeeds, r.Seed)
		}
	}
	n := len(v.runs)
	var verdict string
	switch {
	case undecided == n:
		verdict = "**cannot be read**: a metric it needs is undefined in every seed"
	case holds == n:
		verdict = fmt.Sprintf("**holds** in all %d seeds", n)
	case holds == 0 && undecided == 0:
		verdict = fmt.Sprintf("**does not hold** in any of the %d seeds", n)
	default:
		verdict = fmt.Sprintf("**depends on the seed**: holds in %d of %d (seeds %s), not in %d (seeds %s)", holds, n, seedsText(holdSeeds), len(failSeeds), seedsText(failSeeds))
		if undecided > 0 {
			verdict += fmt.Sprintf("; cannot be read in %d", undecided)
		}
	}
	// The mechanism: the causes of the fates the claim is about, in the
	// first seed where it holds and the first where it does not.
	fates := claimFates(c)
	steps := claimSteps(c)
	bySeed := map[uint64]*IncidentRun{}
	for _, r := range v.runs {
		bySeed[r.Seed] = r
	}
	var mechs []string
	for _, side := range []struct {
		seeds []uint64
		word  string
	}{{holdSeeds, "holds"}, {failSeeds, "does not hold"}} {
		if len(side.seeds) == 0 {
			continue
		}
		r := bySeed[side.seeds[0]]
		causes := r.causes
		if len(steps) > 0 {
			causes = nil
			for _, st := range steps {
				causes = append(causes, r.stepCauses[st]...)
			}
		}
		var parts []string
		for _, cc := range causes {
			if fates[cc.Fate] && len(parts) < 2 {
				parts = append(parts, fmt.Sprintf("%s × %s", num(cc.Count), cc.Cause))
			}
		}
		if len(parts) == 0 {
			parts = []string{"no message has a fate the claim is about"}
			if len(steps) > 0 {
				parts = []string{fmt.Sprintf("no message of %s has a fate the claim is about", strings.Join(steps, ", "))}
			}
		}
		mechs = append(mechs, fmt.Sprintf("seed %d (%s): %s", r.Seed, side.word, strings.Join(parts, "; ")))
	}
	mech := ""
	if len(mechs) > 0 {
		mech = " Mechanism (package explain): " + strings.Join(mechs, ". ") + "."
	}
	return fmt.Sprintf("%s: %s.%s", vname(v.name), verdict, mech)
}

// claimSteps are the steps a claim's metrics name, in order: its
// mechanism is read from their messages only.
func claimSteps(c scenarios.Claim) []string {
	var out []string
	for _, p := range c.Predicates {
		for _, m := range []string{p.Metric, p.Other} {
			if _, parts, ok := metrics.Match(m); ok && parts["step"] != "" && !slices.Contains(out, parts["step"]) {
				out = append(out, parts["step"])
			}
		}
	}
	return out
}

// claimFates are the message fates a claim's metrics are about, whose
// causes explain it: sends for send metrics, losses for lost_acked,
// redeliveries for duplicates, what was not consumed for consumed.
func claimFates(c scenarios.Claim) map[explain.Fate]bool {
	out := map[explain.Fate]bool{}
	for _, p := range c.Predicates {
		for _, m := range []string{p.Metric, p.Other} {
			switch {
			case strings.Contains(m, "send_") || strings.Contains(m, "never_sent") || strings.Contains(m, "stall") || strings.Contains(m, "acked_in"):
				out[explain.SendFailed], out[explain.NeverSent], out[explain.StoredNotAcked] = true, true, true
			case strings.Contains(m, "lost_acked"):
				out[explain.AckedThenLost], out[explain.AckedNotConsumed] = true, true
			case strings.Contains(m, "duplicates"):
				out[explain.ConsumedMoreThanOnce] = true
			case strings.Contains(m, "consumed") || strings.Contains(m, "deliver"):
				out[explain.AckedNotConsumed], out[explain.AckedThenLost] = true, true
			}
		}
	}
	return out
}

func seedsText(s []uint64) string {
	var parts []string
	for i, x := range s {
		if i == 8 {
			parts = append(parts, "…")
			break
		}
		parts = append(parts, strconv.FormatUint(x, 10))
	}
	return strings.Join(parts, ", ")
}

func (w *incidentWriter) fitSection() *page.Section {
	sec := &page.Section{Title: "Fitting free quantities"}
	sec.Add(page.Para("An observation may name a quantity the incident does not give: a fault's moment (`at`) or a parameter. Each candidate value is run over the seeds; the set of values for which the observation is reproduced (✓) is the answer, or none is. Nothing else is changed."))
	for _, f := range w.in.Fits {
		o := w.sc.Observed[f.Observation]
		var hit []string
		t := page.Table{Head: []string{o.Fit.Quantity(), "seeds reproducing " + obsName(o)}, Right: []bool{false, true}}
		for i, m := range f.Moments {
			t.Rows = append(t.Rows, []string{"`" + m + "`", fmt.Sprintf("%d of %d", len(f.Reproduced[i]), f.Seeds)})
			if len(f.Reproduced[i]) > 0 {
				hit = append(hit, "`"+m+"`")
			}
		}
		what, span := o.Fit.Fault, fmt.Sprintf("`%s` to `%s`", f.Moments[0], f.Moments[len(f.Moments)-1])
		if o.Fit.Param != "" {
			what, span = o.Fit.Param, "`"+o.Fit.Values+"`"
		}
		sub := &page.Section{Title: fmt.Sprintf("%s: %s under %s", obsName(o), what, vname(f.Variant))}
		if o.Fit.Horizon > 0 {
			sub.Add(page.Para(fmt.Sprintf("Each run of this search ends at %s of virtual time.", o.Fit.Horizon.D())))
		}
		switch {
		case len(hit) == 0:
			sub.Add(page.Para(fmt.Sprintf("No candidate for %s from %s reproduces it in any seed.", o.Fit.Quantity(), span)))
		case len(hit) == len(f.Moments):
			sub.Add(page.Para(fmt.Sprintf("Every candidate for %s from %s reproduces it in some seed at least.", o.Fit.Quantity(), span)))
		default:
			sub.Add(page.Para(fmt.Sprintf("Reproduced (in some seed at least) at %d of %d values: %s.", len(hit), len(f.Moments), strings.Join(hit, ", "))))
		}
		sub.Add(t)
		sec.Sub = append(sec.Sub, sub)
	}
	return sec
}

func (w *incidentWriter) variantSection(v *incidentVariant) (*page.Section, error) {
	sec := &page.Section{Title: vname(v.name)}
	if d := v.runs[0].Description; d != "" {
		sec.Add(page.Para(d))
	}
	// Classes.
	ct := page.Table{Head: []string{"class", "seeds"}}
	for _, o := range w.sc.Observed {
		ct.Head = append(ct.Head, obsName(o))
	}
	for _, c := range v.classes {
		row := []string{c.label, seedList(incRuns(c.runs))}
		for _, o := range w.sc.Observed {
			m, text := markOf(o, c.runs[0])
			row = append(row, m+" "+text)
		}
		ct.Rows = append(ct.Rows, row)
	}
	sec.Add(page.Para(fmt.Sprintf("%d outcome class%s (seeds with the same mark on every observation; values from the class's lowest seed):", len(v.classes), map[bool]string{true: "", false: "es"}[len(v.classes) == 1])), ct)
	if apart := w.apart(v); len(apart) > 0 {
		sec.Add(page.Para("What sets the classes apart (facts of the client programs that are the same in every seed of a class and differ between classes):"), page.List(apart))
	}
	for _, c := range v.classes {
		rep := c.runs[0]
		sub := &page.Section{Title: fmt.Sprintf("%s, class %s (seed %d)", vname(v.name), c.label, rep.Seed)}
		var fates []string
		for _, f := range slices.Sorted(maps.Keys(rep.Fates)) {
			fates = append(fates, fmt.Sprintf("%s %s", num(rep.Fates[f]), f))
		}
		sub.Add(page.Para("Fates: " + strings.Join(fates, ", ") + "."))
		if len(rep.causes) > 0 {
			ct := page.Table{Head: []string{"messages", "fate", "cause"}, Right: []bool{true}}
			for _, cc := range rep.causes {
				ct.Rows = append(ct.Rows, []string{num(cc.Count), string(cc.Fate), cc.Cause})
			}
			sub.Add(ct)
		}
		for _, ex := range rep.examples {
			sub.Add(page.Details{Summary: fmt.Sprintf("%s: %s — %s", ex.key, ex.fate, ex.reason), Blocks: []page.Block{page.Code(strings.Join(ex.chain, "\n"))}})
		}
		fig, err := w.timeline(v, c)
		if err != nil {
			return nil, err
		}
		sub.Add(fig)
		sec.Sub = append(sec.Sub, sub)
	}
	return sec, nil
}

func incRuns(rs []*IncidentRun) []*Run {
	out := make([]*Run, len(rs))
	for i, r := range rs {
		out[i] = r.Run
	}
	return out
}

// apart lists program facts constant within each class that differ
// between classes.
func (w *incidentWriter) apart(v *incidentVariant) []string {
	if len(v.classes) < 2 {
		return nil
	}
	names := map[string]bool{}
	for _, r := range v.runs {
		for _, p := range r.programs {
			names[p.name] = true
		}
	}
	var out []string
	for _, name := range slices.Sorted(maps.Keys(names)) {
		for _, what := range []struct {
			label string
			get   func(*program) string
		}{{"first nameserver", (*program).choice}, {"ending", (*program).outcome}} {
			per := make([]string, len(v.classes))
			ok := true
			for i, c := range v.classes {
				for j, r := range c.runs {
					val := "—"
					for k := range r.programs {
						if r.programs[k].name == name {
							val = what.get(&r.programs[k])
						}
					}
					if j == 0 {
						per[i] = val
					} else if per[i] != val {
						ok = false
					}
				}
			}
			distinct := map[string]bool{}
			for _, p := range per {
				distinct[p] = true
			}
			if !ok || len(distinct) < 2 {
				continue
			}
			var parts []string
			for i, c := range v.classes {
				parts = append(parts, fmt.Sprintf("class %s: %s", c.label, per[i]))
			}
			out = append(out, fmt.Sprintf("`%s` %s — %s", name, what.label, strings.Join(parts, "; ")))
		}
	}
	return out
}

// timeline writes the class's representative's plot and returns its figure.
func (w *incidentWriter) timeline(v *incidentVariant, c *incidentClass) (page.Block, error) {
	rep := c.runs[0]
	base := "timeline-" + strings.ReplaceAll(vname(v.name), "(base)", "base")
	title := fmt.Sprintf("%s %s, seed %d", w.sc.Name, vname(v.name), rep.Seed)
	if len(v.classes) > 1 {
		base += "-" + strings.ToLower(c.label)
		title = fmt.Sprintf("%s %s, class %s (seed %d)", w.sc.Name, vname(v.name), c.label, rep.Seed)
	}
	var svg, png bytes.Buffer
	if err := WriteSVG(&svg, rep.timeline, title); err != nil {
		return nil, err
	}
	if err := WritePNG(&png, rep.timeline, title); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(w.dir, base+".svg"), svg.Bytes(), 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(w.dir, base+".png"), png.Bytes(), 0o644); err != nil {
		return nil, err
	}
	return page.Figure{Caption: title + ": sends and deliveries per second, nodes up and down, the console's view", File: base + ".png", SVG: svg.Bytes()}, nil
}
