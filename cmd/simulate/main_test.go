package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rmqsim/history"
	"rmqsim/sim"
)

// simulate runs the CLI in-process and returns its exit status, stdout
// and stderr.
func simulate(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestList(t *testing.T) {
	code, out, _ := simulate(t, "list")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if !strings.HasPrefix(lines[0], "field-experiment ") {
		t.Errorf("first line %q", lines[0])
	}
	for _, v := range []string{"baseline", "producer-after-outage", "consumer-restarted", "network-first"} {
		if !strings.Contains(out, "field-experiment -variant "+v+" ") {
			t.Errorf("list has no variant %s:\n%s", v, out)
		}
	}
}

func TestParams(t *testing.T) {
	code, out, _ := simulate(t, "params")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"producer.sendWhichQueue", "client.pollNameServerInterval", "30s"} {
		if !strings.Contains(out, want) {
			t.Errorf("params output has no %q", want)
		}
	}
}

// writeScenario writes a scenario file for a test and returns its path.
func writeScenario(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "s.yaml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const tinyScenario = `name: tiny
seed: 1
horizon: 2m
budget: 1000000
cluster:
  name: C
  nameservers:
    - {host: ns1, ip: 10.0.0.1}
  brokers:
    - brokerName: broker-a
      master: {host: m1, ip: 10.0.0.2}
  topics:
    - {name: t1, queues: 4}
  clients:
    - {host: c1, ip: 10.0.0.9}
programs:
  producers:
    - {name: p1, host: c1, group: g1, topic: t1, count: 10, body: "m{i}", start: 20s}
  consumers:
    - {name: cons, host: c1, group: g1, topic: t1, start: 10s}
faults:
  - {at: 40s, kind: kill, target: ns1/namesrv}
`

func TestBadInput(t *testing.T) {
	bad := writeScenario(t, strings.Replace(tinyScenario, "kind: kill", "kind: poweroff", 1))
	cases := []struct {
		name string
		args []string
		want string // in stderr
	}{
		{"no command", nil, "usage: simulate"},
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"no scenario", []string{"run"}, "usage: simulate run"},
		{"unknown scenario", []string{"run", "no-such-scenario"}, "no such scenario"},
		{"bad scenario file", []string{"run", bad, "-json"},
			bad + `:22: faults[0].kind: unknown fault kind "poweroff" (want one of kill,`},
		{"unknown variant", []string{"run", "field-experiment", "-variant", "nope"}, `no variant "nope" in field-experiment`},
		{"bad override", []string{"run", "field-experiment", "-set", "producer.nope=1"}, `-set producer.nope=1: unknown parameter`},
		{"bad flag", []string{"run", "field-experiment", "-sed", "3"}, "flag provided but not defined: -sed"},
		{"bad seed", []string{"run", "field-experiment", "-seed", "x"}, `invalid value "x" for flag -seed`},
		{"explain bad file", []string{"explain", bad}, bad + ":22: faults[0].kind"},
		{"reproduce without -out", []string{"reproduce"}, "usage: simulate reproduce"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := simulate(t, c.args...)
			if code != exitBadInput {
				t.Errorf("exit %d, want %d (stderr %q)", code, exitBadInput, errOut)
			}
			if !strings.Contains(errOut, c.want) {
				t.Errorf("stderr %q, want it to contain %q", errOut, c.want)
			}
			if out != "" {
				t.Errorf("stdout %q on bad input, want nothing", out)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	if code, out, _ := simulate(t, "help"); code != exitOK || !strings.Contains(out, "usage: simulate") {
		t.Errorf("help: exit %d, %q", code, out)
	}
	if code, _, errOut := simulate(t, "run", "-h"); code != exitOK || !strings.Contains(errOut, "-variant") {
		t.Errorf("run -h: exit %d, %q", code, errOut)
	}
}

func TestRunJSONExitOK(t *testing.T) {
	code, out, errOut := simulate(t, "run", "field-experiment", "-variant", "baseline", "-json")
	if code != exitOK {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	dec := json.NewDecoder(strings.NewReader(out))
	var res map[string]json.RawMessage
	if err := dec.Decode(&res); err != nil {
		t.Fatalf("stdout is not JSON: %v", err)
	}
	if dec.More() {
		t.Error("stdout holds more than one JSON object")
	}
	for _, k := range []string{"scenario", "variant", "seed", "trace_hash", "events", "sim_time_ms", "wall_ms",
		"messages", "stored_by_broker", "fates", "verdicts", "steps"} {
		if _, ok := res[k]; !ok {
			t.Errorf("JSON has no %q", k)
		}
	}
	type figure struct {
		Value *int64 `json:"value"`
		Error string `json:"error"`
	}
	var steps []struct {
		Name     string            `json:"name"`
		Observer map[string]figure `json:"observer"`
	}
	if err := json.Unmarshal(res["steps"], &steps); err != nil || len(steps) != 5 {
		t.Fatalf("steps %s: %v", res["steps"], err)
	}
	// E1's cluster page shows broker-a's 52; at E3's end (no nameserver)
	// the cluster page shows only a toast.
	e1, e3 := steps[0].Observer["cluster/todayPro/broker-a:0"], steps[3].Observer["cluster"]
	if steps[0].Name != "E1" || e1.Value == nil || *e1.Value != 52 || steps[3].Name != "E3" || e3.Value != nil || e3.Error == "" {
		t.Errorf("E1 observer %v (want broker-a 52), E3 observer %v (want the cluster page's toast)", steps[0].Observer, steps[3].Observer)
	}
}

// TestRunExpectationFails: a scenario whose expectation does not hold
// exits 1.
func TestRunExpectationFails(t *testing.T) {
	path := writeScenario(t, tinyScenario+"expect:\n  no-acked-lost: fail\n")
	code, out, errOut := simulate(t, "run", path)
	if code != exitExpect {
		t.Fatalf("exit %d, want %d; stderr %q", code, exitExpect, errOut)
	}
	if !strings.Contains(out, "expect no-acked-lost: fail, got pass: FAILED") {
		t.Errorf("summary does not name the failed expectation:\n%s", out)
	}
}

// TestRunOut: -out writes result.json, history.jsonl and trace.txt, and
// the trace hashes to trace_hash; -trace writes the same trace.
func TestRunOut(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	tracePath := filepath.Join(t.TempDir(), "trace.txt")
	path := writeScenario(t, tinyScenario)
	if code, _, errOut := simulate(t, "run", path, "-out", dir, "-trace", tracePath, "-seed", "3"); code != exitOK {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	var res struct {
		TraceHash string `json:"trace_hash"`
		Seed      uint64 `json:"seed"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "result.json"))
	if err != nil || json.Unmarshal(b, &res) != nil {
		t.Fatalf("result.json: %v", err)
	}
	trace, err := os.ReadFile(filepath.Join(dir, "trace.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprintf("%016x", sim.HashLines(trace)); got != res.TraceHash || res.Seed != 3 {
		t.Errorf("trace.txt hashes to %s, result says %s (seed %d)", got, res.TraceHash, res.Seed)
	}
	if other, err := os.ReadFile(tracePath); err != nil || !bytes.Equal(other, trace) {
		t.Errorf("-trace file differs from trace.txt (%v)", err)
	}
	hf, err := os.Open(filepath.Join(dir, "history.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer hf.Close()
	h, err := history.ReadJSONL(hf)
	if err != nil || h.Len() == 0 {
		t.Errorf("history.jsonl: %d records, %v", h.Len(), err)
	}
}

func TestExplain(t *testing.T) {
	code, out, errOut := simulate(t, "explain", "field-experiment", "-variant", "baseline", "-msg", "NameServer Test200")
	if code != exitOK {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if !strings.HasPrefix(out, "NameServer Test200: ") {
		t.Errorf("explain -msg output:\n%s", out)
	}
	code, _, errOut = simulate(t, "explain", "field-experiment", "-msg", "no such message")
	if code != exitBadInput || !strings.Contains(errOut, `no message with key "no such message"`) {
		t.Errorf("unknown key: exit %d, stderr %q", code, errOut)
	}
	code, out, _ = simulate(t, "explain", "field-experiment", "-json", "-msg", "NameServer Test0")
	var m map[string]any
	if code != exitOK || json.Unmarshal([]byte(out), &m) != nil || m["broker"] != "broker-a" {
		t.Errorf("explain -json -msg: exit %d, %s", code, out)
	}
}

// TestReproduce runs every variant of the field experiment with one seed
// through the CLI and writes its incident report (the report's
// determinism is TestReportWorkers', on a smaller scenario).
func TestReproduce(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := simulate(t, "reproduce", "-out", dir, "-seeds", "1", "-workers", "2")
	if code != exitOK {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if out != "" {
		t.Errorf("reproduce wrote to stdout: %q", out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "field-experiment", "REPORT.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"15 variants", "## Observations", "## Claims", "## Fitting free quantities",
		"simulate report field-experiment -seeds 1..1", "simulate run " + "scenarios/field-experiment.yaml -variant baseline -seed 1"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("REPORT.md does not say %q", want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "field-experiment", "report.html")); err != nil {
		t.Error(err)
	}
}
