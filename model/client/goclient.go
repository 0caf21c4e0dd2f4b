package client

import (
	"strconv"

	"rmqsim/model"
)

// The go-2.1.2 profile (facts §8, apache/rocketmq-client-go v2.1.2):
// what differs from the Java client. Shared with Java: the route cache
// (kept on error, replaced by SUCCESS, publish info skipping brokers
// without a master), the offset store and the pull loop, with the Go
// values of their parameters.

// goSend is producer.sendSync / sendOneWay / sendAsync (§8): 1+RetryTimes
// attempts for sync and oneway, each with its own SendMsgTimeout (no
// shared budget), each looking the route up again; retries on transport
// errors and codes 17, 14, 1, 16; async sends are never retried. A bug
// of v2.1.2 is kept: the retry loop shadows mq, so a retry never avoids
// the last broker.
func (p *Producer) goSend(s *sendCall, finish func(*SendResult, *Exception)) {
	total := 1
	if s.mode != Async {
		total += p.c.cfg.GoClient.RetryTimes
	}
	var lastErr *Exception
	var try func(i int)
	try = func(i int) {
		if i == total {
			finish(nil, lastErr)
			return
		}
		s.times = i
		p.goSelectMessageQueue(s.msg.Topic, func(mq *MessageQueue, fetched bool) {
			s.fetched = fetched
			if mq == nil {
				lastErr = newGoError("the topic="+s.msg.Topic+" route info not found", nil)
				if s.mode == Async {
					finish(nil, lastErr)
					return
				}
				try(i + 1)
				return
			}
			addr := p.c.FindBrokerAddressInPublish(mq.BrokerName)
			if addr == "" {
				finish(nil, newGoError("topic="+mq.Topic+" route info not found", nil))
				return
			}
			if s.msg.UniqKey == "" {
				s.msg.UniqKey = p.c.ids.createUniqID(p.c.p.Now())
			}
			p.recordAttempt(s, *mq)
			p.goInvoke(s, *mq, addr, func(r *SendResult, ex *Exception, retry bool) {
				if ex == nil {
					finish(r, nil)
					return
				}
				p.recordAttemptFail(s, *mq, ex)
				lastErr = ex
				if !retry || s.mode == Async || i == total-1 {
					finish(nil, ex)
					return
				}
				try(i + 1)
			})
		})
	}
	try(0)
}

// goInvoke sends one attempt: retry says the failure is retried
// (transport error or needRetryCode).
func (p *Producer) goInvoke(s *sendCall, mq MessageQueue, addr string, cb func(*SendResult, *Exception, bool)) {
	req := p.sendRequest(s, mq)
	timeout := p.cfg.SendMsgTimeout
	if s.mode == Oneway {
		p.c.remoting.InvokeOneway(addr, req, func(err error) {
			if err != nil {
				cb(nil, newGoError(p.c.remotingException(err).Msg, nil), true)
				return
			}
			cb(&SendResult{Status: StatusOneway, MsgID: s.msg.UniqKey, Queue: mq}, nil, false)
		})
		return
	}
	p.c.remoting.InvokeSync(addr, req, timeout, func(resp *model.Response, err error) {
		if err != nil {
			cb(nil, newGoError(p.c.remotingException(err).Msg, nil), true)
			return
		}
		r, ex := p.processSendResponse(s, mq.BrokerName, addr, resp, nil)
		if ex != nil {
			ex = newGoError("CODE: "+strconv.Itoa(int(resp.Code))+"  DESC: "+resp.Remark, nil)
			cb(nil, ex, goRetryCode(resp.Code))
			return
		}
		cb(r, nil, false)
	})
}

// goRetryCode is producer.needRetryCode (§8).
func goRetryCode(code model.ResponseCode) bool {
	switch code {
	case model.TopicNotExist, model.ServiceNotAvailable, model.SystemError, model.NoPermission:
		return true
	}
	return false
}

// goSelectMessageQueue is selectMessageQueue: tryToFindTopicPublishInfo
// (the topic's route, else TBW102's; nothing cached on a transport error)
// and the round-robin selector, whose per-topic counter starts at 0 and
// is incremented before use.
func (p *Producer) goSelectMessageQueue(topic string, cb func(*MessageQueue, bool)) {
	pick := func(info *TopicPublishInfo, fetched bool) {
		if !info.ok() || !info.HaveRoute {
			cb(nil, fetched)
			return
		}
		p.goIndex[topic]++
		mq := info.Queues[int(p.goIndex[topic]%uint32(len(info.Queues)))]
		cb(&mq, fetched)
	}
	if info := p.publish[topic]; info != nil {
		pick(info, false)
		return
	}
	p.c.updateTopicRoute(topic, nil, func(bool, *Exception) {
		if info := p.publish[topic]; info != nil || p.c.lastRouteTransportErr {
			pick(info, true)
			return
		}
		p.c.updateTopicRoute(topic, p, func(bool, *Exception) { pick(p.publish[topic], true) })
	})
}

// goStart is pushConsumer.Start after the client started (§8): update
// every route; a subscribed topic still without a route makes the
// consumer shut itself down and return an error (it must be recreated).
func (pc *PushConsumer) goStart(cb func(*Exception)) {
	pc.c.updateAllTopicRoutes(func() {
		for _, t := range pc.userTopics {
			if _, ok := pc.subscribeInfo[t]; !ok {
				err := newGoError("the topic="+t+" route info not found, it may not exist", nil)
				pc.Shutdown(func() { cb(err) })
				return
			}
		}
		pc.c.sendHeartbeatToAllBrokerWithLock(func() {
			pc.c.rebalance.wakeup()
			cb(nil)
		})
	})
}
