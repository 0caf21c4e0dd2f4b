package check

import (
	"fmt"

	"rmqsim/history"
)

// observeDeliver checks for phantoms, classifies a redelivery and checks
// queue order for orderly groups.
func (l *ledger) observeDeliver(r *history.Record) {
	m := l.msg(r.Key, r.KeyRef)
	if !m.known() {
		l.phantom[r.Key] = append(l.phantom[r.Key], r.Seq)
	}
	m.consumed = true
	d := delivery{seq: r.Seq, at: r.At, q: l.qref(l.queueOf(r)), offset: r.QueueOffset, attempt: int32(r.Attempt)}
	k := gk{r.Group, r.Key}
	st := l.delivered(m, r.Group)
	switch {
	case st == nil && (m.out == nil || m.out.got.n == 0):
		l.outcomeOf(m).got = delivered{group: r.Group, firstAt: d.at, firstSeq: d.seq, last: d, n: 1}
	case st == nil:
		l.more[k] = &delivered{group: r.Group, firstAt: d.at, firstSeq: d.seq, last: d, n: 1}
	default:
		cause, evidence, why := l.dupCause(k, st.last, d)
		l.dups = append(l.dups, Violation{
			Property: NoDuplicates, Key: r.Key, Group: r.Group, Queue: l.qids[d.q].String(), Cause: cause,
			Seqs:   seqs(append([]int64{st.firstSeq, st.last.seq, d.seq}, evidence...)...),
			Reason: fmt.Sprintf("delivery %d of %q to %s at %v (#%d): %s", st.n+1, r.Key, r.Group, r.At, r.Seq, why),
		})
		l.dupCauses[k] = append(l.dupCauses[k], cause)
		st.last = d
		st.n++
	}
	if l.orderly[r.Group] {
		l.checkOrder(r, d)
	}
}

// dupCause explains why d redelivers what prev delivered. The checks go
// from the most specific evidence to the least.
func (l *ledger) dupCause(k gk, prev, d delivery) (Cause, []int64, string) {
	if rl, ok := l.reconsume[k]; ok && rl > prev.seq {
		return CauseReconsumeLater, []int64{rl}, fmt.Sprintf("the listener returned RECONSUME_LATER (#%d) after delivery #%d", rl, prev.seq)
	}
	if d.attempt > prev.attempt {
		return CauseReconsumeLater, nil, fmt.Sprintf("reconsumeTimes grew from %d to %d", prev.attempt, d.attempt)
	}
	dq, pq := l.qids[d.q], l.qids[prev.q]
	if d.q != prev.q || d.offset != prev.offset {
		m := l.find(k.key)
		var ev []int64
		for _, c := range m.copies {
			if !c.replica {
				ev = append(ev, c.seq)
			}
		}
		if len(ev) >= 2 {
			return CauseProducerRetry, ev, fmt.Sprintf("stored %d times (%d send attempts); delivered from %s@%d (#%d), then %s@%d",
				len(ev), m.attempts, pq, prev.offset, prev.seq, dq, d.offset)
		}
		return CauseUnknown, ev, fmt.Sprintf("delivered from %s@%d (#%d) and %s@%d, but stored once", pq, prev.offset, prev.seq, dq, d.offset)
	}
	if g := l.groups[k.group]; g != nil && g.lastExit > prev.seq {
		return CauseConsumerRestart, []int64{g.lastExit}, fmt.Sprintf("a consumer of %s exited (#%d) after delivery #%d; its uncommitted progress was replayed", k.group, g.lastExit, prev.seq)
	}
	if b, ok := l.brokerLife[dq.broker]; ok && b > prev.seq {
		return CauseBrokerRestart, []int64{b}, fmt.Sprintf("broker %s restarted (#%d) after delivery #%d; its committed offsets were up to 5 s old", dq.broker, b, prev.seq)
	}
	if c, ok := l.ownChange[gq{k.group, dq}]; ok && c > prev.seq {
		return CauseRebalance, []int64{c}, fmt.Sprintf("queue %s changed owner (#%d) after delivery #%d", dq, c, prev.seq)
	}
	return CauseUnknown, nil, fmt.Sprintf("redelivered from %s@%d (first #%d) with no restart, rebalance or retry between", dq, d.offset, prev.seq)
}

