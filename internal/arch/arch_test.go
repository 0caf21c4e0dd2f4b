package arch

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

const module = "rmqsim/"

// allowed lists, per package pattern, the project packages it may import
// (directly or not). A trailing "/..." matches the package and below.
var allowed = map[string][]string{
	"sim":           {"par"},
	"history":       {},
	"model":         {"sim", "history", "par"},
	"model/namesrv": {"sim", "history", "model", "par"},
	"model/broker":  {"sim", "history", "model", "par"},
	"model/client":  {"sim", "history", "model", "par"},
	"model/app":     {"sim", "history", "model", "model/client", "par"},
	"model/cluster": {"sim", "history", "model", "model/...", "par"},
	"check":         {"history", "model", "par"},
	"explain":       {"history", "sim", "model", "par"},
	"scenarios":     {"sim", "history", "model", "model/...", "check", "explain", "par"},
	"report":        {"sim", "history", "model", "model/...", "check", "explain", "par", "scenarios", "page", "metrics", "stats"},
	"explore":       {"sim", "history", "model", "model/...", "check", "explain", "par", "scenarios"},
	"shard":         {},
	"stats":         {},
	"metrics":       {"sim", "history", "model", "model/...", "check", "explain", "par", "scenarios", "stats"},
	"modelcheck":    {"sim", "history", "model", "model/...", "check", "explain", "par", "scenarios", "metrics", "stats", "shard", "yamlwalk"},
	"sweep":         {"sim", "history", "model", "model/...", "check", "explain", "par", "scenarios", "stats", "metrics", "shard", "page", "yamlwalk"},
	"compare":       {"sim", "history", "model", "model/...", "check", "explain", "par", "scenarios", "stats", "metrics", "shard", "page", "sweep", "yamlwalk"},
	"page":          {},
	"par":           {},
	"yamlwalk":      {"sim", "history", "model", "model/...", "check", "explain", "par", "scenarios"},
}

func deps(t *testing.T, pkg string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", module+pkg).Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", pkg, err)
	}
	var ds []string
	for _, l := range strings.Fields(string(out)) {
		if strings.HasPrefix(l, module) && l != module+pkg {
			ds = append(ds, strings.TrimPrefix(l, module))
		}
	}
	return ds
}

func matches(pattern, pkg string) bool {
	if base, ok := strings.CutSuffix(pattern, "/..."); ok {
		return pkg == base || strings.HasPrefix(pkg, base+"/")
	}
	return pattern == pkg
}

// TestDependenciesRunOneWay: no package imports a project package outside
// its allowed list (STYLE.md "The shape").
func TestDependenciesRunOneWay(t *testing.T) {
	pkgs := make([]string, 0, len(allowed))
	for p := range allowed {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	for _, p := range pkgs {
		for _, d := range deps(t, p) {
			ok := false
			for _, a := range allowed[p] {
				ok = ok || matches(a, d)
			}
			if !ok {
				t.Errorf("%s imports %s, which it may not (allowed: %v)", p, d, allowed[p])
			}
		}
	}
}

// forbiddenCalls are package-level functions that bring the wall clock or
// an unseeded random source into a run.
var forbiddenCalls = map[string][]string{
	"time": {"Now", "Since", "Until", "Sleep", "After", "AfterFunc", "Tick", "NewTimer", "NewTicker"},
	"rand": {"Int", "Intn", "IntN", "Int31", "Int31n", "Int32", "Int32N", "Int63", "Int63n", "Int64", "Int64N",
		"Uint32", "Uint64", "Float32", "Float64", "Perm", "Shuffle", "N", "Seed", "Read"},
}

// behind lists the core's files that may hand work to another goroutine
// through par.Start, the one door: pure bookkeeping (hashing trace bytes,
// packing finished records) whose result the world's goroutine waits
// for before anything reads it, so that no node's state machine, and no
// output, depends on where or when it ran. Any other use is an error.
var behind = map[string]bool{"sim/trace.go": true, "model/recorder.go": true}

var forbiddenImports = []string{"math/rand", "os", "net", "net/http", "sync", "syscall", "io/ioutil", "crypto/rand"}

// TestCoreIsDeterministic: sim/ and model/ (non-test files) start no
// goroutine, read no clock, draw from no global random source and import
// nothing that does I/O or synchronisation (STYLE.md principles 1, 2);
// only the files in behind call par.Start.
func TestCoreIsDeterministic(t *testing.T) {
	files, err := filepath.Glob("../../sim/*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"model", "model/*"} {
		more, _ := filepath.Glob("../../" + dir + "/*.go")
		files = append(files, more...)
	}
	checked := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		checked++
		checkFile(t, f)
	}
	if checked < 20 {
		t.Fatalf("only %d files checked: the globs no longer find the core", checked)
	}
}

func checkFile(t *testing.T, path string) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, 0)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	for _, imp := range f.Imports {
		p := strings.Trim(imp.Path.Value, `"`)
		for _, bad := range forbiddenImports {
			if p == bad {
				t.Errorf("%s imports %s", fset.Position(imp.Pos()), p)
			}
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.GoStmt:
			t.Errorf("%s: go statement in the deterministic core", fset.Position(x.Pos()))
		case *ast.SelectorExpr:
			id, ok := x.X.(*ast.Ident)
			if !ok {
				break
			}
			if id.Name == "par" && x.Sel.Name == "Start" && !behind[strings.TrimPrefix(filepath.ToSlash(path), "../../")] {
				t.Errorf("%s: par.Start in the deterministic core outside %v", fset.Position(x.Pos()), behind)
			}
			for _, fn := range forbiddenCalls[id.Name] {
				if x.Sel.Name == fn {
					t.Errorf("%s: %s.%s in the deterministic core", fset.Position(x.Pos()), id.Name, fn)
				}
			}
		}
		return true
	})
}
