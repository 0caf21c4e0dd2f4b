package broker

import (
	"sort"

	"rmqsim/model"
	"rmqsim/sim"
)

// ConsumerOffsetPath is consumerOffset.json on the broker host.
const ConsumerOffsetPath = "store/config/consumerOffset.json"

// ConsumerOffsetManager keeps committed offsets in memory, keyed
// "topic@group" → queueId → offset, persisted every 5 s and at shutdown
// (§2.5) without fsync, so a power-off also loses what the OS had not
// written back.
type ConsumerOffsetManager struct {
	b     *Broker
	table map[string]map[int]int64
	// queues memoises table["topic@group"] by (topic, group): a commit
	// rides on nearly every pull, and this finds its queue map with one
	// lookup without building the key. putAll replaces table's maps, so
	// it clears the memo.
	queues map[[2]string]map[int]int64
	// snap is the last snapshot, nil once the table changed since: the
	// table is persisted every 5 s and read by each slave every 10 s, and
	// between commits that move an offset it is the same. Every reader
	// of a snapshot (the disk blob's next boot, a slave's putAll) copies
	// it, so one copy can be shared.
	snap map[string]map[int]int64
}

func newConsumerOffsetManager(b *Broker) *ConsumerOffsetManager {
	m := &ConsumerOffsetManager{b: b, table: map[string]map[int]int64{}, queues: map[[2]string]map[int]int64{}}
	saved, _ := b.p.Host().Disk().Blob(ConsumerOffsetPath).Read().(map[string]map[int]int64)
	m.putAll(saved)
	return m
}

func offsetKey(topic, group string) string { return topic + "@" + group }

func (m *ConsumerOffsetManager) commitOffset(group, topic string, queueID int, offset int64) {
	k := [2]string{topic, group}
	t := m.queues[k]
	if t == nil {
		key := offsetKey(topic, group)
		t = m.table[key]
		if t == nil {
			t = map[int]int64{}
			m.table[key] = t
		}
		m.queues[k] = t
	}
	if old, ok := t[queueID]; !ok || old != offset {
		t[queueID] = offset
		m.snap = nil
	}
}

// queryOffset is ConsumerOffsetManager.queryOffset (ok false for -1).
func (m *ConsumerOffsetManager) queryOffset(group, topic string, queueID int) (int64, bool) {
	off, ok := m.table[offsetKey(topic, group)][queueID]
	return off, ok
}

// putAll copies a table in (SlaveSynchronize: master values win, §2.4).
func (m *ConsumerOffsetManager) putAll(t map[string]map[int]int64) {
	m.snap = nil
	clear(m.queues)
	for k, q := range t {
		cp := make(map[int]int64, len(q))
		for id, off := range q {
			cp[id] = off
		}
		m.table[k] = cp
	}
}

// snapshot is a copy of the table that its readers must not modify.
func (m *ConsumerOffsetManager) snapshot() map[string]map[int]int64 {
	if m.snap != nil {
		return m.snap
	}
	cp := make(map[string]map[int]int64, len(m.table))
	for k, q := range m.table {
		c := make(map[int]int64, len(q))
		for id, off := range q {
			c[id] = off
		}
		cp[k] = c
	}
	m.snap = cp
	return cp
}

// persist writes consumerOffset.json (ConfigManager.persist).
func (m *ConsumerOffsetManager) persist() {
	m.b.p.Host().Disk().Blob(ConsumerOffsetPath).Write(m.b.p.Now(), m.snapshot())
}

// topicsOf lists the topics a group has offsets for (whichTopicByConsumer), sorted.
func (m *ConsumerOffsetManager) topicsOf(group string) []string {
	var out []string
	for k := range m.table {
		if i := len(k) - len(group) - 1; i > 0 && k[i] == '@' && k[i+1:] == group {
			out = append(out, k[:i])
		}
	}
	sort.Strings(out)
	return out
}

// queryConsumerOffset is ConsumerManageProcessor.queryConsumerOffset
// (§2.5): the stored offset; else 0 when the queue's minOffset ≤ 0 and
// offset 0 is empty or still in memory; else QUERY_NOT_FOUND (22).
func (b *Broker) queryConsumerOffset(r *model.QueryConsumerOffsetRequest) *model.Response {
	if off, ok := b.offsets.queryOffset(r.ConsumerGroup, r.Topic, r.QueueID); ok && off >= 0 {
		return &model.Response{Code: model.Success, Body: &model.QueryConsumerOffsetResponse{Offset: off}}
	}
	if b.store.minOffsetInQueue(r.Topic, r.QueueID) <= 0 && !b.store.checkInDiskByConsumeOffset(r.Topic, r.QueueID, 0) {
		return &model.Response{Code: model.Success, Body: &model.QueryConsumerOffsetResponse{Offset: 0}}
	}
	return &model.Response{Code: model.QueryNotFound, Remark: "Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first"}
}

// updateConsumerOffset is UPDATE_CONSUMER_OFFSET: accepted by masters and
// slaves alike; a slave's value is overwritten by the next sync (§2.4).
func (b *Broker) updateConsumerOffset(_ *sim.End, r *model.UpdateConsumerOffsetRequest) *model.Response {
	b.offsets.commitOffset(r.ConsumerGroup, r.Topic, r.QueueID, r.CommitOffset)
	return &model.Response{Code: model.Success}
}
