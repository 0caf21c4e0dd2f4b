package broker

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"rmqsim/model"
	"rmqsim/sim"
)

// processPull is PullMessageProcessor.processRequest (§2.4, §2.6, §2.8).
// allowSuspend is false when the hold service re-runs a held request.
func (b *Broker) processPull(ch *sim.End, in *sim.Inbound, r *model.PullMessageRequest, allowSuspend bool) {
	resp, sub := b.pullCheck(r)
	if resp != nil {
		in.Reply(resp)
		return
	}
	res := b.store.getMessage(r.Topic, r.QueueID, r.QueueOffset, r.MaxMsgNums, sub)
	// A slave without slaveReadEnable sets PULL_RETRY_IMMEDIATELY first,
	// then the status switch overwrites it (§2.4): the code is the switch's.
	code := pullCode(res.status, r.QueueOffset)
	if code == model.PullOffsetMoved && b.role == RoleSlave {
		code = model.PullRetryImmediately // offsetCheckInSlave = false
	}
	if code == model.PullNotFound && allowSuspend && r.SysFlag&model.PullFlagSuspend != 0 {
		// Held: the response is made when the request runs again.
		hold := r.SuspendTimeout
		if !b.cfg.LongPollingEnable {
			hold = b.cfg.ShortPollingTimeMills
		}
		b.hold.suspendPullRequest(ch, in, r, sub, hold)
	} else {
		x := &pullReply{body: model.PullMessageResponse{NextBeginOffset: res.nextBeginOffset, MinOffset: res.minOffset, MaxOffset: res.maxOffset}}
		x.resp = model.Response{Code: code, Body: &x.body}
		if code == model.Success {
			x.body.Msgs = res.msgs
			b.stats.incGroupGetNums(r.ConsumerGroup, r.Topic, len(res.msgs))
		}
		in.Reply(&x.resp)
	}
	// Offsets carried by pulls are stored only by a master, and only on
	// the first run of the request (§2.4).
	if allowSuspend && r.SysFlag&model.PullFlagCommitOffset != 0 && b.role != RoleSlave {
		b.offsets.commitOffset(r.ConsumerGroup, r.Topic, r.QueueID, r.CommitOffset)
	}
}

// pullReply is a pull's response and its header, allocated together: one
// object instead of two for every pull.
type pullReply struct {
	resp model.Response
	body model.PullMessageResponse
}

// pullCheck is the processor's checks before the store is read: the
// subscription group, the topic and queue, and the subscription, which
// push consumers do not attach (postSubscriptionWhenPull = false), so it
// must come from this broker's heartbeat table (§2.8).
func (b *Broker) pullCheck(r *model.PullMessageRequest) (*model.Response, *model.SubscriptionData) {
	if _, ok := b.groups.findSubscriptionGroupConfig(r.ConsumerGroup); !ok {
		return &model.Response{Code: model.SubscriptionGroupNotExist,
			Remark: "subscription group [" + r.ConsumerGroup + "] does not exist"}, nil
	}
	tc, ok := b.topics.selectTopicConfig(r.Topic)
	if !ok {
		return &model.Response{Code: model.TopicNotExist, Remark: "topic[" + r.Topic + "] not exist, apply first please!" + applyTopicFAQ}, nil
	}
	if tc.Perm&model.PermRead == 0 {
		return &model.Response{Code: model.NoPermission, Remark: "the topic[" + r.Topic + "] pulling message is forbidden"}, nil
	}
	if r.QueueID < 0 || r.QueueID >= tc.ReadQueueNums {
		return &model.Response{Code: model.SystemError, Remark: "queueId[" + strconv.Itoa(r.QueueID) + "] is illegal, topic:[" + r.Topic + "]"}, nil
	}
	if r.SysFlag&model.PullFlagSubscription != 0 {
		return nil, BuildSubscriptionData(r.Topic, r.Subscription)
	}
	info := b.consumers.table[r.ConsumerGroup]
	if info == nil {
		return &model.Response{Code: model.SubscriptionNotExist, Remark: "the consumer's group info not exist" + sameGroupFAQ}, nil
	}
	sub := info.subscriptions[r.Topic]
	if sub == nil {
		return &model.Response{Code: model.SubscriptionNotExist, Remark: "the consumer's subscription not exist" + sameGroupFAQ}, nil
	}
	if sub.SubVersion < r.SubVersion {
		return &model.Response{Code: model.SubscriptionNotLatest, Remark: "the consumer's subscription not latest"}, nil
	}
	return nil, sub
}

const sameGroupFAQ = "\nSee http://rocketmq.apache.org/docs/faq/ for further details."

// pullCode is the status switch of PullMessageProcessor.
func pullCode(st getStatus, requested int64) model.ResponseCode {
	switch st {
	case getFound:
		return model.Success
	case getNoMatchedLogicQueue, getNoMessageInQueue:
		if requested != 0 {
			return model.PullOffsetMoved
		}
		return model.PullNotFound
	case getNoMatchedMessage:
		return model.PullRetryImmediately
	case getOffsetOverflowBadly, getOffsetTooSmall:
		return model.PullOffsetMoved
	default: // getOffsetOverflowOne
		return model.PullNotFound
	}
}

