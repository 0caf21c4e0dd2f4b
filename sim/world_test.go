package sim

import (
	"bytes"
	"runtime"
	"strconv"
	"testing"
	"time"
)

func TestStep_RunsOneEventInOrder(t *testing.T) {
	w := NewWorld(Config{Seed: 1})
	var order []int
	w.At(Time(2*time.Second), func() { order = append(order, 2) })
	w.At(Time(time.Second), func() { order = append(order, 1) })
	if w.Pending() != 2 || w.Outcome() != Running {
		t.Fatalf("pending %d outcome %v", w.Pending(), w.Outcome())
	}
	if !w.Step() || w.Now() != Time(time.Second) || len(order) != 1 || w.Events() != 1 {
		t.Fatalf("first step: now %v order %v events %d", w.Now(), order, w.Events())
	}
	if !w.Step() || w.Now() != Time(2*time.Second) || order[1] != 2 {
		t.Fatalf("second step: now %v order %v", w.Now(), order)
	}
	if w.Step() || w.Outcome() != Done || w.Step() {
		t.Fatalf("empty queue: outcome %v, want done and no more steps", w.Outcome())
	}
	w.At(Time(3*time.Second), func() { t.Fatal("an event ran after the run ended") })
	if w.Run() != Done {
		t.Fatal("Run after Done")
	}
}

func TestRunUntil(t *testing.T) {
	w := NewWorld(Config{Seed: 1, Horizon: time.Minute})
	var ran []Time
	for _, s := range []time.Duration{1, 2, 2, 3} {
		w.At(Time(s*time.Second), func() { ran = append(ran, w.Now()) })
	}
	if o := w.RunUntil(Time(2 * time.Second)); o != Running || len(ran) != 3 || w.Now() != Time(2*time.Second) {
		t.Fatalf("RunUntil(2s): %v ran %v now %v, want events at or before 2s", o, ran, w.Now())
	}
	if o := w.RunUntil(Time(2500 * time.Millisecond)); o != Running || len(ran) != 3 || w.Now() != Time(2500*time.Millisecond) {
		t.Fatalf("RunUntil(2.5s): %v now %v, want the clock moved to 2.5s", o, w.Now())
	}
	if o := w.RunUntil(Time(time.Second)); o != Running || w.Now() != Time(2500*time.Millisecond) {
		t.Fatalf("RunUntil into the past moved the clock to %v", w.Now())
	}
	w.At(Time(2*time.Minute), func() { t.Fatal("an event past the horizon ran") })
	if o := w.RunUntil(Time(time.Hour)); o != Horizon || w.Now() != Time(time.Minute) || len(ran) != 4 {
		t.Fatalf("RunUntil past the horizon: %v now %v", o, w.Now())
	}
}

func TestRun_Outcomes(t *testing.T) {
	w := NewWorld(Config{Seed: 1, Horizon: time.Second})
	w.At(Time(time.Second), func() {})   // at the horizon: runs
	w.At(Time(time.Second)+1, func() {}) // past it: does not
	if o := w.Run(); o != Horizon || w.Events() != 1 || w.Now() != Time(time.Second) {
		t.Fatalf("horizon: %v events %d now %v", o, w.Events(), w.Now())
	}
	w = NewWorld(Config{Seed: 1, Budget: 10})
	var loop func()
	loop = func() { w.At(w.Now(), loop) } // zero-delay self-rescheduling
	w.At(0, loop)
	if o := w.Run(); o != Budget || w.Events() != 10 || w.Now() != 0 {
		t.Fatalf("budget: %v events %d now %v", o, w.Events(), w.Now())
	}
	if w.Step() || w.Events() != 10 {
		t.Fatal("a step after the budget ran")
	}
	for o, s := range map[Outcome]string{Running: "running", Done: "done", Horizon: "horizon", Budget: "budget-exhausted", 9: "outcome(9)"} {
		if o.String() != s {
			t.Errorf("%d.String() = %q, want %q", int(o), o.String(), s)
		}
	}
	if c := NewWorld(Config{}); c.Horizon() != Time(DefaultHorizon) {
		t.Fatalf("default horizon %v", c.Horizon())
	}
}

