package scenarios

import (
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// The decoder turns a parsed YAML tree into the scenario structs, strictly:
// an unknown or repeated key, a value of the wrong shape or type, is a
// Problem naming the line and the field path. It is our own walk over
// yaml.Node rather than yaml's Decode because only the node tree keeps
// every line, and Node.Decode cannot refuse unknown fields.

// nodeDecoder is implemented by types that read themselves from a node
// (Duration, When, Latency, Settings, Expectations).
type nodeDecoder interface {
	decodeNode(d *decoder, n *yaml.Node, path string)
}

type decoder struct {
	ps *problems
}

var posType = reflect.TypeOf(Pos{})

// ResolveNode follows aliases (&anchor / *alias). It and IsNullNode,
// DescribeNode and JoinPath are the YAML helpers every strict reader of
// the project shares (package yamlwalk too).
func ResolveNode(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// IsNullNode reports an absent value: "key:" with nothing, "~" or "null".
func IsNullNode(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

// DescribeNode names a node's shape for messages.
func DescribeNode(n *yaml.Node) string {
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

// decode reads n into v; path names v in messages. A null node leaves v
// unchanged (a pointer stays nil: the field is absent).
func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string) {
	n = ResolveNode(n)
	if IsNullNode(n) {
		return
	}
	if v.CanAddr() {
		if nd, ok := v.Addr().Interface().(nodeDecoder); ok {
			nd.decodeNode(d, n, path)
			return
		}
	}
	switch v.Kind() {
	case reflect.Pointer:
		nv := reflect.New(v.Type().Elem())
		d.decode(n, nv.Elem(), path)
		v.Set(nv)
	case reflect.Struct:
		d.decodeStruct(n, v, path)
	case reflect.Slice:
		d.decodeSlice(n, v, path)
	default:
		d.decodeScalar(n, v, path)
	}
}

func (d *decoder) decodeSlice(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.SequenceNode {
		d.ps.add(n.Line, path, "want a list, got %s", DescribeNode(n))
		return
	}
	out := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, e := range n.Content {
		d.decode(e, out.Index(i), path+"["+strconv.Itoa(i)+"]")
	}
	v.Set(out)
}

func (d *decoder) decodeScalar(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.ScalarNode {
		d.ps.add(n.Line, path, "want a single value, got %s", DescribeNode(n))
		return
	}
	s := n.Value
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Int, reflect.Int64:
		i, err := strconv.ParseInt(strings.ReplaceAll(s, "_", ""), 10, 64)
		if err != nil || v.OverflowInt(i) {
			d.ps.add(n.Line, path, "want an integer, got %q", s)
			return
		}
		v.SetInt(i)
	case reflect.Uint64:
		u, err := strconv.ParseUint(strings.ReplaceAll(s, "_", ""), 10, 64)
		if err != nil {
			d.ps.add(n.Line, path, "want a non-negative integer, got %q", s)
			return
		}
		v.SetUint(u)
	case reflect.Float64:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			d.ps.add(n.Line, path, "want a number, got %q", s)
			return
		}
		v.SetFloat(f)
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			d.ps.add(n.Line, path, "want true or false, got %q", s)
			return
		}
		v.SetBool(b)
	default:
		panic("scenarios: no decoder for " + v.Type().String())
	}
}

// fieldIndex maps a struct's YAML keys (inline structs flattened) to
// field index paths, in declaration order.
type fieldIndex struct {
	keys  []string
	index map[string][]int
	src   []int // the Src Pos field, or nil
}

// fieldIndexes caches fieldsOf per type: the decoder asks for the same
// few struct types thousands of times per file (once per list item).
var fieldIndexes sync.Map // reflect.Type → fieldIndex

func fieldsOf(t reflect.Type) fieldIndex {
	if fi, ok := fieldIndexes.Load(t); ok {
		return fi.(fieldIndex)
	}
	fi := buildFieldIndex(t)
	fieldIndexes.Store(t, fi)
	return fi
}

// buildFieldIndex maps each yaml key of t (inline structs flattened) to
// its field index; the result is read-only once built.
func buildFieldIndex(t reflect.Type) fieldIndex {
	fi := fieldIndex{index: map[string][]int{}}
	var walk func(t reflect.Type, prefix []int)
	walk = func(t reflect.Type, prefix []int) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			idx := append(append([]int(nil), prefix...), i)
			tag := f.Tag.Get("yaml")
			name, opts, _ := strings.Cut(tag, ",")
			switch {
			case f.Type == posType && f.Name == "Src":
				fi.src = idx
			case tag == "-" || !f.IsExported():
			case opts == "inline":
				walk(f.Type, idx)
			default:
				fi.keys = append(fi.keys, name)
				fi.index[name] = idx
			}
		}
	}
	walk(t, nil)
	return fi
}

func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.ps.add(n.Line, path, "want a mapping, got %s", DescribeNode(n))
		return
	}
	fi := fieldsOf(v.Type())
	src := Pos{Line: n.Line, Path: path, Fields: map[string]int{}}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := ResolveNode(n.Content[i]), n.Content[i+1]
		key := k.Value
		at := JoinPath(path, key)
		if first, dup := src.Fields[key]; dup {
			d.ps.add(k.Line, at, "given twice (first at line %d)", first)
			continue
		}
		src.Fields[key] = k.Line
		idx, ok := fi.index[key]
		if !ok {
			d.ps.add(k.Line, at, "unknown field %q (want one of %s)", key, strings.Join(fi.keys, ", "))
			continue
		}
		d.decode(val, v.FieldByIndex(idx), at)
	}
	if fi.src != nil {
		v.FieldByIndex(fi.src).Set(reflect.ValueOf(src))
	}
}

// JoinPath names a field under path: "a.b".
func JoinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// mappingPairs checks that n is a mapping with distinct scalar keys and
// returns its key and value nodes; problems go to d.
func (d *decoder) mappingPairs(n *yaml.Node, path string) (keys, vals []*yaml.Node) {
	if n.Kind != yaml.MappingNode {
		d.ps.add(n.Line, path, "want a mapping, got %s", DescribeNode(n))
		return nil, nil
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := ResolveNode(n.Content[i]), ResolveNode(n.Content[i+1])
		if first, dup := seen[k.Value]; dup {
			d.ps.add(k.Line, JoinPath(path, k.Value), "given twice (first at line %d)", first)
			continue
		}
		seen[k.Value] = k.Line
		keys, vals = append(keys, k), append(vals, v)
	}
	return keys, vals
}

// reflectOf is the settable value behind pointer p.
func reflectOf(p any) reflect.Value { return reflect.ValueOf(p).Elem() }
