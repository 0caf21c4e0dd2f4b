package broker

import (
	"testing"

	"rmqsim/history"
	"rmqsim/model"
)

// replicated reports whether host's store holds the record at a
// commit-log offset.
func (c *tcluster) replicated(host string, phyOffset int64) bool {
	return c.brokers[host].store.lookMessageByOffset(phyOffset) != nil
}

func testSlaveRejectsWrites(t *testing.T) {
	c := newCluster(t, nil)
	c.start()
	c.runTo(13 * s)
	k := c.client()
	r := k.sendTo(addrOf("slave01"), testTopic, 0, 0)
	c.run(s)
	wantCode(t, r, model.ServiceNotAvailable, "send to a slave")
}

func testHAReportReconnect(t *testing.T) {
	c := newCluster(t, nil)
	c.start("nameserver01", "master01", "slave01")
	c.runTo(60 * s)
	reports := c.traceDurations("recv", "master01/broker <- slave01/broker", "HA_REPORT")
	if len(reports) < 4 {
		t.Fatalf("reports at %v", reports)
	}
	for i := 1; i < len(reports); i++ {
		if !near(reports[i]-reports[i-1], 5*s, 5*ms) {
			t.Fatalf("idle slave reports at %v, want every 5 s", reports)
		}
	}
	master := c.w.Host("master01")
	master.Kill("broker")
	c.at(62*s, func() { master.Start("broker") }) // HA listens again at 63 s
	c.runTo(80 * s)
	conns := c.traceDurations("connect", "slave01/broker -> master01:10912", "established")
	if len(conns) != 2 || !near(conns[1], 65*s, 10*ms) {
		t.Fatalf("HA connects at %v, want a reconnect 5 s after the refused one at 60 s", conns)
	}
}

func testSlaveNoNSNoHA(t *testing.T) {
	c := newCluster(t, nil)
	c.start("nameserver01", "master01", "slave01")
	c.runTo(30 * s)
	c.w.Host("nameserver01").Kill("namesrv")
	slave := c.w.Host("slave01")
	slave.Kill("broker")
	slave.Start("broker")
	c.runTo(40 * s)
	k := c.client()
	r := k.sendTo(addrOf("master01"), testTopic, 1, 0)
	c.runTo(90 * s)
	phy := wantCode(t, r, model.Success, "send").Body.(*model.SendMessageResponse).CommitLogOffset
	if c.replicated("slave01", phy) || c.brokers["slave01"].haClient.ch != nil {
		t.Fatal("a slave restarted while every nameserver is down replicates")
	}
	c.w.Host("nameserver01").Start("namesrv")
	c.runTo(150 * s)
	if !c.replicated("slave01", phy) {
		t.Fatal("slave does not replicate after a nameserver returned")
	}
}

func testHAMasterAddressOverride(t *testing.T) {
	c := newCluster(t, func(cfg *model.Config) { cfg.Broker.HAMasterAddress = "master01:10912" })
	c.start("master01", "slave01") // no nameserver
	c.runTo(10 * s)
	k := c.client()
	r := k.sendTo(addrOf("master01"), testTopic, 1, 0)
	c.runTo(20 * s)
	phy := wantCode(t, r, model.Success, "send").Body.(*model.SendMessageResponse).CommitLogOffset
	if !c.replicated("slave01", phy) {
		t.Fatal("haMasterAddress: slave does not replicate without a nameserver")
	}
}

func testAsyncMasterNoWait(t *testing.T) {
	c := newCluster(t, nil)
	c.start("nameserver01", "master01", "slave01")
	c.runTo(30 * s)
	c.w.Net().Partition([]string{"master01"}, []string{"slave01"})
	k := c.client()
	r := k.sendTo(addrOf("master01"), testTopic, 1, 0)
	c.run(10 * ms)
	wantCode(t, r, model.Success, "ASYNC_MASTER send with the slave cut off")
}

func testSyncMaster(t *testing.T) {
	c := newCluster(t, func(cfg *model.Config) { cfg.Broker.BrokerRole = RoleSyncMaster })
	c.start("nameserver01", "master01", "slave01")
	c.runTo(30 * s)
	k := c.client()
	ok := k.call(addrOf("master01"), model.SendMessage, sendReq(k, 1), 10*s)
	c.run(s)
	phy := wantCode(t, ok, model.Success, "SYNC_MASTER send").Body.(*model.SendMessageResponse).CommitLogOffset
	acks := c.traceDurations("recv", "master01/broker <- slave01/broker", "HA_REPORT")
	if !c.replicated("slave01", phy) || ok.at < acks[len(acks)-1] {
		t.Fatalf("reply at %v before the slave's ack at %v", ok.at, acks[len(acks)-1])
	}
	c.w.Net().Partition([]string{"master01"}, []string{"slave01"})
	start := c.now()
	slow := k.call(addrOf("master01"), model.SendMessage, sendReq(k, 2), 10*s)
	c.run(6 * s)
	wantCode(t, slow, model.FlushSlaveTimeout, "slave cut off")
	if !near(slow.at-start, 5*s, 5*ms) {
		t.Fatalf("FLUSH_SLAVE_TIMEOUT after %v, want syncFlushTimeout 5 s", slow.at-start)
	}
	c.w.Net().Heal()
	c.w.Host("slave01").Kill("broker")
	c.run(s)
	none := k.call(addrOf("master01"), model.SendMessage, sendReq(k, 3), 10*s)
	c.run(s)
	wantCode(t, none, model.SlaveNotAvailable, "no slave connected")
}

