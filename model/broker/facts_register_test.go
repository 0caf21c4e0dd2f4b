package broker

import (
	"testing"
	"time"

	"rmqsim/model"
)

// registrations returns when nsHost received REGISTER_BROKER from host.
func (c *tcluster) registrations(nsHost, host string) []time.Duration {
	return c.traceDurations("recv", nsHost+"/namesrv <- "+host+"/broker", "REGISTER_BROKER")
}

func testRegisterSchedule(t *testing.T) {
	c := newCluster(t, nil)
	c.start("nameserver01", "nameserver02", "master01")
	c.runTo(80 * s)
	got := c.registrations("nameserver01", "master01")
	if len(got) != 4 {
		t.Fatalf("registrations at %v, want 4 by 80 s", got)
	}
	// Start at 0, serving after startupTime (1 s): first at once, first
	// periodic 10 s after it returned, then every 30 s.
	if !near(got[0], 1*s, 5*ms) || !near(got[1]-got[0], 10*s, 5*ms) ||
		!near(got[2]-got[1], 30*s, 5*ms) || !near(got[3]-got[2], 30*s, 5*ms) {
		t.Fatalf("registrations at %v, want 1 s, +10 s, +30 s, +30 s", got)
	}
	if other := c.registrations("nameserver02", "master01"); len(other) != 4 {
		t.Fatalf("nameserver02 got %v: every round goes to all nameservers", other)
	}
}

func testRegisterPeriodClamp(t *testing.T) {
	for _, tc := range []struct{ set, want time.Duration }{{5 * s, 10 * s}, {120 * s, 60 * s}} {
		c := newCluster(t, func(cfg *model.Config) { cfg.Broker.RegisterNameServerPeriod = tc.set })
		c.start("nameserver01", "master01")
		c.runTo(200 * s)
		got := c.registrations("nameserver01", "master01")
		if len(got) < 4 || !near(got[3]-got[2], tc.want, 5*ms) {
			t.Fatalf("period %v: registrations at %v, want every %v", tc.set, got, tc.want)
		}
	}
}

func testRegisterFullTable(t *testing.T) {
	c := newCluster(t, nil)
	c.start("nameserver01", "master01")
	c.runTo(5 * s)
	ns := c.w.Host("nameserver01")
	ns.Kill("namesrv")
	ns.Start("namesrv") // comes back empty (§1.5)
	c.runTo(10 * s)
	if c.ns["nameserver01"].Routes().PickupTopicRouteData(testTopic) != nil {
		t.Fatal("restarted nameserver already has the route")
	}
	c.runTo(12 * s) // the first periodic registration (at ≈11 s) sends every topic
	for _, tc := range c.brokers["master01"].topics.sorted() {
		if c.ns["nameserver01"].Routes().PickupTopicRouteData(tc.TopicName) == nil {
			t.Fatalf("topic %s missing after a registration: the table must be sent in full", tc.TopicName)
		}
	}
}

func testRegisterParallel(t *testing.T) {
	c := newCluster(t, nil)
	c.w.Host("nameserver01").PowerOff() // connects to it time out after 3 s
	c.start("nameserver02", "master01")
	c.runTo(20 * s)
	got := c.registrations("nameserver02", "master01")
	// The live nameserver is not kept waiting by the dead one (parallel),
	// and the round ends when the dead one's connect fails (1 s + 3 s),
	// so the first periodic run is at 4 s + 10 s.
	if len(got) < 2 || !near(got[0], 1*s, 5*ms) || !near(got[1], 14*s, 10*ms) {
		t.Fatalf("nameserver02 registrations at %v, want ≈1 s and ≈14 s", got)
	}
}

func testRegisterTimeout(t *testing.T) {
	c := newCluster(t, nil)
	c.start("nameserver01", "nameserver02", "master01")
	c.runTo(5 * s)
	c.w.Host("nameserver01").PowerOff() // the channel goes stale: a black hole
	c.runTo(20 * s)
	got := c.traceDurations("timeout", "master01/broker")
	if len(got) != 1 || !near(got[0], 11*s+6*s, 10*ms) {
		t.Fatalf("timeouts at %v, want the periodic registration (≈11 s) to time out at 6 s", got)
	}
}

func testRegisterOnewayOnCreate(t *testing.T) {
	c := newCluster(t, nil)
	c.start("nameserver01", "nameserver02", "master01")
	c.runTo(15 * s)
	k := c.client()
	r := k.sendTo(addrOf("master01"), "brand_new_topic", 0, 0)
	c.run(50 * ms)
	wantCode(t, r, model.Success, "send to a new topic")
	for _, ns := range []string{"nameserver01", "nameserver02"} {
		if c.ns[ns].Routes().PickupTopicRouteData("brand_new_topic") == nil {
			t.Fatalf("%s has no route 50 ms after the topic was created", ns)
		}
	}
	oneway := c.traceTimes("recv", "<- master01/broker", "REGISTER_BROKER")
	withID := c.traceTimes("recv", "<- master01/broker", "req#", "REGISTER_BROKER")
	if len(oneway)-len(withID) != 2 {
		t.Fatalf("want one oneway registration per nameserver, trace has %d of %d without a request id",
			len(oneway)-len(withID), len(oneway))
	}
}

