// Package modelcheck runs every fault schedule of a bounded space and
// says what held over all of them, or lists every minimal schedule that
// fails. It is the engine of `simulate check`; docs/model-check.md
// documents the space format and what a claim means.
//
// A space (space.go) is data: a base scenario (a file or inline, small
// enough that one run takes milliseconds), a finite list of moments
// (scenario moments such as "65s" or "E2 + 30s", or the time of the Nth
// history record of a kind in the fault-free run, plus an offset), the
// alphabet (fault kinds × targets, each allowed at some moments), the
// depth K, the symmetry it declares (interchangeable nameservers, broker
// groups of the same shape) and the properties: the judges' verdicts
// (optionally narrowed to some causes) and predicates over package
// metrics.
//
// A schedule is a set of (moment, fault) pairs of size ≤ K (faults at one
// moment apply in alphabet order). The plan (plan.go) lists them by size,
// then lexicographically, keeping one per class of renamings under the
// declared symmetry (symmetry.go); those canonical schedules are the job
// list. Each job is written as a scenario file — the base with the
// schedule's faults appended (build.go) — and run through scenarios.Parse
// and scenarios.Run, so a failing schedule's file is exactly what ran.
//
// Contract:
//
//   - Minimal failures, each once. Levels run in order of size; within
//     a level jobs run in parallel and their failures are recorded in job
//     order. A property is not judged on a schedule that contains, up to
//     renaming, a failure of it found at a smaller size (the line says
//     "covered" and by which run); a schedule on which every property is
//     covered is not run at all. So each failure is reported at its
//     smallest, and every failing schedule of the space contains one.
//   - Honest claims. A property with no failure and no undecided run is
//     "held over all N schedules of ≤ K faults of this alphabet at these
//     moments" (N counts every schedule of the space, the renamings too);
//     with an undecided run (out of budget, an unknown verdict, an
//     undefined metric) it is "unknown", never "held".
//   - Symmetry is declared, not proven: it is sound only when runs treat
//     the renamed hosts alike. rmqsim's runs do not, per seed (a client's
//     first nameserver and each server's start phase are drawn per host),
//     which is why the shipped spaces declare none; -symmetry=false runs
//     every schedule of a space that does.
//   - Deterministic and shardable. A line of runs.jsonl is a pure
//     function of the space and its index ("run"); a shard (package
//     shard) runs the levels below the last whole, for their failures,
//     and keeps only its own lines, so merged shards equal the unsharded
//     folder byte for byte, at any worker count or GOMAXPROCS. Nothing
//     written holds a wall-clock value. Every run is bounded by the base's
//     event budget and horizon.
//   - Bad input is an error naming file, line and field
//     (scenarios.Problems), found before any schedule runs where the
//     format allows: the base is parsed, every (moment, fault) pair is
//     parsed once as a probe scenario, anchored moments are resolved in
//     the fault-free run. Nothing panics on a bad file.
//
// A check's folder: space.json (the space as checked, moments resolved,
// the pairs and counts), shard.json, runs.jsonl (one line per job), and,
// derived from those two by Finish: summary.json, REPORT.md and
// failures/<property>-NN.yaml, one replayable scenario per minimal
// failure with its causal explanation (package explain) as its header.
//
// Options.AfterRun is a test hook that sees each run's result before the
// properties are read; the tests plant bugs with it. Nothing else sets it.
package modelcheck
