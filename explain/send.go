package explain

import (
	"fmt"
	"strings"
	"time"

	"rmqsim/history"
)

// sendCall is one send() call of a key with the records it caused.
type sendCall struct {
	call     int
	attempts []int
	fails    []int
	ret      int // SendReturn, -1 if it never returned
	end      int // first record after the call's window
}

// sendCalls yields a key's send records by call: each call owns the
// attempts, failures and return recorded before the next call.
func (ex *explainer) sendCalls(m *message) func(yield func(sendCall) bool) {
	return func(yield func(sendCall) bool) {
		for k := range m.calls {
			if !yield(ex.sendCall(m, k)) {
				return
			}
		}
	}
}

// sendCall is the k-th send() call of m.
func (ex *explainer) sendCall(m *message, k int) sendCall {
	c := m.calls[k]
	end := ex.lastSeq + 1
	if k+1 < len(m.calls) {
		end = m.calls[k+1]
	}
	sc := sendCall{call: c, ret: -1, end: end}
	sc.attempts = within(m.attempts, c, end)
	sc.fails = within(m.fails, c, end)
	if rets := within(m.returns, c, end); len(rets) > 0 {
		sc.ret = rets[0]
		sc.end = rets[0] + 1
	}
	return sc
}

// within is the part of sorted seqs with from < seq < to.
func within(seqs []int, from, to int) []int {
	lo, hi := 0, len(seqs)
	for lo < len(seqs) && seqs[lo] <= from {
		lo++
	}
	for hi > lo && seqs[hi-1] >= to {
		hi--
	}
	return seqs[lo:hi]
}

// lastCall is the key's last send() call.
func (ex *explainer) lastCall(m *message) sendCall { return ex.sendCall(m, len(m.calls)-1) }

// sendChain tells one call: the call, each attempt with its route and
// failure, the route queries when no attempt was made, and the return.
func (ex *explainer) sendChain(ch *steps, sc sendCall) {
	ch.record(sc.call, lineCall)
	if len(sc.attempts) == 0 {
		for _, i := range ex.routesDuring(sc) {
			ch.route(i, sc.call)
		}
	}
	for _, a := range sc.attempts {
		ch.record(a, lineAttempt)
	}
	for _, f := range sc.fails {
		ch.record(f, lineFail)
	}
	if sc.ret >= 0 {
		ch.record(sc.ret, lineReturn)
	}
}

// chainSize is about how many lines sendChains gives m (route queries
// aside), to size a chain once.
func chainSize(m *message) int {
	return len(m.calls) + len(m.attempts) + len(m.fails) + len(m.returns)
}

// sendChains tells every send() call of m.
func (ex *explainer) sendChains(ch *steps, m *message) {
	for sc := range ex.sendCalls(m) {
		ex.sendChain(ch, sc)
	}
}

func attemptLine(r *history.Record) string {
	route := "a cached route"
	switch {
	case r.RouteAge < 0 && r.NameServer != "":
		route = "a route fetched for this send from " + hostOf(r.NameServer)
	case r.RouteAge < 0:
		route = "a route fetched for this send"
	case r.NameServer != "":
		route = fmt.Sprintf("the route fetched from %s %s earlier", hostOf(r.NameServer), age(r.RouteAge))
	case r.RouteAge > 0:
		route = fmt.Sprintf("a route cached %s earlier", age(r.RouteAge))
	}
	return fmt.Sprintf("%s attempt %d to %s queue %d, chosen from %s", at(r.At), r.Attempt, r.Broker, r.QueueID, route)
}

// failLine tells failed attempt seq, with the broker's hosts down then.
func failLine(ns *nodes, seq int, r *history.Record) string {
	s := fmt.Sprintf("%s attempt %d failed: %s", at(r.At), r.Attempt, shortErr(r.Err))
	if down := brokerDown(ns, r.Broker, seq); down != "" {
		s += " (" + down + ")"
	}
	return s
}

func returnLine(r *history.Record) string {
	if r.Err != "" {
		return fmt.Sprintf("%s send() threw %s", at(r.At), shortErr(r.Err))
	}
	return fmt.Sprintf("%s send() returned %s: %s queue %d offset %d, msgId %s",
		at(r.At), r.Status, r.Broker, r.QueueID, r.QueueOffset, r.MsgID)
}

// routesDuring lists the caller's route queries inside the call.
func (ex *explainer) routesDuring(sc sendCall) []int {
	c := ex.ix.rec(sc.call)
	p := ex.ix.procs[c.Proc]
	if p == nil {
		return nil
	}
	return within(p.routes, sc.call, sc.end)
}

// failureWhy says why a call's send() threw, without per-message detail:
// the route lookup that failed, or the attempts and the rule that gave up.
func (ex *explainer) failureWhy(sc sendCall) string {
	if len(sc.attempts) == 0 {
		return ex.routeWhy(sc)
	}
	last := ex.ix.rec(sc.attempts[len(sc.attempts)-1])
	why := fmt.Sprintf("%s, last to %s", plural(len(sc.attempts), "attempt"), last.Broker)
	if len(sc.fails) > 0 {
		f := ex.ix.rec(sc.fails[len(sc.fails)-1])
		why += " (" + errGroup(f.Err) + ")"
		if down := ex.brokerDown(f.Broker, sc.fails[len(sc.fails)-1]); down != "" {
			why += "; " + down
		}
	}
	if sc.ret >= 0 {
		why += "; " + giveUpRule(ex.ix.rec(sc.ret).Err)
	}
	return why
}

