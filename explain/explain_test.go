package explain

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"rmqsim/history"
	"rmqsim/model"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// histories are the hand-made histories in testdata, each with a golden
// text explanation (<name>.golden.txt) and JSON (<name>.golden.json).
var histories = []string{"outage", "duplicates", "queues", "invisible", "consumer-stopped", "losses"}

func load(t *testing.T, name string) *history.History {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name+".jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h, err := history.ReadJSONL(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return h
}

// golden compares got with testdata/file, or rewrites it with -update.
func golden(t *testing.T, file string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", file)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it):\n%s", file, firstDiff(string(want), string(got)))
	}
}

func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return "line " + strconv.Itoa(i+1) + ":\n want: " + a + "\n  got: " + b
		}
	}
	return ""
}

func TestGolden(t *testing.T) {
	for _, name := range histories {
		t.Run(name, func(t *testing.T) {
			e := Explain(load(t, name), Options{})
			var txt, js bytes.Buffer
			if err := WriteText(&txt, e, ""); err != nil {
				t.Fatal(err)
			}
			if err := WriteJSON(&js, e, ""); err != nil {
				t.Fatal(err)
			}
			golden(t, name+".golden.txt", txt.Bytes())
			golden(t, name+".golden.json", js.Bytes())
		})
	}
}

