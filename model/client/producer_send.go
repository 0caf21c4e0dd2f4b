package client

import (
	"strconv"
	"time"

	"rmqsim/history"
	"rmqsim/model"
	"rmqsim/sim"
)

// sendKernelImpl sends attempt a to its queue's master (§4.2). Without a
// master addr it looks the route up again (a nameserver call; its
// IllegalStateException escapes the retry loop); still none: "The
// broker[x] not exist". For Async, a.done(nil, nil) means the request was
// written and the SendCallback will run later.
func (p *Producer) sendKernelImpl(a *sendAttempt, timeout time.Duration) {
	begin := p.c.p.Now()
	if addr := p.c.FindBrokerAddressInPublish(a.mq.BrokerName); addr != "" {
		p.sendTo(a, addr, begin, timeout)
		return
	}
	p.tryToFindTopicPublishInfo(a.mq.Topic, func(_ *TopicPublishInfo, _ bool, ise *Exception) {
		if ise != nil {
			a.done(nil, ise)
			return
		}
		addr := p.c.FindBrokerAddressInPublish(a.mq.BrokerName)
		if addr == "" {
			a.done(nil, brokerNotExist(a.mq.BrokerName))
			return
		}
		p.sendTo(a, addr, begin, timeout)
	})
}

// sendTo stamps the UNIQ_KEY (once per message, so retries keep it),
// builds SEND_MESSAGE and invokes it in the call's mode.
func (p *Producer) sendTo(a *sendAttempt, addr string, begin sim.Time, timeout time.Duration) {
	s := a.s
	if s.msg.UniqKey == "" {
		s.msg.UniqKey = p.c.ids.createUniqID(p.c.p.Now())
	}
	a.addr = addr
	a.body = p.sendHeader(s, a.mq)
	a.req = model.Request{Code: model.SendMessage, Body: &a.body}
	cost := p.c.p.Now().Sub(begin).Milliseconds()
	if timeout.Milliseconds() < cost {
		a.done(nil, &Exception{Class: ClassRemotingTooMuchRequest, Msg: "sendKernelImpl call timeout"})
		return
	}
	left := timeout - time.Duration(cost)*time.Millisecond
	switch s.mode {
	case Sync:
		// a is the callback object: a method value would be a closure
		// allocated per attempt.
		p.c.remoting.InvokeSyncIn(&a.inv, addr, &a.req, left, a)
	case Oneway:
		p.c.remoting.InvokeOnewayTo(addr, &a.req, a)
	case Async:
		p.sendMessageAsync(s, a.mq, addr, &a.req, left, a.thrown)
	}
}

// Response is a sync attempt's reply or remoting failure.
func (a *sendAttempt) Response(resp *model.Response, err error) {
	p := a.s.p
	if err != nil {
		a.done(nil, p.c.remotingException(err))
		return
	}
	a.done(p.processSendResponse(a.s, a.mq.BrokerName, a.addr, resp, &a.result))
}

// Written ends a oneway attempt: written, or the connect/send error.
func (a *sendAttempt) Written(err error) {
	if err != nil {
		a.done(nil, a.s.p.c.remotingException(err))
		return
	}
	a.result = SendResult{Status: StatusOneway, MsgID: a.s.msg.UniqKey, Queue: a.mq}
	a.done(&a.result, nil)
}

// thrown is what an async attempt's invoke throws on the sending thread.
func (a *sendAttempt) thrown(ex *Exception) { a.done(nil, ex) }

// sendRequest is SEND_MESSAGE of s to mq (the Go client's attempts).
func (p *Producer) sendRequest(s *sendCall, mq MessageQueue) *model.Request {
	h := p.sendHeader(s, mq)
	return &model.Request{Code: model.SendMessage, Body: &h}
}

// sendHeader is SEND_MESSAGE's header (SendMessageRequestHeader).
func (p *Producer) sendHeader(s *sendCall, mq MessageQueue) model.SendMessageRequest {
	return model.SendMessageRequest{
		ProducerGroup: p.group, Topic: s.msg.Topic, DefaultTopic: p.cfg.CreateTopicKey,
		DefaultTopicQueueNums: p.cfg.DefaultTopicQueueNums, QueueID: mq.QueueID,
		BornTimestamp: p.c.p.Now(), WaitStoreMsgOK: true, ReconsumeTimes: s.msg.ReconsumeTimes,
		MaxReconsumeTimes: p.c.cfg.Broker.RetryMaxTimes, Msg: s.msg, BornHost: p.c.ip,
	}
}

// processSendResponse maps the broker's code to a SendStatus, or throws
// MQBrokerException for any other code (MQClientAPIImpl). The result is
// made in r when it is not nil (an attempt's own), else allocated.
func (p *Producer) processSendResponse(s *sendCall, brokerName, addr string, resp *model.Response, r *SendResult) (*SendResult, *Exception) {
	var status string
	switch resp.Code {
	case model.Success:
		status = StatusSendOK
	case model.FlushDiskTimeout:
		status = StatusFlushDiskTimeout
	case model.FlushSlaveTimeout:
		status = StatusFlushSlaveTimeout
	case model.SlaveNotAvailable:
		status = StatusSlaveNotAvailable
	default:
		return nil, newMQBrokerException(resp.Code, resp.Remark, p.c.javaAddrs(addr))
	}
	h := resp.Body.(*model.SendMessageResponse)
	if r == nil {
		r = new(SendResult)
	}
	*r = SendResult{Status: status, MsgID: s.msg.UniqKey, OffsetMsgID: h.MsgID,
		Queue: MessageQueue{Topic: s.msg.Topic, BrokerName: brokerName, QueueID: h.QueueID}, QueueOffset: h.QueueOffset}
	return r, nil
}

