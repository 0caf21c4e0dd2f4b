package check

import (
	"cmp"
	"fmt"
	"slices"
)

// undelivered explains why group g never got the acknowledged message m:
// the cause, the records that show it, the reason in words, and whether
// the message is certainly gone (no copy left, or never stored), in which
// case no horizon could change the verdict.
func (l *ledger) undelivered(g string, m *message) (Cause, []int64, string, bool) {
	masters, lostMasters := m.masterCopies()
	if masters > 0 && lostMasters == masters {
		return l.storeLost(m)
	}
	if l.storedAny && len(m.copies) == 0 {
		return CauseNeverStored, nil, "no broker recorded storing it", true
	}
	q := qid{m.topic, m.out.ret.Broker, int(m.out.ret.QueueID)} // m is acknowledged: it has an outcome
	off := m.out.ret.QueueOffset
	if c, ok := l.committed[gq{g, q}]; ok && c.offset > off {
		how := "was committed"
		if c.jump {
			how = "jumped after OFFSET_ILLEGAL"
		}
		return CauseOffsetSkipped, []int64{c.seq},
			fmt.Sprintf("%s's offset for %s %s to %d (#%d), past offset %d", g, q, how, c.offset, c.seq, off), false
	}
	if gi := l.groups[g]; gi != nil && gi.rebalanced[q.topic] && l.ownerCount[gq{g, q}] <= 0 {
		var ev []int64
		if c, ok := l.ownChange[gq{g, q}]; ok {
			ev = []int64{c}
		}
		return CauseQueueUnowned, ev, fmt.Sprintf("no live consumer of %s owned %s at the horizon", g, q), false
	}
	if p, ok := l.pulledTo[gq{g, q}]; ok && p.offset > off {
		return CauseOffsetSkipped, []int64{p.seq},
			fmt.Sprintf("%s pulled %s from offset %d (#%d), past offset %d: its position moved on without delivering it", g, q, p.offset, p.seq, off), false
	}
	if len(l.activeAtEnd) > 0 {
		ev := make([]int64, len(l.activeAtEnd))
		for i, f := range l.activeAtEnd {
			ev[i] = f.Seq
		}
		return CauseFaultActive, ev, "faults still active at the horizon: " + describeFaults(l.activeAtEnd), false
	}
	var ev []int64
	for _, c := range m.copies {
		ev = append(ev, c.seq)
	}
	return CauseNotConsumed, ev, "stored and reachable as far as the history shows; no recorded reason", false
}

// storeLost explains a message whose master copies all vanished.
func (l *ledger) storeLost(m *message) (Cause, []int64, string, bool) {
	var ev []int64
	gone, replica := true, int64(-1)
	for _, c := range m.copies {
		switch {
		case !c.replica:
			ev = append(ev, c.seq, c.lostSeq)
		case c.lostSeq >= 0:
			ev = append(ev, c.seq, c.lostSeq)
		case replica < 0:
			replica, gone = c.seq, false
		}
	}
	why := "the broker lost it: " + l.lostWhy[m.key]
	if replica >= 0 {
		why += fmt.Sprintf("; a slave replica survives (#%d)", replica)
		ev = append(ev, replica)
	}
	return lostKind(l.lostWhy[m.key]), ev, why, gone
}

// phantoms is one violation per key seen (delivered or pulled) before it
// was sent or stored, or never sent nor stored at all.
func (l *ledger) phantoms() Outcome {
	o := Outcome{Property: NoPhantom}
	keys := make([]string, 0, len(l.phantom))
	for k := range l.phantom {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		seen := l.phantom[k]
		v := Violation{Property: NoPhantom, Key: k, Cause: CausePhantom, Seqs: seqs(seen...)}
		m := l.find(k)
		if m != nil && m.known() {
			first := m.first
			v.Seqs = seqs(append(seen, first)...)
			v.Reason = fmt.Sprintf("%q seen by a consumer (#%d) before it was sent or stored (#%d)", k, seen[0], first)
		} else {
			v.Reason = fmt.Sprintf("%q seen by a consumer (#%d) but never sent nor stored", k, seen[0])
		}
		o.Violations = append(o.Violations, v)
	}
	return o
}

// duplicates lists every (group, key) delivered more than once, sorted.
func (l *ledger) duplicates() []Duplicate {
	out := []Duplicate{}
	add := func(key string, d *delivered) {
		if d.n > 1 {
			out = append(out, Duplicate{Key: key, Group: d.group, Deliveries: d.n, Causes: l.dupCauses[gk{d.group, key}]})
		}
	}
	for _, m := range l.msgs {
		if m.out != nil {
			add(m.key, &m.out.got)
		}
	}
	for k, d := range l.more {
		add(k.key, d)
	}
	slices.SortFunc(out, func(a, b Duplicate) int {
		return cmp.Or(cmp.Compare(a.Key, b.Key), cmp.Compare(a.Group, b.Group))
	})
	return out
}
