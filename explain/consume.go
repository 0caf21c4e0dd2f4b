package explain

import (
	"fmt"
	"strings"

	"rmqsim/history"
)

// duplicate explains a message delivered more than once: the cause of
// the first redelivery names the group; the chain tells every delivery.
func (ex *explainer) duplicate(m *message) *verdict {
	var chain steps
	ex.sendChains(&chain, m)
	if len(m.stored) > 1 {
		ex.storedLines(&chain, m)
	}
	var first *verdict
	for k, i := range m.delivers {
		chain.record(i, lineRedelivered)
		if k == 0 {
			continue
		}
		v := ex.redelivery(m, m.delivers[k-1], i)
		chain.add(i, "  why again: "+v.reason)
		if first == nil {
			first = v
		}
	}
	first.chain = chain
	first.reason = fmt.Sprintf("consumed %d times: %s", len(m.delivers), first.reason)
	return first
}

// redelivery explains why delivery cur followed delivery prev.
func (ex *explainer) redelivery(m *message, prev, cur int) *verdict {
	pr, cr := ex.ix.rec(prev), ex.ix.rec(cur)
	p, c := &pr, &cr
	if v := ex.reconsumed(m, prev, cur); v != nil {
		return v
	}
	if p.Broker != c.Broker || p.QueueID != c.QueueID || p.QueueOffset != c.QueueOffset || queueTopic(p) != queueTopic(c) {
		return ex.storedTwice(m, c)
	}
	qs := ex.ix.queues.state(mq{queueTopic(c), c.Broker, c.QueueID})
	committed := ex.ix.queues.committedAt(qs, cur)
	offsetNote := fmt.Sprintf("the committed offset was %d, which does not cover offset %d", committed, c.QueueOffset)
	if committed < 0 {
		offsetNote = "no offset had been committed for it"
	}
	where := fmt.Sprintf("%s queue %d", c.Broker, c.QueueID)
	if c.Proc != p.Proc {
		moved := ex.moveTime(qs, prev, cur, c.Proc)
		return &verdict{code: "rebalance",
			cause: "redelivered to another consumer after its queue moved at a rebalance before the offset commit covered it (§5.3, §5.7, §5.8)",
			reason: fmt.Sprintf("%s moved from %s to %s%s; %s (§5.3, §5.7)", where, programName(p.Proc),
				programName(c.Proc), moved, offsetNote)}
	}
	if proc := ex.ix.procs[c.Proc]; proc != nil {
		for _, inc := range proc.incs {
			if inc.start > prev && inc.start < cur {
				return &verdict{code: "consumer-restart",
					cause: "redelivered after the consumer restarted from a committed offset that lagged (§5.7, §5.8)",
					reason: fmt.Sprintf("%s restarted at %s; %s for %s (offsets are committed every 5 s, §5.7)",
						programName(c.Proc), at(ex.ix.rec(inc.start).At), offsetNote, where)}
			}
		}
	}
	if t := ex.brokerRestart(c.Broker, prev, cur); t != "" {
		return &verdict{code: "broker-restart",
			cause:  "redelivered after the broker restarted with offsets persisted every 5 s (§2.5, §5.8)",
			reason: fmt.Sprintf("%s restarted at %s; %s (§2.5)", c.Broker, t, offsetNote)}
	}
	for _, ch := range qs.changesBetween(prev, cur) {
		if ch.proc == c.Proc && !ch.owned {
			return &verdict{code: "queue-dropped",
				cause:  "redelivered after its queue was dropped and re-added at a rebalance (§5.3, §6)",
				reason: fmt.Sprintf("%s dropped from %s at %s and re-added; %s", where, programName(c.Proc), at(ex.ix.rec(ch.seq).At), offsetNote)}
		}
	}
	return &verdict{code: "redelivered", cause: "delivered again from the same queue offset (§5.8)",
		reason: fmt.Sprintf("delivered again from %s offset %d; %s", where, c.QueueOffset, offsetNote)}
}

// storedTwice explains a redelivery of a second stored copy.
func (ex *explainer) storedTwice(m *message, c *history.Record) *verdict {
	if len(m.calls) > 1 {
		return &verdict{code: "application-resend",
			cause:  "stored twice: the program called send() again after an exception, and both copies were stored",
			reason: fmt.Sprintf("the program called send() %d times; the copy on %s queue %d offset %d came from a later call", len(m.calls), c.Broker, c.QueueID, c.QueueOffset)}
	}
	for _, f := range m.fails {
		fr := ex.ix.rec(f)
		for _, s := range m.stored {
			if sr := ex.ix.rec(s); sr.Broker == fr.Broker && s < f {
				return &verdict{code: "producer-retry",
					cause: fmt.Sprintf("stored twice: the producer retried after %s although the broker had stored it (§4.2, §5.8)", errGroup(fr.Err)),
					reason: fmt.Sprintf("attempt %d to %s failed at %s (%s) after %s had stored it at %s; the retry stored it again",
						fr.Attempt, fr.Broker, at(fr.At), shortErr(fr.Err), hostOf(sr.Proc), at(sr.At))}
			}
		}
	}
	return &verdict{code: "stored-twice", cause: "stored twice (§5.8)",
		reason: fmt.Sprintf("a second copy was stored on %s queue %d offset %d", c.Broker, c.QueueID, c.QueueOffset)}
}

// reconsumed explains a redelivery after the listener asked for it.
func (ex *explainer) reconsumed(m *message, prev, cur int) *verdict {
	cr := ex.ix.rec(cur)
	c := &cr
	for _, i := range within(m.results, prev, cur) {
		r := ex.ix.rec(i)
		if r.Status != "" && r.Status != "CONSUME_SUCCESS" {
			return &verdict{code: "reconsume-later",
				cause: "the listener returned " + r.Status + ": redelivered through %RETRY% (§5.6, §2.9)",
				reason: fmt.Sprintf("%s returned %s at %s; it came back with reconsumeTimes %d (§5.6)",
					programName(r.Proc), r.Status, at(r.At), c.Attempt)}
		}
	}
	if c.Attempt > 0 || strings.HasPrefix(queueTopic(c), "%RETRY%") {
		return &verdict{code: "reconsume-later",
			cause:  "redelivered through %RETRY% after a failed consumption (§5.6, §2.9)",
			reason: fmt.Sprintf("it came back through %%RETRY%% with reconsumeTimes %d (§5.6)", c.Attempt)}
	}
	return nil
}

// moveTime says when proc gained the queue between two deliveries.
func (ex *explainer) moveTime(qs *queueState, prev, cur int, proc string) string {
	for _, ch := range qs.changesBetween(prev, cur) {
		if ch.proc == proc && ch.owned {
			return " at " + at(ex.ix.rec(ch.seq).At)
		}
	}
	return ""
}

// brokerRestart is when a host of broker came back up between two
// records ("" if none did).
func (ex *explainer) brokerRestart(broker string, from, to int) string {
	for _, n := range ex.ix.nodes.brokerHosts(broker) {
		if n.Role != RoleBrokerMaster {
			continue
		}
		for _, t := range ex.ix.nodes.byHost[n.Host].trans {
			if t.up && t.seq > from && t.seq < to {
				return at(t.at)
			}
		}
	}
	return ""
}
