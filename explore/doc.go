// Package explore asks rmqsim the property-run question: "under any
// schedule of these faults, does this configuration lose an acknowledged
// message?" Its tests draw whole runs with rapid (pgregory.net/rapid),
// run them, and either show a property holds over every drawn case or
// find, shrink and replay a counterexample.
//
// # What it owns
//
//   - Case (case.go): one generated run as explicit data — the cluster's
//     shape (1–3 nameservers, 1–3 broker groups with or without a slave,
//     one topic), configuration choices (flushDiskType, brokerRole,
//     sendLatencyFaultEnable, send and connect timeouts, the route-poll
//     period), the workload (a producer program with a count and a pause
//     between sends, a push consumer) and the fault schedule: a list of
//     {at, target, kind} events, kinds kill, restart, power-off,
//     power-on, shutdown-orderly, shutdown-network-first, partition and
//     heal, times in whole seconds.
//   - Case.YAML writes a case as a scenario file (docs/scenarios.md), and
//     every run goes through scenarios.Parse and scenarios.Run: each
//     generated case is by construction a file `simulate run` replays.
//   - The symptoms (symptoms.go) the properties assert, read from a
//     scenarios.Result: failed sends, deliveries after a moment, the
//     judges' failures by cause, acknowledged messages left on a slave.
//   - The tests: the generators (gen_test.go; rapid stays in test files so
//     no binary gets its flags), properties that hold (hold_test.go),
//     properties known to fail in RocketMQ 4.8 with their searches
//     (known_test.go, search_test.go), and the generator tests
//     (gen_cover_test.go).
//   - scenarios/found/: the shrunk counterexamples, each a scenario file
//     whose header says how it was found and what it shows, and whose
//     expect: section its verdict; TestFoundScenarios replays them all.
//
// # Promises
//
// Generators draw every part explicitly, never an opaque seed: shrinking
// drops faults, moves them earlier, and brings the cluster, workload and
// configuration to their smallest and default values. Every failure
// prints its case as a scenario file. Runs are deterministic, so a
// property failure replays exactly (TestDeterminism checks it, across
// GOMAXPROCS too).
//
// # Running
//
//	go test ./explore/                      # 100 cases per property (20–30 s on 2 cores)
//	RAPID_CHECKS=2000 go test ./explore/    # make test-long: many more
//	go test ./explore/ -run TestKnownFailures -explore.update   # rewrite scenarios/found/
//	go run ./cmd/simulate run scenarios/found/<name>.yaml      # replay one
//
// Use RAPID_CHECKS, not -rapid.checks, with ./... (packages that do not
// import rapid reject the flag), and -count=1 to try new seeds (go test
// caches passing results). The properties that hold use rapid's random
// seed, printed with any failure (-rapid.seed=N replays it). The
// counterexample searches pin rapid's seed to 1 (so `go test` always
// finds the same counterexample, shrunk the same way), try up to 2,000
// cases (they stop at the first counterexample, after some tens), and
// bound shrinking to 20 s; -rapid.seed / RAPID_SEED, -rapid.checks /
// RAPID_CHECKS and -rapid.shrinktime / RAPID_SHRINKTIME override each.
// No failfile is written unless -rapid.nofailfile=false is given (the
// printed scenario file is the replay).
package explore
