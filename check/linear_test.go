package check

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"rmqsim/history"
)

func logOf(keys ...string) lstate {
	var s lstate
	for _, k := range keys {
		s = s.push(k)
	}
	return s
}

// TestLogStateHashEqual: logs with the same keys are equal and hash equal
// however they were built; different logs are not equal.
func TestLogStateHashEqual(t *testing.T) {
	a := logOf("k0", "k1", "k2")
	_, b := step(logOf("k0", "k1", "x"), &truncIn{2}, noOut{})
	b = b.(lstate).push("k2")
	if !a.equal(b.(lstate)) || a.hash() != b.(lstate).hash() {
		t.Fatalf("equal logs: equal=%v hashes %x %x", a.equal(b.(lstate)), a.hash(), b.(lstate).hash())
	}
	for _, c := range []lstate{logOf("k0", "k1"), logOf("k0", "k1", "k3"), logOf("k0k1", "k2"), {set: true}} {
		if a.equal(c) {
			t.Errorf("%s equals %s", describeState(a), describeState(c))
		}
	}
	r1, r2 := lstate{set: true, off: 3}, lstate{set: true, off: 3}
	if !r1.equal(r2) || r1.hash() != r2.hash() || r1.equal(lstate{set: true, off: 4}) {
		t.Error("register states compare wrongly")
	}
}

// TestStepPure: stepping never changes the state it was given.
func TestStepPure(t *testing.T) {
	s := logOf("k0", "k1")
	before := describeState(s)
	for _, c := range []struct{ in, out any }{
		{&appendIn{"k2"}, &appendOut{offset: 2, known: true}},
		{&appendIn{"k9"}, &appendOut{}},
		{&truncIn{0}, noOut{}},
		{&readIn{0}, &readOut{status: "FOUND", msgs: []history.MsgRef{{Offset: 0, Key: "k0"}}}},
		{&commitIn{7}, noOut{}},
	} {
		step(s, c.in, c.out)
		if describeState(s) != before || s.length() != 2 {
			t.Fatalf("%T changed the state to %s", c.in, describeState(s))
		}
	}
}

func TestReadOK(t *testing.T) {
	s := logOf("k0", "k1", "k2")
	found := func(off int64, keys ...string) *readOut {
		o := &readOut{status: "FOUND"}
		for i, k := range keys {
			o.msgs = append(o.msgs, history.MsgRef{Offset: off + int64(i), Key: k})
		}
		return o
	}
	for _, c := range []struct {
		name string
		off  int64
		out  *readOut
		ok   bool
	}{
		{"whole log", 0, found(0, "k0", "k1", "k2"), true},
		{"tail", 2, found(2, "k2"), true},
		{"wrong key", 1, found(1, "k9"), false},
		{"past the end", 2, found(2, "k2", "k3"), false},
		{"gap", 0, &readOut{status: "FOUND", msgs: []history.MsgRef{{Offset: 0, Key: "k0"}, {Offset: 2, Key: "k2"}}}, false},
		{"starts late", 0, found(1, "k1"), false},
		{"no new at end", 3, &readOut{status: "NO_NEW_MSG"}, true},
		{"no new misses k2", 2, &readOut{status: "NO_NEW_MSG"}, false},
		{"illegal beyond", 5, &readOut{status: "OFFSET_ILLEGAL"}, true},
		{"illegal inside", 1, &readOut{status: "OFFSET_ILLEGAL"}, false},
		{"filtered says nothing", 1, &readOut{status: "NO_MATCHED_MSG"}, true},
	} {
		if got := readOK(s, c.off, c.out); got != c.ok {
			t.Errorf("%s: readOK = %v, want %v", c.name, got, c.ok)
		}
	}
}

// TestStamper: records at the same virtual time keep their Seq order; a
// call without CallSeq goes before every record of its Start tick; with
// CallSeq exactly where recorded; never after its own record.
func TestStamper(t *testing.T) {
	var h history.History
	for _, at := range []time.Duration{0, 5, 5, 5, 9} {
		h.Add(history.Record{At: at, Kind: history.Step})
	}
	st := newStamper(&h)
	if st.at(1) >= st.at(2) {
		t.Error("same-tick records not ordered by seq")
	}
	r := history.Record{Seq: 4, At: 9, Start: 5}
	if got := st.call(&r); got != 2*1+1 {
		t.Errorf("call from Start = %d, want %d (before seq 1)", got, 3)
	}
	r.CallSeq = 3
	if got := st.call(&r); got != 2*3+1 || got <= st.at(2) || got >= st.at(3) {
		t.Errorf("call from CallSeq = %d, want between seq 2 and 3", got)
	}
	r = history.Record{Seq: 1, At: 5, Start: 9}
	if got := st.call(&r); got >= st.at(1) {
		t.Errorf("call %d after its own return %d", got, st.at(1))
	}
	if st.infinity <= st.at(4) {
		t.Error("infinity is not after the last record")
	}
}

