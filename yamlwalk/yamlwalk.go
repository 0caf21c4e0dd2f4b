// Package yamlwalk reads a YAML file strictly: every key of a mapping
// must be asked for, or it is an unknown field; each problem names the
// file, line and field (scenarios.Problem, so that every loader's
// errors print alike), and reading goes on to report them all (at most
// 20). The scenario loader decodes by reflection (scenarios/decode.go);
// the smaller hand-read files (model-check spaces, sweep reviews) use
// this package.
package yamlwalk

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"rmqsim/scenarios"
)

// maxProblems keeps a badly broken file from flooding the terminal.
const maxProblems = 20

// Problems collects every problem of a file, each naming the file, line
// and field (scenarios.Problem, so they print as the scenario loader's
// do).
type Problems struct {
	file string
	list scenarios.Problems
}

// Add records a problem at line (0 when unknown) in field.
func (ps *Problems) Add(line int, field, format string, args ...any) {
	if len(ps.list) >= maxProblems {
		return
	}
	ps.list = append(ps.list, scenarios.Problem{File: ps.file, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// Err is the problems as an error (scenarios.Problems), nil if none.
func (ps *Problems) Err() error {
	if len(ps.list) == 0 {
		return nil
	}
	return ps.list
}

// Mapping is one YAML mapping being read strictly: every key must be
// taken by a Get (or a reader built on it), and Done reports the ones
// nobody asked for.
type Mapping struct {
	ps    *Problems
	path  string
	line  int
	keys  map[string]*yaml.Node
	lines map[string]int
	order []string
	taken map[string]bool
}

// AsMapping reads n as a mapping; nil (with a problem) if it is not one.
func AsMapping(ps *Problems, n *yaml.Node, path string) *Mapping {
	n = scenarios.ResolveNode(n)
	if n.Kind != yaml.MappingNode {
		ps.Add(n.Line, path, "want a mapping, got %s", scenarios.DescribeNode(n))
		return nil
	}
	m := &Mapping{ps: ps, path: path, line: n.Line, keys: map[string]*yaml.Node{}, lines: map[string]int{}, taken: map[string]bool{}}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := scenarios.ResolveNode(n.Content[i])
		if first, dup := m.lines[k.Value]; dup {
			ps.Add(k.Line, scenarios.JoinPath(path, k.Value), "given twice (first at line %d)", first)
			continue
		}
		m.lines[k.Value] = k.Line
		m.keys[k.Value] = scenarios.ResolveNode(n.Content[i+1])
		m.order = append(m.order, k.Value)
	}
	return m
}

// Get returns key's value node (nil when absent).
func (m *Mapping) Get(key string) *yaml.Node {
	m.taken[key] = true
	n := m.keys[key]
	if scenarios.IsNullNode(n) {
		return nil
	}
	return n
}

// Field names key under the mapping's path.
func (m *Mapping) Field(key string) string { return scenarios.JoinPath(m.path, key) }

// LineOf is the line of key, else of the mapping.
func (m *Mapping) LineOf(key string) int {
	if l, ok := m.lines[key]; ok {
		return l
	}
	return m.line
}

// Done reports every key no get asked for, naming the keys allowed.
func (m *Mapping) Done(allowed ...string) {
	for _, k := range m.order {
		if !m.taken[k] {
			m.ps.Add(m.lines[k], m.Field(k), "unknown field %q (want one of %s)", k, strings.Join(allowed, ", "))
		}
	}
}

// Str reads a string field; required fields that are absent are problems.
func (m *Mapping) Str(key string, required bool) string {
	n := m.Get(key)
	if n == nil {
		if required {
			m.ps.Add(m.line, m.Field(key), "required")
		}
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		m.ps.Add(n.Line, m.Field(key), "want a single value, got %s", scenarios.DescribeNode(n))
		return ""
	}
	return n.Value
}

// Integer reads an integer field (def when absent).
func (m *Mapping) Integer(key string, def int) int {
	s := m.Str(key, false)
	if s == "" {
		return def
	}
	i, err := strconv.Atoi(strings.ReplaceAll(s, "_", ""))
	if err != nil {
		m.ps.Add(m.LineOf(key), m.Field(key), "want an integer, got %q", s)
		return def
	}
	return i
}

// Strs reads a list of strings; a single string is a one-element list.
func (m *Mapping) Strs(key string) []string {
	n := m.Get(key)
	if n == nil {
		return nil
	}
	if n.Kind == yaml.ScalarNode {
		return []string{n.Value}
	}
	if n.Kind != yaml.SequenceNode {
		m.ps.Add(n.Line, m.Field(key), "want a list of names, got %s", scenarios.DescribeNode(n))
		return nil
	}
	var out []string
	for i, e := range n.Content {
		e = scenarios.ResolveNode(e)
		if e.Kind != yaml.ScalarNode {
			m.ps.Add(e.Line, fmt.Sprintf("%s[%d]", m.Field(key), i), "want a name, got %s", scenarios.DescribeNode(e))
			continue
		}
		out = append(out, e.Value)
	}
	return out
}

// List reads a list of mappings.
func (m *Mapping) List(key string, required bool) []*Mapping {
	n := m.Get(key)
	if n == nil {
		if required {
			m.ps.Add(m.line, m.Field(key), "required")
		}
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		m.ps.Add(n.Line, m.Field(key), "want a list, got %s", scenarios.DescribeNode(n))
		return nil
	}
	if required && len(n.Content) == 0 {
		m.ps.Add(n.Line, m.Field(key), "want at least one entry")
	}
	var out []*Mapping
	for i, e := range n.Content {
		if x := AsMapping(m.ps, e, fmt.Sprintf("%s[%d]", m.Field(key), i)); x != nil {
			out = append(out, x)
		}
	}
	return out
}

// New is an empty collection of the problems of file.
func New(file string) *Problems { return &Problems{file: file} }

// File is the file the problems are about.
func (ps *Problems) File() string { return ps.file }

// Root reads a file's top-level mapping; nil (with a problem) when the
// file is not YAML or not a mapping.
func Root(ps *Problems, data []byte) *Mapping {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		ps.Add(0, "", "%v", err)
		return nil
	}
	if len(doc.Content) == 0 {
		ps.Add(0, "", "empty file: want a mapping")
		return nil
	}
	return AsMapping(ps, doc.Content[0], "")
}

// Line is the line the mapping starts on.
func (m *Mapping) Line() int { return m.line }

// Problems are the problems the mapping's reads add to.
func (m *Mapping) Problems() *Problems { return m.ps }

// Keys are the mapping's keys in file order (for mappings whose keys are
// data, such as key: value settings); each is taken.
func (m *Mapping) Keys() []string {
	for _, k := range m.order {
		m.taken[k] = true
	}
	return append([]string(nil), m.order...)
}

// Path is the mapping's field path ("" for the top level).
func (m *Mapping) Path() string { return m.path }

// Len is how many problems have been added.
func (ps *Problems) Len() int { return len(ps.list) }

// AddAll adds problems found elsewhere (a nested file's loader).
func (ps *Problems) AddAll(list scenarios.Problems) {
	for _, p := range list {
		if len(ps.list) >= maxProblems {
			return
		}
		ps.list = append(ps.list, p)
	}
}
