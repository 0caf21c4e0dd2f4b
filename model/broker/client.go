package broker

import (
	"maps"
	"slices"
	"sort"

	"rmqsim/model"
	"rmqsim/sim"
)

// clientChannelInfo is ClientChannelInfo: a client's channel and the
// time of its last heartbeat.
type clientChannelInfo struct {
	ch         *sim.End
	clientID   string
	lastUpdate sim.Time
}

// consumerGroupInfo is ConsumerGroupInfo: a group's channels and
// subscriptions on this broker, in memory only (§2.8).
type consumerGroupInfo struct {
	group         string
	messageModel  string
	channels      map[*sim.End]*clientChannelInfo
	subscriptions map[string]*model.SubscriptionData
}

// sortedChannels lists channels by connection id (no map order leaks).
func sortedChannels[V any](m map[*sim.End]V) []*sim.End {
	out := make([]*sim.End, 0, len(m))
	for ch := range m {
		out = append(out, ch)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ConnID() < out[j].ConnID() })
	return out
}

// ConsumerManager is BR/client/ConsumerManager.
type ConsumerManager struct {
	b     *Broker
	table map[string]*consumerGroupInfo
}

func newConsumerManager(b *Broker) *ConsumerManager {
	return &ConsumerManager{b: b, table: map[string]*consumerGroupInfo{}}
}

// registerConsumer is ConsumerManager.registerConsumer: a new channel or
// a changed subscription notifies every channel of the group (§2.8).
func (m *ConsumerManager) registerConsumer(ch *sim.End, clientID string, cd *model.ConsumerData) {
	info := m.table[cd.GroupName]
	if info == nil {
		info = &consumerGroupInfo{group: cd.GroupName, channels: map[*sim.End]*clientChannelInfo{},
			subscriptions: map[string]*model.SubscriptionData{}}
		m.table[cd.GroupName] = info
	}
	info.messageModel = cd.MessageModel
	changed := false
	now := m.b.p.Now()
	if old := info.channels[ch]; old == nil {
		info.channels[ch] = &clientChannelInfo{ch: ch, clientID: clientID, lastUpdate: now}
		changed = true
	} else {
		old.clientID, old.lastUpdate = clientID, now
	}
	if updateSubscription(info, cd.Subscriptions) {
		changed = true
	}
	if changed {
		m.notifyConsumerIdsChanged(info)
	}
}

// updateSubscription is ConsumerGroupInfo.updateSubscription: new topics
// and removed topics count as changes; a newer subVersion replaces
// silently.
func updateSubscription(info *consumerGroupInfo, subs []model.SubscriptionData) bool {
	changed := false
	seen := make(map[string]bool, len(subs))
	for i := range subs {
		sd := subs[i]
		seen[sd.Topic] = true
		old := info.subscriptions[sd.Topic]
		switch {
		case old == nil:
			info.subscriptions[sd.Topic] = &sd
			changed = true
		case sd.SubVersion > old.SubVersion:
			info.subscriptions[sd.Topic] = &sd
		}
	}
	for topic := range info.subscriptions {
		if !seen[topic] {
			delete(info.subscriptions, topic)
			changed = true
		}
	}
	return changed
}

// notifyConsumerIdsChanged is Broker2Client.notifyConsumerIdsChanged to
// every channel of the group: a oneway request on the client's channel.
func (m *ConsumerManager) notifyConsumerIdsChanged(info *consumerGroupInfo) {
	req := &model.Request{Code: model.NotifyConsumerIdsChanged,
		Body: &model.NotifyConsumerIdsChangedRequest{ConsumerGroup: info.group}}
	for _, ch := range sortedChannels(info.channels) {
		_ = ch.Send(req) // a closed channel just fails, as the oneway does
	}
}

func (m *ConsumerManager) unregisterConsumer(group string, ch *sim.End) {
	info := m.table[group]
	if info == nil {
		return
	}
	delete(info.channels, ch)
	if len(info.channels) == 0 {
		delete(m.table, group)
	}
	m.notifyConsumerIdsChanged(info)
}

// doChannelCloseEvent removes a closed channel from every group and
// notifies the rest of each group (§2.7).
func (m *ConsumerManager) doChannelCloseEvent(ch *sim.End) {
	for _, g := range slices.Sorted(maps.Keys(m.table)) {
		info := m.table[g]
		if info.channels[ch] == nil {
			continue
		}
		delete(info.channels, ch)
		if len(info.channels) == 0 {
			delete(m.table, g)
		}
		m.notifyConsumerIdsChanged(info)
	}
}

// scanNotActiveChannel closes and removes channels without a heartbeat
// for 120 s, without notifying the group (§2.7).
func (m *ConsumerManager) scanNotActiveChannel() {
	now := m.b.p.Now()
	for _, g := range slices.Sorted(maps.Keys(m.table)) {
		info := m.table[g]
		for _, ch := range sortedChannels(info.channels) {
			if now.Sub(info.channels[ch].lastUpdate) > m.b.cfg.ChannelExpiredTimeout {
				delete(info.channels, ch)
				ch.Close()
			}
		}
		if len(info.channels) == 0 {
			delete(m.table, g)
		}
	}
}

