// Command simulate runs rmqsim scenarios: list them, run one, explain the
// fate of every message, print the parameters, and reproduce the field
// experiment. It is a thin layer over package scenarios (runs), explain
// (fates) and report (the field experiment's report).
//
// Exit status: 0 when every expectation of the scenario holds, 1 when one
// fails, 2 on bad input (the message names file, line and field).
//
// Usage:
//
//	simulate list
//	simulate run SCENARIO [-variant V] [-seed N] [-set key=value]... [-json] [-out DIR] [-trace FILE]
//	simulate explain SCENARIO [-variant V] [-seed N] [-msg KEY] [-json]
//	simulate params
//	simulate reproduce -out DIR [-seeds N] [-workers N]
//	simulate check SPACE.yaml -out DIR [-depth K] [-workers N] [-shard I/N] [-symmetry=false]
//	simulate check -merge -out DIR SHARD_DIR...
//
// SCENARIO is a name from `simulate list` (the files are embedded) or a
// path. The only wall-clock value it reports is wall_ms; everything else
// is a pure function of (scenario, variant, overrides, seed).
package main
