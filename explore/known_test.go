package explore

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"rmqsim/check"
	"rmqsim/scenarios"
)

var update = flag.Bool("explore.update", false,
	"rewrite scenarios/found/*.yaml from the counterexamples the searches find")

// foundDir is where the counterexamples are committed, from this package.
const foundDir = "../scenarios/found"

// maxShrunkFaults is the most faults a shrunk counterexample may have.
const maxShrunkFaults = 2

// Properties known to FAIL in RocketMQ 4.8. rapid must find a
// counterexample and shrink it to at most two faults; the test prints it
// as a scenario file, parses it back and replays it with scenarios.Run to
// show the same verdict. `-explore.update` writes it to scenarios/found/.

// asyncFlushShape: the 4.8 defaults flushDiskType ASYNC_FLUSH and
// brokerRole ASYNC_MASTER, faults of every kind on the masters while the
// producer sends or shortly after, and a consumer that may start late.
var asyncFlushShape = shape{
	name:           "async-flush",
	targets:        func(c Cluster) []string { return c.Masters() },
	kinds:          IncidentKinds,
	maxIncidents:   3,
	faultWindow:    duringWorkload,
	flushDiskTypes: []string{"ASYNC_FLUSH"},
	brokerRoles:    []string{"ASYNC_MASTER"},
	clientStart:    clusterUp,
	consumerTo:     LastFaultAt,
}

// masterDownShape and nameserverShape make the schedules of the
// master-down search (masterDownGen): faults of every kind on the
// masters while the producer sends or just after, then faults of every
// kind on the nameservers in the minute after that.
var masterDownShape = shape{
	name:         "master-down",
	targets:      func(c Cluster) []string { return c.Masters() },
	kinds:        IncidentKinds,
	maxIncidents: 2,
	clientStart:  settled,
	consumerTo:   LastFaultAt + 50,
}

var nameserverShape = shape{
	targets:      func(c Cluster) []string { return c.NameServerHosts() },
	kinds:        IncidentKinds,
	maxIncidents: 3,
}

// masterDownGen draws a cluster with SYNC_FLUSH (so that no master loses
// what it acknowledged: that is the other search), programs that start
// once the cluster has settled (settled: so that the masters' messages
// reach their slaves), faults on the masters, then faults on the
// nameservers, and a consumer that may start after all of them. The
// nameserver faults may come after LastFaultAt (up to a minute after the
// master faults' window, recoveries 75 s after that); the property looks
// at the horizon, well after.
func masterDownGen() *rapid.Generator[*Case] {
	return rapid.Custom(func(t *rapid.T) *Case {
		c := &Case{
			Cluster:  clusterGen().Draw(t, "cluster"),
			Config:   configGen([]string{"SYNC_FLUSH"}, nil).Draw(t, "config"),
			Workload: masterDownShape.workloadGen().Draw(t, "workload"),
		}
		from, to := duringWorkload(c.Workload)
		c.Faults = masterDownShape.scheduleGen(c.Cluster.Masters(), from, to).Draw(t, "masterFaults")
		ns := nameserverShape.scheduleGen(c.Cluster.NameServerHosts(), to, to+60).Draw(t, "nameserverFaults")
		c.Faults = append(c.Faults, ns...)
		SortFaults(c.Faults)
		c.Seed = rapid.Uint64Range(1, 64).Draw(t, "seed")
		c.Name = fmt.Sprintf("master-down-%d", c.Seed)
		return c
	})
}

// knownFailure is one property known to fail, with what its
// counterexample file says.
type knownFailure struct {
	// name is the sub-test's and the found file's name.
	name string
	gen  func() *rapid.Generator[*Case]
	// violated says why a run breaks the property ("" if it holds).
	violated func(*Case, *scenarios.Result) string
	// mechanism says why the shrunk schedule is not the one shows
	// describes ("" if it is).
	mechanism func(*Case) string
	// shows is the found file's account of what the counterexample
	// shows.
	shows string
}

