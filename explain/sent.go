package explain

import (
	"fmt"
	"slices"
)

// sendFailed explains a send() that threw or never returned, with nothing
// stored.
func (ex *explainer) sendFailed(m *message) *verdict {
	sc := ex.lastCall(m)
	v := &verdict{}
	ex.sendChains(&v.chain, m)
	if sc.ret < 0 {
		text := ex.unfinished(&v.chain, sc)
		v.code, v.cause, v.reason = "send-unfinished", "send() never returned: "+text, "send() never returned: "+text
		return v
	}
	r := ex.ix.rec(sc.ret)
	why := ex.failureWhy(sc)
	v.code = "send-exception"
	v.cause = fmt.Sprintf("send() threw %s; %s", errGroup(r.Err), why)
	v.reason = fmt.Sprintf("send() threw %s at %s: %s [%s]", classOr(r.Err), at(r.At), why, shortErr(r.Err))
	return v
}

// unfinished says why a call never returned: its program died, or the
// run ended while it waited.
func (ex *explainer) unfinished(ch *steps, sc sendCall) string {
	c := ex.ix.rec(sc.call)
	if p := ex.ix.procs[c.Proc]; p != nil {
		if inc := ex.incarnationAt(p, sc.call); inc != nil && inc.procExit > sc.call {
			exit := ex.ix.rec(inc.procExit)
			text := fmt.Sprintf("program %s was stopped at %s (%s) during the call",
				programName(c.Proc), at(exit.At), exitDetail(exit.Detail))
			ch.add(inc.procExit, fmt.Sprintf("%s program %s stopped: %s", at(exit.At), programName(c.Proc), exitDetail(exit.Detail)))
			return text
		}
	}
	ch.add(endSeq, fmt.Sprintf("%s the run ended", at(ex.horizon)))
	return fmt.Sprintf("the run ended at %s while it waited", at(ex.horizon))
}

// storedNotAcked explains a stored message whose send() threw or never
// returned (the ack was lost, or came too late).
func (ex *explainer) storedNotAcked(m *message, surviving []int) *verdict {
	s := ex.ix.rec(m.stored[0])
	where := fmt.Sprintf("stored on %s queue %d offset %d at %s", s.Broker, s.QueueID, s.QueueOffset, at(s.At))
	v := &verdict{}
	ex.sendChains(&v.chain, m)
	ex.storedLines(&v.chain, m)
	switch sc := ex.lastCallOrNil(m); {
	case sc == nil:
		v.code, v.cause = "stored-without-call", "stored, but no send() call was recorded"
		v.reason = where + ", but no send() call was recorded"
	case sc.ret < 0:
		text := ex.unfinished(&v.chain, *sc)
		v.code, v.cause = "stored-send-unfinished", "stored, but send() never returned: "+text
		v.reason = where + ", but send() never returned: " + text
	default:
		r := ex.ix.rec(sc.ret)
		why := ex.failureWhy(*sc)
		v.code = "stored-but-exception"
		v.cause = fmt.Sprintf("stored, but send() threw %s; %s", errGroup(r.Err), why)
		v.reason = fmt.Sprintf("%s, but send() threw %s at %s: %s [%s]", where, classOr(r.Err), at(r.At), why, shortErr(r.Err))
	}
	if len(surviving) == 0 {
		v.reason += "; every copy was then lost"
	}
	return v
}

// lastCallOrNil is the key's last send() call, nil if it had none.
func (ex *explainer) lastCallOrNil(m *message) *sendCall {
	if sc, ok := ex.lastCallIf(m); ok {
		return &sc
	}
	return nil
}

// lastCallIf is the key's last send() call; ok is false if it had none.
func (ex *explainer) lastCallIf(m *message) (sc sendCall, ok bool) {
	if len(m.calls) == 0 {
		return sc, false
	}
	return ex.lastCall(m), true
}

// storedLines tells where each copy was stored, and each loss.
func (ex *explainer) storedLines(ch *steps, m *message) {
	for _, i := range m.stored {
		ch.record(i, lineStored)
	}
	for _, i := range m.lost {
		ch.record(i, lineLost)
	}
}

// ackedLost explains an acknowledged message with no surviving copy.
func (ex *explainer) ackedLost(m *message) *verdict {
	v := &verdict{}
	ex.sendChains(&v.chain, m)
	if len(m.stored) == 0 {
		v.code = "acked-never-stored"
		v.cause = "send() returned a SendResult but no broker recorded storing it"
		v.reason = v.cause
		return v
	}
	ex.storedLines(&v.chain, m)
	var hosts, whys []string
	for _, i := range m.lost {
		r := ex.ix.rec(i)
		hosts = append(hosts, hostOf(r.Proc))
		whys = append(whys, exitDetail(r.Detail))
	}
	hosts, whys = dedup(hosts), dedup(whys)
	s := ex.ix.rec(m.stored[0])
	v.code = "lost"
	v.cause = fmt.Sprintf("acknowledged, then lost on %s: %s (§5.9)", joinAnd(hosts), joinAnd(whys))
	v.reason = fmt.Sprintf("acknowledged from %s queue %d offset %d, then lost on %s: %s; no copy survived",
		s.Broker, s.QueueID, s.QueueOffset, joinAnd(hosts), joinAnd(whys))
	return v
}

// consumedOnce explains a message a listener got exactly once.
//
// The verdict is the explainer's scratch one (nearly every message of a
// long run is consumed once): message keeps only its sorted lines and
// strings, so the next consumed-once message may reuse it and its chain.
func (ex *explainer) consumedOnce(m *message, mf *MessageFate) *verdict {
	v := &ex.once
	*v = verdict{code: "consumed-once", cause: "consumed once", chain: slices.Grow(v.chain[:0], chainSize(m)+1)}
	ex.sendChains(&v.chain, m)
	switch sc, ok := ex.lastCallIf(m); {
	case !ok:
		v.cause = "consumed once, though no send() call was recorded"
	case sc.ret < 0:
		v.cause = "consumed once, though send() never returned"
	case mf.Status == "":
		v.cause = "consumed once, though send() threw " + errGroup(mf.Err)
	}
	v.chain.record(m.delivers[0], lineDelivered)
	v.told = line{rec: int32(m.delivers[0]), kind: lineConsumedBy}
	return v
}
