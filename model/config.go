package model

import "time"

// Config is every RocketMQ 4.8 parameter the model uses, with 4.8's
// default (DefaultConfig) and the facts § it comes from. Each field can be
// overridden from a scenario by "<component>.<field>" (see Set), where the
// field name is RocketMQ's own.
type Config struct {
	Namesrv  NamesrvConfig  `key:"namesrv"`
	Broker   BrokerConfig   `key:"broker"`
	Client   ClientConfig   `key:"client"`
	Producer ProducerConfig `key:"producer"`
	Consumer ConsumerConfig `key:"consumer"`
	Console  ConsoleConfig  `key:"console"`
	Net      NetConfig      `key:"net"`
	GoClient GoClientConfig `key:"go"`
}

// NamesrvConfig: facts §1, §9.
type NamesrvConfig struct {
	// ScanNotActiveBrokerDelay is the first scan's delay: 5 s (§1.4).
	ScanNotActiveBrokerDelay time.Duration `key:"scanNotActiveBrokerDelay"`
	// ScanNotActiveBrokerInterval is the scan period: 10 s (§1.4).
	ScanNotActiveBrokerInterval time.Duration `key:"scanNotActiveBrokerInterval"`
	// BrokerChannelExpiredTime: a broker not registered for this long is
	// removed, 120 s (RouteInfoManager.BROKER_CHANNEL_EXPIRED_TIME, §1.4).
	BrokerChannelExpiredTime time.Duration `key:"brokerChannelExpiredTime"`
	// ServerChannelMaxIdleTime: idle channels are closed after 120 s
	// (NettyServerConfig.serverChannelMaxIdleTimeSeconds, §1.4).
	ServerChannelMaxIdleTime time.Duration `key:"serverChannelMaxIdleTimeSeconds"`
}

