package explore

import (
	"fmt"

	"pgregory.net/rapid"
)

// The generators draw every part of a case as explicit data, never an
// opaque seed (LIBRARIES.md §2): lists shrink by dropping elements, small
// integers towards their minimum, choices towards the first entry of
// their list (the 4.8 default). So a failing case shrinks to fewer
// faults, earlier faults, a smaller cluster and the default
// configuration.

// shape says what one property's generator draws: which hosts faults may
// name and with which kinds, how many faults and when, and the ranges of
// the workload's start times.
type shape struct {
	// name prefixes the generated scenarios' names.
	name string
	// targets lists the hosts faults may name, given the cluster.
	targets func(Cluster) []string
	kinds   []FaultKind
	// maxIncidents bounds the schedule's length (each incident is one
	// fault and maybe its recovery).
	maxIncidents int
	// faultWindow is the earliest and latest second an incident may
	// begin, given the workload.
	faultWindow func(Workload) (from, to int)
	// flushDiskTypes and brokerRoles restrict those choices (nil: every
	// choice).
	flushDiskTypes, brokerRoles []string
	// clientStart bounds both programs' start seconds; consumerTo, if
	// set, widens the consumer's to [clientStart[0], consumerTo].
	clientStart [2]int
	consumerTo  int
}

// anyShape draws everything: any fault kind on any server host, any time.
var anyShape = shape{
	name:         "any",
	targets:      serverHosts,
	kinds:        IncidentKinds,
	maxIncidents: 4,
	faultWindow:  func(Workload) (int, int) { return ClusterUp, LastFaultAt },
	// Programs start once the cluster is up; the consumer may start as
	// late as the faults end.
	clientStart: clusterUp,
	consumerTo:  LastFaultAt,
}

// clusterUp is when programs that need a route start (ClusterUp).
var clusterUp = [2]int{ClusterUp, ClusterUp + 25}

// serverHosts are the hosts faults may name: nameservers and brokers.
func serverHosts(c Cluster) []string {
	return append(append(c.NameServerHosts(), c.Masters()...), c.Slaves()...)
}

func clusterGen() *rapid.Generator[Cluster] {
	return rapid.Custom(func(t *rapid.T) Cluster {
		return Cluster{
			NameServers: rapid.IntRange(1, 3).Draw(t, "nameservers"),
			Groups: rapid.SliceOfN(rapid.Custom(func(t *rapid.T) Group {
				return Group{Slave: rapid.Bool().Draw(t, "slave")}
			}), 1, 3).Draw(t, "groups"),
			Queues: rapid.IntRange(1, 4).Draw(t, "queues"),
		}
	})
}

func configGen(flushDiskTypes, brokerRoles []string) *rapid.Generator[Config] {
	if flushDiskTypes == nil {
		flushDiskTypes = FlushDiskTypes
	}
	if brokerRoles == nil {
		brokerRoles = BrokerRoles
	}
	return rapid.Custom(func(t *rapid.T) Config {
		return Config{
			FlushDiskType:          rapid.SampledFrom(flushDiskTypes).Draw(t, "flushDiskType"),
			BrokerRole:             rapid.SampledFrom(brokerRoles).Draw(t, "brokerRole"),
			SendLatencyFaultEnable: rapid.Bool().Draw(t, "sendLatencyFaultEnable"),
			SendMsgTimeout:         rapid.SampledFrom(SendMsgTimeouts).Draw(t, "sendMsgTimeout"),
			ConnectTimeout:         rapid.SampledFrom(ConnectTimeouts).Draw(t, "connectTimeoutMillis"),
			PollNameServerInterval: rapid.SampledFrom(PollNameServerIntervals).Draw(t, "pollNameServerInterval"),
		}
	})
}

// workloadGen draws the programs: a producer of 1–300 messages at one of
// the Intervals (so at most a minute of sending) and a consumer.
func (s shape) workloadGen() *rapid.Generator[Workload] {
	return rapid.Custom(func(t *rapid.T) Workload {
		lo, hi := s.clientStart[0], s.clientStart[1]
		w := Workload{
			ProducerStart: rapid.IntRange(lo, hi).Draw(t, "producerStart"),
			Count:         rapid.IntRange(1, 300).Draw(t, "count"),
			Interval:      rapid.SampledFrom(Intervals).Draw(t, "interval"),
			OnError:       rapid.SampledFrom(OnErrors).Draw(t, "onError"),
		}
		if s.consumerTo > hi {
			hi = s.consumerTo
		}
		w.ConsumerStart = rapid.IntRange(lo, hi).Draw(t, "consumerStart")
		return w
	})
}

