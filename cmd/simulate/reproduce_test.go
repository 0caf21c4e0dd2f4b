package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rmqsim/scenarios"
)

// sweepScenario is a small field experiment: two nameservers, one broker,
// a producer in E1 with both up and one in E3 after nameserver ns2's host
// is off, so that the seeds split on the nameserver the E3 producer asks
// first (facts §3.4); two variants.
const sweepScenario = `name: sweep
seed: 1
horizon: 90s
budget: 2000000
cluster:
  name: C
  nameservers:
    - {host: ns1, ip: 10.0.0.1}
    - {host: ns2, ip: 10.0.0.2}
  brokers:
    - brokerName: broker-a
      master: {host: m1, ip: 10.0.0.3}
  topics:
    - {name: t1, queues: 2}
  clients:
    - {host: c1, ip: 10.0.0.9}
programs:
  producers:
    - {name: producer-e1, host: c1, group: g1, topic: t1, count: 10, body: "m{i}", start: E1}
    - {name: producer-e3, host: c1, group: g1, topic: t1, count: 20, firstIndex: 10, body: "m{i}", start: E3, onError: abort}
  consumers:
    - {name: consumer, host: c1, group: g1, topic: t1, start: 5s}
steps:
  - {name: E1, at: 20s}
  - {name: E3, at: 50s}
faults:
  - {name: ns2-off, at: 35s, kind: power-off, target: ns2}
variants:
  - name: baseline
    description: as written
  - name: ns1-killed
    description: ns1 is killed just after E3 begins
    addFaults:
      - {name: ns1-kill, at: E3 + 1s, kind: kill, target: ns1/namesrv}
`

// TestReproduceWorkers: the written report does not depend on how many
// workers ran the sweep.
func TestReproduceWorkers(t *testing.T) {
	path := writeScenario(t, sweepScenario)
	sc, err := scenarios.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	var outs []string
	for _, workers := range []int{1, 3} {
		dir := t.TempDir()
		var log bytes.Buffer
		if err := reproduce(sc, dir, 3, workers, &log); err != nil {
			t.Fatalf("%d workers: %v", workers, err)
		}
		if n := strings.Count(log.String(), "\n"); n != 2*3 {
			t.Errorf("%d workers logged %d runs, want 6", workers, n)
		}
		outs = append(outs, dir)
	}
	files, _ := filepath.Glob(filepath.Join(outs[0], "field-experiment", "*"))
	if len(files) < 3 {
		t.Fatalf("wrote %d files", len(files))
	}
	for _, f := range files {
		a, _ := os.ReadFile(f)
		b, err := os.ReadFile(filepath.Join(outs[1], "field-experiment", filepath.Base(f)))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s differs between 1 and 3 workers (%v)", filepath.Base(f), err)
		}
	}
	other, _ := filepath.Glob(filepath.Join(outs[1], "field-experiment", "*"))
	if len(other) != len(files) {
		t.Errorf("1 worker wrote %d files, 3 workers %d", len(files), len(other))
	}
	report, _ := os.ReadFile(filepath.Join(outs[0], "field-experiment", "REPORT.md"))
	if !strings.Contains(string(report), "seeds 1–3") {
		t.Errorf("REPORT.md does not give the seeds:\n%.600s", report)
	}
}

// TestReproduceFlags: bad -seeds and -workers are bad input.
func TestReproduceFlags(t *testing.T) {
	for _, args := range [][]string{{"-out", "x", "-seeds", "0"}, {"-out", "x", "-workers", "0"}, {"-out", "x", "extra"}} {
		code, _, errOut := simulate(t, append([]string{"reproduce"}, args...)...)
		if code != exitBadInput || !strings.Contains(errOut, "usage: simulate reproduce") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
}
