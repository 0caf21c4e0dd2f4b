// Package report writes the incident report: for any scenario whose file
// carries `observed:` and `claims:` (scenarios/observed.go,
// docs/incidents.md), REPORT.md, report.html and the timeline plots, from
// the runs of `simulate report` (every variant of the scenario, each with
// the given seeds, then each fit's candidates). The field experiment's
// report (`simulate reproduce`, `make run`) is this report of
// scenarios/field-experiment.yaml: the package knows no step, number or
// sentence of any incident; the scenario file holds them all
// (TestNoIncidentInTheCode checks).
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
// NewIncidentRun reads everything the report needs from one
// scenarios.Result — its metrics (package metrics, with the detail
// metrics the observations and claims name), the client programs (which
// nameserver each asked first, how it ended), the causes and a few causal
// chains, and the plot's data — so the caller can drop the history (tens
// of MB for a run of many messages) at once. It only reads its Result, so
// runs may be digested concurrently.
//
// WriteIncident groups the runs by variant and each variant's seeds into
// outcome classes: the seeds whose runs got the same mark on every
// observation. A class is named A, B, … in the order of its lowest seed,
// which is its representative: the run its plot shows and its causes are
// read from.
//
// # Layout
//
//	DIR/<scenario>/REPORT.md                          the report
//	DIR/<scenario>/report.html                        the same, one self-contained page
//	DIR/<scenario>/timeline-<variant>[-<class>].svg   a class's timeline
//	DIR/<scenario>/timeline-<variant>[-<class>].png   the same at 96 dpi
//
// The class letter (lower case) is left out when a variant has one class.
// WriteIncident first removes the timeline files an earlier report left
// there, so the folder holds the layout above and nothing else.
//
// Contract: every number in the report comes from a simulated run's
// history, step counters or console figures; none is typed in, except the
// scenario's own observations it is compared with. Output is
// deterministic: no wall clock, maps read in sorted order, fixed number
// formats, runs in job order (variant, then seed). REPORT.md, the HTML,
// the SVGs and the PNGs are byte-identical on rerun on one machine; PNG
// pixels may differ across machines, so tests compare the data behind a
// plot (Timeline), never PNG bytes against a golden file.
//
// # Plot files and their size
//
// The plots are drawn with the embedded Liberation Sans (package init sets
// plot.DefaultFont and plotter.DefaultFont). The SVGs do not embed it:
// embedding adds about 0.7 MB to each file, and with one plot per class
// results/ would pass 25 MB. Instead every text names font-family
// 'Liberation Sans', Arimo, Arial, Helvetica, sans-serif. The first four
// share their metrics, so text laid out with Liberation's fits under any
// of them. Where none is installed the viewer's generic sans-serif stands
// in; a wider one makes the longest labels overrun by a few characters.
// The PNGs are exact everywhere. The SVG's step lines get a point only
// where a count changes, and the stored-messages line one step per second
// of virtual time (0.2 mm on the plot), so many messages do not make as
// many path points. The PNGs keep 256 colours: the plot's own, exactly,
// then the most frequent anti-aliasing shades.
package report
