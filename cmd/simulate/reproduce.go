package main

import (
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"rmqsim/report"
	"rmqsim/scenarios"
)

// fieldExperiment is the scenario `reproduce` runs under every variant.
const fieldExperiment = "field-experiment"

// defaultSeeds is how many seeds `reproduce` runs each variant with:
// enough for each side of the nameserver choice (facts §3.4) to show up
// in every variant several times over, while `make run` stays under a
// minute on 2 cores (measured: see report/doc.go).
const defaultSeeds = 16

func cmdReproduce(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("reproduce", "reproduce -out DIR [-seeds N] [-workers N]", stderr)
	out := fs.String("out", "", "write the field experiment's report under `DIR` (DIR/field-experiment/REPORT.md and plots)")
	seeds := fs.Int("seeds", defaultSeeds, "run every variant with seeds 1..`N`")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "run at most `N` simulations at once (the output does not depend on it)")
	if err := fs.Parse(args); err != nil {
		return parseStatus(err)
	}
	if *out == "" || fs.NArg() != 0 || *seeds < 1 || *workers < 1 {
		fs.Usage()
		return exitBadInput
	}
	sc, err := scenarios.LoadNamed(fieldExperiment)
	if err != nil {
		return badInput(stderr, err)
	}
	if err := reproduce(sc, *out, *seeds, *workers, stderr); err != nil {
		return badInput(stderr, err)
	}
	fmt.Fprintf(stderr, "simulate: wrote %s\n", filepath.Join(*out, fieldExperiment, "REPORT.md"))
	return exitOK
}

// reproduce runs every variant of sc with seeds 1..seeds, on at most
// workers goroutines, and writes the report under out.
func reproduce(sc *scenarios.Scenario, out string, seeds, workers int, stderr io.Writer) error {
	runs, err := runSweep(sc, seeds, workers, stderr)
	if err != nil {
		return err
	}
	return report.WriteFieldExperiment(out, runs)
}

// job is one run of the sweep: a variant (already applied) and a seed.
type job struct {
	spec *scenarios.Scenario
	seed uint64
}

// runSweep runs every (variant, seed) of sc. A run is a pure function of
// its inputs, so the runs go to a pool of workers; each result is
// digested (report.NewRun) in its worker and its history dropped, and
// stored at the index of its (variant, seed), so the output never
// depends on the order the runs finish in. Logs one line per run to
// stderr (in finishing order).
func runSweep(sc *scenarios.Scenario, seeds, workers int, stderr io.Writer) ([]*report.Run, error) {
	variants := sc.VariantNames()
	if len(variants) == 0 {
		variants = []string{""}
	}
	var jobs []job
	for _, v := range variants {
		// Applied here, once and in order: the workers then share
		// read-only scenarios.
		spec, err := sc.WithVariant(v)
		if err != nil {
			return nil, err
		}
		for s := 1; s <= seeds; s++ {
			jobs = append(jobs, job{spec: spec, seed: uint64(s)})
		}
	}
	runs := make([]*report.Run, len(jobs))
	errs := make([]error, len(jobs))
	next := make(chan int)
	var wg sync.WaitGroup
	var logMu sync.Mutex
	for range min(workers, len(jobs)) {
		wg.Go(func() {
			for i := range next {
				start := time.Now()
				res, err := scenarios.Run(jobs[i].spec, scenarios.RunOptions{Seed: jobs[i].seed})
				if err != nil {
					errs[i] = err
					continue
				}
				wall := time.Since(start).Milliseconds()
				runs[i] = report.NewRun(res)
				logMu.Lock()
				fmt.Fprintf(stderr, "simulate: %s -variant %s -seed %d: %s, %d events, %d ms virtual in %d ms\n",
					res.Scenario, res.Variant, res.Seed, res.Outcome, res.Events, res.SimTimeMs, wall)
				logMu.Unlock()
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
			return nil, err
		}
	}
	return runs, nil
}