func sendReq(k *tclient, i int) *model.SendMessageRequest {
	return &model.SendMessageRequest{ProducerGroup: testGroup, Topic: testTopic, DefaultTopic: AutoCreateTopicKeyTopic,
		DefaultTopicQueueNums: 4, QueueID: 1, BornTimestamp: k.p.Now(), WaitStoreMsgOK: true,
		Msg: model.Message{Topic: testTopic, Tags: "TagA", Body: "NameServer Test", UniqKey: uniqKey(i)}}
}

func testSlaveSynchronize(t *testing.T) {
	c := newCluster(t, nil)
	c.start("nameserver01", "master01", "slave01")
	k := c.client()
	update := func(host string, off int64) {
		k.call(addrOf(host), model.UpdateConsumerOffset, &model.UpdateConsumerOffsetRequest{
			ConsumerGroup: testGroup, Topic: testTopic, QueueID: 0, CommitOffset: off}, 3*s)
	}
	slaveOffset := func() int64 {
		off, _ := c.brokers["slave01"].offsets.queryOffset(testGroup, testTopic, 0)
		return off
	}
	c.at(15*s, func() { update("master01", 7) })
	c.at(15*s, func() { k.sendTo(addrOf("master01"), "synced_topic", 0, 0) })
	c.runTo(23900 * ms) // syncAll runs at 1 s + 3 s, then every 10 s: 4, 14, 24, 34 s
	if slaveOffset() == 7 {
		t.Fatal("offset copied before the 24 s sync")
	}
	c.runTo(25 * s)
	if slaveOffset() != 7 {
		t.Fatalf("slave offset %d after the 24 s sync, want 7", slaveOffset())
	}
	if _, ok := c.brokers["slave01"].topics.selectTopicConfig("synced_topic"); !ok {
		t.Fatal("topics not copied")
	}
	update("slave01", 99) // accepted by the slave...
	c.runTo(26 * s)
	if slaveOffset() != 99 {
		t.Fatalf("UPDATE_CONSUMER_OFFSET to the slave not accepted: %d", slaveOffset())
	}
	c.runTo(35 * s) // ...and overwritten by the master's value at 34 s
	if slaveOffset() != 7 {
		t.Fatalf("slave offset %d after the 34 s sync, want the master's 7", slaveOffset())
	}
}

func testSlaveServesPulls(t *testing.T) {
	c := newCluster(t, nil)
	c.start("nameserver01", "master01", "slave01")
	c.runTo(30 * s)
	k := c.client()
	k.sendTo(addrOf("master01"), testTopic, 8, 0)
	k.heartbeat(addrOf("slave01"), testGroup, testTopic)
	c.runTo(31 * s)
	r := k.pull(addrOf("slave01"), testGroup, testTopic, 8, 0, 0)
	c.run(s)
	body := wantCode(t, r, model.Success, "pull from slave").Body.(*model.PullMessageResponse)
	if len(body.Msgs) != 1 || body.SuggestWhichBrokerID != 0 || body.NextBeginOffset != 1 {
		t.Fatalf("slave pull body %s", body.Describe(nil))
	}
	if n := len(c.records(history.Stored)); n != 2 {
		t.Fatalf("want one Stored on the master and one replica, got %d", n)
	}
}

func testSlaveIgnoresPullOffsets(t *testing.T) {
	c := newCluster(t, nil)
	c.start("nameserver01", "master01", "slave01")
	c.runTo(12 * s)
	k := c.client()
	k.heartbeat(addrOf("slave01"), testGroup, testTopic)
	k.heartbeat(addrOf("master01"), testGroup, testTopic)
	c.run(s)
	for _, host := range []string{"slave01", "master01"} {
		k.call(addrOf(host), model.PullMessage, &model.PullMessageRequest{ConsumerGroup: testGroup, Topic: testTopic,
			QueueID: 2, MaxMsgNums: 32, SysFlag: model.PullFlagCommitOffset, CommitOffset: 5, SubVersion: 1}, 30*s)
	}
	c.run(s)
	if off, ok := c.brokers["slave01"].offsets.queryOffset(testGroup, testTopic, 2); ok {
		t.Fatalf("slave stored a pull's offset %d", off)
	}
	if off, _ := c.brokers["master01"].offsets.queryOffset(testGroup, testTopic, 2); off != 5 {
		t.Fatalf("master did not store the pull's offset: %d", off)
	}
}
