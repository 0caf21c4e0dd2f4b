package metrics

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"rmqsim/history"
	"rmqsim/model"
	"rmqsim/scenarios"
)

// detailed are the metrics computed only when named: where a step's
// first acknowledged message went and in what order the rest followed,
// a queue's max offset, and what the console showed. An incident's
// observations read them ("the first result was broker-a, queueId 8";
// "the console showed broker-a 52, broker-b 48").
func detailed() []Def {
	ds := []Def{
		{"steps.<step>.first_ack.queue", Dist, "", Neither, "the queueId of the first SendResult with SEND_OK returned within the step's window [start, end); undefined when none was", false},
		{"steps.<step>.first_ack.offset", Dist, "", Neither, "the queueOffset of that SendResult", false},
		{"steps.<step>.first_ack_on.<broker>", Rate, "", Neither, "that SendResult named the broker (brokerName); undefined when no send returned SEND_OK in the window", false},
		{"steps.<step>.round_robin_breaks", Dist, "sends", Neither, "SEND_OKs within the step's window whose queue is not the one after the same producer's previous SEND_OK in the publish list: brokers by name, each with its write queues in order (facts §3.3), wrapping round; undefined when fewer than two sends returned SEND_OK", false},
		{"steps.<step>.max_offset.<broker>.<queue>", Dist, "messages", Neither, "the queue's max offset on the broker's master at the step's end: one past the highest position of the programs' topic stored there (the programs' topic: the first intended message's; replicas and %RETRY%/%DLQ% topics are not counted)", false},
		{"console.<step>.messages", Dist, "messages", Neither, "the programs' topic's messages as the console page the person read at the step's end shows them (dashboards[].reads, default the cluster page): cluster Σ TODAY_PRO_COUNT of the masters; topicStatus Σ max − min offset; home the topic line chart's count; messagePage the messages the query found; undefined when the page shows none (consumer page, blank page)", false},
		{"console.<step>.messages_growth", Dist, "messages", Neither, "console.<step>.messages less what the person read at the previous step's end (a running total turned into the step's count); undefined when either shows none or the two were read on different pages", false},
		{"console.<step>.consumed", Dist, "messages", Neither, "consumption as that page shows it: cluster Σ TODAY_CUS_COUNT; home the topic bar chart's count; consumer Σ consumer offsets; undefined when the page shows none", false},
		{"console.<step>.consumed_growth", Dist, "messages", Neither, "console.<step>.consumed less what the person read at the previous step's end; undefined when either shows none or the two were read on different pages", false},
		{"console.<step>.broker.<broker>", Dist, "messages", Neither, "the broker's count on that page, for pages that show one per broker: cluster the master's TODAY_PRO_COUNT, topicStatus the broker's Σ max − min offset of the topic; undefined otherwise", false},
		{"console.<step>.shown", Rate, "", Neither, "that page shows a message or consumption figure of the programs' topic at the step's end", false},
		{"console.<step>.stale", Rate, "", Neither, "the figures shown were kept after a refresh failed (the page went on showing data read earlier); undefined when nothing is shown", false},
		{"console.<step>.unlisted", Dist, "messages", Neither, "messages of the programs' topic acknowledged (SEND_OK) before the page read its data, less console.<step>.messages: what a person comparing the page with the producers' logs would call missing; undefined when the page shows no message count", false},
	}
	for i := range ds {
		ds[i].Detail = true
	}
	return ds
}

// details computes the named detail metrics of a run into m.
func details(res *scenarios.Result, names []string, m Set) {
	d := &detailRun{res: res}
	for _, name := range names {
		def, parts, ok := Match(name)
		if !ok || !def.Detail {
			continue
		}
		if _, done := m[name]; done {
			continue
		}
		m[name] = d.value(def.Name, parts)
	}
}

// detailRun is one run's facts for the detail metrics, read lazily.
type detailRun struct {
	res     *scenarios.Result
	scanned bool
	topic   string
	// acks are the SEND_OK returns of the programs, in time order.
	acks []ack
	// stored are the master copies of the programs' topic, in time order.
	stored []storedAt
}

type ack struct {
	at     time.Duration
	proc   string
	key    string
	topic  string
	broker string
	queue  int
	offset int64
}

type storedAt struct {
	at     time.Duration
	broker string
	queue  int
	offset int64
}