// BuildSubscriptionData is FilterAPI.buildSubscriptionData for TAG
// expressions: "*" or "" subscribes everything, else "A || B" is the tag
// set (sorted).
func BuildSubscriptionData(topic, subString string) *model.SubscriptionData {
	sd := &model.SubscriptionData{Topic: topic, SubString: subString}
	if subString == "" || subString == "*" {
		sd.SubString = "*"
		return sd
	}
	for _, t := range strings.Split(subString, "||") {
		if t = strings.TrimSpace(t); t != "" {
			sd.Tags = append(sd.Tags, t)
		}
	}
	sort.Strings(sd.Tags)
	return sd
}

// heldPull is a suspended PullRequest.
type heldPull struct {
	ch        *sim.End
	in        *sim.Inbound
	req       *model.PullMessageRequest
	sub       *model.SubscriptionData
	suspended sim.Time
	timeout   time.Duration
}

// PullRequestHoldService holds PULL_NOT_FOUND requests (§2.6): it
// rechecks them every 5 s (shortPollingTimeMills without long polling),
// and a new message on the master wakes its queue's requests at once
// (NotifyMessageArrivingListener). A request is answered when its queue
// has a matching message past its offset or when its hold expired.
type PullRequestHoldService struct {
	b *Broker
	// table holds each queue's held requests by value, in arrival order;
	// a listed queue has at least one.
	table map[queueKey][]heldPull
	// spare is the list of a queue whose requests were all answered, kept
	// for the next suspension: a long-polling consumer is suspended and
	// woken for nearly every message, and the list would be made anew.
	spare []heldPull
}

func newPullRequestHoldService(b *Broker) *PullRequestHoldService {
	return &PullRequestHoldService{b: b, table: map[queueKey][]heldPull{}}
}

func (h *PullRequestHoldService) start() {
	every := h.b.cfg.PullHoldRecheckInterval
	if !h.b.cfg.LongPollingEnable {
		every = h.b.cfg.ShortPollingTimeMills
	}
	h.b.p.Every(every, every, "", h.checkHoldRequest)
}

func (h *PullRequestHoldService) suspendPullRequest(ch *sim.End, in *sim.Inbound, r *model.PullMessageRequest, sub *model.SubscriptionData, timeout time.Duration) {
	key := queueKey{r.Topic, r.QueueID}
	list, ok := h.table[key]
	if !ok && h.spare != nil {
		list, h.spare = h.spare, nil
	}
	h.table[key] = append(list, heldPull{ch: ch, in: in, req: r, sub: sub, suspended: h.b.p.Now(), timeout: timeout})
}

// checkHoldRequest is the periodic recheck of every held queue.
func (h *PullRequestHoldService) checkHoldRequest() {
	if len(h.table) == 0 {
		return
	}
	keys := make([]queueKey, 0, len(h.table))
	for k := range h.table {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].topic != keys[j].topic {
			return keys[i].topic < keys[j].topic
		}
		return keys[i].queueID < keys[j].queueID
	})
	for _, k := range keys {
		h.notifyMessageArriving(k.topic, k.queueID, h.b.store.maxOffsetInQueue(k.topic, k.queueID), false)
	}
}

// notifyMessageArriving re-runs the held requests of a queue that now has
// a message past their offset (one matching their tags when checkTags:
// the arriving message's), or whose hold has expired. Only the master's
// puts call it with checkTags (the slave's dispatch does not).
func (h *PullRequestHoldService) notifyMessageArriving(topic string, queueID int, maxOffset int64, checkTags bool) {
	key := queueKey{topic, queueID}
	list := h.table[key]
	if len(list) == 0 {
		return
	}
	delete(h.table, key)
	// The list is off the table, so it is filtered in place: the kept
	// requests move to its front, in order.
	kept := 0
	now := h.b.p.Now()
	for i := range list {
		hp := list[i]
		if maxOffset > hp.req.QueueOffset && (!checkTags || h.matches(&hp, maxOffset)) || now >= hp.suspended.Add(hp.timeout) {
			h.b.processPull(hp.ch, hp.in, hp.req, false)
			continue
		}
		list[kept] = hp
		kept++
	}
	clear(list[kept:])
	keep := list[:kept]
	switch cur, ok := h.table[key]; {
	case kept == 0:
		h.spare = keep
	case ok: // requests held while these ran go first, as they are listed
		h.table[key] = append(cur, keep...)
	default:
		h.table[key] = keep
	}
}

// matches checks the newest message's tags (isMatchedByConsumeQueue on
// the arriving message's tags code).
func (h *PullRequestHoldService) matches(hp *heldPull, maxOffset int64) bool {
	q := h.b.store.queue(hp.req.Topic, hp.req.QueueID)
	return maxOffset-1 < int64(len(q)) && tagsMatch(hp.sub, q[maxOffset-1].Tags)
}

// shutdown drops held requests (their channels close with the server).
func (h *PullRequestHoldService) shutdown() { clear(h.table) }
