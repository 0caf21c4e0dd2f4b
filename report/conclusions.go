package report

import (
	"fmt"
	"strings"
)

// conclusion is the report's verdict on one of the field report's
// conclusions: a label chosen from every run's evidence (all variants,
// all seeds) and paragraphs giving the numbers and the mechanism.
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

// conclusions judges the four conclusions against every run.
func conclusions(vs []*variantRuns) []conclusion {
	c2 := conclusionAllDown(vs)
	return []conclusion{conclusionOneDown(vs), c2, conclusionRecovery(vs), conclusionAdvice(vs, c2)}
}

// conclusionOneDown: "When one nameserver is down, sending and consuming
// are not affected" — read from step E2.
func conclusionOneDown(vs []*variantRuns) conclusion {
	c := conclusion{claim: "1. When one nameserver is down, sending and consuming are not affected."}
	all, _ := filter(flatten(vs), func(r *Run) bool { return r.e2.ok })
	if len(all) == 0 {
		c.verdict, c.body = verdictUntested, []string{"No run has a step E2."}
		return c
	}
	ok, bad := filter(all, func(r *Run) bool { return r.e2.unaffected })
	switch {
	case len(bad) == 0:
		c.verdict = verdictHolds
	case len(ok) == 0:
		c.verdict = verdictWrong
	default:
		c.verdict = verdictPartly
	}
	if len(ok) > 0 {
		r := ok[0]
		c.body = append(c.body, fmt.Sprintf("E2 went unaffected in %s: %s. In `%s` seed %d, for instance, all %s of E2's "+
			"messages were acknowledged and %s consumed while nameserver02 was down. Every broker registers with every "+
			"nameserver (§2.1), so the surviving nameserver01 holds the whole route; %s (§3.4). Running clients do not "+
			"even need it: they send and pull from their cached routes (§4.2, §6).", ofRuns(ok, all), perVariant(vs, ok),
			r.Variant, r.Seed, num(r.e2.messages.Intended), num(r.e2.messages.ConsumedUnique), r.e2.routeSource))
	}
	if len(bad) > 0 {
		r := bad[0]
		c.body = append(c.body, fmt.Sprintf("E2 was affected in %s: %s. In `%s` seed %d: %s.", ofRuns(bad, all),
			perVariant(vs, bad), r.Variant, r.Seed, r.e2.failure))
		c.body = append(c.body, dependence(vs, "E2", func(r *Run) bool { return r.e2.unaffected },
			"E2 went unaffected", "its producer failed at its first send()")...)
	}
	return c
}

// conclusionAllDown: "When all nameservers are down, messages can be
// neither sent nor consumed" — read from the span during which every
// nameserver was down. Each half is refuted by traffic in that span,
// confirmed by a client that had work and could not do it, and left
// untested where no client had anything to do.
func conclusionAllDown(vs []*variantRuns) conclusion {
	c := conclusion{claim: "2. When all nameservers are down, messages can be neither sent nor consumed."}
	all, _ := filter(flatten(vs), func(r *Run) bool { return r.outage.ok })
	if len(all) == 0 {
		c.verdict = verdictUntested
		c.body = []string{"No run had every nameserver down at once, so the claim could not be tested."}
		return c
	}
	sent, _ := filter(all, func(r *Run) bool { return r.during.acked > 0 })
	consumed, _ := filter(all, func(r *Run) bool { return r.during.delivered > 0 })
	blockedSend, _ := filter(all, func(r *Run) bool { return r.during.failed > r.during.failedUncached })
	newOnly, _ := filter(all, func(r *Run) bool { return r.during.failedUncached > 0 })
	blockedConsume, _ := filter(all, func(r *Run) bool { return r.during.waiting > 0 && r.during.delivered == 0 })
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
	c.body = append(c.body, allDownFlowed(vs, all, sent, consumed)...)
	c.body = append(c.body, allDownBlocked(vs, all, blockedSend, newOnly, blockedConsume)...)
	if idle, _ := filter(all, func(r *Run) bool { return r.during.waiting == 0 }); len(idle) > 0 {
		c.body = append(c.body, fmt.Sprintf("In %s (%s) no acknowledged message was waiting for a consumer during the "+
			"outage, so those runs say nothing about consumption with every nameserver down.", ofRuns(idle, all), perVariant(vs, idle)))
	}
	if blank, _ := filter(all, func(r *Run) bool { return r.consoleBlank }); len(blank) > 0 {
		c.body = append(c.body, fmt.Sprintf("In %s every console page entered during the outage showed only a toast, "+
			"whatever the programs did: each loads through a nameserver (§7). A page left open from before, or the home "+
			"page's chart, would instead have kept showing its old figures (section 4). Either way a count read from "+
			"the console says nothing about whether messages flowed.", ofRuns(blank, all)))
	}
	return c
}

