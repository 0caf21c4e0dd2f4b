package report

import (
	"fmt"
	"strings"

	"rmqsim/explain"
	"rmqsim/history"
)

// conclusion is the report's verdict on one of the field report's
// conclusions: a label chosen from the runs' evidence and paragraphs
// giving the mechanism and the numbers behind it.
type conclusion struct {
	claim   string
	verdict string
	body    []string
}

// Verdict labels.
const (
	verdictHolds      = "holds"
	verdictPartly     = "holds only in part"
	verdictWrong      = "does not hold"
	verdictDifferent  = "sound, for a different reason"
	verdictNewClients = "holds only for clients with no route yet"
	verdictUntested   = "not tested by these runs"
)

// conclusions judges the four conclusions against every variant's run.
func conclusions(evs []*evidence) []conclusion {
	c1 := conclusionOneDown(evs)
	c2 := conclusionAllDown(evs)
	c3 := conclusionRecovery(evs)
	return []conclusion{c1, c2, c3, conclusionAdvice(evs, c2)}
}

// names joins the names of the variants sub of all ("every variant" when
// sub is all of them).
func names(sub, all []*evidence) string {
	if len(sub) == len(all) && len(all) > 1 {
		return "every variant"
	}
	var out []string
	for _, ev := range sub {
		out = append(out, "`"+ev.res.Variant+"`")
	}
	return joinAnd(out)
}