// BrokerConfig: facts §2, §9.
type BrokerConfig struct {
	// BrokerRole: ASYNC_MASTER (default), SYNC_MASTER or SLAVE; the
	// cluster topology sets SLAVE for slaves (§2.4, MessageStoreConfig).
	BrokerRole string `key:"brokerRole" enum:"ASYNC_MASTER,SYNC_MASTER,SLAVE"`
	// FlushDiskType: ASYNC_FLUSH (default) or SYNC_FLUSH (§5.9).
	FlushDiskType string `key:"flushDiskType" enum:"ASYNC_FLUSH,SYNC_FLUSH"`
	// FlushIntervalCommitLog: async flush period, 500 ms (§5.9).
	FlushIntervalCommitLog time.Duration `key:"flushIntervalCommitLog"`
	// FlushCommitLogLeastPages: pages (4 KiB) needed for a periodic
	// flush, 4 (§5.9).
	FlushCommitLogLeastPages int `key:"flushCommitLogLeastPages"`
	// FlushCommitLogThoroughInterval: a flush of any size at least this
	// often, 10 s (§5.9).
	FlushCommitLogThoroughInterval time.Duration `key:"flushCommitLogThoroughInterval"`
	// SyncFlushTimeout: how long a SYNC_FLUSH send waits, 5 s
	// (MessageStoreConfig.syncFlushTimeout).
	SyncFlushTimeout time.Duration `key:"syncFlushTimeout"`
	// RegisterNameServerPeriod: 30 s, clamped to [10 s, 60 s] (§2.1).
	RegisterNameServerPeriod time.Duration `key:"registerNameServerPeriod"`
	// RegisterNameServerDelay: first periodic registration, 10 s (§2.1).
	RegisterNameServerDelay time.Duration `key:"registerNameServerDelay"`
	// RegisterBrokerTimeoutMills: per-NS registration timeout, 6 s (§2.1).
	RegisterBrokerTimeoutMills time.Duration `key:"registerBrokerTimeoutMills"`
	// ForceRegister: send the full topic table every time, true (§2.1).
	ForceRegister bool `key:"forceRegister"`
	// UnregisterTimeout: per-NS unregister on shutdown, 3 s, sequential (§2.2).
	UnregisterTimeout time.Duration `key:"unregisterTimeout"`
	// AutoCreateTopicEnable: TBW102 and auto-creation, true (§2.3).
	AutoCreateTopicEnable bool `key:"autoCreateTopicEnable"`
	// DefaultTopicQueueNums: TBW102's queue count, 8 (§2.3).
	DefaultTopicQueueNums int `key:"defaultTopicQueueNums"`
	// FlushConsumerOffsetInterval: consumer offsets persisted every 5 s (§2.5).
	FlushConsumerOffsetInterval time.Duration `key:"flushConsumerOffsetInterval"`
	// AccessMessageInMemoryMaxRatio: % of RAM of the commit-log tail
	// counted "in memory", 40 (§2.5).
	AccessMessageInMemoryMaxRatio int `key:"accessMessageInMemoryMaxRatio"`
	// PhysicalMemory: the host's RAM in bytes, 16 GiB (for §2.5).
	PhysicalMemory int64 `key:"physicalMemory"`
	// LongPollingEnable: true (§2.6).
	LongPollingEnable bool `key:"longPollingEnable"`
	// ShortPollingTimeMills: hold when long polling is off, 1 s (§2.6).
	ShortPollingTimeMills time.Duration `key:"shortPollingTimeMills"`
	// PullHoldRecheckInterval: PullRequestHoldService recheck, 5 s (§2.6).
	PullHoldRecheckInterval time.Duration `key:"pullHoldRecheckInterval"`
	// HASendHeartbeatInterval: slave reports its offset every 5 s (§2.4).
	HASendHeartbeatInterval time.Duration `key:"haSendHeartbeatInterval"`
	// HAReconnectInterval: HAClient reconnect period, 5 s (§2.4).
	HAReconnectInterval time.Duration `key:"haReconnectInterval"`
	// HAMasterAddress: a fixed HA master for a slave, "" = learn it from
	// a nameserver (§2.4).
	HAMasterAddress string `key:"haMasterAddress"`
	// SlaveSyncDelay / SlaveSyncInterval: SlaveSynchronize.syncAll, 3 s
	// first then every 10 s (§2.4).
	SlaveSyncDelay    time.Duration `key:"slaveSyncDelay"`
	SlaveSyncInterval time.Duration `key:"slaveSyncInterval"`
	// SlaveReadEnable: false; slaves serve pulls anyway (§2.4).
	SlaveReadEnable bool `key:"slaveReadEnable"`
	// ClientScanInterval / ChannelExpiredTimeout: client-channel
	// housekeeping, 10 s / 120 s (§2.7).
	ClientScanInterval    time.Duration `key:"clientScanInterval"`
	ChannelExpiredTimeout time.Duration `key:"channelExpiredTimeout"`
	// ServerChannelMaxIdleTime: idle close of client channels, 120 s (§2.7).
	ServerChannelMaxIdleTime time.Duration `key:"serverChannelMaxIdleTimeSeconds"`
	// NotifyConsumerIdsChangedTimeout: 10 ms oneway (§2.8).
	NotifyConsumerIdsChangedTimeout time.Duration `key:"notifyConsumerIdsChangedTimeout"`
	// RetryMaxTimes: send-backs before the DLQ, 16 (§2.9).
	RetryMaxTimes int `key:"retryMaxTimes"`
	// RetryQueueNums / DLQQueueNums: 1 / 1 (§2.9).
	RetryQueueNums int `key:"retryQueueNums"`
	// StartupTime: how long a broker takes from start to serving, 1 s.
	StartupTime time.Duration `key:"startupTime"`
	// AutoCreateSubscriptionGroup: a pull or heartbeat of an unknown group
	// creates its subscription group, true (§2.8, BrokerConfig).
	AutoCreateSubscriptionGroup bool `key:"autoCreateSubscriptionGroup"`
	// MappedFileSizeCommitLog: commit-log file size, 1 GiB; a message that
	// does not fit ends the file with a blank (MessageStoreConfig, §2.4).
	MappedFileSizeCommitLog int64 `key:"mappedFileSizeCommitLog"`
	// MaxTransferBytes/CountOnMessageInMemory and ...InDisk: pull batch
	// limits, 256 KiB / 32 and 64 KiB / 8 (MessageStoreConfig, §2.6).
	MaxTransferBytesOnMessageInMemory int `key:"maxTransferBytesOnMessageInMemory"`
	MaxTransferCountOnMessageInMemory int `key:"maxTransferCountOnMessageInMemory"`
	MaxTransferBytesOnMessageInDisk   int `key:"maxTransferBytesOnMessageInDisk"`
	MaxTransferCountOnMessageInDisk   int `key:"maxTransferCountOnMessageInDisk"`
	// HAHousekeepingInterval: an HA connection silent this long is closed,
	// 20 s (MessageStoreConfig, §2.4).
	HAHousekeepingInterval time.Duration `key:"haHousekeepingInterval"`
	// HATransferBatchSize: bytes per HA transfer, 32 KiB (§2.4).
	HATransferBatchSize int `key:"haTransferBatchSize"`
	// HATransferWaitInterval: the master's HA writer polls for new data
	// every 100 ms (HAConnection.WriteSocketService, §2.4).
	HATransferWaitInterval time.Duration `key:"haTransferWaitInterval"`
	// HASlaveFallbehindMax: a SYNC_MASTER answers SLAVE_NOT_AVAILABLE when
	// the slave is this far behind, 256 MiB (§2.4).
	HASlaveFallbehindMax int64 `key:"haSlaveFallbehindMax"`
	// HAConnectTimeout: HAClient's connect timeout, 5 s (RemotingUtil.connect, §2.4).
	HAConnectTimeout time.Duration `key:"haConnectTimeout"`
	// SlaveSyncTimeout: each SlaveSynchronize call, 3 s (BrokerOuterAPI, §2.4).
	SlaveSyncTimeout time.Duration `key:"slaveSyncTimeout"`
	// MessageDelayLevel: SCHEDULE_TOPIC_XXXX levels (§2.9).
	MessageDelayLevel string `key:"messageDelayLevel"`
	// FlushDelayOffsetInterval: delayOffset.json persisted every 10 s (§2.9).
	FlushDelayOffsetInterval time.Duration `key:"flushDelayOffsetInterval"`
}

