package main

import (
	"runtime/debug"
	"testing"
)

// TestTuneGC: batch commands raise the collector's target unless the
// user set GOGC; single runs keep theirs.
func TestTuneGC(t *testing.T) {
	prev := debug.SetGCPercent(100)
	prevLimit := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetGCPercent(prev); debug.SetMemoryLimit(prevLimit) })

	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	tuneGC("run")
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("run: GC percent %d, want the default 100", got)
	}
	tuneGC("sweep")
	if got := debug.SetGCPercent(100); got != batchGCPercent {
		t.Errorf("sweep: GC percent %d, want %d", got, batchGCPercent)
	}
	if totalMemory() > 0 {
		if got := debug.SetMemoryLimit(-1); got != int64(totalMemory()/2) {
			t.Errorf("sweep: memory limit %d, want half of %d", got, totalMemory())
		}
	}

	debug.SetMemoryLimit(1 << 62)
	t.Setenv("GOGC", "150")
	tuneGC("sweep")
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("sweep with GOGC set: GC percent changed to %d", got)
	}
}
