package history

import (
	"runtime"
	"slices"
	"sync/atomic"
	"unsafe"
)

// A long run's history is hundreds of megabytes of packed records and
// their offsets, bytes without a pointer in them. On the Go heap they
// would count towards the collector's pace: with GOGC=100 the heap may
// grow to twice the live heap before a collection, so every byte the
// history holds lets another byte of garbage wait, and a run's peak
// memory is about twice what it keeps. An arena keeps them outside the
// heap instead (anonymous memory maps where the system has them,
// offheap_unix.go), so the collector paces itself by the judges' and the
// model's objects alone.
//
// A History made by New for offHeapMin records or more has an arena; a
// smaller one (tests, hand-made histories, short runs) keeps its bytes
// on the heap. The arena's memory is returned when the History is
// collected (runtime.AddCleanup); nothing outside this package ever
// holds a slice of it (records are decoded into values whose strings
// come from the heap's string table), and every method that reads it
// keeps the History alive until its last read (runtime.KeepAlive).
type arena struct {
	maps [][]byte // every live mapping, whole
}

// mapped counts the live mappings of every arena (a test's leak check),
// mappedBytes their bytes (ArenaBytes).
var mapped, mappedBytes atomic.Int64

// ArenaBytes is how many bytes every history's arena has mapped now:
// memory outside the Go heap that runtime/metrics does not count
// (BenchmarkScale adds it to the heap). Pages never written are mapped
// but not resident, so it bounds what the arenas add to RSS.
func ArenaBytes() int64 { return mappedBytes.Load() }

// offHeapMin is the expected length (New's n) from which a history's
// bytes go to an arena: 1Mi records, about 35 MB packed (a run of some
// 80,000 messages). Below it the heap is the better home: the field
// experiment's runs (~120,000 records) swept on two workers ran 15 %
// slower from arenas (fresh pages to fault in, maps and unmaps on every
// run), and a few megabytes hardly move the collector's pace.
const offHeapMin = 1 << 20

// newArena is an arena whose mappings are released once owner is
// unreachable.
func newArena(owner *History) *arena {
	a := &arena{}
	runtime.AddCleanup(owner, func(a *arena) { a.release() }, a)
	return a
}

// bytes is n zeroed bytes: from the arena if a is not nil, else from the
// heap (also where the system gave no mapping).
func (a *arena) bytes(n int) []byte {
	if a != nil {
		if b := mapBytes(n); b != nil {
			a.maps = append(a.maps, b)
			mapped.Add(1)
			mappedBytes.Add(int64(len(b)))
			return b
		}
	}
	return make([]byte, n)
}

// free returns b (a whole slice from bytes) at once; bytes from the
// heap are left to the collector.
func (a *arena) free(b []byte) {
	if a == nil || cap(b) == 0 {
		return
	}
	b = b[:cap(b)]
	for i, m := range a.maps {
		if unsafe.SliceData(m) == unsafe.SliceData(b) {
			unmapBytes(m)
			mapped.Add(-1)
			mappedBytes.Add(-int64(len(m)))
			a.maps = slices.Delete(a.maps, i, i+1)
			return
		}
	}
}

// release returns every mapping.
func (a *arena) release() {
	for _, m := range a.maps {
		unmapBytes(m)
		mapped.Add(-1)
		mappedBytes.Add(-int64(len(m)))
	}
	a.maps = nil
}

// growable is the element type of the history's per-record arrays.
type growable interface{ ~uint8 | ~uint32 }

// appendTo is append(s, v), growing s in a's memory.
func appendTo[T growable](a *arena, s []T, v T) []T {
	if len(s) < cap(s) {
		return append(s, v)
	}
	return append(grow(a, s, max(2*cap(s), 1024)), v)
}

// grow is s with room for n elements, in a's memory; the old array is
// freed.
func grow[T growable](a *arena, s []T, n int) []T {
	if a == nil {
		t := make([]T, len(s), n)
		copy(t, s)
		return t
	}
	var zero T
	size := int(unsafe.Sizeof(zero))
	b := a.bytes(n * size)
	t := unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(b))), n)[:len(s)]
	copy(t, s)
	a.free(byteView(s))
	return t
}

// byteView is the whole array under s as bytes (for arena.free).
func byteView[T growable](s []T) []byte {
	if cap(s) == 0 {
		return nil
	}
	var zero T
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), cap(s)*int(unsafe.Sizeof(zero)))
}
