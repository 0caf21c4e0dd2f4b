package scenarios

import (
	"bufio"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// updateTraceHashes rewrites testdata/field-tracehashes.txt. Only do so on
// purpose: the file is the proof that an optimisation changed nothing.
var updateTraceHashes = flag.Bool("update-tracehashes", false, "rewrite testdata/field-tracehashes.txt")

const traceHashesFile = "testdata/field-tracehashes.txt"

// goldenSeeds is how many seeds each variant runs: the same 16 as
// `simulate reproduce`.
const goldenSeeds = 16

// TestFieldTraceHashesGolden runs every variant of the field experiment
// with seeds 1..16 (the 176 runs of `simulate reproduce`) and compares
// each run's trace hash, and a digest of what the judges and the
// explanation made of it, with the values recorded in testdata before any
// performance work. The trace hash covers the simulation; the digest
// covers the judges (summary JSON without WallMs, the check report, every
// fate), so a faster history or judge that changes one verdict, count or
// explanation fails here.
func TestFieldTraceHashesGolden(t *testing.T) {
	if testing.Short() {
		t.Skip("176 runs; skipped with -short")
	}
	s := loadField(t)
	type job struct {
		variant string
		seed    uint64
	}
	var jobs []job
	for _, v := range s.VariantNames() {
		for seed := uint64(1); seed <= goldenSeeds; seed++ {
			jobs = append(jobs, job{v, seed})
		}
	}
	lines := make([]string, len(jobs))
	errs := make([]error, len(jobs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				// Even seeds hash their trace behind the run (SpareCore),
				// odd ones inline: both must give the recorded hashes.
				res, err := Run(s, RunOptions{Variant: jobs[i].variant, Seed: jobs[i].seed, SpareCore: jobs[i].seed%2 == 0})
				if err != nil {
					errs[i] = err
					continue
				}
				lines[i] = fmt.Sprintf("%s %d %s %s", jobs[i].variant, jobs[i].seed, res.TraceHash, judgedDigest(t, res))
			}
		})
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if *updateTraceHashes {
		if err := os.WriteFile(traceHashesFile, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want := readGoldenLines(t)
	if len(want) != len(lines) {
		t.Fatalf("%s has %d runs, the field experiment has %d (rerun with -update-tracehashes only if the scenario changed)", traceHashesFile, len(want), len(lines))
	}
	for i := range lines {
		if lines[i] != want[i] {
			t.Errorf("run %d: got %q, want %q", i, lines[i], want[i])
		}
	}
}

// judgedDigest is a short SHA-256 of everything the judges and the
// explanation produced for res, in their JSON forms.
func judgedDigest(t *testing.T, res *Result) string {
	sum := *res
	sum.WallMs = 0
	h := sha256.New()
	enc := json.NewEncoder(h)
	for _, v := range []any{&sum, res.Judgement, res.Explanation} {
		if err := enc.Encode(v); err != nil {
			t.Error(err)
		}
	}
	return fmt.Sprintf("%x", h.Sum(nil)[:12])
}

func readGoldenLines(t *testing.T) []string {
	f, err := os.Open(traceHashesFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