func (d *detailRun) scan() {
	if d.scanned {
		return
	}
	d.scanned = true
	h := d.res.History
	for _, rec := range h.AllOf(history.Intend, history.SendCall) {
		if rec.Topic != "" {
			d.topic = rec.Topic
			break
		}
	}
	if d.topic == "" && d.res.Cluster != nil && len(d.res.Cluster.Topics) > 0 {
		d.topic = d.res.Cluster.Topics[0].Name
	}
	masters := map[string]string{}
	if c := d.res.Cluster; c != nil {
		for _, b := range c.Brokers {
			masters[b.BrokerName] = b.Master.Host
		}
	}
	for _, rec := range h.AllOf(history.SendReturn, history.Stored) {
		r := &rec
		switch r.Kind {
		case history.SendReturn:
			if r.Status == sendOK {
				d.acks = append(d.acks, ack{r.At, r.Proc, r.Key, r.Topic, r.Broker, r.QueueID, r.QueueOffset})
			}
		case history.Stored:
			host, _, _ := strings.Cut(r.Proc, "/")
			if r.Topic != d.topic || r.Detail == "replica" || (masters[r.Broker] != "" && masters[r.Broker] != host) {
				continue
			}
			d.stored = append(d.stored, storedAt{r.At, r.Broker, r.QueueID, r.QueueOffset})
		}
	}
}

// step is the named step, or nil.
func (d *detailRun) step(name string) (*scenarios.StepResult, int) {
	for i := range d.res.Steps {
		if d.res.Steps[i].Name == name {
			return &d.res.Steps[i], i
		}
	}
	return nil, -1
}

// window is the step's [start, end), ok false when it never started.
func (d *detailRun) window(name string) (from, to time.Duration, ok bool) {
	s, _ := d.step(name)
	if s == nil || !s.Started {
		return 0, 0, false
	}
	return time.Duration(s.StartMs) * time.Millisecond, time.Duration(s.EndMs) * time.Millisecond, true
}

func (d *detailRun) value(tmpl string, p map[string]string) Value {
	switch tmpl {
	case "steps.<step>.first_ack.queue", "steps.<step>.first_ack.offset", "steps.<step>.first_ack_on.<broker>":
		a, ok := d.firstAck(p["step"])
		switch {
		case !ok && strings.Contains(tmpl, "_on."):
			return Value{Kind: Rate}
		case !ok:
			return undefined
		case strings.HasSuffix(tmpl, ".queue"):
			return num(float64(a.queue))
		case strings.HasSuffix(tmpl, ".offset"):
			return num(float64(a.offset))
		}
		return yes(a.broker == p["broker"])
	case "steps.<step>.round_robin_breaks":
		return d.roundRobinBreaks(p["step"])
	case "steps.<step>.max_offset.<broker>.<queue>":
		q, err := strconv.Atoi(p["queue"])
		_, to, ok := d.window(p["step"])
		if err != nil || !ok {
			return undefined
		}
		d.scan()
		var max int64
		for _, s := range d.stored {
			if s.at >= to {
				break
			}
			if s.broker == p["broker"] && s.queue == q && s.offset+1 > max {
				max = s.offset + 1
			}
		}
		return num(float64(max))
	}
	if strings.HasPrefix(tmpl, "console.") {
		return d.console(tmpl, p)
	}
	return undefined
}

func (d *detailRun) firstAck(step string) (ack, bool) {
	from, to, ok := d.window(step)
	if !ok {
		return ack{}, false
	}
	d.scan()
	for _, a := range d.acks {
		if a.at >= from && a.at < to {
			return a, true
		}
	}
	return ack{}, false
}

func (d *detailRun) roundRobinBreaks(step string) Value {
	from, to, ok := d.window(step)
	if !ok {
		return undefined
	}
	d.scan()
	prev := map[string]ack{}
	n, breaks := 0, 0
	for _, a := range d.acks {
		if a.at < from || a.at >= to {
			continue
		}
		n++
		p, seen := prev[a.proc]
		prev[a.proc] = a
		if !seen {
			continue
		}
		order := d.publishList(a.topic)
		i, okA := order[p.broker+"/"+strconv.Itoa(p.queue)]
		j, okB := order[a.broker+"/"+strconv.Itoa(a.queue)]
		if !okA || !okB || j != (i+1)%len(order) {
			breaks++
		}
	}
	if n < 2 {
		return undefined
	}
	return num(float64(breaks))
}

// publishList is a topic's publish list as 4.8's client builds it from
// a route: brokers by name, each with its write queues in order (facts
// §3.3), as a map from "broker/queue" to its place.
func (d *detailRun) publishList(topic string) map[string]int {
	out := map[string]int{}
	c := d.res.Cluster
	if c == nil {
		return out
	}
	for _, t := range c.Topics {
		if t.Name != topic {
			continue
		}
		brokers := slices.Clone(t.BrokerNames)
		if len(brokers) == 0 {
			for _, b := range c.Brokers {
				brokers = append(brokers, b.BrokerName)
			}
		}
		slices.Sort(brokers)
		for i, b := range brokers {
			for q := 0; q < t.Queues; q++ {
				out[b+"/"+strconv.Itoa(q)] = i*t.Queues + q
			}
		}
	}
	return out
}

