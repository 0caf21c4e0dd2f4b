package namesrv

import (
	"maps"
	"slices"
	"sort"
	"time"

	"rmqsim/model"
	"rmqsim/sim"
)

// BrokerLiveInfo is one registered broker address's liveness entry
// (RouteInfoManager.BrokerLiveInfo, facts §1.1): refreshed by every
// registration, it is the broker's heartbeat.
type BrokerLiveInfo struct {
	LastUpdateTimestamp sim.Time
	DataVersion         model.DataVersion
	Channel             *sim.End
	HAServerAddr        string
}

// RouteInfoManager holds the nameserver's four route tables (facts §1.1).
// They live only in memory: a restarted nameserver starts with them empty
// (§1.5). Every read that can leak map order goes through sorted keys.
type RouteInfoManager struct {
	// topicQueueTable: topic → QueueData, one per brokerName.
	topicQueueTable map[string][]model.QueueData
	// brokerAddrTable: brokerName → BrokerData (brokerId → addr).
	brokerAddrTable map[string]*model.BrokerData
	// clusterAddrTable: cluster → set of brokerNames.
	clusterAddrTable map[string]map[string]bool
	// brokerLiveTable: brokerAddr → liveness.
	brokerLiveTable map[string]*BrokerLiveInfo
}

// NewRouteInfoManager returns empty tables (§1.5).
func NewRouteInfoManager() *RouteInfoManager {
	return &RouteInfoManager{
		topicQueueTable:  map[string][]model.QueueData{},
		brokerAddrTable:  map[string]*model.BrokerData{},
		clusterAddrTable: map[string]map[string]bool{},
		brokerLiveTable:  map[string]*BrokerLiveInfo{},
	}
}

// RegisterBroker is RouteInfoManager.registerBroker (facts §1.2).
func (m *RouteInfoManager) RegisterBroker(r *model.RegisterBrokerRequest, ch *sim.End, now sim.Time) *model.RegisterBrokerResult {
	names := m.clusterAddrTable[r.ClusterName]
	if names == nil {
		names = map[string]bool{}
		m.clusterAddrTable[r.ClusterName] = names
	}
	names[r.BrokerName] = true

	registerFirst := false
	bd := m.brokerAddrTable[r.BrokerName]
	if bd == nil {
		registerFirst = true
		bd = &model.BrokerData{Cluster: r.ClusterName, BrokerName: r.BrokerName, BrokerAddrs: map[int64]string{}}
		m.brokerAddrTable[r.BrokerName] = bd
	}
	// Slave→master switch: the same addr may hold only one brokerId (§1.2).
	for id, addr := range bd.BrokerAddrs {
		if addr == r.BrokerAddr && id != r.BrokerID {
			delete(bd.BrokerAddrs, id)
		}
	}
	_, had := bd.BrokerAddrs[r.BrokerID]
	bd.BrokerAddrs[r.BrokerID] = r.BrokerAddr
	registerFirst = registerFirst || !had

	// QueueData only from the master, and only when new or changed (§1.2).
	if r.BrokerID == 0 && (registerFirst || m.isBrokerTopicConfigChanged(r.BrokerAddr, r.DataVersion)) {
		for _, tc := range r.Topics {
			m.createAndUpdateQueueData(r.BrokerName, tc)
		}
	}
	m.brokerLiveTable[r.BrokerAddr] = &BrokerLiveInfo{
		LastUpdateTimestamp: now, DataVersion: r.DataVersion, Channel: ch, HAServerAddr: r.HAServerAddr,
	}

	res := &model.RegisterBrokerResult{}
	if r.BrokerID != 0 {
		if master, ok := bd.BrokerAddrs[0]; ok {
			if live := m.brokerLiveTable[master]; live != nil {
				res.MasterAddr, res.HAServerAddr = master, live.HAServerAddr
			}
		}
	}
	return res
}