// giveUpRule names the §4.2 rule behind a send's final exception.
func giveUpRule(err string) string {
	switch {
	case strings.Contains(err, "sendDefaultImpl call timeout"):
		return "the sendMsgTimeout budget shared by all attempts ran out (§4.2)"
	case strings.Contains(err, "times, still failed"):
		return "every attempt failed (1 + retryTimesWhenSendFailed, §4.2)"
	case strings.Contains(err, "No route info"):
		return "no route, even through TBW102 (§4.2)"
	}
	return "not retried (§4.2)"
}

// routeWhy explains a send that threw before choosing a queue.
func (ex *explainer) routeWhy(sc sendCall) string {
	c := ex.ix.rec(sc.call)
	cached := "no route cached for " + c.Topic
	if ex.hadRoute(c.Proc, c.Topic, sc.call) {
		cached = "the cached route for " + c.Topic + " had no writable queue"
	}
	var failed, notExist []string
	for _, i := range ex.routesDuring(sc) {
		r := ex.ix.rec(i)
		switch {
		case r.Err != "":
			failed = append(failed, hostOf(r.NameServer))
		case r.Status == "TOPIC_NOT_EXIST":
			notExist = append(notExist, hostOf(r.NameServer))
		}
	}
	end := sc.end - 1
	switch {
	case len(notExist) > 0:
		return fmt.Sprintf("%s and %s answered TOPIC_NOT_EXIST (%s)", cached,
			joinAnd(dedup(notExist)), ex.nameServerStates(end))
	case len(failed) > 0:
		return fmt.Sprintf("%s and no nameserver answered (%s)%s", cached, ex.nameServerStates(end), ex.upAtCall(sc))
	}
	return fmt.Sprintf("%s (%s)", cached, ex.nameServerStates(end))
}

// upAtCall notes the nameservers that were still up when a failed call
// began, and how long the route query took: a connect to a powered-off
// or black-holed host waits out connectTimeoutMillis (§3.4, §3.5).
func (ex *explainer) upAtCall(sc sendCall) string {
	var up []string
	for _, n := range ex.ix.nodes.role(RoleNameServer) {
		if _, _, down := ex.ix.nodes.downAt(n.Host, sc.call); !down {
			up = append(up, n.Host)
		}
	}
	if len(up) == 0 {
		return ""
	}
	text := fmt.Sprintf("; when send() was called at %s, %s was still up", at(ex.ix.rec(sc.call).At), joinAnd(up))
	if took := ex.ix.rec(sc.end-1).At - ex.ix.rec(sc.call).At; took >= time.Second {
		text += fmt.Sprintf(", but the route query took %s (a connect to a powered-off or black-holed "+
			"nameserver waits out the 3 s connect timeout, §3.4, §3.5)", age(took))
	}
	return text
}

// hadRoute reports whether proc fetched a route for topic successfully
// in its current incarnation before seq.
func (ex *explainer) hadRoute(proc, topic string, seq int) bool {
	p := ex.ix.procs[proc]
	if p == nil {
		return false
	}
	from := -1
	if inc := ex.incarnationAt(p, seq); inc != nil {
		from = inc.start
	}
	for _, i := range within(p.routes, from, seq) {
		if r := ex.ix.rec(i); r.Topic == topic && r.Status == "SUCCESS" {
			return true
		}
	}
	return false
}

// incarnationAt is the incarnation of p running at seq, or nil.
func (ex *explainer) incarnationAt(p *process, seq int) *incarnation {
	var cur *incarnation
	for _, inc := range p.incs {
		if inc.start > seq {
			break
		}
		cur = inc
	}
	return cur
}

// nameServerStates describes every nameserver just after seq, and the
// link faults active then.
func (ex *explainer) nameServerStates(seq int) string {
	var parts []string
	for _, n := range ex.ix.nodes.role(RoleNameServer) {
		if since, why, down := ex.ix.nodes.downAt(n.Host, seq); down {
			parts = append(parts, fmt.Sprintf("%s down since %s (%s)", n.Host, at(since), why))
		} else {
			parts = append(parts, n.Host+" up")
		}
	}
	parts = append(parts, ex.ix.nodes.linksAt(seq)...)
	if len(parts) == 0 {
		return "no nameserver known"
	}
	return strings.Join(parts, ", ")
}

// brokerDown describes the broker's down hosts just after seq ("" if
// all are up).
func (ex *explainer) brokerDown(broker string, seq int) string {
	return brokerDown(ex.ix.nodes, broker, seq)
}

func brokerDown(ns *nodes, broker string, seq int) string {
	var parts []string
	for _, n := range ns.brokerHosts(broker) {
		if since, why, down := ns.downAt(n.Host, seq); down {
			parts = append(parts, fmt.Sprintf("%s down since %s (%s)", n.Label(), at(since), why))
		}
	}
	return strings.Join(parts, ", ")
}

func dedup(words []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, w := range words {
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}
