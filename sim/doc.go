// Package sim is rmqsim's deterministic discrete-event kernel. It knows no
// RocketMQ word: it owns virtual time, randomness, hosts and processes, timers,
// serial executors, a connection-oriented virtual network with TCP's failure
// semantics, host disks, and the trace.
//
// Contract:
//
//   - Time is virtual (Time, nanoseconds since the start of a run). Events run
//     in (time, sequence) order, so two events at the same instant run in the
//     order they were scheduled. Nothing reads the wall clock.
//   - Randomness comes only from World.Rand: named streams derived from one
//     root seed, so an extra draw in one stream shifts no other.
//   - Every run is bounded: an event budget and a horizon. Run ends with an
//     Outcome (Done, Horizon, Budget) and never hangs.
//   - Every executed event that matters (a delivery, a timer, a fault, a record
//     the model adds) produces one stable text line. A running 64-bit FNV-1a
//     hash over the lines is always kept (World.TraceHash); writing the lines
//     is optional (World.SetTraceWriter). Same seed and inputs ⇒ same lines ⇒
//     same hash, for any GOMAXPROCS: the kernel is single-threaded. With
//     Config.SpareCore the bytes are hashed a chunk at a time on other
//     goroutines (par.Start) while the run goes on, folded in order: where
//     the hash is computed changes, never the hash.
//   - A host is up or powered off; its network interface can go down first
//     (network-first shutdown). A process on it is running, killed or stopped.
//     Restarting a service gives a fresh Process; the old one stays dead, and
//     its timers, executors and connections die with it.
//   - Connections follow TCP (conn.go, flow.go, dial.go): a killed peer
//     closes (FIN/RST), a powered-off or partitioned peer is a black hole
//     until the peer reboots and resets, or until the TCP give-up time. Each
//     direction is FIFO, across stalls and heals; loss shows as delay; an
//     RST, like any packet, does not cross a closed path; nothing a host
//     queued before a power cut is delivered after it.
//   - Disk data written but not synced survives a process kill (OS page cache)
//     and is lost on power-off, except blob versions older than DirtyExpire,
//     which the OS has written back.
//   - The trace's line format is listed in trace.go.
//
// Model code (package model) builds on these primitives with callbacks; it may
// not start goroutines, read the clock or create randomness itself (its
// history recorder alone hands packing to par.Start, see model.Recorder).
package sim
