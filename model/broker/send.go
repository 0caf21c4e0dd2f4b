package broker

import (
	"strconv"

	"rmqsim/history"
	"rmqsim/model"
	"rmqsim/sim"
)

const applyTopicFAQ = "\nSee http://rocketmq.apache.org/docs/faq/ for further details."

// processSend runs SEND_MESSAGE and CONSUMER_SEND_MSG_BACK on the send
// thread; done frees the thread (after a topic creation's oneway
// registration, which registerBrokerAll's lock may delay).
func (b *Broker) processSend(ch *sim.End, in *sim.Inbound, req *model.Request, done func()) {
	reply := replyTo{in: in, done: done}
	if req.Code == model.ConsumerSendMsgBack {
		b.consumerSendMsgBack(req.Body.(*model.ConsumerSendMsgBackRequest), reply)
		return
	}
	b.sendMessage(req.Body.(*model.SendMessageRequest), reply)
}

// replyTo answers a request on the send thread: the response goes to the
// request's channel, then the thread is freed. It is a value passed down
// the send path, so a send costs no reply closure.
type replyTo struct {
	in   *sim.Inbound
	done func()
}

func (r replyTo) send(resp *model.Response) {
	r.in.Reply(resp)
	r.done()
}

// sendMessage is SendMessageProcessor.asyncSendMessage (§2.3, §2.4).
func (b *Broker) sendMessage(r *model.SendMessageRequest, reply replyTo) {
	tc, ok := b.topics.selectTopicConfig(r.Topic)
	created := false
	if !ok { // msgCheck → createTopicInSendMessageMethod (§2.3)
		tc, created, ok = b.topics.createTopicInSendMessageMethod(r.Topic, r.DefaultTopic, r.DefaultTopicQueueNums)
		if !ok && isRetryTopic(r.Topic) {
			tc, created = b.topics.createTopicInSendMessageBackMethod(r.Topic, 1, model.PermRead|model.PermWrite)
			ok = true
		}
		if !ok {
			reply.send(&model.Response{Code: model.TopicNotExist,
				Remark: "topic[" + r.Topic + "] not exist, apply first please!" + applyTopicFAQ})
			return
		}
	}
	if created {
		b.registerBrokerAll(true, func() { b.storeChecked(r, tc, reply) })
		return
	}
	b.storeChecked(r, tc, reply) // no closure on the common path
}

// storeChecked checks the queue id, then stores.
func (b *Broker) storeChecked(r *model.SendMessageRequest, tc model.TopicConfig, reply replyTo) {
	if resp := b.checkQueueID(r.QueueID, tc); resp != nil {
		reply.send(resp)
		return
	}
	b.storeSent(r, tc, reply)
}

func (b *Broker) checkQueueID(queueID int, tc model.TopicConfig) *model.Response {
	if queueID >= max(tc.WriteQueueNums, tc.ReadQueueNums) {
		return &model.Response{Code: model.SystemError,
			Remark: "request queueId[" + strconv.Itoa(queueID) + "] is illegal, topic:" + tc.TopicName}
	}
	return nil
}

// storeSent builds the stored message, handles %RETRY% → %DLQ%
// (handleRetryAndDLQ, §2.9), puts it and answers.
func (b *Broker) storeSent(r *model.SendMessageRequest, tc model.TopicConfig, reply replyTo) {
	queueID := r.QueueID
	if queueID < 0 {
		queueID = b.p.Rand().IntN(max(tc.WriteQueueNums, 1))
	}
	m := &model.MessageExt{Message: r.Msg, QueueID: queueID, BornTimestamp: r.BornTimestamp}
	m.Topic = r.Topic
	m.ReconsumeTimes = r.ReconsumeTimes
	if isRetryTopic(r.Topic) {
		group := r.Topic[len(RetryGroupTopicPrefix):]
		sgc, ok := b.groups.findSubscriptionGroupConfig(group)
		if !ok {
			reply.send(&model.Response{Code: model.SubscriptionGroupNotExist, Remark: "subscription group not exist, " + group})
			return
		}
		maxTimes := sgc.RetryMaxTimes
		if r.MaxReconsumeTimes > 0 {
			maxTimes = r.MaxReconsumeTimes
		}
		if r.ReconsumeTimes >= maxTimes {
			dlq := DLQGroupTopicPrefix + group
			if _, created := b.topics.createTopicInSendMessageBackMethod(dlq, 1, model.PermWrite); created {
				b.registerBrokerAll(true, func() {})
			}
			m.Topic, m.QueueID = dlq, 0
		}
	}
	propsLen := sentPropertiesLength(&r.Msg, r.WaitStoreMsgOK, b.env.Cluster.Name)
	propsLen += b.applyDelayLevel(m)
	st := b.store.putMessage(m, propsLen)
	if st != putOK {
		reply.send(putFailure(st))
		return
	}
	b.afterPut(m, "")
	b.stats.incTopicPutNums(m.Topic)
	b.answerPut(m, r.WaitStoreMsgOK, reply)
}