func TestAt_EqualTimesRunInSchedulingOrder(t *testing.T) {
	w := NewWorld(Config{Seed: 1})
	var order []int
	for i := 0; i < 100; i++ {
		w.At(Time(i%3), func() { order = append(order, i) })
	}
	w.Run()
	k := 0
	for tm := 0; tm < 3; tm++ {
		for i := tm; i < 100; i += 3 {
			if order[k] != i {
				t.Fatalf("position %d ran event %d, want %d (order %v)", k, order[k], i, order)
			}
			k++
		}
	}
}

func TestTime_Format(t *testing.T) {
	for _, c := range []struct {
		t       Time
		millis  string
		micros  string
		asMilli int64
	}{
		{0, "00:00:00.000", "00:00:00.000000", 0},
		{Time(1500 * time.Microsecond), "00:00:00.001", "00:00:00.001500", 1},
		{Time(time.Hour + 2*time.Minute + 3*time.Second + 4*time.Millisecond + 5*time.Microsecond), "01:02:03.004", "01:02:03.004005", 3723004},
		{Time(100*time.Hour + 999999999), "100:00:00.999", "100:00:00.999999", 360000999},
		{Time(-1500 * time.Millisecond), "-00:00:01.500", "-00:00:01.500000", -1500},
		{Never, "2562047:47:16.854", "2562047:47:16.854775", 9223372036854},
	} {
		if got := c.t.String(); got != c.millis {
			t.Errorf("String(%d) = %q, want %q", int64(c.t), got, c.millis)
		}
		if got := string(c.t.AppendMicros([]byte("x"))); got != "x"+c.micros {
			t.Errorf("AppendMicros(%d) = %q, want %q", int64(c.t), got, "x"+c.micros)
		}
		if c.t.Millis() != c.asMilli {
			t.Errorf("Millis(%d) = %d, want %d", int64(c.t), c.t.Millis(), c.asMilli)
		}
	}
	a := Time(0).Add(1500 * time.Millisecond)
	if a.Sub(Time(time.Second)) != 500*time.Millisecond || a.Duration() != 1500*time.Millisecond {
		t.Fatalf("Add/Sub/Duration: %v", a)
	}
}

func TestTrace_HashOfWrittenLinesEqualsTraceHash(t *testing.T) {
	w := NewWorld(Config{Seed: 3})
	var buf bytes.Buffer
	w.SetTraceWriter(&buf) // from the first line: TraceHash covers them all
	a, b := w.AddHost("a"), w.AddHost("b")
	addServer(b, true)
	b.Start("server")
	p := &pair{w: w, a: a, b: b, client: addClient(a)}
	e := connect(t, p.client, "b:80")
	call(e, "ping", time.Second)
	p.w.Trace("note", "test", "a model record")
	p.w.Tracef("note", "test", "formatted %d", 42)
	p.w.Trace("note", "test", "")
	p.b.PowerOff()
	call(e, "lost", time.Second)
	runFor(p.w, time.Minute)
	if buf.Len() == 0 || HashLines(buf.Bytes()) != p.w.TraceHash() {
		t.Fatalf("hash of %d written bytes %x, TraceHash %x", buf.Len(), HashLines(buf.Bytes()), p.w.TraceHash())
	}
	if n := int64(bytes.Count(buf.Bytes(), []byte("\n"))); n != p.w.TraceLines() {
		t.Fatalf("%d lines written, TraceLines %d", n, p.w.TraceLines())
	}
	if !bytes.Contains(buf.Bytes(), []byte(" note    test a model record\n")) ||
		!bytes.Contains(buf.Bytes(), []byte(" note    test formatted 42\n")) ||
		!bytes.Contains(buf.Bytes(), []byte(" note    test\n")) {
		t.Fatalf("model records not in the trace:\n%s", buf.String())
	}
	if HashLines(nil) != NewWorld(Config{}).TraceHash() {
		t.Fatal("an empty trace must hash to the FNV offset basis")
	}
}

