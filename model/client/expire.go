package client

import (
	"rmqsim/history"
	"rmqsim/model"
)

// startCleanExpireMsg is ConsumeMessageConcurrentlyService.start: the
// CleanExpireMsgScheduledThread runs cleanExpireMsg every consumeTimeout
// (15 min), first after one period (§5.6). The Go client's own cleaner is
// not modelled (facts §8 is silent on it).
func (pc *PushConsumer) startCleanExpireMsg() {
	if pc.c.goClient || pc.cfg.ConsumeTimeout <= 0 {
		return
	}
	every := pc.cfg.ConsumeTimeout
	pc.c.p.Executor("CleanExpireMsgScheduledThread_"+pc.group, 1).
		ScheduleAtFixedRate("cleanExpireMsg", every, every, pc.cleanExpireMsg)
}

// cleanExpireMsg is ProcessQueue.cleanExpiredMsg for every ProcessQueue
// (§5.6, §5.8): up to 16 times, the first cached message, if a consume
// thread took it more than consumeTimeout ago, is sent back with delay
// level 3 and, if that worked, removed from the cache — while its
// listener may still be running and succeed: a duplicate. 4.8 reads the
// first message's consume start with Long.parseLong: a first message no
// consume thread has taken yet throws NumberFormatException, which the
// runnable does not catch, so the scheduled task is suppressed for good
// (CL/impl/consumer/ProcessQueue.cleanExpiredMsg, docs/rocketmq-notes.md).
func (pc *PushConsumer) cleanExpireMsg(done func()) {
	if pc.cleanDead || pc.state != running {
		done()
		return
	}
	mqs := sortedQueueKeys(pc.processQueues)
	var nextQueue func(i int)
	nextQueue = func(i int) {
		if i == len(mqs) {
			done()
			return
		}
		pq := pc.processQueues[mqs[i]]
		if pq == nil {
			nextQueue(i + 1)
			return
		}
		loop := min(pq.Count(), 16)
		var step func(k int)
		step = func(k int) {
			e, ok := pq.first()
			switch {
			case k == loop || !ok:
				nextQueue(i + 1)
			case !e.started:
				pc.cleanDead = true
				pc.c.p.Trace("consumer", "cleanExpireMsg: NumberFormatException (no consume start), task suppressed")
				done()
			case pc.c.p.Now().Sub(e.consumeStart) <= pc.cfg.ConsumeTimeout:
				nextQueue(i + 1)
			default:
				pc.expire(e.m, mqs[i], pq, func() { step(k + 1) })
			}
		}
		step(0)
	}
	nextQueue(0)
}

// expire sends one expired message back (DefaultMQPushConsumer.
// sendMessageBack(msg, 3): to the broker that stored it, else the inner
// producer's copy) and removes it if it is still the first.
func (pc *PushConsumer) expire(m *model.MessageExt, mq MessageQueue, pq *ProcessQueue, then func()) {
	pc.c.record(history.Record{Kind: history.ConsumeResult, Key: m.Body, MsgID: m.UniqKey, Group: pc.group,
		Topic: m.Topic, Broker: mq.BrokerName, QueueID: mq.QueueID, QueueOffset: m.QueueOffset,
		Attempt: m.ReconsumeTimes, Status: ReconsumeLater, Detail: "consume timeout: sent back by cleanExpiredMsg"})
	pc.sendMessageBackTo(pc.c.storeHostAddr(m.StoreHost), m, 3, func(ok bool) {
		if f, have := pq.first(); ok && have && f.m == m {
			pq.removeMessage([]*model.MessageExt{m})
		}
		then()
	})
}

// storeHostAddr turns a stored message's storeHost ("ip:port") into the
// broker's address (RemotingHelper.parseSocketAddressAddr); "" if no node
// has that IP.
func (c *Instance) storeHostAddr(storeHost string) string {
	for i := len(storeHost) - 1; i >= 0; i-- {
		if storeHost[i] != ':' {
			continue
		}
		ip, port := storeHost[:i], storeHost[i:]
		for _, b := range c.env.Cluster.Brokers {
			if b.Master.IP == ip {
				return b.Master.Host + port
			}
			if b.Slave != nil && b.Slave.IP == ip {
				return b.Slave.Host + port
			}
		}
		break
	}
	return ""
}
