package report

import (
	"sort"
	"strings"
	"time"

	"rmqsim/explain"
	"rmqsim/history"
	"rmqsim/model"
)

// Timeline is the data behind one variant's timeline plot, all taken from
// the history: what the programs saw each second, when each nameserver
// and broker was down, and what the dashboard showed against what the
// brokers held. It is golden-tested instead of the plot's pixels.
type Timeline struct {
	// Horizon is when the run ended; Seconds the number of one-second
	// bins (the horizon, rounded up).
	Horizon time.Duration `json:"horizon"`
	Seconds int           `json:"seconds"`
	// Acked, Failed and Consumed count, per second of virtual time,
	// send() calls that returned SEND_OK, send() calls that threw or
	// returned another status, and deliveries to a listener.
	Acked    []int `json:"acked"`
	Failed   []int `json:"failed"`
	Consumed []int `json:"consumed"`
	// Nodes are every nameserver and broker host with its outages.
	Nodes []explain.NodeTimeline `json:"nodes"`
	// Brokers are the brokerNames, in cluster order.
	Brokers []string `json:"brokers"`
	// Topic is the programs' topic, the one the console's counts are
	// read for.
	Topic string `json:"topic"`
	// Dashboard is every view the console showed.
	Dashboard []DashboardView `json:"dashboard"`
	// Truth is, per broker (same order as Brokers), every change of the
	// number of messages its master held.
	Truth [][]Count `json:"truth"`
	// Steps are the scenario's named steps, when each began.
	Steps []StepMark `json:"steps"`
}

// DashboardView is one Observe record of a per-broker page (cluster or
// topic status): the topic's messages per broker as the page showed
// them; Blank when a page showed nothing (Err the toast).
type DashboardView struct {
	At     time.Duration    `json:"at"`
	Panel  string           `json:"panel,omitempty"`
	Counts map[string]int64 `json:"counts,omitempty"`
	Blank  bool             `json:"blank,omitempty"`
	Err    string           `json:"err,omitempty"`
}

// dashboardView reads an Observe record.
func dashboardView(r *history.Record, brokers []string) DashboardView {
	v := DashboardView{At: r.At, Panel: r.Detail, Blank: r.Counts == nil, Err: r.Err}
	if r.Counts == nil {
		return v
	}
	v.Counts = countsPerBroker(r.Detail, r.Counts, brokers)
	return v
}

// Count is a value from a moment on.
type Count struct {
	At    time.Duration `json:"at"`
	Value int64         `json:"value"`
}

// StepMark is a step's start.
type StepMark struct {
	Name string        `json:"name"`
	At   time.Duration `json:"at"`
}

// BuildTimeline extracts a variant's timeline from its history; horizon 0
// means the last record's time.
func BuildTimeline(h *history.History, c *model.ClusterSpec, horizon time.Duration) *Timeline {
	if last, ok := h.Last(); horizon == 0 && ok {
		horizon = last.At
	}
	n := int((horizon + time.Second - 1) / time.Second)
	if n < 1 {
		n = 1
	}
	tl := &Timeline{Horizon: horizon, Seconds: n, Acked: make([]int, n), Failed: make([]int, n), Consumed: make([]int, n),
		Nodes: explain.Availability(h, c, horizon), Dashboard: []DashboardView{}, Steps: []StepMark{}}
	tl.Brokers = brokerNames(h, c)
	tl.Topic = programTopic(h, c)
	bin := func(at time.Duration) int {
		i := int(at / time.Second)
		if i >= n {
			i = n - 1
		}
		return i
	}
	truth := newTruth(h, c, tl.Brokers)
	for _, rec := range h.AllOf(history.SendReturn, history.Deliver, history.Observe, history.Step, history.Stored, history.Lost) {
		r := &rec
		switch r.Kind {
		case history.SendReturn:
			if r.Status == "SEND_OK" {
				tl.Acked[bin(r.At)]++
			} else {
				tl.Failed[bin(r.At)]++
			}
		case history.Deliver:
			tl.Consumed[bin(r.At)]++
		case history.Observe:
			tl.Dashboard = append(tl.Dashboard, dashboardView(r, tl.Brokers))
		case history.Step:
			tl.Steps = append(tl.Steps, StepMark{Name: r.Detail, At: r.At})
		case history.Stored, history.Lost:
			truth.add(r)
		}
	}
	tl.Truth = truth.series
	return tl
}