func joinAnd(words []string) string {
	switch len(words) {
	case 0:
		return "none"
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// split partitions the variants by a predicate.
func split(evs []*evidence, pred func(*evidence) bool) (yes, no []*evidence) {
	for _, ev := range evs {
		if pred(ev) {
			yes = append(yes, ev)
		} else {
			no = append(no, ev)
		}
	}
	return yes, no
}

// conclusionOneDown: "When one nameserver is down, sending and consuming
// are not affected" — read from step E2.
func conclusionOneDown(evs []*evidence) conclusion {
	c := conclusion{claim: "1. When one nameserver is down, sending and consuming are not affected."}
	ok, bad := split(evs, e2Unaffected)
	switch {
	case len(bad) == 0:
		c.verdict = verdictHolds
	case len(ok) == 0:
		c.verdict = verdictWrong
	default:
		c.verdict = verdictPartly
	}
	if len(ok) > 0 {
		ev := ok[0]
		s := ev.step("E2")
		c.body = append(c.body, fmt.Sprintf("In %s, all %d of E2's messages were acknowledged and %d consumed while nameserver02 was down. "+
			"Every broker registers with every nameserver (§2.1), so the surviving nameserver01 holds the whole route; "+
			"%s (§3.4). Running clients do not even need it: they send and pull from their cached routes (§4.2, §6).",
			names(ok, evs), s.Messages.Intended, s.Messages.ConsumedUnique, routeSource(ev, "E2")))
	}
	for _, ev := range bad {
		c.body = append(c.body, oneDownFailure(ev))
	}
	return c
}

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
	for i := range ev.h.Records {
		r := &ev.h.Records[i]
		if r.Kind == history.RouteRefresh && w.contains(r.At) && r.Status == "SUCCESS" && ev.isProducer(r.Proc) {
			return fmt.Sprintf("the %s producer got its route from %s at %s", step, hostOnly(r.NameServer), clock(r.At))
		}
	}
	return "a client that cannot reach one nameserver tries the next in its list"
}

// isProducer reports whether proc ever called send().
func (ev *evidence) isProducer(proc string) bool {
	for i := range ev.h.Records {
		if r := &ev.h.Records[i]; r.Kind == history.SendCall && r.Proc == proc {
			return true
		}
	}
	return false
}

func hostOnly(addr string) string {
	host, _, _ := strings.Cut(addr, ":")
	return host
}

// oneDownFailure explains a variant where E2 was affected, by the most
// common cause among E2's messages that were not consumed once.
func oneDownFailure(ev *evidence) string {
	s := ev.step("E2")
	if s == nil {
		return fmt.Sprintf("`%s` has no step E2.", ev.res.Variant)
	}
	cause, n := topCause(ev.messagesOf("E2"))
	text := fmt.Sprintf("In `%s`, E2 acknowledged %d of %d messages (%d send() failures, %d never sent, %d consumed)",
		ev.res.Variant, s.Messages.SendOK, s.Messages.Intended, s.Messages.SendFailed, s.Messages.NeverSent, s.Messages.ConsumedUnique)
	if cause != "" {
		text += fmt.Sprintf("; the cause of %d of them: %s", n, cause)
	}
	if strings.Contains(cause, "timeout") {
		text += ". A nameserver whose host black-holes packets makes a new client's connect wait the full 3 s, " +
			"and that wait counts against the route query's own 3 s timeout, so the call fails although the other " +
			"nameserver is up (§3.4, §3.5)"
	}
	return text + "."
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
	for _, k := range sortedKeys(counts) {
		if counts[k] > n {
			best, n = k, counts[k]
		}
	}
	return best, n
}

// conclusionAllDown: "When all nameservers are down, messages can be
// neither sent nor consumed" — read from the span during which every
// nameserver was down. Each half is refuted by traffic in that span,
// confirmed by a client that had work and could not do it, and left
// untested where no client had anything to do.
func conclusionAllDown(evs []*evidence) conclusion {
	c := conclusion{claim: "2. When all nameservers are down, messages can be neither sent nor consumed."}
	withOutage, _ := split(evs, func(ev *evidence) bool { return ev.outage.ok })
	if len(withOutage) == 0 {
		c.verdict = verdictUntested
		c.body = []string{"No run had every nameserver down at once, so the claim could not be tested."}
		return c
	}
	sent, _ := split(withOutage, func(ev *evidence) bool { return ev.during.acked > 0 })
	consumed, _ := split(withOutage, func(ev *evidence) bool { return ev.during.delivered > 0 })
	blockedSend, _ := split(withOutage, func(ev *evidence) bool { return ev.during.failed > ev.during.failedUncached })
	newOnly, _ := split(withOutage, func(ev *evidence) bool { return ev.during.failedUncached > 0 })
	blockedConsume, _ := split(withOutage, func(ev *evidence) bool { return ev.during.waiting > 0 && ev.during.delivered == 0 })
	refuted := len(sent)+len(consumed) > 0
	confirmed := len(blockedSend)+len(blockedConsume) > 0
	switch {
	case refuted && (confirmed || len(newOnly) > 0):
		c.verdict = verdictPartly
	case refuted:
		c.verdict = verdictWrong
	case len(blockedSend) > 0 && len(blockedConsume) > 0:
		c.verdict = verdictHolds
	case len(newOnly) > 0 || confirmed:
		c.verdict = verdictNewClients
	default:
		c.verdict = verdictUntested
	}
	c.body = append(c.body, allDownFlowed(sent, consumed)...)
	c.body = append(c.body, allDownBlocked(blockedSend, newOnly, blockedConsume)...)
	if idle, _ := split(withOutage, func(ev *evidence) bool { return ev.during.waiting == 0 }); len(idle) > 0 {
		c.body = append(c.body, fmt.Sprintf("In %s no acknowledged message was waiting for a consumer during the outage, "+
			"so those runs say nothing about consumption with every nameserver down.", names(idle, evs)))
	}
	if blank := consoleBlankDuringOutage(withOutage); len(blank) > 0 {
		c.body = append(c.body, fmt.Sprintf("In %s the console showed nothing for the whole outage, whatever the programs did: "+
			"every page of the dashboard reads through a nameserver (§7). A count read from the console says nothing "+
			"about whether messages flowed.", names(blank, evs)))
	}
	return c
}

// allDownFlowed: variants where traffic went on through the outage.
func allDownFlowed(sent, consumed []*evidence) []string {
	var out []string
	if len(sent) > 0 {
		var parts []string
		for _, ev := range sent {
			parts = append(parts, fmt.Sprintf("`%s` %d", ev.res.Variant, ev.during.acked))
		}
		out = append(out, fmt.Sprintf("Messages acknowledged while every nameserver was down: %s. A producer that already has "+
			"the topic's publish info sends without asking any nameserver (§4.2), and the brokers keep serving (§6).",
			strings.Join(parts, ", ")))
	}
	if len(consumed) > 0 {
		var parts []string
		for _, ev := range consumed {
			parts = append(parts, fmt.Sprintf("`%s` %d", ev.res.Variant, ev.during.delivered))
		}
		out = append(out, fmt.Sprintf("Messages delivered to the listener during the outage: %s. A consumer that was running "+
			"keeps its routes, its membership (held by the brokers) and its queues, so it keeps pulling and committing (§6).",
			strings.Join(parts, ", ")))
	}
	return out
}

// allDownBlocked: variants where a client had work and could not do it.
func allDownBlocked(blockedSend, newOnly, blockedConsume []*evidence) []string {
	var out []string
	if len(newOnly) > 0 {
		var parts []string
		for _, ev := range newOnly {
			parts = append(parts, fmt.Sprintf("`%s` %d", ev.res.Variant, ev.during.failedUncached))
		}
		text := fmt.Sprintf("Calls to send() that failed during the outage for want of a cached route: %s. A producer with "+
			"no route must ask a nameserver before its first send, and with none answering send() throws (§4.2)",
			strings.Join(parts, ", "))
		if m := newOnly[0].exp.Message(newOnly[0].during.firstFailed); m != nil {
			text += fmt.Sprintf(". In `%s`, for instance, `%s`: %s", newOnly[0].res.Variant, m.Key, m.Reason)
		}
		out = append(out, text+".")
	}
	for _, ev := range blockedSend {
		out = append(out, fmt.Sprintf("In `%s`, %d send() calls of a producer that had a route failed during the outage.",
			ev.res.Variant, ev.during.failed-ev.during.failedUncached))
	}
	for _, ev := range blockedConsume {
		text := fmt.Sprintf("In `%s`, %d acknowledged messages waited through the outage and none was delivered",
			ev.res.Variant, ev.during.waiting)
		if n := ev.messagesWithCode("consumer-owns-no-queues"); n > 0 {
			text += "; the consumer started during it never got a route, so no broker knew it and it owned no queues (§5.1, §6)"
		}
		out = append(out, text+".")
	}
	return out
}

// consoleBlankDuringOutage lists variants whose console views during the
// outage were all blank (and there was at least one).
func consoleBlankDuringOutage(evs []*evidence) []*evidence {
	blank, _ := split(evs, func(ev *evidence) bool {
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
	})
	return blank
}

// conclusionRecovery: "When the nameserver cluster recovers, part of the
// traffic resumes, and some messages are lost."
func conclusionRecovery(evs []*evidence) conclusion {
	c := conclusion{claim: "3. When the nameserver cluster recovers, part of the traffic resumes, and some messages are lost."}
	lostAcked, noneLost := split(evs, func(ev *evidence) bool { return ev.res.Messages.LostAcked > 0 })
	resumed, _ := split(evs, func(ev *evidence) bool { return ev.outage.ok && ev.after.delivered > 0 })
	switch {
	case len(noneLost) == 0:
		c.verdict = verdictHolds
	case len(lostAcked) == 0 && len(resumed) == 0:
		c.verdict = verdictWrong
	default:
		c.verdict = verdictPartly
	}
	if len(resumed) > 0 {
		var parts []string
		for _, ev := range resumed {
			parts = append(parts, fmt.Sprintf("`%s` %d", ev.res.Variant, ev.after.delivered))
		}
		c.body = append(c.body, fmt.Sprintf("Deliveries after a nameserver returned: %s. A consumer that had no route gets one "+
			"within a route poll (30 s) of the nameserver's return, heartbeats, and owns its queues at the next rebalance (§3.1, §5.2, §6).",
			strings.Join(parts, ", ")))
	}
	if len(noneLost) > 0 {
		c.body = append(c.body, fmt.Sprintf("No acknowledged message was lost in %s: every SEND_OK was consumed by the end of the run.",
			names(noneLost, evs)))
	}
	if missing, _ := split(evs, func(ev *evidence) bool { return ev.res.Messages.NeverSent+ev.res.Messages.SendFailed > 0 }); len(missing) > 0 {
		var parts []string
		for _, ev := range missing {
			parts = append(parts, fmt.Sprintf("`%s` %d never sent, %d send() failures", ev.res.Variant, ev.res.Messages.NeverSent, ev.res.Messages.SendFailed))
		}
		c.body = append(c.body, fmt.Sprintf("Messages that went missing without an acknowledgement: %s. The program's loop has no "+
			"try/catch, so its first exception ends it and the rest are never sent (§4.2): \"lost\" there means never sent, "+
			"not lost by RocketMQ.", strings.Join(parts, "; ")))
	}
	for _, ev := range lostAcked {
		cause := topLostCause(ev)
		c.body = append(c.body, fmt.Sprintf("In `%s`, %d acknowledged messages were never consumed; most common cause: %s.",
			ev.res.Variant, ev.res.Messages.LostAcked, cause))
	}
	return c
}

// topLostCause is the most frequent cause of acknowledged messages that
// were not consumed.
func topLostCause(ev *evidence) string {
	var msgs []*explain.MessageFate
	for i := range ev.exp.Messages {
		if m := &ev.exp.Messages[i]; m.Fate == explain.AckedNotConsumed || m.Fate == explain.AckedThenLost {
			msgs = append(msgs, m)
		}
	}
	cause, n := topCause(msgs)
	return fmt.Sprintf("%s (%d)", cause, n)
}

// conclusionAdvice: "keep at least one nameserver running at all times",
// judged from what conclusions 1 and 2 found.
func conclusionAdvice(evs []*evidence, c2 conclusion) conclusion {
	c := conclusion{claim: "4. Summary: keep at least one nameserver running at all times."}
	survived, _ := split(evs, func(ev *evidence) bool { return ev.outage.ok && ev.during.acked+ev.during.delivered > 0 })
	switch {
	case c2.verdict == verdictHolds:
		c.verdict = verdictHolds
		c.body = append(c.body, "Clients that had routes could neither send nor consume while no nameserver was up, so one must stay up.")
	case c2.verdict == verdictUntested:
		c.verdict = verdictUntested
		c.body = append(c.body, "No client had anything to do during the outage in these runs (conclusion 2).")
	default:
		c.verdict = verdictDifferent
		if len(survived) > 0 {
			c.body = append(c.body, fmt.Sprintf("Running clients kept sending or consuming through the outage in %s "+
				"(conclusion 2): routes, publish info and membership live in the clients and the brokers (§4.2, §6).", names(survived, evs)))
		}
		c.body = append(c.body, "What an outage breaks is whatever must ask a nameserver: a client that has no route yet "+
			"(§4.2, §5.1), any route change (§6), and the console (§7). Keeping a nameserver up protects those, "+
			"not the traffic of clients already running.")
	}
	if _, bad := split(evs, e2Unaffected); len(bad) > 0 {
		c.body = append(c.body, fmt.Sprintf("One nameserver up was not enough in %s: messages of E2 failed while nameserver01 "+
			"was up (conclusion 1).", names(bad, evs)))
	}
	return c
}
