package check

import (
	"maps"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"rmqsim/history"
)

// buildHistory appends records, assigning Seq and a 1 ms clock.
func buildHistory(recs ...history.Record) *history.History {
	h := &history.History{}
	for i, r := range recs {
		r.At = time.Duration(i) * time.Millisecond
		if r.Kind == history.Pull {
			r.Start = r.At // called when it returned: after every earlier record
		}
		h.Add(r)
	}
	return h
}

func sendOK(key string, off int64) []history.Record {
	q := history.Record{Topic: "T", Broker: "broker-a", QueueID: 0, BrokerAddr: "master-a:10911"}
	call, att, ret, st := q, q, q, q
	call.Kind, call.Key, call.Proc = history.SendCall, key, "p"
	att.Kind, att.Key, att.Proc, att.Attempt = history.SendAttempt, key, "p", 1
	ret.Kind, ret.Key, ret.Proc, ret.Status, ret.QueueOffset = history.SendReturn, key, "p", "SEND_OK", off
	st.Kind, st.Key, st.Proc, st.QueueOffset = history.Stored, key, "master-a/broker", off
	return []history.Record{call, att, st, ret}
}

func slavePulls(n int, status string, off int64) []history.Record {
	var out []history.Record
	for range n {
		out = append(out, history.Record{Kind: history.Pull, Proc: "c", Group: "g", Topic: "T", Broker: "broker-a",
			QueueID: 0, BrokerAddr: "slave-a:10911", QueueOffset: off, NextOffset: off, Status: status})
	}
	return out
}

func logOps(t *testing.T, h *history.History) *part {
	t.Helper()
	for _, p := range buildOps(h, false) {
		if p.kind == "log" {
			return p
		}
	}
	t.Fatal("no log partition")
	return nil
}

