package yamlwalk

import (
	"strings"
	"testing"
)

// TestStrictReading: every key must be asked for; duplicates, wrong
// kinds, missing required fields and bad integers are problems naming
// the file, line and field, all of them reported.
func TestStrictReading(t *testing.T) {
	const doc = `name: x
name: y
count: many
list: {a: 1}
items:
  - {id: a, colour: red}
  - 7
extra: 1
`
	ps := New("f.yaml")
	root := Root(ps, []byte(doc))
	if root == nil {
		t.Fatal("no root")
	}
	_ = root.Str("name", true)
	_ = root.Integer("count", 0)
	_ = root.Strs("list")
	for _, it := range root.List("items", true) {
		_ = it.Str("id", true)
		it.Done("id")
	}
	_ = root.Str("missing", true)
	root.Done("name", "count", "list", "items", "missing")
	err := ps.Err()
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{
		"f.yaml:2: name: given twice (first at line 1)",
		"f.yaml:3: count: want an integer",
		"f.yaml:4: list: want a list of names, got a mapping",
		"f.yaml:6: items[0].colour: unknown field",
		"f.yaml:7: items[1]: want a mapping",
		"f.yaml:1: missing: required",
		"f.yaml:8: extra: unknown field \"extra\"",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("no %q in:\n%v", want, err)
		}
	}
}

func TestRootOfBadFiles(t *testing.T) {
	for _, doc := range []string{"", "a: [", "- 1\n- 2\n"} {
		ps := New("f.yaml")
		if Root(ps, []byte(doc)) != nil || ps.Err() == nil || !strings.HasPrefix(ps.Err().Error(), "f.yaml") {
			t.Errorf("%q: root read, or the error %v does not name the file", doc, ps.Err())
		}
	}
}

func TestAtMostTwentyProblems(t *testing.T) {
	ps := New("f.yaml")
	for i := 0; i < 50; i++ {
		ps.Add(i+1, "x", "bad")
	}
	if ps.Len() != 20 {
		t.Errorf("%d problems kept", ps.Len())
	}
}
