package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"syscall"

	"rmqsim/compare"
	"rmqsim/page"
	"rmqsim/scenarios"
	"rmqsim/sweep"
)

func cmdCompare(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("compare", "compare SCENARIO -a 'key=v,...' -b 'key=v,...' [-variant V] [-seeds A..B] [-workers N] [-json] [-out DIR]", stderr)
	a := fs.String("a", "", "side A: `key=v,...` (parameters, scenario knobs, variant=X, without=FAULT); empty: the scenario as written")
	b := fs.String("b", "", "side B, as -a")
	variant := fs.String("variant", "", "run variant `V` on both sides")
	seeds := fs.String("seeds", "1..16", "pair the sides on root seeds `A..B`")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "run at most `N` seeds at once (the output does not depend on it)")
	asJSON := fs.Bool("json", false, "print the comparison as one JSON object instead of text")
	out := fs.String("out", "", "also write compare.json, REPORT.md and report.html into `DIR`")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return parseStatus(err)
	}
	if len(pos) != 1 || *workers < 1 {
		fs.Usage()
		return exitBadInput
	}
	if *a == *b {
		return badInput(stderr, fmt.Errorf("simulate compare: -a and -b are the same (%q): nothing to compare", *a))
	}
	sa, err := compare.ParseSide("a", *a)
	if err != nil {
		return badInput(stderr, fmt.Errorf("simulate compare: %w", err))
	}
	sb, err := compare.ParseSide("b", *b)
	if err != nil {
		return badInput(stderr, fmt.Errorf("simulate compare: %w", err))
	}
	ss, err := sweep.ParseSeeds(*seeds)
	if err != nil {
		return badInput(stderr, fmt.Errorf("simulate compare: -seeds: %w", err))
	}
	sc, err := scenarios.Find(pos[0])
	if err != nil {
		return badInput(stderr, err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := compare.Run(ctx, sc, sa, sb, compare.Options{Variant: *variant, Seeds: ss, Workers: *workers})
	if err != nil {
		return badInput(stderr, fmt.Errorf("simulate compare: %w", err))
	}
	doc := res.Doc()
	if *out != "" {
		if err := os.MkdirAll(*out, 0o755); err != nil {
			return badInput(stderr, err)
		}
		js, err := json.MarshalIndent(res, "", "  ")
		if err != nil {
			return badInput(stderr, err)
		}
		for name, data := range map[string][]byte{
			"compare.json": append(js, '\n'), "REPORT.md": append(page.Markdown(doc), '\n'), "report.html": page.HTML(doc),
		} {
			if err := os.WriteFile(filepath.Join(*out, name), data, 0o644); err != nil {
				return badInput(stderr, err)
			}
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		if err := enc.Encode(res); err != nil {
			return badInput(stderr, err)
		}
		return exitOK
	}
	fmt.Fprintf(stdout, "%s\n", page.Markdown(doc))
	return exitOK
}
