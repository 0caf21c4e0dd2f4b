package client

import (
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"rmqsim/history"
	"rmqsim/model"
)

// updateAllTopicRoutes is the periodic updateTopicRouteInfoFromNameServer
// (§3.2): every topic of topicList in turn. In Java a transport error is
// rethrown as IllegalStateException, which aborts the rest of the round;
// the Go client goes on with the next topic (§8).
func (c *Instance) updateAllTopicRoutes(done func()) {
	if !c.Running() {
		done()
		return
	}
	topics := c.topicList()
	var next func(i int)
	next = func(i int) {
		if i == len(topics) || !c.Running() {
			done()
			return
		}
		c.updateTopicRoute(topics[i], nil, func(_ bool, ise *Exception) {
			if ise != nil && !c.goClient {
				done()
				return
			}
			next(i + 1)
		})
	}
	next(0)
}

// updateTopicRoute is updateTopicRouteInfoFromNameServer(topic,
// isDefault, producer) (§3.2). With def != nil the TBW102 route is
// fetched and its queues cut to min(defaultTopicQueueNums, n) (§4.2).
// cb gets whether the cache changed, or the IllegalStateException that
// wraps a transport error (Java) — the cache is kept on every failure.
func (c *Instance) updateTopicRoute(topic string, def *Producer, cb func(changed bool, ise *Exception)) {
	lockTimeout := c.cfg.Client.LockTimeout
	if c.goClient {
		lockTimeout = -1 // sync.Mutex
	}
	c.lockNamesrv.TryLock(lockTimeout, func(ok bool) {
		if !ok {
			c.record(history.Record{Kind: history.RouteRefresh, Topic: topic,
				Err: "updateTopicRouteInfoFromNameServer tryLock timeout " + strconv.FormatInt(lockTimeout.Milliseconds(), 10) + "ms"})
			cb(false, nil)
			return
		}
		query := topic
		if def != nil {
			query = def.cfg.CreateTopicKey
		}
		c.queryRoute(query, func(resp *model.Response, ns string, err *Exception) {
			changed, ise := c.applyRoute(topic, def, resp, ns, err)
			c.lockNamesrv.Unlock()
			cb(changed, ise)
		})
	})
}

// applyRoute records the answer and, on a changed SUCCESS, replaces the
// cached route whole and rebuilds the derived views (§3.2, §3.3).
func (c *Instance) applyRoute(topic string, def *Producer, resp *model.Response, ns string, err *Exception) (bool, *Exception) {
	rec := history.Record{Kind: history.RouteRefresh, Topic: topic, NameServer: ns}
	if def != nil {
		rec.Detail = "default " + def.cfg.CreateTopicKey
	}
	c.lastRouteTransportErr = err != nil
	if err != nil {
		rec.Err = err.String()
		c.record(rec)
		if c.goClient {
			return false, nil
		}
		return false, newIllegalState(err)
	}
	rec.Status = resp.Code.String()
	if resp.Code != model.Success {
		c.record(rec)
		return false, nil // MQClientException: logged, cache kept
	}
	// The nameserver's answer is shared: it is cloned before it is
	// changed or kept. Without a default topic's adjustment it is only
	// read until the route is known to have changed, so an unchanged
	// answer (nearly every 30 s refresh) is not copied at all.
	raw := resp.Body.(*model.TopicRouteData)
	route := raw
	if def != nil {
		route = cloneRoute(raw)
		for i := range route.QueueDatas {
			n := min(def.cfg.DefaultTopicQueueNums, route.QueueDatas[i].ReadQueueNums)
			route.QueueDatas[i].ReadQueueNums, route.QueueDatas[i].WriteQueueNums = n, n
		}
	}
	rec.Route = RouteSummary(route)
	c.record(rec)
	old := c.routes[topic]
	changed := old == nil || !routeEqual(old.route, route)
	if !changed {
		changed = c.needUpdate(topic)
	}
	if !changed {
		old.confirmedAt, old.nameServer = c.p.Now(), ns
		return false, nil
	}
	if route == raw {
		route = cloneRoute(raw)
	}
	entry := &routeEntry{route: route, confirmedAt: c.p.Now(), nameServer: ns}
	for _, bd := range route.BrokerDatas {
		addrs := make(map[int64]string, len(bd.BrokerAddrs))
		for id, a := range bd.BrokerAddrs {
			addrs[id] = a
		}
		c.brokerAddrTable[bd.BrokerName] = addrs
	}
	info := newPublishInfo(topic, route)
	info.HaveRoute, info.FetchedAt, info.NameServer = true, entry.confirmedAt, ns
	for _, g := range slices.Sorted(maps.Keys(c.producers)) {
		c.producers[g].updateTopicPublishInfo(topic, info)
	}
	sub := newSubscribeInfo(topic, route)
	for _, g := range slices.Sorted(maps.Keys(c.consumers)) {
		c.consumers[g].updateTopicSubscribeInfo(topic, sub)
	}
	c.routes[topic] = entry
	return true, nil
}

