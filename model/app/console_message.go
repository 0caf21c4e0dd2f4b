package app

import (
	"sort"
	"time"

	"rmqsim/model"
	"rmqsim/model/client"
	"rmqsim/sim"
)

// The message page's query by topic and time (rocketmq-console
// service/impl/MessageServiceImpl.queryMessageByTopic and message.js;
// dashboard 1.0.0 MessageServiceImpl.queryFirstMessagePage and its
// message.js). Both run a DefaultMQPullConsumer of group TOOLS_CONSUMER
// (a client instance of its own), fetch the topic's queues from a
// nameserver, and per queue search the window's offsets on the master
// and pull 32 at a time; they differ in the window and in the count.

// Message-page profiles (console.profile).
const (
	ProfileRocketMQConsole = "rocketmq-console"
	ProfileDashboard100    = "dashboard-1.0.0"
)

// toolsConsumerGroup is MixAll.TOOLS_CONSUMER_GROUP.
const toolsConsumerGroup = "TOOLS_CONSUMER"

// messageWindow is the page's default window around entry: the time
// pickers start at moment() − 1 h … moment() + 1 h (rocketmq-console) or
// moment() − 3 h … moment() (dashboard 1.0.0), formatted 'YYYY-MM-DD
// HH:mm', so the bounds the query gets are whole wall-clock minutes.
func messageWindow(profile string, now sim.Time) (sim.Time, sim.Time) {
	floor := now - sim.Time(untilWallBack(now, time.Minute))
	if profile == ProfileDashboard100 {
		return floor.Add(-3 * time.Hour), floor
	}
	return floor.Add(-time.Hour), floor.Add(time.Hour)
}

// untilWallBack is how far now is past the last whole wall-clock period.
func untilWallBack(now sim.Time, period time.Duration) time.Duration {
	return (model.WallClockAtZero + now.Duration()) % period
}

// pullConsumer is the page's DefaultMQPullConsumer: its own remoting
// client and brokerAddrTable (filled by route updates).
type pullConsumer struct {
	*admin
	brokers map[string]model.BrokerData
}

// enterMessagePage is the person entering the page and querying topic at
// once over the default window, or the window the visit names.
func (d *Console) enterMessagePage(topic string, v model.ConsoleVisit) {
	begin, end := messageWindow(d.cfg.Profile, d.p.Now())
	if v.Window {
		begin, end = v.Begin, v.End
	}
	pc := &pullConsumer{admin: d.newAdmin(), brokers: map[string]model.BrokerData{}}
	finish := func(n int64, errText string) {
		pc.close()
		if errText != "" {
			d.failed(model.ViewMessagePage, topic, errText, false)
			return
		}
		d.loaded(model.ViewMessagePage, topic, map[string]int64{"messagePage/found/" + topic: n}, d.p.Now())
	}
	pc.route(topic, d.cfg.SearchOffsetTimeout, func(route *model.TopicRouteData, errText string) {
		if errText != "" {
			finish(0, "Can not find Message Queue for this topic, "+topic+": "+errText)
			return
		}
		mqs := subscribeQueues(topic, route)
		if len(mqs) == 0 {
			finish(0, "Can not find Message Queue for this topic, "+topic+" Namesrv return empty")
			return
		}
		if d.cfg.Profile == ProfileDashboard100 {
			d.countExactly(pc, topic, mqs, begin, end, finish)
			return
		}
		d.listCapped(pc, topic, mqs, begin, end, finish)
	})
}

type messageQueue struct {
	broker string
	queue  int
}

// subscribeQueues is MQClientInstance.topicRouteData2TopicSubscribeInfo:
// the read queues of every readable QueueData, in the iteration order of
// the HashSet it returns (MessageQueue.hashCode: 31-folded brokerName,
// queueId, topic; bucket order in a table doubled from 16 past 0.75).
func subscribeQueues(topic string, route *model.TopicRouteData) []messageQueue {
	var mqs []messageQueue
	for _, qd := range route.QueueDatas {
		if qd.Perm&model.PermRead == 0 {
			continue
		}
		for q := 0; q < qd.ReadQueueNums; q++ {
			mqs = append(mqs, messageQueue{qd.BrokerName, q})
		}
	}
	n := uint32(16)
	for uint32(len(mqs)) > n*3/4 {
		n *= 2
	}
	th := client.JavaStringHash(topic)
	bucket := func(mq messageQueue) uint32 {
		h := 31*(31*(31+client.JavaStringHash(mq.broker))+int32(mq.queue)) + th
		u := uint32(h)
		return (u ^ (u >> 16)) & (n - 1)
	}
	sort.SliceStable(mqs, func(i, j int) bool { return bucket(mqs[i]) < bucket(mqs[j]) })
	return mqs
}