// programTopic is the topic the producer programs send to (the first
// intended), else the cluster's first topic.
func programTopic(h *history.History, c *model.ClusterSpec) string {
	for _, rec := range h.AllOf(history.Intend, history.SendCall) {
		if r := &rec; (r.Kind == history.Intend || r.Kind == history.SendCall) && r.Topic != "" {
			return r.Topic
		}
	}
	if c != nil && len(c.Topics) > 0 {
		return c.Topics[0].Name
	}
	return ""
}

// brokerNames lists the brokerNames of the cluster, else those the
// history stores to, sorted.
func brokerNames(h *history.History, c *model.ClusterSpec) []string {
	var out []string
	if c != nil {
		for _, b := range c.Brokers {
			out = append(out, b.BrokerName)
		}
		return out
	}
	seen := map[string]bool{}
	for _, rec := range h.AllOf(history.Stored) {
		if r := &rec; r.Kind == history.Stored && !seen[r.Broker] {
			seen[r.Broker] = true
			out = append(out, r.Broker)
		}
	}
	sort.Strings(out)
	return out
}

// truth follows how many messages of the programs' topics each broker's
// master holds: master copies (not replicas, not send-backs to %RETRY%,
// the DLQ or SCHEDULE_TOPIC_XXXX) stored, minus those lost.
type truth struct {
	index  map[string]int
	held   []int64
	series [][]Count
	topics map[string]bool
	// masterAt holds the positions of the master copies held now.
	masterAt map[string]bool
	// masterHost is each broker's master host, when the cluster is known.
	masterHost map[string]string
}

func newTruth(h *history.History, c *model.ClusterSpec, brokers []string) *truth {
	t := &truth{index: map[string]int{}, held: make([]int64, len(brokers)), series: make([][]Count, len(brokers)),
		topics: map[string]bool{}, masterAt: map[string]bool{}, masterHost: map[string]string{}}
	for i, b := range brokers {
		t.index[b] = i
		t.series[i] = []Count{}
	}
	if c != nil {
		for _, b := range c.Brokers {
			t.masterHost[b.BrokerName] = b.Master.Host
		}
	}
	for _, rec := range h.AllOf(history.Intend, history.SendCall) {
		if r := &rec; r.Kind == history.Intend || r.Kind == history.SendCall {
			t.topics[r.Topic] = true
		}
	}
	return t
}

func (t *truth) add(r *history.Record) {
	i, ok := t.index[r.Broker]
	if !ok || t.replica(r) || strings.HasPrefix(r.Topic, "%") || strings.HasPrefix(r.Topic, "SCHEDULE_TOPIC") {
		return
	}
	pos := r.Proc + "|" + r.Broker + "|" + itoa(r.QueueID) + "|" + itoa64(r.QueueOffset)
	switch {
	case r.Kind == history.Stored && (len(t.topics) == 0 || t.topics[r.Topic]):
		t.masterAt[pos] = true
		t.held[i]++
	case r.Kind == history.Lost && t.masterAt[pos]:
		delete(t.masterAt, pos)
		t.held[i]--
	default:
		return
	}
	s := t.series[i]
	if n := len(s); n > 0 && s[n-1].At == r.At {
		s[n-1].Value = t.held[i]
	} else {
		t.series[i] = append(s, Count{At: r.At, Value: t.held[i]})
	}
}

// replica reports whether a record is about a slave's copy: marked so, or
// on a host other than the broker's master.
func (t *truth) replica(r *history.Record) bool {
	if r.Detail == "replica" {
		return true
	}
	m, ok := t.masterHost[r.Broker]
	return ok && hostOf(r.Proc) != m
}

// hostOf is the host of a "<host>/<service>" process name.
func hostOf(proc string) string {
	host, _, _ := strings.Cut(proc, "/")
	return host
}
