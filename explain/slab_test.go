package explain

import (
	"reflect"
	"testing"

	"rmqsim/history"
)

// TestLineSlab: the teller's slab hands out slices that do not overlap
// and are capped at their length, across slab boundaries too, so no
// append to one chain's lines can write into another's.
func TestLineSlab(t *testing.T) {
	tl := &teller{}
	var got [][]line
	for i := range 3 * lineSlab / 7 {
		n := i % 9
		ls := tl.lines(n)
		if len(ls) != n || cap(ls) != n || ls == nil {
			t.Fatalf("lines(%d): len %d cap %d nil %v", n, len(ls), cap(ls), ls == nil)
		}
		for j := range ls {
			ls[j] = line{rec: int32(i), aux: int32(j)}
		}
		got = append(got, ls)
	}
	big := tl.lines(lineSlab)
	if len(big) != lineSlab {
		t.Fatalf("lines(%d): len %d", lineSlab, len(big))
	}
	for i, ls := range got {
		for j, l := range ls {
			if l != (line{rec: int32(i), aux: int32(j)}) {
				t.Fatalf("chain %d line %d overwritten: %+v", i, j, l)
			}
		}
	}
}

// TestCommitsLoadedLazily: the committed offsets read when first asked
// for are the ones a pass filing every OffsetCommit of the group (or
// of every group, and records without one) by its queue finds, in
// record order.
func TestCommitsLoadedLazily(t *testing.T) {
	var rs []history.Record
	for i := range 500 {
		rs = append(rs, history.Record{Kind: history.OffsetCommit, Proc: "c/consumer",
			Group: []string{"g1", "g2", ""}[i%3], Topic: []string{"t", "u"}[i/3%2],
			Broker: []string{"broker-a", "broker-b"}[i%5%2], QueueID: i % 4, Offset: int64(i)})
		if i%7 == 0 {
			rs = append(rs, history.Record{Kind: history.Pull, Proc: "c/consumer", Group: "g1", Topic: "t", Broker: "broker-a", QueueID: i % 4})
		}
	}
	h := history.Of(rs...)
	for _, group := range []string{"", "g1", "g2"} {
		want := map[mq][]commit{}
		for i, r := range h.All() {
			if r.Kind == history.OffsetCommit && (group == "" || r.Group == "" || r.Group == group) {
				q := mq{r.Topic, r.Broker, r.QueueID}
				want[q] = append(want[q], commit{seq: i, offset: r.Offset})
			}
		}
		qs := newQueues(h, group)
		for i, r := range h.All() {
			qs.add(i, &r, group)
		}
		for q, w := range want {
			if got := qs.commitsOf(qs.state(q)); !reflect.DeepEqual(got, w) {
				t.Errorf("group %q queue %v: commits %v, want %v", group, q, got, w)
			}
			if got, w := qs.committedAt(qs.state(q), h.Len()), w[len(w)-1].offset; got != w {
				t.Errorf("group %q queue %v: committedAt(end) = %d, want %d", group, q, got, w)
			}
		}
		if got := qs.committedAt(qs.state(mq{"none", "broker-c", 0}), h.Len()); got != -1 {
			t.Errorf("group %q: a queue without commits: committedAt %d", group, got)
		}
		if len(want) < 8 {
			t.Fatalf("only %d queues", len(want))
		}
	}
}
