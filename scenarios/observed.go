package scenarios

import (
	"fmt"
	"strconv"
	"strings"

	"rmqsim/model"
)

// Observation is one thing an incident's people saw, as data: a metric
// of the run (the names of docs/metrics.md) and the value they read. A
// report marks, per variant and seed, whether the run reproduces it.
//
//	observed:
//	  - name: E3 sent                   # a short label (default: the metric)
//	    step: E3                        # the step it was seen in (optional)
//	    metric: steps.E3.send_ok
//	    value: "367"                    # a number, A..B, a comparison ("> 0", "<= 5"),
//	                                    # true/false, or all/partial/none of `of`
//	    of: steps.E3.intended           # the whole, for all/partial/none
//	    read: logs                      # logs (default) or dashboard
//	    source: "only 367 of 10,000 were sent"
//	    fit: {variant: baseline, fault: ns01-init0, at: E3, from: 0s, to: 60s, step: 5s}
//
// fit names a free quantity to search when no reading reproduces the
// observation: the fault's `at` is set to `at + d` for d from..to by
// step, and the report gives the values for which it is reproduced. A
// fit may instead search a parameter over whole numbers, optionally on
// runs cut short (the quantity matters only early in the run):
//
//	fit: {variant: baseline, param: producer.sendWhichQueue, values: 0..31, horizon: 2m}
type Observation struct {
	Name   string `yaml:"name"`
	Step   string `yaml:"step"`
	Metric string `yaml:"metric"`
	Value  string `yaml:"value"`
	Of     string `yaml:"of"`
	Read   string `yaml:"read"`
	Source string `yaml:"source"`
	Fit    *Fit   `yaml:"fit"`
	Src    Pos    `yaml:"-"`

	// Shape is Value parsed.
	Shape Shape `yaml:"-"`
}

// Fit is a free quantity to search for an observation: a fault's
// moment, or a parameter's value.
type Fit struct {
	// Variant is the reading the search runs under ("" the base).
	Variant string   `yaml:"variant"`
	Fault   string   `yaml:"fault"`
	At      string   `yaml:"at"`
	From    Duration `yaml:"from"`
	To      Duration `yaml:"to"`
	Step    Duration `yaml:"step"`
	// Param and Values: a parameter (docs/parameters.md) and the whole
	// numbers A..B it is set to.
	Param  string `yaml:"param"`
	Values string `yaml:"values"`
	// Horizon, if set, cuts each of the fit's runs short.
	Horizon Duration `yaml:"horizon"`
	Src     Pos      `yaml:"-"`

	lo, hi int
}

// Moments are the fit's candidates in order: the fault's moments
// "at + d", or the parameter's values.
func (f *Fit) Moments() []string {
	var out []string
	if f.Param != "" {
		for v := f.lo; v <= f.hi; v++ {
			out = append(out, strconv.Itoa(v))
		}
		return out
	}
	// An absolute moment ("30s") takes its offsets directly: a time has
	// no "+" form (ParseWhen).
	w, err := ParseWhen(f.At)
	absolute := err == nil && w.Anchor == "" && !strings.Contains(f.At, "+")
	for d := f.From.D(); d <= f.To.D(); d += f.Step.D() {
		if absolute {
			out = append(out, (w.Offset + d).String())
			continue
		}
		out = append(out, fmt.Sprintf("%s + %s", f.At, d))
	}
	return out
}

// Quantity names what the fit moves: "the moment of `ns01-init0`".
func (f *Fit) Quantity() string {
	if f.Param != "" {
		return "`" + f.Param + "`"
	}
	return "the moment of `" + f.Fault + "`"
}

// maxFitCandidates bounds a fit's candidates (each is run over every seed).
const maxFitCandidates = 200

// Claim is one of an incident's conclusions in words, with the
// predicates over metrics that make it true (all of them).
//
//	claims:
//	  - name: nothing-flows
//	    text: when every nameserver is down, neither sending nor consuming works
//	    holds: [steps.E3.send_ok == 0, steps.E3.consumed == 0]
type Claim struct {
	Name  string   `yaml:"name"`
	Text  string   `yaml:"text"`
	Holds []string `yaml:"holds"`
	Src   Pos      `yaml:"-"`

	// Predicates is Holds parsed.
	Predicates []Predicate `yaml:"-"`
}

