package check

import (
	"cmp"
	"slices"
	"time"

	"github.com/anishathalye/porcupine"
)

// checkPartition checks one partition. A register drops the commits no
// read can observe (observedCommits); a queue log whose appends all
// returned their offsets is decided without a search (checkKnownLog);
// any other log goes to porcupine, cut into segments at quiet points, so
// that a long log costs the sum of its pieces and not its square:
// porcupine's cache keeps a bitset of every operation per state it
// linearizes, O(n²/8) bytes for n operations (20 GB for a million
// messages in 32 queues), and holds it all until the partition is done.
//
// A quiet point is a moment when every operation called before it has
// returned and the state is known: in any linearization those operations
// come before every operation called after (real-time order), so the
// whole is linearizable if and only if each segment is, from the state
// the segments before it leave. That state is known when a segment holds
// only reads and appends whose offsets returned, at consecutive offsets
// from the log's length: linearizable or not, an append with a known
// offset must land there, so the log after the segment is the old log
// plus those keys in offset order. Any other operation (an append still
// pending, a truncation, a register's commit or read) ends the cutting:
// the rest of the partition is one segment, checked as before.
//
// The timeout bounds the whole partition, as before: each segment gets
// what is left of it. The first illegal segment makes the partition
// illegal (it would be illegal from the one state that can reach it);
// else a segment that ran out of time makes it unknown.
func checkPartition(m porcupine.Model, p *part, timeout time.Duration) porcupine.CheckResult {
	if p.kind == "offset" {
		ops := observedCommits(p.ops)
		if len(ops) == 0 {
			return porcupine.Ok
		}
		return porcupine.CheckOperationsTimeout(m, ops, timeout)
	}
	if r, ok := checkKnownLog(p.ops); ok {
		return r
	}
	if len(p.ops) < 2 {
		return porcupine.CheckOperationsTimeout(m, p.ops, timeout)
	}
	order := make([]int, len(p.ops))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(p.ops[a].Call, p.ops[b].Call) })
	deadline := time.Now().Add(timeout)
	result := porcupine.Ok
	state := lstate{}
	start, cutting := 0, true
	var maxRet int64
	var appends []appendOp
	for k, i := range order {
		op := &p.ops[i]
		if k > start && cutting && maxRet < op.Call {
			if next, ok := appendAll(state, appends); !ok {
				cutting = false // the state is not known: the rest is one segment
			} else {
				r := checkSegment(m, state, p.ops, order[start:k], deadline)
				if r == porcupine.Illegal {
					return r
				}
				if r == porcupine.Unknown {
					result = r
				}
				state, start, appends = next, k, appends[:0]
			}
		}
		maxRet = max(maxRet, op.Return)
		switch in := op.Input.(type) {
		case *readIn:
		case *appendIn:
			if o := op.Output.(*appendOut); o.known {
				appends = append(appends, appendOp{key: in.key, offset: o.offset})
			} else {
				cutting = false
			}
		default:
			cutting = false
		}
	}
	r := checkSegment(m, state, p.ops, order[start:], deadline)
	if r != porcupine.Ok {
		return r
	}
	return result
}

// appendOp is an append with its returned offset.
type appendOp struct {
	key    string
	offset int64
}

// appendAll is s after the appends, in offset order; ok is false unless
// their offsets are consecutive from s's length (else the state after
// them is not known, and cutting stops).
func appendAll(s lstate, as []appendOp) (lstate, bool) {
	as = slices.Clone(as)
	slices.SortFunc(as, func(a, b appendOp) int { return cmp.Compare(a.offset, b.offset) })
	for _, a := range as {
		if a.offset != s.length() {
			return s, false
		}
		s = s.push(a.key)
	}
	return s, true
}

// checkSegment checks the operations ops[idx...] starting from state,
// with what is left before the deadline.
func checkSegment(m porcupine.Model, state lstate, ops []porcupine.Operation, idx []int, deadline time.Time) porcupine.CheckResult {
	left := time.Until(deadline)
	if left <= 0 {
		return porcupine.Unknown
	}
	seg := make([]porcupine.Operation, len(idx))
	for j, i := range idx {
		seg[j] = ops[i]
	}
	m.Init = func() any { return state }
	return porcupine.CheckOperationsTimeout(m, seg, left)
}

// observedCommits is a register's operations without the commits called
// after every offset read has returned. Such a commit is legal at any
// point (a write), and no read can be placed after it, so dropping it
// changes no verdict: a linearization of the rest, followed by those
// commits in call order, is one of the whole. With no read at all the
// register is linearizable and nothing is left to search.
func observedCommits(ops []porcupine.Operation) []porcupine.Operation {
	lastRead, reads := int64(0), false
	for i := range ops {
		if _, ok := ops[i].Input.(fetchIn); ok {
			lastRead, reads = max(lastRead, ops[i].Return), true
		}
	}
	if !reads {
		return nil
	}
	out := make([]porcupine.Operation, 0, len(ops))
	for _, op := range ops {
		if _, ok := op.Input.(*commitIn); ok && op.Call > lastRead {
			continue
		}
		out = append(out, op)
	}
	return out
}
