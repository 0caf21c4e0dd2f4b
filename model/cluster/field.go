package cluster

import "rmqsim/model"

// Field experiment names (seed-experiment.md).
const (
	FieldTopic  = "topic_test_123"
	FieldGroup  = "group_test_123"
	FieldClient = "client01"
)

// FieldExperimentCluster is the seed experiment's deployment
// (seed-experiment.md): nameserver01/02 (172.16.7.91/92), broker-a on
// master01/slave01 (.93/.94), broker-b on master02/slave02 (.95/.96),
// cluster MyRocketmq, topic topic_test_123 with 16 queues on each broker,
// and the client host 172.16.7.1 (named client01 here; the report gives
// only its address).
func FieldExperimentCluster() model.ClusterSpec {
	slave01 := model.NodeSpec{Host: "slave01", IP: "172.16.7.94"}
	slave02 := model.NodeSpec{Host: "slave02", IP: "172.16.7.96"}
	return model.ClusterSpec{
		Name: "MyRocketmq",
		NameServers: []model.NodeSpec{
			{Host: "nameserver01", IP: "172.16.7.91"},
			{Host: "nameserver02", IP: "172.16.7.92"},
		},
		Brokers: []model.BrokerGroupSpec{
			{BrokerName: "broker-a", Master: model.NodeSpec{Host: "master01", IP: "172.16.7.93"}, Slave: &slave01},
			{BrokerName: "broker-b", Master: model.NodeSpec{Host: "master02", IP: "172.16.7.95"}, Slave: &slave02},
		},
		Topics:      []model.TopicSpec{{Name: FieldTopic, Queues: 16}},
		ClientHosts: []model.NodeSpec{{Host: FieldClient, IP: "172.16.7.1"}},
	}
}

// FieldProducer is the report's producer program sending count messages
// "NameServer Test<i>" synchronously, aborting on the first exception.
func FieldProducer(name string, first, count int) model.ProducerProgramSpec {
	return model.ProducerProgramSpec{Name: name, Host: FieldClient, Group: FieldGroup, Topic: FieldTopic,
		Tags: "TagA", Count: count, FirstIndex: first, BodyTemplate: "NameServer Test{i}", Mode: "sync", OnError: "abort"}
}

// FieldConsumer is the report's push consumer ("TagA || TagB").
func FieldConsumer(name string) model.ConsumerProgramSpec {
	return model.ConsumerProgramSpec{Name: name, Host: FieldClient, Group: FieldGroup, Topic: FieldTopic,
		SubExpression: "TagA || TagB"}
}
