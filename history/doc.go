// Package history defines the records a simulated run leaves behind: every
// client-visible operation (send calls, attempts and returns, pulls,
// deliveries, offset commits, route refreshes, nameserver attachment), the
// brokers' ground truth (what was stored, replicated, lost on power-off),
// the dashboard's observations, and process, host and network lifecycle.
//
// Contract: the history is the only interface between the model (which
// writes it) and the judges in package check and the explanations (which
// read it). Records are plain values, ordered by Seq, stamped with virtual
// time; they name things by strings (process, broker, topic), never by
// pointers into the model. A record is appended once and never changed.
// The package depends on nothing but the standard library.
package history
