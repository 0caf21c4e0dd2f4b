package check

import (
	"fmt"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
	"pgregory.net/rapid"

	"rmqsim/history"
)

// TestSegmentedAgreesWithWhole: on random queue-log histories (appends
// with known, sometimes wrong offsets, a few pending, reads with right
// or wrong answers, overlapping in time), checking cut at quiet points
// gives porcupine's verdict on the whole partition.
func TestSegmentedAgreesWithWhole(t *testing.T) {
	single := model(1)
	single.Partition = nil
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(2, 40).Draw(t, "ops")
		var keys []string // the log as the "broker" builds it
		var ops []porcupine.Operation
		now := int64(1)
		for i := range n {
			call := now + int64(rapid.IntRange(0, 3).Draw(t, "gap"))*2
			ret := call + 1 + int64(rapid.IntRange(0, 4).Draw(t, "len"))*2
			now = call + 2*int64(rapid.IntRange(0, 2).Draw(t, "next"))
			var in, out any
			switch rapid.IntRange(0, 9).Draw(t, "kind") {
			case 0, 1, 2, 3, 4:
				key := fmt.Sprintf("k%d", i)
				off := int64(len(keys))
				if rapid.IntRange(0, 19).Draw(t, "badOffset") == 0 {
					off++
				}
				keys = append(keys, key)
				in, out = &appendIn{key}, &appendOut{offset: off, known: true}
			case 5:
				keys = append(keys, fmt.Sprintf("k%d", i))
				in, out = &appendIn{keys[len(keys)-1]}, &appendOut{}
				if rapid.Bool().Draw(t, "pendingForever") {
					ret = 1 << 40
				}
			default:
				off := int64(rapid.IntRange(0, len(keys)).Draw(t, "readAt"))
				o := &readOut{status: "NO_NEW_MSG"}
				if off < int64(len(keys)) {
					k := keys[off]
					if rapid.IntRange(0, 9).Draw(t, "badRead") == 0 {
						k = "wrong"
					}
					o = &readOut{status: "FOUND", msgs: []history.MsgRef{{Offset: off, Key: k}}}
				}
				in, out = &readIn{off}, o
			}
			ops = append(ops, porcupine.Operation{Input: in, Output: out, Call: call, Return: ret, Metadata: &opMeta{}})
		}
		whole := porcupine.CheckOperationsTimeout(single, ops, time.Minute)
		cut := checkPartition(single, &part{kind: "log", ops: ops}, time.Minute)
		if whole != cut {
			t.Fatalf("whole partition %v, segmented %v", whole, cut)
		}
	})
}

// TestKnownLogAgreesWithPorcupine: on random queue logs whose appends
// all returned their offsets (sometimes wrong ones), with reads of every
// answer, right and wrong, and distinct stamps, the search-free decision
// is porcupine's verdict.
func TestKnownLogAgreesWithPorcupine(t *testing.T) {
	single := model(1)
	single.Partition = nil
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 30).Draw(t, "ops")
		var keys []string
		var ops []porcupine.Operation
		base := 0
		for i := range n {
			base += rapid.IntRange(0, 2).Draw(t, "gap")
			call := int64(base*100 + 2*i)
			ret := int64((base+rapid.IntRange(1, 4).Draw(t, "len"))*100 + 2*i + 1)
			var in, out any
			if rapid.IntRange(0, 2).Draw(t, "isAppend") == 0 {
				key := fmt.Sprintf("k%d", i)
				off := int64(len(keys))
				if rapid.IntRange(0, 14).Draw(t, "badOffset") == 0 {
					off = int64(rapid.IntRange(0, len(keys)+1).Draw(t, "off"))
				}
				keys = append(keys, key)
				in, out = &appendIn{key}, &appendOut{offset: off, known: true}
			} else {
				off := int64(rapid.IntRange(-1, len(keys)+1).Draw(t, "readAt"))
				switch rapid.IntRange(0, 3).Draw(t, "answer") {
				case 0:
					o := &readOut{status: "FOUND"}
					for j := range rapid.IntRange(0, 3).Draw(t, "found") {
						k := fmt.Sprintf("k%d", rapid.IntRange(0, max(len(keys)-1, 0)).Draw(t, "key"))
						if int(off)+j >= 0 && int(off)+j < len(keys) && rapid.IntRange(0, 3).Draw(t, "rightKey") > 0 {
							k = keys[int(off)+j]
						}
						o.msgs = append(o.msgs, history.MsgRef{Offset: off + int64(j), Key: k})
					}
					out = o
				case 1:
					out = &readOut{status: "NO_NEW_MSG"}
				case 2:
					out = &readOut{status: "OFFSET_ILLEGAL"}
				default:
					out = &readOut{status: "PULL_NOT_FOUND"}
				}
				in = &readIn{off}
			}
			base += rapid.IntRange(0, 1).Draw(t, "after")
			ops = append(ops, porcupine.Operation{Input: in, Output: out, Call: call, Return: ret, Metadata: &opMeta{}})
		}
		fast, ok := checkKnownLog(ops)
		whole := porcupine.CheckOperationsTimeout(single, ops, time.Minute)
		if ok && fast != whole {
			t.Fatalf("search-free %v, porcupine %v", fast, whole)
		}
	})
}

// TestObservedCommitsKeepVerdict: dropping the commits called after the
// last offset read returned leaves porcupine's verdict on a register as
// it was.
func TestObservedCommitsKeepVerdict(t *testing.T) {
	single := model(1)
	single.Partition = nil
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 25).Draw(t, "ops")
		var ops []porcupine.Operation
		now := int64(1)
		for range n {
			call := now + 2*int64(rapid.IntRange(0, 2).Draw(t, "gap"))
			ret := call + 1 + 2*int64(rapid.IntRange(0, 3).Draw(t, "len"))
			now = call + 2*int64(rapid.IntRange(0, 2).Draw(t, "next"))
			if rapid.IntRange(0, 2).Draw(t, "isCommit") > 0 {
				if rapid.Bool().Draw(t, "oneway") {
					ret = 1 << 40
				}
				ops = append(ops, porcupine.Operation{Input: &commitIn{int64(rapid.IntRange(0, 3).Draw(t, "commit"))},
					Output: noOut{}, Call: call, Return: ret, Metadata: &opMeta{}})
			} else {
				ops = append(ops, porcupine.Operation{Input: fetchIn{}, Output: &fetchOut{int64(rapid.IntRange(-1, 3).Draw(t, "read"))},
					Call: call, Return: ret, Metadata: &opMeta{}})
			}
		}
		whole := porcupine.CheckOperationsTimeout(single, ops, time.Minute)
		got := checkPartition(single, &part{kind: "offset", ops: ops}, time.Minute)
		if whole != got {
			t.Fatalf("whole register %v, without unobserved commits %v", whole, got)
		}
	})
}
