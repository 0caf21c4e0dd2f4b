package report

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"rmqsim/history"
)

// Marks in the observation table.
const (
	markYes   = "✓" // the simulated number is the reported one
	markShape = "≈" // same shape, different number (inputs the report omits)
	markNo    = "✗" // not reproduced
	markNone  = "–" // the run cannot show it
)

// cell is one variant's reading of one observation.
type cell struct {
	text, mark string
}

// observation is one observed fact of the seed document and how to read
// it from a run.
type observation struct {
	step, reported string
	// short names the observation in the class tables.
	short string
	read  func(ev *evidence) cell
}

// observations are the rows of the seed document's "Steps and
// observations" table, in its order.
var observations = []observation{
	{"E1", "100 × SEND_OK", "E1 sent", readE1Sent},
	{"E1", "first result broker-a, queueId 8, queueOffset 0", "E1 first", readE1First},
	{"E1", "then round robin (queueId 9, 10, 11, …)", "E1 order", readE1RoundRobin},
	{"E1", "console: broker-a 52, broker-b 48", "E1 console", readE1Console},
	{"E1c", "100 consumed (console also 100)", "E1c consumed", readE1cConsumed},
	{"E1c", "queue 13 of broker-b: MAX_OFFSET=3", "E1c queue 13", readE1cQueue13},
	{"E2", "100 new messages in the log and the console", "E2 sent", readE2Sent},
	{"E2", "100 more consumed", "E2 consumed", readE2Consumed},
	{"E3", "only 367 of 10,000 sent", "E3 sent", readE3Sent},
	{"E3", "nothing consumed, no consumption records", "E3 consumed", readE3Consumed},
	{"E4", "sending and consumption recover", "E4 recovery", readE4Recover},
	{"E4", "some messages are lost", "E4 lost", readE4Lost},
}

// Numbers of the seed document's observations, compared with the runs.
const (
	reportedE1Sent     = 100
	reportedE1Broker   = "broker-a"
	reportedE1Queue    = 8
	reportedE1ConsoleA = 52
	reportedE1ConsoleB = 48
	reportedQueueB13   = 3
	reportedE2Sent     = 100
	reportedE3Sent     = 367
	reportedE3Intended = 10000
)

func mark(ok bool) string {
	if ok {
		return markYes
	}
	return markNo
}

func readE1Sent(ev *evidence) cell {
	s := ev.step("E1")
	if s == nil {
		return cell{"no E1", markNone}
	}
	if ev.fromDashboard() {
		c := ev.consoleAt("E1")
		if !c.ok {
			return cell{c.note(), markNo}
		}
		return cell{"console " + num(c.total), mark(c.total == reportedE1Sent)}
	}
	return cell{num(s.Messages.SendOK), mark(s.Messages.SendOK == reportedE1Sent && s.Messages.SendFailed == 0)}
}

// e1Acked are E1's SEND_OK results in order.
func (ev *evidence) e1Acked() []*history.Record {
	var out []*history.Record
	for _, r := range ev.sendsIn(ev.stepWindow("E1")) {
		if r.Status == "SEND_OK" {
			out = append(out, r)
		}
	}
	return out
}

func readE1First(ev *evidence) cell {
	acked := ev.e1Acked()
	if len(acked) == 0 {
		return cell{"no SEND_OK", markNo}
	}
	r := acked[0]
	return cell{fmt.Sprintf("%s q%d @%d", r.Broker, r.QueueID, r.QueueOffset),
		mark(r.Broker == reportedE1Broker && r.QueueID == reportedE1Queue && r.QueueOffset == 0)}
}

func readE1RoundRobin(ev *evidence) cell {
	acked := ev.e1Acked()
	if len(acked) < 2 {
		return cell{"too few sends", markNo}
	}
	order := ev.publishOrder(acked[0].Topic)
	breaks := 0
	for i := 1; i < len(acked); i++ {
		a, okA := order[mqName(acked[i-1])]
		b, okB := order[mqName(acked[i])]
		if !okA || !okB || b != (a+1)%len(order) {
			breaks++
		}
	}
	if breaks == 0 {
		return cell{fmt.Sprintf("%d/%d in order", len(acked)-1, len(acked)-1), markYes}
	}
	return cell{fmt.Sprintf("%d breaks", breaks), markNo}
}

func mqName(r *history.Record) string { return r.Broker + "/" + itoa(r.QueueID) }

