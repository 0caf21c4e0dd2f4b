// Package namesrv is RocketMQ 4.8.0's NameServer (NamesrvController,
// RouteInfoManager, DefaultRequestProcessor, BrokerHousekeepingService,
// KVConfigManager) as a deterministic state machine on the sim kernel.
//
// It owns the four route tables (topicQueueTable, brokerAddrTable,
// clusterAddrTable, brokerLiveTable; facts §1.1), fed only by broker
// registrations, and answers REGISTER_BROKER, UNREGISTER_BROKER,
// GET_ROUTEINFO_BY_TOPIC, GET_BROKER_CLUSTER_INFO,
// GET_ALL_TOPIC_LIST_FROM_NAMESERVER and the KV config requests.
//
// Contract:
//   - Route tables live in memory only: a new incarnation starts empty
//     (§1.5); the KV config is read from the host disk at start.
//   - Brokers expire 120 s after their last registration, found by the
//     scan at 5 s then every 10 s (§1.4); a channel close, exception or
//     idle close destroys the broker's entry at once.
//   - The nameserver records no history: what it answers is visible in
//     the trace and in the clients' route-refresh records.
package namesrv
