package check

import (
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/anishathalye/porcupine"
	"pgregory.net/rapid"
)

// knownAppendsByMap is knownAppends as it was, with a map from offset to
// key: the reference the slice-indexed version must agree with.
func knownAppendsByMap(ops []porcupine.Operation) ([]string, bool) {
	var top int64
	for i := range ops {
		top = max(top, ops[i].Return)
	}
	stamps := make([]int64, 0, 2*len(ops))
	byOffset := map[int64]string{}
	for i := range ops {
		op := &ops[i]
		stamps = append(stamps, op.Call)
		if op.Return < top {
			stamps = append(stamps, op.Return)
		}
		switch in := op.Input.(type) {
		case *appendIn:
			o := op.Output.(*appendOut)
			if _, dup := byOffset[o.offset]; !o.known || o.offset < 0 || dup {
				return nil, false
			}
			byOffset[o.offset] = in.key
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
	keys := make([]string, len(byOffset))
	for k := range keys {
		key, ok := byOffset[int64(k)]
		if !ok {
			return nil, false
		}
		keys[k] = key
	}
	return keys, true
}

// TestKnownAppendsAgreesWithMap: offsets unknown, negative, repeated,
// past a gap or in any order give what the map-based version gave.
func TestKnownAppendsAgreesWithMap(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 20).Draw(t, "ops")
		var ops []porcupine.Operation
		for i := range n {
			op := porcupine.Operation{Call: int64(4 * i), Return: int64(4*i + 1 + 4*rapid.IntRange(0, 3).Draw(t, "len"))}
			switch rapid.IntRange(0, 5).Draw(t, "kind") {
			case 0:
				op.Input, op.Output = &readIn{int64(i)}, &readOut{status: "NO_NEW_MSG"}
			case 1:
				op.Input, op.Output = &commitIn{int64(i)}, noOut{}
			default:
				op.Input = &appendIn{fmt.Sprintf("k%d", i)}
				op.Output = &appendOut{offset: int64(rapid.IntRange(-1, n).Draw(t, "offset")), known: rapid.IntRange(0, 9).Draw(t, "known") > 0}
			}
			ops = append(ops, op)
		}
		if rapid.Bool().Draw(t, "permuted") {
			// The common case: every append known, offsets a permutation.
			perm := rapid.Permutation(ops).Draw(t, "perm")
			off := int64(0)
			for i := range perm {
				if _, ok := perm[i].Input.(*appendIn); ok {
					perm[i].Output = &appendOut{offset: off, known: true}
					off++
				}
			}
			ops = perm
		}
		gotKeys, gotOK := knownAppends(ops)
		wantKeys, wantOK := knownAppendsByMap(ops)
		if gotOK != wantOK || (gotOK && !reflect.DeepEqual(gotKeys, wantKeys)) {
			t.Fatalf("knownAppends = %v %v, the map's %v %v", gotKeys, gotOK, wantKeys, wantOK)
		}
	})
}
