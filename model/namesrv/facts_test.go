package namesrv

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"rmqsim/model"
)

const s = time.Second

// TestFacts checks the nameserver against rocketmq-4.8-facts.md §1, one
// subtest per behaviour bullet, named after its §.
func TestFacts(t *testing.T) {
	t.Run("1.1_views_come_only_from_registrations", testViewsOnlyFromRegistrations)
	t.Run("1.2_register_adds_cluster_name_and_addr", testRegisterAddsClusterAndAddr)
	t.Run("1.2_same_addr_with_new_id_replaces_old_id", testSameAddrNewID)
	t.Run("1.2_queue_data_only_on_first_or_changed_version", testQueueDataOnFirstOrChanged)
	t.Run("1.2_slave_registration_creates_no_queue_data", testSlaveCreatesNoQueueData)
	t.Run("1.2_registration_refreshes_live_table", testRegistrationRefreshesLive)
	t.Run("1.2_slave_reply_carries_live_master_addrs", testSlaveReplyCarriesMaster)
	t.Run("1.3_route_is_queue_data_plus_broker_data_clones", testRouteIsQueueDataPlusClones)
	t.Run("1.3_topic_not_exist_17_with_remark", testTopicNotExist17)
	t.Run("1.4_scan_at_5s_then_every_10s", testScanSchedule)
	t.Run("1.4_scan_expires_unrefreshed_broker_at_120_to_130s", testScanExpires)
	t.Run("1.4_idle_channel_closed_after_120s", testIdleClose)
	t.Run("1.4_powered_off_broker_removed_after_120s", testPoweredOffRemoved)
	t.Run("1.4_killed_broker_removed_at_once", testKilledRemovedAtOnce)
	t.Run("1.4_master_gone_route_keeps_slave_only", testMasterGoneSlaveOnly)
	t.Run("1.4_unregister_broker_acts_like_channel_close", testUnregisterLikeClose)
	t.Run("1.5_restart_starts_empty_until_reregistration", testRestartEmpty)
	t.Run("1.5_kv_config_survives_restart", testKVSurvivesRestart)
}

func testViewsOnlyFromRegistrations(t *testing.T) {
	tw := newTestWorld(t, "nameserver01", "nameserver02")
	b := tw.fakeBroker("master01", "broker-a", 0, topic("T", 4))
	b.register("nameserver01")
	tw.runTo(1 * s)
	c := tw.client("client")
	mustSucceed(t, tw.route(c, "nameserver01", "T"), "route on the NS the broker registered with")
	if r := tw.route(c, "nameserver02", "T"); r.err != nil || r.resp.Code != model.TopicNotExist {
		t.Fatalf("other NS: want TOPIC_NOT_EXIST (NS never talk to each other), got %+v %v", r.resp, r.err)
	}
}

func testRegisterAddsClusterAndAddr(t *testing.T) {
	tw := newTestWorld(t, "nameserver01")
	b := tw.fakeBroker("master01", "broker-a", 0)
	r := b.register("nameserver01")
	tw.runTo(1 * s)
	resp := mustSucceed(t, r, "register")
	if res := resp.Body.(*model.RegisterBrokerResult); res.MasterAddr != "" || res.HAServerAddr != "" {
		t.Fatalf("master's reply carries addrs: %+v", res)
	}
	ci := tw.ns["nameserver01"].Routes().GetAllClusterInfo()
	if got := ci.ClusterAddrTable["MyRocketmq"]; len(got) != 1 || got[0] != "broker-a" {
		t.Fatalf("clusterAddrTable = %v", ci.ClusterAddrTable)
	}
	if got := ci.BrokerAddrTable["broker-a"].BrokerAddrs; got[0] != "master01:10911" || len(got) != 1 {
		t.Fatalf("brokerAddrs = %v", got)
	}
}

func testSameAddrNewID(t *testing.T) {
	tw := newTestWorld(t, "nameserver01")
	b := tw.fakeBroker("node01", "broker-a", 1)
	b.register("nameserver01")
	tw.runTo(1 * s)
	b.req.BrokerID = 0 // the slave is switched to master
	b.register("nameserver01")
	tw.runTo(2 * s)
	got := tw.ns["nameserver01"].Routes().GetAllClusterInfo().BrokerAddrTable["broker-a"].BrokerAddrs
	if len(got) != 1 || got[0] != "node01:10911" {
		t.Fatalf("brokerAddrs after slave→master switch = %v, want only 0=node01:10911", got)
	}
}