// applyDelayLevel is CommitLog.putMessage's delay handling: a message
// with a DELAY property goes to SCHEDULE_TOPIC_XXXX queue level-1 with
// REAL_TOPIC and REAL_QID added (§2.9). It returns the properties'
// added length.
func (b *Broker) applyDelayLevel(m *model.MessageExt) int {
	v, ok := m.Properties[PropertyDelayTimeLevel]
	if !ok {
		return 0
	}
	level, err := strconv.Atoi(v)
	if err != nil || level <= 0 {
		return 0
	}
	level = min(level, len(b.schedule.levels))
	props := make(map[string]string, len(m.Properties)+2)
	for k, x := range m.Properties {
		props[k] = x
	}
	props[PropertyRealTopic] = m.Topic
	props[PropertyRealQueueID] = strconv.Itoa(m.QueueID)
	m.Properties = props
	added := propertyLength(PropertyRealTopic, m.Topic) + propertyLength(PropertyRealQueueID, props[PropertyRealQueueID])
	m.Topic, m.QueueID = ScheduleTopic, level-1
	return added
}

// afterPut is what follows every master put: the Stored record, the
// long-polling wakeup, the HA writers, the schedule service.
func (b *Broker) afterPut(m *model.MessageExt, detail string) {
	b.record(history.Stored, m, detail)
	b.hold.notifyMessageArriving(m.Topic, m.QueueID, m.QueueOffset+1, true)
	if b.ha != nil {
		b.ha.onPut()
	}
	if m.Topic == ScheduleTopic {
		b.schedule.onPut(m.QueueID)
	}
}

// answerPut answers a stored send: at once, or, on a SYNC_MASTER with
// WAIT, when the slave has it (FLUSH_SLAVE_TIMEOUT after syncFlushTimeout,
// SLAVE_NOT_AVAILABLE without a slave in reach) (§2.4).
func (b *Broker) answerPut(m *model.MessageExt, wait bool, reply replyTo) {
	if b.role != RoleSyncMaster || !wait {
		reply.send(putResponse(m, model.Success))
		return
	}
	next := m.CommitLogOffset + int64(m.StoreSize)
	if !b.ha.isSlaveOK(next) {
		reply.send(putResponse(m, model.SlaveNotAvailable))
		return
	}
	b.store.flush.unacked[m.CommitLogOffset] = true
	b.ha.waitTransfer(next, func(st putStatus) {
		delete(b.store.flush.unacked, m.CommitLogOffset)
		if st == putOK {
			reply.send(putResponse(m, model.Success))
		} else {
			reply.send(putResponse(m, model.FlushSlaveTimeout))
		}
	})
}

// sendReply is a send's response and its header, allocated together:
// one object instead of two for every stored message.
type sendReply struct {
	resp model.Response
	body model.SendMessageResponse
}

// putResponse is the response to a stored send, built when it is sent.
func putResponse(m *model.MessageExt, code model.ResponseCode) *model.Response {
	x := &sendReply{body: model.SendMessageResponse{
		MsgID: m.OffsetMsgID, QueueID: m.QueueID, QueueOffset: m.QueueOffset,
		CommitLogOffset: m.CommitLogOffset, StoreSize: m.StoreSize, StoreTimestamp: m.StoreTimestamp}}
	x.resp = model.Response{Code: code, Body: &x.body}
	return &x.resp
}

