package client

import (
	"sort"

	"rmqsim/model"
	"rmqsim/sim"
)

// ProcessQueue is CL/impl/consumer/ProcessQueue: the messages of one queue
// pulled and not yet consumed (msgTreeMap), for flow control and for the
// committed offset, which is the lowest offset still in flight (§5.6).
// The tree is a slice kept in offset order (pulls append at the end).
type ProcessQueue struct {
	// mq is the queue cached. Java's ConsumeRequest carries it beside the
	// ProcessQueue; here the consume path's closures reach it through pq,
	// so that they capture one pointer, not a 40-byte MessageQueue.
	mq             MessageQueue
	entries        []pqEntry
	msgSize        int64
	queueOffsetMax int64
	dropped        bool
	lastPull       sim.Time
}

// pqEntry is one cached message and, once a consume thread took it, when
// (MessageAccessor.setConsumeStartTimeStamp, read by cleanExpiredMsg, §5.6).
type pqEntry struct {
	m            *model.MessageExt
	consumeStart sim.Time
	started      bool
}

func newProcessQueue(mq MessageQueue, now sim.Time) *ProcessQueue {
	return &ProcessQueue{mq: mq, lastPull: now}
}

// Dropped reports whether a rebalance or OFFSET_ILLEGAL dropped the queue.
func (q *ProcessQueue) Dropped() bool { return q.dropped }

// Count is the number of messages cached.
func (q *ProcessQueue) Count() int { return len(q.entries) }

// search is the index of the first entry at or after offset.
func (q *ProcessQueue) search(offset int64) int {
	if n := len(q.entries); n == 0 || q.entries[n-1].m.QueueOffset < offset {
		return n
	}
	return sort.Search(len(q.entries), func(i int) bool { return q.entries[i].m.QueueOffset >= offset })
}

// putMessage caches pulled messages (a cached offset is not replaced).
func (q *ProcessQueue) putMessage(msgs []*model.MessageExt) {
	for _, m := range msgs {
		i := q.search(m.QueueOffset)
		if i < len(q.entries) && q.entries[i].m.QueueOffset == m.QueueOffset {
			continue
		}
		q.entries = append(q.entries, pqEntry{})
		copy(q.entries[i+1:], q.entries[i:])
		q.entries[i] = pqEntry{m: m}
		q.msgSize += int64(len(m.Body))
		q.queueOffsetMax = max(q.queueOffsetMax, m.QueueOffset)
	}
}

// replace puts m in place of the cached message at its offset (a changed
// copy: cached messages are the broker's shared records).
func (q *ProcessQueue) replace(m *model.MessageExt) {
	if i := q.search(m.QueueOffset); i < len(q.entries) && q.entries[i].m.QueueOffset == m.QueueOffset {
		q.entries[i].m = m
	}
}

// consumeStarted stamps a cached message's consume start.
func (q *ProcessQueue) consumeStarted(offset int64, now sim.Time) {
	if i := q.search(offset); i < len(q.entries) && q.entries[i].m.QueueOffset == offset {
		q.entries[i].consumeStart, q.entries[i].started = now, true
	}
}

// removeMessage drops consumed messages and returns the offset to commit:
// the lowest still cached, or max+1 when none is left; -1 if the queue
// held nothing (ProcessQueue.removeMessage).
func (q *ProcessQueue) removeMessage(msgs []*model.MessageExt) int64 {
	if len(q.entries) == 0 {
		return -1
	}
	result := q.queueOffsetMax + 1
	for _, m := range msgs {
		i := q.search(m.QueueOffset)
		if i < len(q.entries) && q.entries[i].m.QueueOffset == m.QueueOffset {
			q.msgSize -= int64(len(q.entries[i].m.Body))
			q.entries = append(q.entries[:i], q.entries[i+1:]...)
		}
	}
	if len(q.entries) > 0 {
		result = q.entries[0].m.QueueOffset
	}
	return result
}

// first is msgTreeMap.firstEntry (ok false when empty).
func (q *ProcessQueue) first() (pqEntry, bool) {
	if len(q.entries) == 0 {
		return pqEntry{}, false
	}
	return q.entries[0], true
}

// maxSpan is lastKey − firstKey of the cache (0 when empty).
func (q *ProcessQueue) maxSpan() int64 {
	if len(q.entries) == 0 {
		return 0
	}
	return q.entries[len(q.entries)-1].m.QueueOffset - q.entries[0].m.QueueOffset
}
