package scenarios

import (
	"bytes"
	"runtime"
	"testing"
	"time"

	"rmqsim/check"
	"rmqsim/history"
)

func loadField(tb testing.TB) *Scenario {
	tb.Helper()
	s, err := LoadNamed("field-experiment")
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func runField(tb testing.TB, s *Scenario, opts RunOptions) *Result {
	tb.Helper()
	res, err := Run(s, opts)
	if err != nil {
		tb.Fatal(err)
	}
	return res
}

// TestFieldExperimentVariants runs every variant once: each covers the
// whole timeline and its 10,300 messages (the report's 10,200 plus the
// 100 of the E4 run that shows sending recover), and meets the expectations the
// file derives from the facts sheet.
func TestFieldExperimentVariants(t *testing.T) {
	s := loadField(t)
	for _, v := range s.VariantNames() {
		res := runField(t, s, RunOptions{Variant: v})
		if res.Outcome != "horizon" || res.SimTimeMs != s.Horizon.D().Milliseconds() {
			t.Errorf("%s: ended %s at %d ms", v, res.Outcome, res.SimTimeMs)
		}
		if res.Messages.Intended != 10_300 {
			t.Errorf("%s: %d messages intended, want 10,300", v, res.Messages.Intended)
		}
		for _, st := range res.Steps {
			if !st.Started {
				t.Errorf("%s: step %s never started", v, st.Name)
			}
		}
		for _, e := range res.Expectations {
			if !e.Held {
				t.Errorf("%s: expected %s %s, got %s", v, e.Property, e.Want, e.Got)
			}
		}
	}
}

// TestFieldExperimentE1Placement: with the round-robin start index pinned
// to 8 (the report's first SendResult), E1's 100 messages land as the
// report says: the first on broker-a queue 8 offset 0, then queues 9, 10,
// ...; 52 on broker-a, 48 on broker-b; 3 in broker-b queue 13. Nothing
// but the model's queue selection places them.
func TestFieldExperimentE1Placement(t *testing.T) {
	res := runField(t, loadField(t), RunOptions{Variant: "baseline"})
	var first []history.Record
	perBroker := map[string]int{}
	maxOffset := map[string]int64{}
	for _, r := range res.History.All() {
		if r.Kind != history.SendReturn || r.Proc != "client01/producer-e1" || r.Status != "SEND_OK" {
			continue
		}
		first = append(first, r)
		perBroker[r.Broker]++
		if r.Broker == "broker-b" && r.QueueID == 13 {
			maxOffset["broker-b/13"] = max(maxOffset["broker-b/13"], r.QueueOffset+1)
		}
	}
	if len(first) != 100 {
		t.Fatalf("%d SEND_OK in E1, want 100", len(first))
	}
	if r := first[0]; r.Broker != "broker-a" || r.QueueID != 8 || r.QueueOffset != 0 {
		t.Errorf("first SendResult %s queue %d offset %d, want broker-a queue 8 offset 0", r.Broker, r.QueueID, r.QueueOffset)
	}
	if first[1].QueueID != 9 || first[2].QueueID != 10 {
		t.Errorf("then queues %d, %d; want 9, 10", first[1].QueueID, first[2].QueueID)
	}
	if perBroker["broker-a"] != 52 || perBroker["broker-b"] != 48 {
		t.Errorf("E1 placement %v, want broker-a 52, broker-b 48", perBroker)
	}
	if maxOffset["broker-b/13"] != 3 {
		t.Errorf("broker-b queue 13 holds %d, want 3", maxOffset["broker-b/13"])
	}
}

// TestDeterminism: the same scenario, variant and seed give the same
// trace byte for byte and the same hash, whatever GOMAXPROCS and whether
// the trace is hashed behind the run (SpareCore) or not; another seed
// gives another trace.
func TestDeterminism(t *testing.T) {
	s := loadField(t)
	var a, b bytes.Buffer
	ra := runField(t, s, RunOptions{Variant: "network-first", TraceWriter: &a})
	rb := runField(t, s, RunOptions{Variant: "network-first", TraceWriter: &b})
	if ra.TraceHash != rb.TraceHash || !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatalf("two runs: hashes %s and %s, traces equal %v", ra.TraceHash, rb.TraceHash, bytes.Equal(a.Bytes(), b.Bytes()))
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{1, 4} {
		runtime.GOMAXPROCS(procs)
		for _, spare := range []bool{false, true} {
			var c bytes.Buffer
			r := runField(t, s, RunOptions{Variant: "network-first", SpareCore: spare, TraceWriter: &c})
			if r.TraceHash != ra.TraceHash || r.Events != ra.Events || !bytes.Equal(c.Bytes(), a.Bytes()) {
				t.Errorf("GOMAXPROCS %d, SpareCore %v: hash %s, %d events, same trace %v; want %s, %d", procs, spare, r.TraceHash, r.Events, bytes.Equal(c.Bytes(), a.Bytes()), ra.TraceHash, ra.Events)
			}
		}
	}
	if other := runField(t, s, RunOptions{Variant: "network-first", Seed: 2}); other.TraceHash == ra.TraceHash {
		t.Errorf("seeds 1 and 2 give the same trace hash %s", ra.TraceHash)
	}
}

// BenchmarkFieldExperiment runs the field experiment under every variant
// (10,200 messages each) and reports how much faster than virtual time it
// runs: sim-ms/wall-ms over all variants (target ≥ 2000).
func BenchmarkFieldExperiment(b *testing.B) {
	s := loadField(b)
	variants := s.VariantNames()
	var simMs, events int64
	b.ResetTimer()
	for b.Loop() {
		for _, v := range variants {
			res := runField(b, s, RunOptions{Variant: v})
			simMs += res.SimTimeMs
			events += res.Events
		}
	}
	wallMs := float64(b.Elapsed().Nanoseconds()) / 1e6
	b.ReportMetric(float64(simMs)/wallMs, "sim/wall")
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkFieldExperimentAllSent is BenchmarkFieldExperiment at seed 2,
// where the E3 producer gets its route before the outage and sends all
// its 10,000 messages (the costly case: 10,300 messages end to end).
func BenchmarkFieldExperimentAllSent(b *testing.B) {
	s := loadField(b)
	variants := s.VariantNames()
	var simMs, events int64
	for b.Loop() {
		for _, v := range variants {
			res := runField(b, s, RunOptions{Variant: v, Seed: 2})
			simMs += res.SimTimeMs
			events += res.Events
		}
	}
	wallMs := float64(b.Elapsed().Nanoseconds()) / 1e6
	b.ReportMetric(float64(simMs)/wallMs, "sim/wall")
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkLinearizabilityFieldExperiment times the porcupine judge alone
// on the baseline's histories for seeds 1–16 (one op = one history), and
// reports how many partitions answered unknown (ran out of time).
func BenchmarkLinearizabilityFieldExperiment(b *testing.B) {
	s := loadField(b)
	var hs []*history.History
	for seed := uint64(1); seed <= 16; seed++ {
		hs = append(hs, runField(b, s, RunOptions{Variant: "baseline", Seed: seed}).History)
	}
	unknown, parts, i := 0, 0, 0
	for b.Loop() {
		res, err := check.CheckLinearizability(hs[i%len(hs)], check.LinearOptions{Timeout: 10 * time.Second})
		if err != nil {
			b.Fatal(err)
		}
		for _, p := range res.Partitions {
			parts++
			if p.Result == check.Unknown {
				unknown++
			}
		}
		i++
	}
	b.ReportMetric(float64(parts)/float64(i), "partitions/history")
	b.ReportMetric(float64(unknown), "unknown-partitions")
}
