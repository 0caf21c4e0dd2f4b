package client

import (
	"strconv"
	"strings"

	"rmqsim/history"
	"rmqsim/model"
	"rmqsim/sim"
)

// doRebalance is RebalanceImpl.doRebalance: rebalanceByTopic for every
// subscription; an exception (IllegalStateException from a nameserver
// call) skips the rest of that topic.
func (pc *PushConsumer) doRebalance(done func()) {
	if pc.state != running {
		done()
		return
	}
	topics := pc.subscriptionTopics()
	var next func(i int)
	next = func(i int) {
		if i == len(topics) || pc.state != running {
			done()
			return
		}
		pc.rebalanceByTopic(topics[i], func() { next(i + 1) })
	}
	next(0)
}

// rebalanceByTopic (CLUSTERING, §5.3): mqSet is the cached subscribe set,
// cidAll the members one random broker reports. Either missing: nothing
// changes. Allocation is AllocateMessageQueueAveragely on sorted lists.
func (pc *PushConsumer) rebalanceByTopic(topic string, done func()) {
	mqSet, haveSet := pc.subscribeInfo[topic]
	if pc.c.goClient && !haveSet {
		done() // the Go client skips a topic without subscribe info
		return
	}
	pc.c.findConsumerIdList(topic, pc.group, func(cidAll []string, ise *Exception) {
		if ise != nil || !haveSet || cidAll == nil {
			done()
			return
		}
		// A sorted copy of the subscribe set in a reused slice: it is read
		// only here (allocateAveragely copies its block out), and only its
		// length after the asynchronous steps below.
		pc.mqAllScratch = append(pc.mqAllScratch[:0], mqSet...)
		mqAll := pc.mqAllScratch
		sortQueues(mqAll)
		nAll := len(mqAll)
		cids := sortStrings(append([]string(nil), cidAll...))
		if !pc.c.goClient && (len(mqAll) == 0 || len(cids) == 0) {
			done() // AllocateMessageQueueAveragely throws: skipped (§5.3)
			return
		}
		alloc := allocateAveragely(pc.c.clientID, mqAll, cids)
		pc.updateProcessQueueTableInRebalance(topic, alloc, func(changed bool, ise *Exception) {
			if ise != nil || !changed {
				done()
				return
			}
			pc.recordRebalance(topic, alloc, nAll, len(cids))
			pc.c.sendHeartbeatToAllBrokerWithLock(done) // messageQueueChanged
		})
	})
}

// allocateAveragely is AllocateMessageQueueAveragely: own id missing →
// nothing (every queue of the topic dropped, §5.3); else a contiguous
// block, the first mod consumers one queue more.
func allocateAveragely(cid string, mqAll []MessageQueue, cidAll []string) []MessageQueue {
	index := -1
	for i, c := range cidAll {
		if c == cid {
			index = i
		}
	}
	if index < 0 || len(mqAll) == 0 {
		return nil
	}
	n, k := len(mqAll), len(cidAll)
	mod := n % k
	avg := n / k
	switch {
	case n <= k:
		avg = 1
	case mod > 0 && index < mod:
		avg = n/k + 1
	}
	start := index*avg + mod
	if mod > 0 && index < mod {
		start = index * avg
	}
	var out []MessageQueue // nil when the block is empty
	if size := min(avg, n-start); size > 0 {
		out = make([]MessageQueue, 0, size)
	}
	for i := 0; i < min(avg, n-start); i++ {
		out = append(out, mqAll[(start+i)%n])
	}
	return out
}

func (pc *PushConsumer) recordRebalance(topic string, alloc []MessageQueue, mqAll, cidAll int) {
	rec := history.Record{Kind: history.Rebalance, Group: pc.group, Topic: topic,
		Detail: "mqAll=" + strconv.Itoa(mqAll) + " cidAll=" + strconv.Itoa(cidAll)}
	for _, mq := range alloc {
		rec.Queues = append(rec.Queues, history.QueueRef{Broker: mq.BrokerName, QueueID: mq.QueueID})
	}
	pc.c.record(rec)
}

// updateProcessQueueTableInRebalance (§5.3): queues no longer assigned,
// or not pulled for pullMaxIdleTime, are dropped (offset persisted oneway
// and removed); each new queue gets computePullFromWhere and, if ≥ 0, a
// pull at once. On the rebalance thread, one queue after the other.
func (pc *PushConsumer) updateProcessQueueTableInRebalance(topic string, alloc []MessageQueue, cb func(changed bool, ise *Exception)) {
	drop, idle := pc.queuesToDrop(topic, alloc)
	var add []MessageQueue // queues without a ProcessQueue once the drops are done
	for _, mq := range alloc {
		if pc.processQueues[mq] == nil || idle[mq] {
			add = append(add, mq)
		}
	}
	changed := false
	var pulls []*pullRequest
	var addNext func(i int)
	addNext = func(i int) {
		if i == len(add) {
			for _, pr := range pulls {
				pc.executePullRequestImmediately(pr)
			}
			cb(changed, nil)
			return
		}
		mq := add[i]
		pc.offsets.removeOffset(mq) // removeDirtyOffset
		pc.computePullFromWhere(mq, func(next int64, ise *Exception) {
			if ise != nil {
				cb(changed, ise)
				return
			}
			if next >= 0 && pc.processQueues[mq] == nil {
				pq := newProcessQueue(mq, pc.c.p.Now())
				pc.processQueues[mq] = pq
				pulls = append(pulls, &pullRequest{mq: mq, pq: pq, nextOffset: next})
				changed = true
			}
			addNext(i + 1)
		})
	}
	var dropNext func(i int)
	dropNext = func(i int) {
		if i == len(drop) {
			addNext(0)
			return
		}
		mq := drop[i]
		pc.processQueues[mq].dropped = true
		detail := "remove"
		if idle[mq] {
			detail = "remove (pull expired)"
		}
		pc.offsets.persist(mq, detail, func() {
			pc.offsets.removeOffset(mq)
			delete(pc.processQueues, mq)
			changed = true
			dropNext(i + 1)
		})
	}
	dropNext(0)
}

