package modelcheck

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"rmqsim/scenarios"
)

// problems collects every problem of a space file, each naming the file,
// line and field (scenarios.Problem, so they print as the scenario
// loader's do).
type problems struct {
	file string
	list scenarios.Problems
}

func (ps *problems) add(line int, field, format string, args ...any) {
	if len(ps.list) >= 20 {
		return
	}
	ps.list = append(ps.list, scenarios.Problem{File: ps.file, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
}

func (ps *problems) err() error {
	if len(ps.list) == 0 {
		return nil
	}
	return ps.list
}

// mapping is one YAML mapping being read strictly: every key must be
// taken by a get, and done reports the ones nobody asked for.
type mapping struct {
	ps    *problems
	path  string
	line  int
	keys  map[string]*yaml.Node
	lines map[string]int
	order []string
	taken map[string]bool
}

func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool { return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null") }

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return strconv.Quote(n.Value)
	}
	return "nothing"
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// asMapping reads n as a mapping; nil (with a problem) if it is not one.
func asMapping(ps *problems, n *yaml.Node, path string) *mapping {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		ps.add(n.Line, path, "want a mapping, got %s", describe(n))
		return nil
	}
	m := &mapping{ps: ps, path: path, line: n.Line, keys: map[string]*yaml.Node{}, lines: map[string]int{}, taken: map[string]bool{}}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := resolve(n.Content[i])
		if first, dup := m.lines[k.Value]; dup {
			ps.add(k.Line, joinPath(path, k.Value), "given twice (first at line %d)", first)
			continue
		}
		m.lines[k.Value] = k.Line
		m.keys[k.Value] = resolve(n.Content[i+1])
		m.order = append(m.order, k.Value)
	}
	return m
}

// get returns key's value node (nil when absent).
func (m *mapping) get(key string) *yaml.Node {
	m.taken[key] = true
	n := m.keys[key]
	if isNull(n) {
		return nil
	}
	return n
}

func (m *mapping) field(key string) string { return joinPath(m.path, key) }

func (m *mapping) lineOf(key string) int {
	if l, ok := m.lines[key]; ok {
		return l
	}
	return m.line
}

// done reports every key no get asked for, naming the keys allowed.
func (m *mapping) done(allowed ...string) {
	for _, k := range m.order {
		if !m.taken[k] {
			m.ps.add(m.lines[k], m.field(k), "unknown field %q (want one of %s)", k, strings.Join(allowed, ", "))
		}
	}
}

// str reads a string field; required fields that are absent are problems.
func (m *mapping) str(key string, required bool) string {
	n := m.get(key)
	if n == nil {
		if required {
			m.ps.add(m.line, m.field(key), "required")
		}
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		m.ps.add(n.Line, m.field(key), "want a single value, got %s", describe(n))
		return ""
	}
	return n.Value
}

// integer reads an integer field (def when absent).
func (m *mapping) integer(key string, def int) int {
	s := m.str(key, false)
	if s == "" {
		return def
	}
	i, err := strconv.Atoi(strings.ReplaceAll(s, "_", ""))
	if err != nil {
		m.ps.add(m.lineOf(key), m.field(key), "want an integer, got %q", s)
		return def
	}
	return i
}

// strs reads a list of strings; a single string is a one-element list.
func (m *mapping) strs(key string) []string {
	n := m.get(key)
	if n == nil {
		return nil
	}
	if n.Kind == yaml.ScalarNode {
		return []string{n.Value}
	}
	if n.Kind != yaml.SequenceNode {
		m.ps.add(n.Line, m.field(key), "want a list of names, got %s", describe(n))
		return nil
	}
	var out []string
	for i, e := range n.Content {
		e = resolve(e)
		if e.Kind != yaml.ScalarNode {
			m.ps.add(e.Line, fmt.Sprintf("%s[%d]", m.field(key), i), "want a name, got %s", describe(e))
			continue
		}
		out = append(out, e.Value)
	}
	return out
}

// list reads a list of mappings.
func (m *mapping) list(key string, required bool) []*mapping {
	n := m.get(key)
	if n == nil {
		if required {
			m.ps.add(m.line, m.field(key), "required")
		}
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		m.ps.add(n.Line, m.field(key), "want a list, got %s", describe(n))
		return nil
	}
	if required && len(n.Content) == 0 {
		m.ps.add(n.Line, m.field(key), "want at least one entry")
	}
	var out []*mapping
	for i, e := range n.Content {
		if x := asMapping(m.ps, e, fmt.Sprintf("%s[%d]", m.field(key), i)); x != nil {
			out = append(out, x)
		}
	}
	return out
}
