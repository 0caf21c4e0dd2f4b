package check

import (
	"cmp"
	"slices"
)

// Verdict is a property's outcome: pass, fail, or unknown when the history
// cannot decide it (the horizon came before a deadline, a search ran out of
// time). Unknown is never a pass.
type Verdict string

// The three verdicts.
const (
	Pass    Verdict = "pass"
	Fail    Verdict = "fail"
	Unknown Verdict = "unknown"
)

// verdictOf is fail if anything failed, else unknown if something is
// undecided, else pass.
func verdictOf(failures int, undecided bool) Verdict {
	switch {
	case failures > 0:
		return Fail
	case undecided:
		return Unknown
	}
	return Pass
}

// Property names one judged property.
type Property string

// The properties, each its own verdict (safety apart from liveness).
const (
	// NoAckedLost: every SEND_OK message reaches every required group.
	NoAckedLost Property = "no-acked-lost"
	// NoPhantom: nothing is delivered or pulled that was never sent nor
	// stored, or before it was.
	NoPhantom Property = "no-phantom"
	// NoDuplicates: each group gets each message once. RocketMQ promises
	// at least once, so a configuration tolerates most duplicate causes.
	NoDuplicates Property = "no-duplicates"
	// QueueOrder: an orderly group gets each queue's messages in offset
	// order.
	QueueOrder Property = "per-queue-order"
	// Liveness: after the last fault, every acknowledged message is
	// delivered within the bound.
	Liveness Property = "liveness"
	// LinearQueues: sends and pulls of each queue are linearizable as an
	// append-only log.
	LinearQueues Property = "linearizable-queues"
	// LinearOffsets: commits and reads of each committed offset are
	// linearizable as a register.
	LinearOffsets Property = "linearizable-offsets"
)

// properties lists every property in report order (sorted by name).
func properties() []Property {
	ps := []Property{NoAckedLost, NoPhantom, NoDuplicates, QueueOrder, Liveness, LinearQueues, LinearOffsets}
	slices.Sort(ps)
	return ps
}

// Cause is why a violation happened, classified from the history alone.
// Tolerances are keyed by it. The § numbers refer to
// rocketmq-4.8-facts.md.
type Cause string

// Causes of an acknowledged message not delivered (§5.9).
const (
	// CauseUnflushedLost: the broker lost the stored message on power-off
	// before flush (a Lost record whose Detail mentions flush or power).
	CauseUnflushedLost Cause = "unflushed-lost"
	// CauseStoreLost: the broker lost it for another recorded reason.
	CauseStoreLost Cause = "store-lost"
	// CauseNeverStored: acknowledged, yet no broker recorded storing it.
	CauseNeverStored Cause = "acked-not-stored"
	// CauseOffsetSkipped: the group's committed offset, an
	// OFFSET_ILLEGAL jump or its pull position passed the message
	// without delivering it.
	CauseOffsetSkipped Cause = "offset-skipped"
	// CauseQueueUnowned: at the horizon no live consumer of the group owned
	// the message's queue (§5.3, §6).
	CauseQueueUnowned Cause = "queue-unowned"
	// CauseFaultActive: faults were still active at the horizon, so the
	// system may be correctly stuck.
	CauseFaultActive Cause = "fault-active"
	// CauseNotConsumed: stored, reachable as far as the history shows, and
	// never delivered: no recorded reason.
	CauseNotConsumed Cause = "not-consumed"
	// CauseLate: delivered, but after the liveness deadline.
	CauseLate Cause = "late"
)

// Causes of duplicate deliveries (§5.8).
const (
	// CauseProducerRetry: the key was stored twice (a retry after a
	// timeout whose first attempt had been stored).
	CauseProducerRetry Cause = "producer-retry"
	// CauseReconsumeLater: the listener returned RECONSUME_LATER (or
	// reconsumeTimes grew) before the redelivery.
	CauseReconsumeLater Cause = "reconsume-later"
	// CauseConsumerRestart: a consumer of the group exited between the
	// deliveries; it lost its uncommitted progress.
	CauseConsumerRestart Cause = "consumer-restart"
	// CauseBrokerRestart: the broker restarted between the deliveries
	// (offsets flushed every 5 s, §2.5); for offsets, commits it lost.
	CauseBrokerRestart Cause = "broker-restart"
	// CauseRebalance: the queue changed owner between the deliveries
	// (dropped ProcessQueue, inconsistent allocation, §5.3).
	CauseRebalance Cause = "rebalance"
)

// Other causes.
const (
	// CausePhantom: a key nobody sent or stored, or seen before it was.
	CausePhantom Cause = "phantom"
	// CauseReorder: an orderly group got a queue offset after a later one.
	CauseReorder Cause = "out-of-order"
	// CauseSlaveRead: a non-linearizable partition where some operation
	// was served by a slave (an address no send used): a lagging replica.
	CauseSlaveRead Cause = "slave-read"
	// CauseUnknown: the history shows no reason.
	CauseUnknown Cause = "unknown"
)

// causes lists every cause, sorted.
func causes() []Cause {
	cs := []Cause{
		CauseUnflushedLost, CauseStoreLost, CauseNeverStored, CauseOffsetSkipped,
		CauseQueueUnowned, CauseFaultActive, CauseNotConsumed, CauseLate,
		CauseProducerRetry, CauseReconsumeLater, CauseConsumerRestart,
		CauseBrokerRestart, CauseRebalance, CausePhantom, CauseReorder,
		CauseSlaveRead, CauseUnknown,
	}
	slices.Sort(cs)
	return cs
}

// Violation is one instance of a property not holding: the message (or
// partition) involved, the records that show it, the classified cause and a
// plain-words reason. JSON fields are in sorted order.
type Violation struct {
	Cause    Cause    `json:"cause"`
	Group    string   `json:"group,omitempty"`
	Key      string   `json:"key,omitempty"`
	Property Property `json:"property"`
	// Queue is "topic/broker/queueId" (topic omitted when unknown), or a
	// linearizability partition name.
	Queue  string  `json:"queue,omitempty"`
	Reason string  `json:"reason"`
	Seqs   []int64 `json:"seqs"`
	// Tolerated is, for a finding, the tolerance's reason; empty for a
	// failure.
	Tolerated string `json:"tolerated,omitempty"`
}

// compareViolations orders violations for stable output.
func compareViolations(a, b Violation) int {
	return cmp.Or(
		cmp.Compare(a.Property, b.Property),
		cmp.Compare(a.Key, b.Key),
		cmp.Compare(a.Group, b.Group),
		cmp.Compare(a.Queue, b.Queue),
		slices.Compare(a.Seqs, b.Seqs),
		cmp.Compare(a.Cause, b.Cause),
		cmp.Compare(a.Reason, b.Reason),
	)
}

// Outcome is one property's raw result before tolerances: every violation
// and whether some part could not be decided (Note says why).
type Outcome struct {
	Property   Property
	Violations []Violation
	Undecided  bool
	Note       string
}

// Verdict is the outcome's verdict when nothing is tolerated.
func (o Outcome) Verdict() Verdict { return verdictOf(len(o.Violations), o.Undecided) }

// seqs returns its arguments as a sorted, duplicate-free list, dropping
// negatives (the "no record" marker).
func seqs(s ...int64) []int64 {
	out := make([]int64, 0, len(s))
	for _, x := range s {
		if x >= 0 {
			out = append(out, x)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