// masterOf is findBrokerAddressInPublish, with MQAdminImpl.searchOffset's
// one route update when the broker is unknown; "" with the exception
// text when there is no master.
func (d *Console) masterOf(pc *pullConsumer, topic, broker string, cb func(addr, errText string)) {
	if a := pc.brokers[broker].BrokerAddrs[0]; a != "" {
		cb(a, "")
		return
	}
	pc.route(topic, d.ccfg.RouteQueryTimeout, func(route *model.TopicRouteData, errText string) {
		if errText == "" {
			for _, bd := range route.BrokerDatas {
				pc.brokers[bd.BrokerName] = bd
			}
		}
		if a := pc.brokers[broker].BrokerAddrs[0]; a != "" {
			cb(a, "")
			return
		}
		cb("", "The broker["+broker+"] not exist")
	})
}

// searchOffset is MQAdminImpl.searchOffset: SEARCH_OFFSET_BY_TIMESTAMP on
// the master (the nearest entry to ts, ConsumeQueue.getOffsetInQueueByTime).
func (d *Console) searchOffset(pc *pullConsumer, topic string, mq messageQueue, ts sim.Time, cb func(int64, string)) {
	d.masterOf(pc, topic, mq.broker, func(addr, errText string) {
		if errText != "" {
			cb(0, errText)
			return
		}
		req := &model.QueueOffsetRequest{Topic: topic, QueueID: mq.queue, Timestamp: ts}
		pc.call(addr, model.SearchOffsetByTimestamp, req, d.cfg.SearchOffsetTimeout, func(resp *model.Response, errText string) {
			if errText != "" {
				cb(0, "Invoke Broker["+addr+"] exception: "+errText)
				return
			}
			cb(resp.Body.(*model.QueueOffsetResponse).Offset, "")
		})
	})
}

// Pull statuses of a PullResult.
const (
	pullFound = iota
	pullNoNewMsg
	pullNoMatched
	pullOffsetIllegal
)

// pull is DefaultMQPullConsumer.pull(mq, "*", offset, n): a sync pull
// without suspension (the subscription attached) to the master, else any
// known address (findBrokerAddressInSubscribe), PullTimeout; a broker
// code other than the four pull statuses is an MQBrokerException.
func (d *Console) pull(pc *pullConsumer, topic string, mq messageQueue, offset int64, n int,
	cb func(status int, r *model.PullMessageResponse, errText string)) {
	bd := pc.brokers[mq.broker]
	addr := bd.BrokerAddrs[0]
	if addr == "" {
		if ids := model.SortedBrokerIDs(bd.BrokerAddrs); len(ids) > 0 {
			addr = bd.BrokerAddrs[ids[0]]
		}
	}
	if addr == "" {
		cb(0, nil, "The broker["+mq.broker+"] not exist")
		return
	}
	req := &model.Request{Code: model.PullMessage, Body: &model.PullMessageRequest{ConsumerGroup: toolsConsumerGroup,
		Topic: topic, QueueID: mq.queue, QueueOffset: offset, MaxMsgNums: n, SysFlag: model.PullFlagSubscription, Subscription: "*"}}
	pc.rc.InvokeSync(addr, req, d.cfg.PullTimeout, func(resp *model.Response, err error) {
		if err != nil {
			cb(0, nil, err.Error())
			return
		}
		r, _ := resp.Body.(*model.PullMessageResponse)
		switch resp.Code {
		case model.Success:
			cb(pullFound, r, "")
		case model.PullNotFound:
			cb(pullNoNewMsg, r, "")
		case model.PullRetryImmediately:
			cb(pullNoMatched, r, "")
		case model.PullOffsetMoved:
			cb(pullOffsetIllegal, r, "")
		default:
			cb(0, nil, "CODE: "+resp.Code.String()+" DESC: "+resp.Remark)
		}
	})
}

