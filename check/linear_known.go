package check

import (
	"slices"

	"github.com/anishathalye/porcupine"
)

// checkKnownLog decides a queue log without porcupine's search when
// every operation is a read or an append whose offset returned, the
// offsets are 0..m-1 each once, and no two finite stamps are equal;
// ok is false otherwise (the caller then searches).
//
// Then the log is forced: offset k holds the key appended at k, and the
// appends linearize in offset order at points p0 < p1 < … inside their
// intervals. A read is pure and constrains one append: FOUND up to
// offset e-1 needs p(e-1) before the read's return; NO_NEW_MSG at o
// needs p(o) after its call; OFFSET_ILLEGAL at o needs p(o-1) after its
// call; a FOUND whose keys or offsets are not the log's is illegal
// everywhere. Reads never constrain one another beyond their intervals,
// so the history is linearizable exactly when the appends, each in its
// interval narrowed by these bounds, can take increasing points, which
// the earliest-point greedy decides. Points are hyperreal (a stamp and
// a count of infinitesimals), so "just after a call" and "just before a
// return" are exact. O(n log n), no memory beyond the bounds.
func checkKnownLog(ops []porcupine.Operation) (porcupine.CheckResult, bool) {
	var stamps []int64
	var top int64
	for i := range ops {
		top = max(top, ops[i].Return)
	}
	keys := map[int64]string{}
	var lo, hi []point
	for i := range ops {
		op := &ops[i]
		stamps = append(stamps, op.Call)
		if op.Return < top {
			stamps = append(stamps, op.Return)
		}
		switch in := op.Input.(type) {
		case appendIn:
			o := op.Output.(appendOut)
			if !o.known || o.offset < 0 {
				return porcupine.Unknown, false
			}
			if _, dup := keys[o.offset]; dup {
				return porcupine.Unknown, false
			}
			keys[o.offset] = in.key
		case readIn:
		default:
			return porcupine.Unknown, false
		}
	}
	slices.Sort(stamps)
	for i := 1; i < len(stamps); i++ {
		if stamps[i] == stamps[i-1] {
			return porcupine.Unknown, false
		}
	}
	m := int64(len(keys))
	for k := range m {
		if _, ok := keys[k]; !ok {
			return porcupine.Unknown, false
		}
	}
	lo, hi = make([]point, m), make([]point, m)
	for i := range ops {
		op := &ops[i]
		if o, ok := op.Output.(appendOut); ok {
			lo[o.offset], hi[o.offset] = point{op.Call, 0}, point{op.Return, 0}
		}
	}
	for i := range ops {
		op := &ops[i]
		in, ok := op.Input.(readIn)
		if !ok {
			continue
		}
		out := op.Output.(readOut)
		off := in.offset
		switch out.status {
		case "FOUND":
			if len(out.msgs) == 0 {
				continue
			}
			end := off + int64(len(out.msgs))
			if off < 0 || end > m {
				return porcupine.Illegal, true
			}
			for j, msg := range out.msgs {
				if msg.Offset != off+int64(j) || msg.Key != keys[off+int64(j)] {
					return porcupine.Illegal, true
				}
			}
			hi[end-1] = minPoint(hi[end-1], point{op.Return, -1})
		case "NO_NEW_MSG":
			switch {
			case off < 0:
				return porcupine.Illegal, true
			case off < m:
				lo[off] = maxPoint(lo[off], point{op.Call, 1})
			}
		case "OFFSET_ILLEGAL":
			switch {
			case off == 0:
				return porcupine.Illegal, true
			case off > 0 && off-1 < m:
				lo[off-1] = maxPoint(lo[off-1], point{op.Call, 1})
			}
		}
	}
	prev := point{-1 << 62, 0}
	for k := range m {
		p := maxPoint(lo[k], point{prev.at, prev.eps + 1})
		if hi[k].less(p) {
			return porcupine.Illegal, true
		}
		prev = p
	}
	return porcupine.Ok, true
}

// point is a hyperreal instant: stamp at plus eps infinitesimals.
type point struct {
	at  int64
	eps int64
}

func (a point) less(b point) bool { return a.at < b.at || a.at == b.at && a.eps < b.eps }

func minPoint(a, b point) point {
	if b.less(a) {
		return b
	}
	return a
}

func maxPoint(a, b point) point {
	if a.less(b) {
		return b
	}
	return a
}
