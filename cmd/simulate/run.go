package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"rmqsim/explain"
	"rmqsim/scenarios"
)

// runFlags are the flags run and explain share.
type runFlags struct {
	variant string
	seed    uint64
	sets    multiFlag
	json    bool
}

func (f *runFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.variant, "variant", "", "the scenario `variant` to run (see 'simulate list'; default: the base scenario)")
	fs.Uint64Var(&f.seed, "seed", 0, "root `seed` (default: the scenario's seed)")
	fs.Var(&f.sets, "set", "override a parameter, `key=value` (repeatable; see 'simulate params')")
	fs.BoolVar(&f.json, "json", false, "print one JSON object on stdout")
}

// timedRun loads and runs the scenario, measuring the run's wall time
// (the only wall-clock value anywhere in a Result).
func (f *runFlags) timedRun(name string, trace io.Writer, visualize string) (*scenarios.Result, error) {
	sc, err := scenarios.Find(name)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	res, err := scenarios.Run(sc, scenarios.RunOptions{Variant: f.variant, Seed: f.seed, Overrides: f.sets,
		TraceWriter: trace, VisualizePath: visualize, SpareCore: true})
	if err != nil {
		return nil, err
	}
	res.WallMs = time.Since(start).Milliseconds()
	return res, nil
}

func cmdRun(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("run", "run SCENARIO [-variant V] [-seed N] [-set key=value]... [-json] [-out DIR] [-trace FILE]", stderr)
	var f runFlags
	f.register(fs)
	out := fs.String("out", "", "write result.json, history.jsonl and trace.txt into `DIR` (and linearizability.html when a queue log or offset is not linearizable)")
	tracePath := fs.String("trace", "", "write the trace, one line per event, to `FILE`")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return parseStatus(err)
	}
	if len(pos) != 1 {
		fs.Usage()
		return exitBadInput
	}
	traces, closeTraces, err := openTraces(*out, *tracePath)
	if err != nil {
		return badInput(stderr, err)
	}
	fmt.Fprintf(stderr, "simulate: running %s\n", describeRun(pos[0], f.variant, f.seed))
	viz := ""
	if *out != "" {
		viz = filepath.Join(*out, "linearizability.html")
	}
	res, err := f.timedRun(pos[0], traces, viz)
	if cerr := closeTraces(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return badInput(stderr, err)
	}
	if *out != "" {
		if err := writeOut(*out, res); err != nil {
			return badInput(stderr, err)
		}
		if v := res.Judgement.Visualization; v != "" {
			fmt.Fprintf(stderr, "simulate: not linearizable: porcupine's visualisation is %s\n", v)
		}
	}
	if f.json {
		err = writeJSON(stdout, res)
	} else {
		err = writeSummary(stdout, res)
	}
	if err != nil {
		return badInput(stderr, err)
	}
	if !res.ExpectationsHeld() {
		fmt.Fprintf(stderr, "simulate: an expectation of %s failed\n", res.Scenario)
		return exitExpect
	}
	return exitOK
}

func cmdExplain(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("explain", "explain SCENARIO [-variant V] [-seed N] [-set key=value]... [-msg KEY] [-json]", stderr)
	var f runFlags
	f.register(fs)
	key := fs.String("msg", "", "explain only the message with this `KEY` (its body, e.g. \"NameServer Test4812\")")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return parseStatus(err)
	}
	if len(pos) != 1 {
		fs.Usage()
		return exitBadInput
	}
	fmt.Fprintf(stderr, "simulate: running %s\n", describeRun(pos[0], f.variant, f.seed))
	res, err := f.timedRun(pos[0], nil, "")
	if err != nil {
		return badInput(stderr, err)
	}
	if f.json {
		err = explain.WriteJSON(stdout, res.Explanation, *key)
	} else {
		err = explain.WriteText(stdout, res.Explanation, *key)
	}
	if err != nil {
		return badInput(stderr, err)
	}
	return exitOK
}

func describeRun(name, variant string, seed uint64) string {
	s := name
	if variant != "" {
		s += " -variant " + variant
	}
	if seed != 0 {
		s += fmt.Sprintf(" -seed %d", seed)
	}
	return s
}

// openTraces opens the trace sinks: DIR/trace.txt with -out, FILE with
// -trace. The returned close flushes and closes them.
func openTraces(out, tracePath string) (io.Writer, func() error, error) {
	var paths []string
	if out != "" {
		if err := os.MkdirAll(out, 0o755); err != nil {
			return nil, nil, err
		}
		paths = append(paths, filepath.Join(out, "trace.txt"))
	}
	if tracePath != "" {
		paths = append(paths, tracePath)
	}
	var files []*os.File
	var bufs []*bufio.Writer
	var ws []io.Writer
	for _, p := range paths {
		fh, err := os.Create(p)
		if err != nil {
			return nil, nil, err
		}
		b := bufio.NewWriterSize(fh, 1<<20)
		files, bufs, ws = append(files, fh), append(bufs, b), append(ws, b)
	}
	closeAll := func() error {
		var first error
		for i := range files {
			if err := bufs[i].Flush(); err != nil && first == nil {
				first = err
			}
			if err := files[i].Close(); err != nil && first == nil {
				first = err
			}
		}
		return first
	}
	if len(ws) == 0 {
		return nil, closeAll, nil
	}
	return io.MultiWriter(ws...), closeAll, nil
}

// writeOut writes result.json and history.jsonl into dir (trace.txt was
// written during the run).
func writeOut(dir string, res *scenarios.Result) error {
	fh, err := os.Create(filepath.Join(dir, "result.json"))
	if err != nil {
		return err
	}
	if err := writeJSON(fh, res); err != nil {
		fh.Close()
		return err
	}
	if err := fh.Close(); err != nil {
		return err
	}
	hf, err := os.Create(filepath.Join(dir, "history.jsonl"))
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(hf, 1<<20)
	if err := res.History.WriteJSONL(bw); err != nil {
		hf.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		hf.Close()
		return err
	}
	return hf.Close()
}

// writeJSON prints the Result as one indented JSON object.
func writeJSON(w io.Writer, res *scenarios.Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(res)
}