// needUpdate is isNeedUpdateTopicRouteInfo: a producer without a usable
// publish info or a consumer subscribed without subscribe info.
func (c *Instance) needUpdate(topic string) bool {
	for _, g := range slices.Sorted(maps.Keys(c.producers)) {
		if c.producers[g].isPublishTopicNeedUpdate(topic) {
			return true
		}
	}
	for _, g := range slices.Sorted(maps.Keys(c.consumers)) {
		if c.consumers[g].isSubscribeTopicNeedUpdate(topic) {
			return true
		}
	}
	return false
}

// queryRoute is getTopicRouteInfoFromNameServer (3000 ms, §3.2) through
// the sticky nameserver channel (§3.4); the Go client asks each nameserver
// in round robin from index 0, 6 s each, until any reply (§8).
func (c *Instance) queryRoute(topic string, cb func(resp *model.Response, ns string, err *Exception)) {
	req := &model.Request{Code: model.GetRouteInfoByTopic, Body: &model.GetRouteInfoRequest{Topic: topic}}
	if c.goClient {
		c.goQueryRoute(req, cb)
		return
	}
	c.remoting.InvokeSync("", req, c.cfg.Client.RouteQueryTimeout, func(resp *model.Response, err error) {
		ns := c.remoting.ChosenNameServer()
		if err != nil {
			cb(nil, ns, c.remotingException(err))
			return
		}
		cb(resp, ns, nil)
	})
}

func (c *Instance) goQueryRoute(req *model.Request, cb func(*model.Response, string, *Exception)) {
	addrs := c.env.Cluster.NameServerAddrs()
	if len(addrs) == 0 {
		cb(nil, "", newGoError("namesrv list empty", nil))
		return
	}
	var try func(i int, last *Exception)
	try = func(i int, last *Exception) {
		if i == len(addrs) {
			cb(nil, "", last)
			return
		}
		addr := addrs[c.goNSIndex%len(addrs)]
		c.goNSIndex++
		if addr != c.goLastNS {
			c.goLastNS = addr
			c.record(history.Record{Kind: history.NSAttach, NameServer: addr})
		}
		c.remoting.InvokeSync(addr, req, c.cfg.GoClient.NSQueryTimeout, func(resp *model.Response, err error) {
			if err != nil {
				try(i+1, c.remotingException(err))
				return
			}
			cb(resp, addr, nil)
		})
	}
	try(0, nil)
}

func cloneRoute(r *model.TopicRouteData) *model.TopicRouteData {
	out := &model.TopicRouteData{QueueDatas: append([]model.QueueData(nil), r.QueueDatas...)}
	for _, bd := range r.BrokerDatas {
		addrs := make(map[int64]string, len(bd.BrokerAddrs))
		for id, a := range bd.BrokerAddrs {
			addrs[id] = a
		}
		out.BrokerDatas = append(out.BrokerDatas, model.BrokerData{Cluster: bd.Cluster, BrokerName: bd.BrokerName, BrokerAddrs: addrs})
	}
	return out
}

// routeEqual is topicRouteDataIsChange's equality (both sides sorted).
func routeEqual(a, b *model.TopicRouteData) bool {
	if len(a.QueueDatas) != len(b.QueueDatas) || len(a.BrokerDatas) != len(b.BrokerDatas) {
		return false
	}
	for i := range a.QueueDatas {
		if a.QueueDatas[i] != b.QueueDatas[i] {
			return false
		}
	}
	for i := range a.BrokerDatas {
		x, y := a.BrokerDatas[i], b.BrokerDatas[i]
		if x.BrokerName != y.BrokerName || x.Cluster != y.Cluster || len(x.BrokerAddrs) != len(y.BrokerAddrs) {
			return false
		}
		for id, addr := range x.BrokerAddrs {
			if y.BrokerAddrs[id] != addr {
				return false
			}
		}
	}
	return true
}

// RouteSummary is a route's one-line text for history.RouteRefresh:
// "broker-a w16 r16 [0 1]; broker-b w16 r16 [0]" (write/read queues and
// the broker ids known; "[]" when the BrokerData is missing).
func RouteSummary(r *model.TopicRouteData) string {
	var b strings.Builder
	for i, q := range r.QueueDatas {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(q.BrokerName)
		// Piece by piece, not concatenated first (Itoa of a small
		// number allocates nothing).
		b.WriteString(" w")
		b.WriteString(strconv.Itoa(q.WriteQueueNums))
		b.WriteString(" r")
		b.WriteString(strconv.Itoa(q.ReadQueueNums))
		b.WriteString(" [")
		if bd := findBrokerData(r, q.BrokerName); bd != nil {
			for j, id := range model.SortedBrokerIDs(bd.BrokerAddrs) {
				if j > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(strconv.FormatInt(id, 10))
			}
		}
		b.WriteByte(']')
	}
	return b.String()
}

