package scenarios

import (
	"os"
	"strings"
	"testing"
)

// FuzzParse: no input makes the loader panic; it returns a scenario or
// problems. The seeds are the shipped files and the test scenario, whole
// and with values blanked. `go test -fuzz FuzzParse ./scenarios/` explores
// further.
func FuzzParse(f *testing.F) {
	for _, path := range []string{"testdata/small.yaml", "field-experiment.yaml"} {
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
