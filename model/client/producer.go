package client

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"rmqsim/model"
	"rmqsim/sim"
)

// Mode is the CommunicationMode of a send.
type Mode int

// Send modes.
const (
	Sync Mode = iota
	Async
	Oneway
)

// ParseMode maps a program spec's mode ("", "sync", "async", "oneway").
func ParseMode(s string) Mode {
	switch s {
	case "async":
		return Async
	case "oneway":
		return Oneway
	}
	return Sync
}

// Send statuses (SendStatus). StatusOneway marks a oneway send that
// returned without exception (it has no result, facts §4.4).
const (
	StatusSendOK            = "SEND_OK"
	StatusFlushDiskTimeout  = "FLUSH_DISK_TIMEOUT"
	StatusFlushSlaveTimeout = "FLUSH_SLAVE_TIMEOUT"
	StatusSlaveNotAvailable = "SLAVE_NOT_AVAILABLE"
	StatusOneway            = "ONEWAY"
)

// SendResult is what send() returns (CL/producer/SendResult).
type SendResult struct {
	Status      string
	MsgID       string // UNIQ_KEY
	OffsetMsgID string // store host + commit-log offset
	Queue       MessageQueue
	QueueOffset int64
}

// Producer is DefaultMQProducer/DefaultMQProducerImpl (facts §4).
type Producer struct {
	c       *Instance
	group   string
	cfg     model.ProducerConfig
	records bool // application producers write history; the inner one does not
	publish map[string]*TopicPublishInfo
	fault   faultStrategy
	state   serviceState
	async   *sim.Executor
	goIndex map[string]uint32
}

// NewProducer makes a producer of group on instance c (not started).
func NewProducer(c *Instance, group string) *Producer { return newProducer(c, group, true) }

func newProducer(c *Instance, group string, records bool) *Producer {
	return &Producer{c: c, group: group, cfg: c.cfg.Producer, records: records,
		publish: map[string]*TopicPublishInfo{}, fault: faultStrategy{enabled: c.cfg.Producer.SendLatencyFaultEnable},
		goIndex: map[string]uint32{}}
}

// Instance is the producer's client instance.
func (p *Producer) Instance() *Instance { return p.c }

// Start is DefaultMQProducerImpl.start (§4.1): registers the group, adds
// an empty TBW102 entry, starts the instance and sends heartbeats (none
// while no broker is known). It makes no nameserver call, so it succeeds
// with every nameserver down. done runs when start() returns.
func (p *Producer) Start(done func()) {
	if p.state != createJust {
		done()
		return
	}
	p.register()
	p.c.Start()
	p.c.sendHeartbeatToAllBrokerWithLock(done)
}

func (p *Producer) register() {
	p.state = running
	p.c.producers[p.group] = p
	if !p.c.goClient {
		p.publish[p.cfg.CreateTopicKey] = &TopicPublishInfo{}
	}
	cpus := 4 // Runtime.availableProcessors() of the client host (assumed)
	p.async = p.c.p.Executor("AsyncSenderExecutor_"+p.group, cpus)
}

// startInner is start(false) of the instance's inner producer.
func (p *Producer) startInner() {
	if p.state == createJust {
		p.register()
	}
}

// Shutdown is DefaultMQProducerImpl.shutdown: unregister the group from
// every known broker (3000 ms each, sequential), then shut the instance
// down if nothing else uses it (Instance.Shutdown: a second round for
// CLIENT_INNER_PRODUCER).
func (p *Producer) Shutdown(done func()) {
	if p.state != running {
		done()
		return
	}
	p.state = shutdownAlready
	p.c.unregisterClient(p.group, "", func() {
		delete(p.c.producers, p.group)
		p.c.Shutdown(done)
	})
}

func (p *Producer) publishTopicList() []string { return slices.Sorted(maps.Keys(p.publish)) }

func (p *Producer) updateTopicPublishInfo(topic string, info *TopicPublishInfo) {
	p.publish[topic] = info
}

func (p *Producer) isPublishTopicNeedUpdate(topic string) bool {
	info, ok := p.publish[topic]
	return ok && !info.ok()
}

// PublishInfo returns the cached publish info of topic (tests, observers).
func (p *Producer) PublishInfo(topic string) *TopicPublishInfo { return p.publish[topic] }

// sendCall is one send() in flight.
type sendCall struct {
	p           *Producer
	msg         model.Message
	mode        Mode
	index       int
	timeout     time.Duration
	begin       sim.Time
	info        *TopicPublishInfo
	fetched     bool
	callTimeout bool
	times       int
	// brokersSent[times-1] is the last attempt's broker: each attempt
	// of the loop fills brokersSent[times], then times grows by one.
	brokersSent []string
	sentBuf     [3]string // brokersSent's array for up to 3 attempts (the default)
	lastErr     *Exception
	result      *SendResult
	asyncTimes  int
	attempts    int // attempts made (SendAttempt records)
	// returned is async sendDefaultImpl's return; nil for Sync and
	// Oneway, whose send() returns through finish (see ret).
	returned func(*SendResult, *Exception)
	// cb is Send's caller's callback, run by finish.
	cb func(*SendResult, *Exception)
	// completed is the async SendCallback (onSuccess / onException).
	completed func(*SendResult, *Exception)
}

