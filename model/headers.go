package model

import (
	"maps"
	"slices"
	"sort"
	"strconv"

	"rmqsim/sim"
)

// Request and response bodies exchanged between clients, brokers and
// nameservers. Each is RocketMQ 4.8.0's custom header plus its body
// (CM/protocol/header/*, CM/protocol/body/*, CM/protocol/heartbeat/*,
// CM/admin/*) folded into one Go struct, named after the Java class
// without the "Header" suffix. Describe gives each a short stable trace
// text; the hot ones (send, pull) use only strconv.Append*.

// DataVersion is a broker's topic-table version (CM/DataVersion): the
// nameserver rewrites a master's QueueData only when it changes (§1.2).
type DataVersion struct {
	Timestamp int64 // ms of virtual time when it last changed
	Counter   int64
}

func appendDataVersion(b []byte, v DataVersion) []byte {
	b = append(b, " dataVersion="...)
	b = strconv.AppendInt(b, v.Timestamp, 10)
	b = append(b, '/')
	return strconv.AppendInt(b, v.Counter, 10)
}

func appendStr(b []byte, k, v string) []byte {
	b = append(b, ' ')
	b = append(b, k...)
	b = append(b, '=')
	return append(b, v...)
}

func appendInt(b []byte, k string, v int64) []byte {
	b = append(b, ' ')
	b = append(b, k...)
	b = append(b, '=')
	return strconv.AppendInt(b, v, 10)
}

// trimLead drops the leading space appendStr/appendInt put first.
func trimLead(b []byte, start int) []byte {
	if len(b) > start && b[start] == ' ' {
		copy(b[start:], b[start+1:])
		b = b[:len(b)-1]
	}
	return b
}

// ---- nameserver (§1) ----

// RegisterBrokerRequest is REGISTER_BROKER: RegisterBrokerRequestHeader
// plus RegisterBrokerBody's TopicConfigSerializeWrapper (§1.2, §2.1).
// Topics is sorted by name.
type RegisterBrokerRequest struct {
	ClusterName  string
	BrokerAddr   string
	BrokerName   string
	BrokerID     int64
	HAServerAddr string
	Topics       []TopicConfig
	DataVersion  DataVersion
}

// Describe implements Describer.
func (r *RegisterBrokerRequest) Describe(b []byte) []byte {
	s := len(b)
	b = appendStr(b, "cluster", r.ClusterName)
	b = appendStr(b, "broker", r.BrokerName)
	b = appendInt(b, "id", r.BrokerID)
	b = appendStr(b, "addr", r.BrokerAddr)
	b = appendStr(b, "ha", r.HAServerAddr)
	b = appendInt(b, "topics", int64(len(r.Topics)))
	b = appendDataVersion(b, r.DataVersion)
	return trimLead(b, s)
}

// RegisterBrokerResult is REGISTER_BROKER's reply
// (RegisterBrokerResponseHeader): a slave's live master and its HA addr,
// both "" (null) when unknown (§1.2).
type RegisterBrokerResult struct {
	MasterAddr   string
	HAServerAddr string
}

// Describe implements Describer.
func (r *RegisterBrokerResult) Describe(b []byte) []byte {
	s := len(b)
	b = appendStr(b, "masterAddr", orNull(r.MasterAddr))
	b = appendStr(b, "haServerAddr", orNull(r.HAServerAddr))
	return trimLead(b, s)
}

func orNull(s string) string {
	if s == "" {
		return "null"
	}
	return s
}

// UnregisterBrokerRequest is UNREGISTER_BROKER (UnRegisterBrokerRequestHeader, §1.4, §2.2).
type UnregisterBrokerRequest struct {
	ClusterName string
	BrokerAddr  string
	BrokerName  string
	BrokerID    int64
}

// Describe implements Describer.
func (r *UnregisterBrokerRequest) Describe(b []byte) []byte {
	s := len(b)
	b = appendStr(b, "broker", r.BrokerName)
	b = appendInt(b, "id", r.BrokerID)
	b = appendStr(b, "addr", r.BrokerAddr)
	return trimLead(b, s)
}

// GetRouteInfoRequest is GET_ROUTEINFO_BY_TOPIC (GetRouteInfoRequestHeader, §1.3);
// the reply body is *TopicRouteData.
type GetRouteInfoRequest struct {
	Topic string
}

// Describe implements Describer.
func (r *GetRouteInfoRequest) Describe(b []byte) []byte {
	return append(append(b, "topic="...), r.Topic...)
}

// Describe implements Describer: "broker-a(r16 w16 p6 0=addr 1=addr) ...".
func (t *TopicRouteData) Describe(b []byte) []byte {
	for i, q := range t.QueueDatas {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, q.BrokerName...)
		b = append(b, "(r"...)
		b = strconv.AppendInt(b, int64(q.ReadQueueNums), 10)
		b = append(b, " w"...)
		b = strconv.AppendInt(b, int64(q.WriteQueueNums), 10)
		b = append(b, " p"...)
		b = strconv.AppendInt(b, int64(q.Perm), 10)
		b = append(b, ')')
	}
	for _, d := range t.BrokerDatas {
		b = append(b, " ["...)
		b = append(b, d.BrokerName...)
		b = appendBrokerAddrs(b, d.BrokerAddrs)
		b = append(b, ']')
	}
	return b
}

