package history

import (
	"bytes"
	"cmp"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"
)

// TestPackedRoundTrip: every field of a record comes back as appended,
// by index, by All and through JSONL, negative and large values
// included, with a Seq that is not the index kept.
func TestPackedRoundTrip(t *testing.T) {
	rs := []Record{
		{Seq: 0, At: time.Hour, Start: -time.Second, Kind: Pull, Proc: "c/consumer", Key: "k1", Index: -3,
			MsgID: "AC10075F00002A9F0000000000000000", OffsetMsgID: "AC10075D00002A9F0000000000000042",
			Topic: "t", Group: "g", Broker: "broker-a", BrokerAddr: "10.0.0.1:10911", QueueID: 15,
			QueueOffset: 1 << 40, CommitLogOffset: -1, StoreSize: 200, Attempt: 2, Status: "FOUND",
			Err: "boom\nSee x", NameServer: "ns:9876", RouteAge: -1, Route: "r", Msgs: []MsgRef{{Offset: 7, Key: "k1"}},
			NextOffset: 8, Offset: -1, Queues: []QueueRef{{Broker: "broker-a", QueueID: 1}},
			Counts: map[string]int64{"b": 3}, Target: "x", Detail: "replica", CallSeq: 12, StaleSince: 5 * time.Second},
		{Seq: 5, Kind: Observe, Counts: map[string]int64{}, Msgs: []MsgRef{}},
		{Seq: 6},
		{Seq: 7, Kind: Intend, Key: "k2"},
		{Seq: 8, At: 1, Start: 2, Kind: Deliver, Proc: "p", Key: "k3", Topic: "t"},
	}
	h := Of(rs...)
	if h.Len() != len(rs) {
		t.Fatalf("Len %d", h.Len())
	}
	for i := range rs {
		if got := plain(h.Record(i)); !reflect.DeepEqual(got, rs[i]) {
			t.Errorf("Record(%d) = %+v, want %+v", i, got, rs[i])
		}
		if at, seq := h.At(i), h.Seq(i); at != rs[i].At || seq != rs[i].Seq {
			t.Errorf("At(%d), Seq(%d) = %v, %d, want %v, %d", i, i, at, seq, rs[i].At, rs[i].Seq)
		}
		if key := h.Key(i); key != rs[i].Key {
			t.Errorf("Key(%d) = %q, want %q", i, key, rs[i].Key)
		}
		if seq, at, key := h.Stamp(i); seq != rs[i].Seq || at != rs[i].At || key != rs[i].Key {
			t.Errorf("Stamp(%d) = %d, %v, %q, want %d, %v, %q", i, seq, at, key, rs[i].Seq, rs[i].At, rs[i].Key)
		}
	}
	got := h.Records()
	for i := range got {
		got[i] = plain(got[i])
	}
	if !reflect.DeepEqual(got, rs) {
		t.Errorf("Records() = %+v", got)
	}
	var a bytes.Buffer
	if err := h.WriteJSONL(&a); err != nil {
		t.Fatal(err)
	}
	back, err := ReadJSONL(bytes.NewReader(a.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := back.WriteJSONL(&b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Errorf("JSONL round trip differs:\n%s\n%s", a.Bytes(), b.Bytes())
	}
}

// plain is r without the string ids a History adds (KeyRef, MsgIDRef),
// to compare with a record as appended.
func plain(r Record) Record {
	r.KeyRef, r.MsgIDRef = 0, 0
	return r
}

// TestStringRefs: every record a History yields names its Key and MsgID
// by the ids Lookup and Str agree on, by index, All and AllOf, after
// Seal too; a string no record holds is not found, and "" is id 0.
func TestStringRefs(t *testing.T) {
	h := New(0)
	for i := range 3000 {
		r := Record{Kind: SendReturn, Proc: "p", Key: fmt.Sprintf("k%d", i%1200), Topic: "t"}
		if i%3 != 0 {
			r.MsgID = fmt.Sprintf("id%d", i%700)
		}
		h.Add(r)
	}
	h.Add(Record{Kind: Pull, Msgs: []MsgRef{{Offset: 1, Key: "only-in-a-pull"}}})
	check := func(how string, i int, r Record) {
		t.Helper()
		for _, f := range []struct {
			s  string
			id ID
		}{{r.Key, r.KeyRef}, {r.MsgID, r.MsgIDRef}} {
			id, ok := h.Lookup(f.s)
			if !ok || id != f.id || h.Str(f.id) != f.s || int(f.id) >= h.Strings() || (f.s == "") != (f.id == 0) {
				t.Fatalf("%s %d: %q has ref %d; Lookup = %d, %v; Str = %q; Strings = %d", how, i, f.s, f.id, id, ok, h.Str(f.id), h.Strings())
			}
		}
	}
	for _, sealed := range []bool{false, true} {
		if sealed {
			h.Seal()
		}
		for i := range h.Len() {
			check("Record", i, h.Record(i))
		}
		for i, r := range h.All() {
			check("All", i, r)
		}
		n := 0
		for i, r := range h.AllOf(SendReturn) {
			check("AllOf", i, r)
			n++
		}
		if n != 3000 {
			t.Fatalf("AllOf yielded %d", n)
		}
		if id, ok := h.Lookup("only-in-a-pull"); ok {
			t.Errorf("a pulled key no record field holds has id %d", id)
		}
		if id, ok := h.Lookup("k1199"); !ok || h.Str(id) != "k1199" {
			t.Errorf("Lookup(k1199) = %d, %v", id, ok)
		}
	}
	var zero History
	if id, ok := zero.Lookup("k"); ok || zero.Strings() != 1 || zero.Str(0) != "" {
		t.Errorf("zero History: Lookup = %d, %v; Strings = %d", id, ok, zero.Strings())
	}
}

// TestPackedManyChunks: records past the first chunk are found by index.
func TestPackedManyChunks(t *testing.T) {
	h := New(0)
	const n = 200_000
	for i := range n {
		h.Add(Record{Kind: SendCall, Key: "k", Index: i, At: time.Duration(i)})
	}
	if len(h.chunks) < 2 {
		t.Fatalf("%d chunks; the test wants several", len(h.chunks))
	}
	for _, i := range []int{0, 1, n / 2, n - 1} {
		if r := h.Record(i); r.Index != i || r.Seq != int64(i) || r.At != time.Duration(i) {
			t.Errorf("Record(%d) = %+v", i, r)
		}
	}
	j := 0
	for i, r := range h.All() {
		if i != j || r.Index != i {
			t.Fatalf("All: %d: %+v", i, r)
		}
		j++
	}
	if j != n {
		t.Errorf("All yielded %d", j)
	}
}

// BenchmarkUnpack is one pass over a history of typical records: what
// each judge pays per record to read the packed form.
func BenchmarkUnpack(b *testing.B) {
	h := New(0)
	for i := range 100_000 {
		h.Add(Record{At: time.Duration(i) * time.Millisecond * 1000, Kind: Stored, Proc: "master-a/broker", Key: "m1",
			MsgID: "AC10075F00002A9F0000000000000000", Topic: "TopicTest", Broker: "broker-a", QueueID: i % 16,
			QueueOffset: int64(i), CommitLogOffset: int64(i) * 200, StoreSize: 200})
	}
	b.ResetTimer()
	n := 0
	for b.Loop() {
		for _, r := range h.All() {
			n += r.QueueID
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(h.Len()), "ns/record")
}

// BenchmarkUnpackMixed is BenchmarkUnpack over a run's mix of kinds (a
// message's send call, attempt, two stored copies, return, pull,
// delivery, consume result and offset commit, a millisecond apart, a
// message sent every millisecond: nine in flight), whose fields differ
// from record to record as a run's do.
func BenchmarkUnpackMixed(b *testing.B) {
	var all []Record
	msgs := []MsgRef{{Offset: 1, Key: "m1"}}
	for i := range 12_000 {
		key, at := fmt.Sprintf("m%d", i), time.Duration(i)*time.Millisecond
		q, off := i%16, int64(i/16)
		id := fmt.Sprintf("AC10075F00002A9F%016X", i)
		rs := []Record{
			{Kind: SendCall, Proc: "client/producer", Key: key, Index: i, Topic: "TopicTest"},
			{Kind: SendAttempt, Proc: "client/producer", Key: key, Topic: "TopicTest", Broker: "broker-a", QueueID: q, Attempt: 1, RouteAge: 20 * time.Second},
			{Kind: Stored, Proc: "master-a/broker", Key: key, MsgID: id, Topic: "TopicTest", Broker: "broker-a", QueueID: q, QueueOffset: off, CommitLogOffset: int64(i) * 200, StoreSize: 200},
			{Kind: Stored, Proc: "slave-a/broker", Key: key, MsgID: id, Topic: "TopicTest", Broker: "broker-a", QueueID: q, QueueOffset: off, CommitLogOffset: int64(i) * 200, StoreSize: 200},
			{Kind: SendReturn, Proc: "client/producer", Key: key, MsgID: "C0A8" + id, OffsetMsgID: id, Topic: "TopicTest", Broker: "broker-a", QueueID: q, QueueOffset: off, Status: "SEND_OK"},
			{Kind: Pull, Start: at, Proc: "client/consumer", Group: "g", Topic: "TopicTest", Broker: "broker-a", BrokerAddr: "10.0.0.1:10911", QueueID: q, QueueOffset: off, NextOffset: off + 1, Status: "FOUND", Msgs: msgs, CallSeq: int64(i)},
			{Kind: Deliver, Proc: "client/consumer", Key: key, MsgID: "C0A8" + id, Group: "g", Topic: "TopicTest", Broker: "broker-a", QueueID: q, QueueOffset: off},
			{Kind: ConsumeResult, Proc: "client/consumer", Key: key, Group: "g", Topic: "TopicTest", Broker: "broker-a", QueueID: q, QueueOffset: off, Status: "CONSUME_SUCCESS"},
			{Kind: OffsetCommit, Proc: "client/consumer", Group: "g", Topic: "TopicTest", Broker: "broker-a", BrokerAddr: "10.0.0.1:10911", QueueID: q, Offset: off + 1, Detail: "pull"},
		}
		for j := range rs {
			rs[j].At = at + time.Duration(j)*time.Millisecond
		}
		all = append(all, rs...)
	}
	slices.SortStableFunc(all, func(x, y Record) int { return cmp.Compare(x.At, y.At) })
	h := Of(all...)
	b.ResetTimer()
	n := 0
	for b.Loop() {
		for _, r := range h.All() {
			n += r.QueueID + len(r.Key)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(h.Len()), "ns/record")
}

// BenchmarkPack is appending a typical record: what the model pays per
// record while it runs.
func BenchmarkPack(b *testing.B) {
	keys := make([]string, 1024)
	for i := range keys {
		keys[i] = fmt.Sprintf("m%d", i)
	}
	h := New(0)
	i := 0
	for b.Loop() {
		h.Add(Record{At: time.Duration(i) * time.Millisecond, Kind: Stored, Proc: "master-a/broker", Key: keys[i%1024],
			MsgID: "AC10075F00002A9F0000000000000000", Topic: "TopicTest", Broker: "broker-a", QueueID: i % 16,
			QueueOffset: int64(i), CommitLogOffset: int64(i) * 200, StoreSize: 200})
		i++
		if h.Len() > 1<<20 {
			h = New(0)
		}
	}
}

// BenchmarkPackNew is appending records that each bring new strings, as
// a run's do (every message its own key, msgId and offset msgId, each
// first seen on its send): what the string table pays once it has
// outgrown the cache (2^21 strings here).
func BenchmarkPackNew(b *testing.B) {
	const distinct = 1 << 21
	keys := make([]string, distinct)
	for i := range keys {
		keys[i] = fmt.Sprintf("AC10075F00002A9F%016X", i)
	}
	h := New(distinct)
	i := 0
	for b.Loop() {
		if i == distinct {
			b.StopTimer()
			h, i = New(distinct), 0
			b.StartTimer()
		}
		h.Add(Record{At: time.Duration(i) * time.Millisecond, Kind: Stored, Proc: "master-a/broker", Key: keys[i],
			Topic: "TopicTest", Broker: "broker-a", QueueID: i % 16, QueueOffset: int64(i)})
		i++
	}
}

// TestAllOf: AllOf yields exactly the records of the kinds asked, in
// order, with their indexes, past 255 distinct kinds too.
func TestAllOf(t *testing.T) {
	h := New(0)
	for i := range 600 {
		h.Add(Record{Kind: Kind(fmt.Sprintf("k%d", i%300)), Index: i})
	}
	want := []Kind{"k3", "k299", "k7", "nope"}
	var got []int
	for i, r := range h.AllOf(want...) {
		if r.Index != i || h.Kind(i) != r.Kind {
			t.Fatalf("record %d: %+v, Kind %s", i, r, h.Kind(i))
		}
		got = append(got, i)
	}
	if !reflect.DeepEqual(got, []int{3, 7, 299, 303, 307, 599}) {
		t.Errorf("AllOf yielded %v", got)
	}
	if n := h.Count(want...); n != len(got) {
		t.Errorf("Count = %d, AllOf yielded %d", n, len(got))
	}
	if n := h.Count(); n != 0 {
		t.Errorf("Count() = %d", n)
	}
}

// TestEveryFieldIsPacked: a field added to Record must get its bit in the
// packed form (pack and unpack), or the judges would read it as zero.
// The two string refs the History derives (KeyRef, MsgIDRef) are not
// packed: they are the packed ids of Key and MsgID.
func TestEveryFieldIsPacked(t *testing.T) {
	const derived = 2
	if n := reflect.TypeOf(Record{}).NumField() - derived; n != fStaleSince+1 {
		t.Fatalf("Record has %d packed fields but the packed form knows %d: add the new field to pack, unpack and the field bits", n, fStaleSince+1)
	}
}

// TestSealThenAppend: after Seal, appending finds the strings already
// stored (the same ids, so the packed bytes are the same as without
// Seal) and reads back every record.
func TestSealThenAppend(t *testing.T) {
	rs := []Record{{Kind: SendCall, Key: "k1", Proc: "p"}, {Kind: SendReturn, Key: "k2", Proc: "p"}}
	more := []Record{{Kind: Deliver, Key: "k1", Proc: "q"}, {Kind: Deliver, Key: "k3", Proc: "p"}}
	a, b := New(0), New(0)
	for _, r := range rs {
		a.Add(r)
		b.Add(r)
	}
	a.Seal()
	for _, r := range more {
		a.Add(r)
		b.Add(r)
	}
	if !reflect.DeepEqual(a.Records(), b.Records()) || !reflect.DeepEqual(a.chunks, b.chunks) || !reflect.DeepEqual(a.strs, b.strs) {
		t.Errorf("sealed history differs:\n%+v\n%+v", a.Records(), b.Records())
	}
}
