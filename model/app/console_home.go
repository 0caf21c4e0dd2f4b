package app

import (
	"maps"
	"strconv"
	"strings"
	"time"

	"rmqsim/model"
	"rmqsim/model/client"
	"rmqsim/sim"
)

// The console server's collector and the home page (rocketmq-console
// task/DashboardCollectTask, service/impl/DashboardServiceImpl,
// static/src/controller.js dashboardCtrl; the same in dashboard 1.0.0).

// topicPoint is one collected line "date,inTPS,inMsgCntToday,outTPS,
// outMsgCntToday" of a topic: date is when the collection began.
type topicPoint struct {
	at      sim.Time
	in, out int64
}

// collector is DashboardCollectTask's topic map and the data file.
type collector struct {
	d *Console
	// points is the in-memory topic map; saved how many of each topic's
	// points the file held at the last saveData.
	points map[string][]topicPoint
	saved  map[string]int
	// missed is, per topic, the start of the first collection after the
	// topic's last point that added none (0: none missed).
	missed  map[string]sim.Time
	running bool
}

// startCollector schedules collectTopic at second CollectSecond of every
// wall-clock minute and saveData every SaveDataInterval on the wall
// clock (model.WallClockAtZero puts minutes at virtual k·60 s).
func startCollector(d *Console) *collector {
	c := &collector{d: d, points: map[string][]topicPoint{}, saved: map[string]int{}, missed: map[string]sim.Time{}}
	cfg := d.cfg
	p := d.p
	if cfg.SaveDataInterval > 0 {
		p.Every(untilWall(p.Now(), cfg.SaveDataInterval, 0), cfg.SaveDataInterval, "", c.saveData)
	}
	p.Every(untilWall(p.Now(), time.Minute, cfg.CollectSecond), time.Minute, "collectTopic", c.collectTopic)
	return c
}

// untilWall is how long from now until the wall clock next reads
// k·period + offset (now itself counts).
func untilWall(now sim.Time, period, offset time.Duration) time.Duration {
	wall := model.WallClockAtZero + now.Duration()
	d := (offset - wall%period) % period
	if d < 0 {
		d += period
	}
	return d
}

func (c *collector) saveData() {
	for t, ps := range c.points {
		c.saved[t] = len(ps)
	}
}

// collectTopic is DashboardCollectTask.collectTopic, on one admin
// (@MultiMQAdminCmdMethod(timeoutMillis = 5000)): fetchAllTopicList, then
// per topic (HashSet order, %RETRY% and %DLQ% skipped) its route and
// queryTopicConsumeByWho, then VIEW_BROKER_STATS_DATA per master for
// TOPIC_PUT_NUMS and per group for GROUP_GET_NUMS, each summed through
// compute24HourSum; a failed stats call adds nothing (caught), any other
// failure throws out of the whole collection (Throwables.propagate), so
// the topics after it get no point. A collection still running when the
// next minute comes delays it (one scheduler thread): that tick is lost.
func (c *collector) collectTopic() {
	if c.running {
		return
	}
	c.running = true
	d := c.d
	a := d.newAdmin()
	date := d.p.Now()
	timeout := d.cfg.AdminTimeout
	got := map[string]bool{}
	end := func() {
		a.close()
		c.running = false
		for _, t := range d.topics {
			if !got[t] && c.missed[t] == 0 {
				c.missed[t] = date
			}
		}
	}
	a.call("", model.GetAllTopicListFromNameServer, nil, timeout, func(resp *model.Response, errText string) {
		if errText != "" {
			end()
			return
		}
		var topics []string
		for _, t := range client.JavaHashOrder(resp.Body.(*model.TopicList).TopicList) {
			if !strings.HasPrefix(t, "%RETRY%") && !strings.HasPrefix(t, "%DLQ%") {
				topics = append(topics, t)
			}
		}
		thrown := false
		loop(len(topics), func(i int, next func()) {
			if thrown {
				next()
				return
			}
			c.collectOne(a, topics[i], date, func(ok bool) {
				if !ok {
					thrown = true
				} else {
					got[topics[i]] = true
				}
				next()
			})
		}, end)
	})
}

func (c *collector) collectOne(a *admin, topic string, date sim.Time, done func(ok bool)) {
	d := c.d
	timeout := d.cfg.AdminTimeout
	a.route(topic, timeout, func(route *model.TopicRouteData, errText string) {
		if errText != "" {
			done(false)
			return
		}
		c.consumeByWho(a, topic, route, func(groups []string, ok bool) {
			if !ok {
				done(false)
				return
			}
			var in, out int64
			stats := func(name, key string, sum *int64) func(i int, next func()) {
				return func(i int, next func()) {
					master := route.BrokerDatas[i].BrokerAddrs[0]
					if master == "" {
						next()
						return
					}
					req := &model.ViewBrokerStatsDataRequest{StatsName: name, StatsKey: key}
					a.call(master, model.ViewBrokerStatsData, req, timeout, func(resp *model.Response, errText string) {
						if errText == "" {
							*sum += resp.Body.(*model.BrokerStatsData).Compute24HourSum()
						}
						next()
					})
				}
			}
			n := len(route.BrokerDatas)
			loop(n, stats(model.StatsTopicPutNums, topic, &in), func() {
				loop(len(groups), func(g int, next func()) {
					loop(n, stats(model.StatsGroupGetNums, topic+"@"+groups[g], &out), next)
				}, func() {
					c.points[topic] = append(c.points[topic], topicPoint{at: date, in: in, out: out})
					delete(c.missed, topic)
					done(true)
				})
			})
		})
	})
}

