package scenarios

import (
	"os"
	"testing"
)

// BenchmarkParseFieldExperiment: loading the largest shipped scenario,
// variants checked (what FuzzParse does per input).
func BenchmarkParseFieldExperiment(b *testing.B) {
	src, err := os.ReadFile("field-experiment.yaml")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		s, err := Parse("field-experiment.yaml", src)
		if err != nil {
			b.Fatal(err)
		}
		for _, v := range s.VariantNames() {
			if _, err := s.WithVariant(v); err != nil {
				b.Fatal(err)
			}
		}
	}
}