// Shape is an observed value: what a metric's value must be to
// reproduce it.
type Shape struct {
	// Kind: "number" (X), "range" (X..Y), "compare" (Op X), "bool" (Yes),
	// "all", "partial" or "none" (of a whole).
	Kind string
	Op   string
	X, Y float64
	Yes  bool
}

// Holds reports whether a value matches the shape; whole is the `of`
// metric's value (for all, partial, none).
func (s Shape) Holds(v, whole float64) bool {
	switch s.Kind {
	case "number":
		return v == s.X
	case "range":
		return v >= s.X && v <= s.Y
	case "compare":
		return compare(v, s.Op, s.X)
	case "bool":
		return (v != 0) == s.Yes
	case "all":
		return v == whole && whole > 0
	case "partial":
		return v > 0 && v < whole
	case "none":
		return v == 0
	}
	return false
}

// Class is the coarse shape of a value, for "same shape, another
// number" (≈): zero, some, all (of whole, when known).
func Class(v, whole float64, hasWhole bool) string {
	switch {
	case v == 0:
		return "none"
	case v < 0:
		return "negative"
	case hasWhole && v == whole:
		return "all"
	default:
		return "some"
	}
}

// Predicate is "metric op value" with value a number or another metric.
type Predicate struct {
	Metric string
	Op     string
	X      float64
	// Other is the right-hand metric ("" for a number).
	Other string
}

var ops = []string{"==", "!=", "<=", ">=", "<", ">"}

func compare(a float64, op string, b float64) bool {
	switch op {
	case "==":
		return a == b
	case "!=":
		return a != b
	case "<=":
		return a <= b
	case ">=":
		return a >= b
	case "<":
		return a < b
	case ">":
		return a > b
	}
	return false
}

// Eval is the predicate over a run's values (true is 1, false 0); ok is
// false when a metric is undefined.
func (p Predicate) Eval(get func(string) (float64, bool)) (holds, ok bool) {
	a, ok := get(p.Metric)
	if !ok {
		return false, false
	}
	b := p.X
	if p.Other != "" {
		if b, ok = get(p.Other); !ok {
			return false, false
		}
	}
	return compare(a, p.Op, b), true
}

// ParseShape reads an observation's value.
func ParseShape(s string) (Shape, error) {
	t := strings.TrimSpace(s)
	switch t {
	case "all", "partial", "none":
		return Shape{Kind: t}, nil
	case "true", "false":
		return Shape{Kind: "bool", Yes: t == "true"}, nil
	}
	for _, op := range ops {
		if rest, ok := strings.CutPrefix(t, op); ok {
			x, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
			if err != nil {
				return Shape{}, fmt.Errorf("want %s followed by a number, got %q", op, s)
			}
			return Shape{Kind: "compare", Op: op, X: x}, nil
		}
	}
	if a, b, ok := strings.Cut(t, ".."); ok {
		x, err1 := strconv.ParseFloat(strings.TrimSpace(a), 64)
		y, err2 := strconv.ParseFloat(strings.TrimSpace(b), 64)
		if err1 != nil || err2 != nil || y < x {
			return Shape{}, fmt.Errorf("want a range A..B with A ≤ B, got %q", s)
		}
		return Shape{Kind: "range", X: x, Y: y}, nil
	}
	x, err := strconv.ParseFloat(t, 64)
	if err != nil {
		return Shape{}, fmt.Errorf("want a number, A..B, a comparison (> 0), true/false, or all/partial/none, got %q", s)
	}
	return Shape{Kind: "number", X: x}, nil
}

// ParsePredicate reads "metric op value".
func ParsePredicate(s string) (Predicate, error) {
	for _, op := range ops {
		if a, b, ok := strings.Cut(s, " "+op+" "); ok {
			p := Predicate{Metric: strings.TrimSpace(a), Op: op}
			b = strings.TrimSpace(b)
			switch b {
			case "true":
				p.X = 1
			case "false":
				p.X = 0
			default:
				x, err := strconv.ParseFloat(b, 64)
				if err != nil {
					p.Other = b
				}
				p.X = x
			}
			if p.Metric == "" || b == "" || strings.ContainsAny(p.Metric+p.Other, " ") {
				break
			}
			return p, nil
		}
	}
	return Predicate{}, fmt.Errorf("want \"metric op value\" with op one of %s and spaces around it, e.g. \"steps.E3.send_ok == 0\", got %q", strings.Join(ops, " "), s)
}

