// Package cluster wires a whole RocketMQ deployment into a sim.World
// (Build): hosts, the "namesrv" and "broker" services, one service per
// application program, the brokers' initial topics.json, the network
// parameters, and ProcStart/ProcExit/Fault records. It starts nothing:
// the scenario runner starts services and injects faults on a timeline
// (directly on sim, or through the Cluster helpers that also record the
// fault). FieldExperimentCluster is the seed experiment's deployment.
//
// Its tests are the cross-component conformance tests: one per behaviour
// bullet of rocketmq-4.8-facts.md §3–§8 (TestFacts/<§>_<behaviour>),
// driving the real nameservers, brokers and clients through the kernel.
package cluster
