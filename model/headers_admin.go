package model

import (
	"strconv"

	"rmqsim/sim"
)

// Admin (dashboard), slave-synchronisation and HA bodies; see headers.go.

// ---- dashboard admin (§7) ----

// BrokerRuntimeInfo is GET_BROKER_RUNTIME_INFO's reply (a KVTable in
// Java, BrokerController.getRuntimeInfo). Counters are in-memory and
// restart from 0 with the broker (StoreStatsService); the "morning"
// values are BrokerStats.record's copy at the last midnight after the
// broker started (0 before it).
type BrokerRuntimeInfo struct {
	BrokerName                  string
	BrokerID                    int64
	MsgPutTotalTodayNow         int64
	MsgGetTotalTodayNow         int64
	MsgPutTotalTodayMorning     int64
	MsgGetTotalTodayMorning     int64
	MsgPutTotalYesterdayMorning int64
	CommitLogMinOffset          int64
	CommitLogMaxOffset          int64
}

// Describe implements Describer.
func (r *BrokerRuntimeInfo) Describe(b []byte) []byte {
	s := len(b)
	b = appendStr(b, "broker", r.BrokerName)
	b = appendInt(b, "id", r.BrokerID)
	b = appendInt(b, "putToday", r.MsgPutTotalTodayNow-r.MsgPutTotalTodayMorning)
	b = appendInt(b, "getToday", r.MsgGetTotalTodayNow-r.MsgGetTotalTodayMorning)
	return trimLead(b, s)
}

// GetTopicStatsInfoRequest is GET_TOPIC_STATS_INFO (GetTopicStatsInfoRequestHeader).
type GetTopicStatsInfoRequest struct {
	Topic string
}

// Describe implements Describer.
func (r *GetTopicStatsInfoRequest) Describe(b []byte) []byte {
	return append(append(b, "topic="...), r.Topic...)
}

// TopicOffset is one queue's offsets (CM/admin/TopicOffset).
type TopicOffset struct {
	BrokerName          string
	QueueID             int
	MinOffset           int64
	MaxOffset           int64
	LastUpdateTimestamp sim.Time
}

// TopicStatsTable is GET_TOPIC_STATS_INFO's reply (CM/admin/TopicStatsTable),
// sorted by (broker, queue).
type TopicStatsTable struct {
	Offsets []TopicOffset
}

// Describe implements Describer.
func (t *TopicStatsTable) Describe(b []byte) []byte {
	var sum int64
	for _, o := range t.Offsets {
		sum += o.MaxOffset - o.MinOffset
	}
	s := len(b)
	b = appendInt(b, "queues", int64(len(t.Offsets)))
	b = appendInt(b, "msgs", sum)
	return trimLead(b, s)
}

// GetConsumeStatsRequest is GET_CONSUME_STATS (GetConsumeStatsRequestHeader);
// Topic "" means every topic the group subscribes.
type GetConsumeStatsRequest struct {
	ConsumerGroup string
	Topic         string
}

// Describe implements Describer.
func (r *GetConsumeStatsRequest) Describe(b []byte) []byte {
	b = append(b, "group="...)
	b = append(b, r.ConsumerGroup...)
	return append(append(b, " topic="...), r.Topic...)
}

// OffsetWrapper is one queue's broker and consumer offsets (CM/admin/OffsetWrapper).
type OffsetWrapper struct {
	BrokerName     string
	Topic          string
	QueueID        int
	BrokerOffset   int64
	ConsumerOffset int64
	LastTimestamp  sim.Time
}

// ConsumeStats is GET_CONSUME_STATS's reply (CM/admin/ConsumeStats),
// sorted by (topic, broker, queue).
type ConsumeStats struct {
	Offsets []OffsetWrapper
}

// Describe implements Describer.
func (c *ConsumeStats) Describe(b []byte) []byte {
	var diff int64
	for _, o := range c.Offsets {
		diff += o.BrokerOffset - o.ConsumerOffset
	}
	s := len(b)
	b = appendInt(b, "queues", int64(len(c.Offsets)))
	b = appendInt(b, "diff", diff)
	return trimLead(b, s)
}