// publishOrder is the producer's publish list for topic as 4.8 builds it:
// brokers by name, each with its write queues in order (facts §3.3), as
// a map from "broker/queue" to its place.
func (ev *evidence) publishOrder(topic string) map[string]int {
	queues := 0
	var brokers []string
	if c := ev.res.Cluster; c != nil {
		for _, t := range c.Topics {
			if t.Name == topic {
				queues = t.Queues
				brokers = t.BrokerNames
			}
		}
		if len(brokers) == 0 {
			for _, b := range c.Brokers {
				brokers = append(brokers, b.BrokerName)
			}
		}
	}
	sort.Strings(brokers)
	out := map[string]int{}
	for i, b := range brokers {
		for q := 0; q < queues; q++ {
			out[b+"/"+itoa(q)] = i*queues + q
		}
	}
	return out
}

func readE1Console(ev *evidence) cell {
	s := ev.step("E1")
	if s == nil {
		return cell{"no E1", markNone}
	}
	view := ev.readView("E1")
	a, okA := consoleBroker(s.Observer, view, ev.timeline.Topic, "broker-a")
	b, okB := consoleBroker(s.Observer, view, ev.timeline.Topic, "broker-b")
	if !okA && !okB {
		return cell{ev.consoleAt("E1").note(), markNo}
	}
	return cell{fmt.Sprintf("%d / %d", a, b), mark(okA && okB && a == reportedE1ConsoleA && b == reportedE1ConsoleB)}
}

func readE1cConsumed(ev *evidence) cell {
	s := ev.step("E1c")
	if s == nil {
		return cell{"no E1c", markNone}
	}
	n := s.Messages.ConsumedUnique
	c := ev.consoleAt("E1c")
	console := "console " + num(c.consumed)
	switch {
	case c.blank:
		console = c.note()
	case !c.okConsumed:
		console = "no consumed count on the " + c.view + " page"
	}
	good := n == reportedE1Sent && s.Messages.Duplicates == 0
	if ev.fromDashboard() {
		good = c.okConsumed && c.consumed == reportedE1Sent
	}
	return cell{fmt.Sprintf("%s (%s)", num(n), console), mark(good)}
}

func readE1cQueue13(ev *evidence) cell {
	w := ev.stepWindow("E1c")
	if !w.ok {
		return cell{"no E1c", markNone}
	}
	q := ev.queueHeld("broker-b", 13, w.to)
	return cell{fmt.Sprintf("MAX_OFFSET=%d", q), mark(q == reportedQueueB13)}
}

// queueHeld is the queue's max offset on its master (stored positions,
// counted as the broker's ConsumeQueue would) before t.
func (ev *evidence) queueHeld(broker string, queue int, t time.Duration) int64 {
	var max int64
	for _, rec := range ev.h.All() {
		r := &rec
		if r.At >= t {
			break
		}
		if r.Kind == history.Stored && r.Broker == broker && r.QueueID == queue && !ev.isReplica(r) &&
			!strings.HasPrefix(r.Topic, "%") && r.QueueOffset+1 > max {
			max = r.QueueOffset + 1
		}
	}
	return max
}

// isReplica reports whether a Stored record is a slave's copy.
func (ev *evidence) isReplica(r *history.Record) bool {
	if r.Detail == "replica" {
		return true
	}
	if c := ev.res.Cluster; c != nil {
		for _, b := range c.Brokers {
			if b.BrokerName == r.Broker {
				return hostOf(r.Proc) != b.Master.Host
			}
		}
	}
	return false
}

func readE2Sent(ev *evidence) cell {
	s, prev := ev.step("E2"), ev.step("E1c")
	if s == nil {
		return cell{"no E2", markNone}
	}
	console := "console blank"
	delta, okDelta := int64(0), false
	if prev != nil {
		a, b := ev.consoleAt("E1c"), ev.consoleAt("E2")
		if a.ok && b.ok {
			delta, okDelta = b.total-a.total, true
			console = "console " + signed(delta)
		}
	}
	ok := s.Messages.SendOK == reportedE2Sent && s.Messages.SendFailed == 0 && s.Messages.NeverSent == 0
	if ev.fromDashboard() {
		ok = okDelta && delta == reportedE2Sent
	}
	return cell{fmt.Sprintf("%s (%s)", num(s.Messages.SendOK), console), mark(ok)}
}

func readE2Consumed(ev *evidence) cell {
	s := ev.step("E2")
	if s == nil {
		return cell{"no E2", markNone}
	}
	return cell{num(s.Messages.ConsumedUnique), mark(s.Messages.ConsumedUnique == reportedE2Sent)}
}

