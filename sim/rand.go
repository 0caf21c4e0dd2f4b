package sim

import (
	"math/rand/v2"
	"time"
)

// Rand is one named random stream. It wraps math/rand/v2 with PCG seeded
// from (root seed, hash of the stream name), so streams are independent.
type Rand struct {
	*rand.Rand
	name string
}

// Rand returns the named stream, creating it on first use. Conventional
// names: "net", "faults", "workload", and one per process (Process.Rand).
func (w *World) Rand(name string) *Rand {
	if r, ok := w.streams[name]; ok {
		return r
	}
	r := &Rand{Rand: rand.New(rand.NewPCG(w.cfg.Seed, HashLines([]byte(name)))), name: name}
	w.streams[name] = r
	return r
}

// Name is the stream's name.
func (r *Rand) Name() string { return r.name }

// Duration draws uniformly from [lo, hi].
func (r *Rand) Duration(lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	return lo + time.Duration(r.Int64N(int64(hi-lo)+1))
}
