package client

import (
	"strings"
	"time"

	"rmqsim/history"
	"rmqsim/model"
	"rmqsim/sim"
)

// pullRequest is PullRequest: one assigned queue's pull cursor.
type pullRequest struct {
	mq         MessageQueue
	pq         *ProcessQueue
	nextOffset int64
	// pull is the pull thread's task for this request, made once: it is
	// submitted again after every response.
	pull func(done func())
}

// Pull statuses (PullStatus).
const (
	PullFound         = "FOUND"
	PullNoNewMsg      = "NO_NEW_MSG"
	PullNoMatchedMsg  = "NO_MATCHED_MSG"
	PullOffsetIllegal = "OFFSET_ILLEGAL"
)

// executePullRequestImmediately queues the request on the PullMessageService
// thread (Java) or starts its own goroutine (Go, §8).
func (pc *PushConsumer) executePullRequestImmediately(pr *pullRequest) {
	if pc.c.goClient {
		pc.c.p.After(0, "", func() { pc.pullMessage(pr, func() {}) })
		return
	}
	if pr.pull == nil {
		pr.pull = func(done func()) { pc.pullMessage(pr, done) }
	}
	pc.c.pullService.Submit("pullMessage", pr.pull)
}

func (pc *PushConsumer) executePullRequestLater(pr *pullRequest, d time.Duration) {
	pc.executePullRequestLaterNamed(pr, d, "")
}

// executePullRequestLaterNamed is executePullRequestLater with a traced
// timer name (flow control is rare and worth seeing in a trace).
func (pc *PushConsumer) executePullRequestLaterNamed(pr *pullRequest, d time.Duration, name string) {
	pc.c.p.After(d, name, func() {
		if pc.state == running {
			pc.executePullRequestImmediately(pr)
		}
	})
}

// delays are the pull loop's waits: Java §5.5, Go §8.
func (pc *PushConsumer) exceptionDelay() time.Duration {
	if pc.c.goClient {
		return pc.c.cfg.GoClient.PullErrorDelay
	}
	return pc.c.cfg.Client.PullTimeDelayMillsWhenException
}

// pullMessage is DefaultMQPushConsumerImpl.pullMessage (§5.5). done
// releases the pull thread: it is held only until the request is written
// (the connect runs on it).
func (pc *PushConsumer) pullMessage(pr *pullRequest, done func()) {
	pq := pr.pq
	if pq.dropped {
		done()
		return
	}
	pq.lastPull = pc.c.p.Now()
	if pc.state != running {
		pc.executePullRequestLater(pr, pc.exceptionDelay())
		done()
		return
	}
	count, size, span := pc.cfg.PullThresholdForQueue, pc.cfg.PullThresholdSizeForQueue, pc.cfg.ConsumeConcurrentlyMaxSpan
	if pc.c.goClient {
		g := pc.c.cfg.GoClient
		count, size, span = g.PullThresholdForQueue, g.PullThresholdSizeForQueue, g.ConsumeConcurrentlyMaxSpan
	}
	if pq.Count() > count || pq.msgSize>>20 > size>>20 || pq.maxSpan() > span {
		pc.executePullRequestLaterNamed(pr, pc.cfg.PullTimeDelayWhenFlowControl, "pullFlowControl")
		done()
		return
	}
	sub := pc.subscriptions[pr.mq.Topic]
	if sub == nil {
		pc.executePullRequestLater(pr, pc.exceptionDelay())
		done()
		return
	}
	commitOffset := pc.offsets.readMemory(pr.mq)
	pc.pullKernelImpl(pr, commitOffset, done)
}

// pullKernelImpl picks the broker (the suggested id, master by default;
// any entry if absent, i.e. the slave), refreshing the route from a
// nameserver once if the broker is unknown, and sends PULL_MESSAGE
// asynchronously: hold 15 s, timeout 30 s (Go: 20 s / 30 s). A slave never
// gets the commit flag (§2.4).
func (pc *PushConsumer) pullKernelImpl(pr *pullRequest, commitOffset int64, done func()) {
	c := pc.c
	id := pc.pullFromWhich[pr.mq]
	if addr, slave, ok := c.FindBrokerAddressInSubscribe(pr.mq.BrokerName, id, false); ok {
		pc.sendPull(pr, commitOffset, done, addr, slave)
		return
	}
	c.updateTopicRoute(pr.mq.Topic, nil, func(_ bool, ise *Exception) {
		addr, slave, ok := c.FindBrokerAddressInSubscribe(pr.mq.BrokerName, id, false)
		if ise != nil || !ok {
			text := brokerNotExist(pr.mq.BrokerName).String()
			if ise != nil {
				text = ise.String()
			}
			pc.recordPull(pr, "", c.p.Now(), "", text, nil)
			pc.pullFailed(pr, done)
			return
		}
		pc.sendPull(pr, commitOffset, done, addr, slave)
	})
}

