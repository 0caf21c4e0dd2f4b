package broker

import (
	"sort"
	"strings"

	"rmqsim/model"
)

// TopicsPath is topics.json on the broker host: a []model.TopicConfig
// (the cluster wiring seeds it, synced, before the first start).
const TopicsPath = "store/config/topics.json"

// System topic names (CM/topic/TopicValidator, MixAll).
const (
	AutoCreateTopicKeyTopic = "TBW102"
	ScheduleTopic           = "SCHEDULE_TOPIC_XXXX"
	RetryGroupTopicPrefix   = "%RETRY%"
	DLQGroupTopicPrefix     = "%DLQ%"
	scheduleTopicQueueNum   = 18
)

// TopicConfigManager is the broker's topic table (§2.3): the system
// topics its constructor creates (TBW102 with autoCreateTopicEnable),
// then topics.json, which it rewrites on every change.
type TopicConfigManager struct {
	b           *Broker
	table       map[string]model.TopicConfig
	dataVersion model.DataVersion
}

func newTopicConfigManager(b *Broker) *TopicConfigManager {
	m := &TopicConfigManager{b: b, table: map[string]model.TopicConfig{},
		dataVersion: model.DataVersion{Timestamp: b.p.Now().Millis()}}
	rw := model.PermRead | model.PermWrite
	inherit := model.PermInherit | rw
	cluster := b.env.Cluster.Name
	m.put("SELF_TEST_TOPIC", 1, rw)
	if b.cfg.AutoCreateTopicEnable {
		m.put(AutoCreateTopicKeyTopic, b.cfg.DefaultTopicQueueNums, inherit)
	}
	m.put("BenchmarkTest", 1024, rw)
	m.put(cluster, 16, inherit)
	m.put(b.group.BrokerName, 1, inherit)
	m.put("OFFSET_MOVED_EVENT", 1, rw)
	m.put(ScheduleTopic, scheduleTopicQueueNum, rw)
	m.put(cluster+"_REPLY_TOPIC", 1, rw)
	saved, _ := b.p.Host().Disk().Blob(TopicsPath).Read().([]model.TopicConfig)
	for _, tc := range saved {
		m.table[tc.TopicName] = tc
	}
	return m
}

func (m *TopicConfigManager) put(name string, queues, perm int) {
	m.table[name] = model.TopicConfig{TopicName: name, ReadQueueNums: queues, WriteQueueNums: queues, Perm: perm}
}

// selectTopicConfig returns the topic's config.
func (m *TopicConfigManager) selectTopicConfig(topic string) (model.TopicConfig, bool) {
	tc, ok := m.table[topic]
	return tc, ok
}

// sorted is the table sorted by name (registration bodies, persistence).
func (m *TopicConfigManager) sorted() []model.TopicConfig {
	out := make([]model.TopicConfig, 0, len(m.table))
	for _, tc := range m.table {
		out = append(out, tc)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].TopicName < out[j].TopicName })
	return out
}

// persist rewrites topics.json (ConfigManager.persist: no fsync).
func (m *TopicConfigManager) persist() {
	m.b.p.Host().Disk().Blob(TopicsPath).Write(m.b.p.Now(), m.sorted())
}

func (m *TopicConfigManager) nextVersion() {
	m.dataVersion = model.DataVersion{Timestamp: m.b.p.Now().Millis(), Counter: m.dataVersion.Counter + 1}
}

// createTopicInSendMessageMethod (§2.3): an unknown topic inherits from
// the default topic (TBW102) when its perm has INHERIT, with
// min(client defaultTopicQueueNums, default topic's write queues) queues.
// created reports a new topic: the caller registers oneway. ok is false
// when it cannot be created.
func (m *TopicConfigManager) createTopicInSendMessageMethod(topic, defaultTopic string, clientQueueNums int) (tc model.TopicConfig, created, ok bool) {
	if tc, ok := m.table[topic]; ok {
		return tc, false, true
	}
	def, ok := m.table[defaultTopic]
	if !ok {
		return tc, false, false
	}
	if defaultTopic == AutoCreateTopicKeyTopic && !m.b.cfg.AutoCreateTopicEnable {
		def.Perm = model.PermRead | model.PermWrite
		m.table[defaultTopic] = def
	}
	if def.Perm&model.PermInherit == 0 {
		return tc, false, false
	}
	queues := max(min(clientQueueNums, def.WriteQueueNums), 0)
	tc = model.TopicConfig{TopicName: topic, ReadQueueNums: queues, WriteQueueNums: queues, Perm: def.Perm &^ model.PermInherit}
	m.table[topic] = tc
	m.nextVersion()
	m.persist()
	return tc, true, true
}

// createTopicInSendMessageBackMethod creates %RETRY% and %DLQ% topics
// (§2.8, §2.9) with the given queues and perm.
func (m *TopicConfigManager) createTopicInSendMessageBackMethod(topic string, queues, perm int) (tc model.TopicConfig, created bool) {
	if tc, ok := m.table[topic]; ok {
		return tc, false
	}
	tc = model.TopicConfig{TopicName: topic, ReadQueueNums: queues, WriteQueueNums: queues, Perm: perm}
	m.table[topic] = tc
	m.nextVersion()
	m.persist()
	return tc, true
}

// replaceAll is SlaveSynchronize.syncTopicConfig's copy of the master's
// table when its data version differs (§2.4).
func (m *TopicConfigManager) replaceAll(w *model.TopicConfigSerializeWrapper) {
	if w.DataVersion == m.dataVersion {
		return
	}
	m.dataVersion = w.DataVersion
	clear(m.table)
	for _, tc := range w.TopicConfigTable {
		m.table[tc.TopicName] = tc
	}
	m.persist()
}

func isRetryTopic(topic string) bool { return strings.HasPrefix(topic, RetryGroupTopicPrefix) }
