package explore

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"rmqsim/scenarios"
)

// YAML writes the case as a scenario file (docs/scenarios.md). header is
// written first, each line as a "# " comment. The text is a pure function
// of the case.
func (c *Case) YAML(header string) []byte {
	var b strings.Builder
	if header != "" {
		for _, line := range strings.Split(strings.TrimRight(header, "\n"), "\n") {
			b.WriteString(strings.TrimRight("# "+line, " ") + "\n")
		}
	}
	fmt.Fprintf(&b, "name: %s\n", c.Name)
	fmt.Fprintf(&b, "description: %q\n", c.description())
	fmt.Fprintf(&b, "seed: %d\nhorizon: %v\nbudget: %d\n", c.Seed, Horizon, Budget)
	c.writeCluster(&b)
	c.writeConfig(&b)
	c.writePrograms(&b)
	c.writeFaults(&b)
	fmt.Fprintf(&b, "judge:\n  groups: [%s]\n  livenessBound: %v\n  tolerate: [at-least-once]\n  linearTimeout: %v\n",
		ConsumerGroup, LivenessBound, LinearTimeout)
	if len(c.Expect) > 0 {
		b.WriteString("expect:\n")
		props := make([]string, 0, len(c.Expect))
		for p := range c.Expect {
			props = append(props, p)
		}
		slices.Sort(props)
		for _, p := range props {
			fmt.Fprintf(&b, "  %s: %s\n", p, c.Expect[p])
		}
	}
	return []byte(b.String())
}

// Scenario writes the case as a scenario file and parses it back, so that
// what runs is exactly what the file says.
func (c *Case) Scenario() (*scenarios.Scenario, error) {
	return scenarios.Parse(c.Name+".yaml", c.YAML(""))
}

func (c *Case) description() string {
	slaves := len(c.Cluster.Slaves())
	return fmt.Sprintf("generated: %d nameserver(s), %d broker group(s) (%d with a slave), %d fault(s)",
		c.Cluster.NameServers, len(c.Cluster.Groups), slaves, len(c.Faults))
}

// ip gives each host its own address: 10.0.<role>.<n>.
func ip(role, n int) string { return fmt.Sprintf("10.0.%d.%d", role, n+1) }

func (c *Case) writeCluster(b *strings.Builder) {
	b.WriteString("cluster:\n  name: Explore\n  nameservers:\n")
	for i := range c.Cluster.NameServers {
		fmt.Fprintf(b, "    - {host: %s, ip: %s}\n", NameServerHost(i), ip(0, i))
	}
	b.WriteString("  brokers:\n")
	for i, g := range c.Cluster.Groups {
		fmt.Fprintf(b, "    - brokerName: %s\n      master: {host: %s, ip: %s}\n", BrokerName(i), MasterHost(i), ip(1, i))
		if g.Slave {
			fmt.Fprintf(b, "      slave: {host: %s, ip: %s}\n", SlaveHost(i), ip(2, i))
		}
	}
	fmt.Fprintf(b, "  topics:\n    - {name: %s, queues: %d}\n", Topic, c.Cluster.Queues)
	fmt.Fprintf(b, "  clients:\n    - {host: %s, ip: %s}\n", ClientHost, ip(9, 0))
}

func (c *Case) writeConfig(b *strings.Builder) {
	k := c.Config
	b.WriteString("config:\n")
	// The report's consumer reads from the first offset (seed-experiment.md).
	b.WriteString("  consumer.consumeFromWhere: CONSUME_FROM_FIRST_OFFSET\n")
	fmt.Fprintf(b, "  broker.flushDiskType: %s\n", k.FlushDiskType)
	fmt.Fprintf(b, "  broker.brokerRole: %s\n", k.BrokerRole)
	fmt.Fprintf(b, "  producer.sendLatencyFaultEnable: %t\n", k.SendLatencyFaultEnable)
	fmt.Fprintf(b, "  producer.sendMsgTimeout: %v\n", k.SendMsgTimeout)
	fmt.Fprintf(b, "  client.connectTimeoutMillis: %v\n", k.ConnectTimeout)
	fmt.Fprintf(b, "  client.pollNameServerInterval: %v\n", k.PollNameServerInterval)
}

func (c *Case) writePrograms(b *strings.Builder) {
	w := c.Workload
	b.WriteString("programs:\n  producers:\n")
	fmt.Fprintf(b, "    - {name: producer, host: %s, group: %s, topic: %s, tags: TagA, count: %d,\n"+
		"       body: \"m{i}\", interval: %v, mode: sync, onError: %s, start: %v}\n",
		ClientHost, ProducerGroup, Topic, w.Count, w.Interval, w.OnError, seconds(w.ProducerStart))
	b.WriteString("  consumers:\n")
	fmt.Fprintf(b, "    - {name: consumer, host: %s, group: %s, topic: %s, start: %v}\n",
		ClientHost, ConsumerGroup, Topic, seconds(w.ConsumerStart))
}

func (c *Case) writeFaults(b *strings.Builder) {
	if len(c.Faults) == 0 {
		b.WriteString("faults: []\n")
		return
	}
	b.WriteString("faults:\n")
	for _, f := range c.Faults {
		switch f.Kind {
		case Partition, Heal:
			fmt.Fprintf(b, "  - {at: %v, kind: %s, between: [[%s], [%s]]}\n", seconds(f.At), f.Kind, f.Target,
				strings.Join(c.others(f.Target), ", "))
		default:
			fmt.Fprintf(b, "  - {at: %v, kind: %s, target: %s}\n", seconds(f.At), f.Kind, f.Target)
		}
	}
}

// others lists every host but h.
func (c *Case) others(h string) []string {
	var out []string
	for _, x := range c.Cluster.Hosts() {
		if x != h {
			out = append(out, x)
		}
	}
	return out
}

func seconds(s int) time.Duration { return time.Duration(s) * time.Second }
