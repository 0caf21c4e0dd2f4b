package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"syscall"

	"rmqsim/report"
	"rmqsim/scenarios"
	"rmqsim/sweep"
)

func cmdReport(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("report", "report SCENARIO [-seeds A..B] [-workers N] -out DIR", stderr)
	seeds := fs.String("seeds", "1..16", "run every variant with root seeds `A..B`")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "run at most `N` simulations at once (the output does not depend on it)")
	out := fs.String("out", "", "write the report under `DIR`/<scenario>/")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return parseStatus(err)
	}
	if len(pos) != 1 || *out == "" || *workers < 1 {
		fs.Usage()
		return exitBadInput
	}
	return reportStatus(pos[0], *seeds, *workers, *out, stderr)
}

// reportStatus runs and writes the incident report of the named
// scenario over the seeds; its result is the exit status.
func reportStatus(name, seeds string, workers int, out string, stderr io.Writer) int {
	ss, err := sweep.ParseSeeds(seeds)
	if err != nil {
		return badInput(stderr, fmt.Errorf("simulate report: -seeds: %w", err))
	}
	sc, err := scenarios.Find(name)
	if err != nil {
		return badInput(stderr, err)
	}
	if len(sc.Observed) == 0 {
		return badInput(stderr, fmt.Errorf("%s: no observed: section; `simulate report` compares runs with an incident's observations (docs/incidents.md)", sc.Path))
	}
	if err := report.CheckIncident(sc); err != nil {
		return badInput(stderr, err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	in, err := incidentRuns(ctx, sc, ss, workers)
	if err != nil {
		return badInput(stderr, fmt.Errorf("simulate report: %w", err))
	}
	in.Command = fmt.Sprintf("simulate report %s -seeds %s", name, ss)
	if err := report.WriteIncident(out, in); err != nil {
		return badInput(stderr, err)
	}
	fmt.Fprintf(stderr, "simulate: wrote %s\n", filepath.Join(out, sc.Name, "REPORT.md"))
	return exitOK
}

// incidentRuns runs every variant of sc over the seeds, then each fit's
// moments, and digests each run in its worker (its history is dropped).
func incidentRuns(ctx context.Context, sc *scenarios.Scenario, ss sweep.Seeds, workers int) (report.IncidentInput, error) {
	in := report.IncidentInput{Scenario: sc}
	jobs, err := variantJobs(sc, ss.From, ss.To)
	if err != nil {
		return in, err
	}
	nRuns := len(jobs)
	// The fits' jobs follow: per fit, per moment, per seed.
	type fitJob struct{ fit, moment int }
	var fitOf []fitJob
	for oi, o := range sc.Observed {
		if o.Fit == nil {
			continue
		}
		f := report.FitResult{Observation: oi, Variant: o.Fit.Variant, Moments: o.Fit.Moments(), Seeds: ss.Count()}
		f.Reproduced = make([][]uint64, len(f.Moments))
		for mi, m := range f.Moments {
			var overrides []string
			var kn []scenarios.Knob
			if o.Fit.Param != "" {
				overrides = append(overrides, o.Fit.Param+"="+m)
			} else {
				kn = []scenarios.Knob{{Key: "at." + o.Fit.Fault, Value: m}}
			}
			spec, err := sc.WithKnobs(o.Fit.Variant, kn)
			if err != nil {
				return in, err
			}
			if o.Fit.Horizon > 0 {
				cut := *spec
				cut.Horizon = o.Fit.Horizon
				spec = &cut
			}
			for s := ss.From; s <= ss.To; s++ {
				jobs = append(jobs, job{spec: spec, seed: s, overrides: overrides})
				fitOf = append(fitOf, fitJob{len(in.Fits), mi})
			}
		}
		in.Fits = append(in.Fits, f)
	}
	names := report.IncidentMetrics(sc)
	digest := func(res *scenarios.Result) *report.IncidentRun { return report.NewIncidentRun(res, names...) }
	digests, err := runJobs(ctx, jobs, workers, digest, nil)
	if err != nil {
		return in, err
	}
	in.Runs = digests[:nRuns]
	for i, fj := range fitOf {
		d := digests[nRuns+i]
		f := &in.Fits[fj.fit]
		if report.Reproduces(sc.Observed[f.Observation], d) {
			f.Reproduced[fj.moment] = append(f.Reproduced[fj.moment], d.Seed)
		}
	}
	return in, nil
}
