package sim

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"pgregory.net/rapid"
)

// scenario is a small random world as plain data: rapid draws it, shrinks
// it, and prints it on failure; build turns it into a World.
type scenario struct {
	Hosts    int
	Services []svcSpec
	Faults   []faultSpec
	GiveUp   time.Duration
	Horizon  time.Duration
	Budget   int64
	Spin     bool // add a zero-delay self-rescheduling world event
}

// svcSpec is one service: it serves requests on an executor and polls its
// targets (other services) with calls and one-way sends.
type svcSpec struct {
	Host      int
	Targets   []int
	Period    time.Duration
	FixedRate bool
	Timeout   time.Duration
	Threads   int
	Work      time.Duration
}

type faultKind int

const (
	fKill faultKind = iota
	fStop
	fStart
	fPowerOff
	fPowerOn
	fPartition
	fBlock
	fHeal
	fShutdownOrderly
	fShutdownNetworkFirst
	fLossyLink
	fNetFlap
	numFaultKinds
)

var faultNames = [...]string{"kill", "stop", "start", "power-off", "power-on", "partition",
	"block", "heal", "shutdown-orderly", "shutdown-network-first", "lossy-link", "net-flap"}

func (k faultKind) String() string { return faultNames[k] }

// faultSpec is one fault on the timeline. Svc names a service (kill, stop,
// start); Host and Other name hosts; D is the fault's duration parameter
// (grace, boot delay, power-off delay, flap length).
type faultSpec struct {
	At          time.Duration
	Kind        faultKind
	Svc         int
	Host, Other int
	D           time.Duration
}

func (f faultSpec) String() string {
	return fmt.Sprintf("%v@%v(svc=%d host=%d other=%d d=%v)", f.Kind, f.At, f.Svc, f.Host, f.Other, f.D)
}

func ms(lo, hi int) *rapid.Generator[time.Duration] {
	return rapid.Map(rapid.IntRange(lo, hi), func(n int) time.Duration { return time.Duration(n) * time.Millisecond })
}

// genScenario draws a scenario. Every service polls at least one target;
// with traffic, the run lasts 5 s at least and no fault comes in the first
// 3 s, so every run exchanges messages before anything fails.
func genScenario(traffic bool) *rapid.Generator[scenario] {
	return rapid.Custom(func(t *rapid.T) scenario {
		sc := scenario{Hosts: rapid.IntRange(1, 4).Draw(t, "hosts")}
		n := rapid.IntRange(1, 5).Draw(t, "services")
		for i := 0; i < n; i++ {
			s := svcSpec{
				Host:      rapid.IntRange(0, sc.Hosts-1).Draw(t, "host"),
				Targets:   rapid.SliceOfN(rapid.IntRange(0, n-1), 1, 3).Draw(t, "targets"),
				Period:    ms(50, 1000).Draw(t, "period"),
				FixedRate: rapid.Bool().Draw(t, "fixedRate"),
				Timeout:   ms(1, 3000).Draw(t, "timeout"),
				Threads:   rapid.IntRange(1, 3).Draw(t, "threads"),
				Work:      ms(0, 500).Draw(t, "work"),
			}
			sc.Services = append(sc.Services, s)
		}
		sc.Horizon = ms(1000, 60_000).Draw(t, "horizon")
		first := 0
		if traffic { // polls at 0 (dial) and by 1 s (a call), all before a fault
			sc.Horizon = max(sc.Horizon, 5*time.Second)
			first = 3000
		}
		nf := rapid.IntRange(0, 8).Draw(t, "faults")
		// Fault i falls in the i-th slot of the horizon: rapid's bias to
		// small numbers would otherwise crowd every fault into the start.
		slot := (int(sc.Horizon/time.Millisecond) - first) / max(nf, 1)
		for i := 0; i < nf; i++ {
			sc.Faults = append(sc.Faults, faultSpec{
				At:    time.Duration(first+i*slot)*time.Millisecond + ms(0, slot).Draw(t, "at"),
				Kind:  faultKind(rapid.IntRange(0, int(numFaultKinds)-1).Draw(t, "kind")),
				Svc:   rapid.IntRange(0, n-1).Draw(t, "svc"),
				Host:  rapid.IntRange(0, sc.Hosts-1).Draw(t, "faultHost"),
				Other: rapid.IntRange(0, sc.Hosts-1).Draw(t, "other"),
				D:     ms(0, 5000).Draw(t, "d"),
			})
		}
		sc.GiveUp = ms(1000, 60_000).Draw(t, "giveUp")
		sc.Budget = 1_000_000 // TestProp_RunEndsWithinBudget draws tiny ones

		return sc
	})
}

