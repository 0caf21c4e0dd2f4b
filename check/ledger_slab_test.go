package check

import (
	"testing"
	"unsafe"

	"rmqsim/history"
)

// TestOutcomeSlab: across the outcome slab's boundaries every sent
// message has its own outcome, holding its own return and first
// delivery, and a message never sent or delivered has none.
func TestOutcomeSlab(t *testing.T) {
	h := synthetic(2500)
	l := newLedger(nil, h.Len(), h.Count(history.Intend), newKeys(h))
	ret, del := map[string]int64{}, map[string]int64{}
	for _, rec := range h.All() {
		l.observe(&rec)
		switch rec.Kind {
		case history.SendReturn:
			ret[rec.Key] = rec.Seq
		case history.Deliver:
			if _, ok := del[rec.Key]; !ok {
				del[rec.Key] = rec.Seq
			}
		}
	}
	seen := map[*msgOutcome]string{}
	for _, m := range l.msgs {
		key := m.key
		if l.find(key) != m {
			t.Fatalf("%s: find gives another entry", key)
		}
		if _, sent := ret[key]; !sent && m.out == nil {
			continue
		}
		if m.out == nil {
			t.Fatalf("%s: no outcome", key)
		}
		if other, ok := seen[m.out]; ok {
			t.Fatalf("%s and %s share an outcome", key, other)
		}
		seen[m.out] = key
		if !m.out.hasRet || m.out.ret.Seq != ret[key] || m.out.got.n != 1 || m.out.got.firstSeq != del[key] {
			t.Errorf("%s: outcome %+v, want return #%d, delivery #%d", key, *m.out, ret[key], del[key])
		}
	}
	if len(seen) != 2500 {
		t.Errorf("%d outcomes, want 2500", len(seen))
	}
	if s := unsafe.Sizeof(message{}); s > 96 {
		t.Errorf("a message is %d bytes: keep what only a sent message has in its outcome", s)
	}
}

// TestCopyPairs: the stored copies' lists cut from one slab stay apart,
// a third copy included (it moves its message's list off the slab).
func TestCopyPairs(t *testing.T) {
	l := &ledger{}
	lists := make([][]storedCopy, 1500) // past the slab's 1,024 pairs
	for i := range lists {
		lists[i] = l.copyPair()
		for c := range 2 + i%2 { // every second message has a third copy
			lists[i] = append(lists[i], storedCopy{seq: int64(i), offset: int64(c)})
		}
	}
	for i, cs := range lists {
		if len(cs) != 2+i%2 {
			t.Fatalf("message %d: %d copies", i, len(cs))
		}
		for c, sc := range cs {
			if sc.seq != int64(i) || sc.offset != int64(c) {
				t.Fatalf("message %d copy %d is %+v: another message's", i, c, sc)
			}
		}
	}
}
