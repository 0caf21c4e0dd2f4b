package client

import (
	"slices"

	"rmqsim/history"
	"rmqsim/model"
)

// offsetStore is RemoteBrokerOffsetStore (facts §5.7): consume offsets in
// memory, read from the broker when a queue is assigned, written back
// oneway every 5 s to the master (else the slave).
type offsetStore struct {
	pc    *PushConsumer
	table map[MessageQueue]int64
	// todoScratch backs persistAll's list of queues to commit, reused
	// every 5 s. todoBusy: a walk over it waits on a connect, so a
	// persistAll meanwhile makes its own list.
	todoScratch []MessageQueue
	todoBusy    bool
}

// updateOffset sets (or, increaseOnly, raises) the in-memory offset.
func (s *offsetStore) updateOffset(mq MessageQueue, off int64, increaseOnly bool) {
	if old, ok := s.table[mq]; ok && increaseOnly && old >= off {
		return
	}
	s.table[mq] = off
}

// readMemory is readOffset(READ_FROM_MEMORY): -1 if none.
func (s *offsetStore) readMemory(mq MessageQueue) int64 {
	if off, ok := s.table[mq]; ok {
		return off
	}
	return -1
}

func (s *offsetStore) removeOffset(mq MessageQueue) { delete(s.table, mq) }

// readFromStore is readOffset(READ_FROM_STORE): QUERY_CONSUMER_OFFSET to
// the broker's first addr (5000 ms). cb gets the offset (≥ 0); -1 for any
// broker error code, not only QUERY_NOT_FOUND (Java, §5.4) — the Go client
// treats only 22 so (§8); -2 for a network error or unknown broker, whose
// route lookup may throw (ise). code is the broker's answer, err the
// failure text.
func (s *offsetStore) readFromStore(mq MessageQueue, cb func(off int64, code string, err string, ise *Exception)) {
	c := s.pc.c
	query := func(addr string) {
		req := &model.Request{Code: model.QueryConsumerOffset, Body: &model.QueryConsumerOffsetRequest{
			ConsumerGroup: s.pc.group, Topic: mq.Topic, QueueID: mq.QueueID}}
		c.remoting.InvokeSync(addr, req, s.pc.cfg.QueryOffsetTimeout, func(resp *model.Response, err error) {
			switch {
			case err != nil:
				cb(-2, "", c.remotingException(err).String(), nil)
			case resp.Code == model.Success:
				off := resp.Body.(*model.QueryConsumerOffsetResponse).Offset
				s.updateOffset(mq, off, false)
				cb(off, resp.Code.String(), "", nil)
			case c.goClient && resp.Code != model.QueryNotFound:
				cb(-2, resp.Code.String(), "", nil)
			default:
				cb(-1, resp.Code.String(), "", nil)
			}
		})
	}
	s.brokerAddrInAdmin(mq, func(addr string, ise *Exception) {
		if ise != nil {
			cb(-2, "", ise.String(), ise)
			return
		}
		if addr == "" {
			cb(-2, "", brokerNotExist(mq.BrokerName).String(), nil)
			return
		}
		query(addr)
	})
}

// brokerAddrInAdmin is findBrokerAddressInAdmin, refreshing the route from
// a nameserver once when the broker is unknown.
func (s *offsetStore) brokerAddrInAdmin(mq MessageQueue, cb func(addr string, ise *Exception)) {
	c := s.pc.c
	if addr, _, ok := c.FindBrokerAddressInAdmin(mq.BrokerName); ok {
		cb(addr, nil)
		return
	}
	c.updateTopicRoute(mq.Topic, nil, func(_ bool, ise *Exception) {
		if ise != nil {
			cb("", ise)
			return
		}
		addr, _, _ := c.FindBrokerAddressInAdmin(mq.BrokerName)
		cb(addr, nil)
	})
}

// persistAll is the 5 s task: a oneway commit for every in-memory offset
// of an assigned queue; offsets of other queues are forgotten.
func (s *offsetStore) persistAll(assigned []MessageQueue, done func()) {
	if len(assigned) == 0 {
		done()
		return
	}
	own := !s.todoBusy
	var buf []MessageQueue
	if own {
		buf, s.todoBusy = s.todoScratch[:0], true
	}
	todo := keepAssigned(buf, s.table, assigned)
	if own {
		s.todoScratch = todo
	}
	// One closure walks the list: each commit's done is called once,
	// before the next commit starts, so i needs no copy per step.
	i := 0
	var next func()
	next = func() {
		if i == len(todo) {
			if own {
				s.todoBusy = false
			}
			done()
			return
		}
		mq := todo[i]
		i++
		s.updateConsumeOffsetToBroker(mq, s.table[mq], "oneway", next)
	}
	next()
}

// persist commits one queue's offset oneway (on removal, OFFSET_ILLEGAL).
func (s *offsetStore) persist(mq MessageQueue, detail string, done func()) {
	off, ok := s.table[mq]
	if !ok {
		done()
		return
	}
	s.updateConsumeOffsetToBroker(mq, off, detail, done)
}

