package client

import (
	"maps"
	"slices"
	"sort"

	"rmqsim/model"
	"rmqsim/sim"
)

// sendHeartbeatToAllBrokerWithLock is the heartbeat under lockHeartbeat
// (tryLock without waiting: a heartbeat already running makes this one a
// no-op).
func (c *Instance) sendHeartbeatToAllBrokerWithLock(done func()) {
	if c.heartbeatBusy || !c.Running() {
		done()
		return
	}
	c.heartbeatBusy = true
	c.sendHeartbeatToAllBroker(func() {
		c.heartbeatBusy = false
		done()
	})
}

// prepareHeartbeatData lists every producer group (the inner one too) and
// every consumer with its subscriptions.
func (c *Instance) prepareHeartbeatData() *model.HeartbeatData {
	hb := &model.HeartbeatData{ClientID: c.clientID}
	hb.ProducerGroups = append(hb.ProducerGroups, slices.Sorted(maps.Keys(c.producers))...)
	for _, g := range slices.Sorted(maps.Keys(c.consumers)) {
		hb.ConsumerDatas = append(hb.ConsumerDatas, c.consumers[g].consumerData())
	}
	return hb
}

// sendHeartbeatToAllBroker sends HEART_BEAT to every broker of
// brokerAddrTable, one after the other, 3000 ms each (§3.1): masters only
// when the client has no consumer. Failures are logged only. The visit
// order is the ConcurrentHashMap's (brokerName hash order), ids ascending.
func (c *Instance) sendHeartbeatToAllBroker(done func()) {
	hb := c.prepareHeartbeatData()
	consumerEmpty := len(hb.ConsumerDatas) == 0
	var addrs []string
	for _, name := range javaHashOrder(slices.Sorted(maps.Keys(c.brokerAddrTable))) {
		table := c.brokerAddrTable[name]
		for _, id := range model.SortedBrokerIDs(table) {
			if consumerEmpty && id != 0 {
				continue
			}
			addrs = append(addrs, table[id])
		}
	}
	var next func(i int)
	next = func(i int) {
		if i == len(addrs) || !c.Running() {
			done()
			return
		}
		req := &model.Request{Code: model.HeartBeat, Body: hb}
		c.remoting.InvokeSync(addrs[i], req, c.cfg.Client.HeartbeatTimeout, func(*model.Response, error) {
			next(i + 1)
		})
	}
	next(0)
}

// unregisterClient is unregisterClientWithLock: UNREGISTER_CLIENT for a
// producer or consumer group to every broker, sequentially, 3000 ms each
// (§5.7); the broker then notifies the group.
func (c *Instance) unregisterClient(producerGroup, consumerGroup string, done func()) {
	var addrs []string
	for _, name := range javaHashOrder(slices.Sorted(maps.Keys(c.brokerAddrTable))) {
		table := c.brokerAddrTable[name]
		for _, id := range model.SortedBrokerIDs(table) {
			addrs = append(addrs, table[id])
		}
	}
	var next func(i int)
	next = func(i int) {
		if i == len(addrs) || !c.p.Alive() {
			done()
			return
		}
		req := &model.Request{Code: model.UnregisterClient, Body: &model.UnregisterClientRequest{
			ClientID: c.clientID, ProducerGroup: producerGroup, ConsumerGroup: consumerGroup}}
		c.remoting.InvokeSync(addrs[i], req, c.cfg.Client.UnregisterTimeout, func(*model.Response, error) {
			next(i + 1)
		})
	}
	next(0)
}

// findConsumerIdList asks one random broker of the topic's route for the
// group's members (3000 ms, §5.3). Without a route it first refreshes it
// from a nameserver, whose IllegalStateException propagates (ise). A
// failed query gives nil ids; so does an error code in Java
// (MQBrokerException), while the Go client parses the empty body of the
// error reply into an empty, non-nil list (consumer.findConsumerList),
// whose allocation drops every queue (§8).
func (c *Instance) findConsumerIdList(topic, group string, cb func(ids []string, ise *Exception)) {
	ask := func(addr string) {
		req := &model.Request{Code: model.GetConsumerListByGroup, Body: &model.GetConsumerListByGroupRequest{ConsumerGroup: group}}
		c.remoting.InvokeSync(addr, req, c.cfg.Client.ConsumerListTimeout, func(resp *model.Response, err error) {
			switch {
			case err != nil:
				cb(nil, nil)
				return
			case resp.Code != model.Success && c.goClient:
				cb([]string{}, nil)
				return
			case resp.Code != model.Success:
				cb(nil, nil)
				return
			}
			ids := append([]string{}, resp.Body.(*model.ConsumerList).IDs...)
			cb(ids, nil)
		})
	}
	if addr := c.findBrokerAddrByTopic(topic); addr != "" {
		ask(addr)
		return
	}
	c.updateTopicRoute(topic, nil, func(_ bool, ise *Exception) {
		if ise != nil {
			cb(nil, ise)
			return
		}
		if addr := c.findBrokerAddrByTopic(topic); addr != "" {
			ask(addr)
			return
		}
		cb(nil, nil)
	})
}

// persistAllConsumerOffset is the 5 s task: each consumer's offsets of its
// assigned queues, oneway (§5.7).
func (c *Instance) persistAllConsumerOffset(done func()) {
	groups := slices.Sorted(maps.Keys(c.consumers))
	// One closure walks the groups: each persist's done is called once,
	// before the next starts, so i needs no copy per step.
	i := 0
	var next func()
	next = func() {
		if i == len(groups) || !c.Running() {
			done()
			return
		}
		g := groups[i]
		i++
		c.consumers[g].persistConsumerOffset(next)
	}
	next()
}

// rebalanceService is RebalanceService: a thread that waits
// rebalance.waitInterval (20 s) or a wakeup, then rebalances every
// consumer (§5.2). A wakeup during a run makes the next run start at once
// (ServiceThread.waitForRunning's hasNotified).
type rebalanceService struct {
	c        *Instance
	timer    *sim.Timer
	busy     bool
	notified bool
}

func newRebalanceService(c *Instance) *rebalanceService {
	r := &rebalanceService{c: c}
	r.wait()
	return r
}

func (r *rebalanceService) wait() {
	r.timer = r.c.p.After(r.c.cfg.Consumer.RebalanceWaitInterval, "RebalanceService", r.run)
}

// wakeup is rebalanceImmediately.
func (r *rebalanceService) wakeup() {
	if r.busy {
		r.notified = true
		return
	}
	r.timer.Stop()
	r.timer = r.c.p.After(0, "RebalanceService wakeup", r.run)
}

func (r *rebalanceService) run() {
	if !r.c.Running() {
		return
	}
	r.busy = true
	groups := slices.Sorted(maps.Keys(r.c.consumers))
	var next func(i int)
	next = func(i int) {
		if i < len(groups) && r.c.Running() {
			r.c.consumers[groups[i]].doRebalance(func() { next(i + 1) })
			return
		}
		r.busy = false
		if r.notified {
			r.notified = false
			r.timer = r.c.p.After(0, "RebalanceService wakeup", r.run)
			return
		}
		r.wait()
	}
	next(0)
}

// sortStrings sorts in place and returns s.
func sortStrings(s []string) []string { sort.Strings(s); return s }
