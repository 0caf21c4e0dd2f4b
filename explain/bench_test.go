package explain

import (
	"fmt"
	"testing"
	"time"

	"rmqsim/history"
)

// fieldLike builds a history shaped like the field experiment: n messages
// meant, the first sent ones acknowledged and consumed round robin over
// 32 queues, then a send() that threw and the rest never sent.
func fieldLike(n, sent int) *history.History {
	h := &history.History{}
	add := func(at time.Duration, r history.Record) {
		r.At = at
		h.Add(r)
	}
	add(0, history.Record{Kind: history.ProcStart, Proc: "nameserver01/namesrv"})
	add(0, history.Record{Kind: history.ProcStart, Proc: "master01/broker"})
	add(0, history.Record{Kind: history.ProcStart, Proc: "master02/broker"})
	for i := 0; i < n; i++ {
		add(0, history.Record{Kind: history.Intend, Proc: "client01/p1", Key: fmt.Sprintf("NameServer Test%d", i), Index: i, Topic: "t"})
	}
	add(time.Second, history.Record{Kind: history.ProcStart, Proc: "client01/c1", Detail: "consumer"})
	add(time.Second, history.Record{Kind: history.ProcStart, Proc: "client01/p1"})
	offsets := map[int]int64{}
	t := time.Second
	for i := 0; i < sent; i++ {
		key := fmt.Sprintf("NameServer Test%d", i)
		q := (i + 8) % 32
		broker, host := "broker-a", "master01"
		if q >= 16 {
			broker, host = "broker-b", "master02"
		}
		off := offsets[q]
		offsets[q]++
		t += time.Millisecond
		add(t, history.Record{Kind: history.SendCall, Proc: "client01/p1", Key: key, Index: i, Topic: "t"})
		add(t, history.Record{Kind: history.SendAttempt, Proc: "client01/p1", Key: key, Topic: "t", Broker: broker, QueueID: q % 16, Attempt: 1, RouteAge: 5 * time.Second, NameServer: "nameserver01:9876"})
		add(t, history.Record{Kind: history.Stored, Proc: host + "/broker", Key: key, Topic: "t", Broker: broker, QueueID: q % 16, QueueOffset: off})
		add(t, history.Record{Kind: history.SendReturn, Proc: "client01/p1", Key: key, Topic: "t", Status: "SEND_OK", Broker: broker, QueueID: q % 16, QueueOffset: off})
		add(t, history.Record{Kind: history.Deliver, Proc: "client01/c1", Key: key, Topic: "t", Broker: broker, QueueID: q % 16, QueueOffset: off})
	}
	key := fmt.Sprintf("NameServer Test%d", sent)
	add(t, history.Record{Kind: history.Fault, Target: "nameserver01", Detail: "power-off"})
	add(t, history.Record{Kind: history.SendCall, Proc: "client01/p1", Key: key, Index: sent, Topic: "t"})
	add(t, history.Record{Kind: history.RouteRefresh, Proc: "client01/p1", Topic: "t", NameServer: "nameserver01:9876", Err: "RemotingConnectException: connect to [nameserver01:9876] failed"})
	add(t+3*time.Second, history.Record{Kind: history.SendReturn, Proc: "client01/p1", Key: key, Topic: "t", Err: "java.lang.IllegalStateException: connect to [nameserver01:9876] failed"})
	add(t+3*time.Second, history.Record{Kind: history.ProgramExit, Proc: "client01/p1", Detail: "send() threw"})
	return h
}

// TestLinearSize: the field experiment's 10,200 messages explain quickly,
// and the never-sent ones share one cause.
func TestLinearSize(t *testing.T) {
	h := fieldLike(10200, 567)
	start := time.Now()
	e := Explain(h, Options{})
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("10,200 messages took %v", d)
	}
	if e.FateCounts[string(ConsumedOnce)] != 567 || e.FateCounts[string(SendFailed)] != 1 ||
		e.FateCounts[string(NeverSent)] != 10200-568 {
		t.Errorf("fates %v", e.FateCounts)
	}
	if len(e.Causes) != 3 {
		t.Errorf("causes %+v", e.Causes)
	}
}

func BenchmarkExplain(b *testing.B) {
	h := fieldLike(10200, 567)
	b.ReportAllocs()
	for b.Loop() {
		Explain(h, Options{})
	}
	b.ReportMetric(float64(h.Len()), "records/op")
}
