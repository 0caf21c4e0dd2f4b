package app

import (
	"sort"
	"strings"
	"time"

	"rmqsim/history"
	"rmqsim/model"
	"rmqsim/sim"
)

// Dashboard is the console observer (facts §7): every PollInterval it
// reads the cluster through a nameserver, as rocketmq-dashboard's views
// do through MQAdminExt, with no cache (5000 ms per call), and records
// what a person looking at the console would see.
type Dashboard struct {
	p        *sim.Process
	env      *model.Env
	spec     model.DashboardSpec
	remoting *model.RemotingClient
	topics   []string
}

// Observe Counts keys (history.Observe):
//
//	brokers                  broker names in the cluster page
//	put/<broker>             the master's msgPutTotalTodayNow (cluster page)
//	stored/<topic>/<broker>  Σ maxOffset − minOffset of the topic's queues
//	                         on that broker (topic stats page)
//	stored/<topic>           the same over the brokers in the topic's route
//	consumed/<group>/<topic>/<broker>  Σ consumer offsets of the group's
//	                         queues of the topic on the broker (consumer
//	                         page; queues never committed count 0; equal to
//	                         the messages consumed while no queue is cleaned)
//	consumed/<group>/<topic> the same over the brokers of the route
//
// Counts is nil, with Err, when no nameserver answers the cluster query;
// a later failure (a topic unknown to a restarted nameserver, a broker
// timing out) leaves the counts gathered so far, with Err naming it.
const KeyBrokers = "brokers"

// StartDashboard runs the observer on p (a DefaultMQAdminExt's remoting
// client: sticky nameserver choice, §3.4; the admin's own scheduled tasks
// are not modelled, they do not change what the pages show).
func StartDashboard(p *sim.Process, env *model.Env, spec model.DashboardSpec) *Dashboard {
	d := &Dashboard{p: p, env: env, spec: spec, topics: spec.Topics}
	if len(d.topics) == 0 {
		for _, t := range env.Cluster.Topics {
			d.topics = append(d.topics, t.Name)
		}
	}
	ccfg := env.Cfg.Client
	d.remoting = model.NewRemotingClient(p, &ccfg)
	d.remoting.SetNameServers(env.Cluster.NameServerAddrs())
	exec := p.Executor("dashboard", 1)
	// A person opens the console at no particular moment: the first view
	// comes at a random point of the first interval, so its refresh phase
	// differs from seed to seed (facts §10.4).
	every := env.Cfg.Dashboard.PollInterval
	first := every
	if every > 0 {
		first = 1 + time.Duration(p.Rand().Int64N(int64(every)))
	}
	exec.ScheduleAtFixedRate("dashboard poll", first, every, d.poll)
	return d
}

// observation accumulates one poll's view.
type observation struct {
	counts map[string]int64
	errs   []string
}

func (o *observation) fail(s string) { o.errs = append(o.errs, s) }

func (d *Dashboard) call(addr string, code model.RequestCode, body any, cb func(*model.Response, string)) {
	d.remoting.InvokeSync(addr, &model.Request{Code: code, Body: body}, d.env.Cfg.Dashboard.AdminTimeout,
		func(resp *model.Response, err error) {
			switch {
			case err != nil:
				cb(nil, err.Error())
			case resp.Code != model.Success:
				cb(nil, "CODE: "+resp.Code.String()+" DESC: "+resp.Remark)
			default:
				cb(resp, "")
			}
		})
}

func (d *Dashboard) poll(done func()) {
	d.call("", model.GetBrokerClusterInfo, nil, func(resp *model.Response, errText string) {
		if resp == nil {
			d.record(nil, errText)
			done()
			return
		}
		o := &observation{counts: map[string]int64{}}
		info := resp.Body.(*model.ClusterInfo)
		names := sortedNames(info.BrokerAddrTable)
		o.counts[KeyBrokers] = int64(len(names))
		d.runtimeStats(o, info, names, func() {
			d.topicStats(o, 0, func() {
				d.consumeStats(o, 0, func() {
					d.record(o.counts, strings.Join(o.errs, "; "))
					done()
				})
			})
		})
	})
}

