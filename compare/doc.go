// Package compare is A/B on the same seeds: two override sets (or a
// counterfactual: B drops a named fault, or switches the variant) run on
// each seed, and every message paired by its key.
//
// What it gives, as one Result: the fate transition matrix (A fate × B
// fate, counted over every message of every seed), each message whose
// fate changed with both causal chains from package explain and the
// first step where they diverge, and paired statistics per metric (the
// exact McNemar test for rates, a paired bootstrap of the difference
// for distributions). Seeds pair the runs: what a seed decides for both
// sides (which nameserver a client asks first, the round-robin start)
// cancels out of the differences.
package compare