// ClientConfig: facts §3, §9 (ClientConfig, NettyClientConfig).
type ClientConfig struct {
	// Profile: "java-4.8" (default) or "go-2.1.2" (§8).
	Profile string `key:"profile" enum:"java-4.8,go-2.1.2"`
	// PollNameServerInterval: route refresh period, 30 s, first at 10 ms (§3.1).
	PollNameServerInterval time.Duration `key:"pollNameServerInterval"`
	// HeartbeatBrokerInterval: heartbeat period, 30 s, first at 1 s (§3.1).
	HeartbeatBrokerInterval time.Duration `key:"heartbeatBrokerInterval"`
	// PersistConsumerOffsetInterval: 5 s, first at 10 s (§3.1).
	PersistConsumerOffsetInterval time.Duration `key:"persistConsumerOffsetInterval"`
	// PullTimeDelayMillsWhenException: 1000 ms (§5.5).
	PullTimeDelayMillsWhenException time.Duration `key:"pullTimeDelayMillsWhenException"`
	// LockTimeout: lockNamesrv / channel tryLock, 3000 ms (§3.2, §3.4).
	LockTimeout time.Duration `key:"lockTimeoutMillis"`
	// RouteQueryTimeout: GET_ROUTEINFO_BY_TOPIC timeout, 3000 ms (§3.2).
	RouteQueryTimeout time.Duration `key:"routeQueryTimeout"`
	// ConnectTimeout: connectTimeoutMillis, 3000 ms, counted against the request (§3.4).
	ConnectTimeout time.Duration `key:"connectTimeoutMillis"`
	// ClientCloseSocketIfTimeout: false in 4.8 (§3.4).
	ClientCloseSocketIfTimeout bool `key:"clientCloseSocketIfTimeout"`
	// ClientChannelMaxIdleTime: 120 s (§3.5).
	ClientChannelMaxIdleTime time.Duration `key:"clientChannelMaxIdleTimeSeconds"`
	// HeartbeatTimeout / ConsumerListTimeout / UnregisterTimeout: 3000 ms (§9).
	HeartbeatTimeout    time.Duration `key:"heartbeatTimeout"`
	ConsumerListTimeout time.Duration `key:"consumerListTimeout"`
	UnregisterTimeout   time.Duration `key:"unregisterTimeout"`
	// ResponseTableScanInterval: async-call timeout scan, every 1 s with
	// 1 s grace (§9, NettyRemotingAbstract).
	ResponseTableScanInterval time.Duration `key:"responseTableScanInterval"`
}

