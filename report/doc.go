// Package report writes what rmqsim tells a reader about the field
// experiment (../shared/seed-experiment.md): REPORT.md and the timeline
// plots, from the runs of `simulate reproduce` (`make run`): every variant
// of the scenario, each with seeds 1..N.
//
// # Why seeds
//
// A new Java client shuffles its nameserver list and starts at a random
// index (facts §3.4). A producer started while one nameserver's host is
// off asks that one first in about half the seeds, waits out the 3 s
// connect timeout and throws at its first send (§3.5, §4.2); in the other
// half it gets its route and sends. One seed per variant shows one side
// of that coin as if it were the variant's outcome, so the report speaks
// in distributions over seeds.
//
// # Runs, digests and classes
//
// NewRun reads everything the report needs from one scenarios.Result —
// the observation cells, the client programs (which nameserver each asked
// first, how it ended), the outage's traffic, the conclusions' facts, the
// causes and a few causal chains, and the plot's data — so the caller can
// drop the history (tens of MB for 10,000 messages) at once. NewRun only
// reads its Result, so runs may be digested concurrently.
//
// WriteFieldExperiment(dir, runs) groups the runs by variant and seed and
// each variant's seeds into outcome classes: the seeds whose runs got the
// same mark on every observation (numbers behind a mark may differ; the
// tables give them as distributions). A class is named A, B, … in the
// order of its lowest seed, which is its representative: the run its plot
// shows and its causes are read from.
//
// # Layout of results/
//
//	results/field-experiment/REPORT.md                       the report
//	results/field-experiment/timeline-<variant>[-<class>].svg a class's timeline
//	results/field-experiment/timeline-<variant>[-<class>].png the same at 96 dpi
//
// The class letter (lower case) is left out when a variant has one class.
// WriteFieldExperiment writes under dir/field-experiment/, first removing
// the timeline files an earlier report left there, so `simulate reproduce
// -out results` gives the layout above and nothing else.
//
// # What REPORT.md holds
//
//  1. For each observation of the seed document (E1 … E4) and each
//     variant, how many seeds reproduce the reported number (✓), have its
//     shape with another number (≈), do not (✗), or cannot show it (–).
//  2. Per variant: each observation's distinct simulated values with how
//     many seeds gave each and an example seed; its outcome classes, the
//     observations that differ between them and what sets them apart (the
//     programs' first nameserver and ending, where they are the same in
//     every seed of the class).
//  3. A verdict on each of the field report's four conclusions, weighing
//     every run; each label and sentence is chosen by code from the
//     evidence and cites the mechanism's facts §, and says where the
//     outcome follows a producer's random first nameserver.
//  4. "Only 367 sent": the set of E3 send counts the logs give (with which
//     runs gave which), what the console last showed before it went blank,
//     the model's E3 send rate, and from those the moment the last
//     nameserver would have had to go down for a frozen console to read
//     367 — a consistency check, never a fit.
//  5. Every message's fate per variant and class (package explain), the
//     grouped causes and a few example causal chains.
//  6. The timelines, each naming its seed and the `simulate run` command
//     that reproduces it.
//  7. Which round-robin start indexes (producer.sendWhichQueue, the index
//     the first selection returns) give the console's 52/48: the baseline's
//     lowest seed is repeated up to the end of E1 once per write queue, and
//     the model's own queue selection decides.
//  8. How to rerun.
//
// Contract: every number in the report comes from a simulated run's
// history or step counters; none is typed in, except the seed document's
// own observations it is compared with. Output is deterministic: no wall
// clock, maps read in sorted order, fixed number formats, runs sorted by
// variant and seed whatever order they come in. REPORT.md, the SVGs and
// the PNGs are byte-identical on rerun on one machine; PNG pixels may
// differ across machines, so tests compare the data behind a plot
// (Timeline), never PNG bytes against a golden file.
//
// # Plot files and their size
//
// The plots are drawn with the embedded Liberation Sans (package init sets
// plot.DefaultFont and plotter.DefaultFont). The SVGs do not embed it:
// embedding adds about 0.7 MB to each file, and with one plot per class
// (some 70 for 11 variants × 16 seeds) results/ would pass 25 MB. Instead
// every text names font-family 'Liberation Sans', Arimo, Arial, Helvetica,
// sans-serif. The first four share their metrics, so text laid out with
// Liberation's fits under any of them (Windows and macOS have Arial or
// Helvetica, most Linux desktops Liberation or Arimo). Where none is
// installed the viewer's generic sans-serif stands in; a wider one (DejaVu
// Sans, say) makes the longest labels overrun by a few characters. The
// PNGs are exact everywhere. The SVG's step lines get a point only where a
// count changes, and the stored-messages line one step per second of
// virtual time (0.2 mm on the plot), so 10,000 messages do not make 10,000
// path points. The PNGs keep 256 colours: the plot's own, exactly, then
// the most frequent anti-aliasing shades. Measured on 2 cores with 16
// seeds: about 40 KB per SVG and 40 KB per PNG, about 5 MB for results/,
// and `make run` in about 30 s (TestReproduceWorkers checks the bytes do
// not depend on the worker count).
package report