// listCapped is rocketmq-console's queryMessageByTopic: per queue, from
// searchOffset(begin) to searchOffset(end), pulls of 32 whose messages
// stored within [begin, end] join the list; a queue ends at NO_NEW_MSG,
// NO_MATCHED_MSG or OFFSET_ILLEGAL, silently at a pull exception
// (caught, break), and every queue ends at once while the list holds
// more than MessageQueryCap (checked before each pull): 2001–2032 shown.
// A searchOffset failure throws out of the query (a toast).
func (d *Console) listCapped(pc *pullConsumer, topic string, mqs []messageQueue, begin, end sim.Time, finish func(int64, string)) {
	var list int64
	failed := ""
	loop(len(mqs), func(i int, next func()) {
		if failed != "" {
			next()
			return
		}
		mq := mqs[i]
		d.searchOffset(pc, topic, mq, begin, func(minOff int64, errText string) {
			if errText != "" {
				failed = errText
				next()
				return
			}
			d.searchOffset(pc, topic, mq, end, func(maxOff int64, errText string) {
				if errText != "" {
					failed = errText
					next()
					return
				}
				var read func(offset int64)
				read = func(offset int64) {
					if offset > maxOff || list > int64(d.cfg.MessageQueryCap) {
						next()
						return
					}
					d.pull(pc, topic, mq, offset, d.cfg.MessagePullBatch, func(st int, r *model.PullMessageResponse, errText string) {
						if errText != "" || st != pullFound {
							next()
							return
						}
						for _, m := range r.Msgs {
							if m.StoreTimestamp >= begin && m.StoreTimestamp <= end {
								list++
							}
						}
						read(r.NextBeginOffset)
					})
				}
				read(minOff)
			})
		})
	}, func() { finish(list, failed) })
}

// countExactly is dashboard 1.0.0's queryFirstMessagePage: per queue
// [searchOffset(begin), searchOffset(end) + 1), its start moved past the
// messages stored before begin, its end moved back past those stored
// before begin (the source compares the end with begin too), and the
// total Σ end − start shown as the page's count. Any exception, a pull's
// included, throws out of the query (a toast).
func (d *Console) countExactly(pc *pullConsumer, topic string, mqs []messageQueue, begin, end sim.Time, finish func(int64, string)) {
	type span struct{ start, end int64 }
	spans := make([]span, len(mqs))
	failed := ""
	step := func(fn func(i int, next func())) func(i int, next func()) {
		return func(i int, next func()) {
			if failed != "" {
				next()
				return
			}
			fn(i, next)
		}
	}
	fail := func(errText string, next func()) { failed = errText; next() }
	offsets := step(func(i int, next func()) {
		d.searchOffset(pc, topic, mqs[i], begin, func(lo int64, errText string) {
			if errText != "" {
				fail(errText, next)
				return
			}
			d.searchOffset(pc, topic, mqs[i], end, func(hi int64, errText string) {
				if errText != "" {
					fail(errText, next)
					return
				}
				spans[i] = span{lo, hi + 1}
				next()
			})
		})
	})
	starts := step(func(i int, next func()) {
		start, hasData := spans[i].start, false
		var probe func()
		probe = func() {
			d.pull(pc, topic, mqs[i], start, d.cfg.MessagePullBatch, func(st int, r *model.PullMessageResponse, errText string) {
				if errText != "" {
					fail(errText, next)
					return
				}
				if st == pullFound {
					hasData = true
					for _, m := range r.Msgs {
						if m.StoreTimestamp >= begin {
							spans[i].start = start
							next()
							return
						}
						start++
					}
					probe()
					return
				}
				if !hasData {
					spans[i].end = spans[i].start
				}
				spans[i].start = start
				next()
			})
		}
		probe()
	})
	ends := step(func(i int, next func()) {
		sp := &spans[i]
		if sp.start == sp.end {
			next()
			return
		}
		e, pullOffset, size := sp.end, sp.end, d.cfg.MessagePullBatch
		var back func()
		back = func() {
			if pullOffset-int64(size) > sp.start {
				pullOffset -= int64(size)
			} else {
				pullOffset, size = sp.start, int(e-sp.start)
			}
			d.pull(pc, topic, mqs[i], pullOffset, size, func(st int, r *model.PullMessageResponse, errText string) {
				if errText != "" {
					fail(errText, next)
					return
				}
				more := false
				if st == pullFound {
					more = true
					for j := len(r.Msgs) - 1; j >= 0; j-- {
						if r.Msgs[j].StoreTimestamp >= begin {
							more = false
							break
						}
						e--
					}
				}
				if more && pullOffset != sp.start {
					back()
					return
				}
				sp.end = e
				next()
			})
		}
		back()
	})
	loop(len(mqs), offsets, func() {
		loop(len(mqs), starts, func() {
			loop(len(mqs), ends, func() {
				var total int64
				for _, sp := range spans {
					total += sp.end - sp.start
				}
				finish(total, failed)
			})
		})
	})
}