// checkOrder flags a first delivery of an offset after a later offset of
// the same queue. Replays of offsets already delivered are duplicates,
// not reorderings.
func (l *ledger) checkOrder(r *history.Record, d delivery) {
	q := l.qids[d.q]
	k := gq{r.Group, q}
	st := l.order[k]
	if st == nil {
		st = &orderState{seen: map[int64]bool{}}
		l.order[k] = st
	}
	if st.seen[d.offset] {
		return
	}
	st.seen[d.offset] = true
	if st.hasMax && d.offset < st.max.offset {
		l.reorders = append(l.reorders, Violation{
			Property: QueueOrder, Key: r.Key, Group: r.Group, Queue: q.String(), Cause: CauseReorder,
			Seqs: seqs(st.max.seq, d.seq),
			Reason: fmt.Sprintf("offset %d first delivered at %v (#%d), after offset %d (#%d)",
				d.offset, d.at, d.seq, st.max.offset, st.max.seq),
		})
	}
	if !st.hasMax || d.offset > st.max.offset {
		st.max, st.hasMax = d, true
	}
}

// observePull notes phantom keys and OFFSET_ILLEGAL jumps.
func (l *ledger) observePull(r *history.Record) {
	for _, m := range r.Msgs {
		if mm := l.find(m.Key); mm == nil || !mm.known() {
			l.phantom[m.Key] = append(l.phantom[m.Key], r.Seq)
		}
	}
	if r.Err != "" {
		return
	}
	q := gq{r.Group, l.queueOf(r)}
	if p, ok := l.pulledTo[q]; !ok || r.QueueOffset > p.offset {
		l.pulledTo[q] = position{offset: r.QueueOffset, seq: r.Seq}
	}
	if r.Status == "OFFSET_ILLEGAL" {
		if c, ok := l.committed[q]; !ok || r.NextOffset > c.offset {
			l.committed[q] = position{offset: r.NextOffset, seq: r.Seq, jump: true}
		}
	}
}

// observeRebalance diffs the consumer's new assignment with its last.
func (l *ledger) observeRebalance(r *history.Record) {
	o := owner{r.Group, r.Proc, r.Topic}
	next := make(map[qid]bool, len(r.Queues))
	for _, q := range r.Queues {
		next[qid{topic: r.Topic, broker: q.Broker, queue: q.QueueID}] = true
	}
	prev, seen := l.owned[o]
	if !seen {
		l.ownedBy[r.Proc] = append(l.ownedBy[r.Proc], o)
	}
	for q := range prev {
		if !next[q] {
			l.ownerCount[gq{o.group, q}]--
			l.ownChange[gq{o.group, q}] = r.Seq
		}
	}
	for q := range next {
		if !prev[q] {
			l.ownerCount[gq{o.group, q}]++
			l.ownChange[gq{o.group, q}] = r.Seq
		}
	}
	l.owned[o] = next
}

// observeLife follows process lifecycles: consumer exits (replayed
// progress), broker starts and exits (reloaded offsets). A non-heal Fault
// on a process or its host counts as that process exiting.
func (l *ledger) observeLife(r *history.Record) {
	switch {
	case r.Kind == history.ProcExit:
		l.exit(r.Proc, r.Seq)
	case r.Kind == history.ProcStart:
		if b, ok := l.brokerOf[r.Proc]; ok {
			l.brokerLife[b] = r.Seq
		}
	case r.Kind == history.Fault && r.Target != "":
		heal := isHeal(r.Detail)
		for p, b := range l.brokerOf {
			if onTarget(r.Target, p) {
				l.brokerLife[b] = r.Seq
			}
		}
		for p := range l.procGroups {
			if !heal && onTarget(r.Target, p) {
				l.exit(p, r.Seq)
			}
		}
	}
}

// exit ends a process: its groups note the exit, its queues lose it as
// owner, and if it is a broker its offsets reload when it returns.
func (l *ledger) exit(proc string, seq int64) {
	l.procExit[proc] = seq
	for g := range l.procGroups[proc] {
		l.groups[g].lastExit = seq
	}
	if b, ok := l.brokerOf[proc]; ok {
		l.brokerLife[b] = seq
	}
	for _, o := range l.ownedBy[proc] {
		for q := range l.owned[o] {
			l.ownerCount[gq{o.group, q}]--
			l.ownChange[gq{o.group, q}] = seq
		}
		l.owned[o] = map[qid]bool{}
	}
}
