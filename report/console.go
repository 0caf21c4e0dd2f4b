package report

import (
	"rmqsim/metrics"
	"rmqsim/scenarios"
)

// The console's per-broker figures for the timeline's console panel, read
// as the metrics read them (metrics.ConsoleBroker).

// countsPerBroker reads an Observe record's per-broker counts
// (cluster page or topic status), for the plots.
func countsPerBroker(panel string, counts map[string]int64, brokers []string) map[string]int64 {
	obs := scenarios.Observer{}
	for k, v := range counts {
		obs[k] = scenarios.Figure{Value: &v}
	}
	out := map[string]int64{}
	for _, b := range brokers {
		if n, ok := metrics.ConsoleBroker(obs, panel, b); ok {
			out[b] = n
		}
	}
	return out
}