// build makes the scenario's world. out (optional) receives the trace
// from its first line; observe (optional) sees Now() in every callback.
func build(seed uint64, sc scenario, out io.Writer, observe func(Time)) *World {
	w := NewWorld(Config{Seed: seed, Horizon: sc.Horizon, Budget: sc.Budget})
	if out != nil {
		w.SetTraceWriter(out)
	}
	seen := func() {
		if observe != nil {
			observe(w.Now())
		}
	}
	nc := w.Net().Config()
	nc.GiveUp = sc.GiveUp
	w.Net().SetConfig(nc)
	hosts := make([]*Host, sc.Hosts)
	for i := range hosts {
		hosts[i] = w.AddHost("h" + strconv.Itoa(i))
	}
	addr := func(i int) string { return hosts[sc.Services[i].Host].Name() + ":p" + strconv.Itoa(i) }
	for i, s := range sc.Services {
		hosts[s.Host].AddService("s"+strconv.Itoa(i), func(p *Process) { bootService(p, i, s, addr, seen) })
	}
	for i, s := range sc.Services {
		hosts[s.Host].Start("s" + strconv.Itoa(i))
	}
	for _, f := range sc.Faults {
		w.At(Time(f.At), func() { seen(); applyFault(w, hosts, sc, f) })
	}
	if sc.Spin {
		var spin func()
		spin = func() { seen(); w.At(w.Now(), spin) }
		w.At(0, spin)
	}
	return w
}

func bootService(p *Process, i int, s svcSpec, addr func(int) string, seen func()) {
	work := p.Executor("work", s.Threads)
	p.Listen("p"+strconv.Itoa(i), func(e *End) {
		seen()
		e.Handle(func(in *Inbound) {
			seen()
			if !in.IsRequest() {
				return
			}
			work.Submit("serve", func(done func()) {
				p.After(s.Work, "", func() { seen(); in.Reply(text("pong")); done() })
			})
		}, func(why CloseReason) { seen() })
	})
	ends := make([]*End, len(s.Targets))
	dialing := make([]bool, len(s.Targets))
	poll := func(done func()) {
		seen()
		for k, target := range s.Targets {
			switch {
			case dialing[k]:
			case ends[k] == nil || !ends[k].Active():
				dialing[k] = true
				p.Dial(addr(target), 3*time.Second, func(e *End, err error) {
					seen()
					dialing[k], ends[k] = false, e
				})
			case p.Rand().IntN(3) == 0:
				ends[k].Send(text("note " + strconv.FormatUint(p.Rand().Uint64(), 16)))
			default:
				// A 64-bit draw per message: a run of a single message
				// still differs between seeds.
				ends[k].Call(text("ping "+strconv.FormatUint(p.Rand().Uint64(), 16)), s.Timeout, func(m Message, err error) {
					seen()
					if err != nil {
						p.Trace("result", err.Error())
					}
				})
			}
		}
		done()
	}
	sched := p.Executor("sched", 1)
	if s.FixedRate {
		sched.ScheduleAtFixedRate("poll", 0, s.Period, poll)
	} else {
		sched.ScheduleWithFixedDelay("poll", 0, s.Period, poll)
	}
	p.Every(s.Period*3, s.Period*3, "beat", seen)
}

func applyFault(w *World, hosts []*Host, sc scenario, f faultSpec) {
	h, other := hosts[f.Host], hosts[f.Other]
	sh, svc := hosts[sc.Services[f.Svc].Host], "s"+strconv.Itoa(f.Svc)
	switch f.Kind {
	case fKill:
		sh.Kill(svc)
	case fStop:
		sh.Stop(svc, f.D)
	case fStart:
		sh.Start(svc)
	case fPowerOff:
		h.PowerOff()
	case fPowerOn:
		h.PowerOn(f.D)
	case fPartition:
		w.Net().Partition([]string{h.Name()}, []string{other.Name()})
	case fBlock:
		w.Net().Block(h.Name(), other.Name())
	case fHeal:
		w.Net().Heal()
	case fShutdownOrderly:
		h.ShutdownOrderly(f.D/2, f.D/2)
	case fShutdownNetworkFirst:
		h.ShutdownNetworkFirst(f.D)
	case fLossyLink:
		w.Net().SetLink(h.Name(), other.Name(), Link{Latency: Latency{Min: f.D / 1000, Max: f.D / 500}, Loss: 0.3})
	case fNetFlap:
		h.SetNetUp(false)
		w.At(w.Now().Add(f.D), func() { h.SetNetUp(true) })
	}
}
