// Package shard runs a fixed list of pure jobs, in part or whole, and
// merges the parts. It is what `simulate sweep` and `simulate check`
// share: a job list where job i is a pure function of its inputs, cut
// into N shards (shard I runs the jobs with i mod N = I), each shard
// writing one JSON line per job in job order plus a manifest, and a
// merge whose output is byte-identical to the unsharded run.
//
// The promises:
//   - Each writes the lines of the jobs it owns in job order, whatever
//     the number of workers and whatever order they finish in; a
//     cancelled run leaves only complete lines, a prefix of that order.
//   - Merge accepts exactly one folder per shard of one job list (same
//     kind, fingerprint and shard count) and names every missing,
//     duplicated or foreign shard in its error.
//
// A job's line must carry its index as the JSON field "run"; Merge orders
// by it.
package shard