// fit checks an observation's fit: a fault's moments or a parameter's
// values, not both.
func (v *validator) fit(f *Fit) {
	if f.Horizon < 0 {
		v.ps.at(f.Src, "horizon", "want a duration > 0, got %s", f.Horizon.D())
	}
	if f.Param != "" {
		if f.Fault != "" || f.At != "" || f.Step != 0 || f.From != 0 || f.To != 0 {
			v.ps.at(f.Src, "param", "a fit moves either a fault (fault, at, from, to, step) or a parameter (param, values), not both")
			return
		}
		cfg := model.DefaultConfig()
		if _, ok := cfg.Get(f.Param); !ok {
			v.ps.at(f.Src, "param", "unknown parameter %q (see 'simulate params' or docs/parameters.md)", f.Param)
		}
		a, b, ok := strings.Cut(f.Values, "..")
		lo, err1 := strconv.Atoi(strings.TrimSpace(a))
		hi, err2 := strconv.Atoi(strings.TrimSpace(b))
		switch {
		case !ok || err1 != nil || err2 != nil || hi < lo:
			v.ps.at(f.Src, "values", "want whole numbers A..B with A ≤ B, got %q", f.Values)
		case hi-lo+1 > maxFitCandidates:
			v.ps.at(f.Src, "values", "%d values to try; at most %d", hi-lo+1, maxFitCandidates)
		default:
			f.lo, f.hi = lo, hi
		}
		return
	}
	if f.Values != "" {
		v.ps.at(f.Src, "values", "values go with param (a parameter to search)")
	}
	// Whether the fault exists is checked by the report
	// (report.CheckIncident): a knob such as without= may remove it from
	// a run that never reads the observations.
	if f.Fault == "" {
		v.ps.at(f.Src, "fault", "required: the fault whose moment the fit moves (or param: a parameter)")
	}
	if _, err := ParseWhen(f.At); err != nil || f.At == "" {
		v.ps.at(f.Src, "at", "want a moment such as E3 or 30s, got %q", f.At)
	}
	if f.Step <= 0 || f.To < f.From {
		v.ps.at(f.Src, "step", "want from ≤ to and a step > 0 (from %s, to %s, step %s)", f.From.D(), f.To.D(), f.Step.D())
	} else if n := int((f.To.D()-f.From.D())/f.Step.D()) + 1; n > maxFitCandidates {
		v.ps.at(f.Src, "step", "%d moments to try; at most %d", n, maxFitCandidates)
	}
}

// observedAndClaims checks the two sections' shape; metric names are
// checked by package incident, which owns the catalogue's meaning.
func (v *validator) observedAndClaims() {
	steps := map[string]bool{}
	for _, st := range v.s.Steps {
		steps[st.Name] = true
	}
	for i := range v.s.Observed {
		o := &v.s.Observed[i]
		if o.Metric == "" {
			v.ps.at(o.Src, "metric", "required: the metric the observation reads (docs/metrics.md)")
		}
		if o.Step != "" && !steps[o.Step] {
			v.ps.at(o.Src, "step", "no step %q (have: %s)", o.Step, strings.Join(sortedNames(steps), ", "))
		}
		if o.Read != "" && o.Read != "logs" && o.Read != "dashboard" {
			v.ps.at(o.Src, "read", "want logs or dashboard, got %q", o.Read)
		}
		sh, err := ParseShape(o.Value)
		if err != nil {
			v.ps.at(o.Src, "value", "%v", err)
		}
		o.Shape = sh
		needsWhole := sh.Kind == "all" || sh.Kind == "partial"
		if needsWhole && o.Of == "" {
			v.ps.at(o.Src, "of", "required with value %s: the metric it is all or part of", sh.Kind)
		}
		if f := o.Fit; f != nil {
			v.fit(f)
		}
	}
	for i := range v.s.Claims {
		c := &v.s.Claims[i]
		if c.Text == "" {
			v.ps.at(c.Src, "text", "required: the claim in words")
		}
		if len(c.Holds) == 0 {
			v.ps.at(c.Src, "holds", "required: the predicates that make the claim true")
		}
		c.Predicates = nil
		for j, h := range c.Holds {
			p, err := ParsePredicate(h)
			if err != nil {
				v.ps.add(c.Src.LineOf("holds"), fmt.Sprintf("%s[%d]", c.Src.Field("holds"), j), "%v", err)
				continue
			}
			c.Predicates = append(c.Predicates, p)
		}
	}
}
