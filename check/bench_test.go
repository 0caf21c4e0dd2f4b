package check

import (
	"cmp"
	"fmt"
	"slices"
	"testing"
	"time"

	"rmqsim/history"
)

// synthetic builds a clean run of n messages: one sync producer sending
// round robin over broker-a and broker-b (16 queues each), 1 ms a send,
// stored on master and slave; two consumers (one per broker) whose
// long-polling pulls return after 1-4 new messages (so each read overlaps
// several appends), carry an offset commit (recorded when the pull is
// sent, as the model does), and deliver; every tenth pull
// is followed by a NO_NEW_MSG one. Deterministic, no randomness.
func synthetic(n int) *history.History {
	s := &synth{}
	for i := range n {
		s.add(0, history.Record{Kind: history.Intend, Proc: "client/producer", Key: synthKey(i), Topic: "TopicTest", Index: i})
	}
	for c, b := range []string{"broker-a", "broker-b"} {
		var qs []history.QueueRef
		for q := range 16 {
			qs = append(qs, history.QueueRef{Broker: b, QueueID: q})
		}
		s.add(500*time.Millisecond, history.Record{Kind: history.Rebalance, Proc: fmt.Sprintf("c%d/consumer", c+1), Group: "g", Topic: "TopicTest", Queues: qs})
	}
	for q := range synthQueues {
		r := s.base(q)
		r.Kind, r.Offset, r.Start = history.OffsetRead, -1, 550*time.Millisecond
		s.add(600*time.Millisecond, r)
		s.lastPull[q] = 700 * time.Millisecond
	}
	for i := range n {
		s.send(i, time.Second+time.Duration(i)*time.Millisecond)
	}
	end := time.Second + time.Duration(n)*time.Millisecond + time.Second
	for q := range synthQueues {
		if len(s.pending[q]) > 0 {
			s.pull(q, end)
		}
	}
	s.add(end+time.Minute, history.Record{Kind: history.Step, Detail: "end"})
	slices.SortStableFunc(s.evs, func(a, b history.Record) int { return cmp.Compare(a.At, b.At) })
	h := &history.History{}
	for _, r := range s.evs {
		h.Add(r)
	}
	return h
}

const synthQueues = 32

// synth is the synthetic run's state: records (sorted by time at the
// end), and per queue the next offset, the consumer's position, its
// undelivered messages and its last pull.
type synth struct {
	evs      []history.Record
	next     [synthQueues]int64
	pos      [synthQueues]int64
	pending  [synthQueues][]history.MsgRef
	lastPull [synthQueues]time.Duration
	pulls    [synthQueues]int
}

func synthKey(i int) string { return fmt.Sprintf("NameServer Test%d", i) }

func (s *synth) add(at time.Duration, r history.Record) {
	r.At = at
	s.evs = append(s.evs, r)
}

// base is a consumer-side record of queue q.
func (s *synth) base(q int) history.Record {
	b, proc := "broker-a", "c1/consumer"
	if q >= 16 {
		b, proc = "broker-b", "c2/consumer"
	}
	return history.Record{Proc: proc, Group: "g", Topic: "TopicTest", Broker: b, QueueID: q % 16, BrokerAddr: b + ":10911"}
}

