package scenarios

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// A variant is a small patch of the scenario, applied by name. It is a
// mapping with a name, a description, optionally `include:` (variants
// applied first, for combinations), and any of these changes:
//
//	seed, horizon, budget, countsFrom   replace the value
//	config: {key: value}                add or replace overrides (null removes one)
//	expect: {property: verdict}         add or replace expectations (null removes one)
//	judge: {field: value}               replace fields of the judge section
//	programs: {NAME: {field: value}}    change fields of the named program (null removes a field)
//	steps:    {NAME: {field: value}}    change fields of the named step
//	faults:   {NAME: {field: value}}    change fields of the named fault
//	addFaults: [fault, ...]             append faults
//	removeFaults: [NAME, ...]           remove named faults
//
// The patch works on the YAML tree before decoding, so the patched
// scenario is checked exactly like a file, and errors in patched values
// name the variant's own lines.

// variantKeys are the keys a variant mapping may have.
var variantKeys = []string{"name", "description", "include", "seed", "horizon", "budget", "countsFrom",
	"config", "expect", "judge", "programs", "steps", "faults", "addFaults", "removeFaults"}

// decodeVariants reads the `variants:` list (n may be nil).
func decodeVariants(ps *problems, n *yaml.Node) []Variant {
	n = ResolveNode(n)
	if IsNullNode(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		ps.add(n.Line, "variants", "want a list, got %s", DescribeNode(n))
		return nil
	}
	d := &decoder{ps: ps}
	var out []Variant
	seen := map[string]int{}
	for i, item := range n.Content {
		path := "variants[" + strconv.Itoa(i) + "]"
		item = ResolveNode(item)
		keys, vals := d.mappingPairs(item, path)
		v := Variant{node: item, src: Pos{Line: item.Line, Path: path, Fields: map[string]int{}}}
		for j, k := range keys {
			v.src.Fields[k.Value] = k.Line
			switch k.Value {
			case "name":
				v.Name = vals[j].Value
			case "description":
				v.Description = vals[j].Value
			case "include":
				var inc []string
				d.decode(vals[j], reflectOf(&inc), JoinPath(path, "include"))
				v.Include = inc
			default:
				if !contains(variantKeys, k.Value) {
					ps.add(k.Line, JoinPath(path, k.Value), "unknown field %q (want one of %s)",
						k.Value, strings.Join(variantKeys, ", "))
				}
			}
		}
		switch {
		case !nameRE.MatchString(v.Name):
			ps.at(v.src, "name", "want a name of letters, digits, '-', '_' or '.', starting with a letter, got %q", v.Name)
		case seen[v.Name] != 0:
			ps.at(v.src, "name", "variant %q declared twice (first at line %d)", v.Name, seen[v.Name])
		default:
			seen[v.Name] = v.src.LineOf("name")
		}
		out = append(out, v)
	}
	return out
}

// VariantNames lists the declared variants in file order.
func (s *Scenario) VariantNames() []string {
	out := make([]string, len(s.Variants))
	for i, v := range s.Variants {
		out[i] = v.Name
	}
	return out
}

func (s *Scenario) variant(name string) *Variant {
	for i := range s.Variants {
		if s.Variants[i].Name == name {
			return &s.Variants[i]
		}
	}
	return nil
}

// WithVariant returns the scenario with the named variant applied to its
// base ("" returns the base). An unknown name or a patch that makes the
// scenario invalid is an error (Problems).
func (s *Scenario) WithVariant(name string) (*Scenario, error) {
	return s.WithKnobs(name, nil)
}

// applyVariant applies v (after its includes) to root; stack holds the
// variants being applied, to refuse include cycles.
func (s *Scenario) applyVariant(ps *problems, root *yaml.Node, v *Variant, stack []string) {
	if contains(stack, v.Name) {
		ps.at(v.src, "include", "include cycle: %s", strings.Join(append(stack, v.Name), " → "))
		return
	}
	stack = append(stack, v.Name)
	for _, inc := range v.Include {
		iv := s.variant(inc)
		if iv == nil {
			ps.at(v.src, "include", "no variant %q to include", inc)
			continue
		}
		s.applyVariant(ps, root, iv, stack)
	}
	for i := 0; i+1 < len(v.node.Content); i += 2 {
		k, val := v.node.Content[i], ResolveNode(v.node.Content[i+1])
		path := JoinPath(v.src.Path, k.Value)
		switch k.Value {
		case "seed", "horizon", "budget", "countsFrom":
			setKey(root, k, val)
		case "config", "expect", "judge":
			if val.Kind != yaml.MappingNode {
				ps.add(val.Line, path, "want a mapping, got %s", DescribeNode(val))
				continue
			}
			mergeMapping(ensureKey(root, k.Value, yaml.MappingNode), val)
		case "programs":
			s.patchNamed(ps, path, val, programLists(root))
		case "steps", "faults":
			s.patchNamed(ps, path, val, []*yaml.Node{ensureKey(root, k.Value, yaml.SequenceNode)})
		case "addFaults":
			if val.Kind != yaml.SequenceNode {
				ps.add(val.Line, path, "want a list of faults, got %s", DescribeNode(val))
				continue
			}
			faults := ensureKey(root, "faults", yaml.SequenceNode)
			faults.Content = append(faults.Content, val.Content...)
		case "removeFaults":
			removeNamed(ps, path, val, ensureKey(root, "faults", yaml.SequenceNode))
		}
	}
}

