package main

import (
	"os"
	"runtime/debug"
)

// batchGCPercent is the collector's target for the commands that run
// many short runs (sweep, report, reproduce, compare, check). Each run's
// heap is small (a field-experiment run keeps ~30 MB live) and most of
// what it allocates is dead when it ends, so at Go's default GOGC=100
// the collector runs every few milliseconds of a run and takes about a
// fifth of a sweep's CPU. At 400 a sweep of the field experiment on two
// workers does ~25 % more runs a second for ~170 MB instead of ~110 MB
// of max RSS (docs/performance.md, "Fourth round"); 800 was no faster.
// A single run (run, explain) keeps the default: its history can be
// millions of records, and there RSS is what matters.
const batchGCPercent = 400

// batchCommands are the commands tuneGC applies batchGCPercent to.
var batchCommands = map[string]bool{
	"sweep": true, "report": true, "reproduce": true, "compare": true, "check": true,
}

// tuneGC sets the collector for command cmd, unless the user set GOGC
// (then theirs stands). It also caps the heap softly at half the
// machine's memory (unless GOMEMLIMIT is set), so that a sweep of large
// runs collects more often rather than outgrowing the machine at the
// higher target. It changes when garbage is collected, never what a
// run computes: no output byte depends on it.
func tuneGC(cmd string) {
	if !batchCommands[cmd] || os.Getenv("GOGC") != "" {
		return
	}
	debug.SetGCPercent(batchGCPercent)
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	if total := totalMemory(); total > 0 {
		debug.SetMemoryLimit(int64(total / 2))
	}
}