// incident is what the schedule generator draws: a fault, the fault that
// undoes it (Recovery(Kind), Delay seconds later), or both. The schedule
// is the incidents' faults flattened into one list in time order.
// Shrinking drops whole incidents, turns "both" into the fault alone or
// the recovery alone (a kill and its restart become one graceful
// restart), and moves faults earlier and recoveries sooner.
type incident struct {
	Fault
	// Form is 0 for the fault alone, 1 for its recovery alone (a
	// graceful restart after a kill; a power-on or heal of a host that
	// is up does nothing), 2 or 3 for both (so half the recoverable
	// incidents recover).
	Form  int
	Delay int
}

func (s shape) incidentGen(hosts []string, from, to int) *rapid.Generator[incident] {
	return rapid.Custom(func(t *rapid.T) incident {
		in := incident{Fault: Fault{
			At:     rapid.IntRange(from, to).Draw(t, "at"),
			Target: rapid.SampledFrom(hosts).Draw(t, "target"),
			Kind:   rapid.SampledFrom(s.kinds).Draw(t, "kind"),
		}}
		if Recovery(in.Kind) != "" {
			in.Form = rapid.IntRange(0, 3).Draw(t, "form")
		}
		if in.Form > 0 {
			in.Delay = rapid.IntRange(MinRecoveryDelay, MaxRecoveryDelay).Draw(t, "delay")
		}
		return in
	})
}

// faults flattens the incident.
func (in incident) faults() []Fault {
	recovery := Fault{At: in.At + in.Delay, Target: in.Target, Kind: Recovery(in.Kind)}
	switch in.Form {
	case 0:
		return []Fault{in.Fault}
	case 1:
		return []Fault{recovery}
	}
	return []Fault{in.Fault, recovery}
}

// scheduleGen draws up to maxIncidents incidents on the given hosts between
// from and to seconds and flattens them into a schedule in time order.
func (s shape) scheduleGen(hosts []string, from, to int) *rapid.Generator[[]Fault] {
	to = max(to, from)
	return rapid.Custom(func(t *rapid.T) []Fault {
		var fs []Fault
		for _, in := range rapid.SliceOfN(s.incidentGen(hosts, from, to), 0, s.maxIncidents).Draw(t, "incidents") {
			fs = append(fs, in.faults()...)
		}
		SortFaults(fs)
		return fs
	})
}

// caseGen draws a whole case of the shape.
func (s shape) caseGen() *rapid.Generator[*Case] {
	return rapid.Custom(func(t *rapid.T) *Case {
		c := &Case{Seed: 1}
		c.Cluster = clusterGen().Draw(t, "cluster")
		c.Config = configGen(s.flushDiskTypes, s.brokerRoles).Draw(t, "config")
		c.Workload = s.workloadGen().Draw(t, "workload")
		if hosts := s.targets(c.Cluster); len(hosts) > 0 {
			from, to := s.faultWindow(c.Workload)
			c.Faults = s.scheduleGen(hosts, from, to).Draw(t, "schedule")
		}
		// The simulation's root seed (network latencies, the clients'
		// nameserver and queue choices, ...): one of 64, shrinking to 1.
		c.Seed = rapid.Uint64Range(1, 64).Draw(t, "seed")
		c.Name = fmt.Sprintf("%s-%d", s.name, c.Seed)
		return c
	})
}

// clientsStarted is the second both programs have started by.
func clientsStarted(w Workload) int { return max(w.ProducerStart, w.ConsumerStart) }

// duringWorkload is the window of incidents that hit the producer's
// sends and the ten seconds after them, which ASYNC_FLUSH may not have
// flushed yet (flushCommitLogThoroughInterval, §5.9).
func duringWorkload(w Workload) (int, int) {
	return w.ProducerStart, min(w.ProducerStart+w.SendWindow()+10, LastFaultAt)
}