// programLists returns the producers, consumers and dashboards lists.
func programLists(root *yaml.Node) []*yaml.Node {
	progs := ensureKey(root, "programs", yaml.MappingNode)
	return []*yaml.Node{ensureKey(progs, "producers", yaml.SequenceNode),
		ensureKey(progs, "consumers", yaml.SequenceNode), ensureKey(progs, "dashboards", yaml.SequenceNode)}
}

// patchNamed merges {NAME: {field: value}} into the items named NAME of
// the given lists.
func (s *Scenario) patchNamed(ps *problems, path string, patch *yaml.Node, lists []*yaml.Node) {
	if patch.Kind != yaml.MappingNode {
		ps.add(patch.Line, path, "want a mapping from names to changes, got %s", DescribeNode(patch))
		return
	}
	for i := 0; i+1 < len(patch.Content); i += 2 {
		k, change := patch.Content[i], ResolveNode(patch.Content[i+1])
		at := JoinPath(path, k.Value)
		item := findNamed(lists, k.Value)
		switch {
		case item == nil:
			ps.add(k.Line, at, "nothing named %q to change (have: %s)", k.Value, strings.Join(namesIn(lists), ", "))
		case change.Kind != yaml.MappingNode:
			ps.add(change.Line, at, "want a mapping of fields to change, got %s", DescribeNode(change))
		case mappingValue(change, "name") != nil:
			ps.add(change.Line, at+".name", "a variant cannot rename; remove and add instead")
		default:
			mergeMapping(item, change)
		}
	}
}

// removeNamed removes the items named in list from seq.
func removeNamed(ps *problems, path string, list, seq *yaml.Node) {
	if list.Kind != yaml.SequenceNode {
		ps.add(list.Line, path, "want a list of fault names, got %s", DescribeNode(list))
		return
	}
	for _, n := range list.Content {
		n = ResolveNode(n)
		kept := seq.Content[:0:0]
		for _, item := range seq.Content {
			if v := mappingValue(ResolveNode(item), "name"); v == nil || v.Value != n.Value {
				kept = append(kept, item)
			}
		}
		if len(kept) == len(seq.Content) {
			ps.add(n.Line, path, "no fault named %q (have: %s)", n.Value, strings.Join(namesIn([]*yaml.Node{seq}), ", "))
		}
		seq.Content = kept
	}
}

func findNamed(lists []*yaml.Node, name string) *yaml.Node {
	for _, l := range lists {
		for _, item := range l.Content {
			item = ResolveNode(item)
			if v := mappingValue(item, "name"); v != nil && v.Value == name {
				return item
			}
		}
	}
	return nil
}

func namesIn(lists []*yaml.Node) []string {
	var out []string
	for _, l := range lists {
		for _, item := range l.Content {
			if v := mappingValue(ResolveNode(item), "name"); v != nil {
				out = append(out, v.Value)
			}
		}
	}
	return out
}

// mappingValue returns the value of key in mapping m, or nil.
func mappingValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return ResolveNode(m.Content[i+1])
		}
	}
	return nil
}

// setKey sets key k of mapping m to v (a null v removes the key).
func setKey(m, k, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == k.Value {
			if IsNullNode(v) {
				m.Content = append(m.Content[:i:i], m.Content[i+2:]...)
			} else {
				// The patch's key node too, so errors name its line.
				m.Content[i], m.Content[i+1] = k, v
			}
			return
		}
	}
	if !IsNullNode(v) {
		m.Content = append(m.Content, k, v)
	}
}

// mergeMapping sets every key of patch in m.
func mergeMapping(m, patch *yaml.Node) {
	for i := 0; i+1 < len(patch.Content); i += 2 {
		setKey(m, patch.Content[i], ResolveNode(patch.Content[i+1]))
	}
}

// ensureKey returns the value of key in mapping m, adding an empty node
// of the given kind if it is absent or null.
func ensureKey(m *yaml.Node, key string, kind yaml.Kind) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			v := ResolveNode(m.Content[i+1])
			if IsNullNode(v) {
				v = &yaml.Node{Kind: kind, Line: v.Line}
				m.Content[i+1] = v
			}
			return v
		}
	}
	v := &yaml.Node{Kind: kind, Line: m.Line}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key, Line: m.Line}, v)
	return v
}

// cloneNode deep-copies a tree (aliases keep pointing at the original
// anchors, which patches never change).
func cloneNode(n *yaml.Node) *yaml.Node {
	if n == nil {
		return nil
	}
	// Two allocations for the whole tree, not one per node: a variant
	// is cloned per load and per run, and the fuzzer loads thousands of
	// files a second.
	var nodes, ptrs int
	var count func(*yaml.Node)
	count = func(n *yaml.Node) {
		nodes++
		ptrs += len(n.Content)
		for _, x := range n.Content {
			count(x)
		}
	}
	count(n)
	slab, links := make([]yaml.Node, 0, nodes), make([]*yaml.Node, 0, ptrs)
	var clone func(*yaml.Node) *yaml.Node
	clone = func(n *yaml.Node) *yaml.Node {
		slab = append(slab, *n)
		c := &slab[len(slab)-1]
		if n.Content != nil {
			start := len(links)
			links = links[:start+len(n.Content)]
			c.Content = links[start : start+len(n.Content) : start+len(n.Content)]
			for i, x := range n.Content {
				c.Content[i] = clone(x)
			}
		}
		return c
	}
	return clone(n)
}
