package check

import (
	"slices"
	"strings"
	"testing"
	"time"

	"rmqsim/history"
)

// hb builds histories in tests; times are milliseconds.
type hb struct{ h history.History }

func (b *hb) add(ms int, r history.Record) int64 {
	r.At = time.Duration(ms) * time.Millisecond
	return b.h.Add(r)
}

// sendOK records a SEND_OK send of key, stored on broker-a's master.
func (b *hb) sendOK(ms int, key, topic string, queue int, off int64) {
	b.add(ms, history.Record{Kind: history.SendCall, Proc: "p", Key: key, Topic: topic})
	b.add(ms, history.Record{Kind: history.SendAttempt, Proc: "p", Key: key, Topic: topic, Broker: "broker-a", QueueID: queue})
	b.add(ms, history.Record{Kind: history.Stored, Proc: "m/broker", Key: key, Topic: topic, Broker: "broker-a", QueueID: queue, QueueOffset: off})
	b.add(ms, history.Record{Kind: history.SendReturn, Proc: "p", Key: key, Topic: topic, Broker: "broker-a", QueueID: queue, QueueOffset: off, Status: "SEND_OK"})
}

func (b *hb) deliver(ms int, proc, group, key, topic string, queue int, off int64) {
	b.add(ms, history.Record{Kind: history.Deliver, Proc: proc, Group: group, Key: key, Topic: topic, Broker: "broker-a", QueueID: queue, QueueOffset: off})
}

func outcome(t *testing.T, r DeliveryResult, p Property) Outcome {
	t.Helper()
	for _, o := range r.Outcomes {
		if o.Property == p {
			return o
		}
	}
	t.Fatalf("no outcome for %s", p)
	return Outcome{}
}

func causesOf(o Outcome) []Cause {
	var cs []Cause
	for _, v := range o.Violations {
		cs = append(cs, v.Cause)
	}
	return cs
}

func TestDeliveryRejectsBadHistories(t *testing.T) {
	if _, err := CheckDelivery(nil, DeliveryOptions{}); err == nil {
		t.Error("nil history accepted")
	}
	bad := history.Of(history.Record{Seq: 0, At: 5}, history.Record{Seq: 0, At: 6})
	if _, err := CheckDelivery(bad, DeliveryOptions{}); err == nil || !strings.Contains(err.Error(), "record 1") {
		t.Errorf("repeated seq: %v", err)
	}
	bad = history.Of(history.Record{Seq: 0, At: 5}, history.Record{Seq: 1, At: 4})
	if _, err := CheckDelivery(bad, DeliveryOptions{}); err == nil || !strings.Contains(err.Error(), "before previous") {
		t.Errorf("time going back: %v", err)
	}
	bad = history.Of(history.Record{Seq: 0, At: 5}, history.Record{Seq: 1, At: 6, Kind: history.Deliver})
	if _, err := CheckDelivery(bad, DeliveryOptions{}); err == nil || !strings.Contains(err.Error(), "deliver without a key") {
		t.Errorf("keyless deliver: %v", err)
	}
}

