package scenarios

import (
	"bytes"
	"embed"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// files are the scenario files shipped with rmqsim, so that the binary
// finds them by name wherever it runs.
//
//go:embed *.yaml
var files embed.FS

// Names lists the embedded scenarios by name (file name without .yaml).
func Names() []string {
	entries, err := fs.ReadDir(files, ".")
	if err != nil {
		panic("scenarios: embedded files unreadable: " + err.Error())
	}
	var out []string
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), ".yaml"); ok {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// LoadNamed loads an embedded scenario by name. Its errors name the file
// as "scenarios/<name>.yaml", where it lives in the source tree.
func LoadNamed(name string) (*Scenario, error) {
	data, err := files.ReadFile(name + ".yaml")
	if err != nil {
		return nil, Problems{{File: name, Msg: "no such scenario (see 'simulate list')"}}
	}
	return Parse("scenarios/"+name+".yaml", data)
}

// Find loads a scenario given as a listed name or as a file path (a
// name containing a path separator or ending in .yaml/.yml).
func Find(nameOrPath string) (*Scenario, error) {
	if strings.ContainsRune(nameOrPath, '/') || strings.ContainsRune(nameOrPath, filepath.Separator) ||
		strings.HasSuffix(nameOrPath, ".yaml") || strings.HasSuffix(nameOrPath, ".yml") {
		return Load(nameOrPath)
	}
	return LoadNamed(nameOrPath)
}

// Load reads and checks a scenario file.
func Load(path string) (*Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, Problems{{File: path, Msg: err.Error()}}
	}
	return Parse(path, data)
}

// Parse decodes and checks a scenario; path names the file in errors. The
// error, if any, is Problems: every problem found, each with file, line
// and field. Every variant is applied and checked too.
func Parse(path string, data []byte) (*Scenario, error) {
	ps := &problems{file: path}
	root := parseYAML(ps, data)
	if root == nil {
		return nil, ps.err()
	}
	base, variantsNode := withoutKey(root, "variants")
	s := decodeScenario(ps, base)
	if ps.err() != nil {
		return nil, ps.err()
	}
	s.Path, s.root, s.Source = path, base, data
	s.Variants = decodeVariants(ps, variantsNode)
	if ps.err() != nil {
		return nil, ps.err()
	}
	for _, v := range s.Variants {
		if _, err := s.WithVariant(v.Name); err != nil {
			var vps Problems
			if errors.As(err, &vps) {
				for _, p := range vps {
					if !slices.Contains(ps.list, p) {
						ps.list = append(ps.list, p)
					}
				}
			}
		}
	}
	if ps.err() != nil {
		return nil, ps.err()
	}
	return s, nil
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parseYAML parses one YAML document whose top level is a mapping.
func parseYAML(ps *problems, data []byte) *yaml.Node {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if err == io.EOF {
			ps.add(0, "", "empty file")
			return nil
		}
		if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
			line, _ := strconv.Atoi(m[1])
			if strings.HasPrefix(m[2], "did not find expected") {
				// yaml.v3 reports parser errors at the 0-based line of
				// the construct they occur in (scanner errors 1-based).
				line++
			}
			ps.add(line, "", "%s", m[2])
		} else {
			ps.add(0, "", "%v", err)
		}
		return nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err != io.EOF {
		ps.add(extra.Line, "", "want one YAML document, found a second")
		return nil
	}
	root := ResolveNode(doc.Content[0])
	if root.Kind != yaml.MappingNode {
		ps.add(root.Line, "", "want a mapping at the top level, got %s", DescribeNode(root))
		return nil
	}
	return root
}

// withoutKey returns a copy of mapping m without key, and key's value.
func withoutKey(m *yaml.Node, key string) (rest, val *yaml.Node) {
	c := *m
	c.Content = nil
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			val = m.Content[i+1]
			continue
		}
		c.Content = append(c.Content, m.Content[i], m.Content[i+1])
	}
	return &c, val
}

// decodeScenario decodes and checks the scenario held by mapping root.
func decodeScenario(ps *problems, root *yaml.Node) *Scenario {
	s := &Scenario{}
	d := &decoder{ps: ps}
	d.decode(root, reflect.ValueOf(s).Elem(), "")
	if ps.err() != nil {
		return s
	}
	validate(ps, s, rootPos(root))
	s.normalize()
	return s
}

// rootPos records the lines of the top-level keys.
func rootPos(root *yaml.Node) Pos {
	p := Pos{Line: root.Line, Fields: map[string]int{}}
	for i := 0; i+1 < len(root.Content); i += 2 {
		p.Fields[root.Content[i].Value] = root.Content[i].Line
	}
	return p
}
