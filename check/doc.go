// Package check holds the judges: pure functions from a recorded history
// (package history) to verdicts with every violation, never the first
// alone. They read nothing but the records; they never see the model.
//
// # Contract
//
//   - Judge, CheckDelivery and CheckLinearizability read the history and
//     return values; no globals, no I/O except the optional porcupine
//     visualisation, no wall clock except porcupine's timeout, whose only
//     effect is an unknown verdict (and no visualisation).
//   - Each property (Property) gets its own verdict: pass, fail, or
//     unknown when the history cannot decide it. Unknown is never a pass.
//     Safety (no-acked-lost, no-phantom, no-duplicates, per-queue-order,
//     the linearizability properties) is apart from liveness.
//   - Every violation names its key (or partition), group, queue, the
//     records that show it (Seq numbers), a Cause classified from the
//     history and a reason in plain words.
//   - A Tolerance (data: causes a configuration declares acceptable)
//     turns the violations it covers into findings; the rest are
//     failures, and only failures make a verdict fail.
//   - Report marshals to the same JSON for the same input: keys in sorted
//     order, lists sorted, maps never iterated unsorted. Bad input (Seq
//     not increasing, At decreasing, no timeout, an unknown cause in a
//     tolerance) is an error value that says where.
//   - The delivery judge is linear: two passes over the records (msgIds,
//     then facts into maps) and one over the keys in sorted order. The
//     linearizability judge is two passes to build the operations, then
//     porcupine per partition with the timeout, so the wall-clock bound
//     is the number of partitions times the timeout. Three exact
//     shortcuts keep the cost linear where porcupine's is quadratic in
//     memory (linear_segments.go, linear_known.go): a queue log whose
//     appends all returned their offsets is decided without a search; a
//     register drops the commits no offset read can observe; another log
//     is checked in segments cut where no operation is in flight and the
//     log is known. Each gives porcupine's verdict (rapid tests compare).
//
// # What the records mean here
//
// A message is its Key (the application body). Intend and SendCall name
// the keys meant and tried; a SendReturn with Status SEND_OK acknowledges
// one (other statuses are acknowledged but not OK and need not be
// delivered; Err means the send failed). Stored is ground truth from a
// broker process (Detail "replica" for a slave's copy); Lost says a copy
// vanished, matched to its Stored copy by key and coordinates (or by
// process and coordinates without a Key). A broker knows a message's
// msgId, not its body, so a Stored or Lost record is resolved to the body
// a client record (SendAttempt, SendAttemptFail, SendReturn, Deliver,
// ConsumeResult) pairs with its MsgID, else taken by its Key. Copies in
// %RETRY%, %DLQ% and SCHEDULE_TOPIC_XXXX are the broker's own and are
// not copies of the message. A Lost whose Detail mentions "flush" or
// "power" is an unflushed loss. Records carry Topic consistently: on
// every send-side record of a key or on none. Records about one message
// must have a Key.
//
// no-acked-lost: every SEND_OK key reaches every required group (the
// declared Groups, else every group in the history; a group whose records
// name topics needs only those topics). A key not delivered is a
// violation when it can never be (every stored copy lost, or never stored
// while the history has Stored records), or when its liveness deadline
// has passed at the horizon; otherwise it is undecided (unknown). Without
// a liveness bound the deadline is the horizon itself.
//
// liveness: the faults stop at HealAt, else at the At of the last Fault
// record — a heal, or a fault that never healed (then the violations
// carry cause fault-active and name the faults: the system may be
// correctly stuck). This differs from "the last heal" on purpose: a fault
// after the last heal would otherwise count against the bound. Each
// acknowledged key must be delivered by max(ack, heal) + LivenessBound;
// late is a violation, not yet due at the horizon is unknown.
//
// Causes of an undelivered key, first match wins: every master copy lost
// (unflushed-lost or store-lost), never stored, the group's committed
// offset or an OFFSET_ILLEGAL jump passed it (offset-skipped), no live
// consumer owned its queue per the Rebalance records (queue-unowned), the
// group pulled the queue from a later offset (offset-skipped), faults
// active at the horizon (fault-active), else not-consumed.
//
// no-duplicates: each extra delivery of a key to a group is a violation
// whose cause is, first match wins: RECONSUME_LATER or a grown
// reconsumeTimes (reconsume-later); delivered from other coordinates and
// stored twice on masters (producer-retry); a consumer of the group
// exited in between (consumer-restart); the broker's process started or
// exited in between (broker-restart); the queue changed owner in between
// (rebalance); else unknown. A Fault on a process or on its host (the
// sim names processes "host/service") counts as that process exiting.
//
// per-queue-order: for each declared orderly group, an offset delivered
// for the first time after a higher offset of the same queue is a
// violation. Replays of offsets already delivered are duplicates.
//
// no-phantom: a key delivered or pulled that no SendCall or Stored record
// named before.
//
// # Linearizability
//
// Each queue (topic, broker, queue id) is an append-only log, checked by
// porcupine v1.3.1, one partition at a time, each with the timeout:
//
//   - A send attempt is append(key). The attempt a SendReturn with a
//     Status settles returns its QueueOffset, over [SendAttempt,
//     SendReturn]. Attempts that failed, sends that returned Err and sends
//     that never returned are pending: return at infinity (so "never
//     applied" is the same as "applied after everything"). Where the
//     history has the brokers' ground truth (Stored records), it settles
//     what the client could not see: a pending attempt whose key a master
//     stored at that queue, at an offset no acknowledged return claims,
//     appended at that offset; one whose key was never stored there is no
//     operation. Without Stored records the output stays unknown. (A
//     black-box checker could not do this; without it, thousands of
//     refused attempts to a dead broker, each "maybe appended", make the
//     search explode.)
//   - A Pull is read(offset) → its answer. FOUND must hold consecutive
//     offsets from the requested one, each with its key: tag filtering is
//     assumed off. NO_NEW_MSG means the log ends at or before the offset,
//     OFFSET_ILLEGAL beyond it; other answers constrain nothing; pulls
//     with Err, NO_MATCHED_MSG answers without messages (tag filtering, or
//     a slave's PULL_RETRY_IMMEDIATELY: they constrain nothing), and
//     %RETRY%, %DLQ%, SCHEDULE_TOPIC_XXXX queues (no client appends), are
//     left out. A run of the same empty answer at the same offset by the
//     same client, with no other operation of the queue between, keeps
//     only its last read: in an append-only log an empty answer legal at
//     some moment is legal at every earlier one (sound and complete).
//   - A Lost record on a master copy truncates the log at its offset, so
//     declared losses are part of the specification (their cost is judged
//     by no-acked-lost) and the check asks whether clients saw one atomic
//     log apart from them.
//
// Each (group, queue) committed offset is a register: OffsetCommit writes
// it, OffsetRead reads it (-1, or 0 for a fresh queue per §2.5, when
// nothing is committed). A commit is recorded when it is sent, so that is
// its call (unless it has Start or CallSeq). RocketMQ acknowledges no
// commit, except that a commit riding on a pull (Detail "pull") is
// applied before the broker answers: the same process's next Pull of the
// queue, if it succeeds, is its return. Every other commit returns at
// infinity, which makes this check sound but weak.
//
// An illegal partition's cause is slave-read if some operation went to an
// address no send to that broker used (a slave), broker-restart for a
// register whose broker process exited, else unknown.
//
// Timestamps: record Seq s is 2s+2. Operations recorded at their return
// (Pull, OffsetCommit, OffsetRead) are called at 2·CallSeq+1 when the
// record has CallSeq — exact — else just before the first record at or
// after their Start. Start is a virtual time and many records share a
// tick; this places the call as early as Start allows, so operations of
// the same tick are concurrent rather than wrongly ordered: sound, never
// a false Illegal, and precise whenever the model fills CallSeq.
//
// On Illegal, with a VisualizePath, the illegal partitions are checked
// again verbosely and porcupine's HTML is written with faults as spans on
// their targets' rows and scenario steps on a "steps" row. Runs that time
// out are never visualised.
package check
