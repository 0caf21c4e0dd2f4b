package modelcheck

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"rmqsim/history"
	"rmqsim/scenarios"
	"rmqsim/yamlwalk"
)

// Space is one space file decoded and checked (docs/model-check.md): a
// base scenario, the moments a fault may come at, the fault alphabet
// (kinds × targets, each allowed at some moments), the depth, the
// symmetry declared, and the properties.
type Space struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	// Path is the space file as errors name it.
	Path string `json:"-"`
	// BaseFile names the base scenario in errors: its path, or the space
	// file for an inline one. BaseRef is how the space file names it
	// ("inline" for an inline one), the same from any directory. Base is
	// its text, BaseLine the line of the space file it starts at (1 for
	// a file of its own).
	BaseFile string `json:"-"`
	BaseRef  string `json:"base_file"`
	Base     string `json:"base"`
	BaseLine int    `json:"-"`
	// Depth is the most faults a schedule holds (K).
	Depth      int        `json:"depth"`
	Moments    []Moment   `json:"moments"`
	Letters    []Letter   `json:"letters"`
	Symmetry   []string   `json:"symmetry"`
	Properties []Property `json:"properties"`

	base *scenarios.Scenario
}

// Moment is when a fault may happen: At (a scenario moment, "65s" or
// "E2 + 30s"), or the time of the Nth history record of kind Anchor
// (whose Proc contains Proc) in the fault-free run, plus Offset.
type Moment struct {
	Name   string        `json:"name"`
	At     string        `json:"at,omitempty"`
	Anchor string        `json:"anchor,omitempty"`
	Nth    int           `json:"nth,omitempty"`
	Proc   string        `json:"proc,omitempty"`
	Offset time.Duration `json:"offset,omitempty"`
	line   int
}

// Letter is one fault of the alphabet: a kind on a target (a host, or
// host/service; "" for heal), allowed at the moments Moments (indexes).
type Letter struct {
	Kind   string `json:"kind"`
	Target string `json:"target,omitempty"`
	// Between are the two sides of a partition or heal between named
	// sides (each sorted, the sides in order), instead of a Target.
	Between [][]string `json:"between,omitempty"`
	Moments []int      `json:"moments"`
	line    int
	field   string
}

func (l Letter) String() string {
	switch {
	case l.Between != nil:
		return l.Kind + " " + strings.Join(l.Between[0], ",") + "|" + strings.Join(l.Between[1], ",")
	case l.Target == "":
		return l.Kind
	}
	return l.Kind + " " + l.Target
}

// The fault kinds a letter may have: every kind of the scenario format
// that takes a target alone (docs/scenarios.md), partition as "cut the
// target off from every other host", heal as "remove every cut".
var letterKinds = []string{"kill", "stop", "start", "restart", "power-off", "power-on",
	"shutdown-orderly", "shutdown-network-first", "partition", "heal"}

// hostOnly are the kinds whose target must be a host, not host/service.
var hostOnly = []string{"power-off", "power-on", "shutdown-orderly", "shutdown-network-first", "partition"}

// anchorKinds are the history records a moment may be anchored to.
var anchorKinds = []history.Kind{history.SendCall, history.SendAttempt, history.SendAttemptFail, history.SendReturn,
	history.ProgramExit, history.ClientStart, history.Stored, history.Pull, history.Deliver, history.ConsumeResult,
	history.OffsetCommit, history.OffsetRead, history.Rebalance, history.RouteRefresh, history.NSAttach,
	history.Observe, history.ProcStart, history.ProcExit, history.Step}

// Symmetry classes a space may declare.
const (
	SymNameServers  = "nameservers"
	SymBrokerGroups = "broker-groups"
)

var nameRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]*$`)

// Load reads and checks a space file. Its error, if any, is a
// scenarios.Problems naming file, line and field of every problem.
func Load(path string) (*Space, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, scenarios.Problems{{File: path, Msg: err.Error()}}
	}
	return Parse(path, data)
}

// Parse decodes and checks a space; path names it in errors and is
// where a relative base scenario path is resolved from.
func Parse(path string, data []byte) (*Space, error) {
	ps := yamlwalk.New(path)
	root := parseDoc(ps, data)
	if root == nil {
		return nil, ps.Err()
	}
	s := &Space{Path: path}
	s.Name = root.Str("name", true)
	if s.Name != "" && !nameRE.MatchString(s.Name) {
		ps.Add(root.LineOf("name"), "name", "want a name of letters, digits, '-', '_' or '.', got %q", s.Name)
	}
	s.Description = root.Str("description", false)
	s.Depth = root.Integer("depth", -1)
	if s.Depth < 0 || s.Depth > 6 {
		ps.Add(root.LineOf("depth"), "depth", "want a depth from 0 to 6 (the most faults a schedule holds)")
	}
	s.readBase(ps, root, data)
	s.Symmetry = root.Strs("symmetry")
	for i, c := range s.Symmetry {
		if c != SymNameServers && c != SymBrokerGroups {
			ps.Add(root.LineOf("symmetry"), fmt.Sprintf("symmetry[%d]", i), "unknown symmetry %q (want %s or %s)", c, SymNameServers, SymBrokerGroups)
		}
	}
	s.readMoments(ps, root.List("moments", true))
	s.readAlphabet(ps, root.List("alphabet", true))
	s.readProperties(ps, root.List("properties", true))
	root.Done("name", "description", "scenario", "depth", "symmetry", "moments", "alphabet", "properties")
	if err := ps.Err(); err != nil {
		return nil, err
	}
	if _, err := newGroup(s); err != nil {
		return nil, err
	}
	return s, nil
}

func parseDoc(ps *yamlwalk.Problems, data []byte) *yamlwalk.Mapping {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if err == io.EOF {
			ps.Add(0, "", "empty file")
		} else {
			ps.Add(0, "", "%v", err)
		}
		return nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err != io.EOF {
		ps.Add(extra.Line, "", "want one YAML document, found a second")
		return nil
	}
	return yamlwalk.AsMapping(ps, doc.Content[0], "")
}

// readBase loads the base scenario: a path relative to the space file,
// or an inline block mapping, parsed as a scenario file of its own with
// its lines counted in the space file.
func (s *Space) readBase(ps *yamlwalk.Problems, root *yamlwalk.Mapping, data []byte) {
	n := root.Get("scenario")
	if n == nil {
		ps.Add(root.Line(), "scenario", "required: a scenario file path or an inline scenario")
		return
	}
	var text []byte
	switch n.Kind {
	case yaml.ScalarNode:
		p := n.Value
		if !filepath.IsAbs(p) {
			p = filepath.Join(filepath.Dir(s.Path), p)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			ps.Add(n.Line, "scenario", "%v", err)
			return
		}
		s.BaseFile, s.BaseRef, s.BaseLine, text = filepath.ToSlash(p), n.Value, 1, b
	case yaml.MappingNode:
		if n.Style&yaml.FlowStyle != 0 {
			ps.Add(n.Line, "scenario", "write an inline scenario as a block mapping, one key a line")
			return
		}
		text = inlineBlock(data, n)
		s.BaseFile, s.BaseRef, s.BaseLine = s.Path, "inline", n.Line
	default:
		ps.Add(n.Line, "scenario", "want a file path or a mapping, got %s", scenarios.DescribeNode(n))
		return
	}
	s.Base = string(text)
	sc, err := s.parseScenario(text)
	if err != nil {
		if e, ok := err.(scenarios.Problems); ok {
			ps.AddAll(e)
			return
		}
		ps.Add(n.Line, "scenario", "%v", err)
		return
	}
	if len(sc.Variants) > 0 {
		ps.Add(n.Line, "scenario", "the base scenario declares variants; a space checks one scenario (write the variant out)")
	}
	s.base = sc
}

// parseScenario parses text as the base (or a schedule built on it),
// its problems naming the base's file and lines.
func (s *Space) parseScenario(text []byte) (*scenarios.Scenario, error) {
	sc, err := scenarios.Parse(s.BaseFile, text)
	if e, ok := err.(scenarios.Problems); ok && s.BaseLine > 1 {
		out := make(scenarios.Problems, len(e))
		for i, p := range e {
			if p.Line > 0 {
				p.Line += s.BaseLine - 1
			}
			p.Field = "scenario." + p.Field
			out[i] = p
		}
		return nil, out
	}
	return sc, err
}

// inlineBlock cuts the inline mapping's lines out of the space file and
// dedents them, so that line i of the result is line n.Line-1+i there.
func inlineBlock(data []byte, n *yaml.Node) []byte {
	lines := strings.Split(string(data), "\n")
	indent := n.Column - 1
	var out []string
	for i := n.Line - 1; i < len(lines); i++ {
		l := lines[i]
		trimmed := strings.TrimSpace(l)
		lead := len(l) - len(strings.TrimLeft(l, " "))
		if i > n.Line-1 && trimmed != "" && !strings.HasPrefix(trimmed, "#") && lead < indent {
			break
		}
		if len(l) >= indent {
			l = l[indent:]
		} else {
			l = strings.TrimLeft(l, " ")
		}
		out = append(out, l)
	}
	return []byte(strings.Join(out, "\n") + "\n")
}

func (s *Space) readMoments(ps *yamlwalk.Problems, ms []*yamlwalk.Mapping) {
	seen := map[string]bool{}
	for _, m := range ms {
		mo := Moment{Name: m.Str("name", true), line: m.Line()}
		if mo.Name != "" && !nameRE.MatchString(mo.Name) {
			ps.Add(m.LineOf("name"), m.Field("name"), "want a name of letters, digits, '-', '_' or '.', got %q", mo.Name)
		}
		if seen[mo.Name] {
			ps.Add(m.LineOf("name"), m.Field("name"), "moment %q given twice", mo.Name)
		}
		seen[mo.Name] = true
		mo.At = m.Str("at", false)
		mo.Anchor = m.Str("anchor", false)
		switch {
		case (mo.At == "") == (mo.Anchor == ""):
			ps.Add(m.Line(), m.Path(), "give exactly one of at (a scenario moment) and anchor (a history record kind)")
		case mo.At != "":
			if _, err := scenarios.ParseWhen(mo.At); err != nil {
				ps.Add(m.LineOf("at"), m.Field("at"), "%v", err)
			}
		default:
			if !slices.Contains(anchorKinds, history.Kind(mo.Anchor)) {
				ps.Add(m.LineOf("anchor"), m.Field("anchor"), "unknown history record kind %q (want one of %s)", mo.Anchor, joinKinds())
			}
			mo.Nth = m.Integer("nth", 1)
			if mo.Nth < 1 {
				ps.Add(m.LineOf("nth"), m.Field("nth"), "want 1 or more (the Nth record of the fault-free run)")
			}
			mo.Proc = m.Str("proc", false)
			if off := m.Str("offset", false); off != "" {
				d, err := scenarios.ParseDuration(off)
				if err != nil {
					ps.Add(m.LineOf("offset"), m.Field("offset"), "%v", err)
				}
				mo.Offset = d
			}
		}
		if mo.At != "" {
			for _, k := range []string{"nth", "proc", "offset"} {
				if m.Get(k) != nil {
					ps.Add(m.LineOf(k), m.Field(k), "applies only to an anchored moment")
				}
			}
		}
		m.Done("name", "at", "anchor", "nth", "proc", "offset")
		s.Moments = append(s.Moments, mo)
	}
}

func joinKinds() string {
	var b []string
	for _, k := range anchorKinds {
		b = append(b, string(k))
	}
	return strings.Join(b, ", ")
}

func (s *Space) momentIndex(name string) int {
	for i, m := range s.Moments {
		if m.Name == name {
			return i
		}
	}
	return -1
}

func (s *Space) readAlphabet(ps *yamlwalk.Problems, es []*yamlwalk.Mapping) {
	seen := map[string]string{}
	for _, e := range es {
		kinds := e.Strs("kinds")
		if len(kinds) == 0 {
			ps.Add(e.Line(), e.Field("kinds"), "required: a list of fault kinds")
		}
		targets := s.targets(ps, e)
		between := s.between(ps, e)
		if between != nil && targets != nil {
			ps.Add(e.LineOf("between"), e.Field("between"), "give targets or between, not both")
		}
		var at []int
		names := e.Strs("at")
		for i, n := range names {
			if k := s.momentIndex(n); k >= 0 {
				at = append(at, k)
			} else {
				ps.Add(e.LineOf("at"), fmt.Sprintf("%s[%d]", e.Field("at"), i), "no moment %q", n)
			}
		}
		if names == nil {
			for i := range s.Moments {
				at = append(at, i)
			}
		}
		slices.Sort(at)
		at = slices.Compact(at)
		for i, k := range kinds {
			field := fmt.Sprintf("%s[%d]", e.Field("kinds"), i)
			if !slices.Contains(letterKinds, k) {
				ps.Add(e.LineOf("kinds"), field, "unknown fault kind %q (want one of %s)", k, strings.Join(letterKinds, ", "))
				continue
			}
			ts := targets
			if between != nil {
				if k != "partition" && k != "heal" {
					ps.Add(e.LineOf("between"), e.Field("between"), "between applies only to partition and heal, not %s", k)
					continue
				}
				s.addLetter(ps, seen, Letter{Kind: k, Between: between, Moments: at, line: e.LineOf("kinds"), field: field})
				continue
			}
			if k == "heal" {
				if len(targets) > 0 {
					ps.Add(e.LineOf("targets"), e.Field("targets"), "heal takes no target (it removes every cut); give it an entry of its own")
					continue
				}
				ts = []string{""}
			} else if len(targets) == 0 {
				ps.Add(e.Line(), e.Field("targets"), "required for %s (or between, for a partition)", k)
				continue
			}
			for _, t := range ts {
				if strings.Contains(t, "/") && slices.Contains(hostOnly, k) {
					ps.Add(e.LineOf("targets"), e.Field("targets"), "%s takes a host, not a service (%q)", k, t)
					continue
				}
				s.addLetter(ps, seen, Letter{Kind: k, Target: t, Moments: at, line: e.LineOf("kinds"), field: field})
			}
		}
		e.Done("kinds", "targets", "between", "at")
	}
}

func (s *Space) addLetter(ps *yamlwalk.Problems, seen map[string]string, l Letter) {
	if first, dup := seen[l.String()]; dup {
		ps.Add(l.line, l.field, "%s is in the alphabet twice (first at %s)", l, first)
		return
	}
	seen[l.String()] = fmt.Sprintf("line %d", l.line)
	s.Letters = append(s.Letters, l)
}

// between reads an entry's two sides of hosts, [[a, b], [c]], checked
// and normalised (normSides).
func (s *Space) between(ps *yamlwalk.Problems, e *yamlwalk.Mapping) [][]string {
	n := e.Get("between")
	if n == nil {
		return nil
	}
	field := e.Field("between")
	if n.Kind != yaml.SequenceNode || len(n.Content) != 2 {
		ps.Add(n.Line, field, "want two sides of hosts, e.g. [[client01], [master01, master02]]")
		return nil
	}
	var sides [][]string
	seen := map[string]bool{}
	for i, side := range n.Content {
		side = scenarios.ResolveNode(side)
		f := fmt.Sprintf("%s[%d]", field, i)
		if side.Kind != yaml.SequenceNode || len(side.Content) == 0 {
			ps.Add(side.Line, f, "want a non-empty list of hosts, got %s", scenarios.DescribeNode(side))
			return nil
		}
		var hosts []string
		for j, h := range side.Content {
			h = scenarios.ResolveNode(h)
			hf := fmt.Sprintf("%s[%d]", f, j)
			if _, ok := s.hostsOf()[h.Value]; s.base != nil && (h.Kind != yaml.ScalarNode || !ok) {
				ps.Add(h.Line, hf, "no host %s in the base scenario", scenarios.DescribeNode(h))
				return nil
			}
			if seen[h.Value] {
				ps.Add(h.Line, hf, "host %s is on both sides or given twice", h.Value)
				return nil
			}
			seen[h.Value] = true
			hosts = append(hosts, h.Value)
		}
		sides = append(sides, hosts)
	}
	return normSides(sides)
}

// normSides sorts each side and then the two sides, so that a cut has
// one form however it is written (and however it is renamed).
func normSides(sides [][]string) [][]string {
	out := make([][]string, len(sides))
	for i, sd := range sides {
		out[i] = slices.Sorted(slices.Values(sd))
	}
	slices.SortFunc(out, func(a, b []string) int { return strings.Compare(strings.Join(a, ","), strings.Join(b, ",")) })
	return out
}

// hostsOf is the base's hosts (nil before the base is read).
func (s *Space) hostsOf() map[string][]string {
	if s.base == nil {
		return nil
	}
	return s.services()
}

// targets resolves an entry's targets: a class (nameservers, masters,
// slaves, brokers) or a list of hosts and host/service names.
func (s *Space) targets(ps *yamlwalk.Problems, e *yamlwalk.Mapping) []string {
	names := e.Strs("targets")
	if s.base == nil {
		return names
	}
	c := s.base.Cluster
	var out []string
	for i, n := range names {
		field := fmt.Sprintf("%s[%d]", e.Field("targets"), i)
		switch n {
		case "nameservers":
			for _, x := range c.NameServers {
				out = append(out, x.Host)
			}
		case "masters", "brokers":
			for _, b := range c.Brokers {
				out = append(out, b.Master.Host)
			}
			if n == "masters" {
				continue
			}
			fallthrough
		case "slaves":
			for _, b := range c.Brokers {
				if b.Slave != nil {
					out = append(out, b.Slave.Host)
				}
			}
		default:
			host, svc, _ := strings.Cut(n, "/")
			services, ok := s.services()[host]
			switch {
			case !ok:
				ps.Add(e.LineOf("targets"), field, "no host %q in the base scenario (or a class: nameservers, masters, slaves, brokers)", host)
				continue
			case strings.Contains(n, "/") && !slices.Contains(services, svc):
				ps.Add(e.LineOf("targets"), field, "host %s runs no service %q (it runs %s)", host, svc, strings.Join(services, ", "))
				continue
			}
			out = append(out, n)
		}
	}
	return out
}

// services maps each host of the base to the services it runs.
func (s *Space) services() map[string][]string {
	c := s.base.Cluster
	m := map[string][]string{}
	for _, n := range c.NameServers {
		m[n.Host] = append(m[n.Host], "namesrv")
	}
	for _, b := range c.Brokers {
		m[b.Master.Host] = append(m[b.Master.Host], "broker")
		if b.Slave != nil {
			m[b.Slave.Host] = append(m[b.Slave.Host], "broker")
		}
	}
	for _, n := range c.Clients {
		if _, ok := m[n.Host]; !ok {
			m[n.Host] = nil
		}
	}
	p := s.base.Programs
	for _, x := range p.Producers {
		m[x.Host] = append(m[x.Host], x.Name)
	}
	for _, x := range p.Consumers {
		m[x.Host] = append(m[x.Host], x.Name)
	}
	for _, x := range p.Dashboards {
		m[x.Host] = append(m[x.Host], x.Name)
	}
	return m
}
