package metrics

import (
	"maps"
	"slices"
	"strings"
	"time"

	"rmqsim/history"
	"rmqsim/scenarios"
	"rmqsim/stats"
)

// sendOK is the status of an acknowledged send (facts §4.2).
const sendOK = "SEND_OK"

// Of computes every metric of a run that is not a detail, and the
// detail metrics named in extra (others in extra are ignored: a name
// is checked by Lookup where it is read from a file).
func Of(res *scenarios.Result, extra ...string) Set {
	m := Set{}
	c := res.Messages
	m["runs.send_threw"] = yes(false)
	m["runs.never_sent"] = yes(c.NeverSent > 0)
	m["runs.lost_acked"] = yes(c.LostAcked > 0)
	m["runs.duplicates"] = yes(c.Duplicates > 0)
	m["messages.send_ok"] = num(float64(c.SendOK))
	m["messages.send_failed"] = num(float64(c.SendFailed))
	m["messages.never_sent"] = num(float64(c.NeverSent))
	m["messages.lost_acked"] = num(float64(c.LostAcked))
	m["messages.duplicates"] = num(float64(c.Duplicates))
	m["messages.consumed"] = num(float64(c.ConsumedUnique))
	for _, p := range res.Spec.Programs.Producers {
		m["programs."+p.Name+".send_threw"] = yes(false)
	}
	for p, v := range res.Verdicts {
		m["verdicts."+p+".fail"] = yes(v == "fail")
		m["verdicts."+p+".unknown"] = yes(v == "unknown")
	}
	scan(res, m)
	for _, s := range res.Steps {
		pre := "steps." + s.Name + "."
		sm := s.Messages
		m[pre+"intended"] = num(float64(sm.Intended))
		m[pre+"send_ok"] = num(float64(sm.SendOK))
		m[pre+"send_failed"] = num(float64(sm.SendFailed))
		m[pre+"never_sent"] = num(float64(sm.NeverSent))
		m[pre+"lost_acked"] = num(float64(sm.LostAcked))
		m[pre+"duplicates"] = num(float64(sm.Duplicates))
		m[pre+"consumed"] = num(float64(sm.ConsumedUnique))
		if _, ok := m[pre+"send_threw"]; !ok {
			m[pre+"send_threw"] = yes(false)
		}
	}
	details(res, extra, m)
	return m
}

// producerRun is one incarnation of a producer program, for stalls.
type producerRun struct {
	start, last, stall time.Duration
}

// scan reads the history once for the metrics the counters do not give.
func scan(res *scenarios.Result, m Set) {
	end := time.Duration(res.SimTimeMs) * time.Millisecond
	calls := map[[2]string]time.Duration{} // (proc, key) → send() call time
	var lat []float64
	running := map[string]*producerRun{}
	var stall time.Duration
	anyProducer := false
	firstFault, lastFault := time.Duration(-1), time.Duration(-1)
	firstOKAfter, lastDelivery := time.Duration(-1), time.Duration(-1)
	// Per started step, the distinct messages acknowledged and delivered
	// inside its window [start, end).
	ackedIn := map[string]map[string]bool{}
	deliveredIn := map[string]map[string]bool{}
	for _, s := range res.Steps {
		if s.Started {
			ackedIn[s.Name], deliveredIn[s.Name] = map[string]bool{}, map[string]bool{}
		}
	}
	inWindows := func(at time.Duration, into map[string]map[string]bool, key string) {
		for _, s := range res.Steps {
			if s.Started && at.Milliseconds() >= s.StartMs && at.Milliseconds() < s.EndMs {
				into[s.Name][key] = true
			}
		}
	}
	closeRun := func(proc string, at time.Duration) {
		if r := running[proc]; r != nil {
			stall = max(stall, r.stall, at-r.last)
			delete(running, proc)
		}
	}
	// Only the kinds the switch reads are decoded: pulls, stored copies
	// and offsets, most of a run's records, are skipped unread.
	for _, rec := range res.History.AllOf(history.ClientStart, history.ProgramExit, history.ProcExit,
		history.SendCall, history.SendReturn, history.Fault, history.Deliver) {
		r := &rec
		switch r.Kind {
		case history.ClientStart:
			if r.Detail == "producer" {
				anyProducer = true
				closeRun(r.Proc, r.At)
				running[r.Proc] = &producerRun{start: r.At, last: r.At}
			}
		case history.ProgramExit, history.ProcExit:
			closeRun(r.Proc, r.At)
		case history.SendCall:
			calls[[2]string{r.Proc, r.Key}] = r.At
		case history.SendReturn:
			k := [2]string{r.Proc, r.Key}
			if t, ok := calls[k]; ok {
				lat = append(lat, ms(r.At-t))
				delete(calls, k)
			}
			if r.Err != "" {
				m["runs.send_threw"] = yes(true)
				m["programs."+program(r.Proc)+".send_threw"] = yes(true)
				for _, s := range res.Steps {
					if s.Started && r.At.Milliseconds() >= s.StartMs && r.At.Milliseconds() < s.EndMs {
						m["steps."+s.Name+".send_threw"] = yes(true)
					}
				}
			}
			if r.Status == sendOK {
				inWindows(r.At, ackedIn, r.Key)
				if pr := running[r.Proc]; pr != nil {
					pr.stall = max(pr.stall, r.At-pr.last)
					pr.last = r.At
				}
				if firstFault >= 0 && firstOKAfter < 0 {
					firstOKAfter = r.At
				}
			}
		case history.Fault:
			if firstFault < 0 {
				firstFault = r.At
			}
			lastFault = r.At
		case history.Deliver:
			lastDelivery = r.At
			inWindows(r.At, deliveredIn, r.Key)
		}
	}
	for _, s := range res.Steps {
		pre := "steps." + s.Name + "."
		m[pre+"acked_in"], m[pre+"delivered_in"] = undefined, undefined
		if s.Started {
			m[pre+"acked_in"] = num(float64(len(ackedIn[s.Name])))
			m[pre+"delivered_in"] = num(float64(len(deliveredIn[s.Name])))
		}
	}
	for _, proc := range slices.Sorted(maps.Keys(running)) {
		closeRun(proc, end)
	}
	m["stall.longest_ms"] = undefined
	if anyProducer {
		m["stall.longest_ms"] = num(ms(stall))
	}
	m["send_latency.p50_ms"], m["send_latency.p99_ms"], m["send_latency.max_ms"] = undefined, undefined, undefined
	if len(lat) > 0 {
		slices.Sort(lat)
		m["send_latency.p50_ms"] = num(stats.Quantile(lat, 0.5))
		m["send_latency.p99_ms"] = num(stats.Quantile(lat, 0.99))
		m["send_latency.max_ms"] = num(lat[len(lat)-1])
	}
	m["recovery.fault_to_send_ok_ms"] = undefined
	if firstOKAfter >= 0 {
		m["recovery.fault_to_send_ok_ms"] = num(ms(firstOKAfter - firstFault))
	}
	heal := lastFault
	if res.HealAt > 0 {
		heal = res.HealAt
	}
	m["recovery.heal_to_last_delivery_ms"] = undefined
	if firstFault >= 0 && lastDelivery >= 0 {
		m["recovery.heal_to_last_delivery_ms"] = num(ms(max(0, lastDelivery-heal)))
	}
}

// ms is a duration in milliseconds with microsecond resolution.
func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// program is a program's name from its process name "host/program".
func program(proc string) string {
	_, p, ok := strings.Cut(proc, "/")
	if !ok {
		return proc
	}
	return p
}
