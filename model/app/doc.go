// Package app holds the application programs around the RocketMQ clients
// and the console observer, each run as a sim process that can be
// started, killed and restarted at any time:
//
//   - ProducerProgram (StartProducer): the field report's producer loop
//     (seed-experiment.md) — start, send Count messages sync, async or
//     oneway, react to exceptions (abort, linger, continue, retry), shut
//     down.
//   - ConsumerProgram (StartConsumer): a push consumer with a concurrent
//     listener of configurable consume time and failure rate.
//   - Console (StartDashboard): rocketmq-console or rocketmq-dashboard
//     1.0.0 (console.profile): its collector, and the pages a person
//     visits, each loading, refreshing and failing as its source does
//     (facts §7, §10.5; docs/rocketmq-notes.md "Console").
//
// Records: SendCall (Key = body, Index = i), ClientStart, ProgramExit
// (Detail done / abort / start failed, Err the exception text) and
// Observe (one per change of a page's panel; Counts keys documented on
// Console); the clients below record
// the rest (package client).
package app
