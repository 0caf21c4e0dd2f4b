package scenarios

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"rmqsim/history"
)

// BenchmarkScale runs issue 10's workload (bench/scale.yaml: one producer
// sending N messages back to back to 2 groups with slaves, one push
// consumer, 2 h horizon, every judge and the explanations on) for N =
// 10k, 100k and 1M, one op being one whole run. Besides ns/op and the
// allocation counters it reports, per message:
//
//   - msgs/s: messages per second of wall time, end to end;
//   - alloc-B/msg: bytes allocated;
//   - peak-heap-B/msg: the highest heap (live objects and garbage not
//     yet swept, /memory/classes/heap/objects:bytes) plus the history's
//     arena (history.ArenaBytes, outside the heap) sampled every
//     millisecond, minus the same before the run: what RSS follows;
//   - kept-B/msg: the live heap after a GC, plus the arena, with the
//     Result still held;
//   - arena-B/msg: the arena's part of kept-B/msg.
//
// The 10m variant of the file is for the CLI (docs/performance.md).
func BenchmarkScale(b *testing.B) {
	s, err := Load("bench/scale.yaml")
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name, variant string
		msgs          int
	}{{"10k", "n10k", 10_000}, {"100k", "n100k", 100_000}, {"1M", "n1m", 1_000_000}} {
		b.Run(c.name, func(b *testing.B) {
			spec, err := s.WithVariant(c.variant)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			var peak, kept, arena uint64
			runs := 0
			allocs := heapAllocs()
			for b.Loop() {
				settle()
				base := heapObjects()
				stop := sampleHeapPeak()
				res := runField(b, spec, RunOptions{SpareCore: true})
				p := stop()
				if res.Messages.ConsumedUnique != c.msgs {
					b.Fatalf("%d of %d messages consumed", res.Messages.ConsumedUnique, c.msgs)
				}
				runtime.GC()
				live := heapLive() + arenaBytes()
				kept += live - min(base, live)
				arena += arenaBytes()
				runtime.KeepAlive(res)
				peak += p - min(base, p)
				runs++
			}
			n := float64(c.msgs)
			b.ReportMetric(float64(heapAllocs()-allocs)/float64(runs)/n, "alloc-B/msg")
			b.ReportMetric(n*float64(runs)/b.Elapsed().Seconds(), "msgs/s")
			b.ReportMetric(float64(peak)/float64(runs)/n, "peak-heap-B/msg")
			b.ReportMetric(float64(kept)/float64(runs)/n, "kept-B/msg")
			b.ReportMetric(float64(arena)/float64(runs)/n, "arena-B/msg")
		})
	}
}

// heapObjects is the heap's object bytes now, live or not yet swept,
// plus the history arenas' bytes (outside the heap).
func heapObjects() uint64 {
	return readMetric("/memory/classes/heap/objects:bytes") + arenaBytes()
}

// settle collects garbage and waits (up to 100 ms) for the cleanups that
// return unreachable histories' arenas, which run after the collection on
// their own goroutine: else a run's figures would count the last run's
// arena.
func settle() {
	runtime.GC()
	for range 100 {
		before := arenaBytes()
		time.Sleep(time.Millisecond)
		if arenaBytes() == before {
			return
		}
	}
}

// arenaBytes is what the histories' arenas map now.
func arenaBytes() uint64 { return uint64(history.ArenaBytes()) }

// heapAllocs is the bytes allocated on the heap since the program began.
func heapAllocs() uint64 { return readMetric("/gc/heap/allocs:bytes") }

// heapLive is the heap marked live by the last GC.
func heapLive() uint64 { return readMetric("/gc/heap/live:bytes") }

func readMetric(name string) uint64 {
	s := []metrics.Sample{{Name: name}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// sampleHeapPeak samples heapObjects every millisecond until the
// returned function is called, which returns the highest sample.
func sampleHeapPeak() func() uint64 {
	var (
		mu   sync.Mutex
		peak = heapObjects()
		done = make(chan struct{})
		wg   sync.WaitGroup
	)
	wg.Go(func() {
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				v := heapObjects()
				mu.Lock()
				peak = max(peak, v)
				mu.Unlock()
			}
		}
	})
	return func() uint64 {
		close(done)
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		return max(peak, heapObjects())
	}
}