// consoleRead is what the page the person read at a step's end showed
// of the programs' topic.
type consoleRead struct {
	view                   string
	messages, consumed     int64
	okMessages, okConsumed bool
	stale                  bool
	readAt                 time.Duration
	perBroker              map[string]int64
}

// readConsole reads the step's Observer under the page the person read
// then (model/app.Console's figure keys: <view>/<figure>[/<name>]).
func (d *detailRun) readConsole(step string) (consoleRead, bool) {
	s, _ := d.step(step)
	if s == nil || !s.Started {
		return consoleRead{}, false
	}
	d.scan()
	view := model.ViewCluster
	if d.res.Spec != nil {
		view = d.res.Spec.Programs.ReadOf(step)
	}
	obs := s.Observer
	r := consoleRead{view: view, perBroker: map[string]int64{}}
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
	var brokers []string
	if c := d.res.Cluster; c != nil {
		for _, b := range c.Brokers {
			brokers = append(brokers, b.BrokerName)
		}
	}
	switch view {
	case model.ViewCluster:
		var masters []string
		for _, b := range brokers {
			masters = append(masters, "cluster/todayPro/"+b+":0")
		}
		r.messages, r.okMessages = sum(masters)
		r.consumed, r.okConsumed = sum(withPrefix("cluster/todayCus/"))
	case model.ViewTopicStatus:
		r.messages, r.okMessages = sum([]string{"topicStatus/messages/" + d.topic})
	case model.ViewHome:
		r.messages, r.okMessages = sum([]string{"home/topicInToday/" + d.topic})
		r.consumed, r.okConsumed = sum([]string{"home/topicOutToday/" + d.topic})
	case model.ViewConsumer:
		r.consumed, r.okConsumed = sum(withPrefix("consumer/consumerOffset/"))
	case model.ViewMessagePage:
		r.messages, r.okMessages = sum([]string{"messagePage/found/" + d.topic})
	}
	for _, b := range brokers {
		if v, ok := ConsoleBroker(obs, view, b); ok {
			r.perBroker[b] = v
		}
	}
	if len(used) > 0 {
		f := obs[used[0]]
		r.readAt = time.Duration(f.ReadAtMs) * time.Millisecond
		r.stale = f.StaleSince != nil
	}
	return r, true
}

// ConsoleBroker is the count a per-broker console page shows for a
// broker: the cluster page's master TODAY_PRO_COUNT, the topic status
// page's Σ max − min offset; false on other pages or when it shows none.
func ConsoleBroker(obs scenarios.Observer, view, broker string) (int64, bool) {
	switch view {
	case model.ViewCluster:
		return obs.Value("cluster/todayPro/" + broker + ":0")
	case model.ViewTopicStatus:
		return obs.Value("topicStatus/messages/" + broker)
	}
	return 0, false
}

func (d *detailRun) console(tmpl string, p map[string]string) Value {
	step := p["step"]
	r, ok := d.readConsole(step)
	if !ok {
		if strings.HasSuffix(tmpl, ".shown") || strings.HasSuffix(tmpl, ".stale") {
			return Value{Kind: Rate}
		}
		return undefined
	}
	shown := r.okMessages || r.okConsumed
	growth := func(now int64, okNow bool, prev func(consoleRead) (int64, bool)) Value {
		_, i := d.step(step)
		if !okNow || i < 1 {
			return undefined
		}
		pr, ok := d.readConsole(d.res.Steps[i-1].Name)
		if !ok || pr.view != r.view {
			return undefined
		}
		before, ok := prev(pr)
		if !ok {
			return undefined
		}
		return num(float64(now - before))
	}
	switch tmpl {
	case "console.<step>.messages":
		if r.okMessages {
			return num(float64(r.messages))
		}
	case "console.<step>.consumed":
		if r.okConsumed {
			return num(float64(r.consumed))
		}
	case "console.<step>.messages_growth":
		return growth(r.messages, r.okMessages, func(c consoleRead) (int64, bool) { return c.messages, c.okMessages })
	case "console.<step>.consumed_growth":
		return growth(r.consumed, r.okConsumed, func(c consoleRead) (int64, bool) { return c.consumed, c.okConsumed })
	case "console.<step>.broker.<broker>":
		if v, ok := r.perBroker[p["broker"]]; ok {
			return num(float64(v))
		}
	case "console.<step>.shown":
		return yes(shown)
	case "console.<step>.stale":
		if shown {
			return yes(r.stale)
		}
		return Value{Kind: Rate}
	case "console.<step>.unlisted":
		if !r.okMessages {
			return undefined
		}
		acked := map[string]bool{}
		for _, a := range d.acks {
			if a.at >= r.readAt {
				break
			}
			if a.topic == "" || a.topic == d.topic {
				acked[a.key] = true
			}
		}
		return num(float64(int64(len(acked)) - r.messages))
	}
	return undefined
}
