package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

func main() {
	if len(os.Args) > 1 {
		tuneGC(os.Args[1])
	}
	stop := startProfiles(os.Stderr)
	code := run(os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit statuses.
const (
	exitOK       = 0
	exitExpect   = 1
	exitBadInput = 2
	// exitInterrupted: stopped by Ctrl-C or SIGTERM (128 + SIGINT).
	exitInterrupted = 130
)

const usage = `usage: simulate <command> [arguments]

commands:
  list                                   scenarios and their variants, one a line
  run SCENARIO [-variant V] [-seed N] [-set key=value]... [-json] [-out DIR] [-trace FILE]
                                         run a scenario (a listed name or a file path)
  explain SCENARIO [-variant V] [-seed N] [-set key=value]... [-msg KEY] [-json]
                                         every message's fate and causal chain, then the causes
  params                                 every configuration key with its RocketMQ 4.8 default
  reproduce -out DIR [-seeds N] [-workers N]
                                         run every variant of field-experiment with seeds 1..N (16) and write its report
  sweep SCENARIO [-variant V]... [-grid key=v1,v2,...]... [-seeds A..B] [-workers N] [-shard I/N] -out DIR
  sweep -spec REVIEW.yaml [-shard I/N] -out DIR
                                         run a grid of settings × seeds; summary with intervals, report, plots
  report SCENARIO [-seeds A..B] [-workers N] -out DIR
                                         an incident's observations and claims against every variant over the seeds
  merge -out DIR SHARD_DIR...            merge the shards of one sweep (byte-identical to the unsharded sweep)
  compare SCENARIO -a 'key=v,...' -b 'key=v,...' [-variant V] [-seeds A..B] [-json] [-out DIR]
                                         A/B on the same seeds, every message paired by key
  check SPACE.yaml -out DIR [-depth K] [-workers N] [-shard I/N] [-symmetry=false]
                                         every fault schedule of a space up to depth K: what held, every minimal failure
  check -merge -out DIR SHARD_DIR...     merge the shards of one check

'simulate <command> -h' describes a command's flags.
`

// run is the whole program, testable in-process: it parses args, writes
// results to stdout and logs to stderr, and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitBadInput
	}
	cmds := map[string]func([]string, io.Writer, io.Writer) int{
		"list": cmdList, "run": cmdRun, "explain": cmdExplain, "params": cmdParams, "reproduce": cmdReproduce,
		"sweep": cmdSweep, "merge": cmdMerge, "compare": cmdCompare, "report": cmdReport,
		"check": cmdCheck,
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		if args[0] == "-h" || args[0] == "-help" || args[0] == "help" {
			fmt.Fprint(stdout, usage)
			return exitOK
		}
		fmt.Fprintf(stderr, "simulate: unknown command %q\n\n%s", args[0], usage)
		return exitBadInput
	}
	return cmd(args[1:], stdout, stderr)
}

// parseInterleaved parses flags that may come before or after the
// positional arguments ("run field-experiment -seed 3"), which flag
// alone does not allow.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// newFlagSet makes a command's FlagSet writing its usage to stderr.
func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: simulate %s\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseStatus turns a flag parsing error into an exit status (-h is 0).
func parseStatus(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	return exitBadInput
}

// multiFlag is a repeatable string flag (-set a=1 -set b=2).
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, " ") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// badInput logs err and returns exitBadInput.
func badInput(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "%v\n", err)
	return exitBadInput
}