// ProducerConfig: facts §4, §9 (DefaultMQProducer).
type ProducerConfig struct {
	// SendMsgTimeout: 3000 ms, one budget shared by all attempts (§4.2).
	SendMsgTimeout time.Duration `key:"sendMsgTimeout"`
	// RetryTimesWhenSendFailed: 2, so 3 sync attempts (§4.2).
	RetryTimesWhenSendFailed int `key:"retryTimesWhenSendFailed"`
	// RetryTimesWhenSendAsyncFailed: 2 (§4.4).
	RetryTimesWhenSendAsyncFailed int `key:"retryTimesWhenSendAsyncFailed"`
	// RetryAnotherBrokerWhenNotStoreOK: false (§4.2).
	RetryAnotherBrokerWhenNotStoreOK bool `key:"retryAnotherBrokerWhenNotStoreOK"`
	// DefaultTopicQueueNums: queues per broker via TBW102, 4 (§4.2).
	DefaultTopicQueueNums int `key:"defaultTopicQueueNums"`
	// CreateTopicKey: "TBW102" (§4.2).
	CreateTopicKey string `key:"createTopicKey"`
	// SendLatencyFaultEnable: false (§4.3).
	SendLatencyFaultEnable bool `key:"sendLatencyFaultEnable"`
	// SendWhichQueue pins the round-robin start index (the Java field
	// TopicPublishInfo.sendWhichQueue); -1 draws it at random (§4.3). The
	// pin is the index the first selection returns, i.e. the field's value
	// after the first send (ThreadLocalIndex stores a random r and returns
	// r+1; pinning stores pin-1). Pin 8 gives the field report's first
	// result, broker-a queue 8.
	SendWhichQueue int `key:"sendWhichQueue"`
	// MaxMessageSize: 4 MiB.
	MaxMessageSize int `key:"maxMessageSize"`
}

// ConsumerConfig: facts §5, §9 (DefaultMQPushConsumer and friends).
type ConsumerConfig struct {
	// ConsumeFromWhere: CONSUME_FROM_LAST_OFFSET (default),
	// CONSUME_FROM_FIRST_OFFSET, CONSUME_FROM_TIMESTAMP (§5.4).
	ConsumeFromWhere string `key:"consumeFromWhere" enum:"CONSUME_FROM_LAST_OFFSET,CONSUME_FROM_FIRST_OFFSET,CONSUME_FROM_TIMESTAMP"`
	// ConsumeTimestampAgo: TIMESTAMP start is now minus this, 30 min (§5.4).
	ConsumeTimestampAgo time.Duration `key:"consumeTimestamp"`
	// RebalanceWaitInterval: rocketmq.client.rebalance.waitInterval, 20 s (§5.2).
	RebalanceWaitInterval time.Duration `key:"rebalanceWaitInterval"`
	// PullMaxIdleTime: a queue not pulled this long is dropped, 120 s (§5.3).
	PullMaxIdleTime time.Duration `key:"pullMaxIdleTime"`
	// BrokerSuspendMaxTime / ConsumerTimeoutWhenSuspend: 15 s / 30 s (§2.6).
	BrokerSuspendMaxTime       time.Duration `key:"brokerSuspendMaxTimeMillis"`
	ConsumerTimeoutWhenSuspend time.Duration `key:"consumerTimeoutMillisWhenSuspend"`
	// PullTimeDelayWhenFlowControl / WhenSuspend: 50 ms / 1000 ms (§5.5).
	PullTimeDelayWhenFlowControl time.Duration `key:"pullTimeDelayMillsWhenFlowControl"`
	PullTimeDelayWhenSuspend     time.Duration `key:"pullTimeDelayMillsWhenSuspend"`
	// OffsetIllegalDelay: 10 s (§5.5).
	OffsetIllegalDelay time.Duration `key:"offsetIllegalDelay"`
	// PullBatchSize: 32 (§9).
	PullBatchSize int `key:"pullBatchSize"`
	// PullThresholdForQueue / SizeForQueue / ConsumeConcurrentlyMaxSpan:
	// 1000 messages / 100 MiB / 2000 offsets (§5.5).
	PullThresholdForQueue      int   `key:"pullThresholdForQueue"`
	PullThresholdSizeForQueue  int64 `key:"pullThresholdSizeForQueue"`
	ConsumeConcurrentlyMaxSpan int64 `key:"consumeConcurrentlyMaxSpan"`
	// ConsumeThreadMin / Max: 20 / 20 (§5.6).
	ConsumeThreadMin int `key:"consumeThreadMin"`
	ConsumeThreadMax int `key:"consumeThreadMax"`
	// ConsumeMessageBatchMaxSize: 1 (§9).
	ConsumeMessageBatchMaxSize int `key:"consumeMessageBatchMaxSize"`
	// MaxReconsumeTimes: -1 means 16 (§2.9).
	MaxReconsumeTimes int `key:"maxReconsumeTimes"`
	// ConsumeTimeout: 15 min (§5.6).
	ConsumeTimeout time.Duration `key:"consumeTimeout"`
	// SendBackTimeout / QueryOffsetTimeout / UpdateOffsetTimeout: 5000 ms (§9).
	SendBackTimeout     time.Duration `key:"sendBackTimeout"`
	QueryOffsetTimeout  time.Duration `key:"queryOffsetTimeout"`
	UpdateOffsetTimeout time.Duration `key:"updateOffsetTimeout"`
	// MaxOffsetTimeout: GET_MAX_OFFSET / searchOffset, 6000 ms (§9).
	MaxOffsetTimeout time.Duration `key:"maxOffsetTimeout"`
	// ReconsumeLaterDelay: local reconsume after a failed send-back, 5 s (§5.6).
	ReconsumeLaterDelay time.Duration `key:"reconsumeLaterDelay"`
	// MessageModel: CLUSTERING (default) or BROADCASTING.
	MessageModel string `key:"messageModel" enum:"CLUSTERING,BROADCASTING"`
}

