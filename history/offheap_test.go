package history

import (
	"fmt"
	"reflect"
	"runtime"
	"testing"
	"time"
)

// TestArenaHistory: a history sized past offHeapMin keeps its bytes in
// an arena, grows past its hint (offs and kinds move, chunks are added)
// and reads back every record as appended.
func TestArenaHistory(t *testing.T) {
	h := New(offHeapMin)
	if h.mem == nil {
		t.Fatalf("New(%d) has no arena", offHeapMin)
	}
	n := offHeapMin + chunkSize/8 // past the hint and past one chunk
	for i := range n {
		h.Add(Record{At: time.Duration(i), Kind: Deliver, Key: fmt.Sprintf("k%d", i%997), QueueOffset: int64(i)})
	}
	if len(h.chunks) < 2 || cap(h.offs) <= offHeapMin {
		t.Fatalf("%d chunks, offs cap %d: the test did not grow the history", len(h.chunks), cap(h.offs))
	}
	for _, i := range []int{0, 1, offHeapMin - 1, offHeapMin, n - 1} {
		want := Record{Seq: int64(i), At: time.Duration(i), Kind: Deliver, Key: fmt.Sprintf("k%d", i%997), QueueOffset: int64(i)}
		if got := plain(h.Record(i)); !reflect.DeepEqual(got, want) {
			t.Errorf("Record(%d) = %+v, want %+v", i, got, want)
		}
	}
	if got := len(h.mem.maps); got != len(h.chunks)+3 {
		t.Errorf("%d live mappings, want %d chunks + offs + kinds + string table (the old arrays freed)", got, len(h.chunks))
	}
	h.Seal()
	if got := len(h.mem.maps); got != len(h.chunks)+3 {
		t.Errorf("%d live mappings after Seal, want %d chunks + offs + kinds + string table (Lookup reads it)", got, len(h.chunks))
	}
}

// TestArenaReleased: the arena's memory is returned once its history is
// unreachable, so a sweep of many long runs does not keep them all.
func TestArenaReleased(t *testing.T) {
	settle := func() bool { // the cleanups run after a GC, on their own goroutine
		for range 100 {
			runtime.GC()
			if mapped.Load() == 0 {
				return true
			}
			time.Sleep(time.Millisecond)
		}
		return false
	}
	if !settle() {
		t.Fatalf("%d mappings live before the test (an earlier test's history leaked)", mapped.Load())
	}
	const before = 0
	func() {
		h := New(offHeapMin)
		h.Add(Record{Kind: Deliver, Key: "k"})
		if got := mapped.Load() - before; got != 4 {
			t.Fatalf("%d mappings for one history, want 4 (chunk, offs, kinds, string table)", got)
		}
	}()
	if !settle() {
		t.Fatalf("%d mappings still live after the history was dropped", mapped.Load()-before)
	}
}

// TestSmallHistoryOnHeap: a hand-made history has no arena.
func TestSmallHistoryOnHeap(t *testing.T) {
	if h := Of(Record{Kind: Deliver}); h.mem != nil {
		t.Error("Of made an arena")
	}
}

// TestInternGrows: strings past the table's first size keep their ids,
// through each growth and through Seal (which drops the table; the next
// Append rebuilds it from the strings).
func TestInternGrows(t *testing.T) {
	h := New(0)
	const n = 5000
	key := func(i int) string { return fmt.Sprintf("key-%d", i) }
	for i := range n {
		h.Add(Record{Kind: Deliver, Key: key(i), Proc: key(i / 2)})
		if i == n/2 {
			h.Seal()
		}
	}
	h.Add(Record{Kind: Deliver, Key: key(7)}) // an old string, after the rebuild
	for i := range n {
		if r := h.Record(i); r.Key != key(i) || r.Proc != key(i/2) {
			t.Fatalf("record %d: Key %q Proc %q", i, r.Key, r.Proc)
		}
	}
	if got := len(h.strs); got != n+2 { // "", the Kind, key-0 … key-4999 (every Proc is one of them)
		t.Errorf("%d distinct strings, want %d: a string was interned twice", got, n+2)
	}
	if r := h.Record(n); r.Key != key(7) {
		t.Errorf("last record Key %q", r.Key)
	}
}
