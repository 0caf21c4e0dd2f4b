package model

import (
	"bytes"
	"fmt"
	"reflect"
	"runtime"
	"testing"

	"rmqsim/history"
	"rmqsim/sim"
)

// TestRecorder_PackedBehindEqualsPackedAtOnce: with a core to spare the
// recorder packs records on other goroutines, a batch at a time; the
// history (records, Seqs, slices), the trace and what the watches see
// are those of packing each record at once, on one P or two, including
// a History read mid-run and a last batch left half full.
func TestRecorder_PackedBehindEqualsPackedAtOnce(t *testing.T) {
	n := 3*batchLen + batchLen/2
	run := func(spare bool, procs int) ([]history.Record, []int64, []byte, uint64) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		w := sim.NewWorld(sim.Config{Seed: 1, SpareCore: spare})
		var trace bytes.Buffer
		w.SetTraceWriter(&trace)
		r := NewRecorder(w, history.New(0))
		var seen []int64
		r.Watch(func(rec *history.Record) { seen = append(seen, rec.Seq) })
		for i := range n {
			rec := history.Record{Kind: history.Stored, Proc: "p/producer", Key: fmt.Sprintf("k%d", i%(n/3)),
				Topic: "T", Broker: "broker-a", QueueID: i % 16, QueueOffset: int64(i)}
			if i%7 == 0 {
				rec.Kind = history.Pull
				rec.Msgs = []history.MsgRef{{Offset: int64(i), Key: rec.Key}}
			}
			w.At(w.Now().Add(1000), func() { r.Add(rec) })
			w.RunUntil(w.Now().Add(1000))
			if i == batchLen+5 {
				if got := r.History().Len(); got != i+1 {
					t.Fatalf("spare=%v: History mid-run holds %d records, want %d", spare, got, i+1)
				}
			}
		}
		if handedOff := r.spare != nil; handedOff != spare {
			t.Fatalf("spare=%v: batches packed on other goroutines: %v", spare, handedOff)
		}
		return r.History().Records(), seen, trace.Bytes(), w.TraceHash()
	}
	recs0, seen0, trace0, hash0 := run(false, 2)
	if len(recs0) != n || len(seen0) != n || seen0[n-1] != int64(n-1) {
		t.Fatalf("at once: %d records, %d seen, last seen Seq %d; want %d", len(recs0), len(seen0), seen0[len(seen0)-1], n)
	}
	for _, procs := range []int{1, 2} {
		recs, seen, trace, hash := run(true, procs)
		if !reflect.DeepEqual(recs, recs0) || !reflect.DeepEqual(seen, seen0) || !bytes.Equal(trace, trace0) || hash != hash0 {
			t.Fatalf("GOMAXPROCS=%d: packed behind differs: records %v, watched Seqs %v, trace %v, hash %v equal",
				procs, reflect.DeepEqual(recs, recs0), reflect.DeepEqual(seen, seen0), bytes.Equal(trace, trace0), hash == hash0)
		}
	}
}