// ConsoleConfig: the console (facts §7, §10.5): rocketmq-console
// (apache/rocketmq-externals, late 2020) or rocketmq-dashboard 1.0.0, as
// read in their source (docs/rocketmq-notes.md, "Console").
type ConsoleConfig struct {
	// Profile: rocketmq-console (default) or dashboard-1.0.0. They differ
	// in the message page: rocketmq-console's queryMessageByTopic caps
	// its list (MessageQueryCap) over now − 1 h … now + 1 h; dashboard
	// 1.0.0's queryMessagePageByTopic counts Σ end − start per queue over
	// now − 3 h … now (MessageServiceImpl, message.js).
	Profile string `key:"profile" enum:"rocketmq-console,dashboard-1.0.0"`
	// AdminTimeout: DefaultMQAdminExt's timeoutMillis, 5000 ms (its
	// default; collectTopic's @MultiMQAdminCmdMethod(timeoutMillis = 5000)).
	AdminTimeout time.Duration `key:"adminTimeout"`
	// CollectSecond: DashboardCollectTask.collectTopic runs at this second
	// of every wall-clock minute, 30 s (cron "30 0/1 * * * ?").
	CollectSecond time.Duration `key:"collectSecond"`
	// SaveDataInterval: saveData writes the collected points to the file
	// the home page reads every 5 s (cron "0/5 * * * * ?").
	SaveDataInterval time.Duration `key:"saveDataInterval"`
	// HomeRefreshInterval: the home page's line charts re-read that file
	// every tools.dashboardRefreshTime, 5000 ms.
	HomeRefreshInterval time.Duration `key:"homeRefreshInterval"`
	// ConsumerRefreshInterval: consumer.js refreshes the group list every
	// 10000 ms while auto-refresh is on.
	ConsumerRefreshInterval time.Duration `key:"consumerRefreshInterval"`
	// SubscriptionGroupTimeout: queryGroupList's getAllSubscriptionGroup
	// (addr, 3000L).
	SubscriptionGroupTimeout time.Duration `key:"subscriptionGroupTimeout"`
	// MessageQueryCap: rocketmq-console's queryMessageByTopic ends every
	// queue once its list holds more than 2000 messages.
	MessageQueryCap int `key:"messageQueryCap"`
	// MessagePullBatch: both message pages pull 32 at a time.
	MessagePullBatch int `key:"messagePullBatch"`
	// PullTimeout: DefaultMQPullConsumer.consumerPullTimeoutMillis, 10 s.
	PullTimeout time.Duration `key:"pullTimeout"`
	// SearchOffsetTimeout: MQAdminImpl's timeoutMillis for the route and
	// searchOffset calls of the message page, 6000 ms (§9).
	SearchOffsetTimeout time.Duration `key:"searchOffsetTimeout"`
}