func testQueueDataOnFirstOrChanged(t *testing.T) {
	tw := newTestWorld(t, "nameserver01")
	b := tw.fakeBroker("master01", "broker-a", 0, topic("A", 4))
	b.register("nameserver01")
	tw.runTo(1 * s)
	c := tw.client("client")
	// Same dataVersion: a new topic in the body is ignored.
	b.req.Topics = []model.TopicConfig{topic("A", 4), topic("B", 4)}
	b.register("nameserver01")
	tw.runTo(2 * s)
	if r := tw.route(c, "nameserver01", "B"); r.resp.Code != model.TopicNotExist {
		t.Fatalf("B with unchanged dataVersion: want 17, got %v", r.resp.Code)
	}
	// Changed dataVersion: B is written.
	b.req.DataVersion.Counter++
	b.register("nameserver01")
	tw.runTo(4 * s)
	mustSucceed(t, tw.route(c, "nameserver01", "B"), "B after a dataVersion change")
	// Topics are never removed by a registration.
	b.req.DataVersion.Counter++
	b.req.Topics = []model.TopicConfig{topic("B", 4)}
	b.register("nameserver01")
	tw.runTo(6 * s)
	mustSucceed(t, tw.route(c, "nameserver01", "A"), "A after a registration without it")
}

func testSlaveCreatesNoQueueData(t *testing.T) {
	tw := newTestWorld(t, "nameserver01")
	b := tw.fakeBroker("slave01", "broker-a", 1, topic("T", 4))
	mustSucceed(t, func() *result { r := b.register("nameserver01"); tw.runTo(1 * s); return r }(), "slave register")
	c := tw.client("client")
	if r := tw.route(c, "nameserver01", "T"); r.resp.Code != model.TopicNotExist {
		t.Fatalf("route after slave-only registration: want 17, got %v", r.resp.Code)
	}
	got := tw.ns["nameserver01"].Routes().GetAllClusterInfo().BrokerAddrTable["broker-a"].BrokerAddrs
	if got[1] != "slave01:10911" {
		t.Fatalf("slave addr not registered: %v", got)
	}
}

func testRegistrationRefreshesLive(t *testing.T) {
	tw := newTestWorld(t, "nameserver01")
	b := tw.fakeBroker("master01", "broker-a", 0)
	b.register("nameserver01")
	tw.runTo(1 * s)
	first := tw.ns["nameserver01"].Routes().BrokerLive("master01:10911").LastUpdateTimestamp
	tw.at(30*s, func() { b.register("nameserver01") })
	tw.runTo(31 * s)
	second := tw.ns["nameserver01"].Routes().BrokerLive("master01:10911").LastUpdateTimestamp
	if second.Sub(first) < 29*s {
		t.Fatalf("lastUpdateTimestamp not refreshed: %v then %v", first, second)
	}
}

func testSlaveReplyCarriesMaster(t *testing.T) {
	tw := newTestWorld(t, "nameserver01")
	slave := tw.fakeBroker("slave01", "broker-a", 1)
	r1 := slave.register("nameserver01")
	tw.runTo(1 * s)
	if res := mustSucceed(t, r1, "slave").Body.(*model.RegisterBrokerResult); res.MasterAddr != "" || res.HAServerAddr != "" {
		t.Fatalf("no master yet: want null addrs, got %+v", res)
	}
	master := tw.fakeBroker("master01", "broker-a", 0)
	master.register("nameserver01")
	tw.runTo(2 * s)
	r2 := slave.register("nameserver01")
	tw.runTo(3 * s)
	res := mustSucceed(t, r2, "slave").Body.(*model.RegisterBrokerResult)
	if res.MasterAddr != "master01:10911" || res.HAServerAddr != "master01:10912" {
		t.Fatalf("slave reply = %+v, want the live master's addr and HA addr", res)
	}
}

func testRouteIsQueueDataPlusClones(t *testing.T) {
	tw := newTestWorld(t, "nameserver01")
	tw.fakeBroker("master01", "broker-a", 0, topic("T", 16)).register("nameserver01")
	tw.fakeBroker("slave01", "broker-a", 1).register("nameserver01")
	tw.fakeBroker("master02", "broker-b", 0, topic("T", 16)).register("nameserver01")
	tw.runTo(1 * s)
	c := tw.client("client")
	route := mustSucceed(t, tw.route(c, "nameserver01", "T"), "route").Body.(*model.TopicRouteData)
	want := "broker-a(r16 w16 p6) broker-b(r16 w16 p6) [broker-a 0=master01:10911 1=slave01:10911] [broker-b 0=master02:10911]"
	if got := string(route.Describe(nil)); got != want {
		t.Fatalf("route:\n got %s\nwant %s", got, want)
	}
	route.BrokerDatas[0].BrokerAddrs[0] = "changed"
	again := tw.ns["nameserver01"].Routes().PickupTopicRouteData("T")
	if again.BrokerDatas[0].BrokerAddrs[0] != "master01:10911" {
		t.Fatal("route's BrokerData is not a clone")
	}
}