// ---- slave synchronisation (§2.4) ----

// TopicConfigSerializeWrapper is GET_ALL_TOPIC_CONFIG's reply and the
// topics.json content: every topic (sorted) and the data version.
type TopicConfigSerializeWrapper struct {
	TopicConfigTable []TopicConfig
	DataVersion      DataVersion
}

// Describe implements Describer.
func (w *TopicConfigSerializeWrapper) Describe(b []byte) []byte {
	s := len(b)
	b = appendInt(b, "topics", int64(len(w.TopicConfigTable)))
	return trimLead(appendDataVersion(b, w.DataVersion), s)
}

// ConsumerOffsetSerializeWrapper is GET_ALL_CONSUMER_OFFSET's reply and
// the consumerOffset.json content: "topic@group" → queueId → offset.
type ConsumerOffsetSerializeWrapper struct {
	OffsetTable map[string]map[int]int64
}

// Describe implements Describer.
func (w *ConsumerOffsetSerializeWrapper) Describe(b []byte) []byte {
	return strconv.AppendInt(append(b, "keys="...), int64(len(w.OffsetTable)), 10)
}

// DelayOffsetSerializeWrapper is GET_ALL_DELAY_OFFSET's reply: delay
// level → SCHEDULE_TOPIC_XXXX queue offset delivered so far.
type DelayOffsetSerializeWrapper struct {
	OffsetTable map[int]int64
}

// Describe implements Describer.
func (w *DelayOffsetSerializeWrapper) Describe(b []byte) []byte {
	return strconv.AppendInt(append(b, "levels="...), int64(len(w.OffsetTable)), 10)
}

// SubscriptionGroupConfig is a consumer group's broker-side config
// (CM/subscription/SubscriptionGroupConfig).
type SubscriptionGroupConfig struct {
	GroupName              string
	ConsumeEnable          bool
	ConsumeBroadcastEnable bool
	RetryQueueNums         int // 1 (§2.9)
	RetryMaxTimes          int // 16 (§2.9)
	BrokerID               int64
}

// SubscriptionGroupWrapper is GET_ALL_SUBSCRIPTIONGROUP_CONFIG's reply
// (body/SubscriptionGroupWrapper), sorted by group.
type SubscriptionGroupWrapper struct {
	SubscriptionGroupTable []SubscriptionGroupConfig
	DataVersion            DataVersion
}

// Describe implements Describer.
func (w *SubscriptionGroupWrapper) Describe(b []byte) []byte {
	s := len(b)
	b = appendInt(b, "groups", int64(len(w.SubscriptionGroupTable)))
	return trimLead(appendDataVersion(b, w.DataVersion), s)
}

// ---- HA (§2.4; ST/ha/HAService, HAConnection) ----

// HATransferBody is the master's push on the HA connection: the commit-log
// records from MasterPhyOffset on (a batch per transfer; shared, read
// only). An empty batch is the heartbeat.
type HATransferBody struct {
	MasterPhyOffset int64
	Msgs            []*MessageExt
}

// Describe implements Describer.
func (t *HATransferBody) Describe(b []byte) []byte {
	b = append(b, "from="...)
	b = strconv.AppendInt(b, t.MasterPhyOffset, 10)
	b = append(b, " msgs="...)
	return strconv.AppendInt(b, int64(len(t.Msgs)), 10)
}

// HAReportBody is the slave's report of its commit-log max offset
// (HAClient.reportSlaveMaxOffset), at connect and every 5 s and after
// each transfer it applies.
type HAReportBody struct {
	MaxPhyOffset int64
}

// Describe implements Describer.
func (r *HAReportBody) Describe(b []byte) []byte {
	return strconv.AppendInt(append(b, "slaveMaxOffset="...), r.MaxPhyOffset, 10)
}