// NetConfig: the virtual network (facts §3.5, §10.1).
type NetConfig struct {
	// LatencyMin / LatencyMax: one-way LAN delay, 100–400 µs.
	LatencyMin time.Duration `key:"latencyMin"`
	LatencyMax time.Duration `key:"latencyMax"`
	// TCPGiveUp: retransmission give-up on a black hole, ≈15 min (§3.5).
	TCPGiveUp time.Duration `key:"tcpGiveUp"`
	// BootTime: power-on until services start, 30 s.
	BootTime time.Duration `key:"bootTime"`
	// ShutdownGrace: time processes get in an orderly OS shutdown, 10 s.
	ShutdownGrace time.Duration `key:"shutdownGrace"`
	// PowerOffDelay: OS shutdown until power-off, 2 s.
	PowerOffDelay time.Duration `key:"powerOffDelay"`
	// StartSpread: nameservers and brokers start at independent uniform
	// times in [0, StartSpread) drawn per seed, so that their registration
	// and scan phases differ from seed to seed (facts §10.4 asks to
	// randomise them); 30 s, one registration period. 0 starts all at once.
	StartSpread time.Duration `key:"startSpread"`
}

// GoClientConfig: rocketmq-client-go v2.1.2 differences (facts §8).
type GoClientConfig struct {
	// NSQueryTimeout: 6 s per nameserver.
	NSQueryTimeout time.Duration `key:"nsQueryTimeout"`
	// RetryTimes: 3 (4 attempts), each its own SendMsgTimeout.
	RetryTimes int `key:"retryTimes"`
	// PullErrorDelay / BrokerHold / PullTimeout: 3 s / 20 s / 30 s.
	PullErrorDelay time.Duration `key:"pullErrorDelay"`
	BrokerHold     time.Duration `key:"brokerHold"`
	PullTimeout    time.Duration `key:"pullTimeout"`
	// DialTimeout / ReadDeadline: 15 s / 120 s.
	DialTimeout  time.Duration `key:"dialTimeout"`
	ReadDeadline time.Duration `key:"readDeadline"`
	// PullThresholdForQueue / ConsumeConcurrentlyMaxSpan /
	// PullThresholdSizeForQueue: the Go push consumer's flow-control
	// limits, 1024 messages / 1000 offsets / 512 MiB
	// (consumer/push_consumer.go validate; §5.5 for Java's).
	PullThresholdForQueue      int   `key:"pullThresholdForQueue"`
	ConsumeConcurrentlyMaxSpan int64 `key:"consumeConcurrentlyMaxSpan"`
	PullThresholdSizeForQueue  int64 `key:"pullThresholdSizeForQueue"`
}