func appendBrokerAddrs(b []byte, addrs map[int64]string) []byte {
	for _, id := range SortedBrokerIDs(addrs) {
		b = append(b, ' ')
		b = strconv.AppendInt(b, id, 10)
		b = append(b, '=')
		b = append(b, addrs[id]...)
	}
	return b
}

// SortedBrokerIDs returns a BrokerData's ids in order (master 0 first).
func SortedBrokerIDs(addrs map[int64]string) []int64 {
	ids := make([]int64, 0, len(addrs))
	for id := range addrs {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

// ClusterInfo is GET_BROKER_CLUSTER_INFO's reply (CM/protocol/body/ClusterInfo, §7).
type ClusterInfo struct {
	BrokerAddrTable  map[string]BrokerData
	ClusterAddrTable map[string][]string // cluster → sorted brokerNames
}

// Describe implements Describer.
func (c *ClusterInfo) Describe(b []byte) []byte {
	s := len(b)
	for _, cl := range slices.Sorted(maps.Keys(c.ClusterAddrTable)) {
		b = append(b, ' ')
		b = append(b, cl...)
		b = append(b, ':')
		for i, n := range c.ClusterAddrTable[cl] {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, n...)
		}
	}
	for _, n := range slices.Sorted(maps.Keys(c.BrokerAddrTable)) {
		b = append(b, " ["...)
		b = append(b, n...)
		b = appendBrokerAddrs(b, c.BrokerAddrTable[n].BrokerAddrs)
		b = append(b, ']')
	}
	return trimLead(b, s)
}

// TopicList is GET_ALL_TOPIC_LIST_FROM_NAMESERVER's reply (body/TopicList), sorted.
type TopicList struct {
	TopicList []string
}

// Describe implements Describer.
func (t *TopicList) Describe(b []byte) []byte {
	b = append(b, "topics="...)
	return strconv.AppendInt(b, int64(len(t.TopicList)), 10)
}

// KVConfigRequest is PUT_KV_CONFIG / GET_KV_CONFIG / DELETE_KV_CONFIG
// (namesrv/PutKVConfigRequestHeader and friends, §1.5); GET replies with
// *KVConfigRequest carrying the value.
type KVConfigRequest struct {
	Namespace string
	Key       string
	Value     string
}

// Describe implements Describer.
func (r *KVConfigRequest) Describe(b []byte) []byte {
	b = append(b, r.Namespace...)
	b = append(b, '/')
	b = append(b, r.Key...)
	b = append(b, '=')
	return append(b, r.Value...)
}

// ---- producer ↔ broker (§2.3, §4) ----

// SendMessageRequest is SEND_MESSAGE (SendMessageRequestHeader) with the
// message. The properties string of the Java header is represented by
// Msg's typed fields (Tags → TAGS, Keys → KEYS, UniqKey → UNIQ_KEY; set
// only when non-empty, and not repeated in Msg.Properties), the other
// entries of Msg.Properties, and WaitStoreMsgOK (the WAIT property that
// Message's constructor sets to true). The broker sizes the stored record
// from them byte-accurately (adding CLUSTER), so Msg.Properties must hold
// exactly what a Java producer would send. The broker keeps Msg (and its
// Properties map) as sent: do not modify it after sending.
type SendMessageRequest struct {
	ProducerGroup         string
	Topic                 string
	DefaultTopic          string // TBW102
	DefaultTopicQueueNums int    // 4 (§2.3)
	QueueID               int
	SysFlag               int
	BornTimestamp         sim.Time
	Flag                  int
	WaitStoreMsgOK        bool
	ReconsumeTimes        int
	MaxReconsumeTimes     int
	Msg                   Message
	BornHost              string // client ip:port
}

// Describe implements Describer.
func (r *SendMessageRequest) Describe(b []byte) []byte {
	b = append(b, "topic="...)
	b = append(b, r.Topic...)
	b = append(b, " queue="...)
	b = strconv.AppendInt(b, int64(r.QueueID), 10)
	b = append(b, " key="...)
	b = append(b, r.Msg.UniqKey...)
	if r.ReconsumeTimes > 0 {
		b = append(b, " reconsume="...)
		b = strconv.AppendInt(b, int64(r.ReconsumeTimes), 10)
	}
	return b
}

// SendMessageResponse is SEND_MESSAGE's reply (SendMessageResponseHeader):
// MsgID is the offsetMsgId (storeHost + commit-log offset); the codes
// SUCCESS, FLUSH_DISK_TIMEOUT, FLUSH_SLAVE_TIMEOUT and SLAVE_NOT_AVAILABLE
// all carry it. CommitLogOffset, StoreSize and StoreTimestamp are for the
// explanations (not in the Java header).
type SendMessageResponse struct {
	MsgID           string
	QueueID         int
	QueueOffset     int64
	CommitLogOffset int64
	StoreSize       int
	StoreTimestamp  sim.Time
}

// Describe implements Describer.
func (r *SendMessageResponse) Describe(b []byte) []byte {
	b = append(b, "queue="...)
	b = strconv.AppendInt(b, int64(r.QueueID), 10)
	b = append(b, " offset="...)
	b = strconv.AppendInt(b, r.QueueOffset, 10)
	b = append(b, " msgId="...)
	return append(b, r.MsgID...)
}