var knownFailures = []knownFailure{
	{
		name: "async-flush-power-off",
		gen:  asyncFlushShape.caseGen,
		// The property "no acknowledged message is ever lost by a
		// broker" fails: §5.9 lists ASYNC_FLUSH + ASYNC_MASTER when a
		// host dies before flush (500 ms / 4 pages / 10 s) or
		// replication. The judges name such a loss unflushed-lost: a
		// Lost record (the restarted master's recovery finds its commit
		// log shorter) for a SEND_OK message never consumed.
		violated: func(_ *Case, res *scenarios.Result) string {
			vs := Failures(res, check.NoAckedLost, check.CauseUnflushedLost, check.CauseStoreLost)
			if len(vs) == 0 {
				return ""
			}
			return fmt.Sprintf("%d acknowledged messages lost by a broker, first: %s", len(vs), vs[0].Reason)
		},
		mechanism: powerLostAndBack,
		shows: `With the 4.8 defaults flushDiskType ASYNC_FLUSH and brokerRole
ASYNC_MASTER, a master acknowledges (SEND_OK) a message that is still only
in its page cache: with fewer than 4 dirty pages the flush waits for the
10 s thorough flush (facts §5.9, §9). Its host loses power before that;
when it comes back, recovery finds the commit log without the message.
No slave held it and the consumer had not got it: no-acked-lost fails
with cause unflushed-lost.`,
	},
	{
		name:      "master-down-nameserver-restart",
		gen:       masterDownGen,
		violated:  hiddenOnSlave,
		mechanism: masterDownAtNameserverRestart,
		shows: `A master is down, and stays down, when the nameserver comes back empty
(facts §1.5): only its slave registers again, and a slave's registration
builds no QueueData (§1.2), so from then on the nameserver answers
TOPIC_NOT_EXIST for the topic (§1.3; §6 "One NS comes back empty", item
3). No consumer gets a route that leads it to the slave's messages: one
that starts after the restart gets no route at all; one that cached a
route before it keeps that route, since TOPIC_NOT_EXIST never replaces a
cache (§3.2), and with it the dead master, which it keeps asking for its
group's members and offsets (§3.3; a powered-off master is a black hole,
§3.5, and the nameserver lists it for 120 s, §1.4), so it never owns a
queue. The acknowledged message on the slave is never consumed:
no-acked-lost fails. Without the restart the nameserver would drop the
master and the consumer would read the slave (§1.4, §6).`,
	},
}

// powerLostAndBack: a master's host loses power and is powered on again.
func powerLostAndBack(c *Case) string {
	for i, f := range c.Faults {
		if !slices.Contains(c.Cluster.Masters(), f.Target) ||
			!slices.Contains([]FaultKind{PowerOff, ShutdownOrderly, ShutdownNetworkFirst}, f.Kind) {
			continue
		}
		for _, g := range c.Faults[i+1:] {
			if g.Target == f.Target && g.Kind == PowerOn {
				return ""
			}
		}
	}
	return "no master loses power and comes back"
}

// masterDownAtNameserverRestart: a master goes down for good, and a
// nameserver is faulted (restarted) no earlier.
func masterDownAtNameserverRestart(c *Case) string {
	for i, f := range c.Faults {
		if !slices.Contains(c.Cluster.Masters(), f.Target) || !slices.Contains(DownKinds, f.Kind) || f.Kind == Partition {
			continue
		}
		back, restart := false, false
		for _, g := range c.Faults[i+1:] {
			back = back || g.Target == f.Target
			restart = restart || slices.Contains(c.Cluster.NameServerHosts(), g.Target)
		}
		if !back && restart {
			return ""
		}
	}
	return "no master goes down for good before a nameserver restart"
}

// hiddenOnSlave is the property "an acknowledged message a slave stored
// is consumed by the horizon, when the slave stays up and some
// nameserver is up and reachable at the end". Slaves are never faulted in
// masterDownShape. Which nameservers end up is read from the run (the
// processes' last start or exit) and the schedule (a cut never healed).
func hiddenOnSlave(c *Case, res *scenarios.Result) string {
	up := slices.ContainsFunc(c.Cluster.NameServerHosts(), func(ns string) bool {
		return AliveAtEnd(res, ns, "namesrv") && !c.Isolated(ns)
	})
	if !up {
		return ""
	}
	keys := HiddenOnSlave(res)
	if len(keys) == 0 {
		return ""
	}
	return fmt.Sprintf("%d acknowledged messages stored on a slave never consumed, e.g. %s", len(keys), keys[0])
}