// Send is send(msg) in the given mode; index numbers the message for the
// history (Key is the body). cb runs when send() returns for Sync and
// Oneway, and when the SendCallback runs for Async (send() itself returns
// at once). It records SendAttempt, SendAttemptFail and SendReturn.
func (p *Producer) Send(msg model.Message, mode Mode, index int, cb func(*SendResult, *Exception)) {
	s := &sendCall{p: p, msg: msg, mode: mode, index: index, timeout: p.cfg.SendMsgTimeout, begin: p.c.p.Now(), cb: cb}
	if p.c.goClient {
		p.goSend(s, s.finish)
		return
	}
	if mode != Async {
		// returned stays nil: ret calls finish directly, so a
		// synchronous send allocates no closure for its return.
		p.sendDefaultImpl(s)
		return
	}
	finish := s.finish
	s.completed = finish
	p.async.Submit("asyncSend", func(done func()) {
		cost := p.c.p.Now().Sub(s.begin).Milliseconds()
		if s.timeout.Milliseconds() <= cost {
			done()
			finish(nil, &Exception{Class: ClassRemotingTooMuchRequest, Msg: "DEFAULT ASYNC send call timeout"})
			return
		}
		s.timeout -= time.Duration(cost) * time.Millisecond
		s.begin = p.c.p.Now()
		s.returned = func(_ *SendResult, ex *Exception) {
			done()
			if ex != nil {
				finish(nil, ex)
			}
		}
		p.sendDefaultImpl(s)
	})
}

// finish is send()'s return to the caller: the SendReturn record, then cb.
func (s *sendCall) finish(r *SendResult, ex *Exception) {
	s.p.recordReturn(s, r, ex)
	s.cb(r, ex)
}

// ret is sendDefaultImpl's return: to returned when set (async), else
// straight to finish (Sync and Oneway).
func (s *sendCall) ret(r *SendResult, ex *Exception) {
	if s.returned != nil {
		s.returned(r, ex)
		return
	}
	s.finish(r, ex)
}

// sendDefaultImpl (§4.2): one sendMsgTimeout budget from before the route
// lookup, shared by every attempt.
func (p *Producer) sendDefaultImpl(s *sendCall) {
	if p.state != running {
		s.ret(nil, newMQClientException("The producer service state not OK, "+stateName(p.state)+suggestTodo(), nil))
		return
	}
	// tryToFindTopicPublishInfo's cached case, without its callback's
	// allocation.
	if info := p.publish[s.msg.Topic]; info.ok() {
		p.sendWithRoute(s, info, false, nil)
		return
	}
	p.tryToFindTopicPublishInfo(s.msg.Topic, func(info *TopicPublishInfo, fetched bool, ise *Exception) {
		p.sendWithRoute(s, info, fetched, ise)
	})
}

// sendWithRoute starts the retry loop once the publish info is known.
func (p *Producer) sendWithRoute(s *sendCall, info *TopicPublishInfo, fetched bool, ise *Exception) {
	if ise != nil {
		s.ret(nil, ise)
		return
	}
	if !info.ok() {
		s.ret(nil, noRouteException(s.msg.Topic))
		return
	}
	s.info, s.fetched = info, fetched
	total := 1
	if s.mode == Sync {
		total += p.cfg.RetryTimesWhenSendFailed
	}
	if total <= len(s.sentBuf) {
		s.brokersSent = s.sentBuf[:total]
	} else {
		s.brokersSent = make([]string, total)
	}
	p.attempt(s)
}

// tryToFindTopicPublishInfo (§4.2): a cached, usable publish info needs no
// nameserver; otherwise the topic is registered for polling and fetched,
// then TBW102's route is tried. fetched says a nameserver was asked.
func (p *Producer) tryToFindTopicPublishInfo(topic string, cb func(info *TopicPublishInfo, fetched bool, ise *Exception)) {
	info := p.publish[topic]
	if info.ok() {
		cb(info, false, nil)
		return
	}
	if info == nil {
		p.publish[topic] = &TopicPublishInfo{}
	}
	p.c.updateTopicRoute(topic, nil, func(_ bool, ise *Exception) {
		if ise != nil {
			cb(nil, true, ise)
			return
		}
		if info := p.publish[topic]; info.HaveRoute || info.ok() {
			cb(info, true, nil)
			return
		}
		p.c.updateTopicRoute(topic, p, func(_ bool, ise *Exception) {
			cb(p.publish[topic], true, ise)
		})
	})
}

// sendAttempt is one attempt of the retry loop: its queue, when it began
// and the SEND_MESSAGE request with its header, in one allocation; its
// methods are the attempt's callbacks (as closures, each was allocated
// apart, with the queue they shared).
type sendAttempt struct {
	s     *sendCall
	mq    MessageQueue
	begin sim.Time // beginTimestampPrev
	addr  string   // set once the broker is known
	req   model.Request
	body  model.SendMessageRequest
	inv   model.Invocation // a Sync attempt's remoting state, allocated with it
	// result is the attempt's SendResult, allocated with it: an attempt
	// makes at most one, and no SendResult is changed once made.
	result SendResult
}

