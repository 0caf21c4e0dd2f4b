package model

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"reflect"
	"strings"
	"testing"
)

var updateParams = flag.Bool("update", false, "rewrite docs/parameters.md")

// TestParametersDoc: docs/parameters.md lists every parameter key with its
// RocketMQ 4.8 default and the doc comment of its Config field (which
// cites the facts §), generated from config.go; `go test ./model -run
// TestParametersDoc -update` rewrites it.
func TestParametersDoc(t *testing.T) {
	docs := fieldDocs(t)
	var b bytes.Buffer
	b.WriteString("# Parameters\n\n")
	b.WriteString("Every parameter of the model, its RocketMQ 4.8.0 default, and what it is\n")
	b.WriteString("(with the section of `rocketmq-4.8-facts.md` it comes from). Override one\n")
	b.WriteString("in a scenario's `config:` or with `simulate run -set key=value`; durations\n")
	b.WriteString("need a unit (`3000ms`, `30s`). Generated from `model/config.go` by\n")
	b.WriteString("`go test ./model -run TestParametersDoc -update`; `simulate params` prints\n")
	b.WriteString("the same keys and defaults.\n\n")
	b.WriteString("| key | default | meaning |\n|---|---|---|\n")
	cfg := DefaultConfig()
	for _, k := range Keys() {
		v, _ := cfg.Get(k)
		d, ok := docs[k]
		if !ok || d == "" {
			t.Errorf("parameter %s has no doc comment in config.go", k)
		}
		fmt.Fprintf(&b, "| `%s` | `%s` | %s |\n", k, v, strings.ReplaceAll(d, "|", "\\|"))
	}
	const path = "../docs/parameters.md"
	if *updateParams {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	old, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(old, b.Bytes()) {
		t.Fatalf("docs/parameters.md is out of date; run: go test ./model -run TestParametersDoc -update")
	}
}

// fieldDocs maps each key to its field's doc comment, read from config.go.
// A comment above several fields on consecutive lines (a group such as
// "SlaveSyncDelay / SlaveSyncInterval") documents each of them.
func fieldDocs(t *testing.T) map[string]string {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "config.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	structs := map[string]*ast.StructType{}
	ast.Inspect(f, func(n ast.Node) bool {
		if ts, ok := n.(*ast.TypeSpec); ok {
			if st, ok := ts.Type.(*ast.StructType); ok {
				structs[ts.Name.Name] = st
			}
		}
		return true
	})
	out := map[string]string{}
	for _, comp := range structs["Config"].Fields.List {
		prefix := tagKey(comp)
		st := structs[comp.Type.(*ast.Ident).Name]
		last, lastLine := "", -1
		for _, fld := range st.Fields.List {
			line := fset.Position(fld.Pos()).Line
			switch {
			case fld.Doc != nil:
				last = strings.Join(strings.Fields(fld.Doc.Text()), " ")
			case line != lastLine+1:
				last = "" // not part of the group above: undocumented
			}
			lastLine = line
			out[prefix+"."+tagKey(fld)] = last
		}
	}
	return out
}

func tagKey(f *ast.Field) string {
	if f.Tag == nil {
		return ""
	}
	return reflect.StructTag(strings.Trim(f.Tag.Value, "`")).Get("key")
}