func testTopicNotExist17(t *testing.T) {
	tw := newTestWorld(t, "nameserver01")
	c := tw.client("client")
	r := tw.route(c, "nameserver01", "topic_test_123")
	want := "No topic route info in name server for the topic: topic_test_123\nSee http://rocketmq.apache.org/docs/faq/ for further details."
	if r.resp.Code != 17 || r.resp.Remark != want {
		t.Fatalf("got code %d remark %q", r.resp.Code, r.resp.Remark)
	}
}

func testScanSchedule(t *testing.T) {
	tw := newTestWorld(t, "nameserver01")
	var buf bytes.Buffer
	tw.w.SetTraceWriter(&buf)
	tw.runTo(36 * s)
	var at []string
	for _, line := range strings.Split(buf.String(), "\n") {
		if strings.HasSuffix(line, "scanNotActiveBroker") {
			at = append(at, strings.Fields(line)[0])
		}
	}
	want := []string{"00:00:05.000000", "00:00:15.000000", "00:00:25.000000", "00:00:35.000000"}
	if strings.Join(at, ",") != strings.Join(want, ",") {
		t.Fatalf("scans at %v, want %v", at, want)
	}
}

// removedAt polls the route every second from..to and returns when it
// first answered TOPIC_NOT_EXIST (0 if never).
func removedAt(tw *testWorld, c *testClient, topic string, from, to time.Duration) time.Duration {
	var gone time.Duration
	for d := from; d <= to; d += s {
		tw.runTo(d)
		r := c.call(nsAddr("nameserver01"), model.GetRouteInfoByTopic, &model.GetRouteInfoRequest{Topic: topic})
		tw.runTo(d + 10*time.Millisecond)
		if gone == 0 && r.done && r.resp != nil && r.resp.Code == model.TopicNotExist {
			gone = d
		}
	}
	return gone
}

func testScanExpires(t *testing.T) {
	tw := newTestWorld(t, "nameserver01")
	b := tw.fakeBroker("master01", "broker-a", 0, topic("T", 4))
	b.register("nameserver01")
	// Keep the broker's channel busy without registering: only the scan
	// can remove it (the idle handler never fires).
	busy := b.c.p.Every(10*s, 10*s, "", func() { b.c.call(nsAddr("nameserver01"), model.GetBrokerClusterInfo, nil) })
	tw.at(125500*time.Millisecond, func() { busy.Stop() })
	c := tw.client("client")
	gone := removedAt(tw, c, "T", 110*s, 140*s)
	if gone < 121*s || gone > 131*s {
		t.Fatalf("removed at %v, want 120–130 s after the registration at 0 s (first scan past expiry: 125 s)", gone)
	}
	if b.c.rc.ChannelActive(nsAddr("nameserver01")) {
		t.Fatal("the scan did not close the broker's channel")
	}
}

func testIdleClose(t *testing.T) {
	tw := newTestWorld(t, "nameserver01")
	b := tw.fakeBroker("master01", "broker-a", 0, topic("T", 4))
	b.register("nameserver01")
	tw.runTo(119 * s)
	if !b.c.rc.ChannelActive(nsAddr("nameserver01")) {
		t.Fatal("channel closed before 120 s idle")
	}
	tw.runTo(121 * s)
	if b.c.rc.ChannelActive(nsAddr("nameserver01")) {
		t.Fatal("idle channel still open after 120 s")
	}
	if tw.ns["nameserver01"].Routes().BrokerLive("master01:10911") != nil {
		t.Fatal("idle close did not destroy the broker entry")
	}
}

func testPoweredOffRemoved(t *testing.T) {
	tw := newTestWorld(t, "nameserver01")
	b := tw.fakeBroker("master01", "broker-a", 0, topic("T", 4))
	b.register("nameserver01")
	tw.at(2*s, func() { b.c.host.PowerOff() })
	c := tw.client("client")
	gone := removedAt(tw, c, "T", 100*s, 140*s)
	if gone < 120*s || gone > 131*s {
		t.Fatalf("powered-off broker removed at %v, want ≈120–130 s after its registration", gone)
	}
}

func testKilledRemovedAtOnce(t *testing.T) {
	tw := newTestWorld(t, "nameserver01")
	b := tw.fakeBroker("master01", "broker-a", 0, topic("T", 4))
	b.register("nameserver01")
	tw.runTo(10 * s)
	c := tw.client("client")
	mustSucceed(t, tw.route(c, "nameserver01", "T"), "before kill")
	b.c.kill()
	tw.runTo(tw.w.Now().Duration() + 5*time.Millisecond)
	if r := tw.route(c, "nameserver01", "T"); r.resp.Code != model.TopicNotExist {
		t.Fatalf("killed broker still routed: %v", r.resp.Code)
	}
}

