package main

import (
	"fmt"
	"io"
	"path/filepath"
	"time"

	"rmqsim/report"
	"rmqsim/scenarios"
)

// fieldExperiment is the scenario `reproduce` runs under every variant.
const fieldExperiment = "field-experiment"

func cmdReproduce(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("reproduce", "reproduce -out DIR", stderr)
	out := fs.String("out", "", "write the field experiment's report under `DIR` (DIR/field-experiment/REPORT.md and plots)")
	if err := fs.Parse(args); err != nil {
		return parseStatus(err)
	}
	if *out == "" || fs.NArg() != 0 {
		fs.Usage()
		return exitBadInput
	}
	results, err := runEveryVariant(fieldExperiment, stderr)
	if err != nil {
		return badInput(stderr, err)
	}
	if err := report.WriteFieldExperiment(*out, results); err != nil {
		return badInput(stderr, err)
	}
	fmt.Fprintf(stderr, "simulate: wrote %s\n", filepath.Join(*out, fieldExperiment, "REPORT.md"))
	return exitOK
}

// runEveryVariant runs each variant of the named scenario with its own
// seed, logging one line per run to stderr.
func runEveryVariant(name string, stderr io.Writer) ([]*scenarios.Result, error) {
	sc, err := scenarios.LoadNamed(name)
	if err != nil {
		return nil, err
	}
	var results []*scenarios.Result
	for _, v := range sc.VariantNames() {
		start := time.Now()
		res, err := scenarios.Run(sc, scenarios.RunOptions{Variant: v})
		if err != nil {
			return nil, err
		}
		res.WallMs = time.Since(start).Milliseconds()
		fmt.Fprintf(stderr, "simulate: %s -variant %s: %s, %d events, %d ms virtual in %d ms\n",
			name, v, res.Outcome, res.Events, res.SimTimeMs, res.WallMs)
		results = append(results, res)
	}
	return results, nil
}
