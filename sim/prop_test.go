package sim

import (
	"bytes"
	"fmt"
	"runtime"
	"slices"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// runScenario builds and runs a scenario, returning its trace and world.
func runScenario(seed uint64, sc scenario) ([]byte, *World) {
	var buf bytes.Buffer
	w := build(seed, sc, &buf, nil)
	w.Run()
	return buf.Bytes(), w
}

func TestProp_SameSeedSameTrace(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sc := genScenario(false).Draw(t, "scenario")
		seed := rapid.Uint64().Draw(t, "seed")
		tr1, w1 := runScenario(seed, sc)
		tr2, w2 := runScenario(seed, sc)
		if !bytes.Equal(tr1, tr2) {
			t.Fatalf("seed %d: traces differ at byte %d", seed, firstDiff(tr1, tr2))
		}
		if w1.TraceHash() != w2.TraceHash() || w1.Events() != w2.Events() || w1.Outcome() != w2.Outcome() {
			t.Fatalf("seed %d: hash %x/%x events %d/%d", seed, w1.TraceHash(), w2.TraceHash(), w1.Events(), w2.Events())
		}
		if HashLines(tr1) != w1.TraceHash() {
			t.Fatalf("seed %d: hash of the written trace %x != TraceHash %x", seed, HashLines(tr1), w1.TraceHash())
		}
	})
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func TestProp_DifferentSeedsDifferentTraces(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sc := genScenario(true).Draw(t, "scenario")
		base := rapid.Uint64().Draw(t, "seed")
		seen := map[uint64]uint64{}
		for s := base; s < base+8; s++ {
			_, w := runScenario(s, sc)
			if prev, dup := seen[w.TraceHash()]; dup {
				t.Fatalf("seeds %d and %d give the same trace hash %x", prev, s, w.TraceHash())
			}
			seen[w.TraceHash()] = s
		}
	})
}

// TestDifferentSeeds_NoCollisions checks that the network's own randomness
// (latency) reaches the trace: the world draws nothing else.
func TestDifferentSeeds_NoCollisions(t *testing.T) {
	const seeds = 1000
	hashes := map[uint64]uint64{}
	collisions := 0
	for seed := uint64(0); seed < seeds; seed++ {
		p := newPair(t, seed, true)
		e := connect(t, p.client, "b:80")
		for i := 0; i < 5; i++ {
			call(e, "ping", time.Second)
			runFor(p.w, 10*time.Millisecond)
		}
		if _, dup := hashes[p.w.TraceHash()]; dup {
			collisions++
		}
		hashes[p.w.TraceHash()] = seed
	}
	if collisions != 0 {
		t.Fatalf("%d collisions among %d seeds", collisions, seeds)
	}
}

// monotonic is a trace writer that fails when a line's time is earlier
// than the line before it.
type monotonic struct {
	t    *rapid.T
	last int64
	n    int
}

func (m *monotonic) Write(line []byte) (int, error) {
	m.n++
	at, err := parseTraceTime(line)
	if err != nil {
		m.t.Fatalf("trace line %d %q: %v", m.n, line, err)
	}
	if at < m.last {
		m.t.Fatalf("trace line %d %q goes back in time", m.n, line)
	}
	m.last = at
	return len(line), nil
}

// parseTraceTime reads the "hh:mm:ss.uuuuuu " prefix in microseconds.
func parseTraceTime(line []byte) (int64, error) {
	sp := bytes.IndexByte(line, ' ')
	if sp < 0 {
		return 0, fmt.Errorf("no time field")
	}
	var h, m, s, us int64
	if _, err := fmt.Sscanf(string(line[:sp]), "%d:%d:%d.%d", &h, &m, &s, &us); err != nil {
		return 0, err
	}
	return ((h*60+m)*60+s)*1e6 + us, nil
}

func TestProp_TimeNeverGoesBackwards(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sc := genScenario(false).Draw(t, "scenario")
		var last Time
		var w *World
		observe := func(now Time) {
			if now < last || now > w.Horizon() {
				t.Fatalf("Now() = %v after %v (horizon %v)", now, last, w.Horizon())
			}
			last = now
		}
		mono := &monotonic{t: t}
		w = build(rapid.Uint64().Draw(t, "seed"), sc, mono, observe)
		w.Run()
		if mono.n == 0 || int64(mono.n) != w.TraceLines() {
			t.Fatalf("checked %d lines of %d", mono.n, w.TraceLines())
		}
	})
}

