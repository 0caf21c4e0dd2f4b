package app

import (
	"maps"
	"slices"

	"rmqsim/model"
	"rmqsim/model/client"
)

// The cluster, topic-status and consumer pages (rocketmq-console
// static/src/{cluster,topic,consumer}.js and service/impl/
// {Cluster,Topic,Consumer}ServiceImpl; the same in dashboard 1.0.0).

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// enterCluster is cluster.js: one queryClusterList on entry, never
// refreshed; a failure is a toast over an empty table. TODAY_PRO_COUNT is
// msgPutTotalTodayNow − msgPutTotalTodayMorning, TODAY_CUS_COUNT
// msgGetTotalTodayNow − msgGetTotalTodayMorning (cluster.html), for every
// instance, masters and slaves.
func (d *Console) enterCluster() {
	d.clusterList(func(_ *model.ClusterInfo, stats map[string]*model.BrokerRuntimeInfo, errText string) {
		if errText != "" {
			d.failed(model.ViewCluster, "", errText, false)
			return
		}
		counts := map[string]int64{}
		for k, rt := range stats {
			counts["cluster/todayPro/"+k] = rt.MsgPutTotalTodayNow - rt.MsgPutTotalTodayMorning
			counts["cluster/todayCus/"+k] = rt.MsgGetTotalTodayNow - rt.MsgGetTotalTodayMorning
		}
		d.loaded(model.ViewCluster, "", counts, d.p.Now())
	})
}

// enterTopicStatus is topic.js statsView, on the person's click: one
// examineTopicStats (DefaultMQAdminExtImpl: the route, then
// GET_TOPIC_STATS_INFO from each broker's selectBrokerAddr; any failure,
// or no queue at all, throws), a toast on failure.
func (d *Console) enterTopicStatus(topic string) {
	timeout := d.cfg.AdminTimeout
	a := d.newAdmin()
	fail := func(errText string) {
		a.close()
		d.failed(model.ViewTopicStatus, topic, errText, false)
	}
	a.route(topic, timeout, func(route *model.TopicRouteData, errText string) {
		if errText != "" {
			fail(errText)
			return
		}
		counts := map[string]int64{}
		queues := 0
		failed := ""
		loop(len(route.BrokerDatas), func(i int, next func()) {
			addr := d.selectBrokerAddr(route.BrokerDatas[i])
			if failed != "" || addr == "" {
				next()
				return
			}
			a.call(addr, model.GetTopicStatsInfo, &model.GetTopicStatsInfoRequest{Topic: topic}, timeout, func(resp *model.Response, errText string) {
				if errText != "" {
					failed = errText
					next()
					return
				}
				for _, q := range resp.Body.(*model.TopicStatsTable).Offsets {
					counts["topicStatus/messages/"+q.BrokerName] += q.MaxOffset - q.MinOffset
					counts["topicStatus/messages/"+topic] += q.MaxOffset - q.MinOffset
					queues++
				}
				next()
			})
		}, func() {
			switch {
			case failed != "":
				fail(failed)
			case queues == 0:
				fail("Not found the topic stats info")
			default:
				a.close()
				d.loaded(model.ViewTopicStatus, topic, counts, d.p.Now())
			}
		})
	})
}

// enterConsumer is consumer.js: refreshConsumerData on entry and, while
// auto-refresh is on, every ConsumerRefreshInterval; a failed refresh is
// a toast and the old list stays (resp.status != 0 leaves
// allConsumerGrouopList as it was).
func (d *Console) enterConsumer(autoRefresh bool) {
	if d.consumerRefresh != nil {
		d.consumerRefresh.Stop()
		d.consumerRefresh = nil
	}
	if pn := d.panels[model.ViewConsumer]; pn != nil {
		*pn = panel{name: model.ViewConsumer} // a new page starts empty
	}
	d.refreshConsumer()
	if autoRefresh {
		every := d.cfg.ConsumerRefreshInterval
		d.consumerRefresh = d.p.Every(every, every, "", d.refreshConsumer)
	}
}

