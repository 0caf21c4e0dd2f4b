package report

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"rmqsim/explain"
	"rmqsim/history"
)

// The readings of one run's evidence that the conclusions and the outage
// lines are written from (NewRun keeps their results in the Run).

// e2Unaffected reports whether every message of step E2 (one nameserver
// down) was acknowledged and consumed.
func e2Unaffected(ev *evidence) bool {
	s := ev.step("E2")
	return s != nil && s.Messages.SendFailed == 0 && s.Messages.NeverSent == 0 &&
		s.Messages.SendOK == s.Messages.Intended && s.Messages.ConsumedUnique >= s.Messages.SendOK
}

// routeSource says which nameserver the step's producer got its route
// from, as the history records it.
func routeSource(ev *evidence, step string) string {
	w := ev.stepWindow(step)
	for _, rec := range ev.h.AllOf(history.RouteRefresh) {
		r := &rec
		if r.Kind == history.RouteRefresh && w.contains(r.At) && r.Status == "SUCCESS" && ev.isProducer(r.Proc) {
			return fmt.Sprintf("the %s producer got its route from %s at %s", step, hostOnly(r.NameServer), clock(r.At))
		}
	}
	return "a client that cannot reach one nameserver tries the next in its list"
}

// isProducer reports whether proc ever called send().
func (ev *evidence) isProducer(proc string) bool {
	for _, rec := range ev.h.AllOf(history.SendCall) {
		if r := &rec; r.Kind == history.SendCall && r.Proc == proc {
			return true
		}
	}
	return false
}

func hostOnly(addr string) string {
	host, _, _ := strings.Cut(addr, ":")
	return host
}

// oneDownFailure explains a run where E2 was affected, by the most common
// cause among E2's messages that were not consumed once.
func oneDownFailure(ev *evidence) string {
	s := ev.step("E2")
	if s == nil {
		return "the run has no step E2"
	}
	cause, n := topCause(ev.messagesOf("E2"))
	text := fmt.Sprintf("E2 acknowledged %s of %s messages (%s send() failures, %s never sent, %s consumed)",
		num(s.Messages.SendOK), num(s.Messages.Intended), num(s.Messages.SendFailed), num(s.Messages.NeverSent),
		num(s.Messages.ConsumedUnique))
	if cause != "" {
		text += fmt.Sprintf("; the cause of %s of them: %s", num(n), cause)
	}
	if strings.Contains(cause, "timeout") {
		text += ". A nameserver whose host black-holes packets makes a new client's connect wait the full 3 s, " +
			"and that wait counts against the route query's own 3 s timeout, so the call fails although the other " +
			"nameserver is up (§3.4, §3.5)"
	}
	return text
}

// topCause is the most frequent cause among messages not consumed once.
func topCause(msgs []*explain.MessageFate) (string, int) {
	counts := map[string]int{}
	for _, m := range msgs {
		if m.Fate != explain.ConsumedOnce {
			counts[string(m.Fate)+": "+m.Cause]++
		}
	}
	best, n := "", 0
	for _, k := range slices.Sorted(maps.Keys(counts)) {
		if counts[k] > n {
			best, n = k, counts[k]
		}
	}
	return best, n
}

// topLostCause is the most frequent cause of acknowledged messages that
// were not consumed, "" if there were none.
func topLostCause(ev *evidence) string {
	var msgs []*explain.MessageFate
	for i := range ev.exp.Messages {
		if m := &ev.exp.Messages[i]; m.Fate == explain.AckedNotConsumed || m.Fate == explain.AckedThenLost {
			msgs = append(msgs, m)
		}
	}
	cause, n := topCause(msgs)
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%s (%s)", cause, num(n))
}

// consoleBlankDuringOutage reports whether every console view during the
// outage was blank (and there was at least one).
func consoleBlankDuringOutage(ev *evidence) bool {
	n := 0
	for _, v := range ev.timeline.Dashboard {
		if ev.outage.contains(v.At) {
			if !v.Blank {
				return false
			}
			n++
		}
	}
	return n > 0
}

// outageSummary tells the all-nameservers-down span and its traffic.
func outageSummary(ev *evidence) string {
	if !ev.outage.ok {
		return "no moment with every nameserver down."
	}
	end := "until the end of the run"
	if ev.outage.to < ev.timeline.Horizon {
		end = "until " + clock(ev.outage.to)
	}
	return fmt.Sprintf("every nameserver down from %s %s; meanwhile %s messages acknowledged, %s send() failures, "+
		"%s deliveries; after it, %s acknowledged and %s delivered.", clock(ev.outage.from), end,
		num(ev.during.acked), num(ev.during.failed), num(ev.during.delivered), num(ev.after.acked), num(ev.after.delivered))
}
