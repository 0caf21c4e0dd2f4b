package main

import (
	"context"
	"fmt"
	"io"
	"runtime"

	"rmqsim/modelcheck"
	"rmqsim/shard"
)

const checkSynopsis = "check SPACE.yaml [-depth K] [-workers N] [-shard I/N] [-symmetry=false] -out DIR | check -merge -out DIR SHARD_DIR..."

// cmdCheck runs a model-checking space (package modelcheck) or merges
// its shards. Exit status: 0 when every property's claim is what the
// space expects, 1 when one is not, 2 on bad input.
func cmdCheck(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("check", checkSynopsis, stderr)
	depth := fs.Int("depth", -1, "check schedules of up to `K` faults (default: the space's depth)")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "run `N` schedules at once (the output does not depend on it)")
	shardFlag := fs.String("shard", "0/1", "run shard `I/N` of the job list (merge the N folders with -merge)")
	symmetry := fs.Bool("symmetry", true, "run one schedule per class of renamings the space declares (false: every schedule)")
	merge := fs.Bool("merge", false, "merge the shard folders given as arguments into -out")
	out := fs.String("out", "", "write the check's folder into `DIR` (required)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return parseStatus(err)
	}
	if *out == "" || (!*merge && len(pos) != 1) || (*merge && len(pos) == 0) {
		fs.Usage()
		return exitBadInput
	}
	if *depth < -1 || *depth > 6 {
		return badInput(stderr, fmt.Errorf("-depth %d: want 0 to 6 (the most faults a schedule holds)", *depth))
	}
	var sum *modelcheck.Summary
	if *merge {
		if sum, err = modelcheck.Merge(*out, pos); err != nil {
			return badInput(stderr, err)
		}
	} else {
		spec, err := shard.Parse(*shardFlag)
		if err != nil {
			return badInput(stderr, err)
		}
		s, err := modelcheck.Load(pos[0])
		if err != nil {
			return badInput(stderr, err)
		}
		fmt.Fprintf(stderr, "simulate: checking %s (shard %s)\n", pos[0], spec)
		res, err := modelcheck.Check(context.Background(), s, modelcheck.Options{Depth: *depth, Workers: *workers,
			Shard: spec, NoSymmetry: !*symmetry})
		if err != nil {
			return badInput(stderr, err)
		}
		if sum, err = modelcheck.Write(*out, res); err != nil {
			return badInput(stderr, err)
		}
		if sum == nil {
			fmt.Fprintf(stdout, "shard %s: %d of %d runs written to %s; merge every shard with 'simulate check -merge -out DIR %s ...'\n",
				spec, res.Manifest.Done, res.Manifest.Jobs, *out, *out)
			return exitOK
		}
	}
	return checkSummary(stdout, stderr, sum, *out)
}

// checkSummary prints each property's claim and the exit status.
func checkSummary(stdout, stderr io.Writer, sum *modelcheck.Summary, out string) int {
	c := sum.Schedules
	fmt.Fprintf(stdout, "space %s, depth %d: %d schedules, %d canonical (%d pruned by symmetry), %d run, %d pruned by failure\n",
		sum.Space, sum.Depth, c.Space, c.Canonical, c.PrunedBySymmetry, c.Run, c.PrunedByFailure)
	status := exitOK
	for _, p := range sum.Properties {
		fmt.Fprintf(stdout, "%s: %s\n", p.Name, p.Statement)
		if !p.ExpectHeld {
			fmt.Fprintf(stderr, "simulate: %s: expected %s, got %s\n", p.Name, p.Expect, p.Claim)
			status = exitExpect
		}
	}
	fmt.Fprintf(stdout, "report: %s/%s\n", out, modelcheck.ReportFile)
	return status
}
