package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"sync"
	"time"

	"rmqsim/scenarios"
	"rmqsim/shard"
)

// fieldExperiment is the scenario `reproduce` reports on.
const fieldExperiment = "field-experiment"

// defaultSeeds is how many seeds `reproduce` runs each variant with:
// enough for each side of the nameserver choice (facts §3.4) to show up
// in every variant several times over, while `make run` stays within
// its minutes on 2 cores.
const defaultSeeds = 16

// cmdReproduce is `simulate report field-experiment -seeds 1..N`: the
// field experiment's report is the generic incident report of its
// scenario file, which holds the field's observations and claims.
func cmdReproduce(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("reproduce", "reproduce -out DIR [-seeds N] [-workers N]", stderr)
	out := fs.String("out", "", "write the field experiment's report under `DIR` (DIR/field-experiment/REPORT.md, report.html and plots)")
	seeds := fs.Int("seeds", defaultSeeds, "run every variant with seeds 1..`N`")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "run at most `N` simulations at once (the output does not depend on it)")
	if err := fs.Parse(args); err != nil {
		return parseStatus(err)
	}
	if *out == "" || fs.NArg() != 0 || *seeds < 1 || *workers < 1 {
		fs.Usage()
		return exitBadInput
	}
	return reportStatus(fieldExperiment, fmt.Sprintf("1..%d", *seeds), *workers, *out, stderr)
}

// job is one run: a scenario (variant already applied), a seed and any
// parameter overrides.
type job struct {
	spec      *scenarios.Scenario
	seed      uint64
	overrides []string
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
		res, err := scenarios.Run(jobs[i].spec, scenarios.RunOptions{Seed: jobs[i].seed, Overrides: jobs[i].overrides})
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
