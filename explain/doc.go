// Package explain gives every message of a recorded run exactly one fate
// and the causal chain behind it, in plain words, then groups the causes
// with counts. It is what `simulate explain` prints and what the field
// experiment's report quotes.
//
// Contract: Explain is a pure function of a *history.History (plus the
// cluster layout, used only to name hosts). It never reads the model's
// internals, never panics on a surprising history (a record it cannot
// place becomes a cause of its own), and runs in time linear in the number
// of records, so a 10,200-message field-experiment history explains in
// milliseconds. Output is deterministic: messages in the order they were
// first intended, causes sorted by fate, count and text.
//
// # Fates
//
// Each intended message (an Intend record; failing that its first SendCall,
// Stored or Deliver record) gets the first fate below that applies:
//
//   - consumed-more-than-once: a listener got it two or more times. Why:
//     the producer's retry after a timeout stored it twice (§4.2, §5.8); the
//     program resent it itself; the listener returned RECONSUME_LATER and
//     it came back through %RETRY% (§5.6); the queue moved to another
//     consumer at a rebalance before the offset commit covered it (§5.3,
//     §5.7); the consumer restarted from a committed offset that lagged
//     (§5.7); the broker restarted with offsets ≤5 s stale (§2.5); the
//     queue was dropped and re-added (§5.3, §6).
//   - consumed-once: a listener got it exactly once.
//   - acked-then-lost: send() returned a SendResult but every stored copy
//     vanished (power-off before flush or replication, §5.9), or no copy
//     was ever recorded.
//   - acked-not-consumed: send() returned a SendResult, a copy survives,
//     but no listener got it by the horizon. Why: no consumer was running;
//     the running consumer owned no queues because it started while every
//     nameserver was down and stayed invisible to its group (§5.1, §6); no
//     consumer owned the message's queue (dropped after a partial route,
//     §6); the broker was down; pulls of that queue were failing; the
//     committed offset skipped it (§5.9); or the consumer was still behind.
//   - stored-not-acked: a broker stored it but send() threw, or never
//     returned (program killed, or still waiting at the horizon).
//   - send-failed: send() was called and threw (the exception text is the
//     cause) or never returned, and no broker stored it.
//   - never-sent: the program never called send() for it. Why: it exited
//     earlier because send() threw X at time T (with the chain of that
//     failure); it was killed or stopped; it never started; or the run
//     ended before it got there.
//
// docs/fates.md is the same taxonomy for readers of the reports.
//
// # Record conventions relied on
//
//   - Intend (Proc = the program, Key, Index, Topic; Start = when the run of
//     the program meant to send it is scheduled to start) lists what was
//     meant to be sent. A program started several times sends each key in
//     the first incarnation started at or after the key's Start.
//   - Proc names are "<host>/<service>" (sim.Process.Name); a program is
//     named by its service part, a cluster node by its host.
//   - SendCall, SendAttempt, SendAttemptFail and SendReturn of one send()
//     share Proc and Key; an attempt's route came from NameServer and was
//     RouteAge old (-1: fetched for this send).
//   - Stored records of a topic other than the send's (%RETRY%, DLQ,
//     SCHEDULE_TOPIC_XXXX) are send-backs, not copies of the send. The
//     first Stored record of a (broker, queue, offset) is the master's copy,
//     later ones replicas. A Lost record (Proc, Key) removes that host's copy.
//   - Deliver carries the queue and offset the listener's message came
//     from (Detail: the queue's topic, %RETRY%<group> for a reconsumed
//     message), and ReconsumeTimes in Attempt.
//   - A consumer is a process with a ClientStart (or ProcStart) whose
//     Detail is "consumer", or any consumer-side record, or a route query
//     for a %RETRY% topic.
//   - Node up/down comes from ProcStart/ProcExit of the node's processes
//     and from Fault records whose Target is the host (or host/service);
//     power-off, shutdown-network-first and network-down take a node down at
//     the fault, restart/power-on bring nothing up until the next ProcStart.
package explain
