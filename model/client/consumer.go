package client

import (
	"maps"
	"slices"
	"sort"
	"strings"

	"rmqsim/history"
	"rmqsim/model"
	"rmqsim/sim"
)

// Consume statuses (ConsumeConcurrentlyStatus).
const (
	ConsumeSuccess = "CONSUME_SUCCESS"
	ReconsumeLater = "RECONSUME_LATER"
)

// Listener is a MessageListenerConcurrently: it gets one message (batch
// size 1) on a consume thread and calls done with its status when it
// returns ("" stands for a null return or an exception, both treated as
// RECONSUME_LATER, §5.6). The thread is held until done.
type Listener func(msg *model.MessageExt, done func(status string))

// RetryGroupTopicPrefix is MixAll.RETRY_GROUP_TOPIC_PREFIX.
const RetryGroupTopicPrefix = "%RETRY%"

// Message properties the consumer reads or writes (MessageConst).
const (
	PropertyRetryTopic        = "RETRY_TOPIC"
	PropertyReconsumeTime     = "RECONSUME_TIME"
	PropertyMaxReconsumeTimes = "MAX_RECONSUME_TIMES"
	PropertyDelayTimeLevel    = "DELAY"
	PropertyOriginMessageID   = "ORIGIN_MESSAGE_ID"
)

// PushConsumer is DefaultMQPushConsumer/DefaultMQPushConsumerImpl with
// RebalancePushImpl, ConsumeMessageConcurrentlyService and
// RemoteBrokerOffsetStore (facts §5), CLUSTERING model.
type PushConsumer struct {
	c             *Instance
	refSlab       []history.MsgRef // see msgRefs
	group         string
	cfg           model.ConsumerConfig
	subscriptions map[string]*model.SubscriptionData
	userTopics    []string
	subscribeInfo map[string][]MessageQueue
	processQueues map[MessageQueue]*ProcessQueue
	pullFromWhich map[MessageQueue]int64
	offsets       *offsetStore
	listener      Listener
	consumeExec   *sim.Executor
	state         serviceState
	// cleanDead: the cleanExpireMsg task threw and is suppressed (§5.6).
	cleanDead bool
	// queueScratch holds processQueues' sorted keys for a caller that
	// reads them before it returns and keeps none (the 5 s persist, the
	// rebalance), so they need no new slice each time.
	queueScratch []MessageQueue
	// wantScratch is queuesToDrop's set of assigned queues, cleared and
	// reused (only looked up, never ranged over).
	wantScratch map[MessageQueue]bool
	// mqAllScratch is rebalanceByTopic's sorted copy of the subscribe set.
	mqAllScratch []MessageQueue
}

// NewPushConsumer makes a push consumer of group on c (not started).
func NewPushConsumer(c *Instance, group string, listener Listener) *PushConsumer {
	pc := &PushConsumer{c: c, group: group, cfg: c.cfg.Consumer, listener: listener,
		subscriptions: map[string]*model.SubscriptionData{}, subscribeInfo: map[string][]MessageQueue{},
		processQueues: map[MessageQueue]*ProcessQueue{}, pullFromWhich: map[MessageQueue]int64{}}
	pc.offsets = &offsetStore{pc: pc, table: map[MessageQueue]int64{}}
	return pc
}

// Instance is the consumer's client instance.
func (pc *PushConsumer) Instance() *Instance { return pc.c }

// Group is the consumer group.
func (pc *PushConsumer) Group() string { return pc.group }

// Subscribe is subscribe(topic, subExpression): "*" or "TagA || TagB".
func (pc *PushConsumer) Subscribe(topic, subExpression string) {
	sub := &model.SubscriptionData{Topic: topic, SubString: subExpression}
	if subExpression != "" && subExpression != "*" {
		for _, t := range strings.Split(subExpression, "||") {
			if t = strings.TrimSpace(t); t != "" {
				sub.Tags = append(sub.Tags, t)
			}
		}
		sort.Strings(sub.Tags)
	} else {
		sub.SubString = "*"
	}
	pc.subscriptions[topic] = sub
	pc.userTopics = append(pc.userTopics, topic)
}

// Running reports whether the consumer is in state RUNNING.
func (pc *PushConsumer) Running() bool { return pc.state == running && pc.c.Running() }