// consumeByWho is DefaultMQAdminExtImpl.queryTopicConsumeByWho: the first
// broker of the route (selectBrokerAddr) answers; no broker → null.
func (c *collector) consumeByWho(a *admin, topic string, route *model.TopicRouteData, cb func([]string, bool)) {
	if len(route.BrokerDatas) == 0 {
		cb(nil, true)
		return
	}
	addr := c.d.selectBrokerAddr(route.BrokerDatas[0])
	if addr == "" {
		cb(nil, true)
		return
	}
	a.call(addr, model.QueryTopicConsumeByWho, &model.QueryTopicConsumeByWhoRequest{Topic: topic}, c.d.cfg.AdminTimeout,
		func(resp *model.Response, errText string) {
			if errText != "" {
				cb(nil, false)
				return
			}
			cb(client.JavaHashOrder(resp.Body.(*model.GroupList).Groups), true)
		})
}

// lastSaved is the last point of topic in the data file.
func (c *collector) lastSaved(topic string) (topicPoint, bool) {
	n := c.saved[topic]
	if n == 0 {
		return topicPoint{}, false
	}
	return c.points[topic][n-1], true
}

// Home page panels.
const (
	panelBrokerBar = "home/brokerGetNow"
	panelTopicBar  = "home/topicOutToday"
	panelTopicLine = "home/topicInToday"
)

// enterHome is dashboardCtrl: the broker bar chart from a live cluster
// list and the topic bar chart from the file, once; the topic line chart
// from the file at once and every HomeRefreshInterval (setInterval
// queryLineData, 5000 ms) while the page is open. A failed cluster list
// is a toast and an empty broker chart; a collection that threw leaves
// the file as it was, so the line chart keeps its last point, with no
// error.
func (d *Console) enterHome() {
	if d.homeRefresh != nil {
		d.homeRefresh.Stop() // the router clears the old page's thread
	}
	d.clusterList(func(info *model.ClusterInfo, stats map[string]*model.BrokerRuntimeInfo, errText string) {
		if errText != "" {
			d.failed(panelBrokerBar, "", errText, false)
			return
		}
		counts := map[string]int64{}
		for k, rt := range stats {
			counts[panelBrokerBar+"/"+k] = rt.MsgGetTotalTodayNow
		}
		d.loaded(panelBrokerBar, "", counts, d.p.Now())
	})
	bar := map[string]int64{}
	for _, t := range d.topics {
		if pt, ok := d.col.lastSaved(t); ok {
			bar[panelTopicBar+"/"+t] = pt.out
		}
	}
	if len(bar) == 0 {
		bar = nil
	}
	d.loaded(panelTopicBar, "", bar, d.p.Now())
	d.homeRefresh = d.p.Every(0, d.cfg.HomeRefreshInterval, "", d.refreshTopicLine)
}

// refreshTopicLine is queryLineData's topic half: the file's points of
// the selected topic (one line per topic here), the last one shown.
func (d *Console) refreshTopicLine() {
	counts := map[string]int64{}
	var at, missed sim.Time
	for _, t := range d.topics {
		if pt, ok := d.col.lastSaved(t); ok {
			counts[panelTopicLine+"/"+t] = pt.in
			at = max(at, pt.at)
		}
		if m := d.col.missed[t]; m != 0 && (missed == 0 || m < missed) {
			missed = m
		}
	}
	if len(counts) == 0 {
		d.loaded(panelTopicLine, "", nil, d.p.Now())
		return
	}
	stale := missed != 0 && missed > at
	pn := d.panel(panelTopicLine)
	if pn.counts != nil && maps.Equal(pn.counts, counts) && pn.readAt == at && pn.stale == stale &&
		(!stale || pn.staleSince == missed) {
		return // the page redraws the same chart
	}
	*pn = panel{name: panelTopicLine, counts: counts, readAt: at, stale: stale}
	if stale {
		pn.staleSince = missed
	}
	d.record(pn)
}

// clusterList is ClusterServiceImpl.list (not an annotated method: every
// MQAdminExt call is its own admin): examineBrokerClusterInfo, then
// fetchBrokerRuntimeStats for every address of every broker; any failure
// fails the whole list (Throwables.propagate). stats are keyed
// "<brokerName>:<brokerId>", as the console labels instances.
func (d *Console) clusterList(cb func(*model.ClusterInfo, map[string]*model.BrokerRuntimeInfo, string)) {
	timeout := d.cfg.AdminTimeout
	a := d.newAdmin()
	a.call("", model.GetBrokerClusterInfo, nil, timeout, func(resp *model.Response, errText string) {
		a.close()
		if errText != "" {
			cb(nil, nil, errText)
			return
		}
		info := resp.Body.(*model.ClusterInfo)
		type inst struct{ key, addr string }
		var insts []inst
		for _, name := range client.JavaHashOrder(sortedKeys(info.BrokerAddrTable)) {
			bd := info.BrokerAddrTable[name]
			for _, id := range model.SortedBrokerIDs(bd.BrokerAddrs) {
				insts = append(insts, inst{name + ":" + strconv.FormatInt(id, 10), bd.BrokerAddrs[id]})
			}
		}
		stats := map[string]*model.BrokerRuntimeInfo{}
		failed := ""
		loop(len(insts), func(i int, next func()) {
			if failed != "" {
				next()
				return
			}
			b := d.newAdmin()
			b.call(insts[i].addr, model.GetBrokerRuntimeInfo, nil, timeout, func(resp *model.Response, errText string) {
				b.close()
				if errText != "" {
					failed = errText
				} else {
					stats[insts[i].key] = resp.Body.(*model.BrokerRuntimeInfo)
				}
				next()
			})
		}, func() {
			if failed != "" {
				cb(nil, nil, failed)
				return
			}
			cb(info, stats, "")
		})
	})
}
