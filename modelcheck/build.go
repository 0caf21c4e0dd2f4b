package modelcheck

import (
	"bytes"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// builder writes a schedule as a scenario file: the base scenario with
// the schedule's faults appended to its timeline. Every run goes through
// this text and scenarios.Parse, so a failing schedule's file is by
// construction what ran.
type builder struct {
	name    string
	base    *yaml.Node // the base's top mapping
	hosts   []string   // every host of the cluster, for partitions
	letters []Letter
	moments []string // each moment's `at` text (anchors resolved)
	pairs   []Pair
}

func newBuilder(name, base string, hosts []string, letters []Letter, moments []string, pairs []Pair) (*builder, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(base), &doc); err != nil {
		return nil, err
	}
	return &builder{name: name, base: doc.Content[0], hosts: hosts, letters: letters, moments: moments, pairs: pairs}, nil
}

func scalar(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Value: v} }

func flowMap(kv ...*yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle, Content: kv}
}

func hostSeq(hosts []string) *yaml.Node {
	var items []*yaml.Node
	for _, h := range hosts {
		items = append(items, scalar(h))
	}
	return flowSeq(items...)
}

func flowSeq(items ...*yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle, Content: items}
}

// fault is pair i as a scenario fault.
func (b *builder) fault(n int, i int) *yaml.Node {
	p := b.pairs[i]
	l := b.letters[p.Letter]
	kv := []*yaml.Node{scalar("name"), scalar(fmt.Sprintf("mc-%d", n)), scalar("at"), scalar(b.moments[p.Moment]),
		scalar("kind"), scalar(l.Kind)}
	switch {
	case l.Between != nil:
		kv = append(kv, scalar("between"), flowSeq(hostSeq(l.Between[0]), hostSeq(l.Between[1])))
	case l.Kind == "heal":
	case l.Kind == "partition":
		var rest []*yaml.Node
		for _, h := range b.hosts {
			if h != l.Target {
				rest = append(rest, scalar(h))
			}
		}
		kv = append(kv, scalar("between"), flowSeq(flowSeq(scalar(l.Target)), flowSeq(rest...)))
	default:
		kv = append(kv, scalar("target"), scalar(l.Target))
	}
	return flowMap(kv...)
}

// yaml writes schedule sc as a scenario named name, with expect (nil:
// the base's expectations are dropped) and header as "# " comments.
func (b *builder) yaml(name string, sc Schedule, expect map[string]string, header string) []byte {
	root := &yaml.Node{Kind: yaml.MappingNode, Style: b.base.Style}
	var faults *yaml.Node
	for i := 0; i+1 < len(b.base.Content); i += 2 {
		k, v := b.base.Content[i], b.base.Content[i+1]
		switch k.Value {
		case "variants", "expect":
			continue
		case "name":
			v = scalar(name)
		case "faults":
			c := *v
			c.Content = append([]*yaml.Node(nil), v.Content...)
			c.Style = 0
			c.Tag = "!!seq"
			c.Kind = yaml.SequenceNode
			faults = &c
			v = faults
		}
		root.Content = append(root.Content, k, v)
	}
	if faults == nil {
		faults = &yaml.Node{Kind: yaml.SequenceNode}
		root.Content = append(root.Content, scalar("faults"), faults)
	}
	for n, i := range sc {
		faults.Content = append(faults.Content, b.fault(n+1, i))
	}
	if len(expect) > 0 {
		e := &yaml.Node{Kind: yaml.MappingNode}
		for _, k := range sortedKeys(expect) {
			e.Content = append(e.Content, scalar(k), scalar(expect[k]))
		}
		root.Content = append(root.Content, scalar("expect"), e)
	}
	var buf bytes.Buffer
	for _, line := range strings.Split(strings.TrimRight(header, "\n"), "\n") {
		if header != "" {
			buf.WriteString(strings.TrimRight("# "+line, " ") + "\n")
		}
	}
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		panic("modelcheck: encoding a scenario: " + err.Error()) // nodes built here always encode
	}
	enc.Close()
	return buf.Bytes()
}

// describe is pair i in words: "65s kill nameserver01 (before-consumer)".
func (b *builder) describe(i int, momentNames []string) string {
	p := b.pairs[i]
	return fmt.Sprintf("%s %s (moment %s)", b.moments[p.Moment], b.letters[p.Letter], momentNames[p.Moment])
}
