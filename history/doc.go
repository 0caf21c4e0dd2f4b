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
//
// A History keeps its records packed (store.go): tens of bytes each, no
// pointer for the garbage collector to scan, every distinct string once.
// Readers get Record values back (Record, All, AllOf for a few kinds
// only, Kind without decoding); a record read is equal to
// the record appended, so the JSONL form and every judge see the same
// bytes as before the packing.
// The package depends on nothing but the standard library.
package history