// allDownFlowed: runs in which traffic went on through the outage.
func allDownFlowed(vs []*variantRuns, all, sent, consumed []*Run) []string {
	var out []string
	if len(sent) > 0 {
		out = append(out, fmt.Sprintf("Messages were acknowledged while every nameserver was down in %s: %s. A producer "+
			"that already has the topic's publish info sends without asking any nameserver (§4.2), and the brokers keep "+
			"serving (§6).", ofRuns(sent, all), perVariantValues(vs, sent, func(r *Run) int { return r.during.acked })))
		out = append(out, dependence(vs, "E3", func(r *Run) bool { return r.during.acked > 0 },
			"E3's producer got its route before the outage and sent through it", "it sent nothing")...)
	}
	if len(consumed) > 0 {
		out = append(out, fmt.Sprintf("Messages were delivered to the listener during the outage in %s: %s. A consumer "+
			"that was running keeps its routes, its membership (held by the brokers) and its queues, so it keeps pulling "+
			"and committing (§6).", ofRuns(consumed, all), perVariantValues(vs, consumed, func(r *Run) int { return r.during.delivered })))
	}
	return out
}

// allDownBlocked: runs in which a client had work and could not do it.
func allDownBlocked(vs []*variantRuns, all, blockedSend, newOnly, blockedConsume []*Run) []string {
	var out []string
	if len(newOnly) > 0 {
		text := fmt.Sprintf("send() failed during the outage for want of a cached route in %s: %s. A producer with no "+
			"route must ask a nameserver before its first send, and with none answering send() throws (§4.2)",
			ofRuns(newOnly, all), perVariant(vs, newOnly))
		if r := newOnly[0]; r.firstUncached != "" {
			text += fmt.Sprintf(". In `%s` seed %d, for instance, %s", r.Variant, r.Seed, r.firstUncached)
		}
		out = append(out, text+".")
	}
	if len(blockedSend) > 0 {
		out = append(out, fmt.Sprintf("send() calls of a producer that had a route failed during the outage in %s: %s.",
			ofRuns(blockedSend, all), perVariantValues(vs, blockedSend, func(r *Run) int { return r.during.failed - r.during.failedUncached })))
	}
	if len(blockedConsume) > 0 {
		text := fmt.Sprintf("Acknowledged messages waited through the outage and none was delivered in %s: %s",
			ofRuns(blockedConsume, all), perVariantValues(vs, blockedConsume, func(r *Run) int { return r.during.waiting }))
		if noQueues, _ := filter(blockedConsume, func(r *Run) bool { return r.ownsNoQueues > 0 }); len(noQueues) == len(blockedConsume) {
			text += ". In each, the consumer started during the outage never got a route, so no broker knew it and it " +
				"owned no queues (§5.1, §6)"
		}
		out = append(out, text+".")
	}
	return out
}

// conclusionRecovery: "When the nameserver cluster recovers, part of the
// traffic resumes, and some messages are lost."
func conclusionRecovery(vs []*variantRuns) conclusion {
	c := conclusion{claim: "3. When the nameserver cluster recovers, part of the traffic resumes, and some messages are lost."}
	all := flatten(vs)
	lostAcked, noneLost := filter(all, func(r *Run) bool { return r.Messages.LostAcked > 0 })
	resumed, _ := filter(all, func(r *Run) bool { return r.outage.ok && r.after.delivered > 0 })
	switch {
	case len(noneLost) == 0:
		c.verdict = verdictHolds
	case len(lostAcked) == 0 && len(resumed) == 0:
		c.verdict = verdictWrong
	default:
		c.verdict = verdictPartly
	}
	if len(resumed) > 0 {
		c.body = append(c.body, fmt.Sprintf("Messages were delivered after a nameserver returned in %s: %s. A consumer "+
			"that had no route gets one within a route poll (30 s) of the nameserver's return, heartbeats, and owns its "+
			"queues at the next rebalance (§3.1, §5.2, §6).", ofRuns(resumed, all),
			perVariantValues(vs, resumed, func(r *Run) int { return r.after.delivered })))
	}
	c.body = append(c.body, recoverySends(vs)...)
	if len(noneLost) > 0 {
		where := ofRuns(noneLost, all)
		if len(noneLost) == len(all) && len(all) > 1 {
			where = fmt.Sprintf("any of the %d runs", len(all))
		}
		c.body = append(c.body, fmt.Sprintf("No acknowledged message was lost in %s: every SEND_OK was consumed by the "+
			"end of the run.", where))
	}
	if missing, _ := filter(all, func(r *Run) bool { return r.Messages.NeverSent+r.Messages.SendFailed > 0 }); len(missing) > 0 {
		c.body = append(c.body, fmt.Sprintf("Messages went missing without an acknowledgement in %s; never sent: %s. "+
			"The program's loop has no try/catch, so its first exception ends it and the rest are never sent (§4.2): "+
			"\"lost\" there means never sent, not lost by RocketMQ.", ofRuns(missing, all),
			perVariantValues(vs, missing, func(r *Run) int { return r.Messages.NeverSent })))
	}
	e4 := observationIndex("E4 lost")
	if fewer, _ := filter(all, func(r *Run) bool { return r.CountsFrom == "dashboard" && r.cells[e4].mark == markYes }); len(fewer) > 0 {
		lost := 0
		for _, r := range fewer {
			lost += r.Messages.LostAcked
		}
		c.body = append(c.body, fmt.Sprintf("Read from the console, some messages do look lost: in %s (%s) the page the "+
			"person read after E4 listed fewer of the topic's messages than had been acknowledged (%s), while the "+
			"brokers had lost %s acknowledged messages in those runs. rocketmq-console's message page stops every queue "+
			"once its list holds more than 2,000 (MessageServiceImpl.queryMessageByTopic); dashboard 1.0.0's counts them "+
			"all.", ofRuns(fewer, all), perVariant(vs, fewer), cellValues(fewer, e4), num(lost)))
	}
	for i, r := range lostAcked {
		if i == maxLostShown {
			c.body = append(c.body, fmt.Sprintf("… and %d more runs with acknowledged messages never consumed.", len(lostAcked)-i))
			break
		}
		c.body = append(c.body, fmt.Sprintf("In `%s` seed %d, %s acknowledged messages were never consumed; most common "+
			"cause: %s.", r.Variant, r.Seed, num(r.Messages.LostAcked), r.topLostCause))
	}
	return c
}