// TestProp_EqualTimeEventsKeepSchedulingOrder schedules events (world and
// process timers, some scheduling more from inside events) at few distinct
// times, and checks they run in (time, scheduling order).
func TestProp_EqualTimeEventsKeepSchedulingOrder(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		w := NewWorld(Config{Seed: 1})
		h := w.AddHost("h")
		h.AddService("s", func(*Process) {})
		p := h.Start("s")
		delays := rapid.SliceOfN(rapid.IntRange(0, 3), 1, 300).Draw(t, "delays")
		viaProc := rapid.SliceOfN(rapid.Bool(), len(delays), len(delays)).Draw(t, "viaProcess")
		type ev struct {
			id int
			at Time
		}
		var scheduled, ran []ev
		next := 0 // the next entry of delays to schedule
		var schedule func()
		schedule = func() {
			i := next
			next++
			e := ev{id: i, at: w.Now().Add(time.Duration(delays[i]) * time.Millisecond)}
			scheduled = append(scheduled, e)
			fire := func() {
				if w.Now() != e.at {
					t.Fatalf("event %d ran at %v, scheduled for %v", e.id, w.Now(), e.at)
				}
				ran = append(ran, e)
				for k := 0; k < 2 && next < len(delays); k++ {
					schedule()
				}
			}
			if viaProc[i] {
				p.After(time.Duration(delays[i])*time.Millisecond, "", fire)
			} else {
				w.At(e.at, fire)
			}
		}
		for next < len(delays)/3+1 {
			schedule()
		}
		w.Run()
		want := slices.Clone(scheduled)
		slices.SortStableFunc(want, func(a, b ev) int { return int(a.at - b.at) })
		if !slices.Equal(ran, want) {
			t.Fatalf("ran %v, want %v", ran, want)
		}
	})
}

func TestProp_RunEndsWithinBudget(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sc := genScenario(false).Draw(t, "scenario")
		sc.Budget = int64(rapid.IntRange(1, 2000).Draw(t, "tinyBudget"))
		sc.Horizon = ms(1, 5000).Draw(t, "tinyHorizon")
		sc.Spin = rapid.Bool().Draw(t, "spin")
		w := build(rapid.Uint64().Draw(t, "seed"), sc, nil, nil)
		o := w.Run()
		switch {
		case o != Done && o != Horizon && o != Budget:
			t.Fatalf("outcome %v", o)
		case w.Events() > sc.Budget || o == Budget && w.Events() != sc.Budget || w.Events() < sc.Budget && o == Budget:
			t.Fatalf("outcome %v after %d events, budget %d", o, w.Events(), sc.Budget)
		case w.Now() > w.Horizon():
			t.Fatalf("now %v past the horizon %v", w.Now(), w.Horizon())
		case sc.Spin && o != Budget:
			t.Fatalf("a zero-delay event loop ended with %v, want %v", o, Budget)
		case w.Step() || w.Run() != o || w.RunUntil(Never) != o:
			t.Fatal("the run went on after it ended")
		}
	})
}

func TestProp_GOMAXPROCSDoesNotMatter(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	rapid.Check(t, func(t *rapid.T) {
		sc := genScenario(false).Draw(t, "scenario")
		seed := rapid.Uint64().Draw(t, "seed")
		var hashes [2]uint64
		for i, procs := range []int{1, 4} {
			runtime.GOMAXPROCS(procs)
			_, w := runScenario(seed, sc)
			hashes[i] = w.TraceHash()
		}
		if hashes[0] != hashes[1] {
			t.Fatalf("seed %d: GOMAXPROCS=1 hash %x, GOMAXPROCS=4 hash %x", seed, hashes[0], hashes[1])
		}
	})
}

// TestScenario_CoversEveryFaultKind keeps the generator honest: over a
// fixed sample, every fault kind is drawn and every one changes the trace.
func TestScenario_CoversEveryFaultKind(t *testing.T) {
	drawn := map[faultKind]int{}
	for seed := 0; seed < 300; seed++ {
		for _, f := range genScenario(false).Example(seed).Faults {
			drawn[f.Kind]++
		}
	}
	for k := faultKind(0); k < numFaultKinds; k++ {
		if drawn[k] == 0 {
			t.Errorf("fault kind %v never drawn", k)
		}
	}
	base := scenario{Hosts: 2, Horizon: 20 * time.Second, Budget: 1e6, GiveUp: time.Minute,
		Services: []svcSpec{{Host: 0, Targets: []int{1}, Period: 100 * time.Millisecond, Timeout: time.Second, Threads: 1},
			{Host: 1, Targets: []int{0}, Period: 100 * time.Millisecond, Timeout: time.Second, Threads: 1}}}
	for k := faultKind(0); k < numFaultKinds; k++ {
		var before []faultSpec // what the fault needs to act on
		switch k {
		case fPowerOn:
			before = []faultSpec{{At: 2 * time.Second, Kind: fPowerOff, Host: 1}}
		case fHeal:
			before = []faultSpec{{At: 2 * time.Second, Kind: fPartition, Host: 1}}
		case fStart:
			before = []faultSpec{{At: 2 * time.Second, Kind: fKill, Svc: 1}}
		}
		without, with := base, base
		without.Faults = before
		with.Faults = append(slices.Clone(before), faultSpec{At: 5 * time.Second, Kind: k, Svc: 1, Host: 1, D: 2 * time.Second})
		t1, _ := runScenario(1, without)
		t2, _ := runScenario(1, with)
		if bytes.Equal(t1, t2) {
			t.Errorf("fault %v left the trace unchanged", k)
		}
	}
}