// putFailure maps a failed put to SendMessageProcessor's reply.
func putFailure(st putStatus) *model.Response {
	switch st {
	case putMessageIllegal:
		return &model.Response{Code: model.MessageIllegal, Remark: "the message is illegal, maybe msg body or properties length not matched. msg body length limit 128k, msg properties length limit 32k."}
	default:
		return &model.Response{Code: model.ServiceNotAvailable, Remark: "service not available now. It may be caused by one of the following reasons: the broker's disk is full, messages are put to the slave, message store has been shut down, etc."}
	}
}

// consumerSendMsgBack is SendMessageProcessor.asyncConsumerSendMsgBack
// (§2.9): the consumed message, looked up by commit-log offset, is stored
// again for %RETRY%<group> through SCHEDULE_TOPIC_XXXX with delay level
// 3 + reconsumeTimes, or in %DLQ%<group> once reconsumeTimes reaches
// maxReconsumeTimes (16).
func (b *Broker) consumerSendMsgBack(r *model.ConsumerSendMsgBackRequest, reply replyTo) {
	sgc, ok := b.groups.findSubscriptionGroupConfig(r.Group)
	if !ok {
		reply.send(&model.Response{Code: model.SubscriptionGroupNotExist, Remark: "subscription group not exist, " + r.Group})
		return
	}
	if sgc.RetryQueueNums <= 0 {
		reply.send(&model.Response{Code: model.Success})
		return
	}
	retry := RetryGroupTopicPrefix + r.Group
	_, created := b.topics.createTopicInSendMessageBackMethod(retry, sgc.RetryQueueNums, model.PermRead|model.PermWrite)
	orig := b.store.lookMessageByOffset(r.Offset)
	if orig == nil {
		reply.send(&model.Response{Code: model.SystemError, Remark: "look message by offset failed, " + itoa(r.Offset)})
		return
	}
	m := b.retryCopy(orig, retry, b.p.Rand().IntN(sgc.RetryQueueNums))
	maxTimes := r.MaxReconsumeTimes
	if maxTimes <= 0 {
		maxTimes = sgc.RetryMaxTimes
	}
	delay := r.DelayLevel
	if orig.ReconsumeTimes >= maxTimes || delay < 0 {
		m.Topic, m.QueueID = DLQGroupTopicPrefix+r.Group, 0
		if _, c := b.topics.createTopicInSendMessageBackMethod(m.Topic, 1, model.PermWrite); c {
			created = true
		}
	} else {
		if delay == 0 {
			delay = 3 + orig.ReconsumeTimes
		}
		m.Properties[PropertyDelayTimeLevel] = strconv.Itoa(delay)
	}
	store := func() {
		propsLen := encodedPropertiesLength(&m.Message) + b.applyDelayLevel(m)
		if st := b.store.putMessage(m, propsLen); st != putOK {
			reply.send(&model.Response{Code: model.SystemError, Remark: st.String()})
			return
		}
		b.afterPut(m, "send-back of "+orig.OffsetMsgID)
		reply.send(&model.Response{Code: model.Success})
	}
	if created {
		b.registerBrokerAll(true, store)
		return
	}
	store()
}

// retryCopy builds the send-back message: the original's body, tags,
// keys and properties plus RETRY_TOPIC, WAIT=false, CLUSTER and
// ORIGIN_MESSAGE_ID, reconsumeTimes + 1.
func (b *Broker) retryCopy(orig *model.MessageExt, topic string, queueID int) *model.MessageExt {
	props := make(map[string]string, len(orig.Properties)+6)
	for k, v := range orig.Properties {
		props[k] = v
	}
	if _, ok := props[PropertyRetryTopic]; !ok {
		props[PropertyRetryTopic] = orig.Topic
	}
	if _, ok := props[PropertyCluster]; !ok {
		props[PropertyCluster] = b.env.Cluster.Name
	}
	props[PropertyWaitStoreMsgOK] = "false"
	if _, ok := props[PropertyOriginMessageID]; !ok {
		props[PropertyOriginMessageID] = orig.OffsetMsgID
	}
	m := &model.MessageExt{Message: orig.Message, QueueID: queueID, BornTimestamp: orig.BornTimestamp}
	m.Properties = props
	m.Topic = topic
	m.ReconsumeTimes = orig.ReconsumeTimes + 1
	return m
}
