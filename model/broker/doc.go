// Package broker is RocketMQ 4.8.0's broker (BrokerController and the
// store it embeds) as a deterministic state machine on the sim kernel: a
// master (brokerId 0, ASYNC_MASTER or SYNC_MASTER) or a slave (brokerId 1)
// of a broker group.
//
// It owns registration with the nameservers (§2.1, §2.2), the topic
// table with TBW102 auto-creation (§2.3), the CommitLog and ConsumeQueues
// on the host disk with ASYNC_FLUSH or SYNC_FLUSH (§5.9), master→slave
// replication and SlaveSynchronize (§2.4), consumer offsets (§2.5), long
// polling (§2.6), client channels and group membership (§2.7, §2.8),
// send-back with delay levels, %RETRY% and %DLQ% (§2.9), and the admin
// requests of the dashboard (§7).
//
// Contract:
//   - Offsets are RocketMQ's: queue offsets count messages, commit-log
//     offsets count bytes as CommitLog.calMsgLength sizes them, and the
//     offsetMsgId is MessageDecoder.createMessageId of the store host's
//     IPv4 address, port 10911 and the commit-log offset.
//   - Ground truth goes to the history: history.Stored for every put on a
//     master (Detail "" for a producer's send, else the internal path) and
//     for every record a slave applies (Detail "replica"); history.Lost at
//     restart for each record a power-off took before it was flushed.
//     Key is the body (the history's message identity, as in the client's
//     records) and MsgID the UNIQ_KEY.
//   - Stored records (*model.MessageExt) are shared by pulls and HA
//     transfers and never changed: readers must not modify them.
//   - Per message the broker schedules no timer: flushes, HA transfers and
//     long-poll wakeups are per batch or per held request.
package broker
