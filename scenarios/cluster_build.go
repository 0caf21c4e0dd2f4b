package scenarios

import (
	"rmqsim/model"
	"rmqsim/model/cluster"
	"rmqsim/sim"
)

// buildCluster wires the model's cluster: hosts, the namesrv and broker
// services, and one service per program (model/cluster.Build).
func buildCluster(w *sim.World, env *model.Env, s *Scenario) error {
	var progs cluster.Programs
	for i := range s.Programs.Producers {
		progs.Producers = append(progs.Producers, s.Programs.Producers[i].ProducerSpec())
	}
	for i := range s.Programs.Consumers {
		progs.Consumers = append(progs.Consumers, s.Programs.Consumers[i].ConsumerSpec())
	}
	for i := range s.Programs.Dashboards {
		progs.Dashboards = append(progs.Dashboards, s.Programs.Dashboards[i].DashboardSpec())
	}
	_, err := cluster.Build(w, env, progs)
	return err
}