// TestRepeatedEmptyReadsCollapse: a client spinning on the same empty
// answer at the same offset becomes one read (the last), which keeps the
// verdict: stale when the offset had been appended, legal when not.
// NO_MATCHED_MSG answers constrain nothing and become no operation.
func TestRepeatedEmptyReadsCollapse(t *testing.T) {
	cases := []struct {
		name   string
		pulls  []history.Record
		ops    int
		result Verdict
	}{
		{"stale NO_NEW_MSG at an appended offset", slavePulls(1000, "NO_NEW_MSG", 0), 2, Fail},
		{"NO_NEW_MSG past the end", slavePulls(1000, "NO_NEW_MSG", 1), 2, Pass},
		{"NO_MATCHED_MSG says nothing", slavePulls(1000, "NO_MATCHED_MSG", 0), 1, Pass},
	}
	for _, c := range cases {
		h := buildHistory(append(sendOK("k0", 0), c.pulls...)...)
		if p := logOps(t, h); len(p.ops) != c.ops {
			t.Errorf("%s: %d operations, want %d", c.name, len(p.ops), c.ops)
		}
		res, err := CheckLinearizability(h, LinearOptions{Timeout: 10 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		if v := res.Outcomes[0].Verdict(); v != c.result {
			t.Errorf("%s: %s, want %s", c.name, v, c.result)
		}
	}
}

// TestPendingAttemptsSettledByStore: an attempt whose outcome the client
// never saw appends nothing if no master stored its key there, and
// appends at the stored offset if one did.
func TestPendingAttemptsSettledByStore(t *testing.T) {
	q := history.Record{Topic: "T", Broker: "broker-a", QueueID: 0, BrokerAddr: "master-a:10911", Proc: "p"}
	refused, timedOut := q, q
	refused.Kind, refused.Key = history.SendAttempt, "k1"
	timedOut.Kind, timedOut.Key = history.SendAttempt, "k2"
	fail1, fail2 := q, q
	fail1.Kind, fail1.Key, fail1.Err = history.SendAttemptFail, "k1", "RemotingConnectException: connect to master-a:10911 failed"
	fail2.Kind, fail2.Key, fail2.Err = history.SendAttemptFail, "k2", "RemotingTimeoutException: wait response timeout"
	stored := q
	stored.Kind, stored.Key, stored.Proc, stored.QueueOffset = history.Stored, "k2", "master-a/broker", 1
	recs := append(sendOK("k0", 0), refused, fail1, timedOut, stored, fail2)
	p := logOps(t, buildHistory(recs...))
	var keys []string
	for _, op := range p.ops {
		in := op.Input.(*appendIn)
		keys = append(keys, in.key)
		if out := op.Output.(*appendOut); in.key == "k2" && (!out.known || out.offset != 1) {
			t.Errorf("k2: output %+v, want the stored offset 1", out)
		}
	}
	if len(keys) != 2 || keys[0] != "k0" || keys[1] != "k2" {
		t.Errorf("appends %v, want [k0 k2]: the refused k1 was never stored, so it appends nothing", keys)
	}
}

// TestSkipUnreadKeepsObservedCommits: building without the commits no
// read observes gives the same partitions, the same sizes, and for each
// register exactly the operations observedCommits keeps of the full
// build (so checkPartition sees the same list either way).
func TestSkipUnreadKeepsObservedCommits(t *testing.T) {
	names, err := filepath.Glob(filepath.Join("testdata", "*.jsonl"))
	if err != nil || len(names) == 0 {
		t.Fatal("no test histories", err)
	}
	unread, kept := 0, 0
	defer func() {
		if unread == 0 || kept == 0 {
			t.Errorf("the histories left out %d commits and kept %d register operations: the test shows nothing", unread, kept)
		}
	}()
	commits := func(group string, off int64, detail string) history.Record {
		return history.Record{Kind: history.OffsetCommit, Proc: "c", Group: group, Topic: "T", Broker: "broker-a",
			BrokerAddr: "master-a:10911", Offset: off, Detail: detail}
	}
	pull := history.Record{Kind: history.Pull, Proc: "c", Group: "g", Topic: "T", Broker: "broker-a",
		BrokerAddr: "master-a:10911", QueueOffset: 0, NextOffset: 0, Status: "NO_NEW_MSG"}
	read := history.Record{Kind: history.OffsetRead, Proc: "c", Group: "g", Topic: "T", Broker: "broker-a", Offset: 4}
	made := history.New(0)
	for _, r := range []history.Record{commits("g", 3, "oneway"), commits("g", 4, "pull"), read,
		commits("g", 6, "pull"), pull, pull, commits("g", 7, "oneway"), commits("g2", 1, "oneway")} {
		made.Add(r)
	}
	hs := map[string]*history.History{"made": made}
	for _, name := range names {
		hs[name] = readHistory(t, strings.TrimSuffix(filepath.Base(name), ".jsonl"))
	}
	for _, name := range slices.Sorted(maps.Keys(hs)) {
		h := hs[name]
		full, skip := buildOps(h, false), buildOps(h, true)
		if len(full) != len(skip) {
			t.Fatalf("%s: %d partitions, %d with skipUnread", name, len(full), len(skip))
		}
		for i, f := range full {
			s := skip[i]
			if f.kind != s.kind || f.name != s.name || f.size() != s.size() || f.slave != s.slave || f.restarted != s.restarted {
				t.Errorf("%s: partition %s %s (%d ops) vs %s %s (%d)", name, f.kind, f.name, f.size(), s.kind, s.name, s.size())
				continue
			}
			want := f.ops
			if f.kind == "offset" {
				want = observedCommits(f.ops)
				unread, kept = unread+s.unread, kept+len(s.ops)
			}
			if len(want) != len(s.ops) || (len(want) > 0 && !reflect.DeepEqual(want, s.ops)) {
				t.Errorf("%s: %s: operations differ:\n%v\n%v", name, s.name, want, s.ops)
			}
		}
	}
}

// TestLazyTopicsAsTheFirstPassSawThem: the builder's key → topic map is
// made only when a record without a topic needs it, from the whole
// history; on random histories (sends and stores of a few keys, topics
// named or not) each Stored record's queue as of its own index, and each
// record's queue after the first pass, are what reading the history once
// in order gives (topics known from earlier sends only; no topic at all
// before the first send names one).
func TestLazyTopicsAsTheFirstPassSawThem(t *testing.T) {
	kinds := []history.Kind{history.Intend, history.SendCall, history.SendAttempt, history.SendReturn, history.Stored, history.Deliver}
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 30).Draw(t, "records")
		var rs []history.Record
		for range n {
			rs = append(rs, history.Record{
				Kind:    rapid.SampledFrom(kinds).Draw(t, "kind"),
				Key:     rapid.SampledFrom([]string{"", "a", "b", "c"}).Draw(t, "key"),
				Topic:   rapid.SampledFrom([]string{"", "", "T", "U"}).Draw(t, "topic"),
				Broker:  "broker-a",
				QueueID: rapid.IntRange(0, 1).Draw(t, "queue"),
			})
		}
		h := history.Of(rs...)
		b := newBuilder(h)
		b.learnAll()
		// The reference: one pass in order, as learn once kept the map.
		topics, use := map[string]string{}, false
		queue := func(r *history.Record) qid {
			t := r.Topic
			if t == "" {
				t = topics[r.Key]
			}
			if !use {
				t = ""
			}
			return qid{topic: t, broker: r.Broker, queue: r.QueueID}
		}
		for i := range rs {
			r := &rs[i]
			switch r.Kind {
			case history.Stored:
				if got, want := b.queueAt(r, i), queue(r); got != want {
					t.Fatalf("record %d (%+v) as of its index: queue %v, want %v", i, *r, got, want)
				}
			case history.Intend, history.SendCall, history.SendAttempt, history.SendReturn:
				if r.Topic != "" {
					use = true
					if topics[r.Key] == "" {
						topics[r.Key] = r.Topic
					}
				}
			}
		}
		for i := range rs {
			if got, want := b.queue(&rs[i]), queue(&rs[i]); got != want {
				t.Fatalf("record %d (%+v) after the pass: queue %v, want %v", i, rs[i], got, want)
			}
		}
	})
}
