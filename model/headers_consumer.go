package model

import (
	"strconv"
	"time"

	"rmqsim/sim"
)

// Consumer ↔ broker bodies; see headers.go.

// ---- consumer ↔ broker (§2.5–§2.9, §5) ----

// PullSysFlag bits (CM/sysflag/PullSysFlag).
const (
	PullFlagCommitOffset = 1 << 0
	PullFlagSuspend      = 1 << 1
	PullFlagSubscription = 1 << 2
	PullFlagClassFilter  = 1 << 3
)

// PullMessageRequest is PULL_MESSAGE (PullMessageRequestHeader, §2.6).
// SuspendTimeout is suspendTimeoutMillis (the broker hold, 15 s).
type PullMessageRequest struct {
	ConsumerGroup  string
	Topic          string
	QueueID        int
	QueueOffset    int64
	MaxMsgNums     int
	SysFlag        int
	CommitOffset   int64
	SuspendTimeout time.Duration
	Subscription   string
	SubVersion     int64
}

// Describe implements Describer.
func (r *PullMessageRequest) Describe(b []byte) []byte {
	b = append(b, "group="...)
	b = append(b, r.ConsumerGroup...)
	b = append(b, " topic="...)
	b = append(b, r.Topic...)
	b = append(b, " queue="...)
	b = strconv.AppendInt(b, int64(r.QueueID), 10)
	b = append(b, " offset="...)
	b = strconv.AppendInt(b, r.QueueOffset, 10)
	if r.SysFlag&PullFlagCommitOffset != 0 {
		b = append(b, " commit="...)
		b = strconv.AppendInt(b, r.CommitOffset, 10)
	}
	return b
}

// PullMessageResponse is PULL_MESSAGE's reply (PullMessageResponseHeader
// plus the messages). Codes: SUCCESS (FOUND), PULL_NOT_FOUND
// (NO_NEW_MSG), PULL_RETRY_IMMEDIATELY (NO_MATCHED_MSG), PULL_OFFSET_MOVED
// (OFFSET_ILLEGAL). Msgs are shared with the broker's store: read only.
type PullMessageResponse struct {
	SuggestWhichBrokerID int64
	NextBeginOffset      int64
	MinOffset            int64
	MaxOffset            int64
	Msgs                 []*MessageExt
}

// Describe implements Describer.
func (r *PullMessageResponse) Describe(b []byte) []byte {
	b = append(b, "msgs="...)
	b = strconv.AppendInt(b, int64(len(r.Msgs)), 10)
	b = append(b, " next="...)
	b = strconv.AppendInt(b, r.NextBeginOffset, 10)
	b = append(b, " min="...)
	b = strconv.AppendInt(b, r.MinOffset, 10)
	b = append(b, " max="...)
	b = strconv.AppendInt(b, r.MaxOffset, 10)
	if r.SuggestWhichBrokerID != 0 {
		b = append(b, " suggest="...)
		b = strconv.AppendInt(b, r.SuggestWhichBrokerID, 10)
	}
	return b
}

// SubscriptionData is one topic subscription (heartbeat/SubscriptionData):
// SubString "*" or "TagA || TagB", Tags its parsed tag set (sorted).
type SubscriptionData struct {
	Topic      string
	SubString  string
	Tags       []string
	SubVersion int64
}

// ConsumerData is one consumer group in a heartbeat (heartbeat/ConsumerData).
type ConsumerData struct {
	GroupName        string
	ConsumeType      string // CONSUME_PASSIVELY for push consumers
	MessageModel     string // CLUSTERING or BROADCASTING
	ConsumeFromWhere string
	Subscriptions    []SubscriptionData // sorted by topic
}

// HeartbeatData is HEART_BEAT's body (heartbeat/HeartbeatData, §2.8).
type HeartbeatData struct {
	ClientID       string
	ProducerGroups []string
	ConsumerDatas  []ConsumerData
}

// Describe implements Describer.
func (h *HeartbeatData) Describe(b []byte) []byte {
	b = append(b, "client="...)
	b = append(b, h.ClientID...)
	for _, g := range h.ProducerGroups {
		b = append(b, " producer="...)
		b = append(b, g...)
	}
	for _, c := range h.ConsumerDatas {
		b = append(b, " consumer="...)
		b = append(b, c.GroupName...)
		for _, s := range c.Subscriptions {
			b = append(b, ' ')
			b = append(b, s.Topic...)
			b = append(b, ':')
			b = append(b, s.SubString...)
		}
	}
	return b
}

// UnregisterClientRequest is UNREGISTER_CLIENT (UnregisterClientRequestHeader).
type UnregisterClientRequest struct {
	ClientID      string
	ProducerGroup string
	ConsumerGroup string
}

// Describe implements Describer.
func (r *UnregisterClientRequest) Describe(b []byte) []byte {
	s := len(b)
	b = appendStr(b, "client", r.ClientID)
	if r.ProducerGroup != "" {
		b = appendStr(b, "producer", r.ProducerGroup)
	}
	if r.ConsumerGroup != "" {
		b = appendStr(b, "consumer", r.ConsumerGroup)
	}
	return trimLead(b, s)
}

