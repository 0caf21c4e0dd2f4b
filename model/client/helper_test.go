package client

import (
	"sort"
	"strconv"
	"testing"
	"time"

	"rmqsim/history"
	"rmqsim/model"
	"rmqsim/sim"
)

// harness is a small world for client tests: two fake nameservers that
// answer canned routes, two fake broker masters that store, serve and
// track membership, and a client host whose "app" service the test boots.
// The fakes are deliberately simple (no long polling, no HA); the real
// servers are exercised by the conformance tests in model/cluster.
type harness struct {
	t       *testing.T
	w       *sim.World
	env     *model.Env
	h       *history.History
	routes  map[string]*model.TopicRouteData
	brokers map[string]*fakeBroker // by host
	nsCalls map[string]int         // route queries per nameserver host
	app     func(p *sim.Process)
}

const topic = "topic_test_123"

func newHarness(t *testing.T, mutate func(*model.Config)) *harness {
	cfg := model.DefaultConfig()
	if mutate != nil {
		mutate(&cfg)
	}
	cs := &model.ClusterSpec{
		Name:        "MyRocketmq",
		NameServers: []model.NodeSpec{{Host: "ns1", IP: "10.0.0.1"}, {Host: "ns2", IP: "10.0.0.2"}},
		Brokers: []model.BrokerGroupSpec{
			{BrokerName: "broker-a", Master: model.NodeSpec{Host: "ma", IP: "10.0.0.3"}},
			{BrokerName: "broker-b", Master: model.NodeSpec{Host: "mb", IP: "10.0.0.5"}},
		},
		ClientHosts: []model.NodeSpec{{Host: "cl", IP: "10.0.0.9"}},
	}
	w := sim.NewWorld(sim.Config{Seed: 7, Horizon: 2 * time.Hour})
	h := &history.History{}
	hs := &harness{t: t, w: w, env: &model.Env{Cfg: &cfg, Rec: model.NewRecorder(w, h), Cluster: cs}, h: h,
		routes: map[string]*model.TopicRouteData{}, brokers: map[string]*fakeBroker{}, nsCalls: map[string]int{}}
	for _, n := range cs.NameServers {
		host := w.AddHost(n.Host)
		name := n.Host
		host.AddService("namesrv", func(p *sim.Process) { hs.startNS(p, name) })
		host.Start("namesrv")
	}
	for _, b := range cs.Brokers {
		host := w.AddHost(b.Master.Host)
		fb := &fakeBroker{name: b.BrokerName, h: hs}
		hs.brokers[b.Master.Host] = fb
		host.AddService("broker", fb.start)
		host.Start("broker")
	}
	w.AddHost("cl").AddService("app", func(p *sim.Process) { hs.app(p) })
	hs.setRoute(topic, 16, "broker-a", "broker-b")
	return hs
}

// setRoute makes the nameservers answer topic with n queues on each broker.
func (hs *harness) setRoute(topicName string, n int, brokers ...string) {
	r := &model.TopicRouteData{}
	for _, b := range brokers {
		host := map[string]string{"broker-a": "ma", "broker-b": "mb"}[b]
		r.QueueDatas = append(r.QueueDatas, model.QueueData{BrokerName: b, ReadQueueNums: n, WriteQueueNums: n, Perm: 6})
		r.BrokerDatas = append(r.BrokerDatas, model.BrokerData{Cluster: "MyRocketmq", BrokerName: b,
			BrokerAddrs: map[int64]string{0: host + ":" + model.BrokerPort}})
	}
	hs.routes[topicName] = r
}

func (hs *harness) startNS(p *sim.Process, host string) {
	s := model.NewRemotingServer(p, model.NameServerPort, 0)
	s.OnRequest = func(ch *sim.End, in *sim.Inbound) {
		req := in.Msg.(*model.Request)
		if req.Code != model.GetRouteInfoByTopic {
			in.Reply(&model.Response{Code: model.RequestCodeNotSupported})
			return
		}
		hs.nsCalls[host]++
		t := req.Body.(*model.GetRouteInfoRequest).Topic
		if r := hs.routes[t]; r != nil {
			in.Reply(&model.Response{Code: model.Success, Body: cloneRoute(r)})
			return
		}
		in.Reply(&model.Response{Code: model.TopicNotExist, Remark: "No topic route info in name server for the topic: " + t})
	}
}

// startApp boots the client host's app service with fn.
func (hs *harness) startApp(fn func(p *sim.Process)) *sim.Process {
	hs.app = fn
	return hs.w.Host("cl").Start("app")
}

func (hs *harness) run(d time.Duration) { hs.w.RunUntil(sim.Time(d)) }

func (hs *harness) at(d time.Duration, fn func()) { hs.w.At(sim.Time(d), fn) }

// records returns the records of kind k.
func (hs *harness) records(k history.Kind) []history.Record {
	var out []history.Record
	for _, r := range hs.h.All() {
		if r.Kind == k {
			out = append(out, r)
		}
	}
	return out
}

// fakeBroker is a master that stores messages per queue and answers the
// client's requests; a pull with nothing new waits 1 s then answers
// PULL_NOT_FOUND.
type fakeBroker struct {
	name    string
	h       *harness
	queues  map[string][]*model.MessageExt // "topic/queue" → messages
	offsets map[string]int64               // "group/topic/queue" → offset
	members map[string]map[string]bool     // group → client ids
	sends   int
	// Test switches: answer SEND_MESSAGE with SYSTEM_BUSY, fail
	// CONSUMER_SEND_MSG_BACK, report these members instead of the real ones.
	busy         bool
	failSendBack bool
	fakeMembers  []string
	// queryOffsetCode, if set, answers every QUERY_CONSUMER_OFFSET (a code
	// the 4.8 broker never sends there).
	queryOffsetCode model.ResponseCode
}

