package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"rmqsim/report"
	"rmqsim/scenarios"
	"rmqsim/shard"
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

// job is one run: a scenario (variant already applied) and a seed.
type job struct {
	spec *scenarios.Scenario
	seed uint64
}

// variantJobs is every (variant, seed) of sc for seeds from..to, variants
// in file order (the base when there are none). The variants are applied
// here, once and in order: the workers then share read-only scenarios.
func variantJobs(sc *scenarios.Scenario, from, to uint64) ([]job, error) {
	variants := sc.VariantNames()
	if len(variants) == 0 {
		variants = []string{""}
	}
	var jobs []job
	for _, v := range variants {
		spec, err := sc.WithVariant(v)
		if err != nil {
			return nil, err
		}
		for s := from; s <= to; s++ {
			jobs = append(jobs, job{spec: spec, seed: s})
		}
	}
	return jobs, nil
}

// runJobs runs the jobs on at most workers goroutines (package shard) and
// digests each result in its worker, so that its history can go at once;
// digests are stored at their job's index, so the output never depends
// on the order the runs finish in. With a non-nil log, one line per run
// (in finishing order, with its wall time) goes there.
func runJobs[T any](ctx context.Context, jobs []job, workers int, digest func(*scenarios.Result) T, log io.Writer) ([]T, error) {
	out := make([]T, len(jobs))
	var logMu sync.Mutex
	run := func(i int) ([]byte, error) {
		start := time.Now()
		res, err := scenarios.Run(jobs[i].spec, scenarios.RunOptions{Seed: jobs[i].seed})
		if err != nil {
			return nil, err
		}
		wall := time.Since(start).Milliseconds()
		out[i] = digest(res)
		if log != nil {
			logMu.Lock()
			fmt.Fprintf(log, "simulate: %s -variant %s -seed %d: %s, %d events, %d ms virtual in %d ms\n",
				res.Scenario, res.Variant, res.Seed, res.Outcome, res.Events, res.SimTimeMs, wall)
			logMu.Unlock()
		}
		return nil, nil
	}
	if _, err := shard.Each(ctx, len(jobs), shard.Whole, workers, run, func(int, []byte) error { return nil }, nil); err != nil {
		return nil, err
	}
	return out, nil
}

// runSweep runs every (variant, seed 1..seeds) of sc and digests each run
// for the field experiment's report (report.NewRun).
func runSweep(sc *scenarios.Scenario, seeds, workers int, stderr io.Writer) ([]*report.Run, error) {
	jobs, err := variantJobs(sc, 1, uint64(seeds))
	if err != nil {
		return nil, err
	}
	return runJobs(context.Background(), jobs, workers, report.NewRun, stderr)
}
