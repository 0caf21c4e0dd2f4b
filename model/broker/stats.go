package broker

import (
	"maps"
	"slices"
	"strings"
	"time"

	"rmqsim/model"
	"rmqsim/sim"
)

// The broker's statistics the consoles read (4.8.0 sources; see
// docs/rocketmq-notes.md "Console"):
//
//   - BrokerStatsManager (store/stats/BrokerStatsManager) holds one
//     StatsItemSet per stats name. Each set is created with the
//     BrokerController (its constructor) and, from then, samples every
//     item on a fixed rate starting at once: every 10 s into the item's
//     minute list (kept to 7 snapshots, ≈ 1 min), every 10 min into its
//     hour list (7, 1 h), every hour into its day list (25, 24 h)
//     (common/stats/StatsItemSet.init). So the windows run on the
//     broker's own phase, not the wall clock's.
//   - A list's first sample after the item exists is preceded by a
//     synthetic (now − period, 0, 0) snapshot (StatsItem.samplingIn*), so
//     until the list is full its sum is the item's whole value.
//   - A window's sum is last.value − first.value (StatsItem.computeStatsData).
//   - Items are created lazily by the first addValue: TOPIC_PUT_NUMS by a
//     master's put of a sent message (SendMessageProcessor, not for
//     send-backs), GROUP_GET_NUMS by every pull answered SUCCESS, with the
//     message count, on a master or a slave (PullMessageProcessor).
//   - BrokerStats.record, scheduled by BrokerController.initialize at the
//     next midnight and then daily, copies the store's put and get totals
//     into the "morning" values; until the first midnight after the
//     broker starts they stay 0.

// StatsItem windows (4.8.0 common/stats/StatsItem): sampling period and
// snapshots kept.
const (
	statsSecondPeriod = 10 * time.Second
	statsMinutePeriod = 10 * time.Minute
	statsHourPeriod   = time.Hour
	statsMinuteKeep   = 7
	statsHourKeep     = 7
	statsDayKeep      = 25
)

type callSnapshot struct {
	at           sim.Time
	times, value int64
}

// statsItem is StatsItem: a value, a call count and three sampled lists.
type statsItem struct {
	value, times      int64
	minute, hour, day []callSnapshot
}

func (it *statsItem) sample(list *[]callSnapshot, now sim.Time, period time.Duration, keep int) {
	if len(*list) == 0 {
		*list = append(*list, callSnapshot{at: now.Add(-period)})
	}
	*list = append(*list, callSnapshot{at: now, times: it.times, value: it.value})
	if len(*list) > keep {
		*list = append((*list)[:0], (*list)[1:]...)
	}
}

// window is computeStatsData: sum and TPS (× 1000) over the list.
func window(list []callSnapshot) model.BrokerStatsItem {
	if len(list) == 0 {
		return model.BrokerStatsItem{}
	}
	first, last := list[0], list[len(list)-1]
	sum := last.value - first.value
	var tps int64
	if span := last.at.Sub(first.at); span > 0 {
		tps = sum * int64(time.Second) * 1000 / int64(span)
	}
	return model.BrokerStatsItem{Sum: sum, TpsMilli: tps}
}

// BrokerStatsManager is the two StatsItemSets the consoles read.
type BrokerStatsManager struct {
	sets map[string]map[string]*statsItem
	// topicPut and groupGet are the two sets of sets, looked up once;
	// groupGetItems memoises GROUP_GET_NUMS items by (topic, group), so
	// that a pull does not build "topic@group" again (items are created
	// by their first add and never removed).
	topicPut, groupGet map[string]*statsItem
	groupGetItems      map[[2]string]*statsItem
	// morningPut / morningGet are BrokerStats' "today morning" values.
	morningPut, morningGet int64
}