// updateConsumeOffsetToBroker writes UPDATE_CONSUMER_OFFSET oneway to the
// master, else the slave, and records the OffsetCommit (detail: oneway,
// remove, offset-illegal, shutdown). Failures are logged only.
func (s *offsetStore) updateConsumeOffsetToBroker(mq MessageQueue, off int64, detail string, done func()) {
	// brokerAddrInAdmin's known-broker case, without its callback's
	// allocation (this runs every 5 s for every assigned queue).
	if addr, _, ok := s.pc.c.FindBrokerAddressInAdmin(mq.BrokerName); ok {
		s.commitTo(mq, addr, off, detail, done)
		return
	}
	s.brokerAddrInAdmin(mq, func(addr string, ise *Exception) {
		if ise != nil || addr == "" {
			errText := brokerNotExist(mq.BrokerName).String()
			if ise != nil {
				errText = ise.String()
			}
			s.recordCommit(mq, addr, off, detail, errText)
			done()
			return
		}
		s.commitTo(mq, addr, off, detail, done)
	})
}

// offsetCommit is one UPDATE_CONSUMER_OFFSET being written: the state its
// callback needs and the request with its header, in one allocation, which
// is also the call's model.WrittenCallback (no method-value closure). The
// queue's topic and id and the offset are read back from the header
// (which nothing changes), not kept twice: 144 bytes, not 176.
type offsetCommit struct {
	s      *offsetStore
	broker string
	addr   string
	detail string
	done   func()
	req    model.Request
	body   model.UpdateConsumerOffsetRequest
}

// commitTo writes the commit oneway to addr.
func (s *offsetStore) commitTo(mq MessageQueue, addr string, off int64, detail string, done func()) {
	oc := &offsetCommit{s: s, broker: mq.BrokerName, addr: addr, detail: detail, done: done}
	oc.body = model.UpdateConsumerOffsetRequest{ConsumerGroup: s.pc.group, Topic: mq.Topic, QueueID: mq.QueueID, CommitOffset: off}
	oc.req = model.Request{Code: model.UpdateConsumerOffset, Body: &oc.body}
	s.pc.c.remoting.InvokeOnewayTo(addr, &oc.req, oc)
}

// Written records the commit once written (or failed: logged only).
func (oc *offsetCommit) Written(err error) {
	errText := ""
	if err != nil {
		errText = oc.s.pc.c.remotingException(err).String()
	}
	mq := MessageQueue{Topic: oc.body.Topic, BrokerName: oc.broker, QueueID: oc.body.QueueID}
	oc.s.recordCommit(mq, oc.addr, oc.body.CommitOffset, oc.detail, errText)
	oc.done()
}

// recordCommit writes the OffsetCommit record. It is built here, when the
// commit is written, not before the oneway call: a Record captured by the
// call's closure would be moved to the heap (~400 bytes a commit, 5 % of
// what a field-experiment run allocates).
func (s *offsetStore) recordCommit(mq MessageQueue, addr string, off int64, detail, errText string) {
	s.pc.c.record(history.Record{Kind: history.OffsetCommit, Group: s.pc.group, Topic: mq.Topic, Broker: mq.BrokerName,
		BrokerAddr: addr, QueueID: mq.QueueID, Offset: off, Detail: detail, Err: errText})
}

// keepAssigned drops from table every queue not in assigned and returns
// the queues kept, sorted, appended to dst[:0]. The table's keys and the assigned queues, both
// in sortQueues order, are matched in one merge walk: no set is built
// (this runs every 5 s for every consumer).
func keepAssigned[V any](dst []MessageQueue, table map[MessageQueue]V, assigned []MessageQueue) []MessageQueue {
	if !slices.IsSortedFunc(assigned, MessageQueue.compare) {
		assigned = slices.Clone(assigned)
		sortQueues(assigned)
	}
	keys := appendSortedQueueKeys(dst[:0], table)
	kept := keys[:0] // filtered in place: kept[i] is written after keys[i] is read
	j := 0
	for _, mq := range keys {
		for j < len(assigned) && assigned[j].less(mq) {
			j++
		}
		if j < len(assigned) && assigned[j] == mq {
			kept = append(kept, mq)
		} else {
			delete(table, mq)
		}
	}
	return kept
}

func sortedQueueKeys[V any](m map[MessageQueue]V) []MessageQueue {
	return appendSortedQueueKeys(make([]MessageQueue, 0, len(m)), m)
}

// appendSortedQueueKeys appends m's keys to dst and sorts what it added.
func appendSortedQueueKeys[V any](dst []MessageQueue, m map[MessageQueue]V) []MessageQueue {
	n := len(dst)
	for k := range m {
		dst = append(dst, k)
	}
	sortQueues(dst[n:])
	return dst
}
