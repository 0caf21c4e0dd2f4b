package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// sweepScenario is a small incident: two nameservers, one broker, a
// producer in step "before" with both up and one in step "outage" after
// nameserver ns2's host is off, so that the seeds split on the
// nameserver the second producer asks first (facts §3.4); two variants,
// observations with a fit of a fault's moment and one of a parameter.
const sweepScenario = `name: sweep
seed: 1
horizon: 120s
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
    - {name: producer-a, host: c1, group: g1, topic: t1, count: 10, body: "m{i}", start: before}
    - {name: producer-b, host: c1, group: g1, topic: t1, count: 20, firstIndex: 10, body: "m{i}", start: outage, onError: abort}
  consumers:
    - {name: consumer, host: c1, group: g1, topic: t1, start: 5s}
steps:
  - {name: before, at: 45s}
  - {name: outage, at: 75s}
faults:
  - {name: ns2-off, at: 60s, kind: power-off, target: ns2}
variants:
  - name: baseline
    description: as written
  - name: ns1-killed
    description: ns1 is killed just after the outage step begins
    addFaults:
      - {name: ns1-kill, at: outage + 1s, kind: kill, target: ns1/namesrv}
observed:
  - name: first sent
    step: before
    metric: steps.before.send_ok
    value: "10"
    source: all ten acknowledged
  - name: first queue
    step: before
    metric: steps.before.first_ack.queue
    value: "1"
    source: the first went to queue 1
    fit: {variant: baseline, param: producer.sendWhichQueue, values: 0..3, horizon: 60s}
  - name: second sent
    step: outage
    metric: steps.outage.send_ok
    value: partial
    of: steps.outage.intended
    source: some were sent
    fit: {variant: baseline, fault: ns2-off, at: 60s, from: 0s, to: 10s, step: 10s}
claims:
  - name: one down is harmless
    text: with one nameserver down, every send succeeds
    holds: [steps.outage.send_failed == 0]
`

// TestReportWorkers: the written report does not depend on how many
// workers ran it, and its fits searched what they name.
func TestReportWorkers(t *testing.T) {
	path := writeScenario(t, sweepScenario)
	root := t.TempDir()
	var trees []map[string][]byte
	for _, w := range []string{"1", "3"} {
		out := filepath.Join(root, "w"+w)
		if code, _, stderr := simulate(t, "report", path, "-seeds", "1..3", "-workers", w, "-out", out); code != exitOK {
			t.Fatalf("%s workers: exit %d: %s", w, code, stderr)
		}
		trees = append(trees, readTree(t, out))
	}
	sameTree(t, "report with 3 workers", trees[0], trees[1])
	md := string(trees[0]["sweep/REPORT.md"])
	for _, want := range []string{"## Fitting free quantities", "### first queue: producer.sendWhichQueue under baseline",
		"Each run of this search ends at 1m0s", "| `1` | 3 of 3 |", "| `0` | 0 of 3 |",
		"### second sent: ns2-off under baseline", "simulate report " + path + " -seeds 1..3"} {
		if !strings.Contains(md, want) {
			t.Errorf("REPORT.md does not say %q", want)
		}
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
