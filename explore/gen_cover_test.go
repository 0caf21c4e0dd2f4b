package explore

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// coverDraws is how many cases the generator tests draw per shape.
const coverDraws = 400

// TestGeneratorsCover (STYLE principle 10: test the testers): over many
// draws, every fault kind, every configuration choice, every workload
// choice and every cluster size appears, and every drawn case is a
// scenario file that parses. g.Example(i) draws without running
// anything, so this costs no simulation.
func TestGeneratorsCover(t *testing.T) {
	seen := map[string]bool{}
	mark := func(format string, v any) { seen[fmt.Sprintf(format, v)] = true }
	gen := anyShape.caseGen()
	for i := range coverDraws {
		c := gen.Example(i)
		if _, err := c.Scenario(); err != nil {
			t.Fatalf("case %d does not parse: %v\n%s", i, err, c.YAML(""))
		}
		mark("nameservers=%v", c.Cluster.NameServers)
		mark("groups=%v", len(c.Cluster.Groups))
		mark("slaves=%v", len(c.Cluster.Slaves()))
		mark("queues=%v", c.Cluster.Queues)
		mark("flushDiskType=%v", c.Config.FlushDiskType)
		mark("brokerRole=%v", c.Config.BrokerRole)
		mark("sendLatencyFaultEnable=%v", c.Config.SendLatencyFaultEnable)
		mark("sendMsgTimeout=%v", c.Config.SendMsgTimeout)
		mark("connectTimeout=%v", c.Config.ConnectTimeout)
		mark("pollNameServerInterval=%v", c.Config.PollNameServerInterval)
		mark("interval=%v", c.Workload.Interval)
		mark("onError=%v", c.Workload.OnError)
		mark("faults=%v", min(len(c.Faults), 4))
		for _, f := range c.Faults {
			mark("kind=%v", f.Kind)
			mark("target=%v", role(f.Target))
			mark("kind-on=%v", string(f.Kind)+"/"+role(f.Target))
		}
	}
	var want []string
	add := func(format string, vs ...any) {
		for _, v := range vs {
			want = append(want, fmt.Sprintf(format, v))
		}
	}
	add("nameservers=%v", 1, 2, 3)
	add("groups=%v", 1, 2, 3)
	add("slaves=%v", 0, 1, 2, 3)
	add("queues=%v", 1, 2, 3, 4)
	add("flushDiskType=%v", anys(FlushDiskTypes)...)
	add("brokerRole=%v", anys(BrokerRoles)...)
	add("sendLatencyFaultEnable=%v", false, true)
	add("sendMsgTimeout=%v", anys(SendMsgTimeouts)...)
	add("connectTimeout=%v", anys(ConnectTimeouts)...)
	add("pollNameServerInterval=%v", anys(PollNameServerIntervals)...)
	add("interval=%v", anys(Intervals)...)
	add("onError=%v", anys(OnErrors)...)
	add("faults=%v", 0, 1, 2, 3, 4)
	add("kind=%v", anys(FaultKinds)...)
	add("target=%v", "nameserver", "master", "slave")
	for _, k := range FaultKinds {
		add("kind-on=%v", string(k)+"/nameserver", string(k)+"/master", string(k)+"/slave")
	}
	var missing []string
	for _, w := range want {
		if !seen[w] {
			missing = append(missing, w)
		}
	}
	if len(missing) > 0 {
		t.Errorf("never drawn in %d cases: %s", coverDraws, strings.Join(missing, ", "))
	}
}

