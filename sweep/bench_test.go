package sweep

import (
	"context"
	"runtime"
	"testing"

	"rmqsim/scenarios"
	"rmqsim/shard"
)

// BenchmarkSweepFieldExperiment: sweep throughput on the field
// experiment, every variant × 2 seeds per iteration, on GOMAXPROCS
// workers, writing runs.jsonl and the report. Reports runs/s.
func BenchmarkSweepFieldExperiment(b *testing.B) {
	sc, err := scenarios.LoadNamed("field-experiment")
	if err != nil {
		b.Fatal(err)
	}
	p, err := Resolve(Spec{Name: "bench", Scenario: "field-experiment", Seeds: Seeds{1, 2}}, sc)
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	runs := 0
	for b.Loop() {
		n, err := Execute(context.Background(), p, dir, Options{Shard: shard.Whole, Workers: runtime.GOMAXPROCS(0)})
		if err != nil {
			b.Fatal(err)
		}
		runs += n
	}
	b.ReportMetric(float64(runs)/b.Elapsed().Seconds(), "runs/s")
}