func (m *RouteInfoManager) isBrokerTopicConfigChanged(addr string, v model.DataVersion) bool {
	prev := m.brokerLiveTable[addr]
	return prev == nil || prev.DataVersion != v
}

// createAndUpdateQueueData upserts brokerName's QueueData of a topic;
// other brokers' entries and other topics are left alone (§1.2).
func (m *RouteInfoManager) createAndUpdateQueueData(brokerName string, tc model.TopicConfig) {
	qd := model.QueueData{BrokerName: brokerName, ReadQueueNums: tc.ReadQueueNums,
		WriteQueueNums: tc.WriteQueueNums, Perm: tc.Perm}
	list := m.topicQueueTable[tc.TopicName]
	for i := range list {
		if list[i].BrokerName == brokerName {
			list[i] = qd
			return
		}
	}
	m.topicQueueTable[tc.TopicName] = append(list, qd)
}

// UnregisterBroker is RouteInfoManager.unregisterBroker: like a channel
// close for one addr (facts §1.4).
func (m *RouteInfoManager) UnregisterBroker(r *model.UnregisterBrokerRequest) {
	delete(m.brokerLiveTable, r.BrokerAddr)
	removeBrokerName := false
	if bd := m.brokerAddrTable[r.BrokerName]; bd != nil {
		delete(bd.BrokerAddrs, r.BrokerID)
		if len(bd.BrokerAddrs) == 0 {
			delete(m.brokerAddrTable, r.BrokerName)
			removeBrokerName = true
		}
	}
	if removeBrokerName {
		if names := m.clusterAddrTable[r.ClusterName]; names != nil {
			delete(names, r.BrokerName)
			if len(names) == 0 {
				delete(m.clusterAddrTable, r.ClusterName)
			}
		}
		m.removeTopicByBrokerName(r.BrokerName)
	}
}

// removeTopicByBrokerName deletes a broker's QueueData from every topic;
// a topic left with none is dropped (facts §1.4).
func (m *RouteInfoManager) removeTopicByBrokerName(brokerName string) {
	for _, topic := range slices.Sorted(maps.Keys(m.topicQueueTable)) {
		list := m.topicQueueTable[topic]
		kept := list[:0]
		for _, qd := range list {
			if qd.BrokerName != brokerName {
				kept = append(kept, qd)
			}
		}
		if len(kept) == 0 {
			delete(m.topicQueueTable, topic)
		} else {
			m.topicQueueTable[topic] = kept
		}
	}
}

// PickupTopicRouteData is RouteInfoManager.pickupTopicRouteData (facts
// §1.3): nil when the topic has no QueueData or none of its brokerNames
// has a BrokerData. BrokerDatas are clones; both lists sorted by name.
func (m *RouteInfoManager) PickupTopicRouteData(topic string) *model.TopicRouteData {
	list := m.topicQueueTable[topic]
	if len(list) == 0 {
		return nil
	}
	route := &model.TopicRouteData{QueueDatas: append([]model.QueueData(nil), list...)}
	sort.Slice(route.QueueDatas, func(i, j int) bool { return route.QueueDatas[i].BrokerName < route.QueueDatas[j].BrokerName })
	for _, qd := range route.QueueDatas {
		bd := m.brokerAddrTable[qd.BrokerName]
		if bd == nil {
			continue
		}
		route.BrokerDatas = append(route.BrokerDatas, cloneBrokerData(bd))
	}
	if len(route.BrokerDatas) == 0 {
		return nil
	}
	return route
}

func cloneBrokerData(bd *model.BrokerData) model.BrokerData {
	addrs := make(map[int64]string, len(bd.BrokerAddrs))
	for id, a := range bd.BrokerAddrs {
		addrs[id] = a
	}
	return model.BrokerData{Cluster: bd.Cluster, BrokerName: bd.BrokerName, BrokerAddrs: addrs}
}

