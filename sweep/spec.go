package sweep

import (
	"fmt"
	"strconv"
	"strings"

	"rmqsim/model"
	"rmqsim/scenarios"
)

// Setting is one key set to a value as written ("client.connectTimeoutMillis" = "1s").
type Setting struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Point is one point of the grid: settings applied on top of the
// scenario (none: the scenario's own, "defaults").
type Point []Setting

// Label is the point as "k=v, k=v" ("defaults" for none).
func (p Point) Label() string {
	if len(p) == 0 {
		return "defaults"
	}
	var b []string
	for _, s := range p {
		b = append(b, s.Key+"="+s.Value)
	}
	return strings.Join(b, ", ")
}

// Map is the point as {key: value}, the runs.jsonl form.
func (p Point) Map() map[string]string {
	m := map[string]string{}
	for _, s := range p {
		m[s.Key] = s.Value
	}
	return m
}

// Axis is one swept key and its values, as written.
type Axis struct {
	Key    string   `json:"key"`
	Values []string `json:"values"`
}

// Grid is a cross product of axes, optionally for some variants only.
type Grid struct {
	Axes []Axis `json:"axes"`
	// Variants the grid applies to; empty: all of the sweep's.
	Variants []string `json:"variants,omitempty"`
}

// Seeds is an inclusive range of root seeds.
type Seeds struct {
	From uint64 `json:"from"`
	To   uint64 `json:"to"`
}

// ParseSeeds reads "A..B" (or "N" for one seed), 1 ≤ A ≤ B.
func ParseSeeds(s string) (Seeds, error) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), "..")
	if !ok {
		b = a
	}
	from, err1 := strconv.ParseUint(a, 10, 64)
	to, err2 := strconv.ParseUint(b, 10, 64)
	switch {
	case err1 != nil || err2 != nil:
		return Seeds{}, fmt.Errorf("seeds %q: want A..B with whole numbers, e.g. 1..16", s)
	case from < 1:
		return Seeds{}, fmt.Errorf("seeds %q: seeds start at 1", s)
	case to < from:
		return Seeds{}, fmt.Errorf("seeds %q: the range is empty (%d > %d)", s, from, to)
	}
	return Seeds{From: from, To: to}, nil
}

// Count is how many seeds the range holds.
func (s Seeds) Count() int { return int(s.To - s.From + 1) }

func (s Seeds) String() string { return fmt.Sprintf("%d..%d", s.From, s.To) }

// ParseAxis reads a -grid flag, "key=v1,v2,...". The key must be a
// parameter (`simulate params`) or a scenario knob, and each value must
// be one the key accepts.
func ParseAxis(s string) (Axis, error) {
	k, vs, ok := strings.Cut(s, "=")
	k = strings.TrimSpace(k)
	if !ok || k == "" {
		return Axis{}, fmt.Errorf("-grid %q: want key=v1,v2,..., e.g. client.pollNameServerInterval=10s,30s", s)
	}
	ax := Axis{Key: k}
	for _, v := range strings.Split(vs, ",") {
		ax.Values = append(ax.Values, strings.TrimSpace(v))
	}
	return ax, CheckAxis(ax)
}

// CheckAxis validates an axis's key and values.
func CheckAxis(ax Axis) error {
	if len(ax.Values) == 0 {
		return fmt.Errorf("grid key %s: no values", ax.Key)
	}
	seen := map[string]bool{}
	for _, v := range ax.Values {
		if v == "" {
			return fmt.Errorf("grid key %s: empty value in %q", ax.Key, strings.Join(ax.Values, ","))
		}
		if seen[v] {
			return fmt.Errorf("grid key %s: value %q given twice", ax.Key, v)
		}
		seen[v] = true
		if err := CheckSetting(Setting{ax.Key, v}); err != nil {
			return err
		}
	}
	return nil
}

// CheckSetting validates one key=value: a parameter with a value of its
// type, or a scenario knob (whose values the scenario checks when it is
// applied).
func CheckSetting(s Setting) error {
	if scenarios.IsKnob(s.Key) || s.Key == "variant" {
		return nil
	}
	cfg := model.DefaultConfig()
	if err := cfg.Set(s.Key, s.Value); err != nil {
		return fmt.Errorf("grid key %s=%s: %v (scenario knobs: %s)", s.Key, s.Value, err, strings.Join(scenarios.Knobs, ", "))
	}
	return nil
}

// Points is the grid's points in order: the cross product of the axes,
// the first axis varying slowest.
func (g Grid) Points() []Point {
	pts := []Point{{}}
	for _, ax := range g.Axes {
		var next []Point
		for _, p := range pts {
			for _, v := range ax.Values {
				q := append(append(Point(nil), p...), Setting{ax.Key, v})
				next = append(next, q)
			}
		}
		pts = next
	}
	return pts
}

// without is the point minus key.
func (p Point) without(key string) Point {
	var out Point
	for _, s := range p {
		if s.Key != key {
			out = append(out, s)
		}
	}
	return out
}
