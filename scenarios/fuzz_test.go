package scenarios

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse: no input makes the loader panic; it returns a scenario or
// problems. The seeds are every shipped scenario file (this folder, its
// examples, found and incidents, and the reviews' scenarios) and the test
// scenario, whole and with values blanked. `go test -fuzz FuzzParse
// ./scenarios/` explores further.
func FuzzParse(f *testing.F) {
	var paths []string
	for _, glob := range []string{"testdata/small.yaml", "*.yaml", "examples/*.yaml", "found/*.yaml", "incidents/*.yaml", "../reviews/*-cluster.yaml"} {
		m, err := filepath.Glob(glob)
		if err != nil {
			f.Fatal(err)
		}
		paths = append(paths, m...)
	}
	if len(paths) < 4 {
		f.Fatalf("only %d seed files: %v", len(paths), paths)
	}
	for _, path := range paths {
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
		f.Add(strings.ReplaceAll(string(b), ": ", ": ~ #"))
		f.Add(strings.ReplaceAll(string(b), "between: [[c1], [m1, s1]]", "between: ~"))
	}
	f.Add("variants: [{name: a, include: [a]}]")
	f.Fuzz(func(t *testing.T, src string) {
		s, err := Parse("fuzz.yaml", []byte(src))
		if err == nil {
			for _, v := range s.VariantNames() {
				if _, err := s.WithVariant(v); err != nil {
					t.Fatalf("variant %s checked at load but fails now: %v", v, err)
				}
			}
		}
	})
}
