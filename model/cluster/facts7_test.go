package cluster

import (
	"testing"
	"time"

	"rmqsim/history"
	"rmqsim/model"
)

// The console's pages (facts §7, §10.5; docs/rocketmq-notes.md
// "Console"): each test follows the source file it is named for.

func console() model.DashboardSpec {
	return model.DashboardSpec{Name: "d", Host: FieldClient, Topics: []string{FieldTopic}, Groups: []string{FieldGroup}}
}

// visit enters a page of console d at d.
func (r *tr) visit(at time.Duration, v model.ConsoleVisit) {
	r.at(at, func() { r.c.Dashboards["d"].Visit(v) })
}

// panel is the last Observe record of a panel at or before t.
func (r *tr) panel(name string, t time.Duration) *history.Record {
	var last *history.Record
	for _, rec := range r.recs(history.Observe, "d") {
		if rec.Detail == name && rec.At <= t {
			rec := rec
			last = &rec
		}
	}
	return last
}

func pin8(c *model.Config, _ *model.ClusterSpec) { c.Producer.SendWhichQueue = 8 }

// test7ClusterPage: cluster.js loads once on entry; TODAY_PRO_COUNT is
// msgPutTotalTodayNow − morning on every instance (a slave counts what it
// dispatched), TODAY_CUS_COUNT every message a getMessage returned
// (cluster.html; 4.8.0 BrokerStats, StoreStatsService). E1's 52 / 48.
func test7ClusterPage(t *testing.T) {
	r := newRun(t, Programs{Producers: []model.ProducerProgramSpec{FieldProducer("p", 0, 100)},
		Consumers: []model.ConsumerProgramSpec{FieldConsumer("c")}, Dashboards: []model.DashboardSpec{console()}}, pin8)
	r.at(5*time.Second, func() { r.c.StartProgram("d") })
	r.at(6*time.Second, func() { r.c.StartProgram("p") })
	r.startConsumerAt("c", 20*time.Second)
	r.visit(60*time.Second, model.ConsoleVisit{View: model.ViewCluster})
	r.at(70*time.Second, func() { r.c.StartProgram("p") }) // ended: a second run of the program sends 100 more
	r.runTo(90 * time.Second)
	rec := r.panel(model.ViewCluster, 90*time.Second)
	if rec == nil || rec.At > 61*time.Second {
		t.Fatalf("cluster page %v, want one load at 60 s", rec)
	}
	want := map[string]int64{"cluster/todayPro/broker-a:0": 52, "cluster/todayPro/broker-b:0": 48,
		"cluster/todayPro/broker-a:1": 52, "cluster/todayPro/broker-b:1": 48,
		"cluster/todayCus/broker-a:0": 52, "cluster/todayCus/broker-b:0": 48, "cluster/todayCus/broker-a:1": 0}
	for k, v := range want {
		if rec.Counts[k] != v {
			t.Errorf("%s = %d, want %d", k, rec.Counts[k], v)
		}
	}
}

// test7ClusterFailsWhole: ClusterServiceImpl.list calls
// fetchBrokerRuntimeStats for every address and propagates the first
// failure: one dead slave and the page shows a toast and no table.
func test7ClusterFailsWhole(t *testing.T) {
	r := newRun(t, Programs{Dashboards: []model.DashboardSpec{console()}}, nil)
	r.at(5*time.Second, func() { r.c.StartProgram("d") })
	r.at(20*time.Second, func() { r.c.PowerOff("slave02") })
	r.visit(21*time.Second, model.ConsoleVisit{View: model.ViewCluster})
	r.runTo(40 * time.Second)
	rec := r.panel(model.ViewCluster, 40*time.Second)
	if rec == nil || rec.Counts != nil || rec.Err == "" {
		t.Fatalf("cluster page %+v, want a toast and no counts", rec)
	}
}

// test7NoNS: with every nameserver down the cluster page's entry load
// fails: a toast, nothing shown (cluster.js).
func test7NoNS(t *testing.T) {
	r := newRun(t, Programs{Dashboards: []model.DashboardSpec{console()}}, nil)
	r.at(5*time.Second, func() { r.c.StartProgram("d") })
	r.visit(20*time.Second, model.ConsoleVisit{View: model.ViewCluster})
	r.at(30*time.Second, func() { r.allNS(func(h string) { r.c.Kill(h, ServiceNamesrv) }) })
	r.visit(40*time.Second, model.ConsoleVisit{View: model.ViewCluster})
	r.runTo(60 * time.Second)
	before, after := r.panel(model.ViewCluster, 30*time.Second), r.panel(model.ViewCluster, 60*time.Second)
	if before == nil || before.Counts == nil || after == nil || after.Counts != nil || after.Err == "" {
		t.Fatalf("before %+v after %+v: want counts, then a toast with none", before, after)
	}
}

