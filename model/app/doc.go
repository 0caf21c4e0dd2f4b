// Package app holds the application programs around the RocketMQ clients
// and the console observer, each run as a sim process that can be
// started, killed and restarted at any time:
//
//   - ProducerProgram (StartProducer): the field report's producer loop
//     (seed-experiment.md) — start, send Count messages sync, async or
//     oneway, react to exceptions (abort, continue, retry), shut down.
//   - ConsumerProgram (StartConsumer): a push consumer with a concurrent
//     listener of configurable consume time and failure rate.
//   - Dashboard (StartDashboard): rocketmq-dashboard's pages read through
//     a nameserver every poll interval (facts §7).
//
// Records: SendCall (Key = body, Index = i), ClientStart, ProgramExit
// (Detail done / abort / start failed, Err the exception text) and
// Observe (Counts keys documented on Dashboard); the clients below record
// the rest (package client).
package app
