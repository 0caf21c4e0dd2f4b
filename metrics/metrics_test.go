package metrics

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"rmqsim/history"
	"rmqsim/scenarios"
)

const s = time.Second

// synthetic is a run with one producer program: three sends (500 ms OK,
// 3 s throwing, 1 ms OK), a fault at 3 s, a heal at 4 s, a delivery at 7 s.
func synthetic() *scenarios.Result {
	p := "client01/p"
	recs := []history.Record{
		{At: 0, Kind: history.ClientStart, Proc: p, Detail: "producer"},
		{At: 1 * s, Kind: history.SendCall, Proc: p, Key: "k0"},
		{At: 1500 * time.Millisecond, Kind: history.SendReturn, Proc: p, Key: "k0", Status: sendOK},
		{At: 2 * s, Kind: history.SendCall, Proc: p, Key: "k1"},
		{At: 3 * s, Kind: history.Fault, Target: "ns1"},
		{At: 5 * s, Kind: history.SendReturn, Proc: p, Key: "k1", Err: "RemotingTimeoutException"},
		{At: 5 * s, Kind: history.SendCall, Proc: p, Key: "k2"},
		{At: 5*s + time.Millisecond, Kind: history.SendReturn, Proc: p, Key: "k2", Status: sendOK},
		{At: 6 * s, Kind: history.ProgramExit, Proc: p},
		{At: 7 * s, Kind: history.Deliver, Proc: "client01/c", Key: "k0"},
	}
	spec := &scenarios.Scenario{Programs: scenarios.Programs{Producers: []scenarios.Producer{{Name: "p"}, {Name: "idle"}}}}
	return &scenarios.Result{
		SimTimeMs: 10000, History: history.Of(recs...), Spec: spec, HealAt: 4 * s,
		Messages: scenarios.Messages{Intended: 4, SendOK: 2, SendFailed: 1, NeverSent: 1, ConsumedUnique: 1, LostAcked: 1},
		Verdicts: map[string]string{"no-acked-lost": "fail", "liveness": "unknown"},
		Steps: []scenarios.StepResult{
			{Name: "before", Started: true, StartMs: 0, EndMs: 4000},
			{Name: "during", Started: true, StartMs: 4000, EndMs: 6000},
			{Name: "never", Started: false, StartMs: -1, EndMs: -1},
		},
	}
}

func TestOfSynthetic(t *testing.T) {
	m := Of(synthetic())
	want := map[string]string{
		"runs.send_threw":                   "true",
		"runs.never_sent":                   "true",
		"runs.lost_acked":                   "true",
		"runs.duplicates":                   "false",
		"messages.send_ok":                  "2",
		"messages.never_sent":               "1",
		"send_latency.p50_ms":               "500",
		"send_latency.p99_ms":               "3000",
		"send_latency.max_ms":               "3000",
		"stall.longest_ms":                  "3501",
		"recovery.fault_to_send_ok_ms":      "2001",
		"recovery.heal_to_last_delivery_ms": "3000",
		"steps.before.send_threw":           "false",
		"steps.during.send_threw":           "true",
		"steps.never.send_threw":            "false",
		"programs.p.send_threw":             "true",
		"programs.idle.send_threw":          "false",
		"verdicts.no-acked-lost.fail":       "true",
		"verdicts.liveness.fail":            "false",
		"verdicts.liveness.unknown":         "true",
		"steps.before.acked_in":             "1",
		"steps.during.acked_in":             "1",
		"steps.before.delivered_in":         "0",
		"steps.never.acked_in":              "null",
	}
	for k, w := range want {
		v, ok := m[k]
		if !ok {
			t.Errorf("%s missing", k)
			continue
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != w {
			t.Errorf("%s = %s, want %s", k, b, w)
		}
	}
	for k := range m {
		if _, ok := Lookup(k); !ok {
			t.Errorf("Of gives %s, which the catalogue does not define", k)
		}
	}
}

// TestUndefinedWhenNothingToMeasure: no producer, no fault, no send:
// the time metrics are null, never a made-up 0.
func TestUndefinedWhenNothingToMeasure(t *testing.T) {
	res := &scenarios.Result{SimTimeMs: 1000, History: &history.History{}, Spec: &scenarios.Scenario{}}
	m := Of(res)
	for _, k := range []string{"stall.longest_ms", "send_latency.p50_ms", "send_latency.max_ms", "recovery.fault_to_send_ok_ms", "recovery.heal_to_last_delivery_ms"} {
		if b, _ := json.Marshal(m[k]); string(b) != "null" {
			t.Errorf("%s = %s, want null", k, b)
		}
	}
}

func TestValueJSONRoundTrip(t *testing.T) {
	in := Set{"a": yes(true), "b": yes(false), "c": num(2.5), "d": undefined}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"a":true,"b":false,"c":2.5,"d":null}` {
		t.Fatalf("JSON %s", b)
	}
	var out Set
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	for k, v := range in {
		if out[k] != v {
			t.Errorf("%s: %+v after a round trip, want %+v", k, out[k], v)
		}
	}
	if err := json.Unmarshal([]byte(`{"x":"yes"}`), &out); err == nil {
		t.Error("a string value was accepted")
	}
}

func TestLookupTemplates(t *testing.T) {
	for name, ok := range map[string]bool{
		"runs.send_threw": true, "steps.E3.send_ok": true, "programs.producer-e3.send_threw": true,
		"verdicts.no-acked-lost.fail": true, "steps..send_ok": false, "steps.E3.nope": false, "nope": false,
	} {
		if _, got := Lookup(name); got != ok {
			t.Errorf("Lookup(%q) = %v, want %v", name, got, ok)
		}
	}
}

// TestDocsListEveryMetric: docs/metrics.md holds the catalogue as
// generated (UPDATE_DOCS=1 go test ./metrics -run Docs rewrites the
// table between its markers).
func TestDocsListEveryMetric(t *testing.T) {
	const path = "../docs/metrics.md"
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("UPDATE_DOCS") != "" {
		const begin, end = "<!-- catalogue: begin -->\n", "<!-- catalogue: end -->"
		i, j := strings.Index(string(b), begin), strings.Index(string(b), end)
		if i < 0 || j < i {
			t.Fatalf("%s has no catalogue markers", path)
		}
		b = []byte(string(b[:i+len(begin)]) + Markdown() + string(b[j:]))
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if !strings.Contains(string(b), Markdown()) {
		t.Errorf("docs/metrics.md does not hold the catalogue's table; paste metrics.Markdown() into it:\n%s", Markdown())
	}
}