func qkey(t string, q int) string { return t + "/" + strconv.Itoa(q) }

func (b *fakeBroker) start(p *sim.Process) {
	b.queues, b.offsets, b.members = map[string][]*model.MessageExt{}, map[string]int64{}, map[string]map[string]bool{}
	s := model.NewRemotingServer(p, model.BrokerPort, 0)
	s.OnRequest = func(ch *sim.End, in *sim.Inbound) { b.handle(p, in) }
}

func (b *fakeBroker) handle(p *sim.Process, in *sim.Inbound) {
	req := in.Msg.(*model.Request)
	ok := func(body any) { in.Reply(&model.Response{Code: model.Success, Body: body}) }
	switch req.Code {
	case model.SendMessage:
		r := req.Body.(*model.SendMessageRequest)
		if b.busy {
			in.Reply(&model.Response{Code: model.SystemBusy, Remark: "[PC_SYNCHRONIZED]broker busy"})
			return
		}
		b.sends++
		k := qkey(r.Topic, r.QueueID)
		m := &model.MessageExt{Message: r.Msg, BrokerName: b.name, QueueID: r.QueueID, QueueOffset: int64(len(b.queues[k])),
			OffsetMsgID: b.name + "-" + strconv.Itoa(b.sends)}
		b.queues[k] = append(b.queues[k], m)
		ok(&model.SendMessageResponse{MsgID: m.OffsetMsgID, QueueID: r.QueueID, QueueOffset: m.QueueOffset})
	case model.HeartBeat:
		hb := req.Body.(*model.HeartbeatData)
		for _, cd := range hb.ConsumerDatas {
			if b.members[cd.GroupName] == nil {
				b.members[cd.GroupName] = map[string]bool{}
			}
			b.members[cd.GroupName][hb.ClientID] = true
		}
		ok(nil)
	case model.UnregisterClient:
		r := req.Body.(*model.UnregisterClientRequest)
		delete(b.members[r.ConsumerGroup], r.ClientID)
		ok(nil)
	case model.GetConsumerListByGroup:
		g := req.Body.(*model.GetConsumerListByGroupRequest).ConsumerGroup
		if b.fakeMembers != nil {
			ok(&model.ConsumerList{IDs: b.fakeMembers})
			return
		}
		if b.members[g] == nil {
			in.Reply(&model.Response{Code: model.SystemError, Remark: "no consumer for this group, " + g})
			return
		}
		var ids []string
		for id := range b.members[g] {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		ok(&model.ConsumerList{IDs: ids})
	case model.QueryConsumerOffset:
		r := req.Body.(*model.QueryConsumerOffsetRequest)
		if b.queryOffsetCode != 0 {
			in.Reply(&model.Response{Code: b.queryOffsetCode, Remark: "query offset failed"})
			return
		}
		if off, have := b.offsets[r.ConsumerGroup+"/"+qkey(r.Topic, r.QueueID)]; have {
			ok(&model.QueryConsumerOffsetResponse{Offset: off})
			return
		}
		in.Reply(&model.Response{Code: model.QueryNotFound, Remark: "Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first"})
	case model.UpdateConsumerOffset:
		r := req.Body.(*model.UpdateConsumerOffsetRequest)
		b.offsets[r.ConsumerGroup+"/"+qkey(r.Topic, r.QueueID)] = r.CommitOffset
	case model.GetMaxOffset:
		r := req.Body.(*model.QueueOffsetRequest)
		ok(&model.QueueOffsetResponse{Offset: int64(len(b.queues[qkey(r.Topic, r.QueueID)]))})
	case model.PullMessage:
		b.pull(p, in, req.Body.(*model.PullMessageRequest))
	case model.ConsumerSendMsgBack:
		if b.failSendBack {
			in.Reply(&model.Response{Code: model.SystemError, Remark: "send back failed"})
			return
		}
		ok(nil)
	default:
		in.Reply(&model.Response{Code: model.RequestCodeNotSupported})
	}
}

func (b *fakeBroker) pull(p *sim.Process, in *sim.Inbound, r *model.PullMessageRequest) {
	if r.SysFlag&model.PullFlagCommitOffset != 0 {
		b.offsets[r.ConsumerGroup+"/"+qkey(r.Topic, r.QueueID)] = r.CommitOffset
	}
	msgs := b.queues[qkey(r.Topic, r.QueueID)]
	if r.QueueOffset < int64(len(msgs)) {
		end := min(int64(len(msgs)), r.QueueOffset+int64(r.MaxMsgNums))
		in.Reply(&model.Response{Code: model.Success, Body: &model.PullMessageResponse{
			NextBeginOffset: end, MaxOffset: int64(len(msgs)), Msgs: msgs[r.QueueOffset:end]}})
		return
	}
	p.After(time.Second, "", func() {
		in.Reply(&model.Response{Code: model.PullNotFound, Body: &model.PullMessageResponse{
			NextBeginOffset: r.QueueOffset, MaxOffset: int64(len(msgs))}})
	})
}

// stored counts the messages a fake broker holds for topic.
func (b *fakeBroker) stored(t string) int {
	n := 0
	for k, q := range b.queues {
		if len(k) > len(t) && k[:len(t)+1] == t+"/" {
			n += len(q)
		}
	}
	return n
}
