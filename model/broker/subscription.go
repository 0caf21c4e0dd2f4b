package broker

import (
	"sort"

	"rmqsim/model"
)

// SubscriptionGroupPath is subscriptionGroup.json on the broker host.
const SubscriptionGroupPath = "store/config/subscriptionGroup.json"

// SubscriptionGroupManager is the broker's consumer-group configs
// (§2.8): the system groups its constructor creates, then the file;
// unknown groups are created on first use (autoCreateSubscriptionGroup).
type SubscriptionGroupManager struct {
	b           *Broker
	table       map[string]model.SubscriptionGroupConfig
	dataVersion model.DataVersion
}

func newSubscriptionGroupManager(b *Broker) *SubscriptionGroupManager {
	m := &SubscriptionGroupManager{b: b, table: map[string]model.SubscriptionGroupConfig{},
		dataVersion: model.DataVersion{Timestamp: b.p.Now().Millis()}}
	for _, g := range []string{"TOOLS_CONSUMER", "FILTERSRV_CONSUMER", "SELF_TEST_C_GROUP", "CID_ONS-HTTP-PROXY",
		"CID_ONSAPI_PULL", "CID_ONSAPI_PERMISSION", "CID_ONSAPI_OWNER"} {
		m.table[g] = m.defaultConfig(g)
	}
	saved, _ := b.p.Host().Disk().Blob(SubscriptionGroupPath).Read().([]model.SubscriptionGroupConfig)
	for _, c := range saved {
		m.table[c.GroupName] = c
	}
	return m
}

func (m *SubscriptionGroupManager) defaultConfig(group string) model.SubscriptionGroupConfig {
	return model.SubscriptionGroupConfig{GroupName: group, ConsumeEnable: true, ConsumeBroadcastEnable: true,
		RetryQueueNums: m.b.cfg.RetryQueueNums, RetryMaxTimes: m.b.cfg.RetryMaxTimes}
}

// findSubscriptionGroupConfig returns the group's config, creating and
// persisting it if auto-creation is on.
func (m *SubscriptionGroupManager) findSubscriptionGroupConfig(group string) (model.SubscriptionGroupConfig, bool) {
	if c, ok := m.table[group]; ok {
		return c, true
	}
	if !m.b.cfg.AutoCreateSubscriptionGroup {
		return model.SubscriptionGroupConfig{}, false
	}
	c := m.defaultConfig(group)
	m.table[group] = c
	m.dataVersion = model.DataVersion{Timestamp: m.b.p.Now().Millis(), Counter: m.dataVersion.Counter + 1}
	m.persist()
	return c, true
}

func (m *SubscriptionGroupManager) sorted() []model.SubscriptionGroupConfig {
	out := make([]model.SubscriptionGroupConfig, 0, len(m.table))
	for _, c := range m.table {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].GroupName < out[j].GroupName })
	return out
}

func (m *SubscriptionGroupManager) persist() {
	m.b.p.Host().Disk().Blob(SubscriptionGroupPath).Write(m.b.p.Now(), m.sorted())
}

// replaceAll is SlaveSynchronize.syncSubscriptionGroupConfig (§2.4).
func (m *SubscriptionGroupManager) replaceAll(w *model.SubscriptionGroupWrapper) {
	if w.DataVersion == m.dataVersion {
		return
	}
	m.dataVersion = w.DataVersion
	clear(m.table)
	for _, c := range w.SubscriptionGroupTable {
		m.table[c.GroupName] = c
	}
	m.persist()
}