// cleanOfflineBroker drops brokerAddrTable addrs no cached route names
// (§3.2), under lockNamesrv.
func (c *Instance) cleanOfflineBroker(done func()) {
	lockTimeout := c.cfg.Client.LockTimeout
	if c.goClient {
		lockTimeout = -1
	}
	c.lockNamesrv.TryLock(lockTimeout, func(ok bool) {
		if !ok {
			done()
			return
		}
		for _, name := range slices.Sorted(maps.Keys(c.brokerAddrTable)) {
			addrs := c.brokerAddrTable[name]
			for _, id := range model.SortedBrokerIDs(addrs) {
				if !c.addrInRoutes(addrs[id]) {
					delete(addrs, id)
				}
			}
			if len(addrs) == 0 {
				delete(c.brokerAddrTable, name)
			}
		}
		c.lockNamesrv.Unlock()
		done()
	})
}

// addrInRoutes says whether any cached route lists addr. The answer does
// not depend on the order the routes are visited in, so the map is ranged
// over directly, without a sorted copy of its keys.
func (c *Instance) addrInRoutes(addr string) bool {
	for _, e := range c.routes {
		for _, bd := range e.route.BrokerDatas {
			for _, a := range bd.BrokerAddrs {
				if a == addr {
					return true
				}
			}
		}
	}
	return false
}

// FindBrokerAddressInPublish: the master's addr, "" if none (§3.3).
func (c *Instance) FindBrokerAddressInPublish(brokerName string) string {
	return c.brokerAddrTable[brokerName][0]
}

// FindBrokerAddressInSubscribe: the requested id, else (unless
// onlyThisBroker) the first entry — the slave when the master is absent
// (§3.3). ok is false when the broker is unknown.
func (c *Instance) FindBrokerAddressInSubscribe(brokerName string, id int64, onlyThisBroker bool) (addr string, slave, ok bool) {
	addrs := c.brokerAddrTable[brokerName]
	if len(addrs) == 0 {
		return "", false, false
	}
	if a := addrs[id]; a != "" {
		return a, id != 0, true
	}
	if onlyThisBroker {
		return "", false, false
	}
	first := int64(math.MaxInt64) // the lowest id: SortedBrokerIDs(addrs)[0], without sorting a copy
	for id := range addrs {
		first = min(first, id)
	}
	return addrs[first], first != 0, true
}

// FindBrokerAddressInAdmin: the first entry, the master if present (§3.3).
func (c *Instance) FindBrokerAddressInAdmin(brokerName string) (addr string, slave, ok bool) {
	addrs := c.brokerAddrTable[brokerName]
	if len(addrs) == 0 {
		return "", false, false
	}
	first := int64(math.MaxInt64) // the lowest id: SortedBrokerIDs(addrs)[0], without sorting a copy
	for id := range addrs {
		first = min(first, id)
	}
	return addrs[first], first != 0, true
}

// findBrokerAddrByTopic: a random broker of the cached route, its master
// else a random slave (§3.3); "" without a route.
func (c *Instance) findBrokerAddrByTopic(topic string) string {
	e := c.routes[topic]
	if e == nil || len(e.route.BrokerDatas) == 0 {
		return ""
	}
	bd := e.route.BrokerDatas[c.rand().IntN(len(e.route.BrokerDatas))]
	if a := bd.BrokerAddrs[0]; a != "" {
		return a
	}
	ids := model.SortedBrokerIDs(bd.BrokerAddrs)
	if len(ids) == 0 {
		return ""
	}
	return bd.BrokerAddrs[ids[c.rand().IntN(len(ids))]]
}

// RouteOf returns the cached route of topic, nil if none (tests, observers).
func (c *Instance) RouteOf(topic string) *model.TopicRouteData {
	if e := c.routes[topic]; e != nil {
		return e.route
	}
	return nil
}

// BrokerAddrs returns a copy of brokerAddrTable (tests, observers).
func (c *Instance) BrokerAddrs() map[string]map[int64]string {
	out := make(map[string]map[int64]string, len(c.brokerAddrTable))
	for n, addrs := range c.brokerAddrTable {
		m := make(map[int64]string, len(addrs))
		for id, a := range addrs {
			m[id] = a
		}
		out[n] = m
	}
	return out
}