// sendMessageAsync is MQClientAPIImpl.sendMessageAsync (§4.4): thrown is
// what the call throws on the sending thread (a connect failure; nil once
// written). The reply goes to the SendCallback; a missing reply (send
// failure, timeout) is retried by onExceptionImpl, an error reply is not.
func (p *Producer) sendMessageAsync(s *sendCall, mq MessageQueue, addr string, req *model.Request, timeout time.Duration, thrown func(*Exception)) {
	begin := p.c.p.Now()
	p.c.remoting.InvokeAsync(addr, req, timeout, func(err error) {
		if err != nil {
			thrown(p.c.remotingException(err))
			return
		}
		thrown(nil)
	}, func(resp *model.Response, err error) {
		cost := p.c.p.Now().Sub(begin)
		left := timeout - cost.Truncate(time.Millisecond)
		if err == nil {
			r, ex := p.processSendResponse(s, mq.BrokerName, addr, resp, nil)
			if ex == nil {
				p.fault.updateFaultItem(p.c.p.Now(), mq.BrokerName, cost, false)
				s.completed(r, nil)
				return
			}
			p.fault.updateFaultItem(p.c.p.Now(), mq.BrokerName, cost, true)
			p.onExceptionImpl(s, mq, req, left, ex, false)
			return
		}
		p.fault.updateFaultItem(p.c.p.Now(), mq.BrokerName, cost, true)
		cause := p.c.remotingException(err)
		msg := "send request failed"
		if cause.Class == ClassRemotingTimeout {
			msg = "wait response timeout " + strconv.FormatInt(timeout.Milliseconds(), 10) + "ms"
		}
		p.onExceptionImpl(s, mq, req, left, newMQClientException(msg, cause), true)
	})
}

// onExceptionImpl: up to retryTimesWhenSendAsyncFailed more attempts on
// another broker within the remaining time when no reply came; otherwise
// the SendCallback's onException (§4.4).
func (p *Producer) onExceptionImpl(s *sendCall, mq MessageQueue, req *model.Request, timeout time.Duration, ex *Exception, needRetry bool) {
	p.recordAttemptFail(s, mq, ex)
	s.asyncTimes++
	if !needRetry || s.asyncTimes > p.cfg.RetryTimesWhenSendAsyncFailed {
		s.completed(nil, ex)
		return
	}
	next := p.fault.selectOneMessageQueue(p.c, s.info, mq.BrokerName)
	addr := p.c.FindBrokerAddressInPublish(next.BrokerName)
	body := *req.Body.(*model.SendMessageRequest)
	body.QueueID = next.QueueID
	retry := &model.Request{Code: req.Code, Body: &body}
	s.times++
	p.recordAttempt(s, next)
	if addr == "" {
		// Java would invoke a null addr, i.e. the nameserver channel; the
		// model treats it as the connect failure it amounts to.
		p.onExceptionImpl(s, next, retry, timeout, &Exception{Class: ClassRemotingConnect, Msg: "connect to null failed"}, true)
		return
	}
	p.sendMessageAsync(s, next, addr, retry, timeout, func(e1 *Exception) {
		if e1 == nil {
			return
		}
		p.fault.updateFaultItem(p.c.p.Now(), mq.BrokerName, 3*time.Second, true)
		p.onExceptionImpl(s, next, retry, timeout, e1, e1.Class != ClassRemotingTooMuchRequest)
	})
}

// recordAttempt writes SendAttempt: RouteAge is how long ago a
// nameserver last confirmed the cached route (-1: fetched by this send),
// NameServer where it came from.
func (p *Producer) recordAttempt(s *sendCall, mq MessageQueue) {
	s.attempts++
	if !p.records {
		return
	}
	rec := history.Record{Kind: history.SendAttempt, Key: s.msg.Body, Index: s.index, Topic: mq.Topic,
		Group: p.group, Broker: mq.BrokerName, QueueID: mq.QueueID, Attempt: s.attempts, MsgID: s.msg.UniqKey,
		RouteAge: -1}
	if e := p.c.routes[s.msg.Topic]; e != nil {
		rec.NameServer = e.nameServer
		if !s.fetched {
			rec.RouteAge = p.c.p.Now().Sub(e.confirmedAt)
		}
	}
	if b := p.c.FindBrokerAddressInPublish(mq.BrokerName); b != "" {
		rec.BrokerAddr = b
	}
	p.c.record(rec)
}

func (p *Producer) recordAttemptFail(s *sendCall, mq MessageQueue, ex *Exception) {
	if !p.records {
		return
	}
	p.c.record(history.Record{Kind: history.SendAttemptFail, Key: s.msg.Body, Index: s.index, Topic: mq.Topic,
		Group: p.group, Broker: mq.BrokerName, QueueID: mq.QueueID, Attempt: s.attempts, MsgID: s.msg.UniqKey,
		Err: ex.String()})
}

// recordReturn writes SendReturn: the result's status and coordinates,
// or the exception as Java prints it; Attempt is the number of attempts
// made (0 when no broker was tried).
func (p *Producer) recordReturn(s *sendCall, r *SendResult, ex *Exception) {
	if !p.records {
		return
	}
	rec := history.Record{Kind: history.SendReturn, Key: s.msg.Body, Index: s.index, Topic: s.msg.Topic,
		Group: p.group, MsgID: s.msg.UniqKey, Attempt: s.attempts}
	if ex != nil {
		rec.Err = ex.String()
	} else if r != nil {
		rec.Status, rec.MsgID, rec.OffsetMsgID = r.Status, r.MsgID, r.OffsetMsgID
		rec.Broker, rec.QueueID, rec.QueueOffset = r.Queue.BrokerName, r.Queue.QueueID, r.QueueOffset
	}
	p.c.record(rec)
}