// pullFailed retries the pull after the exception delay and releases the
// pull thread.
func (pc *PushConsumer) pullFailed(pr *pullRequest, done func()) {
	pc.executePullRequestLater(pr, pc.exceptionDelay())
	done()
}

// pullCall is one PULL_MESSAGE in flight: what its Sent and Response
// callbacks share, and the request itself, in one allocation. (As
// closures, each callback, the request, its header and the shared start
// time were allocated apart, ~8 % of a field run's bytes.) It is the
// call's model.AsyncCallback itself: passed as call.sent, call.response
// method values, it cost two closures more a pull. The commit offset and
// flag are read back from the header (which nothing changes).
type pullCall struct {
	pc    *PushConsumer
	pr    *pullRequest
	done  func()
	addr  string
	start sim.Time // when the request was written
	req   model.Request
	body  model.PullMessageRequest
	inv   model.Invocation // the call's remoting state, allocated with it
}

// sendPull builds PULL_MESSAGE for pr and invokes it on addr.
func (pc *PushConsumer) sendPull(pr *pullRequest, commitOffset int64, done func(), addr string, slave bool) {
	c := pc.c
	flag := model.PullFlagSuspend
	if commitOffset > 0 && !slave {
		flag |= model.PullFlagCommitOffset
	}
	hold, timeout := pc.cfg.BrokerSuspendMaxTime, pc.cfg.ConsumerTimeoutWhenSuspend
	if c.goClient {
		hold, timeout = c.cfg.GoClient.BrokerHold, c.cfg.GoClient.PullTimeout
	}
	call := &pullCall{pc: pc, pr: pr, done: done, addr: addr}
	call.body = model.PullMessageRequest{
		ConsumerGroup: pc.group, Topic: pr.mq.Topic, QueueID: pr.mq.QueueID, QueueOffset: pr.nextOffset,
		MaxMsgNums: pc.cfg.PullBatchSize, SysFlag: flag, CommitOffset: commitOffset, SuspendTimeout: hold,
		SubVersion: 0}
	call.req = model.Request{Code: model.PullMessage, Body: &call.body}
	c.remoting.InvokeAsyncIn(&call.inv, addr, &call.req, timeout, call)
}

// Sent is told the connect's outcome: written (the pull thread is
// released) or failed (retried after the exception delay).
func (call *pullCall) Sent(err error) {
	pc, pr, c := call.pc, call.pr, call.pc.c
	if err != nil {
		pc.recordPull(pr, call.addr, c.p.Now(), "", c.remotingException(err).String(), nil)
		pc.pullFailed(pr, call.done)
		return
	}
	call.start = c.p.Now()
	if call.body.SysFlag&model.PullFlagCommitOffset != 0 {
		c.record(history.Record{Kind: history.OffsetCommit, Group: pc.group, Topic: pr.mq.Topic,
			Broker: pr.mq.BrokerName, BrokerAddr: call.addr, QueueID: pr.mq.QueueID, Offset: call.body.CommitOffset, Detail: "pull"})
	}
	call.done()
}

// Response gets the broker's answer, a send failure or a timeout.
func (call *pullCall) Response(resp *model.Response, err error) {
	pc, pr := call.pc, call.pr
	if err != nil {
		pc.recordPull(pr, call.addr, call.start, "", pc.c.remotingException(err).String(), nil)
		pc.executePullRequestLater(pr, pc.exceptionDelay())
		return
	}
	pc.onPullResponse(pr, call.addr, call.start, resp)
}

