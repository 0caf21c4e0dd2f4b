package sweep

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"rmqsim/metrics"
	"rmqsim/shard"
	"rmqsim/stats"
)

// Estimate is one metric over a cell's runs: a rate (Wilson interval)
// or a distribution (bootstrap interval of the mean).
type Estimate struct {
	Rate *stats.Rate `json:"rate,omitempty"`
	Dist *stats.Dist `json:"distribution,omitempty"`
}

// Defined reports whether the estimate has at least one run to stand on.
func (e Estimate) Defined() bool {
	return (e.Rate != nil && e.Rate.N > 0) || (e.Dist != nil && e.Dist.N > 0)
}

// Value, Lo and Hi are the estimate and its interval (p for a rate, the
// mean for a distribution).
func (e Estimate) Value() (v, lo, hi float64) {
	if e.Rate != nil {
		return e.Rate.P, e.Rate.Lo, e.Rate.Hi
	}
	return e.Dist.Mean, e.Dist.Lo, e.Dist.Hi
}

// CellSummary is summary.json's entry for one (variant, point).
type CellSummary struct {
	Variant string              `json:"variant"`
	Point   map[string]string   `json:"point"`
	Label   string              `json:"label"`
	Runs    int                 `json:"runs"`
	Metrics map[string]Estimate `json:"metrics"`
	// Outcomes counts the runs by how they ended (horizon, done,
	// budget-exhausted): a budget-exhausted run's verdicts are unknown.
	Outcomes map[string]int `json:"outcomes"`
	cell     int
}

// readFolder reads a sweep folder's plan and run lines.
func readFolder(dir string) (*Plan, []RunLine, error) {
	var p Plan
	if err := readJSON(filepath.Join(dir, PlanFile), &p); err != nil {
		return nil, nil, err
	}
	raw, err := shard.ReadLines(filepath.Join(dir, RunsFile))
	if err != nil {
		return nil, nil, err
	}
	lines := make([]RunLine, len(raw))
	for i, r := range raw {
		if err := json.Unmarshal(r.Data, &lines[i]); err != nil {
			return nil, nil, fmt.Errorf("%s:%d: %w", filepath.Join(dir, RunsFile), i+1, err)
		}
		if lines[i].Run < 0 || lines[i].Run >= p.Jobs {
			return nil, nil, fmt.Errorf("%s:%d: run %d is outside the sweep's %d jobs", filepath.Join(dir, RunsFile), i+1, lines[i].Run, p.Jobs)
		}
	}
	return &p, lines, nil
}

// Summarise gives each cell with at least one run its estimates, in
// cell order. A metric's bootstrap seed is a hash of (variant, point,
// metric), so an estimate depends on its runs alone.
func Summarise(p *Plan, lines []RunLine) []CellSummary {
	byCell := make([][]RunLine, len(p.Cells))
	for _, l := range lines {
		c := p.cellOf(l.Run)
		byCell[c] = append(byCell[c], l)
	}
	var out []CellSummary
	for ci, ls := range byCell {
		if len(ls) == 0 {
			continue
		}
		c := p.Cells[ci]
		cs := CellSummary{Variant: c.Variant, Point: c.Point.Map(), Label: c.Label, Runs: len(ls),
			Metrics: map[string]Estimate{}, Outcomes: map[string]int{}, cell: ci}
		names := map[string]bool{}
		for _, l := range ls {
			cs.Outcomes[l.Outcome]++
			for n := range l.Metrics {
				names[n] = true
			}
		}
		for n := range names {
			def, ok := metrics.Lookup(n)
			if !ok {
				continue // a metric of an older catalogue: runs.jsonl keeps it, the summary does not
			}
			if def.Kind == metrics.Rate {
				k, total := 0, 0
				for _, l := range ls {
					if v, ok := l.Metrics[n]; ok && v.Defined {
						total++
						if v.Yes {
							k++
						}
					}
				}
				r := stats.Wilson(k, total)
				cs.Metrics[n] = Estimate{Rate: &r}
				continue
			}
			var xs []float64
			missing := 0
			for _, l := range ls {
				if v, ok := l.Metrics[n]; ok && v.Defined {
					xs = append(xs, v.X)
				} else {
					missing++
				}
			}
			d := stats.Describe(xs, missing, seedOf(c.Variant, c.Label, n))
			cs.Metrics[n] = Estimate{Dist: &d}
		}
		out = append(out, cs)
	}
	return out
}

func seedOf(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

// metricNames is every metric some cell has, in catalogue order (the
// templates' instances by name within their template).
func metricNames(sum []CellSummary) []string {
	seen := map[string]bool{}
	for _, c := range sum {
		for n := range c.Metrics {
			seen[n] = true
		}
	}
	names := slices.Collect(maps.Keys(seen))
	slices.SortFunc(names, func(a, b string) int {
		if ia, ib := metrics.Index(a), metrics.Index(b); ia != ib {
			return ia - ib
		}
		return strings.Compare(a, b)
	})
	return names
}