// maxLostShown is how many runs with acknowledged losses are told one by one.
const maxLostShown = 5

// recoverySends tells how the E4 producer, started after nameserver01
// returned, fared.
func recoverySends(vs []*variantRuns) []string {
	var with []*Run
	for _, r := range flatten(vs) {
		if r.programIn("E4", true) != nil {
			with = append(with, r)
		}
	}
	failed, _ := filter(with, func(r *Run) bool { return !r.programIn("E4", true).sentAll() })
	if len(failed) == 0 {
		return nil
	}
	r := failed[0]
	p := r.programIn("E4", true)
	out := []string{fmt.Sprintf("The E4 producer, run after nameserver01 was back, did not send everything in %s: %s. "+
		"In `%s` seed %d it %s and %s.", ofRuns(failed, with), perVariant(vs, failed), r.Variant, r.Seed, p.choice(), p.outcome())}
	return append(out, dependence(vs, "E4", func(r *Run) bool { return r.programIn("E4", true).sentAll() },
		"it sent everything", "its first send() threw")...)
}

// conclusionAdvice: "keep at least one nameserver running at all times",
// judged from what conclusions 1 and 2 found.
func conclusionAdvice(vs []*variantRuns, c2 conclusion) conclusion {
	c := conclusion{claim: "4. Summary: keep at least one nameserver running at all times."}
	all := flatten(vs)
	survived, _ := filter(all, func(r *Run) bool { return r.outage.ok && r.during.acked+r.during.delivered > 0 })
	switch c2.verdict {
	case verdictHolds:
		c.verdict = verdictHolds
		c.body = append(c.body, "Clients that had routes could neither send nor consume while no nameserver was up, so one must stay up.")
	case verdictUntested:
		c.verdict = verdictUntested
		c.body = append(c.body, "No client had anything to do during the outage in these runs (conclusion 2).")
	default:
		c.verdict = verdictDifferent
		if len(survived) > 0 {
			c.body = append(c.body, fmt.Sprintf("Running clients kept sending or consuming through the outage in %s "+
				"(conclusion 2): routes, publish info and membership live in the clients and the brokers (§4.2, §6).",
				ofRuns(survived, all)))
		}
		c.body = append(c.body, "What an outage breaks is whatever must ask a nameserver: a client that has no route yet "+
			"(§4.2, §5.1), any route change (§6), and the console (§7). Keeping a nameserver up protects those, "+
			"not the traffic of clients already running.")
	}
	withE2, _ := filter(all, func(r *Run) bool { return r.e2.ok })
	if bad, _ := filter(withE2, func(r *Run) bool { return !r.e2.unaffected }); len(bad) > 0 {
		text := fmt.Sprintf("One nameserver up was not enough in %s: the producer started in E2, with one nameserver "+
			"still up, failed (conclusion 1)", ofRuns(bad, withE2))
		if down, _ := filter(bad, func(r *Run) bool { p := r.programIn("E2", true); return p != nil && p.firstNSDown }); len(down) == len(bad) {
			text += ". In each, it first asked the nameserver that was down; a connect to a host that is off waits out " +
				"the 3 s connect timeout, which the 3 s route query cannot survive (§3.4, §3.5). Keeping one nameserver " +
				"up does not spare a new client that"
		}
		c.body = append(c.body, text+".")
	}
	return c
}

// cellValues lists the distinct texts of observation i over runs.
func cellValues(runs []*Run, i int) string {
	seen := map[string]bool{}
	var out []string
	for _, r := range runs {
		if t := r.cells[i].text; !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	if len(out) > 3 {
		return strings.Join(out[:3], "; ") + "; …"
	}
	return strings.Join(out, "; ")
}
