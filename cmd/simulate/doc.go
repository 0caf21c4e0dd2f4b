// Command simulate runs rmqsim scenarios: list them, run one, explain the
// fate of every message, print the parameters, reproduce the field
// experiment, sweep settings over seeds (design reviews), compare two
// settings on the same seeds, report an incident's observations and
// claims, and check every fault schedule of a space. It is a thin layer
// over package scenarios (runs), explain (fates), report (the field
// experiment's and incidents' reports), sweep, compare and modelcheck.
//
// Exit status: 0 when every expectation of the scenario holds, 1 when one
// fails, 2 on bad input (the message names file, line and field), 130
// when a sweep is stopped by Ctrl-C (its runs.jsonl keeps complete lines).
//
// Usage:
//
//	simulate list
//	simulate run SCENARIO [-variant V] [-seed N] [-set key=value]... [-json] [-out DIR] [-trace FILE]
//	simulate explain SCENARIO [-variant V] [-seed N] [-msg KEY] [-json]
//	simulate params
//	simulate reproduce -out DIR [-seeds N] [-workers N]
//	simulate sweep SCENARIO [-variant V]... [-grid key=v1,v2,...]... [-set key=value]... [-metric NAME]... [-seeds A..B] [-workers N] [-shard I/N] -out DIR
//	simulate sweep -spec REVIEW.yaml [-seeds A..B] [-workers N] [-shard I/N] -out DIR
//	simulate merge -out DIR SHARD_DIR...
//	simulate compare SCENARIO -a 'key=v,...' -b 'key=v,...' [-variant V] [-seeds A..B] [-workers N] [-json] [-out DIR]
//	simulate report SCENARIO [-seeds A..B] [-workers N] -out DIR
//	simulate check SPACE.yaml -out DIR [-depth K] [-workers N] [-shard I/N] [-symmetry=false]
//	simulate check -merge -out DIR SHARD_DIR...
//
// SCENARIO is a name from `simulate list` (the files are embedded) or a
// path. The only wall-clock value it reports is wall_ms; everything else
// is a pure function of (scenario, variant, overrides, seed).
package main
