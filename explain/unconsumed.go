package explain

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// notConsumed explains an acknowledged message with a surviving copy that
// no listener got by the horizon: who could have consumed its queue, and
// why they did not.
func (ex *explainer) notConsumed(m *message, copySeq int) *verdict {
	s := ex.ix.rec(copySeq)
	where := fmt.Sprintf("%s queue %d offset %d", s.Broker, s.QueueID, s.QueueOffset)
	v := ex.whyNotConsumed(mq{s.Topic, s.Broker, s.QueueID}, s.QueueOffset)
	v.reason = fmt.Sprintf("acknowledged and stored on %s, but %s", where, v.reason)
	ex.sendChains(&v.chain, m)
	ex.storedLines(&v.chain, m)
	return v
}

// consumers lists the processes that acted as consumers, sorted, and
// those running at the horizon.
func (ex *explainer) consumers() (all, alive []*process) {
	for _, name := range slices.Sorted(maps.Keys(ex.ix.procs)) {
		p := ex.ix.procs[name]
		if !p.consumer {
			continue
		}
		all = append(all, p)
		if inc := p.current(); inc != nil && inc.procExit < 0 {
			alive = append(alive, p)
		}
	}
	return all, alive
}

// whyNotConsumed is the queue-level reason (shared by every message of
// the queue past the consumer's position), with the steps that show it.
func (ex *explainer) whyNotConsumed(q mq, offset int64) *verdict {
	all, alive := ex.consumers()
	v := &verdict{}
	switch {
	case len(all) == 0:
		v.code, v.cause, v.reason = "no-consumer", "no consumer ever ran", "no consumer ever ran"
		return v
	case len(alive) == 0:
		var ends []string
		for _, p := range all {
			ends = append(ends, ex.consumerEnd(&v.chain, p))
		}
		v.code = "consumer-not-running"
		v.cause = "no consumer was running at the horizon: " + strings.Join(ends, "; ")
		v.reason = v.cause
		return v
	}
	qs := ex.ix.queues.state(q)
	owners := qs.ownersNow()
	if len(owners) == 0 {
		return ex.unowned(q, qs, alive)
	}
	where := fmt.Sprintf("%s queue %d", q.broker, q.queue)
	owner := programName(owners[0])
	switch c := ex.ix.queues.committedAt(qs, ex.lastSeq+1); {
	case ex.allBrokerHostsDown(q.broker):
		down := ex.brokerDown(q.broker, ex.lastSeq)
		v.code = "broker-down"
		v.cause = fmt.Sprintf("%s was down at the horizon: %s", q.broker, down)
		v.reason = v.cause
	case qs.errSince >= 0:
		first, last := ex.ix.rec(qs.errSince), ex.ix.rec(qs.lastPull)
		v.code = "pull-failing"
		v.cause = fmt.Sprintf("pulls of %s's queues kept failing (%s)", q.broker, errGroup(last.Err))
		v.reason = fmt.Sprintf("pulls of %s by %s failed from %s to the horizon: %s", where, owner, at(first.At), shortErr(last.Err))
		v.chain.add(qs.errSince, fmt.Sprintf("%s first failing pull of %s: %s", at(first.At), where, shortErr(first.Err)))
		v.chain.add(qs.lastPull, fmt.Sprintf("%s last failing pull of %s: %s", at(last.At), where, shortErr(last.Err)))
	case c > offset:
		v.code = "offset-skipped"
		v.cause = "the committed offset moved past it without a delivery (§5.9)"
		v.reason = fmt.Sprintf("the committed offset of %s is %d, past offset %d, though no listener got it (§5.9)", where, c, offset)
		commits := ex.ix.queues.commitsOf(qs)
		last := commits[len(commits)-1]
		v.chain.add(last.seq, fmt.Sprintf("%s %s committed offset %d for %s", at(ex.ix.rec(last.seq).At),
			programName(ex.ix.rec(last.seq).Proc), last.offset, where))
	default:
		v.code = "consumer-behind"
		v.cause = "the owning consumer had not reached it by the horizon"
		v.reason = fmt.Sprintf("%s owned %s but had delivered up to offset %d by the horizon", owner, where, qs.delivered)
	}
	return v
}

// allBrokerHostsDown reports whether every host of broker is down at the
// horizon.
func (ex *explainer) allBrokerHostsDown(broker string) bool {
	hosts := ex.ix.nodes.brokerHosts(broker)
	for _, n := range hosts {
		if _, _, down := ex.ix.nodes.downAt(n.Host, ex.lastSeq); !down {
			return false
		}
	}
	return len(hosts) > 0
}