// GetConsumerListByGroupRequest is GET_CONSUMER_LIST_BY_GROUP (§2.8).
type GetConsumerListByGroupRequest struct {
	ConsumerGroup string
}

// Describe implements Describer.
func (r *GetConsumerListByGroupRequest) Describe(b []byte) []byte {
	return append(append(b, "group="...), r.ConsumerGroup...)
}

// ConsumerList is GET_CONSUMER_LIST_BY_GROUP's reply
// (GetConsumerListByGroupResponseBody.consumerIdList), sorted.
type ConsumerList struct {
	IDs []string
}

// Describe implements Describer.
func (c *ConsumerList) Describe(b []byte) []byte {
	b = append(b, "ids="...)
	for i, id := range c.IDs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, id...)
	}
	return b
}

// NotifyConsumerIdsChangedRequest is NOTIFY_CONSUMER_IDS_CHANGED, broker → client (§2.8).
type NotifyConsumerIdsChangedRequest struct {
	ConsumerGroup string
}

// Describe implements Describer.
func (r *NotifyConsumerIdsChangedRequest) Describe(b []byte) []byte {
	return append(append(b, "group="...), r.ConsumerGroup...)
}

// QueryConsumerOffsetRequest is QUERY_CONSUMER_OFFSET (§2.5).
type QueryConsumerOffsetRequest struct {
	ConsumerGroup string
	Topic         string
	QueueID       int
}

// Describe implements Describer.
func (r *QueryConsumerOffsetRequest) Describe(b []byte) []byte {
	return appendGroupQueue(b, r.ConsumerGroup, r.Topic, r.QueueID)
}

func appendGroupQueue(b []byte, group, topic string, queueID int) []byte {
	b = append(b, "group="...)
	b = append(b, group...)
	b = append(b, " topic="...)
	b = append(b, topic...)
	b = append(b, " queue="...)
	return strconv.AppendInt(b, int64(queueID), 10)
}

// QueryConsumerOffsetResponse is its reply (QueryConsumerOffsetResponseHeader).
type QueryConsumerOffsetResponse struct {
	Offset int64
}

// Describe implements Describer.
func (r *QueryConsumerOffsetResponse) Describe(b []byte) []byte {
	return strconv.AppendInt(append(b, "offset="...), r.Offset, 10)
}

// UpdateConsumerOffsetRequest is UPDATE_CONSUMER_OFFSET (§2.4, §5.7).
type UpdateConsumerOffsetRequest struct {
	ConsumerGroup string
	Topic         string
	QueueID       int
	CommitOffset  int64
}

// Describe implements Describer.
func (r *UpdateConsumerOffsetRequest) Describe(b []byte) []byte {
	b = appendGroupQueue(b, r.ConsumerGroup, r.Topic, r.QueueID)
	return strconv.AppendInt(append(b, " offset="...), r.CommitOffset, 10)
}

// QueueOffsetRequest is GET_MAX_OFFSET / GET_MIN_OFFSET
// (GetMaxOffsetRequestHeader, GetMinOffsetRequestHeader) and, with
// Timestamp, SEARCH_OFFSET_BY_TIMESTAMP (SearchOffsetRequestHeader).
type QueueOffsetRequest struct {
	Topic     string
	QueueID   int
	Timestamp sim.Time
}

// Describe implements Describer.
func (r *QueueOffsetRequest) Describe(b []byte) []byte {
	b = append(b, "topic="...)
	b = append(b, r.Topic...)
	b = append(b, " queue="...)
	b = strconv.AppendInt(b, int64(r.QueueID), 10)
	if r.Timestamp != 0 {
		b = append(b, " ts="...)
		b = r.Timestamp.AppendMillis(b)
	}
	return b
}

// QueueOffsetResponse is the offset those three requests return
// (GetMaxOffsetResponseHeader, GetMinOffsetResponseHeader,
// SearchOffsetResponseHeader).
type QueueOffsetResponse struct {
	Offset int64
}

// Describe implements Describer.
func (r *QueueOffsetResponse) Describe(b []byte) []byte {
	return strconv.AppendInt(append(b, "offset="...), r.Offset, 10)
}

// ConsumerSendMsgBackRequest is CONSUMER_SEND_MSG_BACK (§2.9, §5.6):
// Offset is the message's commit-log offset.
type ConsumerSendMsgBackRequest struct {
	Offset            int64
	Group             string
	DelayLevel        int
	OriginMsgID       string
	OriginTopic       string
	MaxReconsumeTimes int
}

// Describe implements Describer.
func (r *ConsumerSendMsgBackRequest) Describe(b []byte) []byte {
	s := len(b)
	b = appendStr(b, "group", r.Group)
	b = appendInt(b, "phyOffset", r.Offset)
	b = appendInt(b, "delay", int64(r.DelayLevel))
	b = appendStr(b, "origin", r.OriginMsgID)
	return trimLead(b, s)
}
