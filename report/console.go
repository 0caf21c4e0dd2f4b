package report

import (
	"maps"
	"slices"
	"strings"
)

// What the console (model/app.Dashboard) showed, read from an Observe
// record's Counts: "stored/<topic>/<broker>" per broker and
// "stored/<topic>" in all (the topic page), "put/<broker>" (the cluster
// page), "consumed/<group>/<topic>" (the consumer page). A view keyed by
// plain broker names is read as per-broker counts.

// consoleBroker is the count the console showed for topic on broker.
func consoleBroker(view map[string]int64, topic, broker string) (int64, bool) {
	for _, k := range []string{"stored/" + topic + "/" + broker, "put/" + broker, broker} {
		if v, ok := view[k]; ok {
			return v, true
		}
	}
	return 0, false
}

// consoleTopic is the count the console showed for topic; false when the
// console was blank.
func consoleTopic(view map[string]int64, topic string, brokers []string) (int64, bool) {
	if view == nil {
		return 0, false
	}
	if v, ok := view["stored/"+topic]; ok {
		return v, true
	}
	var n int64
	for _, b := range brokers {
		v, _ := consoleBroker(view, topic, b)
		n += v
	}
	return n, true
}

// consoleConsumed is the consumption the console showed for topic (all
// groups); false when it showed none.
func consoleConsumed(view map[string]int64, topic string) (int64, bool) {
	var n int64
	found := false
	for _, k := range slices.Sorted(maps.Keys(view)) {
		if parts := strings.Split(k, "/"); len(parts) == 3 && parts[0] == "consumed" && parts[2] == topic {
			n += view[k]
			found = true
		}
	}
	return n, found
}
