package broker

import (
	"testing"
	"time"

	"rmqsim/history"
	"rmqsim/model"
)

func (c *tcluster) members(host, group string) []string {
	if info := c.brokers[host].consumers.table[group]; info != nil {
		return info.clientIDs()
	}
	return nil
}

func testScanNoNotify(t *testing.T) {
	c := newCluster(t, nil)
	c.start("nameserver01", "master01")
	c.runTo(12 * s)
	a, b := c.client(), c.client()
	a.p.Every(0, 30*s, "", func() { a.heartbeat(addrOf("master01"), testGroup, testTopic) })
	b.heartbeat(addrOf("master01"), testGroup, testTopic)
	// b keeps its channel busy but sends no more heartbeats.
	b.p.Every(10*s, 10*s, "", func() {
		b.call(addrOf("master01"), model.GetMaxOffset, &model.QueueOffsetRequest{Topic: testTopic}, 3*s)
	})
	c.runTo(13 * s)
	before := len(a.notified)
	c.runTo(140 * s)
	if got := c.members("master01", testGroup); len(got) != 2 {
		t.Fatalf("members at 140 s: %v (b's last heartbeat was at 12 s: not yet 120 s at the 131 s scan)", got)
	}
	c.runTo(142 * s)
	if got := c.members("master01", testGroup); len(got) != 1 || got[0] != a.id {
		t.Fatalf("members after the 141 s scan: %v, want only a", got)
	}
	if len(a.notified) != before {
		t.Fatalf("a notified at %v: the scan must not notify", a.notified[before:])
	}
}

func testCloseNotifies(t *testing.T) {
	c := newCluster(t, nil)
	c.start("nameserver01", "master01")
	c.runTo(12 * s)
	a, b := c.client(), c.client()
	a.heartbeat(addrOf("master01"), testGroup, testTopic)
	b.heartbeat(addrOf("master01"), testGroup, testTopic)
	c.runTo(20 * s)
	before := len(a.notified)
	b.kill()
	c.run(10 * ms)
	if len(a.notified) != before+1 || !near(a.notified[before], 20*s, 5*ms) {
		t.Fatalf("a notified at %v after b's channel closed at 20 s", a.notified)
	}
	if got := c.members("master01", testGroup); len(got) != 1 {
		t.Fatalf("members %v", got)
	}
}

func testIdleNotifies(t *testing.T) {
	c := newCluster(t, nil)
	c.start("nameserver01", "master01")
	c.runTo(12 * s)
	a, b := c.client(), c.client()
	a.p.Every(0, 30*s, "", func() { a.heartbeat(addrOf("master01"), testGroup, testTopic) })
	b.heartbeat(addrOf("master01"), testGroup, testTopic) // then silent
	c.runTo(13 * s)
	before := len(a.notified)
	c.runTo(135 * s)
	if len(a.notified) != before+1 || !near(a.notified[before], 132*s, 10*ms) {
		t.Fatalf("a notified at %v, want once when b's channel idles out at ≈132 s", a.notified[before:])
	}
}

func testHeartbeatCreates(t *testing.T) {
	c := newCluster(t, nil)
	c.start("nameserver01", "master01")
	c.runTo(12 * s)
	k := c.client()
	r := k.heartbeat(addrOf("master01"), "new_group", testTopic)
	c.run(50 * ms)
	wantCode(t, r, model.Success, "heartbeat")
	br := c.brokers["master01"]
	if _, ok := br.groups.table["new_group"]; !ok {
		t.Fatal("subscription group not created")
	}
	tc, ok := br.topics.selectTopicConfig("%RETRY%new_group")
	if !ok || tc.ReadQueueNums != 1 || tc.WriteQueueNums != 1 {
		t.Fatalf("%%RETRY%%new_group = %+v %v, want 1 queue", tc, ok)
	}
	if c.ns["nameserver01"].Routes().PickupTopicRouteData("%RETRY%new_group") == nil {
		t.Fatal("retry topic not registered (oneway)")
	}
}

func testHeartbeatNotifies(t *testing.T) {
	c := newCluster(t, nil)
	c.start("nameserver01", "master01")
	c.runTo(12 * s)
	a, b := c.client(), c.client()
	a.heartbeat(addrOf("master01"), testGroup, testTopic)
	c.run(s)
	if len(a.notified) != 1 {
		t.Fatalf("a's new channel: notified %v", a.notified)
	}
	b.heartbeat(addrOf("master01"), testGroup, testTopic)
	c.run(s)
	if len(a.notified) != 2 || len(b.notified) != 1 {
		t.Fatalf("b joins: a %v b %v, want both notified", a.notified, b.notified)
	}
	a.heartbeat(addrOf("master01"), testGroup, testTopic)
	c.run(s)
	if len(a.notified) != 2 || len(b.notified) != 1 {
		t.Fatal("an unchanged heartbeat notified")
	}
	a.heartbeat(addrOf("master01"), testGroup, testTopic, "other_topic")
	c.run(s)
	if len(a.notified) != 3 || len(b.notified) != 2 {
		t.Fatal("a subscription change did not notify the group")
	}
}

func testConsumerListPerBroker(t *testing.T) {
	c := newCluster(t, nil)
	c.start("nameserver01", "master01", "master02")
	c.runTo(12 * s)
	a, b := c.client(), c.client()
	a.heartbeat(addrOf("master01"), testGroup, testTopic)
	b.heartbeat(addrOf("master02"), testGroup, testTopic)
	c.run(s)
	list := func(host, group string) *result {
		r := a.call(addrOf(host), model.GetConsumerListByGroup, &model.GetConsumerListByGroupRequest{ConsumerGroup: group}, 3*s)
		c.run(s)
		return r
	}
	ids := wantCode(t, list("master01", testGroup), model.Success, "list").Body.(*model.ConsumerList).IDs
	if len(ids) != 1 || ids[0] != a.id {
		t.Fatalf("master01's members %v, want only a", ids)
	}
	resp := wantCode(t, list("master01", "unknown_group"), model.SystemError, "unknown group")
	if resp.Remark != "no consumer for this group, unknown_group" {
		t.Fatalf("remark %q", resp.Remark)
	}
}

