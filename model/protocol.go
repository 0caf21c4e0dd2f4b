package model

import (
	"strconv"

	"rmqsim/sim"
)

// RequestCode is RocketMQ's request code (CM/protocol/RequestCode, 4.8.0).
type RequestCode int

// Request codes used by the model (numbers as in 4.8.0).
const (
	SendMessage                   RequestCode = 10
	PullMessage                   RequestCode = 11
	QueryConsumerOffset           RequestCode = 14
	UpdateConsumerOffset          RequestCode = 15
	GetAllTopicConfig             RequestCode = 21
	GetBrokerRuntimeInfo          RequestCode = 28
	SearchOffsetByTimestamp       RequestCode = 29
	GetMaxOffset                  RequestCode = 30
	GetMinOffset                  RequestCode = 31
	HeartBeat                     RequestCode = 34
	UnregisterClient              RequestCode = 35
	ConsumerSendMsgBack           RequestCode = 36
	GetConsumerListByGroup        RequestCode = 38
	NotifyConsumerIdsChanged      RequestCode = 40
	GetAllConsumerOffset          RequestCode = 43
	GetAllDelayOffset             RequestCode = 45
	PutKVConfig                   RequestCode = 100
	GetKVConfig                   RequestCode = 101
	DeleteKVConfig                RequestCode = 102
	RegisterBroker                RequestCode = 103
	UnregisterBroker              RequestCode = 104
	GetRouteInfoByTopic           RequestCode = 105
	GetBrokerClusterInfo          RequestCode = 106
	GetAllSubscriptionGroupConfig RequestCode = 201
	GetTopicStatsInfo             RequestCode = 202
	GetAllTopicListFromNameServer RequestCode = 206
	GetConsumeStats               RequestCode = 208
	QueryTopicConsumeByWho        RequestCode = 300
	ViewBrokerStatsData           RequestCode = 315
	// HATransfer is the HA connection's data stream (not a RemotingCommand
	// in RocketMQ: HAService speaks its own protocol on haListenPort).
	HATransfer RequestCode = -1
	// HAReport is the slave's offset report on the HA connection.
	HAReport RequestCode = -2
)

var requestNames = map[RequestCode]string{
	SendMessage: "SEND_MESSAGE", PullMessage: "PULL_MESSAGE", QueryConsumerOffset: "QUERY_CONSUMER_OFFSET",
	UpdateConsumerOffset: "UPDATE_CONSUMER_OFFSET", GetAllTopicConfig: "GET_ALL_TOPIC_CONFIG",
	GetBrokerRuntimeInfo: "GET_BROKER_RUNTIME_INFO", SearchOffsetByTimestamp: "SEARCH_OFFSET_BY_TIMESTAMP",
	GetMaxOffset: "GET_MAX_OFFSET", GetMinOffset: "GET_MIN_OFFSET", HeartBeat: "HEART_BEAT",
	UnregisterClient: "UNREGISTER_CLIENT", ConsumerSendMsgBack: "CONSUMER_SEND_MSG_BACK",
	GetConsumerListByGroup: "GET_CONSUMER_LIST_BY_GROUP", NotifyConsumerIdsChanged: "NOTIFY_CONSUMER_IDS_CHANGED",
	GetAllConsumerOffset: "GET_ALL_CONSUMER_OFFSET", GetAllDelayOffset: "GET_ALL_DELAY_OFFSET",
	PutKVConfig: "PUT_KV_CONFIG", GetKVConfig: "GET_KV_CONFIG", DeleteKVConfig: "DELETE_KV_CONFIG",
	RegisterBroker: "REGISTER_BROKER", UnregisterBroker: "UNREGISTER_BROKER",
	GetRouteInfoByTopic: "GET_ROUTEINFO_BY_TOPIC", GetBrokerClusterInfo: "GET_BROKER_CLUSTER_INFO",
	GetAllSubscriptionGroupConfig: "GET_ALL_SUBSCRIPTIONGROUP_CONFIG", GetTopicStatsInfo: "GET_TOPIC_STATS_INFO",
	GetAllTopicListFromNameServer: "GET_ALL_TOPIC_LIST_FROM_NAMESERVER", GetConsumeStats: "GET_CONSUME_STATS",
	QueryTopicConsumeByWho: "QUERY_TOPIC_CONSUME_BY_WHO", ViewBrokerStatsData: "VIEW_BROKER_STATS_DATA",
	HATransfer: "HA_TRANSFER", HAReport: "HA_REPORT",
}

func (c RequestCode) String() string {
	if s, ok := requestNames[c]; ok {
		return s
	}
	return "REQUEST_" + strconv.Itoa(int(c))
}

// ResponseCode is RocketMQ's response code (RemotingSysResponseCode and
// CM/protocol/ResponseCode, 4.8.0).
type ResponseCode int