// ScanNotActiveBroker closes and destroys every broker entry not
// refreshed for expired (BROKER_CHANNEL_EXPIRED_TIME, facts §1.4). It
// returns the addrs removed.
func (m *RouteInfoManager) ScanNotActiveBroker(now sim.Time, expired time.Duration) []string {
	var removed []string
	for _, addr := range slices.Sorted(maps.Keys(m.brokerLiveTable)) {
		live := m.brokerLiveTable[addr]
		if live == nil || now.Sub(live.LastUpdateTimestamp) <= expired {
			continue
		}
		delete(m.brokerLiveTable, addr)
		if live.Channel != nil {
			live.Channel.Close() // its close callback finds nothing left to remove
		}
		m.OnChannelDestroy(addr, nil)
		removed = append(removed, addr)
	}
	return removed
}

// OnChannelDestroy is RouteInfoManager.onChannelDestroy (facts §1.4): the
// broker addr is the one whose live entry holds ch (else remoteAddr).
// Its addr leaves brokerLiveTable and its BrokerData; only a BrokerData
// left empty takes the brokerName out of the cluster and its QueueData
// out of every topic. It returns the broker addr acted on ("" if none).
func (m *RouteInfoManager) OnChannelDestroy(remoteAddr string, ch *sim.End) string {
	found := ""
	if ch != nil {
		for _, addr := range slices.Sorted(maps.Keys(m.brokerLiveTable)) {
			if m.brokerLiveTable[addr].Channel == ch {
				found = addr
				break
			}
		}
	}
	if found == "" {
		found = remoteAddr
	}
	if found == "" {
		return ""
	}
	delete(m.brokerLiveTable, found)
	nameFound, removeName := "", false
	for _, name := range slices.Sorted(maps.Keys(m.brokerAddrTable)) {
		bd := m.brokerAddrTable[name]
		for _, id := range model.SortedBrokerIDs(bd.BrokerAddrs) {
			if bd.BrokerAddrs[id] == found {
				nameFound = name
				delete(bd.BrokerAddrs, id)
				break
			}
		}
		if len(bd.BrokerAddrs) == 0 {
			removeName = true
			delete(m.brokerAddrTable, name)
		}
		if nameFound != "" {
			break
		}
	}
	if nameFound == "" {
		return ""
	}
	if removeName {
		for _, cluster := range slices.Sorted(maps.Keys(m.clusterAddrTable)) {
			names := m.clusterAddrTable[cluster]
			if names[nameFound] {
				delete(names, nameFound)
				if len(names) == 0 {
					delete(m.clusterAddrTable, cluster)
				}
				break
			}
		}
		m.removeTopicByBrokerName(nameFound)
	}
	return found
}

// GetAllClusterInfo is getAllClusterInfo (GET_BROKER_CLUSTER_INFO, facts §7).
func (m *RouteInfoManager) GetAllClusterInfo() *model.ClusterInfo {
	ci := &model.ClusterInfo{BrokerAddrTable: map[string]model.BrokerData{}, ClusterAddrTable: map[string][]string{}}
	for name, bd := range m.brokerAddrTable {
		ci.BrokerAddrTable[name] = cloneBrokerData(bd)
	}
	for cluster, names := range m.clusterAddrTable {
		ci.ClusterAddrTable[cluster] = slices.Sorted(maps.Keys(names))
	}
	return ci
}

// GetAllTopicList is getAllTopicList (GET_ALL_TOPIC_LIST_FROM_NAMESERVER, §7).
func (m *RouteInfoManager) GetAllTopicList() *model.TopicList {
	return &model.TopicList{TopicList: slices.Sorted(maps.Keys(m.topicQueueTable))}
}

// BrokerLive returns addr's liveness entry (nil if absent), for tests.
func (m *RouteInfoManager) BrokerLive(addr string) *BrokerLiveInfo { return m.brokerLiveTable[addr] }

// BrokerNames lists brokerAddrTable's names, sorted.
func (m *RouteInfoManager) BrokerNames() []string { return slices.Sorted(maps.Keys(m.brokerAddrTable)) }
