package scenarios

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Knobs are the scenario's own quantities that a sweep or an A/B
// comparison may set besides configuration keys (which go through
// RunOptions.Overrides). Each is applied to the scenario's tree after
// the variant, so the result is checked exactly like a file.
//
//	nameservers=N   the cluster has N nameservers: the file's, then
//	                nameserverNN hosts at the next free addresses
//	                (fewer than the file's only if nothing names the
//	                dropped hosts)
//	without=NAME    the named fault is removed ("what if it had not
//	                happened"); several: NAME+NAME
//	at.NAME=WHEN    the named fault comes at WHEN instead ("E3 + 5s"):
//	                what an incident's fit searches over
var Knobs = []string{"nameservers", "without", "at.<fault>"}

// IsKnob reports whether key is a scenario knob rather than a parameter.
func IsKnob(key string) bool {
	return key == "nameservers" || key == "without" || strings.HasPrefix(key, "at.")
}

// Knob is one knob setting.
type Knob struct{ Key, Value string }

// WithKnobs returns the named variant ("" for the base) with the knobs
// applied in order. Errors name the knob and what it refers to.
func (s *Scenario) WithKnobs(variant string, knobs []Knob) (*Scenario, error) {
	ps := &problems{file: s.Path}
	root := s.root
	if variant != "" || len(knobs) > 0 {
		root = cloneNode(s.root)
	}
	if variant != "" {
		v := s.variant(variant)
		if v == nil {
			ps.add(0, "variant", "no variant %q in %s (have: %s)", variant, s.Name, strings.Join(s.VariantNames(), ", "))
			return nil, ps.err()
		}
		s.applyVariant(ps, root, v, nil)
	}
	for _, k := range knobs {
		applyKnob(ps, root, k)
	}
	if ps.err() != nil {
		return nil, ps.err()
	}
	out := decodeScenario(ps, root)
	if ps.err() != nil {
		return nil, ps.err()
	}
	out.Path, out.root, out.Source, out.Variants, out.Variant = s.Path, s.root, s.Source, s.Variants, variant
	return out, nil
}

func applyKnob(ps *problems, root *yaml.Node, k Knob) {
	if name, ok := strings.CutPrefix(k.Key, "at."); ok {
		f := findNamed([]*yaml.Node{ensureKey(root, "faults", yaml.SequenceNode)}, name)
		if f == nil {
			ps.add(0, k.Key, "no fault named %q (have: %s)", name, strings.Join(namesIn([]*yaml.Node{ensureKey(root, "faults", yaml.SequenceNode)}), ", "))
			return
		}
		if at := mappingValue(f, "at"); at != nil {
			at.Kind, at.Tag, at.Value, at.Content = yaml.ScalarNode, "!!str", k.Value, nil
		} else {
			f.Content = append(f.Content, str("at"), str(k.Value))
		}
		return
	}
	switch k.Key {
	case "without":
		list := &yaml.Node{Kind: yaml.SequenceNode}
		for _, n := range strings.Split(k.Value, "+") {
			list.Content = append(list.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: strings.TrimSpace(n)})
		}
		removeNamed(ps, "without", list, ensureKey(root, "faults", yaml.SequenceNode))
	case "nameservers":
		n, err := strconv.Atoi(k.Value)
		if err != nil || n < 1 || n > 9 {
			ps.add(0, "nameservers", "want a number of nameservers from 1 to 9, got %q", k.Value)
			return
		}
		setNameServers(ps, root, n)
	default:
		ps.add(0, k.Key, "unknown scenario knob %q (have: %s)", k.Key, strings.Join(Knobs, ", "))
	}
}

// setNameServers grows or shrinks cluster.nameservers to n entries.
func setNameServers(ps *problems, root *yaml.Node, n int) {
	cl := ensureKey(root, "cluster", yaml.MappingNode)
	seq := ensureKey(cl, "nameservers", yaml.SequenceNode)
	if n <= len(seq.Content) {
		// Dropped hosts that faults or programs still name fail the
		// scenario's own validation, with its message.
		seq.Content = seq.Content[:n]
		return
	}
	used := map[string]bool{}
	var last netip.Addr
	collectNodes(root, func(host, ip string) {
		used[host], used[ip] = true, true
	})
	for _, item := range seq.Content {
		if a, err := netip.ParseAddr(scalar(mappingValue(ResolveNode(item), "ip"))); err == nil && a.Compare(last) > 0 {
			last = a
		}
	}
	if !last.IsValid() {
		last = netip.MustParseAddr("10.0.0.0")
	}
	for i := len(seq.Content) + 1; len(seq.Content) < n; i++ {
		host := fmt.Sprintf("nameserver%02d", i)
		if used[host] {
			continue
		}
		ip := last.Next()
		for used[ip.String()] {
			ip = ip.Next()
		}
		last = ip
		used[host], used[ip.String()] = true, true
		seq.Content = append(seq.Content, &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{
			str("host"), str(host), str("ip"), str(ip.String())}})
	}
}

// collectNodes calls fn for every host/ip mapping in the tree.
func collectNodes(n *yaml.Node, fn func(host, ip string)) {
	n = ResolveNode(n)
	if n == nil {
		return
	}
	if n.Kind == yaml.MappingNode {
		if h, ip := mappingValue(n, "host"), mappingValue(n, "ip"); h != nil && ip != nil {
			fn(h.Value, ip.Value)
		}
	}
	for _, c := range n.Content {
		collectNodes(c, fn)
	}
}

func str(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

func scalar(n *yaml.Node) string {
	if n == nil {
		return ""
	}
	return n.Value
}
