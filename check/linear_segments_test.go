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
				in, out = appendIn{key}, appendOut{offset: off, known: true}
			case 5:
				keys = append(keys, fmt.Sprintf("k%d", i))
				in, out = appendIn{keys[len(keys)-1]}, appendOut{}
				if rapid.Bool().Draw(t, "pendingForever") {
					ret = 1 << 40
				}
			default:
				off := int64(rapid.IntRange(0, len(keys)).Draw(t, "readAt"))
				o := readOut{status: "NO_NEW_MSG"}
				if off < int64(len(keys)) {
					k := keys[off]
					if rapid.IntRange(0, 9).Draw(t, "badRead") == 0 {
						k = "wrong"
					}
					o = readOut{status: "FOUND", msgs: []history.MsgRef{{Offset: off, Key: k}}}
				}
				in, out = readIn{off}, o
			}
			ops = append(ops, porcupine.Operation{Input: in, Output: out, Call: call, Return: ret, Metadata: opMeta{}})
		}
		whole := porcupine.CheckOperationsTimeout(single, ops, time.Minute)
		cut := checkPartition(single, &part{kind: "log", ops: ops}, time.Minute)
		if whole != cut {
			t.Fatalf("whole partition %v, segmented %v", whole, cut)
		}
	})
}
