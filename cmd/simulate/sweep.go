package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"rmqsim/scenarios"
	"rmqsim/shard"
	"rmqsim/sweep"
)

func cmdSweep(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("sweep", "sweep SCENARIO [-variant V]... [-grid key=v1,v2,...]... [-set key=value]... [-metric NAME]... [-seeds A..B] [-workers N] [-shard I/N] -out DIR\n       simulate sweep -spec REVIEW.yaml [-seeds A..B] [-workers N] [-shard I/N] -out DIR", stderr)
	var variants, grids, sets, metricNames multiFlag
	fs.Var(&variants, "variant", "run variant `V` (repeatable; default: every variant)")
	fs.Var(&grids, "grid", "sweep `key=v1,v2,...` (repeatable: the grid is the cross product); a `simulate params` key or a scenario knob ("+strings.Join(scenarios.Knobs, ", ")+")")
	fs.Var(&sets, "set", "apply `key=value` to every run (repeatable)")
	fs.Var(&metricNames, "metric", "a headline metric `NAME` to plot and read (repeatable; docs/metrics.md)")
	specFile := fs.String("spec", "", "run the review `FILE` (reviews/*.yaml) instead of flags")
	seeds := fs.String("seeds", "", "root seeds `A..B` (default 1..16; with -spec, the review's)")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "run at most `N` simulations at once (the output does not depend on it)")
	shardFlag := fs.String("shard", "0/1", "run shard `I/N` of the job list: every N-th run from I (0-based)")
	out := fs.String("out", "", "write the sweep into `DIR`")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return parseStatus(err)
	}
	if *out == "" || *workers < 1 || (*specFile == "") == (len(pos) == 0) || len(pos) > 1 {
		if *out == "" {
			fmt.Fprintln(stderr, "simulate sweep: -out DIR is required")
		} else if len(pos) > 1 || (*specFile != "" && len(pos) > 0) {
			fmt.Fprintln(stderr, "simulate sweep: give one scenario, or -spec, not both")
		}
		fs.Usage()
		return exitBadInput
	}
	sh, err := shard.Parse(*shardFlag)
	if err != nil {
		return badInput(stderr, fmt.Errorf("simulate sweep: -shard: %w", err))
	}
	var spec sweep.Spec
	if *specFile != "" {
		if len(grids)+len(variants)+len(sets)+len(metricNames) > 0 {
			return badInput(stderr, errors.New("simulate sweep: -spec takes its grid, variants, settings and metrics from the file; drop -grid, -variant, -set and -metric"))
		}
		if spec, err = sweep.LoadReview(*specFile); err != nil {
			return badInput(stderr, err)
		}
	} else {
		spec = sweep.Spec{Name: scenarioBase(pos[0]), Scenario: pos[0], Seeds: sweep.Seeds{From: 1, To: 16}, Variants: variants, Metrics: metricNames}
		var g sweep.Grid
		for _, a := range grids {
			ax, err := sweep.ParseAxis(a)
			if err != nil {
				return badInput(stderr, fmt.Errorf("simulate sweep: %w", err))
			}
			g.Axes = append(g.Axes, ax)
		}
		if len(g.Axes) > 0 {
			spec.Grids = []sweep.Grid{g}
		}
		for _, s := range sets {
			k, v, ok := strings.Cut(s, "=")
			if !ok || k == "" {
				return badInput(stderr, fmt.Errorf("simulate sweep: -set %q: want key=value", s))
			}
			spec.Set = append(spec.Set, sweep.Setting{Key: k, Value: v})
		}
	}
	if *seeds != "" {
		if spec.Seeds, err = sweep.ParseSeeds(*seeds); err != nil {
			return badInput(stderr, fmt.Errorf("simulate sweep: -seeds: %w", err))
		}
	}
	sc, err := scenarios.Find(spec.Scenario)
	if err != nil {
		return badInput(stderr, err)
	}
	plan, err := sweep.Resolve(spec, sc)
	if err != nil {
		return badInput(stderr, err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	bar := newProgress(stderr)
	done, err := sweep.Execute(ctx, plan, *out, sweep.Options{Shard: sh, Workers: *workers, Progress: bar.update})
	bar.finish()
	switch {
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(stderr, "simulate sweep: stopped: %d of %d runs of shard %s are in %s (complete lines only); run it again to finish\n",
			done, sh.Count(plan.Jobs), sh, filepath.Join(*out, sweep.RunsFile))
		return exitInterrupted
	case err != nil:
		return badInput(stderr, err)
	}
	fmt.Fprintf(stderr, "simulate sweep: %d runs (shard %s of %d jobs); wrote %s\n", done, sh, plan.Jobs, filepath.Join(*out, sweep.ReportFile))
	return exitOK
}

func cmdMerge(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("merge", "merge -out DIR SHARD_DIR...", stderr)
	out := fs.String("out", "", "write the whole sweep into `DIR`")
	dirs, err := parseInterleaved(fs, args)
	if err != nil {
		return parseStatus(err)
	}
	if *out == "" || len(dirs) == 0 {
		fs.Usage()
		return exitBadInput
	}
	if err := sweep.Merge(*out, dirs); err != nil {
		return badInput(stderr, err)
	}
	fmt.Fprintf(stderr, "simulate merge: %d shards; wrote %s\n", len(dirs), filepath.Join(*out, sweep.ReportFile))
	return exitOK
}

// scenarioBase names a sweep after its scenario ("reviews/x.yaml" → "x").
func scenarioBase(s string) string {
	b := filepath.Base(s)
	for _, ext := range []string{".yaml", ".yml"} {
		b = strings.TrimSuffix(b, ext)
	}
	return b
}

// progress draws "runs done/total, rate, ETA" on a terminal's stderr and
// nothing elsewhere: logs and CI keep clean output. Wall-clock time is
// read here only, for the person watching; it never reaches a file.
type progress struct {
	w     io.Writer
	on    bool
	start time.Time
	last  time.Time
}

func newProgress(stderr io.Writer) *progress {
	f, ok := stderr.(*os.File)
	on := false
	if ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			on = true
		}
	}
	return &progress{w: stderr, on: on, start: time.Now()}
}

func (p *progress) update(done, total int) {
	if !p.on {
		return
	}
	now := time.Now()
	if done < total && now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	el := now.Sub(p.start).Seconds()
	rate := float64(done) / max(el, 1e-9)
	eta := time.Duration(float64(total-done)/max(rate, 1e-9)) * time.Second
	const width = 30
	n := width * done / max(total, 1)
	fmt.Fprintf(p.w, "\r[%s%s] %d/%d runs  %.1f runs/s  ETA %s ", strings.Repeat("=", n), strings.Repeat(" ", width-n), done, total, rate, eta.Round(time.Second))
}

func (p *progress) finish() {
	if p.on {
		fmt.Fprintln(p.w)
	}
}