func testMasterGoneSlaveOnly(t *testing.T) {
	tw := newTestWorld(t, "nameserver01")
	m := tw.fakeBroker("master01", "broker-a", 0, topic("T", 4))
	sl := tw.fakeBroker("slave01", "broker-a", 1, topic("T", 4))
	m.register("nameserver01")
	sl.register("nameserver01")
	tw.runTo(5 * s)
	m.c.kill()
	tw.runTo(6 * s)
	c := tw.client("client")
	route := mustSucceed(t, tw.route(c, "nameserver01", "T"), "route after master death").Body.(*model.TopicRouteData)
	if got := string(route.Describe(nil)); got != "broker-a(r4 w4 p6) [broker-a 1=slave01:10911]" {
		t.Fatalf("route = %s, want QueueData kept and only the slave", got)
	}
	sl.c.kill()
	tw.runTo(8 * s)
	if r := tw.route(c, "nameserver01", "T"); r.resp.Code != model.TopicNotExist {
		t.Fatalf("empty BrokerData: want topic dropped, got %v", r.resp.Code)
	}
	if ci := tw.ns["nameserver01"].Routes().GetAllClusterInfo(); len(ci.ClusterAddrTable) != 0 || len(ci.BrokerAddrTable) != 0 {
		t.Fatalf("cluster info not emptied: %s", ci.Describe(nil))
	}
}

func testUnregisterLikeClose(t *testing.T) {
	tw := newTestWorld(t, "nameserver01")
	m := tw.fakeBroker("master01", "broker-a", 0, topic("T", 4))
	sl := tw.fakeBroker("slave01", "broker-a", 1)
	m.register("nameserver01")
	sl.register("nameserver01")
	tw.runTo(1 * s)
	unreg := func(b *fakeBroker) *result {
		return b.c.call(nsAddr("nameserver01"), model.UnregisterBroker, &model.UnregisterBrokerRequest{
			ClusterName: b.req.ClusterName, BrokerAddr: b.req.BrokerAddr, BrokerName: b.req.BrokerName, BrokerID: b.req.BrokerID})
	}
	unreg(m)
	tw.runTo(2 * s)
	c := tw.client("client")
	route := mustSucceed(t, tw.route(c, "nameserver01", "T"), "after master unregister").Body.(*model.TopicRouteData)
	if got := string(route.Describe(nil)); got != "broker-a(r4 w4 p6) [broker-a 1=slave01:10911]" {
		t.Fatalf("route = %s", got)
	}
	unreg(sl)
	tw.runTo(4 * s)
	if r := tw.route(c, "nameserver01", "T"); r.resp.Code != model.TopicNotExist {
		t.Fatalf("after both unregistered: want 17, got %v", r.resp.Code)
	}
}

func testRestartEmpty(t *testing.T) {
	tw := newTestWorld(t, "nameserver01")
	b := tw.fakeBroker("master01", "broker-a", 0, topic("T", 4))
	b.register("nameserver01")
	tw.runTo(1 * s)
	host := tw.w.Host("nameserver01")
	host.Kill("namesrv")
	host.Start("namesrv")
	c := tw.client("client")
	if r := tw.route(c, "nameserver01", "T"); r.resp.Code != model.TopicNotExist {
		t.Fatalf("restarted NS: want 17, got %v", r.resp.Code)
	}
	b.register("nameserver01") // its old channel is dead: the client reconnects
	tw.runTo(tw.w.Now().Duration() + s)
	mustSucceed(t, tw.route(c, "nameserver01", "T"), "after re-registration")
}

func testKVSurvivesRestart(t *testing.T) {
	tw := newTestWorld(t, "nameserver01")
	c := tw.client("client")
	kv := &model.KVConfigRequest{Namespace: "ORDER_TOPIC_CONFIG", Key: "T", Value: "broker-a:4"}
	mustSucceed(t, func() *result { r := c.call(nsAddr("nameserver01"), model.PutKVConfig, kv); tw.runTo(1 * s); return r }(), "put")
	host := tw.w.Host("nameserver01")
	host.Kill("namesrv")
	host.Start("namesrv")
	tw.runTo(2 * s) // the client sees the old channel's FIN
	if v, ok := tw.ns["nameserver01"].KV("ORDER_TOPIC_CONFIG", "T"); !ok || v != "broker-a:4" {
		t.Fatalf("KV after restart = %q %v", v, ok)
	}
	get := c.call(nsAddr("nameserver01"), model.GetKVConfig, &model.KVConfigRequest{Namespace: "ORDER_TOPIC_CONFIG", Key: "T"})
	tw.runTo(3 * s)
	if body := mustSucceed(t, get, "get").Body.(*model.KVConfigRequest); body.Value != "broker-a:4" {
		t.Fatalf("GET_KV_CONFIG = %+v", body)
	}
}
