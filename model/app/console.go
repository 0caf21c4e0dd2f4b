package app

import (
	"maps"
	"time"

	"rmqsim/history"
	"rmqsim/model"
	"rmqsim/sim"
)

// Console is a RocketMQ web console (facts §7, §10.5): rocketmq-console
// (apache/rocketmq-externals, late 2020) or rocketmq-dashboard 1.0.0
// (console.profile), as read in their source (docs/rocketmq-notes.md,
// "Console"). It runs two things:
//
//   - the server's collector (DashboardCollectTask): collectTopic at
//     second 30 of every wall-clock minute reads every topic's 24-hour
//     put and get counts from the brokers' StatsItems through a
//     nameserver, and saveData writes them to the file the home page
//     reads every 5 s (console_home.go);
//   - the pages a person opens (Visit): home, cluster, topicStatus,
//     consumer, messagePage, each loading and refreshing as the page's
//     JavaScript does, and each keeping or dropping what it showed when a
//     call fails as that page does (console_pages.go, console_message.go).
//
// Every outermost MQAdminExt call starts a DefaultMQAdminExt of its own
// and shuts it down after (MQAdminAspect, MQAdminInstance: a new
// instanceName each time), so each picks its nameserver afresh (§3.4).
//
// What each panel shows is recorded as an Observe record whenever it
// changes (history.Observe): Detail the panel, Counts its figures keyed
// <view>/<figure>[/<broker or topic>], Start when the data was read,
// StaleSince when a refresh first failed to replace it, Err the toast.
//
//	home/brokerGetNow/<broker>:<id>  home broker bar chart: msgGetTotalTodayNow (live, on entry)
//	home/topicOutToday/<topic>       home topic bar chart: the last point's outMsgCntToday (file, on entry)
//	home/topicInToday/<topic>        home topic line chart: the last point's inMsgCntToday (file, every 5 s)
//	cluster/todayPro/<broker>:<id>   cluster page TODAY_PRO_COUNT: msgPutTotalTodayNow − morning (on entry)
//	cluster/todayCus/<broker>:<id>   cluster page TODAY_CUS_COUNT: msgGetTotalTodayNow − morning
//	topicStatus/messages/<broker>    topic status: Σ max − min offset of the topic's queues on the broker
//	topicStatus/messages/<topic>     the same over the route (on entry)
//	consumer/diffTotal/<group>       consumer page: Σ brokerOffset − consumerOffset (−1 when unknown)
//	consumer/brokerOffset/<broker>   the group's queues' broker offsets, summed per broker
//	consumer/consumerOffset/<broker> the group's queues' consumer offsets, summed per broker
//	messagePage/found/<topic>        message page: messages the topic query found
type Console struct {
	p    *sim.Process
	env  *model.Env
	cfg  *model.ConsoleConfig
	spec model.DashboardSpec
	// ccfg is the admin clients' configuration (the cluster's client
	// settings: connect timeout, lock timeout).
	ccfg   model.ClientConfig
	topics []string
	col    *collector
	panels map[string]*panel
	// homeRefresh and consumerRefresh are the open pages' timers.
	homeRefresh, consumerRefresh *sim.Timer
}

// StartDashboard runs a console on p and registers it in env.Consoles
// under its program name, for a person's visits.
func StartDashboard(p *sim.Process, env *model.Env, spec model.DashboardSpec) *Console {
	d := &Console{p: p, env: env, cfg: &env.Cfg.Console, spec: spec, ccfg: env.Cfg.Client,
		topics: spec.Topics, panels: map[string]*panel{}}
	if len(d.topics) == 0 {
		for _, t := range env.Cluster.Topics {
			d.topics = append(d.topics, t.Name)
		}
	}
	if env.Consoles == nil {
		env.Consoles = map[string]model.Console{}
	}
	env.Consoles[spec.Name] = d
	d.col = startCollector(d)
	return d
}

// Alive implements model.Console.
func (d *Console) Alive() bool { return d.p.Alive() }

// Visit implements model.Console: the person enters a page now.
func (d *Console) Visit(v model.ConsoleVisit) {
	if !d.p.Alive() {
		return
	}
	d.p.Trace("console", "visit "+v.View)
	switch v.View {
	case model.ViewHome:
		d.enterHome()
	case model.ViewCluster:
		d.enterCluster()
	case model.ViewTopicStatus:
		d.enterTopicStatus(d.visitTopic(v))
	case model.ViewConsumer:
		d.enterConsumer(v.AutoRefresh)
	case model.ViewMessagePage:
		d.enterMessagePage(d.visitTopic(v), v)
	default:
		panic("console: unknown view " + v.View)
	}
}

