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
	keys, ok := knownAppends(ops)
	if !ok {
		return porcupine.Unknown, false
	}
	m := int64(len(keys))
	lo, hi := make([]point, m), make([]point, m)
	for i := range ops {
		if o, ok := ops[i].Output.(*appendOut); ok {
			lo[o.offset], hi[o.offset] = point{ops[i].Call, 0}, point{ops[i].Return, 0}
		}
	}
	for i := range ops {
		if !narrow(&ops[i], keys, lo, hi) {
			return porcupine.Illegal, true
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

// knownAppends is the key appended at each offset 0..m-1, if ops are
// reads and appends with known offsets, each offset once, and no two
// finite stamps are equal (the greedy's points are then exact: only the
// last return, often "infinity", may be shared).
func knownAppends(ops []porcupine.Operation) ([]string, bool) {
	var top int64
	appends := 0
	for i := range ops {
		top = max(top, ops[i].Return)
		if _, ok := ops[i].Input.(*appendIn); ok {
			appends++
		}
	}
	stamps := make([]int64, 0, 2*len(ops))
	// n appends at distinct offsets are the log 0..n-1 exactly when
	// every offset is below n: keys[offset] is filled directly, no map.
	keys, seen := make([]string, appends), make([]bool, appends)
	for i := range ops {
		op := &ops[i]
		stamps = append(stamps, op.Call)
		if op.Return < top {
			stamps = append(stamps, op.Return)
		}
		switch in := op.Input.(type) {
		case *appendIn:
			o := op.Output.(*appendOut)
			if !o.known || o.offset < 0 || o.offset >= int64(appends) || seen[o.offset] {
				return nil, false // unknown, a duplicate, or a gap below it
			}
			keys[o.offset], seen[o.offset] = in.key, true
		case *readIn:
		default:
			return nil, false
		}
	}
	slices.Sort(stamps)
	for i := 1; i < len(stamps); i++ {
		if stamps[i] == stamps[i-1] {
			return nil, false
		}
	}
	return keys, true
}

// narrow applies read op's bound to the append it constrains; false if
// the read fits no state of the forced log.
func narrow(op *porcupine.Operation, keys []string, lo, hi []point) bool {
	in, ok := op.Input.(*readIn)
	if !ok {
		return true
	}
	out := op.Output.(*readOut)
	m, off := int64(len(keys)), in.offset
	switch out.status {
	case "FOUND":
		if len(out.msgs) == 0 {
			return true
		}
		end := off + int64(len(out.msgs))
		if off < 0 || end > m {
			return false
		}
		for j, msg := range out.msgs {
			if msg.Offset != off+int64(j) || msg.Key != keys[off+int64(j)] {
				return false
			}
		}
		hi[end-1] = minPoint(hi[end-1], point{op.Return, -1})
	case "NO_NEW_MSG":
		if off < 0 {
			return false
		}
		if off < m {
			lo[off] = maxPoint(lo[off], point{op.Call, 1})
		}
	case "OFFSET_ILLEGAL":
		if off == 0 {
			return false
		}
		if off > 0 && off-1 < m {
			lo[off-1] = maxPoint(lo[off-1], point{op.Call, 1})
		}
	}
	return true
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
