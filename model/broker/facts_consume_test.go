package broker

import (
	"testing"

	"rmqsim/model"
)

func (k *tclient) updateOffset(host string, queueID int, off int64) *result {
	return k.call(addrOf(host), model.UpdateConsumerOffset, &model.UpdateConsumerOffsetRequest{
		ConsumerGroup: testGroup, Topic: testTopic, QueueID: queueID, CommitOffset: off}, 3*s)
}

func (k *tclient) queryOffset(host string, queueID int) *result {
	return k.call(addrOf(host), model.QueryConsumerOffset, &model.QueryConsumerOffsetRequest{
		ConsumerGroup: testGroup, Topic: testTopic, QueueID: queueID}, 5*s)
}

func queried(t *testing.T, r *result) int64 {
	t.Helper()
	return wantCode(t, r, model.Success, "query offset").Body.(*model.QueryConsumerOffsetResponse).Offset
}

func testOffsetPersistPeriod(t *testing.T) {
	c := newCluster(t, nil)
	c.start("nameserver01", "master01")
	k := c.client()
	// Persisted at 1 s + 10 s, then every 5 s: 11, 16, 21 s.
	c.at(12*s, func() { k.updateOffset("master01", 0, 10) })
	c.at(17*s, func() { k.updateOffset("master01", 0, 20) })
	c.runTo(19 * s)
	host := c.w.Host("master01")
	host.Kill("broker") // the 17 s commit was never persisted
	host.Start("broker")
	c.runTo(21 * s)
	q := k.queryOffset("master01", 0)
	c.run(s)
	if got := queried(t, q); got != 10 {
		t.Fatalf("offset after kill and restart = %d, want the one persisted at 16 s (10)", got)
	}
}

func testQueryStored(t *testing.T) {
	c := newCluster(t, nil)
	c.start("nameserver01", "master01")
	c.runTo(3 * s)
	k := c.client()
	k.updateOffset("master01", 4, 5)
	c.run(s)
	q := k.queryOffset("master01", 4)
	c.run(s)
	if got := queried(t, q); got != 5 {
		t.Fatalf("query = %d, want 5", got)
	}
}

func testQueryZero(t *testing.T) {
	c := newCluster(t, nil)
	c.start("nameserver01", "master01")
	c.runTo(3 * s)
	k := c.client()
	empty := k.queryOffset("master01", 4)
	c.run(s)
	if got := queried(t, empty); got != 0 {
		t.Fatalf("empty queue: %d, want 0", got)
	}
	k.sendTo(addrOf("master01"), testTopic, 4, 0)
	c.run(s)
	inMemory := k.queryOffset("master01", 4)
	c.run(s)
	if got := queried(t, inMemory); got != 0 {
		t.Fatalf("message 0 in memory: %d, want 0", got)
	}
}

func testQueryNotFound(t *testing.T) {
	// 40 % of 1000 bytes of RAM: message 0 leaves "memory" once the commit
	// log has grown 400 bytes past it (two more 202-byte records).
	c := newCluster(t, func(cfg *model.Config) { cfg.Broker.PhysicalMemory = 1000 })
	c.start("nameserver01", "master01")
	c.runTo(3 * s)
	k := c.client()
	for i := 0; i < 3; i++ {
		k.sendTo(addrOf("master01"), testTopic, 4, i)
		c.run(100 * ms)
	}
	q := k.queryOffset("master01", 4)
	c.run(s)
	resp := wantCode(t, q, model.QueryNotFound, "query with message 0 on disk")
	if resp.Remark != "Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first" {
		t.Fatalf("remark %q", resp.Remark)
	}
}

func testLongPollWake(t *testing.T) {
	c := newCluster(t, nil)
	c.start("nameserver01", "master01")
	c.runTo(12 * s)
	k := c.client()
	k.heartbeat(addrOf("master01"), testGroup, testTopic)
	c.run(100 * ms)
	r := k.pull(addrOf("master01"), testGroup, testTopic, 5, 0, model.PullFlagSuspend)
	c.at(14*s, func() { k.sendTo(addrOf("master01"), testTopic, 5, 0) })
	c.runTo(15 * s)
	body := wantCode(t, r, model.Success, "held pull").Body.(*model.PullMessageResponse)
	if len(body.Msgs) != 1 || !near(r.at, 14*s, 5*ms) {
		t.Fatalf("held pull answered at %v with %d msgs, want at the 14 s send with 1", r.at, len(body.Msgs))
	}
}

func testLongPollExpire(t *testing.T) {
	c := newCluster(t, nil)
	c.start("nameserver01", "master01")
	c.runTo(12 * s)
	k := c.client()
	k.heartbeat(addrOf("master01"), testGroup, testTopic)
	c.run(100 * ms)
	r := k.pull(addrOf("master01"), testGroup, testTopic, 5, 0, model.PullFlagSuspend)
	c.runTo(40 * s)
	wantCode(t, r, model.PullNotFound, "expired hold")
	// Held at 12.1 s for 15 s; rechecks at 1 s + 5 s·k: answered at 31 s.
	if !near(r.at, 31*s, 5*ms) {
		t.Fatalf("answered at %v, want the first recheck after the 15 s hold (31 s)", r.at)
	}
}

func testShortPoll(t *testing.T) {
	c := newCluster(t, func(cfg *model.Config) { cfg.Broker.LongPollingEnable = false })
	c.start("nameserver01", "master01")
	c.runTo(12500 * ms)
	k := c.client()
	k.heartbeat(addrOf("master01"), testGroup, testTopic)
	c.run(100 * ms)
	r := k.pull(addrOf("master01"), testGroup, testTopic, 5, 0, model.PullFlagSuspend)
	c.runTo(20 * s)
	wantCode(t, r, model.PullNotFound, "short poll")
	if !near(r.at, 14*s, 5*ms) {
		t.Fatalf("answered at %v, want after the 1 s hold at the next 1 s check (14 s)", r.at)
	}
}

func testSlaveHoldNotWoken(t *testing.T) {
	c := newCluster(t, nil)
	c.start("nameserver01", "master01", "slave01")
	c.runTo(30 * s)
	k := c.client()
	k.heartbeat(addrOf("slave01"), testGroup, testTopic)
	c.runTo(30200 * ms)
	r := k.pull(addrOf("slave01"), testGroup, testTopic, 8, 0, model.PullFlagSuspend)
	c.at(30500*ms, func() { k.sendTo(addrOf("master01"), testTopic, 8, 0) })
	c.runTo(40 * s)
	body := wantCode(t, r, model.Success, "held slave pull").Body.(*model.PullMessageResponse)
	if len(body.Msgs) != 1 || !near(r.at, 31*s, 5*ms) {
		t.Fatalf("slave pull answered at %v (%d msgs), want at its 31 s recheck", r.at, len(body.Msgs))
	}
}
