package client

import (
	"maps"
	"slices"
	"sort"
	"time"

	"rmqsim/model"
	"rmqsim/sim"
)

// MessageQueue is one queue of a topic on one broker
// (CM/message/MessageQueue), ordered as compareTo orders it.
type MessageQueue struct {
	Topic      string
	BrokerName string
	QueueID    int
}

// less is MessageQueue.compareTo: topic, broker name, queue id.
func (q MessageQueue) less(o MessageQueue) bool {
	if q.Topic != o.Topic {
		return q.Topic < o.Topic
	}
	if q.BrokerName != o.BrokerName {
		return q.BrokerName < o.BrokerName
	}
	return q.QueueID < o.QueueID
}

// compare is less as a three-way comparison (for slices.SortFunc, which,
// unlike sort.Slice, allocates nothing; less orders by every field, so
// the sorted order is the same whatever the algorithm).
func (q MessageQueue) compare(o MessageQueue) int {
	switch {
	case q.less(o):
		return -1
	case o.less(q):
		return 1
	}
	return 0
}

func sortQueues(qs []MessageQueue) { slices.SortFunc(qs, MessageQueue.compare) }

// TopicPublishInfo is a producer's view of a topic (facts §3.3, §4.3):
// the write queues of each writable QueueData whose BrokerData has a
// master, brokers in name order.
type TopicPublishInfo struct {
	Queues    []MessageQueue
	Route     *model.TopicRouteData
	HaveRoute bool
	// FetchedAt and NameServer say where the route came from (RouteAge).
	FetchedAt  sim.Time
	NameServer string
	index      threadLocalIndex
}

func (t *TopicPublishInfo) ok() bool { return t != nil && len(t.Queues) > 0 }

// threadLocalIndex is CL/common/ThreadLocalIndex: an int32 that starts at
// |random| on first use and returns |index+1| on every getAndIncrement, so
// the first queue chosen is random+1 (facts §4.3). A pinned
// Config.Producer.SendWhichQueue is the start index itself: the first
// getAndIncrement returns it (the stored value starts at pin-1), which is
// also the value the Java field holds after the first send. The model has one index per publish info: the
// application's one sending thread.
type threadLocalIndex struct {
	set bool
	v   int32
}

func abs32(v int32) int32 {
	if v < 0 {
		return -v // Math.abs(MIN_VALUE) stays negative, as in Java
	}
	return v
}

func (x *threadLocalIndex) getAndIncrement(c *Instance) int32 {
	if !x.set {
		x.set = true
		if pin := c.cfg.Producer.SendWhichQueue; pin >= 0 {
			x.v = int32(pin) - 1
		} else {
			x.v = abs32(int32(c.rand().Uint32()))
		}
	}
	x.v = abs32(x.v + 1)
	return x.v
}

// pos is Math.abs(index) % size, clamped at 0 as Java does.
func pos(index int32, size int) int {
	p := int(abs32(index)) % size
	if p < 0 {
		p = 0
	}
	return p
}

// selectOneMessageQueue is TopicPublishInfo.selectOneMessageQueue: round
// robin; with a last broker, the first of ≤ n picks on another broker,
// else any (facts §4.3).
func (t *TopicPublishInfo) selectOneMessageQueue(c *Instance, lastBroker string) MessageQueue {
	if lastBroker != "" {
		for range t.Queues {
			mq := t.Queues[pos(t.index.getAndIncrement(c), len(t.Queues))]
			if mq.BrokerName != lastBroker {
				return mq
			}
		}
	}
	return t.Queues[pos(t.index.getAndIncrement(c), len(t.Queues))]
}

// writeQueueNums is getQueueIdByBroker: the broker's write queue count, -1.
func (t *TopicPublishInfo) writeQueueNums(brokerName string) int {
	if t.Route == nil {
		return -1
	}
	for _, q := range t.Route.QueueDatas {
		if q.BrokerName == brokerName {
			return q.WriteQueueNums
		}
	}
	return -1
}

// newPublishInfo is topicRouteData2TopicPublishInfo (facts §3.3).
func newPublishInfo(topic string, route *model.TopicRouteData) *TopicPublishInfo {
	info := &TopicPublishInfo{Route: route}
	qds := append([]model.QueueData(nil), route.QueueDatas...)
	sort.SliceStable(qds, func(i, j int) bool { return qds[i].BrokerName < qds[j].BrokerName })
	for _, qd := range qds {
		if qd.Perm&model.PermWrite == 0 {
			continue
		}
		bd := findBrokerData(route, qd.BrokerName)
		if bd == nil || bd.BrokerAddrs[0] == "" {
			continue // no master: not writable (§3.3)
		}
		for i := 0; i < qd.WriteQueueNums; i++ {
			info.Queues = append(info.Queues, MessageQueue{Topic: topic, BrokerName: qd.BrokerName, QueueID: i})
		}
	}
	return info
}

