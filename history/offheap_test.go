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
		if got := h.Record(i); !reflect.DeepEqual(got, want) {
			t.Errorf("Record(%d) = %+v, want %+v", i, got, want)
		}
	}
	if got := len(h.mem.maps); got != len(h.chunks)+2 {
		t.Errorf("%d live mappings, want %d chunks + offs + kinds (the old arrays freed)", got, len(h.chunks))
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
		if got := mapped.Load() - before; got != 3 {
			t.Fatalf("%d mappings for one history, want 3 (chunk, offs, kinds)", got)
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