func testSlaveLearnsMaster(t *testing.T) {
	c := newCluster(t, nil)
	c.start()
	c.runTo(13 * s)
	sl := c.brokers["slave01"]
	if sl.haClient.MasterAddress() != "master01:10912" || sl.slaveSync.MasterAddr() != "master01:10911" {
		t.Fatalf("slave HA master %q, sync master %q", sl.haClient.MasterAddress(), sl.slaveSync.MasterAddr())
	}
}

func testNoReplyNoChange(t *testing.T) {
	c := newCluster(t, nil)
	c.start("master01", "slave01") // no nameserver at all
	c.runTo(60 * s)
	sl := c.brokers["slave01"]
	if sl.haClient.MasterAddress() != "" || sl.slaveSync.MasterAddr() != "" || sl.haClient.ch != nil {
		t.Fatalf("slave learned a master without any reply: %q %q", sl.haClient.MasterAddress(), sl.slaveSync.MasterAddr())
	}
}

func testGracefulShutdown(t *testing.T) {
	c := newCluster(t, nil)
	c.start("nameserver01", "nameserver02", "master01")
	c.runTo(15 * s)
	k := c.client()
	k.call(addrOf("master01"), model.UpdateConsumerOffset,
		&model.UpdateConsumerOffsetRequest{ConsumerGroup: testGroup, Topic: testTopic, QueueID: 3, CommitOffset: 42}, 3*s)
	c.runTo(18 * s)
	c.w.Host("nameserver01").PowerOff() // both channels go stale: each unregister waits 3 s
	c.w.Host("nameserver02").PowerOff()
	c.runTo(19 * s)
	c.w.Host("master01").Stop("broker", 10*s)
	c.runTo(40 * s)
	exit := c.traceDurations("proc", "master01/broker", "exit")
	if len(exit) != 1 || !near(exit[0], 25*s, 10*ms) {
		t.Fatalf("exit at %v, want ≈19 s + 2 × 3 s (unregistrations one after the other)", exit)
	}
	saved, _ := c.w.Host("master01").Disk().Blob(ConsumerOffsetPath).Read().(map[string]map[int]int64)
	if saved[testTopic+"@"+testGroup][3] != 42 {
		t.Fatalf("offsets not persisted at shutdown: %v", saved)
	}
}

func testKillNoUnregister(t *testing.T) {
	c := newCluster(t, nil)
	c.start("nameserver01", "master01", "slave01")
	c.runTo(15 * s)
	c.w.Host("master01").Kill("broker")
	c.runTo(16 * s)
	if got := c.traceTimes("UNREGISTER_BROKER"); len(got) != 0 {
		t.Fatalf("a killed broker unregistered: %v", got)
	}
	route := c.ns["nameserver01"].Routes().PickupTopicRouteData(testTopic)
	if route == nil || route.BrokerDatas[0].BrokerAddrs[0] != "" {
		t.Fatalf("route after the kill: %v (the channel close removes the master, §1.4)", route)
	}
}

func testTBW102(t *testing.T) {
	c := newCluster(t, nil)
	c.start("nameserver01", "master01")
	c.runTo(3 * s)
	tc, ok := c.brokers["master01"].topics.selectTopicConfig("TBW102")
	if !ok || tc.WriteQueueNums != 8 || tc.ReadQueueNums != 8 || tc.Perm != model.PermInherit|model.PermRead|model.PermWrite {
		t.Fatalf("TBW102 = %+v %v", tc, ok)
	}
	if c.ns["nameserver01"].Routes().PickupTopicRouteData("TBW102") == nil {
		t.Fatal("TBW102 not registered")
	}
}

func testAutoCreateTopic(t *testing.T) {
	c := newCluster(t, nil)
	c.start("nameserver01", "master01")
	c.runTo(3 * s)
	k := c.client()
	r := k.sendTo(addrOf("master01"), "auto_topic", 2, 0)
	c.run(s)
	wantCode(t, r, model.Success, "send")
	tc, _ := c.brokers["master01"].topics.selectTopicConfig("auto_topic")
	if tc.WriteQueueNums != 4 || tc.ReadQueueNums != 4 || tc.Perm != model.PermRead|model.PermWrite {
		t.Fatalf("auto_topic = %+v, want min(4, 8) queues, perm RW", tc)
	}
	saved, _ := c.w.Host("master01").Disk().Blob(TopicsPath).Read().([]model.TopicConfig)
	found := false
	for _, x := range saved {
		found = found || x.TopicName == "auto_topic"
	}
	if !found {
		t.Fatal("topics.json not rewritten")
	}
}

func testAutoCreateDisabled(t *testing.T) {
	c := newCluster(t, func(cfg *model.Config) { cfg.Broker.AutoCreateTopicEnable = false })
	c.start("nameserver01", "master01")
	c.runTo(3 * s)
	k := c.client()
	r := k.sendTo(addrOf("master01"), "auto_topic", 0, 0)
	c.run(s)
	resp := wantCode(t, r, model.TopicNotExist, "send without TBW102")
	if resp.Remark != "topic[auto_topic] not exist, apply first please!"+applyTopicFAQ {
		t.Fatalf("remark %q", resp.Remark)
	}
}
