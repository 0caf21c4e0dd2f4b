package cluster

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"rmqsim/history"
	"rmqsim/model"
	"rmqsim/model/client"
)

// Helpers shared by the §5–§8 conformance tests: trace scanning, broker
// phase shifts, a second client host, and queue ownership.

// received lists when proc received a message whose trace line contains
// every one of parts, within [from, to).
func received(trace *bytes.Buffer, proc string, from, to time.Duration, parts ...string) []time.Duration {
	var out []time.Duration
	for _, line := range strings.Split(trace.String(), "\n") {
		f := strings.Fields(line)
		if len(f) < 3 || f[1] != "recv" || f[2] != proc {
			continue
		}
		match := true
		for _, p := range parts {
			match = match && strings.Contains(line, p)
		}
		if !match {
			continue
		}
		if d, ok := traceTime(f[0]); ok && d >= from && d < to {
			out = append(out, d)
		}
	}
	return out
}

func traceTime(s string) (time.Duration, bool) {
	t, err := time.Parse("15:04:05.000000", s)
	if err != nil {
		return 0, false
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute +
		time.Duration(t.Second())*time.Second + time.Duration(t.Nanosecond()), true
}

// registrations lists when nameserver host received REGISTER_BROKER from
// brokerName's brokerId id.
func registrations(trace *bytes.Buffer, nsHost, brokerName, id string, from, to time.Duration) []time.Duration {
	return received(trace, nsHost+"/"+ServiceNamesrv, from, to, "REGISTER_BROKER", "broker="+brokerName+" ", "id="+id+" ")
}

// shiftBroker kills the master and slave of a broker group at d and
// starts them again at once: the group's registrations then run on the
// phase d+1 s + k·30 s (after its 10 s first period), not the others'
// (facts §2.1, §10.4).
func (r *tr) shiftBroker(brokerName string, d time.Duration) {
	r.at(d, func() {
		for _, g := range r.env.Cluster.Brokers {
			if g.BrokerName != brokerName {
				continue
			}
			hosts := []string{g.Master.Host}
			if g.Slave != nil {
				hosts = append(hosts, g.Slave.Host)
			}
			for _, h := range hosts {
				r.c.Kill(h, ServiceBroker)
				r.w.Host(h).Start(ServiceBroker)
			}
		}
	})
}

// secondClient adds client02 (172.16.7.2) as a client host.
func secondClient(_ *model.Config, cs *model.ClusterSpec) {
	cs.ClientHosts = append(cs.ClientHosts, model.NodeSpec{Host: "client02", IP: "172.16.7.2"})
}

// on moves a consumer program spec to another client host.
func on(host string, s model.ConsumerProgramSpec) model.ConsumerProgramSpec {
	s.Host = host
	return s
}

// owned is the topic's queues a consumer program holds now.
func (r *tr) owned(name string) map[client.MessageQueue]bool {
	return ownedTopicQueues(r.c.Consumers[name].Consumer())
}

// brokersOf counts queues per broker.
func brokersOf(qs map[client.MessageQueue]bool) map[string]int {
	out := map[string]int{}
	for q := range qs {
		out[q.BrokerName]++
	}
	return out
}

// duplicates lists the keys delivered more than once to the programs.
func (r *tr) duplicates(procs ...string) []string {
	n := map[string]int{}
	for _, p := range procs {
		for k, c := range r.delivered(p) {
			n[k] += c
		}
	}
	var out []string
	for k, c := range n {
		if c > 1 {
			out = append(out, k)
		}
	}
	return out
}

// routeNames lists the brokers of a RouteRefresh record's route summary.
func routeNames(rec history.Record) []string {
	var out []string
	for _, part := range strings.Split(rec.Route, "; ") {
		if f := strings.Fields(part); len(f) > 0 {
			out = append(out, f[0])
		}
	}
	return out
}

// every runs fn at from, from+step, … before to.
func (r *tr) every(from, to, step time.Duration, fn func(at time.Duration)) {
	for d := from; d < to; d += step {
		d := d
		r.at(d, func() { fn(d) })
	}
}

// expect fails the test with msg unless ok.
func expect(t *testing.T, ok bool, format string, args ...any) {
	t.Helper()
	if !ok {
		t.Errorf(format, args...)
	}
}