// attempt runs attempt s.times of the retry loop of sendDefaultImpl.
func (p *Producer) attempt(s *sendCall) {
	if s.times == len(s.brokersSent) {
		p.sendFailed(s)
		return
	}
	last := ""
	if s.times > 0 {
		last = s.brokersSent[s.times-1]
	}
	mq := p.fault.selectOneMessageQueue(p.c, s.info, last)
	s.brokersSent[s.times] = mq.BrokerName
	beginPrev := p.c.p.Now()
	cost := beginPrev.Sub(s.begin).Milliseconds()
	if s.timeout.Milliseconds() < cost {
		s.callTimeout = true
		p.sendFailed(s)
		return
	}
	p.recordAttempt(s, mq)
	p.sendKernelImpl(&sendAttempt{s: s, mq: mq, begin: beginPrev}, s.timeout-time.Duration(cost)*time.Millisecond)
}

// done is the attempt's outcome: the result, the next attempt or the end
// of the loop.
func (a *sendAttempt) done(r *SendResult, ex *Exception) {
	s, mq := a.s, a.mq
	p := s.p
	latency := p.c.p.Now().Sub(a.begin)
	if ex == nil {
		p.fault.updateFaultItem(p.c.p.Now(), mq.BrokerName, latency, false)
		if s.mode == Sync && r.Status != StatusSendOK && p.cfg.RetryAnotherBrokerWhenNotStoreOK {
			s.result = r
			s.times++
			p.attempt(s)
			return
		}
		s.ret(r, nil)
		return
	}
	p.recordAttemptFail(s, mq, ex)
	switch {
	case ex.IsRemoting() || ex.Class == ClassMQClientException:
	case ex.Class == ClassMQBrokerException && retriedBrokerCode(model.ResponseCode(ex.Code)):
	case ex.Class == ClassMQBrokerException:
		p.fault.updateFaultItem(p.c.p.Now(), mq.BrokerName, latency, true)
		if s.result != nil {
			s.ret(s.result, nil)
		} else {
			s.ret(nil, ex) // thrown at once (§4.2)
		}
		return
	default:
		s.ret(nil, ex) // IllegalStateException and friends escape the loop
		return
	}
	p.fault.updateFaultItem(p.c.p.Now(), mq.BrokerName, latency, true)
	s.lastErr = ex
	s.times++
	// sendDefaultImpl logs each caught exception with its stack trace
	// before the next attempt; the model charges it exceptionLogCost,
	// so a wait that ended exactly at the budget is over it, as on a
	// real JVM (the strict "timeout < costTime" check, §4.2).
	p.c.p.After(exceptionLogCost, "", func() { p.attempt(s) })
}

// exceptionLogCost is the time a caught send exception costs (log.warn
// with a stack trace): 1 ms, a modelling choice (docs/rocketmq-notes.md).
const exceptionLogCost = time.Millisecond

// retriedBrokerCode: the broker codes sendDefaultImpl retries (§4.2).
func retriedBrokerCode(code model.ResponseCode) bool {
	switch code {
	case model.TopicNotExist, model.ServiceNotAvailable, model.SystemError,
		model.NoPermission, model.NoBuyerID, model.NotInCurrentUnit:
		return true
	}
	return false
}

// sendFailed ends the loop: "sendDefaultImpl call timeout" when the
// budget ran out before an attempt, else "Send [n] times, still failed".
func (p *Producer) sendFailed(s *sendCall) {
	if s.result != nil {
		s.ret(s.result, nil)
		return
	}
	if s.callTimeout {
		s.ret(nil, &Exception{Class: ClassRemotingTooMuchRequest, Msg: "sendDefaultImpl call timeout"})
		return
	}
	sent := make([]string, len(s.brokersSent))
	for i, b := range s.brokersSent {
		sent[i] = b
		if b == "" {
			sent[i] = "null"
		}
	}
	info := "Send [" + strconv.Itoa(s.times) + "] times, still failed, cost [" +
		strconv.FormatInt(p.c.p.Now().Sub(s.begin).Milliseconds(), 10) + "]ms, Topic: " + s.msg.Topic +
		", BrokersSent: [" + strings.Join(sent, ", ") + "]" + suggestTodo()
	ex := newMQClientException(info, s.lastErr)
	switch {
	case s.lastErr == nil:
	case s.lastErr.Class == ClassMQBrokerException:
		ex.Code = s.lastErr.Code
	case s.lastErr.Class == ClassRemotingConnect:
		ex.Code = clientErrorConnectBroker
	case s.lastErr.Class == ClassRemotingTimeout:
		ex.Code = clientErrorAccessBrokerTimed
	case s.lastErr.Class == ClassMQClientException:
		ex.Code = clientErrorBrokerNotExist
	}
	s.ret(nil, ex)
}

func stateName(s serviceState) string {
	return [...]string{"CREATE_JUST", "RUNNING", "SHUTDOWN_ALREADY"}[s]
}
