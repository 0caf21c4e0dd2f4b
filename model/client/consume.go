package client

import (
	"strconv"

	"rmqsim/history"
	"rmqsim/model"
)

// submitConsumeRequest is ConsumeMessageConcurrentlyService's: one
// ConsumeRequest per message (consumeMessageBatchMaxSize 1) on the 20
// consume threads (§5.6); pq.mq is the ConsumeRequest's messageQueue.
func (pc *PushConsumer) submitConsumeRequest(msgs []*model.MessageExt, pq *ProcessQueue) {
	for _, m := range msgs {
		m := m
		pc.consumeExec.Submit("consume", func(done func()) { pc.consume(m, pq, done) })
	}
}

// consume is ConsumeRequest.run: a dropped queue's messages are skipped;
// the listener's result is discarded if the queue was dropped meanwhile
// (§5.6, §5.8).
func (pc *PushConsumer) consume(m *model.MessageExt, pq *ProcessQueue, done func()) {
	if pq.dropped || pc.state != running {
		done()
		return
	}
	pq.consumeStarted(m.QueueOffset, pc.c.p.Now())
	pc.c.record(history.Record{Kind: history.Deliver, Key: m.Body, MsgID: m.UniqKey, OffsetMsgID: m.OffsetMsgID,
		Group: pc.group, Topic: m.Topic, Broker: pq.mq.BrokerName, QueueID: pq.mq.QueueID, QueueOffset: m.QueueOffset,
		Attempt: m.ReconsumeTimes, Detail: pq.mq.Topic})
	pc.listener(m, func(status string) {
		if status != ConsumeSuccess {
			status = ReconsumeLater // null or an exception counts as RECONSUME_LATER
		}
		rec := history.Record{Kind: history.ConsumeResult, Key: m.Body, MsgID: m.UniqKey, Group: pc.group,
			Topic: m.Topic, Broker: pq.mq.BrokerName, QueueID: pq.mq.QueueID, QueueOffset: m.QueueOffset,
			Attempt: m.ReconsumeTimes, Status: status}
		if pq.dropped || pc.state != running {
			rec.Detail = "discarded: process queue dropped"
			pc.c.record(rec)
			done()
			return
		}
		pc.c.record(rec)
		pc.processConsumeResult(status, m, pq, done)
	})
}

// processConsumeResult (CLUSTERING): a failure is sent back to the broker;
// if that fails, the message stays in the ProcessQueue and is consumed
// again locally after 5 s. The offset committed in memory is the lowest
// still in flight, not updated if the queue was dropped (§5.6).
func (pc *PushConsumer) processConsumeResult(status string, m *model.MessageExt, pq *ProcessQueue, done func()) {
	if status == ConsumeSuccess || pc.cfg.MessageModel == "BROADCASTING" {
		pc.commitConsumed([]*model.MessageExt{m}, pq, done)
		return
	}
	pc.sendMessageBack(m, pq.mq, func(ok bool) {
		if ok {
			pc.commitConsumed([]*model.MessageExt{m}, pq, done)
			return
		}
		// msg.setReconsumeTimes(+1) on the cached message: the broker's
		// record is shared, so the cache gets a changed copy.
		cp := *m
		cp.ReconsumeTimes++
		pq.replace(&cp)
		pc.c.p.After(pc.cfg.ReconsumeLaterDelay, "", func() {
			pc.submitConsumeRequest([]*model.MessageExt{&cp}, pq)
		})
		pc.commitConsumed(nil, pq, done)
	})
}

// commitConsumed removes the consumed messages from the ProcessQueue and
// raises the in-memory offset to the lowest still cached (a method, not a
// closure, so that a success allocates nothing here).
func (pc *PushConsumer) commitConsumed(consumed []*model.MessageExt, pq *ProcessQueue, done func()) {
	off := pq.removeMessage(consumed)
	if off >= 0 && !pq.dropped {
		pc.offsets.updateOffset(pq.mq, off, true)
	}
	done()
}

// maxReconsumeTimes is getMaxReconsumeTimes: -1 means 16.
func (pc *PushConsumer) maxReconsumeTimes() int {
	if pc.cfg.MaxReconsumeTimes < 0 {
		return 16
	}
	return pc.cfg.MaxReconsumeTimes
}

// sendMessageBack is ConsumeMessageConcurrentlyService.sendMessageBack:
// DefaultMQPushConsumerImpl.sendMessageBack to the master of the queue's
// broker with delay level 0 (the broker makes it 3 + reconsumeTimes).
func (pc *PushConsumer) sendMessageBack(m *model.MessageExt, mq MessageQueue, cb func(ok bool)) {
	pc.sendMessageBackTo(pc.c.FindBrokerAddressInPublish(mq.BrokerName), m, 0, cb)
}

// sendMessageBackTo is DefaultMQPushConsumerImpl.sendMessageBack (§5.6):
// CONSUMER_SEND_MSG_BACK to addr (5000 ms); on any failure the inner
// producer sends a copy to %RETRY%<group> with delay level 3 +
// reconsumeTimes (it needs a cached route); ok is false when that fails
// too.
func (pc *PushConsumer) sendMessageBackTo(addr string, m *model.MessageExt, delayLevel int, cb func(ok bool)) {
	c := pc.c
	fallback := func() {
		props := make(map[string]string, len(m.Properties)+5)
		for k, v := range m.Properties {
			props[k] = v
		}
		if props[PropertyOriginMessageID] == "" {
			props[PropertyOriginMessageID] = m.OffsetMsgID
		}
		props[PropertyRetryTopic] = m.Topic
		props[PropertyReconsumeTime] = strconv.Itoa(m.ReconsumeTimes + 1)
		props[PropertyMaxReconsumeTimes] = strconv.Itoa(pc.maxReconsumeTimes())
		props[PropertyDelayTimeLevel] = strconv.Itoa(3 + m.ReconsumeTimes)
		msg := model.Message{Topic: RetryGroupTopicPrefix + pc.group, Tags: m.Tags, Keys: m.Keys, Body: m.Body,
			UniqKey: m.UniqKey, ReconsumeTimes: m.ReconsumeTimes + 1, Properties: props}
		c.inner.Send(msg, Sync, -1, func(_ *SendResult, ex *Exception) { cb(ex == nil) })
	}
	if addr == "" {
		fallback() // Java would invoke a null addr (the nameserver); it fails alike
		return
	}
	req := &model.Request{Code: model.ConsumerSendMsgBack, Body: &model.ConsumerSendMsgBackRequest{
		Offset: m.CommitLogOffset, Group: pc.group, DelayLevel: delayLevel, OriginMsgID: m.OffsetMsgID,
		OriginTopic: m.Topic, MaxReconsumeTimes: pc.maxReconsumeTimes()}}
	c.remoting.InvokeSync(addr, req, pc.cfg.SendBackTimeout, func(resp *model.Response, err error) {
		if err != nil || resp.Code != model.Success {
			fallback()
			return
		}
		cb(true)
	})
}