// send is message i at t0: call, attempt, stored on master and slave,
// SEND_OK 1 ms later; the queue's pull returns after 1+q%4 of them.
func (s *synth) send(i int, t0 time.Duration) {
	q := i % synthQueues
	c := s.base(q)
	r := history.Record{Proc: "client/producer", Key: synthKey(i), Topic: "TopicTest", Broker: c.Broker, QueueID: c.QueueID, QueueOffset: s.next[q]}
	call := r
	call.Kind, call.Index, call.Broker, call.QueueOffset = history.SendCall, i, "", 0
	s.add(t0, call)
	a := r
	a.Kind, a.Attempt, a.BrokerAddr = history.SendAttempt, 1, c.BrokerAddr
	s.add(t0, a)
	st := r
	st.Kind, st.Proc = history.Stored, "master-"+c.Broker+"/broker"
	s.add(t0+300*time.Microsecond, st)
	st.Proc, st.Detail = "slave-"+c.Broker+"/broker", "replica"
	s.add(t0+500*time.Microsecond, st)
	ret := r
	ret.Kind, ret.Status, ret.MsgID = history.SendReturn, "SEND_OK", fmt.Sprintf("M%d", i)
	s.add(t0+time.Millisecond, ret)
	s.pending[q] = append(s.pending[q], history.MsgRef{Offset: s.next[q], Key: r.Key})
	s.next[q]++
	if len(s.pending[q]) == 1+q%4 {
		s.pull(q, t0+time.Millisecond+100*time.Microsecond)
	}
}

// pull returns the queue's long poll at 'at' with its pending messages,
// commits the position it pulled from, and delivers them.
func (s *synth) pull(q int, at time.Duration) {
	c := s.base(q)
	c.Kind, c.Offset, c.Detail = history.OffsetCommit, s.pos[q], "pull"
	s.add(s.lastPull[q], c) // recorded when the pull carrying it is sent
	p := s.base(q)
	p.Kind, p.Start, p.QueueOffset, p.Status, p.Msgs = history.Pull, s.lastPull[q], s.pos[q], "FOUND", s.pending[q]
	p.NextOffset = s.pos[q] + int64(len(s.pending[q]))
	s.add(at, p)
	for j, m := range s.pending[q] {
		d := s.base(q)
		d.Kind, d.Key, d.QueueOffset = history.Deliver, m.Key, m.Offset
		s.add(at+time.Duration(j+1)*10*time.Microsecond, d)
		d.Kind, d.Status = history.ConsumeResult, "CONSUME_SUCCESS"
		s.add(at+time.Duration(j+1)*10*time.Microsecond, d)
	}
	s.pos[q] += int64(len(s.pending[q]))
	s.pending[q], s.lastPull[q] = nil, at
	if s.pulls[q]++; s.pulls[q]%10 == 0 {
		e := s.base(q)
		e.Kind, e.Start, e.QueueOffset, e.Status, e.NextOffset = history.Pull, at, s.pos[q], "NO_NEW_MSG", s.pos[q]
		s.add(at+500*time.Microsecond, e)
		s.lastPull[q] = at + 500*time.Microsecond
	}
}

const benchMessages = 10200

// TestSyntheticIsClean: the benchmark history is a correct run, so every
// verdict passes (the benchmarks measure the full, successful search).
func TestSyntheticIsClean(t *testing.T) {
	h := synthetic(benchMessages)
	r, err := Judge(h, Config{
		Delivery: DeliveryOptions{LivenessBound: 30 * time.Second},
		Linear:   LinearOptions{Timeout: 30 * time.Second},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range r.Properties {
		if p.Verdict != Pass {
			t.Errorf("%s: %s (%s)", p.Property, p.Verdict, p.Note)
		}
	}
	if r.Counts.SendOK != benchMessages || r.Counts.ConsumedUnique != benchMessages || len(r.Partitions) != 64 {
		t.Errorf("counts %+v, %d partitions", r.Counts, len(r.Partitions))
	}
}

func BenchmarkDeliveryJudge(b *testing.B) {
	h := synthetic(benchMessages)
	for b.Loop() {
		if _, err := CheckDelivery(h, DeliveryOptions{LivenessBound: 30 * time.Second}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(h.Len()), "records")
}

func BenchmarkLinearizability(b *testing.B) {
	h := synthetic(benchMessages)
	for b.Loop() {
		res, err := CheckLinearizability(h, LinearOptions{Timeout: 30 * time.Second})
		if err != nil {
			b.Fatal(err)
		}
		if v := res.Outcomes[0].Verdict(); v != Pass {
			b.Fatalf("synthetic history: %s", v)
		}
	}
	b.ReportMetric(float64(h.Len()), "records")
}