// TestShapesKeepTheirPromises: each property's generator draws only what
// the property's premise allows (its comment says which).
func TestShapesKeepTheirPromises(t *testing.T) {
	check := func(name string, gen *rapid.Generator[*Case], ok func(*Case) string) {
		for i := range coverDraws {
			c := gen.Example(i)
			if why := ok(c); why != "" {
				t.Errorf("%s case %d: %s\n%s", name, i, why, c.YAML(""))
				return
			}
		}
	}
	check("conclusion1", conclusion1Shape.caseGen(), func(c *Case) string {
		for _, f := range c.Faults {
			if f.Target == NameServerHost(0) || role(f.Target) != "nameserver" {
				return "fault on " + f.Target + ": only nameservers other than ns1 may be faulted"
			}
			if f.At < clientsStarted(c.Workload)+5 {
				return "a fault before both programs run: " + f.String()
			}
		}
		return startsSettled(c)
	})
	check("outage", outageGen(), func(c *Case) string {
		if len(c.Faults) != c.Cluster.NameServers {
			return "want one fault per nameserver"
		}
		for i, f := range c.Faults {
			if !slices.Contains(DownKinds, f.Kind) || role(f.Target) != "nameserver" {
				return "want a down kind on a nameserver: " + f.String()
			}
			if f.At < c.Workload.ProducerStart+5 || (i > 0 && f.Target == c.Faults[i-1].Target) {
				return "fault before the producer runs, or twice on one nameserver: " + f.String()
			}
		}
		if c.Workload.ConsumerStart > c.Workload.ProducerStart {
			return "the consumer must start no later than the producer"
		}
		return startsSettled(c)
	})
	check("async-flush", asyncFlushShape.caseGen(), func(c *Case) string {
		if c.Config.FlushDiskType != "ASYNC_FLUSH" || c.Config.BrokerRole != "ASYNC_MASTER" {
			return "want the 4.8 defaults ASYNC_FLUSH, ASYNC_MASTER"
		}
		return onlyOn(c, "master")
	})
	check("master-down", masterDownGen(), func(c *Case) string {
		if c.Config.FlushDiskType != "SYNC_FLUSH" {
			return "want SYNC_FLUSH"
		}
		if why := onlyOn(c, "master", "nameserver"); why != "" {
			return why
		}
		return startsSettled(c)
	})
}

func startsSettled(c *Case) string {
	if c.Workload.ProducerStart < settled[0] || c.Workload.ConsumerStart < settled[0] {
		return "a program starts before the cluster has settled"
	}
	return ""
}

func onlyOn(c *Case, roles ...string) string {
	for _, f := range c.Faults {
		if !slices.Contains(roles, role(f.Target)) {
			return "fault on " + f.Target + ", want only " + strings.Join(roles, ", ")
		}
	}
	return ""
}

// TestYAMLRoundTrip: the scenario file says what the case says.
func TestYAMLRoundTrip(t *testing.T) {
	gen := anyShape.caseGen()
	for i := range 50 {
		c := gen.Example(i)
		sc, err := c.Scenario()
		if err != nil {
			t.Fatal(err)
		}
		if len(sc.Faults) != len(c.Faults) || len(sc.Cluster.NameServers) != c.Cluster.NameServers ||
			len(sc.Cluster.Brokers) != len(c.Cluster.Groups) || sc.Horizon.D() != Horizon {
			t.Fatalf("case %d: scenario differs from the case\n%s", i, c.YAML(""))
		}
		for j, f := range sc.Faults {
			if f.Kind != string(c.Faults[j].Kind) || f.At.String() != (time.Duration(c.Faults[j].At)*time.Second).String() {
				t.Fatalf("case %d fault %d: %s at %s, want %v", i, j, f.Kind, f.At, c.Faults[j])
			}
		}
		p := sc.Programs.Producers[0]
		if p.Count != c.Workload.Count || p.Interval.D() != c.Workload.Interval || p.OnError != c.Workload.OnError {
			t.Fatalf("case %d: producer %+v, want %+v", i, p, c.Workload)
		}
	}
}

// role is what a host is: nameserver, master, slave or client.
func role(host string) string {
	switch {
	case strings.HasPrefix(host, "ns"):
		return "nameserver"
	case strings.HasPrefix(host, "master-"):
		return "master"
	case strings.HasPrefix(host, "slave-"):
		return "slave"
	}
	return "client"
}

func anys[V any](vs []V) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = v
	}
	return out
}