// TestEveryFateAndCause: the hand-made histories reach every fate and
// every cause code Explain can give.
func TestEveryFateAndCause(t *testing.T) {
	fates, codes := map[Fate]bool{}, map[string]bool{}
	for _, name := range histories {
		e := Explain(load(t, name), Options{})
		for i := range e.Len() {
			m := e.At(i)
			fates[m.Fate] = true
			codes[m.Code] = true
		}
	}
	for _, f := range Fates {
		if !fates[f] {
			t.Errorf("no history has a message with fate %s", f)
		}
	}
	want := []string{
		"consumed-once", "producer-retry", "application-resend", "reconsume-later", "rebalance",
		"consumer-restart", "broker-restart", "queue-dropped", "redelivered",
		"lost", "acked-never-stored",
		"no-consumer", "consumer-not-running", "consumer-owns-no-queues", "queue-unowned",
		"broker-down", "pull-failing", "offset-skipped", "consumer-behind",
		"stored-but-exception", "stored-send-unfinished", "stored-without-call",
		"send-exception", "send-unfinished",
		"program-exited-after-exception", "program-killed", "program-never-started", "horizon",
		"unknown-origin",
	}
	for _, c := range want {
		if !codes[c] {
			t.Errorf("no history has a message with cause code %s", c)
		}
	}
	var extra []string
	for c := range codes {
		if !contains(want, c) {
			extra = append(extra, c)
		}
	}
	sort.Strings(extra)
	if len(extra) > 0 {
		t.Errorf("cause codes not listed in the test: %v", extra)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestNeverSentExample is the example: a program that exits when
// send() threw because no nameserver answered explains every message it
// never reached with that exception, its time and the nameservers' state.
func TestNeverSentExample(t *testing.T) {
	e := Explain(load(t, "outage"), Options{})
	m := e.Message("NameServer Test5")
	if m == nil || m.Fate != NeverSent || m.Code != "program-exited-after-exception" {
		t.Fatalf("Test5: %+v", m)
	}
	want := "program p2 exited when send() threw IllegalStateException at 00:01:43.004: " +
		"no route cached for topic_test_123 and no nameserver answered " +
		"(nameserver01 down since 00:01:30.000 (power-off), nameserver02 down since 00:00:30.001 (shutdown-orderly))"
	if m.Reason.String() != want {
		t.Errorf("reason\n got: %s\nwant: %s", m.Reason, want)
	}
	if f := e.Message("NameServer Test3"); f.Fate != SendFailed || !strings.Contains(f.Reason.String(), "IllegalStateException") {
		t.Errorf("Test3: %+v", f)
	}
	for _, c := range e.Causes {
		if c.Code == "program-exited-after-exception" && c.Count != 3 {
			t.Errorf("the exit groups Test4..Test6: count %d", c.Count)
		}
	}
}

// TestDownSinceUsesFault: a shutdown-network-first takes a node down at
// the fault, before its process exits; an orderly one when it exits.
func TestDownSinceUsesFault(t *testing.T) {
	e := Explain(load(t, "invisible"), Options{})
	m := e.Message("A0")
	if m.Code != "consumer-owns-no-queues" {
		t.Fatalf("A0: %s %s", m.Code, m.Reason)
	}
	for _, s := range []string{"nameserver02 down since 00:00:10.000 (shutdown-network-first)",
		"nameserver01 down since 00:00:20.001 (shutdown-orderly)", "§5.1, §6"} {
		if !strings.Contains(m.Reason.String(), s) {
			t.Errorf("reason lacks %q: %s", s, m.Reason)
		}
	}
}

func TestTotals(t *testing.T) {
	e := Explain(load(t, "outage"), Options{})
	got := e.Totals()
	want := Totals{Intended: 12, SendOK: 5, SendFailed: 1, NeverSent: 6, Stored: 5, ConsumedUnique: 5}
	if got != want {
		t.Errorf("totals %+v, want %+v", got, want)
	}
}

func TestOnlyKey(t *testing.T) {
	e := Explain(load(t, "duplicates"), Options{})
	var b bytes.Buffer
	if err := WriteText(&b, e, "dup-retry"); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.String(), "dup-retry: consumed-more-than-once — consumed 2 times: attempt 1 to broker-a failed") {
		t.Errorf("got %s", b.String())
	}
	if err := WriteText(&b, e, "nope"); err == nil {
		t.Error("an unknown key is not an error")
	}
}

// TestAvailability: outages per node, open ones ending at the horizon.
func TestAvailability(t *testing.T) {
	tl := Availability(load(t, "duplicates"), nil, 0)
	var got []string
	for _, n := range tl {
		for _, o := range n.Outages {
			got = append(got, n.Host+" "+at(o.From)+"-"+at(o.To)+" "+o.Why)
		}
	}
	want := []string{"master02 00:00:31.001-00:00:33.001 kill"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("outages %q, want %q", got, want)
	}
}

// TestFaultOnlyNodes: a host whose processes leave no records goes down
// and up with the faults on it.
func TestFaultOnlyNodes(t *testing.T) {
	h := &history.History{}
	h.Add(history.Record{At: 10 * time.Second, Kind: history.Fault, Target: "nameserver01", Detail: "power-off"})
	h.Add(history.Record{At: 20 * time.Second, Kind: history.Fault, Target: "nameserver01", Detail: "power-on boot=30s"})
	h.Add(history.Record{At: 30 * time.Second, Kind: history.Fault, Target: "nameserver02", Detail: "shutdown-orderly grace=10s"})
	c := &model.ClusterSpec{NameServers: []model.NodeSpec{{Host: "nameserver01"}, {Host: "nameserver02"}}}
	tl := Availability(h, c, time.Minute)
	got := fmt.Sprint(tl[0].Outages, tl[1].Outages)
	want := "[{10s 20s power-off false}] [{30s 1m0s shutdown-orderly true}]"
	if got != want {
		t.Errorf("outages %s, want %s", got, want)
	}
}

// TestLostByPosition: a Lost record naming the position, not the key,
// removes the copy stored there.
func TestLostByPosition(t *testing.T) {
	h := &history.History{}
	h.Add(history.Record{Kind: history.SendCall, Proc: "client01/p1", Key: "k", Topic: "t"})
	h.Add(history.Record{Kind: history.Stored, Proc: "master01/broker", Key: "k", Topic: "t", Broker: "broker-a", QueueOffset: 5})
	h.Add(history.Record{Kind: history.SendReturn, Proc: "client01/p1", Key: "k", Topic: "t", Status: "SEND_OK"})
	h.Add(history.Record{At: time.Second, Kind: history.Lost, Proc: "master01/broker", Broker: "broker-a", QueueOffset: 5, Detail: "power-off before flush"})
	e := Explain(h, Options{})
	if m := e.Message("k"); m.Fate != AckedThenLost || m.Lost != 1 || !strings.Contains(m.Reason.String(), "power-off before flush") {
		t.Errorf("k: %s %s", m.Fate, m.Reason)
	}
}

// TestRouteQueryOutlivedNameServer: a send() called while a nameserver
// was up, whose route query outlasted it, says so.
func TestRouteQueryOutlivedNameServer(t *testing.T) {
	h := &history.History{}
	add := func(at time.Duration, r history.Record) { r.At = at; h.Add(r) }
	add(0, history.Record{Kind: history.ProcStart, Proc: "nameserver01/namesrv"})
	add(0, history.Record{Kind: history.ProcStart, Proc: "nameserver02/namesrv"})
	add(time.Second, history.Record{Kind: history.Fault, Target: "nameserver02", Detail: "power-off"})
	add(10*time.Second, history.Record{Kind: history.ProcStart, Proc: "client01/p1"})
	add(10*time.Second, history.Record{Kind: history.SendCall, Proc: "client01/p1", Key: "k", Topic: "t"})
	add(12*time.Second, history.Record{Kind: history.Fault, Target: "nameserver01", Detail: "shutdown-orderly"})
	add(12*time.Second, history.Record{Kind: history.ProcExit, Proc: "nameserver01/namesrv", Detail: "stop"})
	add(13*time.Second, history.Record{Kind: history.RouteRefresh, Proc: "client01/p1", Topic: "t", NameServer: "nameserver01:9876", Err: "connect to [nameserver02:9876, nameserver01:9876] failed"})
	add(13*time.Second, history.Record{Kind: history.SendReturn, Proc: "client01/p1", Key: "k", Topic: "t", Err: "java.lang.IllegalStateException: connect failed"})
	m := Explain(h, Options{}).Message("k")
	want := "when send() was called at 00:00:10.000, nameserver01 was still up, but the route query took 3s"
	if !strings.Contains(m.Reason.String(), want) || !strings.Contains(m.Chain.Lines()[1], "failed after 3s") {
		t.Errorf("reason %q\nchain %q", m.Reason, m.Chain.Lines())
	}
}

// TestStoredByMsgID: a broker record keyed by msgId, written before any
// client record pairs that msgId with the message's key, is that
// message's copy.
func TestStoredByMsgID(t *testing.T) {
	h := &history.History{}
	h.Add(history.Record{Kind: history.SendCall, Proc: "client01/p1", Key: "body", Topic: "t"})
	h.Add(history.Record{Kind: history.SendAttempt, Proc: "client01/p1", Key: "body", Topic: "t", Broker: "broker-a"})
	h.Add(history.Record{Kind: history.Stored, Proc: "master01/broker", Key: "ID1", MsgID: "ID1", Topic: "t", Broker: "broker-a"})
	h.Add(history.Record{Kind: history.SendReturn, Proc: "client01/p1", Key: "body", MsgID: "ID1", Topic: "t", Status: "SEND_OK", Broker: "broker-a"})
	e := Explain(h, Options{})
	if e.Len() != 1 {
		t.Fatalf("%d messages, want 1", e.Len())
	}
	if m := e.At(0); m.Copies != 1 || m.Fate != AckedNotConsumed {
		t.Errorf("message %+v", m)
	}
}

// TestKeyNamesMsgID: a broker record whose Key holds a msgId (and no
// MsgID) is still that message's: keyOf looks Key up among the msgIds.
func TestKeyNamesMsgID(t *testing.T) {
	h := &history.History{}
	h.Add(history.Record{Kind: history.SendCall, Proc: "client01/p1", Key: "body", Topic: "t"})
	h.Add(history.Record{Kind: history.Stored, Proc: "master01/broker", Key: "ID1", Topic: "t", Broker: "broker-a", QueueOffset: 5})
	h.Add(history.Record{Kind: history.SendReturn, Proc: "client01/p1", Key: "body", MsgID: "ID1", Topic: "t", Status: "SEND_OK", Broker: "broker-a"})
	h.Add(history.Record{At: time.Second, Kind: history.Lost, Proc: "master01/broker", Key: "ID1", Broker: "broker-a", QueueOffset: 5, Detail: "power-off before flush"})
	e := Explain(h, Options{})
	if e.Len() != 1 {
		t.Fatalf("%d messages, want 1", e.Len())
	}
	if m := e.At(0); m.Key != "body" || m.Copies != 1 || m.Lost != 1 || m.Fate != AckedThenLost {
		t.Errorf("message %+v", m)
	}
}