// test7HomeCollector: DashboardCollectTask.collectTopic at second 30 of
// every minute sums compute24HourSum of the masters' TOPIC_PUT_NUMS; the
// home page's line chart shows the last saved point. In the brokers'
// first 10 minutes that is the last minute's puts, so it drops back to 0
// a minute later; when every nameserver is down the collection throws
// and the page keeps the last point, stale, with no error.
func test7HomeCollector(t *testing.T) {
	line := "home/topicInToday"
	key := line + "/" + FieldTopic
	r := newRun(t, Programs{Producers: []model.ProducerProgramSpec{FieldProducer("p", 0, 20)},
		Dashboards: []model.DashboardSpec{console()}}, nil)
	r.at(5*time.Second, func() { r.c.StartProgram("d") })
	r.at(75*time.Second, func() { r.c.StartProgram("p") })
	r.visit(70*time.Second, model.ConsoleVisit{View: model.ViewHome})
	r.runTo(100 * time.Second)
	rec := r.panel(line, 100*time.Second)
	if rec == nil || rec.Counts[key] != 20 || rec.Start != 90*time.Second {
		t.Fatalf("home line at 100 s: %+v, want the 90 s point with 20", rec)
	}
	r.runTo(160 * time.Second)
	if rec := r.panel(line, 160*time.Second); rec.Counts[key] != 0 || rec.Start != 150*time.Second {
		t.Errorf("home line at 160 s: %+v, want the 150 s point with 0 (the minute window moved on)", rec)
	}
	r.at(165*time.Second, func() { r.c.StartProgram("p") })
	r.at(215*time.Second, func() { r.allNS(func(h string) { r.c.Kill(h, ServiceNamesrv) }) })
	r.runTo(300 * time.Second)
	rec = r.panel(line, 300*time.Second)
	if rec == nil || rec.Counts[key] != 20 || rec.Start != 150*time.Second+time.Minute || rec.Err != "" ||
		rec.StaleSince != 150*time.Second+2*time.Minute {
		t.Errorf("home line at 300 s: %+v (start %v stale %v counts %v err %q), want the 210 s point (20) kept, stale since 270 s, no error", rec, rec.Start, rec.StaleSince, rec.Counts, rec.Err)
	}
}

// test7ConsumerPage: consumer.js refreshes every 10 s while auto-refresh
// is on and keeps the old list when a refresh fails (a toast); diffTotal
// is Σ brokerOffset − consumerOffset (ConsumerServiceImpl.queryGroup).
func test7ConsumerPage(t *testing.T) {
	r := newRun(t, Programs{Producers: []model.ProducerProgramSpec{FieldProducer("p", 0, 100)},
		Consumers: []model.ConsumerProgramSpec{FieldConsumer("c")}, Dashboards: []model.DashboardSpec{console()}}, nil)
	r.at(5*time.Second, func() { r.c.StartProgram("d") })
	r.at(6*time.Second, func() { r.c.StartProgram("p") })
	r.startConsumerAt("c", 20*time.Second)
	r.visit(50*time.Second, model.ConsoleVisit{View: model.ViewConsumer, AutoRefresh: true})
	r.at(85*time.Second, func() { r.allNS(func(h string) { r.c.Kill(h, ServiceNamesrv) }) })
	r.runTo(120 * time.Second)
	var loads []time.Duration
	for _, rec := range r.recs(history.Observe, "d") {
		if rec.Detail == model.ViewConsumer && rec.StaleSince == 0 {
			loads = append(loads, rec.At)
		}
	}
	if len(loads) != 4 {
		t.Errorf("consumer page loads at %v, want 50, 60, 70, 80 s", loads)
	}
	rec := r.panel(model.ViewConsumer, 120*time.Second)
	if rec == nil || rec.Counts["consumer/diffTotal/"+FieldGroup] != 0 || rec.Counts["consumer/consumerOffset/broker-a"]+
		rec.Counts["consumer/consumerOffset/broker-b"] != 100 || rec.Err == "" || rec.StaleSince < 85*time.Second ||
		rec.StaleSince > 91*time.Second || rec.Start > 81*time.Second {
		t.Errorf("consumer page at 120 s: %+v; want the 80 s list kept (diffTotal 0, offsets 100), stale since the 90 s refresh, a toast", rec)
	}
}

func messageRun(t *testing.T, profile string, n int) *tr {
	r := newRun(t, Programs{Producers: []model.ProducerProgramSpec{FieldProducer("p", 0, n)},
		Dashboards: []model.DashboardSpec{console()}}, func(c *model.Config, _ *model.ClusterSpec) { c.Console.Profile = profile })
	r.at(5*time.Second, func() { r.c.StartProgram("d") })
	r.at(6*time.Second, func() { r.c.StartProgram("p") })
	r.visit(120*time.Second, model.ConsoleVisit{View: model.ViewMessagePage})
	r.runTo(150 * time.Second)
	return r
}

