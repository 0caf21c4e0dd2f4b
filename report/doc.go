// Package report writes what rmqsim tells a reader about the field
// experiment (../shared/seed-experiment.md): REPORT.md and one timeline
// plot per variant, from the runs of `simulate reproduce` (`make run`).
//
// # Layout of results/
//
//	results/field-experiment/REPORT.md               the report
//	results/field-experiment/timeline-<variant>.svg  the variant's timeline (fonts embedded)
//	results/field-experiment/timeline-<variant>.png  the same at 96 dpi
//
// WriteFieldExperiment(dir, results) writes under dir/field-experiment/,
// so `simulate reproduce -out results` gives the layout above.
//
// # What REPORT.md holds
//
//  1. Each observation of the seed document (E1 … E4) against each
//     variant: the simulated number and whether it reproduces the reported
//     one (✓), has its shape with another number (≈), does not (✗), or
//     cannot be shown by the run (–).
//  2. A verdict on each of the field report's four conclusions. The label
//     and every sentence are chosen by code from the runs' evidence
//     (traffic while every nameserver was down, what failed and why, what
//     was waiting), each with the mechanism and its facts §.
//  3. Every message's fate per variant (package explain), the grouped
//     causes and a few example causal chains.
//  4. Which round-robin start indexes (producer.sendWhichQueue) give the
//     console's 52/48: the baseline run is repeated up to the end of E1
//     with each index 0..31, and the model's own queue selection decides.
//  5. How to rerun.
//
// Contract: every number in the report comes from a simulated run's
// history or step counters; none is typed in, except the seed document's
// own observations it is compared with. Output is deterministic: no wall
// clock, maps read in sorted order, fixed number formats. REPORT.md and
// the SVGs are byte-identical on rerun on one machine; PNG pixels may
// differ across machines, so tests compare the data behind a plot
// (Timeline), never PNG bytes. The plots use the embedded Liberation Sans
// (package init sets plot.DefaultFont and plotter.DefaultFont).
package report
