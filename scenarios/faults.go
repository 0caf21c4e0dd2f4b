package scenarios

import (
	"fmt"
	"strings"
	"time"

	"rmqsim/history"
	"rmqsim/sim"
)

// apply records a fault (history.Fault: Detail starts with the kind,
// Target is the host, "host/service", or "a,b|c,d" for network faults)
// and then performs it on the world, so the records it causes come after
// it.
func (t *timeline) apply(f *Fault) {
	net := t.env.Cfg.Net
	grace := durationOr(f.Grace, net.ShutdownGrace)
	powerOff := durationOr(f.PowerOffDelay, net.PowerOffDelay)
	rec := history.Record{Kind: history.Fault, Target: f.Target, Detail: f.Kind}
	var act func()
	switch f.Kind {
	case "kill":
		act = func() { t.services(f.Target, true, func(h *sim.Host, svc string) { h.Kill(svc) }) }
	case "stop":
		rec.Detail = fmt.Sprintf("stop grace=%v", grace)
		act = func() { t.services(f.Target, true, func(h *sim.Host, svc string) { h.Stop(svc, grace) }) }
	case "start":
		act = func() { t.services(f.Target, false, func(h *sim.Host, svc string) { t.startService(h.Name(), svc) }) }
	case "restart":
		rec.Detail = fmt.Sprintf("restart grace=%v", grace)
		act = func() { t.services(f.Target, false, func(h *sim.Host, svc string) { t.restart(h, svc, grace) }) }
	case "power-off":
		act = t.w.Host(f.Target).PowerOff
	case "power-on":
		boot := durationOr(f.Boot, net.BootTime)
		rec.Detail = fmt.Sprintf("power-on boot=%v", boot)
		act = func() { t.w.Host(f.Target).PowerOn(boot) }
	case "shutdown-orderly":
		rec.Detail = fmt.Sprintf("shutdown-orderly grace=%v power-off-delay=%v", grace, powerOff)
		act = func() { t.w.Host(f.Target).ShutdownOrderly(grace, powerOff) }
	case "shutdown-network-first":
		rec.Detail = fmt.Sprintf("shutdown-network-first power-off-delay=%v", powerOff)
		act = func() { t.w.Host(f.Target).ShutdownNetworkFirst(powerOff) }
	default:
		rec, act = t.networkFault(f)
	}
	t.env.Rec.Add(rec)
	act()
}

// networkFault handles partition, heal, block, link and link-reset.
func (t *timeline) networkFault(f *Fault) (history.Record, func()) {
	n := t.w.Net()
	rec := history.Record{Kind: history.Fault, Detail: f.Kind, Target: f.From + "|" + f.To}
	pairs := [][2]string{{f.From, f.To}}
	if f.Both {
		pairs = append(pairs, [2]string{f.To, f.From})
		rec.Detail += " both ways"
	}
	switch f.Kind {
	case "partition":
		rec.Target = groups(f.Between)
		return rec, func() { n.Partition(f.Between[0], f.Between[1]) }
	case "heal":
		if f.Between == nil {
			rec.Target = "network"
			return rec, n.Heal
		}
		rec.Target = groups(f.Between)
		return rec, func() { n.HealBetween(f.Between[0], f.Between[1]) }
	case "block":
		rec.Detail = "block " + f.From + "->" + f.To + " (one way)"
		return rec, func() { n.Block(f.From, f.To) }
	case "link":
		l := sim.Link{Latency: sim.Latency{Min: t.env.Cfg.Net.LatencyMin, Max: t.env.Cfg.Net.LatencyMax}, Loss: f.Loss}
		if f.Latency != nil {
			l.Latency = sim.Latency{Min: f.Latency.Min, Max: f.Latency.Max}
		}
		// The first word names what the link change does (delay or loss).
		word := "delay"
		if f.Latency == nil {
			word = "loss"
		}
		rec.Detail = fmt.Sprintf("%s latency=%v..%v loss=%g", word, l.Latency.Min, l.Latency.Max, l.Loss) +
			strings.TrimPrefix(rec.Detail, "link")
		return rec, func() {
			for _, p := range pairs {
				n.SetLink(p[0], p[1], l)
			}
		}
	case "link-reset":
		rec.Detail = "link reset" + strings.TrimPrefix(rec.Detail, "link-reset")
		return rec, func() {
			for _, p := range pairs {
				n.ResetLink(p[0], p[1])
			}
		}
	}
	panic("scenarios: fault kind not handled: " + f.Kind) // validate refuses unknown kinds
}

// services calls fn for the target's service, or for every service of a
// target host (in reverse start order when stopping).
func (t *timeline) services(target string, reverse bool, fn func(h *sim.Host, svc string)) {
	host, svc := splitTarget(target)
	h := t.w.Host(host)
	if svc != "" {
		fn(h, svc)
		return
	}
	names := h.Services()
	for i := range names {
		if reverse {
			fn(h, names[len(names)-1-i])
		} else {
			fn(h, names[i])
		}
	}
}

// restart stops the service gracefully and starts it again once its
// process has exited (at once if none runs).
func (t *timeline) restart(h *sim.Host, svc string, grace time.Duration) {
	p := h.Proc(svc)
	if p == nil || !p.Alive() {
		t.startService(h.Name(), svc)
		return
	}
	p.OnExit(func() { t.w.At(t.w.Now(), func() { t.startService(h.Name(), svc) }) })
	h.Stop(svc, grace)
}

func groups(between [][]string) string {
	return strings.Join(between[0], ",") + "|" + strings.Join(between[1], ",")
}

func durationOr(d *Duration, def time.Duration) time.Duration {
	if d == nil {
		return def
	}
	return d.D()
}