// unowned explains a queue no running consumer owned at the horizon.
func (ex *explainer) unowned(q mq, qs *queueState, alive []*process) *verdict {
	v := &verdict{code: "queue-unowned"}
	idle := true
	for _, p := range alive {
		if len(ex.ix.queues.owned[p.name][q.topic]) > 0 {
			idle = false
		}
	}
	if idle {
		var parts []string
		for _, p := range alive {
			parts = append(parts, ex.invisible(&v.chain, p))
		}
		v.code = "consumer-owns-no-queues"
		v.cause = "the running consumer owned no queues: " + strings.Join(parts, "; ")
		v.reason = v.cause
		return v
	}
	drop := qs.lastDrop()
	if drop == nil {
		v.cause = fmt.Sprintf("no consumer ever owned %s's queues", q.broker)
		v.reason = fmt.Sprintf("no consumer ever owned %s queue %d", q.broker, q.queue)
		return v
	}
	d := ex.ix.rec(drop.seq)
	route, routeSeq := ex.routeBefore(drop.proc, q.topic, drop.seq)
	v.cause = fmt.Sprintf("no consumer owned %s's queues: %s dropped them at a rebalance", q.broker, programName(drop.proc))
	if route != "" && !strings.Contains(route, q.broker) {
		v.cause += " over a route without " + q.broker + " (§6)"
	} else {
		v.cause += " (§5.3)"
	}
	v.reason = fmt.Sprintf("no consumer owned %s queue %d at the horizon: %s dropped it at %s", q.broker, q.queue,
		programName(drop.proc), at(d.At))
	if route != "" {
		v.chain.add(routeSeq, fmt.Sprintf("%s %s fetched the route %s", at(ex.ix.rec(routeSeq).At), programName(drop.proc), route))
	}
	v.chain.add(drop.seq, fmt.Sprintf("%s %s dropped %s queue %d (%s)", at(d.At), programName(drop.proc), q.broker, q.queue, drop.why))
	return v
}

// routeBefore is the last route proc fetched successfully for topic
// before seq, as "<route> from <nameserver>", and its record.
func (ex *explainer) routeBefore(proc, topic string, seq int) (string, int) {
	p := ex.ix.procs[proc]
	if p == nil {
		return "", -1
	}
	rs := within(p.routes, -1, seq)
	for k := len(rs) - 1; k >= 0; k-- {
		r := ex.ix.rec(rs[k])
		if r.Topic == topic && r.Status == "SUCCESS" {
			return fmt.Sprintf("[%s] from %s", r.Route, hostOf(r.NameServer)), rs[k]
		}
	}
	return "", -1
}

// invisible explains why a running consumer owns no queue: it started
// while every nameserver was down, or never got a route, or its own id
// was missing from the member list.
func (ex *explainer) invisible(ch *steps, p *process) string {
	inc := p.current()
	start := ex.ix.rec(inc.start)
	name := programName(p.name)
	ch.add(inc.start, fmt.Sprintf("%s consumer %s started", at(start.At), name))
	if ex.hadAnyRoute(p, inc) {
		return fmt.Sprintf("%s (started %s) got a route, but its rebalance gave it no queue (its id missing from the member list, §5.3)", name, at(start.At))
	}
	routes := within(p.routes, inc.start, ex.lastSeq+1)
	if len(routes) > 0 {
		r := ex.ix.rec(routes[0])
		ch.add(routes[0], fmt.Sprintf("%s its route query for %s failed: %s", at(r.At), r.Topic, shortErr(r.Err)))
	}
	text := fmt.Sprintf("%s started at %s", name, at(start.At))
	if ex.allNameServersDown(inc.start) {
		text += " while every nameserver was down (" + ex.nameServerStates(inc.start) + ")"
	}
	if inc.clientStart >= 0 {
		if cs := ex.ix.rec(inc.clientStart); cs.Err != "" {
			ch.add(inc.clientStart, fmt.Sprintf("%s its start() threw %s", at(cs.At), shortErr(cs.Err)))
			text += fmt.Sprintf("; its start() threw %s but it kept running", classOr(cs.Err))
		}
	}
	return text + " and never got a route: no broker knew it, so it was invisible to its group and owned no queues (§5.1, §6)"
}

// hadAnyRoute reports whether p fetched any route successfully in inc.
func (ex *explainer) hadAnyRoute(p *process, inc *incarnation) bool {
	for _, i := range within(p.routes, inc.start, ex.lastSeq+1) {
		if ex.ix.rec(i).Status == "SUCCESS" {
			return true
		}
	}
	return false
}

// allNameServersDown reports whether every known nameserver was down just
// after seq.
func (ex *explainer) allNameServersDown(seq int) bool {
	nss := ex.ix.nodes.role(RoleNameServer)
	for _, n := range nss {
		if _, _, down := ex.ix.nodes.downAt(n.Host, seq); !down {
			return false
		}
	}
	return len(nss) > 0
}

// consumerEnd says how a consumer's last run ended.
func (ex *explainer) consumerEnd(ch *steps, p *process) string {
	inc := p.current()
	if inc == nil || inc.procExit < 0 {
		return programName(p.name) + " never started"
	}
	exit := ex.ix.rec(inc.procExit)
	text := fmt.Sprintf("%s stopped at %s (%s)", programName(p.name), at(exit.At), exitDetail(exit.Detail))
	ch.add(inc.procExit, fmt.Sprintf("%s consumer %s", at(exit.At), text))
	return text
}