func (d *Console) visitTopic(v model.ConsoleVisit) string {
	if v.Topic != "" || len(d.topics) == 0 {
		return v.Topic
	}
	return d.topics[0]
}

// panel is what one part of a page shows.
type panel struct {
	name, topic string
	counts      map[string]int64
	readAt      sim.Time
	staleSince  sim.Time
	stale       bool
	err         string
}

func (d *Console) panel(name string) *panel {
	pn := d.panels[name]
	if pn == nil {
		pn = &panel{name: name}
		d.panels[name] = pn
	}
	return pn
}

// loaded shows fresh data read at readAt.
func (d *Console) loaded(name, topic string, counts map[string]int64, readAt sim.Time) {
	pn := d.panel(name)
	if pn.counts != nil && maps.Equal(pn.counts, counts) && pn.readAt == readAt && !pn.stale && pn.err == "" && pn.topic == topic {
		return
	}
	*pn = panel{name: name, topic: topic, counts: counts, readAt: readAt}
	d.record(pn)
}

// failed is a load or refresh that failed: a page that keeps its data
// (keep) marks it stale since the first failure; one that does not shows
// nothing. toast is the error the page showed ("" for none).
func (d *Console) failed(name, topic, toast string, keep bool) {
	pn := d.panel(name)
	if !keep || pn.counts == nil {
		*pn = panel{name: name, topic: topic, err: toast, readAt: d.p.Now()}
		d.record(pn)
		return
	}
	if pn.stale && pn.err == toast {
		return
	}
	if !pn.stale {
		pn.stale, pn.staleSince = true, d.p.Now()
	}
	pn.err = toast
	d.record(pn)
}

func (d *Console) record(pn *panel) {
	rec := history.Record{Kind: history.Observe, Proc: d.p.Name(), Detail: pn.name, Topic: pn.topic,
		Counts: maps.Clone(pn.counts), Err: pn.err, Start: pn.readAt.Duration()}
	if pn.stale {
		rec.StaleSince = pn.staleSince.Duration()
	}
	d.env.Rec.Add(rec)
}

// admin is one DefaultMQAdminExt (or pull consumer) instance: its own
// remoting client, nameserver list shuffled afresh (§3.4), closed after
// its one service call.
type admin struct {
	d  *Console
	rc *model.RemotingClient
}

func (d *Console) newAdmin() *admin {
	rc := model.NewRemotingClient(d.p, &d.ccfg)
	rc.SetNameServers(d.env.Cluster.NameServerAddrs())
	return &admin{d: d, rc: rc}
}

func (a *admin) close() { a.rc.CloseAll() }

// call is one request; errText is the exception's message ("" on SUCCESS).
func (a *admin) call(addr string, code model.RequestCode, body any, timeout time.Duration, cb func(*model.Response, string)) {
	a.rc.InvokeSync(addr, &model.Request{Code: code, Body: body}, timeout, func(resp *model.Response, err error) {
		switch {
		case err != nil:
			cb(nil, err.Error())
		case resp.Code != model.Success:
			cb(resp, "CODE: "+resp.Code.String()+" DESC: "+resp.Remark)
		default:
			cb(resp, "")
		}
	})
}

// route is examineTopicRouteInfo / getTopicRouteInfoFromNameServer.
func (a *admin) route(topic string, timeout time.Duration, cb func(*model.TopicRouteData, string)) {
	a.call("", model.GetRouteInfoByTopic, &model.GetRouteInfoRequest{Topic: topic}, timeout, func(resp *model.Response, errText string) {
		if errText != "" {
			cb(nil, errText)
			return
		}
		cb(resp.Body.(*model.TopicRouteData), "")
	})
}

// selectBrokerAddr is BrokerData.selectBrokerAddr: the master, else a
// random slave ("" if none).
func (d *Console) selectBrokerAddr(bd model.BrokerData) string {
	if a := bd.BrokerAddrs[0]; a != "" {
		return a
	}
	ids := model.SortedBrokerIDs(bd.BrokerAddrs)
	if len(ids) == 0 {
		return ""
	}
	return bd.BrokerAddrs[ids[d.p.Rand().IntN(len(ids))]]
}

// loop runs step(i, next) for i in [0, n) one after another, then done.
func loop(n int, step func(i int, next func()), done func()) {
	var at func(i int)
	at = func(i int) {
		if i == n {
			done()
			return
		}
		step(i, func() { at(i + 1) })
	}
	at(0)
}

func (d *Console) contains(topic string) bool {
	for _, t := range d.topics {
		if t == topic {
			return true
		}
	}
	return false
}