func sortedNames(m map[string]model.BrokerData) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// runtimeStats is the cluster page: GET_BROKER_RUNTIME_INFO per master.
func (d *Dashboard) runtimeStats(o *observation, info *model.ClusterInfo, names []string, done func()) {
	var next func(i int)
	next = func(i int) {
		if i == len(names) {
			done()
			return
		}
		addr := info.BrokerAddrTable[names[i]].BrokerAddrs[0]
		if addr == "" {
			next(i + 1)
			return
		}
		d.call(addr, model.GetBrokerRuntimeInfo, nil, func(resp *model.Response, errText string) {
			if resp == nil {
				o.fail(names[i] + ": " + errText)
			} else {
				rt := resp.Body.(*model.BrokerRuntimeInfo)
				o.counts["put/"+names[i]] = rt.MsgPutTotalTodayNow - rt.MsgPutTotalTodayMorning
			}
			next(i + 1)
		})
	}
	next(0)
}

// routeBrokers fetches topic's route from a nameserver and lists, per
// broker of the route, the addr MQAdminImpl would ask
// (BrokerData.selectBrokerAddr: the master, else a random slave).
func (d *Dashboard) routeBrokers(topic string, cb func(names, addrs []string, errText string)) {
	d.call("", model.GetRouteInfoByTopic, &model.GetRouteInfoRequest{Topic: topic}, func(resp *model.Response, errText string) {
		if resp == nil {
			cb(nil, nil, topic+": "+errText)
			return
		}
		route := resp.Body.(*model.TopicRouteData)
		var names, addrs []string
		for _, bd := range route.BrokerDatas {
			addr := bd.BrokerAddrs[0]
			if addr == "" {
				ids := model.SortedBrokerIDs(bd.BrokerAddrs)
				if len(ids) == 0 {
					continue
				}
				addr = bd.BrokerAddrs[ids[d.p.Rand().IntN(len(ids))]]
			}
			names, addrs = append(names, bd.BrokerName), append(addrs, addr)
		}
		cb(names, addrs, "")
	})
}

// topicStats is the topic page: GET_TOPIC_STATS_INFO per broker of the route.
func (d *Dashboard) topicStats(o *observation, ti int, done func()) {
	if ti == len(d.topics) {
		done()
		return
	}
	topic := d.topics[ti]
	d.routeBrokers(topic, func(names, addrs []string, errText string) {
		if errText != "" {
			o.fail(errText)
			d.topicStats(o, ti+1, done)
			return
		}
		var next func(i int)
		next = func(i int) {
			if i == len(names) {
				d.topicStats(o, ti+1, done)
				return
			}
			d.call(addrs[i], model.GetTopicStatsInfo, &model.GetTopicStatsInfoRequest{Topic: topic}, func(resp *model.Response, errText string) {
				if resp == nil {
					o.fail(topic + "@" + names[i] + ": " + errText)
				} else {
					var n int64
					for _, q := range resp.Body.(*model.TopicStatsTable).Offsets {
						n += q.MaxOffset - q.MinOffset
					}
					o.counts["stored/"+topic+"/"+names[i]] = n
					o.counts["stored/"+topic] += n
				}
				next(i + 1)
			})
		}
		next(0)
	})
}

// consumeStats is the consumer page: the %RETRY%<group> route, then
// GET_CONSUME_STATS per broker of it.
func (d *Dashboard) consumeStats(o *observation, gi int, done func()) {
	if gi == len(d.spec.Groups) {
		done()
		return
	}
	group := d.spec.Groups[gi]
	d.routeBrokers("%RETRY%"+group, func(names, addrs []string, errText string) {
		if errText != "" {
			o.fail(errText)
			d.consumeStats(o, gi+1, done)
			return
		}
		var next func(i int)
		next = func(i int) {
			if i == len(names) {
				d.consumeStats(o, gi+1, done)
				return
			}
			req := &model.GetConsumeStatsRequest{ConsumerGroup: group}
			d.call(addrs[i], model.GetConsumeStats, req, func(resp *model.Response, errText string) {
				if resp == nil {
					o.fail(group + "@" + names[i] + ": " + errText)
					next(i + 1)
					return
				}
				for _, w := range resp.Body.(*model.ConsumeStats).Offsets {
					if !contains(d.topics, w.Topic) || w.ConsumerOffset < 0 {
						continue
					}
					k := "consumed/" + group + "/" + w.Topic
					o.counts[k+"/"+w.BrokerName] += w.ConsumerOffset
					o.counts[k] += w.ConsumerOffset
				}
				next(i + 1)
			})
		}
		next(0)
	})
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func (d *Dashboard) record(counts map[string]int64, errText string) {
	rec := history.Record{Kind: history.Observe, Proc: d.p.Name(), Counts: counts, Err: errText,
		NameServer: d.remoting.ChosenNameServer()}
	if len(d.topics) == 1 {
		rec.Topic = d.topics[0]
	}
	d.env.Rec.Add(rec)
}