// newSubscribeInfo is topicRouteData2TopicSubscribeInfo: the read queues
// of every readable QueueData, even without a known addr (facts §3.3),
// sorted.
func newSubscribeInfo(topic string, route *model.TopicRouteData) []MessageQueue {
	var out []MessageQueue
	for _, qd := range route.QueueDatas {
		if qd.Perm&model.PermRead == 0 {
			continue
		}
		for i := 0; i < qd.ReadQueueNums; i++ {
			out = append(out, MessageQueue{Topic: topic, BrokerName: qd.BrokerName, QueueID: i})
		}
	}
	sortQueues(out)
	return out
}

func findBrokerData(route *model.TopicRouteData, name string) *model.BrokerData {
	for i := range route.BrokerDatas {
		if route.BrokerDatas[i].BrokerName == name {
			return &route.BrokerDatas[i]
		}
	}
	return nil
}

// faultStrategy is MQFaultStrategy with LatencyFaultToleranceImpl (facts
// §4.3): with sendLatencyFaultEnable a broker whose last send took ≥
// latencyMax[i] is avoided for notAvailableDuration[i]; an exception counts
// as 30 s.
type faultStrategy struct {
	enabled bool
	items   map[string]*faultItem
}

type faultItem struct {
	name       string
	latency    time.Duration
	startAfter sim.Time
}

var (
	latencyMax           = []time.Duration{50, 100, 550, 1000, 2000, 3000, 15000}
	notAvailableDuration = []time.Duration{0, 0, 30000, 60000, 120000, 180000, 600000}
)

func (f *faultStrategy) updateFaultItem(now sim.Time, broker string, latency time.Duration, isolation bool) {
	if !f.enabled {
		return
	}
	if isolation {
		latency = 30 * time.Second
	}
	var d time.Duration
	for i := len(latencyMax) - 1; i >= 0; i-- {
		if latency >= latencyMax[i]*time.Millisecond {
			d = notAvailableDuration[i] * time.Millisecond
			break
		}
	}
	if f.items == nil {
		f.items = map[string]*faultItem{}
	}
	it := f.items[broker]
	if it == nil {
		it = &faultItem{name: broker}
		f.items[broker] = it
	}
	it.latency, it.startAfter = latency, now.Add(d)
}

func (f *faultStrategy) isAvailable(now sim.Time, broker string) bool {
	it := f.items[broker]
	return it == nil || now >= it.startAfter
}

// pickOneAtLeast is LatencyFaultToleranceImpl.pickOneAtLeast: of the
// known items sorted best first (available, then lower latency, then
// earlier recovery), a random one of the better half.
func (f *faultStrategy) pickOneAtLeast(c *Instance) string {
	if len(f.items) == 0 {
		return ""
	}
	now := c.p.Now()
	items := make([]*faultItem, 0, len(f.items))
	for _, k := range slices.Sorted(maps.Keys(f.items)) {
		items = append(items, f.items[k])
	}
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i], items[j]
		if av, bv := now >= a.startAfter, now >= b.startAfter; av != bv {
			return av
		}
		if a.latency != b.latency {
			return a.latency < b.latency
		}
		return a.startAfter < b.startAfter
	})
	half := len(items) / 2
	if half <= 0 {
		return items[0].name
	}
	return items[c.rand().IntN(half)].name
}

// selectOneMessageQueue is MQFaultStrategy.selectOneMessageQueue.
func (f *faultStrategy) selectOneMessageQueue(c *Instance, t *TopicPublishInfo, lastBroker string) MessageQueue {
	if !f.enabled {
		return t.selectOneMessageQueue(c, lastBroker)
	}
	now := c.p.Now()
	index := t.index.getAndIncrement(c)
	for range t.Queues {
		mq := t.Queues[pos(index, len(t.Queues))]
		index++
		if f.isAvailable(now, mq.BrokerName) {
			return mq
		}
	}
	notBest := f.pickOneAtLeast(c)
	if n := t.writeQueueNums(notBest); n > 0 {
		mq := t.selectOneMessageQueue(c, "")
		if notBest != "" {
			mq.BrokerName = notBest
			mq.QueueID = int(t.index.getAndIncrement(c)) % n
		}
		return mq
	}
	delete(f.items, notBest)
	return t.selectOneMessageQueue(c, "")
}