func newBrokerStatsManager(b *Broker) *BrokerStatsManager {
	m := &BrokerStatsManager{topicPut: map[string]*statsItem{}, groupGet: map[string]*statsItem{},
		groupGetItems: map[[2]string]*statsItem{}}
	m.sets = map[string]map[string]*statsItem{model.StatsTopicPutNums: m.topicPut, model.StatsGroupGetNums: m.groupGet}
	p := b.p
	each := func(fn func(it *statsItem, now sim.Time)) func() {
		return func() {
			now := p.Now()
			for _, name := range slices.Sorted(maps.Keys(m.sets)) {
				set := m.sets[name]
				for _, k := range slices.Sorted(maps.Keys(set)) {
					fn(set[k], now)
				}
			}
		}
	}
	p.Every(0, statsSecondPeriod, "", each(func(it *statsItem, now sim.Time) {
		it.sample(&it.minute, now, statsSecondPeriod, statsMinuteKeep)
	}))
	p.Every(0, statsMinutePeriod, "", each(func(it *statsItem, now sim.Time) {
		it.sample(&it.hour, now, statsMinutePeriod, statsHourKeep)
	}))
	p.Every(0, statsHourPeriod, "", each(func(it *statsItem, now sim.Time) {
		it.sample(&it.day, now, statsHourPeriod, statsDayKeep)
	}))
	// BrokerStats.record at the next midnight of the wall clock, then daily.
	const day = 24 * time.Hour
	untilMidnight := day - (model.WallClockAtZero+p.Now().Duration())%day
	p.Every(untilMidnight, day, "BrokerStats.record", func() {
		m.morningPut, m.morningGet = b.store.putMessageTimesTotal, b.store.getMessageTransferedMsgCount
	})
	return m
}

// item returns a set's item, creating it (StatsItemSet.getAndCreateStatsItem).
func item(set map[string]*statsItem, key string) *statsItem {
	it := set[key]
	if it == nil {
		it = &statsItem{}
		set[key] = it
	}
	return it
}

func (it *statsItem) add(n int64) {
	it.value += n
	it.times++
}

// incTopicPutNums is BrokerStatsManager.incTopicPutNums (one message).
func (m *BrokerStatsManager) incTopicPutNums(topic string) { item(m.topicPut, topic).add(1) }

// incGroupGetNums is BrokerStatsManager.incGroupGetNums.
func (m *BrokerStatsManager) incGroupGetNums(group, topic string, n int) {
	k := [2]string{topic, group}
	it := m.groupGetItems[k]
	if it == nil {
		it = item(m.groupGet, topic+"@"+group)
		m.groupGetItems[k] = it
	}
	it.add(int64(n))
}

// viewBrokerStatsData is AdminBrokerProcessor.ViewBrokerStatsData: an
// unknown item is SYSTEM_ERROR "The stats <name> <key> not exist".
func (m *BrokerStatsManager) viewBrokerStatsData(r *model.ViewBrokerStatsDataRequest) *model.Response {
	it := m.sets[r.StatsName][r.StatsKey]
	if it == nil {
		return &model.Response{Code: model.SystemError,
			Remark: "The stats <" + r.StatsName + "> <" + r.StatsKey + "> not exist"}
	}
	return &model.Response{Code: model.Success,
		Body: &model.BrokerStatsData{Minute: window(it.minute), Hour: window(it.hour), Day: window(it.day)}}
}

// queryTopicConsumeByWho is AdminBrokerProcessor.queryTopicConsumeByWho:
// the groups with a subscription to topic on this broker plus the groups
// with offsets for it (ConsumerOffsetManager.whichGroupByTopic), sorted.
func (b *Broker) queryTopicConsumeByWho(topic string) *model.GroupList {
	seen := map[string]bool{}
	for g, info := range b.consumers.table {
		if info.subscriptions[topic] != nil {
			seen[g] = true
		}
	}
	for k := range b.offsets.table {
		if t, g, ok := strings.Cut(k, "@"); ok && t == topic {
			seen[g] = true
		}
	}
	return &model.GroupList{Groups: slices.Sorted(maps.Keys(seen))}
}