// TestKnownFailures searches each known-failing property for a
// counterexample, shrinks it, and replays it as a scenario file.
func TestKnownFailures(t *testing.T) {
	for _, k := range knownFailures {
		t.Run(k.name, func(t *testing.T) {
			f := search(t, k.gen(), k.violated)
			c := f.Case
			t.Logf("found after %d passing cases in %v (rapid seed %d), shrunk in %v to %d faults: %s",
				f.Tests, f.Find.Round(1e6), f.Seed, f.Shrink.Round(1e6), len(c.Faults), c.Faults)
			if why := k.mechanism(c); why != "" {
				t.Errorf("the counterexample is not the documented one: %s: %v", why, c.Faults)
			}
			if len(c.Faults) > maxShrunkFaults {
				t.Errorf("shrunk schedule has %d faults, want at most %d: %v", len(c.Faults), maxShrunkFaults, c.Faults)
			}
			c.Name = k.name
			c.Expect = map[string]string{string(check.NoAckedLost): string(check.Fail)}
			text := c.YAML(foundHeader(k, f))
			t.Logf("counterexample as a scenario file:\n%s", text)
			res := replay(t, k.name+".yaml", text)
			if why := k.violated(c, res); why == "" {
				t.Errorf("the scenario file does not show the failure when replayed (%s)", Summary(res))
			}
			if *update {
				path := filepath.Join(foundDir, k.name+".yaml")
				if err := os.WriteFile(path, text, 0o644); err != nil {
					t.Fatal(err)
				}
				t.Logf("wrote %s", path)
			}
		})
	}
}

// replay parses a scenario file and runs it, failing the test unless its
// expectations hold.
func replay(t *testing.T, path string, text []byte) *scenarios.Result {
	t.Helper()
	sc, err := scenarios.Parse(path, text)
	if err != nil {
		t.Fatalf("%s does not parse: %v", path, err)
	}
	res, err := scenarios.Run(sc, scenarios.RunOptions{})
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	for _, e := range res.Expectations {
		if !e.Held {
			t.Errorf("%s: expected %s %s, got %s (%s)", path, e.Property, e.Want, e.Got, Summary(res))
		}
	}
	return res
}

// foundHeader is the comment at the top of a found scenario file.
func foundHeader(k knownFailure, f found) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: a counterexample rapid found and shrank.\n\n", k.name)
	b.WriteString(k.shows + "\n\n")
	fmt.Fprintf(&b, "The schedule: %s.\nThe producer starts at %ds, the consumer at %ds.\n\n",
		faultList(f.Case.Faults), f.Case.Workload.ProducerStart, f.Case.Workload.ConsumerStart)
	fmt.Fprintf(&b, "Found by: go test ./explore/ -run 'TestKnownFailures/%s' -explore.update -rapid.seed=%d\n",
		k.name, f.Seed)
	fmt.Fprintf(&b, "(%d passing cases before it; shrunk to %d faults.) Property violated:\n", f.Tests, len(f.Case.Faults))
	fmt.Fprintf(&b, "  %s\n", firstLine(f.Why))
	fmt.Fprintf(&b, "Replay: go run ./cmd/simulate run scenarios/found/%s.yaml\n", k.name)
	b.WriteString("(exit 0: the expectation below holds; TestFoundScenarios replays every file here.)")
	return b.String()
}

func faultList(fs []Fault) string {
	var out []string
	for _, f := range fs {
		out = append(out, f.String())
	}
	return strings.Join(out, ", ")
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// TestFoundScenarios replays every committed counterexample in
// scenarios/found/ and asserts the verdicts its file declares (expect:).
func TestFoundScenarios(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(foundDir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatalf("no scenario in %s", foundDir)
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			text, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(text), "\nexpect:") {
				t.Fatalf("%s declares no expected verdict", path)
			}
			res := replay(t, path, text)
			if res.Outcome != "horizon" {
				t.Errorf("%s ended %s, not at the horizon", path, res.Outcome)
			}
			if lost := Failures(res, check.NoAckedLost); len(lost) > 0 {
				t.Logf("%s: %s; first failure: %s: %s", filepath.Base(path), Summary(res), lost[0].Cause, lost[0].Reason)
			}
		})
	}
}