func testMembershipLost(t *testing.T) {
	c := newCluster(t, nil)
	c.start("nameserver01", "master01")
	c.runTo(12 * s)
	k := c.client()
	k.heartbeat(addrOf("master01"), testGroup, testTopic)
	c.run(s)
	host := c.w.Host("master01")
	host.Kill("broker")
	host.Start("broker")
	c.run(3 * s)
	list := k.call(addrOf("master01"), model.GetConsumerListByGroup, &model.GetConsumerListByGroupRequest{ConsumerGroup: testGroup}, 3*s)
	pull := k.pull(addrOf("master01"), testGroup, testTopic, 0, 0, 0)
	c.run(s)
	wantCode(t, list, model.SystemError, "list after restart")
	wantCode(t, pull, model.SubscriptionNotExist, "pull after restart")
}

func testPullUnknownGroup(t *testing.T) {
	c := newCluster(t, nil)
	c.start("nameserver01", "master01")
	c.runTo(12 * s)
	k := c.client()
	r := k.pull(addrOf("master01"), "never_heartbeat", testTopic, 0, 0, 0)
	c.run(s)
	wantCode(t, r, model.SubscriptionNotExist, "pull of a group without heartbeat")
}

// sendBack stores message i with reconsumeTimes on master01 and sends it
// back for testGroup.
func sendBack(t *testing.T, c *tcluster, k *tclient, reconsume int) (orig *model.SendMessageResponse, at time.Duration) {
	t.Helper()
	req := sendReq(k, 1)
	req.ReconsumeTimes = reconsume
	r := k.call(addrOf("master01"), model.SendMessage, req, 3*s)
	c.run(s)
	orig = wantCode(t, r, model.Success, "send").Body.(*model.SendMessageResponse)
	back := k.call(addrOf("master01"), model.ConsumerSendMsgBack, &model.ConsumerSendMsgBackRequest{
		Offset: orig.CommitLogOffset, Group: testGroup, OriginMsgID: uniqKey(1), OriginTopic: testTopic, MaxReconsumeTimes: 16}, 5*s)
	c.run(100 * ms)
	wantCode(t, back, model.Success, "send back")
	return orig, back.at
}

func storedIn(c *tcluster, topic string) []history.Record {
	var out []history.Record
	for _, r := range c.records(history.Stored) {
		if r.Topic == topic {
			out = append(out, r)
		}
	}
	return out
}

func testSendBackRetry(t *testing.T) {
	c := newCluster(t, nil)
	c.start("nameserver01", "master01")
	c.runTo(12 * s)
	k := c.client()
	orig, at := sendBack(t, c, k, 0)
	sched := storedIn(c, ScheduleTopic)
	if len(sched) != 1 || sched[0].QueueID != 2 {
		t.Fatalf("schedule records %v, want one in queue 2 (level 3)", sched)
	}
	c.runTo(at + 9900*ms)
	if n := len(storedIn(c, "%RETRY%"+testGroup)); n != 0 {
		t.Fatal("retry delivered before 10 s")
	}
	c.runTo(at + 10100*ms)
	retry := storedIn(c, "%RETRY%"+testGroup)
	if len(retry) != 1 {
		t.Fatalf("retry records %v, want one 10 s after the send-back", retry)
	}
	m := c.brokers["master01"].store.lookMessageByOffset(retry[0].CommitLogOffset)
	if m.ReconsumeTimes != 1 || m.Properties[PropertyRetryTopic] != testTopic || m.Properties[PropertyOriginMessageID] != orig.MsgID {
		t.Fatalf("retry message: reconsume %d props %v", m.ReconsumeTimes, m.Properties)
	}
}

func testSendBackLevels(t *testing.T) {
	c := newCluster(t, nil)
	c.start("nameserver01", "master01")
	c.runTo(12 * s)
	k := c.client()
	_, at := sendBack(t, c, k, 15) // level 3 + 15 = 18: 2 h
	if sched := storedIn(c, ScheduleTopic); len(sched) != 1 || sched[0].QueueID != 17 {
		t.Fatalf("schedule records %v, want queue 17 (level 18)", sched)
	}
	c.runTo(at + 2*3600*s - s)
	if len(storedIn(c, "%RETRY%"+testGroup)) != 0 {
		t.Fatal("level 18 delivered before 2 h")
	}
	c.runTo(at + 2*3600*s + s)
	if len(storedIn(c, "%RETRY%"+testGroup)) != 1 {
		t.Fatal("level 18 not delivered after 2 h")
	}
}

func testSendBackDLQ(t *testing.T) {
	c := newCluster(t, nil)
	c.start("nameserver01", "master01")
	c.runTo(12 * s)
	k := c.client()
	sendBack(t, c, k, 16)
	dlq := storedIn(c, "%DLQ%"+testGroup)
	if len(dlq) != 1 || len(storedIn(c, ScheduleTopic)) != 0 {
		t.Fatalf("DLQ records %v", dlq)
	}
	tc, _ := c.brokers["master01"].topics.selectTopicConfig("%DLQ%" + testGroup)
	if tc.Perm != model.PermWrite || tc.WriteQueueNums != 1 {
		t.Fatalf("DLQ topic %+v, want 1 queue, write-only", tc)
	}
}
