// Package metrics names and computes the quantities rmqsim reports of a
// run: rates (did it happen in this run: a send threw, an acknowledged
// message was lost) and distributions (how many, how long). They are
// read from a scenarios.Result alone — its history, step windows and
// judged counters — so a metric means the same in `simulate sweep`,
// `simulate compare` and any report. docs/metrics.md, generated from
// Catalogue, gives each metric's exact definition.
//
// A metric's name is a path: "messages.lost_acked",
// "steps.E3.send_threw", "programs.producer-e3.send_threw". Names with
// a step or program in them come from templates ("steps.<step>...").
// A value may be undefined (no send succeeded after the fault): it is
// null in JSON and left out of a distribution, which counts it as
// missing.
package metrics
