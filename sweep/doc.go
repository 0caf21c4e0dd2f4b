// Package sweep runs a scenario over a grid of settings and seeds and
// summarises each metric with an interval: the engine of `simulate
// sweep` and of design reviews (reviews/*.yaml).
//
// A sweep is a job list, sorted by (variant, point, seed): every
// variant, every point of the grid (point 0 is always the scenario's own
// settings, "defaults"), every seed. Job i is a pure function of
// (scenario, variant, point, seed), so the list can be cut into shards
// (package shard) and merged back byte for byte.
//
// A sweep folder holds:
//
//	sweep.json    the resolved spec (scenario, variants, points, seeds, metrics, questions)
//	shard.json    which part of which job list this is
//	runs.jsonl    one line per run, in job order
//	summary.json  per (variant, point): each metric as a rate or a distribution
//	REPORT.md, report.html, plots/   the report, written from sweep.json and runs.jsonl alone
//
// Everything but runs.jsonl is derived from sweep.json and runs.jsonl
// (Finish), which is why a merge of shards equals the unsharded sweep.
package sweep
