package sweep

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"rmqsim/metrics"
	"rmqsim/scenarios"
	"rmqsim/shard"
)

// Spec is a whole sweep as asked for: by `simulate sweep` flags or by a
// review file (LoadReview).
type Spec struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// File is the review file the spec came from, as given ("" for flags).
	File string `json:"file,omitempty"`
	// Scenario is the scenario as given: a listed name or a file path.
	Scenario string `json:"scenario"`
	Seeds    Seeds  `json:"seeds"`
	// Variants are the variants run, in order ("" is the base); empty:
	// every variant of the scenario (the base when it has none).
	Variants []string `json:"variants"`
	// Set is applied to every run before the point (review-wide settings).
	Set []Setting `json:"set,omitempty"`
	// Grids are the swept settings; each adds its points after defaults.
	Grids []Grid `json:"grids"`
	// Metrics are the headline metrics: plotted, and read for findings.
	// Empty: DefaultMetrics.
	Metrics   []string   `json:"metrics"`
	Questions []Question `json:"questions,omitempty"`
}

// Question is a review's question in words, with the metrics that answer it.
type Question struct {
	Text    string   `json:"text"`
	Metrics []string `json:"metrics"`
}

// DefaultMetrics are the headline metrics when a sweep names none.
var DefaultMetrics = []string{
	"runs.send_threw", "messages.never_sent", "messages.lost_acked", "messages.duplicates",
	"send_latency.p99_ms", "stall.longest_ms", "recovery.fault_to_send_ok_ms", "recovery.heal_to_last_delivery_ms",
}

// Cell is one (variant, point) of the sweep: Seeds.Count() runs.
type Cell struct {
	Variant string `json:"variant"`
	Point   Point  `json:"point"`
	Label   string `json:"label"`
	// Axis is the grid axis this point moves off defaults ("" for the
	// defaults point and for points of several axes).
	Axis string `json:"axis,omitempty"`
}

// Plan is a resolved spec: what sweep.json holds, and the scenario each
// cell runs. Job i is cell i / seeds, seed From + i % seeds.
type Plan struct {
	Spec        Spec   `json:"spec"`
	ScenarioID  string `json:"scenario_name"`
	Fingerprint string `json:"fingerprint"`
	Cells       []Cell `json:"cells"`
	Jobs        int    `json:"jobs"`

	specs []*scenarios.Scenario // per cell, knobs applied
	sets  [][]string            // per cell, configuration overrides
}

// Resolve checks the spec against the scenario and lays out its cells:
// per variant, defaults first, then each grid's points in order
// (a point two grids share is run once).
func Resolve(spec Spec, sc *scenarios.Scenario) (*Plan, error) {
	if spec.Seeds.Count() < 1 || spec.Seeds.From < 1 {
		return nil, fmt.Errorf("sweep %s: seeds %s: want A..B with 1 ≤ A ≤ B", spec.Name, spec.Seeds)
	}
	if len(spec.Variants) == 0 {
		spec.Variants = sc.VariantNames()
		if len(spec.Variants) == 0 {
			spec.Variants = []string{""}
		}
	}
	if len(spec.Metrics) == 0 {
		spec.Metrics = DefaultMetrics
	}
	for _, m := range spec.Metrics {
		if _, ok := metrics.Lookup(m); !ok {
			return nil, fmt.Errorf("sweep %s: unknown metric %q (see docs/metrics.md; have: %s)", spec.Name, m, metrics.Names())
		}
	}
	for _, q := range spec.Questions {
		for _, m := range q.Metrics {
			if _, ok := metrics.Lookup(m); !ok {
				return nil, fmt.Errorf("sweep %s: question %q: unknown metric %q", spec.Name, q.Text, m)
			}
		}
	}
	seen := map[string]bool{}
	for _, v := range spec.Variants {
		if seen[v] {
			return nil, fmt.Errorf("sweep %s: variant %q given twice", spec.Name, v)
		}
		seen[v] = true
	}
	for _, s := range spec.Set {
		if err := CheckSetting(s); err != nil {
			return nil, fmt.Errorf("sweep %s: set: %w", spec.Name, err)
		}
	}
	for gi, g := range spec.Grids {
		keys := map[string]bool{}
		for _, ax := range g.Axes {
			if keys[ax.Key] {
				return nil, fmt.Errorf("sweep %s: grid %d: key %s swept twice", spec.Name, gi+1, ax.Key)
			}
			keys[ax.Key] = true
			if err := CheckAxis(ax); err != nil {
				return nil, fmt.Errorf("sweep %s: grid %d: %w", spec.Name, gi+1, err)
			}
		}
		for _, v := range g.Variants {
			if !slices.Contains(spec.Variants, v) {
				return nil, fmt.Errorf("sweep %s: grid %d names variant %q, which the sweep does not run (runs: %s)", spec.Name, gi+1, v, strings.Join(spec.Variants, ", "))
			}
		}
	}
	p := &Plan{Spec: spec, ScenarioID: sc.Name}
	for _, v := range spec.Variants {
		labels := map[string]bool{}
		add := func(pt Point, axis string) error {
			if labels[pt.Label()] {
				return nil
			}
			labels[pt.Label()] = true
			run, sets, err := apply(sc, v, append(slices.Clone(p.Spec.Set), pt...))
			if err != nil {
				return fmt.Errorf("sweep %s: variant %q, point %s: %w", p.Spec.Name, v, pt.Label(), err)
			}
			p.Cells = append(p.Cells, Cell{Variant: v, Point: pt, Label: pt.Label(), Axis: axis})
			p.specs, p.sets = append(p.specs, run), append(p.sets, sets)
			return nil
		}
		if err := add(Point{}, ""); err != nil {
			return nil, err
		}
		for _, g := range spec.Grids {
			if len(g.Variants) > 0 && !slices.Contains(g.Variants, v) {
				continue
			}
			axis := ""
			if len(g.Axes) == 1 {
				axis = g.Axes[0].Key
			}
			for _, pt := range g.Points() {
				if err := add(pt, axis); err != nil {
					return nil, err
				}
			}
		}
	}
	p.Jobs = len(p.Cells) * spec.Seeds.Count()
	specJSON, err := json.Marshal(struct {
		Spec  Spec
		Cells []Cell
	}{p.Spec, p.Cells})
	if err != nil {
		return nil, err
	}
	p.Fingerprint = shard.Fingerprint(specJSON, sc.Source)
	return p, nil
}