// TestNoConsumerIsUnknown: with acknowledged messages and no consumer
// anywhere, delivery cannot be judged.
func TestNoConsumerIsUnknown(t *testing.T) {
	var b hb
	b.sendOK(1, "k", "T", 0, 0)
	r, err := CheckDelivery(&b.h, DeliveryOptions{LivenessBound: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []Property{NoAckedLost, Liveness} {
		if o := outcome(t, r, p); o.Verdict() != Unknown || !strings.Contains(o.Note, "no consumer") {
			t.Errorf("%s: %s (%s), want unknown", p, o.Verdict(), o.Note)
		}
	}
}

// TestRequiredGroupsAndTopics: a declared group that never consumed loses
// everything; a group reading topic A owes nothing of topic B.
func TestRequiredGroupsAndTopics(t *testing.T) {
	var b hb
	b.sendOK(1, "a1", "A", 0, 0)
	b.sendOK(2, "b1", "B", 1, 0)
	b.deliver(3, "c", "ga", "a1", "A", 0, 0)
	r, err := CheckDelivery(&b.h, DeliveryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if o := outcome(t, r, NoAckedLost); o.Verdict() != Pass {
		t.Errorf("ga reads only A: %s %v", o.Verdict(), o.Violations)
	}
	r, _ = CheckDelivery(&b.h, DeliveryOptions{Groups: []string{"ga", "gz"}})
	o := outcome(t, r, NoAckedLost)
	var got []string
	for _, v := range o.Violations {
		got = append(got, v.Group+":"+v.Key)
	}
	if want := []string{"gz:a1", "gz:b1"}; !slices.Equal(got, want) {
		t.Errorf("lost %v, want %v", got, want)
	}
}

// TestUndeliveredCauses covers the causes the golden files do not.
func TestUndeliveredCauses(t *testing.T) {
	var b hb
	b.add(0, history.Record{Kind: history.Rebalance, Proc: "c1", Group: "g", Topic: "T",
		Queues: []history.QueueRef{{Broker: "broker-a", QueueID: 0}, {Broker: "broker-a", QueueID: 1}, {Broker: "broker-a", QueueID: 2}}})
	b.sendOK(1, "skipped", "T", 0, 0)
	b.add(2, history.Record{Kind: history.OffsetCommit, Proc: "c1", Group: "g", Topic: "T", Broker: "broker-a", QueueID: 0, Offset: 1})
	b.sendOK(3, "orphan", "T", 1, 0)
	b.add(4, history.Record{Kind: history.Rebalance, Proc: "c1", Group: "g", Topic: "T",
		Queues: []history.QueueRef{{Broker: "broker-a", QueueID: 0}, {Broker: "broker-a", QueueID: 2}}})
	b.add(5, history.Record{Kind: history.SendCall, Proc: "p", Key: "ghostack", Topic: "T"})
	b.add(5, history.Record{Kind: history.SendReturn, Proc: "p", Key: "ghostack", Topic: "T", Broker: "broker-a", QueueID: 2, Status: "SEND_OK"})
	// Without a bound, everything undelivered at the horizon is lost.
	r, err := CheckDelivery(&b.h, DeliveryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Cause{CauseNeverStored, CauseQueueUnowned, CauseOffsetSkipped}
	if got := causesOf(outcome(t, r, NoAckedLost)); !slices.Equal(got, want) {
		t.Fatalf("causes %v, want %v", got, want)
	}
	// With an hour's bound and a 5 ms horizon only the never-stored key is
	// certainly lost; the other two are not due yet.
	r, _ = CheckDelivery(&b.h, DeliveryOptions{LivenessBound: time.Hour})
	o := outcome(t, r, NoAckedLost)
	if got := causesOf(o); !slices.Equal(got, want[:1]) || !o.Undecided || o.Verdict() != Fail {
		t.Errorf("causes %v undecided %v verdict %s", got, o.Undecided, o.Verdict())
	}
	if r.Counts.LostAcked != 1 || r.Counts.PendingAcked != 2 {
		t.Errorf("lost=%d pending=%d, want 1 and 2", r.Counts.LostAcked, r.Counts.PendingAcked)
	}
}

// TestDuplicateCausesFromLifecycle: a broker restart between deliveries,
// and a consumer killed by a Fault on its host.
func TestDuplicateCausesFromLifecycle(t *testing.T) {
	var b hb
	b.sendOK(1, "k1", "T", 0, 0)
	b.sendOK(1, "k2", "T", 0, 1)
	b.deliver(2, "host1/consumer", "g", "k1", "T", 0, 0)
	b.deliver(2, "host2/consumer", "g", "k2", "T", 0, 1)
	b.add(3, history.Record{Kind: history.Fault, Target: "m", Detail: "power-off"})
	b.add(4, history.Record{Kind: history.Fault, Target: "m", Detail: "power-on"})
	b.deliver(5, "host1/consumer", "g", "k1", "T", 0, 0)
	b.add(6, history.Record{Kind: history.Fault, Target: "host2", Detail: "power-off"})
	b.deliver(7, "host1/consumer", "g", "k2", "T", 0, 1)
	r, err := CheckDelivery(&b.h, DeliveryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Cause{CauseBrokerRestart, CauseConsumerRestart}
	if got := causesOf(outcome(t, r, NoDuplicates)); !slices.Equal(got, want) {
		t.Errorf("causes %v, want %v", got, want)
	}
	if r.Counts.Duplicates != 2 || len(r.Duplicates) != 2 {
		t.Errorf("duplicates %d %v", r.Counts.Duplicates, r.Duplicates)
	}
}

// TestSendCounts: every way a send can end is counted once.
func TestSendCounts(t *testing.T) {
	var b hb
	for _, k := range []string{"ok", "flush", "failed", "pending", "never"} {
		b.add(0, history.Record{Kind: history.Intend, Proc: "p", Key: k, Topic: "T"})
	}
	b.sendOK(1, "ok", "T", 0, 0)
	b.add(2, history.Record{Kind: history.SendCall, Proc: "p", Key: "flush"})
	b.add(2, history.Record{Kind: history.SendReturn, Proc: "p", Key: "flush", Broker: "broker-a", QueueOffset: 1, Status: "FLUSH_DISK_TIMEOUT"})
	b.add(3, history.Record{Kind: history.SendCall, Proc: "p", Key: "failed"})
	b.add(3, history.Record{Kind: history.SendReturn, Proc: "p", Key: "failed", Err: "MQClientException: No route info of this topic"})
	b.add(4, history.Record{Kind: history.SendCall, Proc: "p", Key: "pending"})
	r, err := CheckDelivery(&b.h, DeliveryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := Counts{Intended: 5, SendOK: 1, SendNotOK: 1, SendFailed: 1, SendPending: 1, NeverSent: 1, Stored: 1}
	if r.Counts != want {
		t.Errorf("counts %+v, want %+v", r.Counts, want)
	}
}

// TestTwoGroupsDeliveries: a second group's deliveries of a key (kept
// apart from the first group's, ledger.more) are judged and counted on
// their own: a duplicate in either group is that group's, a key the
// second group never got is lost for it alone.
func TestTwoGroupsDeliveries(t *testing.T) {
	var b hb
	b.sendOK(1, "k1", "T", 0, 0)
	b.sendOK(1, "k2", "T", 0, 1)
	b.deliver(2, "c1/consumer", "g1", "k1", "T", 0, 0)
	b.deliver(2, "c2/consumer", "g2", "k1", "T", 0, 0)
	b.deliver(3, "c2/consumer", "g2", "k1", "T", 0, 0) // g2 again
	b.deliver(3, "c1/consumer", "g1", "k2", "T", 0, 1)
	b.deliver(4, "c1/consumer", "g1", "k2", "T", 0, 1) // g1 again
	r, err := CheckDelivery(&b.h, DeliveryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Duplicate{
		{Key: "k1", Group: "g2", Deliveries: 2, Causes: []Cause{CauseUnknown}},
		{Key: "k2", Group: "g1", Deliveries: 2, Causes: []Cause{CauseUnknown}},
	}
	if len(r.Duplicates) != len(want) {
		t.Fatalf("duplicates %+v, want %+v", r.Duplicates, want)
	}
	for i, d := range r.Duplicates {
		if d.Key != want[i].Key || d.Group != want[i].Group || d.Deliveries != want[i].Deliveries || !slices.Equal(d.Causes, want[i].Causes) {
			t.Errorf("duplicate %d = %+v, want %+v", i, d, want[i])
		}
	}
	lost := outcome(t, r, NoAckedLost)
	if len(lost.Violations) != 1 || lost.Violations[0].Key != "k2" || lost.Violations[0].Group != "g2" {
		t.Errorf("lost %+v, want k2 for g2 only", lost.Violations)
	}
	if r.Counts.Duplicates != 2 || r.Counts.ConsumedUnique != 2 || r.Counts.LostAcked != 1 {
		t.Errorf("counts %+v", r.Counts)
	}
}
