package explore

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"rmqsim/check"
	"rmqsim/scenarios"
)

// Properties that hold in RocketMQ 4.8 (facts § in each), over many
// generated cases: RAPID_CHECKS cases each (default 100, a fifth under
// -short).

// conclusion1Shape: faults of every kind on every nameserver but ns1,
// after both programs have started. ns1 stays up throughout, so at least
// one nameserver is up all the time; no broker is touched. Which
// nameserver survives loses nothing: every client shuffles its
// nameserver list (§3.4) from its own seeded stream.
var conclusion1Shape = shape{
	name:         "conclusion1",
	targets:      func(c Cluster) []string { return c.NameServerHosts()[1:] },
	kinds:        IncidentKinds,
	maxIncidents: 4,
	faultWindow:  func(w Workload) (int, int) { return clientsStarted(w) + 5, LastFaultAt },
	clientStart:  settled,
}

// settled is when the held properties' programs start: once every slave
// replicates (Settled, derived from the model's defaults), so that no
// send fails for a cause no fault made.
var settled = [2]int{Settled, Settled + 15}

// TestConclusion1: the field report's conclusion 1 ("when one nameserver
// is down, sending and consuming are not affected"), read as: with at
// least one nameserver up and every broker up throughout, a producer and
// a consumer that are running (started, with their routes, before the
// first fault) lose nothing. Why it holds:
//   - A running producer sends on its cached publish info with no
//     nameserver call (§4.2), so no send() throws.
//   - A route refresh that fails or answers TOPIC_NOT_EXIST keeps the
//     cache (§3.2); a restarted nameserver's partial route only narrows
//     where the producer sends and pauses the consumer's other queues
//     until the brokers re-register, ≤ 30 s + 30 s + 20 s (§6, "One NS
//     comes back empty" 2); nameservers never talk to each other (§1.1),
//     so a surviving one keeps the full route.
//   - Sends answered SLAVE_NOT_AVAILABLE (SYNC_MASTER without a slave)
//     are statuses, not failures (§4.2); only SEND_OK messages must be
//     consumed.
//
// So no send() throws, and every acknowledged message is consumed within
// the liveness bound: no-acked-lost and liveness pass.
func TestConclusion1(t *testing.T) {
	gen := conclusion1Shape.caseGen()
	rapid.Check(t, func(rt *rapid.T) {
		c := gen.Draw(rt, "case")
		res := runCase(rt, c)
		if budgetExhausted(res) {
			rt.Skipf("the run used its event budget before the horizon")
		}
		if errs := SendErrors(res, 0); len(errs) > 0 {
			rt.Fatalf("send() threw %d times with ns1 and every broker up, first %s\n%s",
				len(errs), errs[0].String(), c.YAML(""))
		}
		requireDelivered(rt, c, res)
	})
}

// requireDelivered fails unless no-acked-lost and liveness pass.
func requireDelivered(rt *rapid.T, c *Case, res *scenarios.Result) {
	for _, p := range []check.Property{check.NoAckedLost, check.Liveness} {
		if v := res.Verdicts[string(p)]; v != string(check.Pass) {
			rt.Fatalf("%s: %s (%s); failures:\n%s\n%s", p, v, Summary(res),
				violations(Failures(res, p)), c.YAML(""))
		}
	}
}

// violations lists up to five violations, one a line.
func violations(vs []check.Violation) string {
	var lines []string
	for i, v := range vs {
		if i == 5 {
			lines = append(lines, "...")
			break
		}
		lines = append(lines, "  "+string(v.Cause)+": "+v.Reason)
	}
	return strings.Join(lines, "\n")
}

