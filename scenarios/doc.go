// Package scenarios owns the scenario files (*.yaml in this directory,
// embedded in the binary), their format, loader and variants, and the
// runner that wires sim, model, check and explain into one run.
//
// docs/scenarios.md documents the format with a complete example.
//
// Contract:
//
//   - Loading is strict: an unknown or repeated key, a wrong type, a
//     duration without a unit, a dangling reference (step, program, host,
//     service), an unknown configuration key, a field that does not apply
//     to a fault's kind, a step that waits for itself: each is a Problem
//     naming the file, line and field path. Parse returns every problem
//     (Problems), never panics, and applies and checks every variant.
//   - A variant is a patch of the YAML tree, applied by name before
//     decoding, so a patched scenario is checked like a file.
//   - Run is a pure function of (scenario, variant, overrides, seed): the
//     same inputs give a byte-identical trace and the same Result. The only
//     wall-clock value, Result.WallMs, is measured by the caller; the only
//     wall-clock bound, judge.linearTimeout, can turn a linearizability
//     verdict to unknown and nothing else.
//   - The runner starts every nameserver and broker at time 0 and drives
//     programs, steps and faults on virtual time. It writes the history
//     records that belong to the scenario rather than the model: Intend
//     (every message each producer means to send), Step and Fault.
//   - Errors returned by Run are bad input (unknown variant, bad override);
//     everything that happens inside the run is in the Result.
package scenarios