// refreshConsumer is ConsumerServiceImpl.queryGroupList, one admin
// (@MultiMQAdminCmdMethod): the cluster info, getAllSubscriptionGroup
// from each broker's selectBrokerAddr (3000 ms; any failure throws), then
// queryGroup for each group: examineConsumeStats (the %RETRY%<group>
// route, GET_CONSUME_STATS per broker) whose failure is caught and leaves
// diffTotal at −1 (GroupConsumeInfo's default).
func (d *Console) refreshConsumer() {
	timeout := d.cfg.AdminTimeout
	a := d.newAdmin()
	fail := func(errText string) {
		a.close()
		d.failed(model.ViewConsumer, "", errText, true)
	}
	a.call("", model.GetBrokerClusterInfo, nil, timeout, func(resp *model.Response, errText string) {
		if errText != "" {
			fail(errText)
			return
		}
		info := resp.Body.(*model.ClusterInfo)
		names := client.JavaHashOrder(sortedKeys(info.BrokerAddrTable))
		known := map[string]bool{}
		failed := ""
		loop(len(names), func(i int, next func()) {
			addr := d.selectBrokerAddr(info.BrokerAddrTable[names[i]])
			if failed != "" {
				next()
				return
			}
			a.call(addr, model.GetAllSubscriptionGroupConfig, nil, d.cfg.SubscriptionGroupTimeout, func(resp *model.Response, errText string) {
				if errText != "" {
					failed = errText
				} else {
					for _, g := range resp.Body.(*model.SubscriptionGroupWrapper).SubscriptionGroupTable {
						known[g.GroupName] = true
					}
				}
				next()
			})
		}, func() {
			if failed != "" {
				fail(failed)
				return
			}
			counts := map[string]int64{}
			loop(len(d.spec.Groups), func(i int, next func()) {
				g := d.spec.Groups[i]
				if !known[g] {
					next()
					return
				}
				d.consumeStats(a, g, func(cs []model.OffsetWrapper, ok bool) {
					diff := int64(-1)
					if ok {
						diff = 0
						for _, w := range cs {
							diff += w.BrokerOffset - w.ConsumerOffset
							if d.contains(w.Topic) {
								counts["consumer/brokerOffset/"+w.BrokerName] += w.BrokerOffset
								counts["consumer/consumerOffset/"+w.BrokerName] += w.ConsumerOffset
							}
						}
					}
					counts["consumer/diffTotal/"+g] = diff
					next()
				})
			}, func() {
				a.close()
				d.loaded(model.ViewConsumer, "", counts, d.p.Now())
			})
		})
	})
}

// consumeStats is DefaultMQAdminExtImpl.examineConsumeStats(group): the
// %RETRY%<group> route, GET_CONSUME_STATS from each broker's
// selectBrokerAddr (timeout × 3); any failure, or an empty table, throws.
func (d *Console) consumeStats(a *admin, group string, cb func([]model.OffsetWrapper, bool)) {
	timeout := d.cfg.AdminTimeout
	a.route("%RETRY%"+group, timeout, func(route *model.TopicRouteData, errText string) {
		if errText != "" {
			cb(nil, false)
			return
		}
		var all []model.OffsetWrapper
		ok := true
		loop(len(route.BrokerDatas), func(i int, next func()) {
			addr := d.selectBrokerAddr(route.BrokerDatas[i])
			if !ok || addr == "" {
				next()
				return
			}
			a.call(addr, model.GetConsumeStats, &model.GetConsumeStatsRequest{ConsumerGroup: group}, 3*timeout, func(resp *model.Response, errText string) {
				if errText != "" {
					ok = false
				} else {
					all = append(all, resp.Body.(*model.ConsumeStats).Offsets...)
				}
				next()
			})
		}, func() { cb(all, ok && len(all) > 0) })
	})
}
