package broker

import (
	"strconv"

	"rmqsim/model"
)

// processAdmin is AdminBrokerProcessor for the requests the clients and
// the dashboard use (§5.4, §7) and the slave synchronisation (§2.4).
func (b *Broker) processAdmin(req *model.Request) *model.Response {
	ok := func(body any) *model.Response { return &model.Response{Code: model.Success, Body: body} }
	switch req.Code {
	case model.GetMaxOffset:
		r := req.Body.(*model.QueueOffsetRequest)
		return ok(&model.QueueOffsetResponse{Offset: b.store.maxOffsetInQueue(r.Topic, r.QueueID)})
	case model.GetMinOffset:
		r := req.Body.(*model.QueueOffsetRequest)
		return ok(&model.QueueOffsetResponse{Offset: b.store.minOffsetInQueue(r.Topic, r.QueueID)})
	case model.SearchOffsetByTimestamp:
		r := req.Body.(*model.QueueOffsetRequest)
		return ok(&model.QueueOffsetResponse{Offset: b.store.offsetInQueueByTime(r.Topic, r.QueueID, r.Timestamp)})
	case model.GetBrokerRuntimeInfo:
		return ok(b.runtimeInfo())
	case model.GetTopicStatsInfo:
		return b.topicStats(req.Body.(*model.GetTopicStatsInfoRequest).Topic)
	case model.GetConsumeStats:
		return ok(b.consumeStats(req.Body.(*model.GetConsumeStatsRequest)))
	case model.GetAllTopicConfig:
		return ok(&model.TopicConfigSerializeWrapper{TopicConfigTable: b.topics.sorted(), DataVersion: b.topics.dataVersion})
	case model.GetAllConsumerOffset:
		return ok(&model.ConsumerOffsetSerializeWrapper{OffsetTable: b.offsets.snapshot()})
	case model.GetAllDelayOffset:
		return ok(&model.DelayOffsetSerializeWrapper{OffsetTable: b.schedule.snapshot()})
	case model.ViewBrokerStatsData:
		return b.stats.viewBrokerStatsData(req.Body.(*model.ViewBrokerStatsDataRequest))
	case model.QueryTopicConsumeByWho:
		return ok(b.queryTopicConsumeByWho(req.Body.(*model.QueryTopicConsumeByWhoRequest).Topic))
	case model.GetAllSubscriptionGroupConfig:
		return ok(&model.SubscriptionGroupWrapper{SubscriptionGroupTable: b.groups.sorted(), DataVersion: b.groups.dataVersion})
	}
	return &model.Response{Code: model.RequestCodeNotSupported,
		Remark: " request type " + strconv.Itoa(int(req.Code)) + " not supported"}
}

// runtimeInfo is BrokerController.getRuntimeInfo's counters: in-memory,
// so they restart from 0 with the broker (§7). Now is StoreStatsService's
// putMessageTimesTotal (every put on a master, every dispatched record on
// a slave) and getMessageTransferedMsgCount (every message any
// getMessage returned); Morning is BrokerStats' copy at the last
// midnight, 0 before the first (stats.go).
func (b *Broker) runtimeInfo() *model.BrokerRuntimeInfo {
	return &model.BrokerRuntimeInfo{
		BrokerName: b.group.BrokerName, BrokerID: b.brokerID,
		MsgPutTotalTodayNow: b.store.putMessageTimesTotal, MsgGetTotalTodayNow: b.store.getMessageTransferedMsgCount,
		MsgPutTotalTodayMorning: b.stats.morningPut, MsgGetTotalTodayMorning: b.stats.morningGet,
		CommitLogMaxOffset: b.store.maxOffset,
	}
}

// topicStats is getTopicStatsInfo: min and max offset of each write queue.
func (b *Broker) topicStats(topic string) *model.Response {
	tc, ok := b.topics.selectTopicConfig(topic)
	if !ok {
		return &model.Response{Code: model.TopicNotExist, Remark: "topic[" + topic + "] not exist"}
	}
	t := &model.TopicStatsTable{}
	for i := 0; i < tc.WriteQueueNums; i++ {
		o := model.TopicOffset{BrokerName: b.group.BrokerName, QueueID: i,
			MinOffset: b.store.minOffsetInQueue(topic, i), MaxOffset: b.store.maxOffsetInQueue(topic, i)}
		if o.MaxOffset > 0 {
			o.LastUpdateTimestamp = b.store.queue(topic, i)[o.MaxOffset-1].StoreTimestamp
		}
		t.Offsets = append(t.Offsets, o)
	}
	return &model.Response{Code: model.Success, Body: t}
}

// consumeStats is getConsumeStats: per queue the broker's max offset and
// the group's committed offset (0 when none).
func (b *Broker) consumeStats(r *model.GetConsumeStatsRequest) *model.ConsumeStats {
	topics := []string{r.Topic}
	if r.Topic == "" {
		topics = b.offsets.topicsOf(r.ConsumerGroup)
	}
	cs := &model.ConsumeStats{}
	for _, topic := range topics {
		tc, ok := b.topics.selectTopicConfig(topic)
		if !ok {
			continue
		}
		for i := 0; i < tc.ReadQueueNums; i++ {
			o := model.OffsetWrapper{BrokerName: b.group.BrokerName, Topic: topic, QueueID: i,
				BrokerOffset: b.store.maxOffsetInQueue(topic, i)}
			if off, ok := b.offsets.queryOffset(r.ConsumerGroup, topic, i); ok && off > 0 {
				o.ConsumerOffset = off
				if q := b.store.queue(topic, i); off <= int64(len(q)) {
					o.LastTimestamp = q[off-1].StoreTimestamp
				}
			}
			cs.Offsets = append(cs.Offsets, o)
		}
	}
	return cs
}
