package sim

import (
	"container/heap"
	"testing"
	"time"
)

// Run with:
//
//	go test ./sim -run '^$' -bench . -benchmem -count 6
//
// BenchmarkEventLoop and BenchmarkBareHeap do the same work, one event per
// op with 10,000 far-future events pending, so their ns/op compare the
// kernel's loop (World.At + World.Step) with a bare container/heap loop.

const benchPending = 10_000

// unbounded is a world whose horizon and budget no benchmark reaches.
func unbounded() *World {
	return NewWorld(Config{Seed: 1, Horizon: 1 << 62, Budget: 1 << 62})
}

// fillFarFuture queues benchPending events that never run.
func fillFarFuture(at func(Time, func())) {
	for i := 0; i < benchPending; i++ {
		at(Time(1<<61)+Time(i), func() {})
	}
}

func BenchmarkEventLoop(b *testing.B) {
	w := unbounded()
	fillFarFuture(w.At)
	var next func()
	next = func() { w.At(w.Now()+1, next) }
	w.At(0, next)
	for b.Loop() {
		w.Step()
	}
	if w.Events() < int64(b.N) {
		b.Fatalf("%d events for %d ops", w.Events(), b.N)
	}
}

// bareHeap is the textbook container/heap event queue, with the kernel's
// event struct (time, sequence, func).
type bareHeap []event

func (h bareHeap) Len() int           { return len(h) }
func (h bareHeap) Less(i, j int) bool { return less(&h[i], &h[j]) }
func (h bareHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *bareHeap) Push(x any)        { *h = append(*h, x.(event)) }
func (h *bareHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = event{}
	*h = old[:len(old)-1]
	return e
}

func BenchmarkBareHeap(b *testing.B) {
	var h bareHeap
	var now Time
	var seq uint64
	at := func(t Time, fn func()) {
		seq++
		heap.Push(&h, event{at: t, seq: seq, r: funcRunner(fn)})
	}
	fillFarFuture(at)
	var next func()
	next = func() { at(now+1, next) }
	at(0, next)
	for b.Loop() {
		e := heap.Pop(&h).(event)
		now = e.at
		e.r.run()
	}
}

// BenchmarkTimerLoop is the event loop driven by timers: a raw World.At
// loop, then Process.After without and with a trace line per firing.
func BenchmarkTimerLoop(b *testing.B) {
	b.Run("world-at", func(b *testing.B) {
		w := unbounded()
		fillFarFuture(w.At)
		var next func()
		next = func() { w.At(w.Now().Add(time.Millisecond), next) }
		w.At(0, next)
		for b.Loop() {
			w.Step()
		}
	})
	for _, name := range []string{"", "tick"} {
		label := "process-after"
		if name != "" {
			label += "-traced"
		}
		b.Run(label, func(b *testing.B) {
			w := unbounded()
			h := w.AddHost("h")
			h.AddService("svc", func(*Process) {})
			p := h.Start("svc")
			fillFarFuture(w.At)
			var next func()
			next = func() { p.After(time.Millisecond, name, next) }
			next()
			lines := w.TraceLines()
			for b.Loop() {
				w.Step()
			}
			if name != "" && w.TraceLines()-lines < int64(b.N) {
				b.Fatalf("%d timer lines for %d firings", w.TraceLines()-lines, b.N)
			}
		})
	}
}

// BenchmarkCall measures request/response round trips between two hosts:
// each op is one Call answered by Reply (two deliveries, two trace lines,
// a timeout timer).
func BenchmarkCall(b *testing.B) {
	w, _, e := connected(b, func(in *Inbound) { in.Reply(in.Msg) })
	msg := text("ping")
	replies := 0
	var issue func()
	issue = func() {
		e.Call(msg, time.Second, func(_ Message, err error) {
			if err != nil {
				b.Fatal(err)
			}
			replies++
			issue()
		})
	}
	issue()
	for b.Loop() {
		for want := replies + 1; replies < want; {
			w.Step()
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "roundtrips/s")
}

// BenchmarkStream is a flow that never drains: a oneway message every
// 100 µs over a link of about a millisecond keeps packets in flight, so
// its queue must reuse the room of delivered packets, not grow forever.
// Each op is one event (a send timer or an arrival).
func BenchmarkStream(b *testing.B) {
	w, client, e := connected(b, func(*Inbound) {})
	msg := text("x")
	var tick func()
	tick = func() {
		_ = e.Send(msg)
		client.After(100*time.Microsecond, "", tick)
	}
	tick()
	for b.Loop() {
		w.Step()
	}
}

// connected is a world with a client process on host a connected to a
// server on b:80 whose connections hand every inbound message to handle.
func connected(b *testing.B, handle func(*Inbound)) (*World, *Process, *End) {
	w := unbounded()
	a, s := w.AddHost("a"), w.AddHost("b")
	s.AddService("server", func(p *Process) {
		p.Listen("80", func(e *End) { e.Handle(handle, nil) })
	})
	s.Start("server")
	a.AddService("client", func(*Process) {})
	client := a.Start("client")
	var e *End
	client.Dial("b:80", time.Second, func(end *End, err error) { e = end })
	w.RunUntil(Time(time.Second))
	if e == nil {
		b.Fatal("no connection")
	}
	return w, client, e
}
