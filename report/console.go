package report

import (
	"rmqsim/model"
	"rmqsim/scenarios"
)

// The console's per-broker figures, for the timeline's console panel
// (metrics.detail reads the same figures for observations).

// consoleBroker is the count the console's page showed for topic on
// broker (per-broker pages only).
func consoleBroker(obs scenarios.Observer, view, topic, broker string) (int64, bool) {
	switch view {
	case model.ViewCluster:
		return obs.Value("cluster/todayPro/" + broker + ":0")
	case model.ViewTopicStatus:
		return obs.Value("topicStatus/messages/" + broker)
	}
	return 0, false
}

// countsPerBroker reads an Observe record's per-broker counts of topic
// (cluster page or topic status), for the plots.
func countsPerBroker(panel string, counts map[string]int64, topic string, brokers []string) map[string]int64 {
	obs := scenarios.Observer{}
	for k, v := range counts {
		obs[k] = scenarios.Figure{Value: &v}
	}
	out := map[string]int64{}
	for _, b := range brokers {
		if n, ok := consoleBroker(obs, panel, topic, b); ok {
			out[b] = n
		}
	}
	return out
}