// Response codes (numbers as in 4.8.0).
const (
	Success                   ResponseCode = 0
	SystemError               ResponseCode = 1
	SystemBusy                ResponseCode = 2
	RequestCodeNotSupported   ResponseCode = 3
	FlushDiskTimeout          ResponseCode = 10
	SlaveNotAvailable         ResponseCode = 11
	FlushSlaveTimeout         ResponseCode = 12
	MessageIllegal            ResponseCode = 13
	ServiceNotAvailable       ResponseCode = 14
	NoPermission              ResponseCode = 16
	TopicNotExist             ResponseCode = 17
	PullNotFound              ResponseCode = 19
	PullRetryImmediately      ResponseCode = 20
	PullOffsetMoved           ResponseCode = 21
	QueryNotFound             ResponseCode = 22
	SubscriptionNotExist      ResponseCode = 24
	SubscriptionNotLatest     ResponseCode = 25
	SubscriptionGroupNotExist ResponseCode = 26
	NoBuyerID                 ResponseCode = 204
	NotInCurrentUnit          ResponseCode = 205
)

var responseNames = map[ResponseCode]string{
	Success: "SUCCESS", SystemError: "SYSTEM_ERROR", SystemBusy: "SYSTEM_BUSY",
	RequestCodeNotSupported: "REQUEST_CODE_NOT_SUPPORTED", FlushDiskTimeout: "FLUSH_DISK_TIMEOUT",
	SlaveNotAvailable: "SLAVE_NOT_AVAILABLE", FlushSlaveTimeout: "FLUSH_SLAVE_TIMEOUT",
	MessageIllegal: "MESSAGE_ILLEGAL", ServiceNotAvailable: "SERVICE_NOT_AVAILABLE",
	NoPermission: "NO_PERMISSION", TopicNotExist: "TOPIC_NOT_EXIST", PullNotFound: "PULL_NOT_FOUND",
	PullRetryImmediately: "PULL_RETRY_IMMEDIATELY", PullOffsetMoved: "PULL_OFFSET_MOVED",
	QueryNotFound: "QUERY_NOT_FOUND", SubscriptionNotExist: "SUBSCRIPTION_NOT_EXIST",
	SubscriptionNotLatest: "SUBSCRIPTION_NOT_LATEST", SubscriptionGroupNotExist: "SUBSCRIPTION_GROUP_NOT_EXIST",
	NoBuyerID: "NO_BUYER_ID", NotInCurrentUnit: "NOT_IN_CURRENT_UNIT",
}

func (c ResponseCode) String() string {
	if s, ok := responseNames[c]; ok {
		return s
	}
	return "CODE_" + strconv.Itoa(int(c))
}

// Describer is a request or response body with a one-line trace text.
type Describer interface {
	Describe(b []byte) []byte
}

// Request is a RemotingCommand request: a code and a typed body (a
// pointer to one of the *Header / *Body types of the model).
type Request struct {
	Code RequestCode
	Body any
}

// Describe implements sim.Message.
func (r *Request) Describe(b []byte) []byte {
	b = append(b, r.Code.String()...)
	if d, ok := r.Body.(Describer); ok {
		b = append(b, ' ')
		b = d.Describe(b)
	}
	return b
}

// Response is a RemotingCommand response: code, remark and typed body.
type Response struct {
	Code   ResponseCode
	Remark string
	Body   any
}

// Describe implements sim.Message.
func (r *Response) Describe(b []byte) []byte {
	b = append(b, r.Code.String()...)
	if d, ok := r.Body.(Describer); ok {
		b = append(b, ' ')
		b = d.Describe(b)
	}
	return b
}

var (
	_ sim.Message = (*Request)(nil)
	_ sim.Message = (*Response)(nil)
)

// QueueData is a topic's queues on one broker (CM/protocol/route/QueueData).
type QueueData struct {
	BrokerName     string
	ReadQueueNums  int
	WriteQueueNums int
	Perm           int
}

// BrokerData is one broker group's addresses (route/BrokerData);
// BrokerAddrs maps brokerId → addr, 0 = master.
type BrokerData struct {
	Cluster     string
	BrokerName  string
	BrokerAddrs map[int64]string
}

// TopicRouteData is GET_ROUTEINFO_BY_TOPIC's answer. Both slices are
// sorted by brokerName so that equality and traces are deterministic.
type TopicRouteData struct {
	QueueDatas  []QueueData
	BrokerDatas []BrokerData
}

// Permissions (CM/constant/PermName).
const (
	PermPriority = 1 << 3
	PermRead     = 1 << 2
	PermWrite    = 1 << 1
	PermInherit  = 1 << 0
)

// TopicConfig is a broker's topic (CM/TopicConfig).
type TopicConfig struct {
	TopicName      string
	ReadQueueNums  int
	WriteQueueNums int
	Perm           int
}

// Message is what a producer sends (CM/message/Message): topic, tags,
// keys, body and properties such as UNIQ_KEY.
type Message struct {
	Topic          string
	Tags           string
	Keys           string
	Body           string
	UniqKey        string
	ReconsumeTimes int
	// Properties holds any other user or system property, sorted by key
	// when encoded.
	Properties map[string]string
}

// MessageExt is a stored message as a consumer sees it.
type MessageExt struct {
	Message
	BrokerName      string
	QueueID         int
	QueueOffset     int64
	CommitLogOffset int64
	StoreSize       int
	StoreHost       string
	OffsetMsgID     string
	BornTimestamp   sim.Time
	StoreTimestamp  sim.Time
}