// Start is DefaultMQPushConsumerImpl.start (§5.1): it adds the %RETRY%
// subscription, registers and starts the client (state RUNNING), then
// fetches the subscribed routes. If every nameserver is unreachable that
// fetch throws IllegalStateException: start() fails, but the consumer
// stays RUNNING with its timers alive. Otherwise it sends heartbeats and
// wakes the rebalance. cb gets start()'s exception (nil if none). The Go
// client instead shuts itself down with an error when a subscribed topic
// still has no route (§8).
func (pc *PushConsumer) Start(cb func(*Exception)) {
	if pc.state != createJust {
		cb(newMQClientException("The PushConsumer service state not OK, maybe started once, "+stateName(pc.state)+suggestTodo(), nil))
		return
	}
	retry := RetryGroupTopicPrefix + pc.group
	pc.subscriptions[retry] = &model.SubscriptionData{Topic: retry, SubString: "*"}
	threads := pc.cfg.ConsumeThreadMax
	if pc.c.goClient {
		threads = 20 // ConsumeGoroutineNums
	}
	pc.consumeExec = pc.c.p.Executor("ConsumeMessageThread_"+pc.group, threads)
	pc.startCleanExpireMsg()
	pc.c.consumers[pc.group] = pc
	pc.c.Start()
	pc.state = running
	if pc.c.goClient {
		pc.goStart(cb)
		return
	}
	topics := pc.subscriptionTopics()
	var next func(i int)
	next = func(i int) {
		if i < len(topics) {
			pc.c.updateTopicRoute(topics[i], nil, func(_ bool, ise *Exception) {
				if ise != nil {
					cb(ise)
					return
				}
				next(i + 1)
			})
			return
		}
		pc.c.sendHeartbeatToAllBrokerWithLock(func() {
			pc.c.rebalance.wakeup()
			cb(nil)
		})
	}
	next(0)
}

// Shutdown is DefaultMQPushConsumerImpl.shutdown (§5.7): persist the
// offsets, unregister from every broker (3000 ms each, which makes the
// brokers notify the group), shut the instance down.
func (pc *PushConsumer) Shutdown(done func()) {
	if pc.state != running {
		done()
		return
	}
	pc.state = shutdownAlready
	mqs := sortedQueueKeys(pc.processQueues)
	var next func(i int)
	next = func(i int) {
		if i < len(mqs) {
			pc.offsets.persist(mqs[i], "shutdown", func() { next(i + 1) })
			return
		}
		pc.c.unregisterClient("", pc.group, func() {
			delete(pc.c.consumers, pc.group)
			for _, mq := range mqs {
				pc.processQueues[mq].dropped = true
			}
			pc.c.Shutdown(done)
		})
	}
	next(0)
}

// subscriptionTopics lists subscriptionInner's topics in its
// ConcurrentHashMap order.
func (pc *PushConsumer) subscriptionTopics() []string {
	return javaHashOrder(slices.Sorted(maps.Keys(pc.subscriptions)))
}

func (pc *PushConsumer) consumerData() model.ConsumerData {
	cd := model.ConsumerData{GroupName: pc.group, ConsumeType: "CONSUME_PASSIVELY",
		MessageModel: pc.cfg.MessageModel, ConsumeFromWhere: pc.cfg.ConsumeFromWhere}
	for _, t := range slices.Sorted(maps.Keys(pc.subscriptions)) {
		cd.Subscriptions = append(cd.Subscriptions, *pc.subscriptions[t])
	}
	return cd
}

func (pc *PushConsumer) updateTopicSubscribeInfo(topic string, mqs []MessageQueue) {
	if _, ok := pc.subscriptions[topic]; ok {
		pc.subscribeInfo[topic] = mqs
	}
}

func (pc *PushConsumer) isSubscribeTopicNeedUpdate(topic string) bool {
	_, sub := pc.subscriptions[topic]
	_, have := pc.subscribeInfo[topic]
	return sub && !have
}

// persistConsumerOffset is the 5 s task for this consumer (§5.7).
func (pc *PushConsumer) persistConsumerOffset(done func()) {
	if pc.state != running {
		done()
		return
	}
	// persistAll reads assigned only before its first commit.
	pc.queueScratch = appendSortedQueueKeys(pc.queueScratch[:0], pc.processQueues)
	pc.offsets.persistAll(pc.queueScratch, done)
}

// ProcessQueues lists the queues the consumer holds now (tests, observers).
func (pc *PushConsumer) ProcessQueues() []MessageQueue { return sortedQueueKeys(pc.processQueues) }

// SubscribeInfo is the cached subscribe set of topic (tests, observers).
func (pc *PushConsumer) SubscribeInfo(topic string) []MessageQueue { return pc.subscribeInfo[topic] }

// ProcessQueueOf is the ProcessQueue held for mq, nil if none (tests,
// observers).
func (pc *PushConsumer) ProcessQueueOf(mq MessageQueue) *ProcessQueue { return pc.processQueues[mq] }