// queuesToDrop lists the topic's ProcessQueues no longer assigned, and
// those assigned but not pulled for pullMaxIdleTime (isPullExpired, also
// returned in idle: they are re-added in the same pass).
func (pc *PushConsumer) queuesToDrop(topic string, alloc []MessageQueue) (drop []MessageQueue, idle map[MessageQueue]bool) {
	if pc.wantScratch == nil {
		pc.wantScratch = make(map[MessageQueue]bool, len(alloc))
	}
	want := pc.wantScratch
	clear(want)
	for _, mq := range alloc {
		want[mq] = true
	}
	now := pc.c.p.Now()
	idle = map[MessageQueue]bool{}
	pc.queueScratch = appendSortedQueueKeys(pc.queueScratch[:0], pc.processQueues)
	for _, mq := range pc.queueScratch {
		switch {
		case mq.Topic != topic:
		case !want[mq]:
			drop = append(drop, mq)
		case now.Sub(pc.processQueues[mq].lastPull) > pc.cfg.PullMaxIdleTime:
			drop = append(drop, mq)
			idle[mq] = true
		}
	}
	return drop, idle
}

// computePullFromWhere (§5.4): the stored offset if the broker has one;
// with "no offset" (-1) the consumeFromWhere table; -2 (network error or
// unknown broker) or any failure below gives -1: the queue waits for the
// next rebalance. Records OffsetRead with the answer and the start chosen.
func (pc *PushConsumer) computePullFromWhere(mq MessageQueue, cb func(next int64, ise *Exception)) {
	pc.offsets.readFromStore(mq, func(last int64, code, errText string, ise *Exception) {
		rec := history.Record{Kind: history.OffsetRead, Group: pc.group, Topic: mq.Topic, Broker: mq.BrokerName,
			QueueID: mq.QueueID, Status: code, Err: errText}
		finish := func(next int64, how string, ise *Exception) {
			rec.Offset = next
			rec.Detail = how
			pc.c.record(rec)
			cb(next, ise)
		}
		if ise != nil {
			finish(-1, "skip", ise)
			return
		}
		retry := strings.HasPrefix(mq.Topic, RetryGroupTopicPrefix)
		switch {
		case last >= 0:
			finish(last, "stored", nil)
		case last != -1:
			finish(-1, "skip", nil)
		case pc.cfg.ConsumeFromWhere == "CONSUME_FROM_FIRST_OFFSET" || (retry && pc.cfg.ConsumeFromWhere != "CONSUME_FROM_TIMESTAMP"):
			finish(0, "first", nil)
		case pc.cfg.ConsumeFromWhere == "CONSUME_FROM_TIMESTAMP" && !retry:
			ts := pc.c.p.Now().Add(-pc.cfg.ConsumeTimestampAgo)
			pc.queueOffset(mq, model.SearchOffsetByTimestamp, ts, func(off int64, ise *Exception) { finish(off, "timestamp", ise) })
		default:
			pc.queueOffset(mq, model.GetMaxOffset, 0, func(off int64, ise *Exception) { finish(off, "max", ise) })
		}
	})
}

// queueOffset is MQAdminImpl.maxOffset / searchOffset: GET_MAX_OFFSET or
// SEARCH_OFFSET_BY_TIMESTAMP to the master (6000 ms), refreshing the route
// once if the master is unknown. Any failure gives -1.
func (pc *PushConsumer) queueOffset(mq MessageQueue, code model.RequestCode, ts sim.Time, cb func(int64, *Exception)) {
	c := pc.c
	ask := func(addr string) {
		if addr == "" {
			cb(-1, nil)
			return
		}
		body := &model.QueueOffsetRequest{Topic: mq.Topic, QueueID: mq.QueueID}
		if code == model.SearchOffsetByTimestamp {
			body.Timestamp = ts
		}
		c.remoting.InvokeSync(addr, &model.Request{Code: code, Body: body}, pc.cfg.MaxOffsetTimeout, func(resp *model.Response, err error) {
			if err != nil || resp.Code != model.Success {
				cb(-1, nil)
				return
			}
			cb(resp.Body.(*model.QueueOffsetResponse).Offset, nil)
		})
	}
	if addr := c.FindBrokerAddressInPublish(mq.BrokerName); addr != "" {
		ask(addr)
		return
	}
	c.updateTopicRoute(mq.Topic, nil, func(_ bool, ise *Exception) {
		if ise != nil {
			cb(-1, ise)
			return
		}
		ask(c.FindBrokerAddressInPublish(mq.BrokerName))
	})
}