// DefaultConfig returns RocketMQ 4.8.0's defaults (facts §9).
func DefaultConfig() Config {
	const s, ms = time.Second, time.Millisecond
	return Config{
		Namesrv: NamesrvConfig{
			ScanNotActiveBrokerDelay: 5 * s, ScanNotActiveBrokerInterval: 10 * s,
			BrokerChannelExpiredTime: 120 * s, ServerChannelMaxIdleTime: 120 * s,
		},
		Broker: BrokerConfig{
			BrokerRole: "ASYNC_MASTER", FlushDiskType: "ASYNC_FLUSH",
			FlushIntervalCommitLog: 500 * ms, FlushCommitLogLeastPages: 4,
			FlushCommitLogThoroughInterval: 10 * s, SyncFlushTimeout: 5 * s,
			RegisterNameServerPeriod: 30 * s, RegisterNameServerDelay: 10 * s,
			RegisterBrokerTimeoutMills: 6 * s, ForceRegister: true, UnregisterTimeout: 3 * s,
			AutoCreateTopicEnable: true, DefaultTopicQueueNums: 8,
			FlushConsumerOffsetInterval: 5 * s, AccessMessageInMemoryMaxRatio: 40,
			PhysicalMemory: 16 << 30, LongPollingEnable: true, ShortPollingTimeMills: 1 * s,
			PullHoldRecheckInterval: 5 * s, HASendHeartbeatInterval: 5 * s, HAReconnectInterval: 5 * s,
			SlaveSyncDelay: 3 * s, SlaveSyncInterval: 10 * s,
			ClientScanInterval: 10 * s, ChannelExpiredTimeout: 120 * s, ServerChannelMaxIdleTime: 120 * s,
			NotifyConsumerIdsChangedTimeout: 10 * ms, RetryMaxTimes: 16, RetryQueueNums: 1,
			StartupTime: 1 * s, AutoCreateSubscriptionGroup: true, MappedFileSizeCommitLog: 1 << 30,
			MaxTransferBytesOnMessageInMemory: 256 << 10, MaxTransferCountOnMessageInMemory: 32,
			MaxTransferBytesOnMessageInDisk: 64 << 10, MaxTransferCountOnMessageInDisk: 8,
			HAHousekeepingInterval: 20 * s, HATransferBatchSize: 32 << 10, HATransferWaitInterval: 100 * ms,
			HASlaveFallbehindMax: 256 << 20, HAConnectTimeout: 5 * s, SlaveSyncTimeout: 3 * s,
			MessageDelayLevel:        "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h",
			FlushDelayOffsetInterval: 10 * s,
		},
		Client: ClientConfig{
			Profile: "java-4.8", PollNameServerInterval: 30 * s, HeartbeatBrokerInterval: 30 * s,
			PersistConsumerOffsetInterval: 5 * s, PullTimeDelayMillsWhenException: 1000 * ms,
			LockTimeout: 3000 * ms, RouteQueryTimeout: 3000 * ms, ConnectTimeout: 3000 * ms,
			ClientChannelMaxIdleTime: 120 * s, HeartbeatTimeout: 3000 * ms,
			ConsumerListTimeout: 3000 * ms, UnregisterTimeout: 3000 * ms, ResponseTableScanInterval: 1 * s,
		},
		Producer: ProducerConfig{
			SendMsgTimeout: 3000 * ms, RetryTimesWhenSendFailed: 2, RetryTimesWhenSendAsyncFailed: 2,
			DefaultTopicQueueNums: 4, CreateTopicKey: "TBW102", SendWhichQueue: -1,
			MaxMessageSize: 4 << 20,
		},
		Consumer: ConsumerConfig{
			ConsumeFromWhere: "CONSUME_FROM_LAST_OFFSET", ConsumeTimestampAgo: 30 * time.Minute,
			RebalanceWaitInterval: 20 * s, PullMaxIdleTime: 120 * s,
			BrokerSuspendMaxTime: 15 * s, ConsumerTimeoutWhenSuspend: 30 * s,
			PullTimeDelayWhenFlowControl: 50 * ms, PullTimeDelayWhenSuspend: 1000 * ms,
			OffsetIllegalDelay: 10 * s, PullBatchSize: 32, PullThresholdForQueue: 1000,
			PullThresholdSizeForQueue: 100 << 20, ConsumeConcurrentlyMaxSpan: 2000,
			ConsumeThreadMin: 20, ConsumeThreadMax: 20, ConsumeMessageBatchMaxSize: 1,
			MaxReconsumeTimes: -1, ConsumeTimeout: 15 * time.Minute,
			SendBackTimeout: 5000 * ms, QueryOffsetTimeout: 5000 * ms, UpdateOffsetTimeout: 5000 * ms,
			MaxOffsetTimeout: 6000 * ms, ReconsumeLaterDelay: 5 * s, MessageModel: "CLUSTERING",
		},
		Console: ConsoleConfig{
			Profile: "rocketmq-console", AdminTimeout: 5000 * ms, CollectSecond: 30 * s, SaveDataInterval: 5 * s,
			HomeRefreshInterval: 5000 * ms, ConsumerRefreshInterval: 10000 * ms, SubscriptionGroupTimeout: 3000 * ms,
			MessageQueryCap: 2000, MessagePullBatch: 32, PullTimeout: 10 * s, SearchOffsetTimeout: 6000 * ms,
		},
		Net: NetConfig{
			LatencyMin: 100 * time.Microsecond, LatencyMax: 400 * time.Microsecond,
			TCPGiveUp: 15 * time.Minute, BootTime: 30 * s, ShutdownGrace: 10 * s, PowerOffDelay: 2 * s,
			StartSpread: 30 * s,
		},
		GoClient: GoClientConfig{
			NSQueryTimeout: 6 * s, RetryTimes: 3, PullErrorDelay: 3 * s, BrokerHold: 20 * s,
			PullTimeout: 30 * s, DialTimeout: 15 * s, ReadDeadline: 120 * s,
			PullThresholdForQueue: 1024, ConsumeConcurrentlyMaxSpan: 1000, PullThresholdSizeForQueue: 512 << 20,
		},
	}
}