// test7MessagePageCaps: rocketmq-console's queryMessageByTopic stops every
// queue once its list holds more than 2000 messages, so 3,000 stored
// show as 2001–2032.
func test7MessagePageCaps(t *testing.T) {
	r := messageRun(t, "rocketmq-console", 3000)
	rec := r.panel(model.ViewMessagePage, 150*time.Second)
	if n := rec.Counts["messagePage/found/"+FieldTopic]; rec == nil || n < 2001 || n > 2032 {
		t.Fatalf("message page %+v, want 2001–2032 of 3000", rec)
	}
}

// pullFailRun is messageRun with every pull of the console timing out
// (console.pullTimeout 1 µs, below any round trip) while its
// searchOffset calls, with their own 6 s timeout, succeed.
func pullFailRun(t *testing.T, profile string) *tr {
	r := newRun(t, Programs{Producers: []model.ProducerProgramSpec{FieldProducer("p", 0, 300)},
		Dashboards: []model.DashboardSpec{console()}}, func(c *model.Config, _ *model.ClusterSpec) {
		c.Console.Profile = profile
		c.Console.PullTimeout = time.Microsecond
	})
	r.at(5*time.Second, func() { r.c.StartProgram("d") })
	r.at(6*time.Second, func() { r.c.StartProgram("p") })
	r.visit(120*time.Second, model.ConsoleVisit{View: model.ViewMessagePage})
	r.runTo(150 * time.Second)
	return r
}

// test7MessagePagePullErrorEndsQueue: in rocketmq-console's
// queryMessageByTopic a pull exception is caught and ends its queue
// (break), silently: the page shows what the list holds (here nothing)
// and no toast. dashboard 1.0.0's queryFirstMessagePage lets it out: a
// toast.
func test7MessagePagePullErrorEndsQueue(t *testing.T) {
	rec := pullFailRun(t, "rocketmq-console").panel(model.ViewMessagePage, 150*time.Second)
	if rec == nil || rec.Err != "" || rec.Counts == nil || rec.Counts["messagePage/found/"+FieldTopic] != 0 {
		t.Fatalf("rocketmq-console message page %+v, want 0 found and no toast", rec)
	}
	rec = pullFailRun(t, "dashboard-1.0.0").panel(model.ViewMessagePage, 150*time.Second)
	if rec == nil || rec.Err == "" {
		t.Fatalf("dashboard 1.0.0 message page %+v, want a toast", rec)
	}
}

// test7MessagePageExact: dashboard 1.0.0's queryFirstMessagePage counts Σ
// end − start per queue over now − 3 h … now: all 3,000.
func test7MessagePageExact(t *testing.T) {
	r := messageRun(t, "dashboard-1.0.0", 3000)
	rec := r.panel(model.ViewMessagePage, 150*time.Second)
	if rec == nil || rec.Counts["messagePage/found/"+FieldTopic] != 3000 {
		t.Fatalf("message page %+v, want 3000", rec)
	}
}

// test7PartialView: the nameservers restart empty; brokers re-register on
// their own phases (broker-a at 71 s, broker-b at 86 s): in between,
// the topic status (examineTopicStats: route, then each broker of it)
// shows broker-a alone (§7).
func test7PartialView(t *testing.T) {
	r := newRun(t, Programs{Producers: []model.ProducerProgramSpec{preload(20)}, Dashboards: []model.DashboardSpec{console()}}, nil)
	r.shiftBroker("broker-b", 15*time.Second)
	r.at(20*time.Second, func() { r.c.StartProgram("pre") })
	r.at(5*time.Second, func() { r.c.StartProgram("d") })
	r.at(60*time.Second, func() { r.allNS(func(h string) { r.c.Kill(h, ServiceNamesrv) }) })
	r.at(62*time.Second, func() { r.allNS(func(h string) { r.w.Host(h).Start(ServiceNamesrv) }) })
	for _, at := range []time.Duration{50, 80, 95} {
		r.visit(at*time.Second, model.ConsoleVisit{View: model.ViewTopicStatus})
	}
	r.runTo(100 * time.Second)
	total, a, b := "topicStatus/messages/"+FieldTopic, "topicStatus/messages/broker-a", "topicStatus/messages/broker-b"
	before, partial, whole := r.panel(model.ViewTopicStatus, 60*time.Second), r.panel(model.ViewTopicStatus, 85*time.Second),
		r.panel(model.ViewTopicStatus, 100*time.Second)
	if before == nil || partial == nil || whole == nil {
		t.Fatalf("topic status %v %v %v", before, partial, whole)
	}
	_, hasB := partial.Counts[b]
	expect(t, before.Counts[total] == 20 && before.Counts[a] > 0 && before.Counts[b] > 0, "before: %v, want both brokers, 20 stored", before.Counts)
	expect(t, !hasB && partial.Counts[total] == before.Counts[a], "between the registrations: %v; want broker-a alone", partial.Counts)
	expect(t, whole.Counts[total] == 20, "after: %v, want both again", whole.Counts)
}
