package compare

import (
	"context"
	"strings"
	"testing"

	"rmqsim/scenarios"
	"rmqsim/sweep"
)

func run(t *testing.T, variant, a, b string) *Result {
	t.Helper()
	sc, err := scenarios.Load("../reviews/failover-cluster.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sa, err := ParseSide("a", a)
	if err != nil {
		t.Fatal(err)
	}
	sb, err := ParseSide("b", b)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Run(context.Background(), sc, sa, sb, Options{Variant: variant, Seeds: sweep.Seeds{From: 1, To: 2}, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestCounterfactualChangesFates: without the outage, the messages the
// started-after producer failed to send are consumed; each changed
// message has both chains and the step where they part.
func TestCounterfactualChangesFates(t *testing.T) {
	r := run(t, "all-ns-down", "", "without=ns-down+ns2-down")
	moved := 0
	for _, tr := range r.Transitions {
		if tr.A == "send-failed" && tr.B == "consumed-once" {
			moved = tr.Count
		}
	}
	if moved == 0 || moved != len(r.Changed) {
		t.Fatalf("send-failed → consumed-once: %d of %d changed; transitions %+v", moved, len(r.Changed), r.Transitions)
	}
	for _, c := range r.Changed {
		if len(c.AChain) == 0 || len(c.BChain) == 0 || c.Diverge > min(len(c.AChain), len(c.BChain)) {
			t.Fatalf("%s: chains %d/%d, diverge %d", c.Key, len(c.AChain), len(c.BChain), c.Diverge)
		}
		if c.Diverge < len(c.AChain) && c.Diverge < len(c.BChain) && c.AChain[c.Diverge] == c.BChain[c.Diverge] {
			t.Fatalf("%s: the chains do not part at step %d", c.Key, c.Diverge)
		}
	}
	sig := map[string]bool{}
	for _, m := range r.Metrics {
		sig[m.Metric] = m.Significant()
	}
	if !sig["messages.send_failed"] {
		t.Error("messages.send_failed does not differ, though every failed send is gone")
	}
	md := string(r.DocMarkdown())
	for _, want := range []string{"## Fate transitions", "send-failed", "diverges"} {
		if !strings.Contains(md, want) {
			t.Errorf("report has no %q", want)
		}
	}
}

// TestSameRunsNoDifference: B spells out A's default; the runs are the
// same, and the comparison says so.
func TestSameRunsNoDifference(t *testing.T) {
	r := run(t, "ns-kill", "", "producer.sendMsgTimeout=3s")
	if len(r.Changed) != 0 {
		t.Errorf("%d messages changed fate between identical runs", len(r.Changed))
	}
	for _, p := range r.Pairs {
		if p.ATraceHash != p.BTraceHash {
			t.Errorf("seed %d: trace hashes differ", p.Seed)
		}
	}
	for _, m := range r.Metrics {
		if m.Significant() {
			t.Errorf("%s differs between identical runs", m.Metric)
		}
	}
}

func TestParseSide(t *testing.T) {
	for in, ok := range map[string]bool{"": true, "producer.sendMsgTimeout=1s": true, "variant=ns-kill,without=ns-down": true,
		"producer.sendMsgTimeout": false, "producer.nope=1": false, "producer.sendMsgTimeout=": false} {
		if _, err := ParseSide("b", in); (err == nil) != ok {
			t.Errorf("ParseSide(%q): %v", in, err)
		}
	}
}