// onPullResponse is the PullCallback (§5.5): FOUND and NO_NEW_MSG pull
// again at once, OFFSET_ILLEGAL drops the queue and fixes the offset
// after 10 s, a broker error code is an exception (retry after 1 s).
func (pc *PushConsumer) onPullResponse(pr *pullRequest, addr string, start sim.Time, resp *model.Response) {
	var status string
	switch resp.Code {
	case model.Success:
		status = PullFound
	case model.PullNotFound:
		status = PullNoNewMsg
	case model.PullRetryImmediately:
		status = PullNoMatchedMsg
	case model.PullOffsetMoved:
		status = PullOffsetIllegal
	default:
		ex := newMQBrokerException(resp.Code, resp.Remark, pc.c.javaAddrs(addr))
		pc.recordPull(pr, addr, start, "", ex.String(), nil)
		pc.executePullRequestLater(pr, pc.exceptionDelay())
		return
	}
	body := resp.Body.(*model.PullMessageResponse)
	pc.pullFromWhich[pr.mq] = body.SuggestWhichBrokerID
	var found []*model.MessageExt
	if status == PullFound {
		found = pc.filterMessages(pr.mq.Topic, body.Msgs)
	}
	pc.recordPull(pr, addr, start, status, "", body)
	if pr.pq.dropped && status != PullOffsetIllegal {
		return // PullMessageService would see it dropped and stop
	}
	switch status {
	case PullFound:
		pr.nextOffset = body.NextBeginOffset
		if len(found) > 0 {
			pr.pq.putMessage(found)
			pc.submitConsumeRequest(found, pr.pq)
		}
		pc.executePullRequestImmediately(pr)
	case PullNoNewMsg, PullNoMatchedMsg:
		pr.nextOffset = body.NextBeginOffset
		if pr.pq.Count() == 0 { // correctTagsOffset
			pc.offsets.updateOffset(pr.mq, pr.nextOffset, true)
		}
		pc.executePullRequestImmediately(pr)
	case PullOffsetIllegal:
		pr.nextOffset = body.NextBeginOffset
		pr.pq.dropped = true
		pc.c.p.After(pc.cfg.OffsetIllegalDelay, "", func() {
			pc.offsets.updateOffset(pr.mq, pr.nextOffset, false)
			pc.offsets.persist(pr.mq, "offset-illegal", func() {
				// rebalanceImpl.removeProcessQueue: removeUnnecessaryMessageQueue
				// persists again and forgets the offset.
				if pc.processQueues[pr.mq] != pr.pq {
					return
				}
				delete(pc.processQueues, pr.mq)
				pc.offsets.persist(pr.mq, "remove", func() { pc.offsets.removeOffset(pr.mq) })
			})
		})
	}
}

// filterMessages is processPullResult's client-side tag filter, with a
// %RETRY% message's topic restored from RETRY_TOPIC
// (resetRetryAndNamespace). Messages are the broker's records, shared and
// read only: only a message whose topic changes is copied (and a listener
// must not change the message it gets). When every message is kept as it
// is, msgs itself is returned (the caller only reads it), so the common
// pull allocates no new slice.
func (pc *PushConsumer) filterMessages(topic string, msgs []*model.MessageExt) []*model.MessageExt {
	sub := pc.subscriptions[topic]
	var out []*model.MessageExt // made at the first message dropped or copied
	for i, m := range msgs {
		drop := sub != nil && len(sub.Tags) > 0 && !containsTag(sub.Tags, m.Tags)
		rt := ""
		if !drop {
			if rt = m.Properties[PropertyRetryTopic]; !strings.HasPrefix(m.Topic, RetryGroupTopicPrefix) {
				rt = ""
			}
		}
		if out == nil {
			if !drop && rt == "" {
				continue
			}
			out = make([]*model.MessageExt, 0, len(msgs))
			out = append(out, msgs[:i]...)
		}
		if drop {
			continue
		}
		if rt != "" {
			cp := *m
			cp.Topic = rt
			m = &cp
		}
		out = append(out, m)
	}
	if out == nil {
		return msgs
	}
	return out
}

func containsTag(tags []string, tag string) bool {
	for _, t := range tags {
		if t == tag {
			return true
		}
	}
	return false
}

// refSlabLen is how many MsgRefs one refSlab array holds.
const refSlabLen = 128

// msgRefs returns an empty slice of capacity n for a Pull record's Msgs,
// cut from refSlab when n is small: the history keeps the slice and never
// changes it, and its capacity is n, so appending past it copies and no
// two records share a cell. One allocation serves many pulls.
func (pc *PushConsumer) msgRefs(n int) []history.MsgRef {
	if n > refSlabLen/4 {
		return make([]history.MsgRef, 0, n)
	}
	if len(pc.refSlab) < n {
		pc.refSlab = make([]history.MsgRef, refSlabLen)
	}
	b := pc.refSlab[:0:n]
	pc.refSlab = pc.refSlab[n:]
	return b
}

// recordPull writes history.Pull: Start is when the request was written.
func (pc *PushConsumer) recordPull(pr *pullRequest, addr string, start sim.Time, status, errText string, body *model.PullMessageResponse) {
	rec := history.Record{Kind: history.Pull, Start: start.Duration(), Group: pc.group, Topic: pr.mq.Topic,
		Broker: pr.mq.BrokerName, BrokerAddr: addr, QueueID: pr.mq.QueueID, QueueOffset: pr.nextOffset,
		Status: status, Err: errText}
	if body != nil {
		rec.NextOffset = body.NextBeginOffset
		if len(body.Msgs) > 0 { // nil when none, as before
			rec.Msgs = pc.msgRefs(len(body.Msgs))
		}
		for _, m := range body.Msgs {
			rec.Msgs = append(rec.Msgs, history.MsgRef{Offset: m.QueueOffset, Key: m.Body})
		}
	}
	pc.c.record(rec)
}
