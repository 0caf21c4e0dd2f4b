// Package client is the RocketMQ 4.8.0 Java client as deterministic state
// machines on the sim kernel (facts §3, §4, §5), plus the differences of
// rocketmq-client-go v2.1.2 (facts §8, Config.Client.Profile "go-2.1.2"):
//
//   - Instance is MQClientInstance: the route cache, brokerAddrTable, the
//     one shared scheduled thread with its tasks (§3.1), route refresh
//     (§3.2), the derived views and address lookups (§3.3), heartbeats,
//     the pull and rebalance threads.
//   - Producer is DefaultMQProducer: sendDefaultImpl with its one shared
//     budget, retries, queue selection and latency fault strategy,
//     async and oneway sends (§4).
//   - PushConsumer is DefaultMQPushConsumer: start (§5.1), rebalance
//     (§5.2–§5.4), the pull loop (§5.5), concurrent consumption with
//     send-back and the 15-minute expiry cleaner (§5.6) and the remote
//     offset store (§5.7).
//
// Pulled messages are the broker's stored records, shared and read only:
// the client copies one only to change it (a %RETRY% topic restored, a
// local reconsume count), and listeners must not change what they get.
//
// Java threads are sim executors: a call that waits for a reply holds its
// thread, so the blocking the real client suffers (issue #2728) happens
// in the model too. Every client-visible operation is recorded in the
// history (RouteRefresh, NSAttach, SendAttempt, SendAttemptFail,
// SendReturn, Pull, Deliver, ConsumeResult, OffsetCommit, OffsetRead,
// Rebalance); exceptions are values (Exception) whose String is the text
// Java prints.
package client