// apply splits settings into scenario knobs, a variant switch and
// configuration overrides, and applies the first two to sc.
func apply(sc *scenarios.Scenario, variant string, settings []Setting) (*scenarios.Scenario, []string, error) {
	var knobs []scenarios.Knob
	var sets []string
	for _, s := range settings {
		switch {
		case s.Key == "variant":
			variant = s.Value
		case scenarios.IsKnob(s.Key):
			knobs = append(knobs, scenarios.Knob{Key: s.Key, Value: s.Value})
		default:
			sets = append(sets, s.Key+"="+s.Value)
		}
	}
	spec, err := sc.WithKnobs(variant, knobs)
	if err != nil {
		return nil, nil, err
	}
	return spec, sets, nil
}

// Job is job i's cell and seed.
func (p *Plan) Job(i int) (cell int, seed uint64) {
	n := p.Spec.Seeds.Count()
	return i / n, p.Spec.Seeds.From + uint64(i%n)
}

// Run runs job i: a pure function of the plan and i.
func (p *Plan) Run(i int) (*scenarios.Result, error) {
	c, seed := p.Job(i)
	return scenarios.Run(p.specs[c], scenarios.RunOptions{Variant: "", Seed: seed, Overrides: p.sets[c]})
}

// Apply returns the scenario and overrides that settings give on top of
// variant: what `simulate compare` runs for each side.
func Apply(sc *scenarios.Scenario, variant string, settings []Setting) (*scenarios.Scenario, []string, error) {
	for _, s := range settings {
		if err := CheckSetting(s); err != nil {
			return nil, nil, err
		}
	}
	return apply(sc, variant, settings)
}

// Command is the `simulate sweep` command line that runs the spec again.
func (s Spec) Command() string {
	if s.File != "" {
		return "simulate sweep -spec " + s.File + " -out DIR"
	}
	parts := []string{"simulate sweep", s.Scenario}
	for _, v := range s.Variants {
		parts = append(parts, "-variant "+quote(v))
	}
	for _, st := range s.Set {
		parts = append(parts, "-set "+quote(st.Key+"="+st.Value))
	}
	for _, g := range s.Grids {
		for _, ax := range g.Axes {
			parts = append(parts, "-grid "+quote(ax.Key+"="+strings.Join(ax.Values, ",")))
		}
	}
	parts = append(parts, "-seeds "+s.Seeds.String(), "-out DIR")
	return strings.Join(parts, " ")
}

// quote quotes a shell word when it needs it.
func quote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '-' || r == '_' || r == '.' || r == '=' || r == ',' || r == '/' || r == ':' || r == '+' ||
			(r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z'))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
