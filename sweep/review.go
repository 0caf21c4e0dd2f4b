package sweep

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"rmqsim/metrics"
	"rmqsim/scenarios"
)

// LoadReview reads a review file: a sweep as data.
//
//	name: failover-timeouts
//	description: what the review asks
//	scenario: failover-cluster.yaml      # a listed name, or a path relative to this file
//	seeds: 1..8
//	variants: [ns-power-off, ns-kill]    # optional: every variant
//	set: {key: value}                    # optional: applied to every run
//	metrics: [runs.send_threw, ...]      # the headline metrics
//	questions:
//	  - text: Does a shorter connect timeout help a running producer?
//	    metrics: [programs.running.send_threw]
//	grids:
//	  - vary: {client.connectTimeoutMillis: [1s, 10s]}
//	    variants: [ns-power-off]         # optional: the grid's variants
//
// Every error names the file, the line and the field.
func LoadReview(path string) (Spec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Spec{}, err
	}
	return ParseReview(path, data)
}

type reviewError struct {
	file  string
	line  int
	field string
	msg   string
}

func (e *reviewError) Error() string {
	return fmt.Sprintf("%s:%d: %s: %s", e.file, e.line, e.field, e.msg)
}

// ParseReview decodes a review file's bytes; path names it in errors
// and anchors its relative scenario path.
func ParseReview(path string, data []byte) (Spec, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return Spec{}, fmt.Errorf("%s: %v", path, err)
	}
	bad := func(n *yaml.Node, field, f string, a ...any) error {
		line := 0
		if n != nil {
			line = n.Line
		}
		return &reviewError{file: path, line: line, field: field, msg: fmt.Sprintf(f, a...)}
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return Spec{}, bad(&doc, "(top)", "want a mapping of name, scenario, seeds, metrics, grids, ...")
	}
	root := doc.Content[0]
	s := Spec{File: filepath.ToSlash(path)}
	str := func(n *yaml.Node, field string) (string, error) {
		if n.Kind != yaml.ScalarNode || n.Value == "" {
			return "", bad(n, field, "want a non-empty string")
		}
		return n.Value, nil
	}
	strs := func(n *yaml.Node, field string) ([]string, error) {
		if n.Kind != yaml.SequenceNode {
			return nil, bad(n, field, "want a list")
		}
		var out []string
		for i, c := range n.Content {
			v, err := str(c, fmt.Sprintf("%s[%d]", field, i))
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	}
	settings := func(n *yaml.Node, field string) ([]Setting, error) {
		if n.Kind != yaml.MappingNode {
			return nil, bad(n, field, "want a mapping of key: value")
		}
		var out []Setting
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			val, err := str(v, field+"."+k.Value)
			if err != nil {
				return nil, err
			}
			st := Setting{Key: k.Value, Value: val}
			if err := CheckSetting(st); err != nil {
				return nil, bad(v, field+"."+k.Value, "%v", err)
			}
			out = append(out, st)
		}
		return out, nil
	}
	type named struct {
		n     *yaml.Node
		field string
	}
	var variantNodes []named
	seen := map[string]bool{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if seen[k.Value] {
			return Spec{}, bad(k, k.Value, "given twice")
		}
		seen[k.Value] = true
		var err error
		switch k.Value {
		case "name":
			s.Name, err = str(v, "name")
		case "description":
			s.Description, err = str(v, "description")
		case "scenario":
			s.Scenario, err = str(v, "scenario")
			if err == nil && (strings.ContainsRune(s.Scenario, '/') || strings.HasSuffix(s.Scenario, ".yaml")) && !filepath.IsAbs(s.Scenario) {
				s.Scenario = filepath.ToSlash(filepath.Join(filepath.Dir(path), s.Scenario))
			}
		case "seeds":
			var t string
			if t, err = str(v, "seeds"); err == nil {
				if s.Seeds, err = ParseSeeds(t); err != nil {
					err = bad(v, "seeds", "%v", err)
				}
			}
		case "variants":
			s.Variants, err = strs(v, "variants")
			variantNodes = append(variantNodes, named{v, "variants"})
		case "set":
			s.Set, err = settings(v, "set")
		case "metrics":
			if s.Metrics, err = strs(v, "metrics"); err == nil {
				err = checkMetrics(v, "metrics", bad)
			}
		case "questions":
			if v.Kind != yaml.SequenceNode {
				return Spec{}, bad(v, "questions", "want a list of {text, metrics}")
			}
			for qi, qn := range v.Content {
				f := fmt.Sprintf("questions[%d]", qi)
				if qn.Kind != yaml.MappingNode {
					return Spec{}, bad(qn, f, "want {text, metrics}")
				}
				var q Question
				for j := 0; j+1 < len(qn.Content); j += 2 {
					qk, qv := qn.Content[j], qn.Content[j+1]
					switch qk.Value {
					case "text":
						q.Text, err = str(qv, f+".text")
					case "metrics":
						if q.Metrics, err = strs(qv, f+".metrics"); err == nil {
							err = checkMetrics(qv, f+".metrics", bad)
						}
					default:
						err = bad(qk, f+"."+qk.Value, "unknown field (want text, metrics)")
					}
					if err != nil {
						return Spec{}, err
					}
				}
				if q.Text == "" || len(q.Metrics) == 0 {
					return Spec{}, bad(qn, f, "a question needs text and at least one metric")
				}
				s.Questions = append(s.Questions, q)
			}
		case "grids":
			if v.Kind != yaml.SequenceNode {
				return Spec{}, bad(v, "grids", "want a list of {vary, variants}")
			}
			for gi, gn := range v.Content {
				f := fmt.Sprintf("grids[%d]", gi)
				if gn.Kind != yaml.MappingNode {
					return Spec{}, bad(gn, f, "want {vary: {key: [values]}, variants: [...]}")
				}
				var g Grid
				for j := 0; j+1 < len(gn.Content); j += 2 {
					gk, gv := gn.Content[j], gn.Content[j+1]
					switch gk.Value {
					case "vary":
						if gv.Kind != yaml.MappingNode || len(gv.Content) == 0 {
							return Spec{}, bad(gv, f+".vary", "want a mapping of key: [values]")
						}
						for a := 0; a+1 < len(gv.Content); a += 2 {
							ak, av := gv.Content[a], gv.Content[a+1]
							af := f + ".vary." + ak.Value
							var vals []string
							if vals, err = strs(av, af); err != nil {
								return Spec{}, err
							}
							ax := Axis{Key: ak.Value, Values: vals}
							if err := CheckAxis(ax); err != nil {
								return Spec{}, bad(av, af, "%v", err)
							}
							g.Axes = append(g.Axes, ax)
						}
					case "variants":
						g.Variants, err = strs(gv, f+".variants")
						variantNodes = append(variantNodes, named{gv, f + ".variants"})
					default:
						err = bad(gk, f+"."+gk.Value, "unknown field (want vary, variants)")
					}
					if err != nil {
						return Spec{}, err
					}
				}
				if len(g.Axes) == 0 {
					return Spec{}, bad(gn, f, "a grid needs vary")
				}
				s.Grids = append(s.Grids, g)
			}
		default:
			err = bad(k, k.Value, "unknown field (want name, description, scenario, seeds, variants, set, metrics, questions, grids)")
		}
		if err != nil {
			return Spec{}, err
		}
	}
	for _, f := range []struct {
		name string
		ok   bool
	}{{"name", s.Name != ""}, {"scenario", s.Scenario != ""}, {"seeds", s.Seeds.From > 0}} {
		if !f.ok {
			return Spec{}, bad(root, f.name, "missing")
		}
	}
	sc, err := scenarios.Find(s.Scenario)
	if err != nil {
		return Spec{}, fmt.Errorf("%s: scenario %s: %w", path, s.Scenario, err)
	}
	have := sc.VariantNames()
	for _, vn := range variantNodes {
		for i, c := range vn.n.Content {
			if !slices.Contains(have, c.Value) {
				return Spec{}, bad(c, fmt.Sprintf("%s[%d]", vn.field, i), "no variant %q in %s (have: %s)", c.Value, s.Scenario, strings.Join(have, ", "))
			}
		}
	}
	return s, nil
}

// checkMetrics checks every name of a metrics list against the catalogue.
func checkMetrics(list *yaml.Node, field string, bad func(*yaml.Node, string, string, ...any) error) error {
	for i, c := range list.Content {
		if _, ok := metrics.Lookup(c.Value); !ok {
			return bad(c, fmt.Sprintf("%s[%d]", field, i), "unknown metric %q (docs/metrics.md lists them)", c.Value)
		}
	}
	return nil
}
