package report

import (
	"maps"
	"slices"
	"strings"
	"time"

	"rmqsim/model"
	"rmqsim/scenarios"
)

// What the console (model/app.Console) showed, read from a step's
// Observer under the page the person read it from (the scenario's
// dashboards[].reads, default the cluster page):
//
//	page         messages of the topic           consumed                   per broker
//	cluster      Σ TODAY_PRO_COUNT of the masters Σ TODAY_CUS_COUNT of all  the master's TODAY_PRO_COUNT
//	topicStatus  Σ max − min offset              –                          the broker's Σ max − min
//	home         topic line chart's today count  topic bar chart (out today) –
//	consumer     –                               Σ consumer offsets         –
//	messagePage  messages the query found        –                          –
//
// A person reading a running total subtracts the previous step's figure
// to get a step's count.

// consoleRead is one step's reading of the console.
type consoleRead struct {
	view string
	// total, consumed: the topic's messages and its consumption as shown
	// (ok, okConsumed false when the page showed none).
	total, consumed  int64
	ok, okConsumed   bool
	stale, hasErr    bool
	err              string
	readAt, staleAt  time.Duration
	blank, anyFigure bool
}

// readView is the page the person read step's numbers from.
func (ev *evidence) readView(step string) string {
	if ev.res.Spec == nil {
		return model.ViewCluster
	}
	return ev.res.Spec.Programs.ReadOf(step)
}

// consoleAt reads step's end under the person's page for that step.
func (ev *evidence) consoleAt(step string) consoleRead {
	s := ev.step(step)
	view := ev.readView(step)
	if s == nil {
		return consoleRead{view: view, blank: true}
	}
	return readConsole(s.Observer, view, ev.timeline.Topic, ev.timeline.Brokers)
}

// readConsole reads a view's figures from obs.
func readConsole(obs scenarios.Observer, view, topic string, brokers []string) consoleRead {
	r := consoleRead{view: view}
	var used []string
	sum := func(keys []string) (int64, bool) {
		var n int64
		found := false
		for _, k := range keys {
			if v, ok := obs.Value(k); ok {
				n += v
				found = true
				used = append(used, k)
			}
		}
		return n, found
	}
	withPrefix := func(prefix string) []string {
		var out []string
		for _, k := range slices.Sorted(maps.Keys(obs)) {
			if strings.HasPrefix(k, prefix) {
				out = append(out, k)
			}
		}
		return out
	}
	switch view {
	case model.ViewCluster:
		var masters []string
		for _, b := range brokers {
			masters = append(masters, "cluster/todayPro/"+b+":0")
		}
		r.total, r.ok = sum(masters)
		r.consumed, r.okConsumed = sum(withPrefix("cluster/todayCus/"))
	case model.ViewTopicStatus:
		r.total, r.ok = sum([]string{"topicStatus/messages/" + topic})
	case model.ViewHome:
		r.total, r.ok = sum([]string{"home/topicInToday/" + topic})
		r.consumed, r.okConsumed = sum([]string{"home/topicOutToday/" + topic})
	case model.ViewConsumer:
		r.consumed, r.okConsumed = sum(withPrefix("consumer/consumerOffset/"))
	case model.ViewMessagePage:
		r.total, r.ok = sum([]string{"messagePage/found/" + topic})
	}
	r.anyFigure = r.ok || r.okConsumed
	if f, ok := obs[view]; ok && f.Value == nil { // the page showed only a toast
		r.err, r.hasErr = f.Error, true
	}
	if len(used) > 0 {
		f := obs[used[0]]
		r.readAt = time.Duration(f.ReadAtMs) * time.Millisecond
		if f.StaleSince != nil {
			r.stale, r.staleAt = true, time.Duration(*f.StaleSince)*time.Millisecond
		}
		if f.Error != "" {
			r.err, r.hasErr = f.Error, true
		}
	}
	r.blank = !r.anyFigure
	return r
}

// note describes the reading's state: "home page", "cluster page, stale
// since 00:03:30.000", "cluster page: toast".
func (c consoleRead) note() string {
	s := c.view + " page"
	switch {
	case c.blank && c.hasErr:
		s += ": toast, nothing shown"
	case c.blank:
		s += ": nothing shown"
	case c.stale:
		s += ", stale since " + clock(c.staleAt)
	}
	return s
}

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