func readE3Sent(ev *evidence) cell {
	s := ev.step("E3")
	if s == nil {
		return cell{"no E3", markNone}
	}
	if !ev.fromDashboard() {
		return e3Count(s.Messages.SendOK, "")
	}
	before, after := ev.consoleAt("E2"), ev.consoleAt("E3")
	if !after.ok || !before.ok {
		return cell{after.note(), markNo}
	}
	prefix := after.view + " "
	if after.stale {
		prefix = after.view + " (stale) "
	}
	n := after.total - before.total
	return cell{prefix + signed(n), e3Count(int(n), "").mark}
}

// e3Count marks an E3 send count: the reported 367, a partial count, or
// neither.
func e3Count(n int, prefix string) cell {
	switch {
	case n == reportedE3Sent:
		return cell{prefix + num(n), markYes}
	case n > 0 && n < reportedE3Intended:
		return cell{prefix + num(n), markShape}
	}
	return cell{prefix + num(n), markNo}
}

func readE3Consumed(ev *evidence) cell {
	s := ev.step("E3")
	if s == nil {
		return cell{"no E3", markNone}
	}
	if ev.fromDashboard() {
		before, after := ev.consoleAt("E2"), ev.consoleAt("E3")
		switch {
		case after.blank:
			return cell{after.note(), markYes}
		case !after.okConsumed:
			return cell{"no consumed count on the " + after.view + " page", markNone}
		case !before.okConsumed:
			return cell{after.view + " " + num(after.consumed), markNone}
		}
		d := after.consumed - before.consumed
		return cell{after.view + " " + signed(d), mark(d == 0)}
	}
	text := num(s.Messages.ConsumedUnique)
	if s.Messages.SendOK == 0 && ev.pendingAt(ev.stepWindow("E3").from) == 0 {
		text += " (nothing to consume)"
	}
	return cell{text, mark(s.Messages.ConsumedUnique == 0)}
}

func readE4Recover(ev *evidence) cell {
	s := ev.step("E4")
	if s == nil {
		return cell{"no E4", markNone}
	}
	if s.Messages.SendOK == 0 && s.Messages.Intended == 0 && ev.pendingAt(ev.stepWindow("E4").from) == 0 {
		return cell{"nothing left to send or consume", markNone}
	}
	text := fmt.Sprintf("sent %s, consumed %s", num(s.Messages.SendOK), num(s.Messages.ConsumedUnique))
	return cell{text, mark(s.Messages.SendOK > 0 || s.Messages.ConsumedUnique > 0)}
}

// pendingAt counts the messages acknowledged before t that no listener
// had got by t.
func (ev *evidence) pendingAt(t time.Duration) int {
	acked, got := map[string]bool{}, map[string]bool{}
	for _, rec := range ev.h.All() {
		r := &rec
		if r.At >= t {
			break
		}
		switch {
		case r.Kind == history.SendReturn && r.Status == "SEND_OK":
			acked[r.Key] = true
		case r.Kind == history.Deliver:
			got[r.Key] = true
		}
	}
	n := 0
	for k := range acked {
		if !got[k] {
			n++
		}
	}
	return n
}

func readE4Lost(ev *evidence) cell {
	m := ev.res.Messages
	if ev.fromDashboard() {
		c := ev.consoleAt("E4")
		if !c.ok {
			return cell{c.note(), markNo}
		}
		acked := ev.ackedBy(c.readAt)
		text := fmt.Sprintf("%s %s of %s acked, acked lost %s", c.view, num(c.total), num(acked), num(m.LostAcked))
		return cell{text, mark(c.total < int64(acked))}
	}
	text := fmt.Sprintf("acked lost %s, never sent %s", num(m.LostAcked), num(m.NeverSent))
	switch {
	case m.LostAcked > 0:
		return cell{text, markYes}
	case m.NeverSent > 0 || m.SendFailed > 0:
		return cell{text, markShape}
	}
	return cell{text, markNo}
}

// fromDashboard reports whether the variant reads its counts from the
// console rather than the programs' logs.
func (ev *evidence) fromDashboard() bool { return ev.res.CountsFrom == "dashboard" }

// ackedBy counts the distinct messages of the topic acknowledged before t.
func (ev *evidence) ackedBy(t time.Duration) int {
	acked := map[string]bool{}
	for _, rec := range ev.h.AllOf(history.SendReturn) {
		r := &rec
		if r.At >= t {
			break
		}
		if r.Kind == history.SendReturn && r.Status == "SEND_OK" && (r.Topic == "" || r.Topic == ev.timeline.Topic) {
			acked[r.Key] = true
		}
	}
	return len(acked)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// signed writes a difference with its sign: "+100", "−100".
func signed(n int64) string {
	if n < 0 {
		return "−" + num(-n)
	}
	return "+" + num(n)
}
