package sweep

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"rmqsim/metrics"
	"rmqsim/scenarios"
	"rmqsim/yamlwalk"
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

// ParseReview decodes a review file's bytes; path names it in errors
// and anchors its relative scenario path. Every problem is reported,
// each as file:line: field (package yamlwalk).
func ParseReview(path string, data []byte) (Spec, error) {
	ps := yamlwalk.New(path)
	root := yamlwalk.Root(ps, data)
	if root == nil {
		return Spec{}, ps.Err()
	}
	s := Spec{File: filepath.ToSlash(path)}
	s.Name = root.Str("name", true)
	s.Description = root.Str("description", false)
	s.Scenario = root.Str("scenario", true)
	if (strings.ContainsRune(s.Scenario, '/') || strings.HasSuffix(s.Scenario, ".yaml")) && !filepath.IsAbs(s.Scenario) {
		s.Scenario = filepath.ToSlash(filepath.Join(filepath.Dir(path), s.Scenario))
	}
	if t := root.Str("seeds", true); t != "" {
		var err error
		if s.Seeds, err = ParseSeeds(t); err != nil {
			ps.Add(root.LineOf("seeds"), "seeds", "%v", err)
		}
	}
	type variantList struct {
		m     *yamlwalk.Mapping
		names []string
	}
	var variantLists []variantList
	s.Variants = root.Strs("variants")
	variantLists = append(variantLists, variantList{root, s.Variants})
	s.Set = readSettings(root, "set")
	s.Metrics = root.Strs("metrics")
	checkMetrics(root, "metrics", s.Metrics)
	for _, q := range root.List("questions", false) {
		qu := Question{Text: q.Str("text", true), Metrics: q.Strs("metrics")}
		if len(qu.Metrics) == 0 {
			ps.Add(q.Line(), q.Field("metrics"), "required: at least one metric answers the question")
		}
		checkMetrics(q, "metrics", qu.Metrics)
		q.Done("text", "metrics")
		s.Questions = append(s.Questions, qu)
	}
	for _, g := range root.List("grids", false) {
		var grid Grid
		if n := g.Get("vary"); n == nil {
			ps.Add(g.Line(), g.Field("vary"), "required: a mapping of key: [values]")
		} else if vary := yamlwalk.AsMapping(ps, n, g.Field("vary")); vary != nil {
			for _, k := range vary.Keys() {
				ax := Axis{Key: k, Values: vary.Strs(k)}
				if err := CheckAxis(ax); err != nil {
					ps.Add(vary.LineOf(k), vary.Field(k), "%v", err)
				}
				grid.Axes = append(grid.Axes, ax)
			}
		}
		grid.Variants = g.Strs("variants")
		variantLists = append(variantLists, variantList{g, grid.Variants})
		g.Done("vary", "variants")
		s.Grids = append(s.Grids, grid)
	}
	root.Done("name", "description", "scenario", "seeds", "variants", "set", "metrics", "questions", "grids")
	if ps.Len() > 0 {
		return Spec{}, ps.Err()
	}
	sc, err := scenarios.Find(s.Scenario)
	if err != nil {
		return Spec{}, fmt.Errorf("%s: scenario %s: %w", path, s.Scenario, err)
	}
	have := sc.VariantNames()
	for _, vl := range variantLists {
		for i, v := range vl.names {
			if !slices.Contains(have, v) {
				ps.Add(vl.m.LineOf("variants"), fmt.Sprintf("%s[%d]", vl.m.Field("variants"), i), "no variant %q in %s (have: %s)", v, s.Scenario, strings.Join(have, ", "))
			}
		}
	}
	if ps.Len() > 0 {
		return Spec{}, ps.Err()
	}
	return s, nil
}

// readSettings reads a mapping of key: value settings.
func readSettings(m *yamlwalk.Mapping, key string) []Setting {
	n := m.Get(key)
	if n == nil {
		return nil
	}
	sm := yamlwalk.AsMapping(m.Problems(), n, m.Field(key))
	if sm == nil {
		return nil
	}
	var out []Setting
	for _, k := range sm.Keys() {
		st := Setting{Key: k, Value: sm.Str(k, true)}
		if err := CheckSetting(st); err != nil {
			m.Problems().Add(sm.LineOf(k), sm.Field(k), "%v", err)
		}
		out = append(out, st)
	}
	return out
}

// checkMetrics checks every name of a metrics list against the catalogue.
func checkMetrics(m *yamlwalk.Mapping, key string, names []string) {
	for i, n := range names {
		if _, ok := metrics.Lookup(n); !ok {
			m.Problems().Add(m.LineOf(key), fmt.Sprintf("%s[%d]", m.Field(key), i), "unknown metric %q (docs/metrics.md lists them)", n)
		}
	}
}