// TestStamperSampled: in an ordered history the sampled search finds the
// same first record at or after each time as a search of every record,
// across strides, repeated times and both ends.
func TestStamperSampled(t *testing.T) {
	h := history.New(0)
	var ats []time.Duration
	for i := range 5*stampEvery + 7 {
		at := time.Duration(i / 3 * 10) // three records a tick
		ats = append(ats, at)
		h.Add(history.Record{At: at, Kind: history.Step})
	}
	st := newStamper(h)
	if st.sampled == nil {
		t.Fatal("an ordered history was not sampled")
	}
	for at := time.Duration(-5); at <= ats[len(ats)-1]+15; at++ {
		want := sort.Search(len(ats), func(i int) bool { return ats[i] >= at })
		if got := st.firstAtOrAfter(at); got != want {
			t.Fatalf("firstAtOrAfter(%v) = %d, want %d", at, got, want)
		}
	}
}

// TestLinearizabilityFindsStaleSlaveRead: the lagging-slave history is
// illegal (with the HTML written, faults annotated), the clean one Ok.
func TestLinearizabilityFindsStaleSlaveRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stale.html")
	res, err := CheckLinearizability(readHistory(t, "stale_slave"), LinearOptions{Timeout: 10 * time.Second, VisualizePath: path})
	if err != nil {
		t.Fatal(err)
	}
	if v := res.Outcomes[0].Verdict(); res.Outcomes[0].Property != LinearQueues || v != Fail {
		t.Fatalf("stale slave read: %s %s, want fail", res.Outcomes[0].Property, v)
	}
	if res.Visualization != path {
		t.Fatalf("visualization %q, want %q", res.Visualization, path)
	}
	html, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"kill master-a/broker", "read(2) → NO_NEW_MSG", "kill master"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("visualisation lacks %q", want)
		}
	}
	clean, err := CheckLinearizability(readHistory(t, "stale_clean"), LinearOptions{Timeout: 10 * time.Second, VisualizePath: path + ".clean"})
	if err != nil {
		t.Fatal(err)
	}
	if v := clean.Outcomes[0].Verdict(); v != Pass {
		t.Fatalf("clean slave read: %s, want pass", v)
	}
	if _, err := os.Stat(path + ".clean"); !os.IsNotExist(err) || clean.Visualization != "" {
		t.Error("a linearizable history was visualised")
	}
}

// TestLinearizabilityTimeoutIsUnknown: a search cut short is unknown,
// never pass; and a timeout is mandatory.
func TestLinearizabilityTimeoutIsUnknown(t *testing.T) {
	h := readHistory(t, "explode")
	res, err := CheckLinearizability(h, LinearOptions{Timeout: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range res.Outcomes {
		if o.Verdict() != Unknown {
			t.Errorf("%s: %s after a timeout, want unknown", o.Property, o.Verdict())
		}
	}
	if _, err := CheckLinearizability(h, LinearOptions{}); err == nil {
		t.Error("no error without a timeout")
	}
}

func TestVisualizeWriteError(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "missing", "dir", "x.html")
	res, err := CheckLinearizability(readHistory(t, "stale_slave"), LinearOptions{Timeout: 10 * time.Second, VisualizePath: bad})
	if err == nil || res.Outcomes == nil || res.Visualization != "" {
		t.Fatalf("err=%v outcomes=%v visualization=%q", err, res.Outcomes, res.Visualization)
	}
}

// TestIllegalFromTheFirstOperation: an append returning offset 3 on an
// empty log; the culprit is named even though nothing linearizes.
func TestIllegalFromTheFirstOperation(t *testing.T) {
	var b hb
	b.add(1, history.Record{Kind: history.SendAttempt, Proc: "p", Key: "k", Broker: "broker-a"})
	b.add(2, history.Record{Kind: history.SendReturn, Proc: "p", Key: "k", Broker: "broker-a", QueueOffset: 3, Status: "SEND_OK"})
	res, err := CheckLinearizability(&b.h, LinearOptions{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	o := res.Outcomes[0]
	if o.Verdict() != Fail || len(o.Violations) != 1 {
		t.Fatalf("%s %v", o.Verdict(), o.Violations)
	}
	v := o.Violations[0]
	if !strings.Contains(v.Reason, "after 0 operations none can be followed by append(k) → 3") || len(v.Seqs) != 2 {
		t.Errorf("reason %q seqs %v", v.Reason, v.Seqs)
	}
}
