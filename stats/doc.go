// Package stats holds the few statistics rmqsim's sweeps and A/B
// comparisons report, each deterministic: the same numbers in give the
// same bytes out, on every run (resampling uses a PCG stream seeded by
// the caller, never a global source).
//
//   - Wilson: a 95 % Wilson score interval for a rate k/n.
//   - Describe: n, mean, nearest-rank p50/p90/p99, max, and a seeded
//     bootstrap 95 % percentile interval of the mean.
//   - McNemar: the exact two-sided McNemar test on paired yes/no
//     outcomes (a binomial test on the discordant pairs).
//   - PairedDiff: the mean of paired differences with a seeded paired
//     bootstrap 95 % interval.
package stats
