package client

import (
	"sort"

	"rmqsim/model"
	"rmqsim/sim"
)

// ProcessQueue is CL/impl/consumer/ProcessQueue: the messages of one queue
// pulled and not yet consumed (msgTreeMap), for flow control and for the
// committed offset, which is the lowest offset still in flight (§5.6).
type ProcessQueue struct {
	msgs           map[int64]*model.MessageExt
	offsets        []int64 // keys of msgs, ascending
	msgSize        int64
	queueOffsetMax int64
	dropped        bool
	lastPull       sim.Time
}

func newProcessQueue(now sim.Time) *ProcessQueue {
	return &ProcessQueue{msgs: map[int64]*model.MessageExt{}, lastPull: now}
}

// Dropped reports whether a rebalance or OFFSET_ILLEGAL dropped the queue.
func (q *ProcessQueue) Dropped() bool { return q.dropped }

// Count is the number of messages cached.
func (q *ProcessQueue) Count() int { return len(q.offsets) }

// putMessage caches pulled messages.
func (q *ProcessQueue) putMessage(msgs []*model.MessageExt) {
	for _, m := range msgs {
		if _, dup := q.msgs[m.QueueOffset]; dup {
			continue
		}
		q.msgs[m.QueueOffset] = m
		i := sort.Search(len(q.offsets), func(i int) bool { return q.offsets[i] >= m.QueueOffset })
		q.offsets = append(q.offsets, 0)
		copy(q.offsets[i+1:], q.offsets[i:])
		q.offsets[i] = m.QueueOffset
		q.msgSize += int64(len(m.Body))
		q.queueOffsetMax = max(q.queueOffsetMax, m.QueueOffset)
	}
}

// removeMessage drops consumed messages and returns the offset to commit:
// the lowest still cached, or max+1 when none is left; -1 if the queue
// held nothing (ProcessQueue.removeMessage).
func (q *ProcessQueue) removeMessage(msgs []*model.MessageExt) int64 {
	if len(q.offsets) == 0 {
		return -1
	}
	result := q.queueOffsetMax + 1
	for _, m := range msgs {
		if old, ok := q.msgs[m.QueueOffset]; ok {
			delete(q.msgs, m.QueueOffset)
			q.msgSize -= int64(len(old.Body))
			i := sort.Search(len(q.offsets), func(i int) bool { return q.offsets[i] >= m.QueueOffset })
			q.offsets = append(q.offsets[:i], q.offsets[i+1:]...)
		}
	}
	if len(q.offsets) > 0 {
		result = q.offsets[0]
	}
	return result
}

// maxSpan is lastKey − firstKey of the cache (0 when empty).
func (q *ProcessQueue) maxSpan() int64 {
	if len(q.offsets) == 0 {
		return 0
	}
	return q.offsets[len(q.offsets)-1] - q.offsets[0]
}