// TestTrace_HashedBehindEqualsHashedInline: with a core to spare the
// trace is hashed a chunk at a time on other goroutines; the hash, read
// mid-run and at the end, is that of the written bytes either way, on
// one P or two, for a trace of many chunks ending mid-chunk.
func TestTrace_HashedBehindEqualsHashedInline(t *testing.T) {
	run := func(spare bool, procs int) (mid, end uint64, written []byte) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		w := NewWorld(Config{Seed: 5, SpareCore: spare})
		var buf bytes.Buffer
		w.SetTraceWriter(&buf)
		text := make([]byte, 0, 200)
		for i := range 3 * chunkSize / 60 {
			text = append(text[:0], "line "...)
			text = strconv.AppendInt(text, int64(i), 10)
			for range i % 150 { // lines of every length, some long
				text = append(text, 'x')
			}
			w.TraceBytes("note", "test", text)
			if i == chunkSize/60 {
				mid = w.TraceHash()
				if mid != HashLines(buf.Bytes()) {
					t.Fatalf("spare=%v GOMAXPROCS=%d: mid-run TraceHash %x, hash of the written lines %x", spare, procs, mid, HashLines(buf.Bytes()))
				}
			}
		}
		if handedOff := w.tr.spare != nil; handedOff != spare {
			t.Fatalf("spare=%v: chunks handed over to other goroutines: %v", spare, handedOff)
		}
		return mid, w.TraceHash(), buf.Bytes()
	}
	mid0, end0, out0 := run(false, 2)
	if len(out0) < 2*chunkSize || end0 != HashLines(out0) {
		t.Fatalf("inline: %d bytes written (want several chunks), TraceHash %x, hash of them %x", len(out0), end0, HashLines(out0))
	}
	for _, procs := range []int{1, 2} {
		mid, end, out := run(true, procs)
		if mid != mid0 || end != end0 || !bytes.Equal(out, out0) {
			t.Fatalf("GOMAXPROCS=%d: hashed behind %x then %x, inline %x then %x (same bytes written: %v)", procs, mid, end, mid0, end0, bytes.Equal(out, out0))
		}
	}
}

func TestRand_StreamsAreIndependentAndSeeded(t *testing.T) {
	w1, w2, w3 := NewWorld(Config{Seed: 7}), NewWorld(Config{Seed: 7}), NewWorld(Config{Seed: 8})
	w1.Rand("faults").Uint64() // an extra draw in one stream...
	a := w1.Rand("workload").Uint64()
	if b := w2.Rand("workload").Uint64(); a != b { // ...shifts no other
		t.Fatalf("workload stream shifted by a draw in faults: %x vs %x", a, b)
	}
	if w3.Rand("workload").Uint64() == a || w2.Rand("faults").Uint64() == w2.Rand("workload").Uint64() {
		t.Fatal("streams of different seeds or names coincide")
	}
	if w1.Rand("net") != w1.Net().rng || w1.Rand("x").Name() != "x" {
		t.Fatal("Rand must return the same named stream")
	}
	r := w1.Rand("d")
	for i := 0; i < 1000; i++ {
		if d := r.Duration(time.Second, 2*time.Second); d < time.Second || d > 2*time.Second {
			t.Fatalf("Duration out of range: %v", d)
		}
	}
	if r.Duration(time.Second, time.Second) != time.Second || r.Duration(2, 1) != 2 {
		t.Fatal("Duration of an empty range must be lo")
	}
}

// The tracer's cached stamp must print exactly what AppendMicros does, on
// cache hits (same second) and misses, forwards and backwards.
func TestTrace_StampMatchesAppendMicros(t *testing.T) {
	var tr tracer
	tr.reset()
	r := NewWorld(Config{Seed: 1}).Rand("stamp")
	at := Time(0)
	for i := 0; i < 10000; i++ {
		switch r.IntN(4) {
		case 0:
			at = Time(r.Int64N(int64(200 * time.Hour)))
		case 1:
			at = -at
		default:
			at += Time(r.Int64N(int64(2 * time.Second)))
		}
		if got, want := string(tr.stamp(nil, at)), string(at.AppendMicros(nil)); got != want {
			t.Fatalf("stamp(%d) = %q, want %q", int64(at), got, want)
		}
	}
}