// clientIDs is ConsumerGroupInfo.getAllClientId, sorted.
func (info *consumerGroupInfo) clientIDs() []string {
	ids := make([]string, 0, len(info.channels))
	for _, ch := range sortedChannels(info.channels) {
		ids = append(ids, info.channels[ch].clientID)
	}
	sort.Strings(ids)
	return ids
}

// ProducerManager is BR/client/ProducerManager.
type ProducerManager struct {
	b     *Broker
	table map[string]map[*sim.End]*clientChannelInfo
}

func newProducerManager(b *Broker) *ProducerManager {
	return &ProducerManager{b: b, table: map[string]map[*sim.End]*clientChannelInfo{}}
}

func (m *ProducerManager) registerProducer(group string, ch *sim.End, clientID string) {
	t := m.table[group]
	if t == nil {
		t = map[*sim.End]*clientChannelInfo{}
		m.table[group] = t
	}
	t[ch] = &clientChannelInfo{ch: ch, clientID: clientID, lastUpdate: m.b.p.Now()}
}

// ProducerClientIDs lists the client ids registered for a producer group
// on this broker, sorted (tests, observers).
func (b *Broker) ProducerClientIDs(group string) []string {
	var out []string
	for _, ci := range b.producers.table[group] {
		out = append(out, ci.clientID)
	}
	sort.Strings(out)
	return out
}

func (m *ProducerManager) doChannelCloseEvent(ch *sim.End) {
	for _, g := range slices.Sorted(maps.Keys(m.table)) {
		delete(m.table[g], ch)
	}
}

func (m *ProducerManager) scanNotActiveChannel() {
	now := m.b.p.Now()
	for _, g := range slices.Sorted(maps.Keys(m.table)) {
		t := m.table[g]
		for _, ch := range sortedChannels(t) {
			if now.Sub(t[ch].lastUpdate) > m.b.cfg.ChannelExpiredTimeout {
				delete(t, ch)
				ch.Close()
			}
		}
	}
}

// heartBeat is ClientManageProcessor.heartBeat (§2.8): for each consumer
// group it finds (auto-creates) the subscription group, creates
// %RETRY%<group> (1 queue, registering oneway), and registers the
// consumer; producers are registered too. The reply waits for a oneway
// registration in progress (registerBrokerAll is synchronized).
func (b *Broker) heartBeat(ch *sim.End, in *sim.Inbound, hb *model.HeartbeatData) {
	created := false
	for i := range hb.ConsumerDatas {
		cd := &hb.ConsumerDatas[i]
		if sgc, ok := b.groups.findSubscriptionGroupConfig(cd.GroupName); ok {
			_, c := b.topics.createTopicInSendMessageBackMethod(RetryGroupTopicPrefix+cd.GroupName,
				sgc.RetryQueueNums, model.PermRead|model.PermWrite)
			if c {
				b.registerBrokerAll(true, func() {})
				created = true
			}
		}
		b.consumers.registerConsumer(ch, hb.ClientID, cd)
	}
	for _, g := range hb.ProducerGroups {
		b.producers.registerProducer(g, ch, hb.ClientID)
	}
	if created {
		b.registerLock.Submit("", func(done func()) { done(); in.Reply(&model.Response{Code: model.Success}) })
		return
	}
	in.Reply(&model.Response{Code: model.Success})
}

// unregisterClient is ClientManageProcessor.unregisterClient: removing a
// consumer notifies the rest of its group.
func (b *Broker) unregisterClient(ch *sim.End, in *sim.Inbound, r *model.UnregisterClientRequest) {
	if r.ProducerGroup != "" {
		delete(b.producers.table[r.ProducerGroup], ch)
	}
	if r.ConsumerGroup != "" {
		b.consumers.unregisterConsumer(r.ConsumerGroup, ch)
	}
	in.Reply(&model.Response{Code: model.Success})
}

// getConsumerListByGroup answers this broker's members only; an unknown
// or empty group is SYSTEM_ERROR (§2.8).
func (b *Broker) getConsumerListByGroup(r *model.GetConsumerListByGroupRequest) *model.Response {
	if info := b.consumers.table[r.ConsumerGroup]; info != nil && len(info.channels) > 0 {
		return &model.Response{Code: model.Success, Body: &model.ConsumerList{IDs: info.clientIDs()}}
	}
	return &model.Response{Code: model.SystemError, Remark: "no consumer for this group, " + r.ConsumerGroup}
}

// ConsumerIDs lists the client ids of group's channels on this broker,
// sorted (nil when the group is unknown): what GET_CONSUMER_LIST_BY_GROUP
// would answer (tests, observers).
func (b *Broker) ConsumerIDs(group string) []string {
	if info := b.consumers.table[group]; info != nil {
		return info.clientIDs()
	}
	return nil
}