// outageGen draws the total nameserver outage: both programs start
// while every nameserver is up, once the cluster has settled (the
// consumer first or with the producer); the producer sends for 10–60 s;
// each nameserver goes down once, for good, by a down kind of its own, at
// a second between 5 s after the producer starts and the middle of its
// sends.
func outageGen() *rapid.Generator[*Case] {
	return rapid.Custom(func(t *rapid.T) *Case {
		c := &Case{Cluster: clusterGen().Draw(t, "cluster"), Config: configGen(nil, nil).Draw(t, "config")}
		w := Workload{ProducerStart: rapid.IntRange(settled[0], settled[1]).Draw(t, "producerStart")}
		w.ConsumerStart = rapid.IntRange(settled[0], w.ProducerStart).Draw(t, "consumerStart")
		w.Count = rapid.IntRange(100, 300).Draw(t, "count")
		w.Interval = rapid.SampledFrom([]time.Duration{100 * time.Millisecond, 200 * time.Millisecond}).Draw(t, "interval")
		w.OnError = rapid.SampledFrom(OnErrors).Draw(t, "onError")
		c.Workload = w
		from, to := w.ProducerStart+5, w.ProducerStart+w.SendWindow()/2
		for _, ns := range c.Cluster.NameServerHosts() {
			c.Faults = append(c.Faults, Fault{
				At:     rapid.IntRange(from, to).Draw(t, "at"),
				Target: ns,
				Kind:   rapid.SampledFrom(DownKinds).Draw(t, "kind"),
			})
		}
		SortFaults(c.Faults)
		c.Seed = rapid.Uint64Range(1, 64).Draw(t, "seed")
		c.Name = fmt.Sprintf("outage-%d", c.Seed)
		return c
	})
}

// TestRunningClientsSurviveNameserverOutage (§6, "All NS down"): brokers
// serve normally and running clients keep their routes, publish and
// subscribe info indefinitely; heartbeats, sends, pulls, rebalances
// (membership comes from the brokers) and offset commits all continue.
// So with every nameserver down for good, the running producer's sends
// keep returning (none throws, some return after the outage began), the
// running consumer keeps consuming (some deliveries after the outage
// began), and every acknowledged message is consumed.
func TestRunningClientsSurviveNameserverOutage(t *testing.T) {
	gen := outageGen()
	rapid.Check(t, func(rt *rapid.T) {
		c := gen.Draw(rt, "case")
		res := runCase(rt, c)
		if budgetExhausted(res) {
			rt.Skipf("the run used its event budget before the horizon")
		}
		outage := seconds(c.Faults[len(c.Faults)-1].At)
		if errs := SendErrors(res, 0); len(errs) > 0 {
			rt.Fatalf("send() threw %d times, first %s\n%s", len(errs), errs[0].String(), c.YAML(""))
		}
		if n := ReturnedAfter(res, outage); n == 0 {
			rt.Fatalf("no send returned after every nameserver was down at %v (%s)\n%s", outage, Summary(res), c.YAML(""))
		}
		if n := DeliveredAfter(res, outage); n == 0 {
			rt.Fatalf("nothing consumed after every nameserver was down at %v (%s)\n%s", outage, Summary(res), c.YAML(""))
		}
		requireDelivered(rt, c, res)
	})
}

// TestDeterminism (STYLE principle 3): every generated run, faults of
// every kind on every server included, gives the same trace hash and the
// same counts when run again, and again under another GOMAXPROCS. A run
// is a pure function of its scenario and seed (scenarios.Run).
func TestDeterminism(t *testing.T) {
	gen := anyShape.caseGen()
	procs := runtime.GOMAXPROCS(0)
	other := 1
	if procs == 1 {
		other = 2
	}
	rapid.Check(t, func(rt *rapid.T) {
		c := gen.Draw(rt, "case")
		first := runCase(rt, c)
		second := runCase(rt, c)
		runtime.GOMAXPROCS(other)
		third := runCase(rt, c)
		runtime.GOMAXPROCS(procs)
		for i, r := range []*scenarios.Result{second, third} {
			if r.TraceHash != first.TraceHash || r.Events != first.Events || r.Messages != first.Messages {
				rt.Fatalf("run %d: trace %s, %d events, %+v; first run: trace %s, %d events, %+v\n%s",
					i+2, r.TraceHash, r.Events, r.Messages, first.TraceHash, first.Events, first.Messages, c.YAML(""))
			}
		}
	})
}
