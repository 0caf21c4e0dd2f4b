package report

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"rmqsim/metrics"
	"rmqsim/scenarios"
)

func incidentScenario(t *testing.T) *scenarios.Scenario {
	t.Helper()
	b, err := os.ReadFile("../scenarios/incidents/producer-blocked-broker-crash.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenarios.Parse("i.yaml", b)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func set(t *testing.T, js string) metrics.Set {
	t.Helper()
	var m metrics.Set
	if err := jsonUnmarshal([]byte(js), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestMarksAndVerdictsFromMetrics: marks and claim verdicts are read from
// the metrics alone, and can come out either way.
func TestMarksAndVerdictsFromMetrics(t *testing.T) {
	sc := incidentScenario(t)
	steps := []scenarios.StepResult{{Name: "crash", Started: true}}
	blocked := &IncidentRun{Run: &Run{Seed: 1, Steps: steps}, Metrics: set(t, `{"send_latency.max_ms": 3001, "steps.crash.send_threw": true, "steps.crash.send_failed": 39, "messages.lost_acked": 0}`)}
	retried := &IncidentRun{Run: &Run{Seed: 2, Steps: steps}, Metrics: set(t, `{"send_latency.max_ms": 2.5, "steps.crash.send_threw": false, "steps.crash.send_failed": 0, "messages.lost_acked": 0}`)}
	noStep := &IncidentRun{Run: &Run{Seed: 3, Steps: []scenarios.StepResult{{Name: "crash"}}}, Metrics: set(t, `{"send_latency.max_ms": 3001}`)}
	for _, c := range []struct {
		r    *IncidentRun
		obs  int
		mark string
	}{
		{blocked, 0, incYes}, {blocked, 1, incYes},
		{retried, 0, incShape}, {retried, 1, incNo},
		{noStep, 0, incNone},
	} {
		if m, text := markOf(sc.Observed[c.obs], c.r); m != c.mark {
			t.Errorf("seed %d, %s: %s (%s), want %s", c.r.Seed, obsName(sc.Observed[c.obs]), m, text, c.mark)
		}
	}
	w := &incidentWriter{sc: sc}
	reporter, maintainer := sc.Claims[0], sc.Claims[1]
	for _, c := range []struct {
		claim scenarios.Claim
		runs  []*IncidentRun
		want  string
	}{
		{reporter, []*IncidentRun{blocked}, "**holds** in all 1 seeds"},
		{maintainer, []*IncidentRun{blocked}, "**does not hold**"},
		{maintainer, []*IncidentRun{blocked, retried}, "**depends on the seed**: holds in 1 of 2 (seeds 2)"},
		{reporter, []*IncidentRun{noStep}, "**cannot be read**"},
	} {
		if got := w.claimVerdict(c.claim, &incidentVariant{name: "v", runs: c.runs}); !strings.Contains(got, c.want) {
			t.Errorf("%s: %s\nwant %q", c.claim.Name, got, c.want)
		}
	}
}

func TestCheckIncidentNamesLineAndField(t *testing.T) {
	sc := incidentScenario(t)
	sc.Observed[0].Metric = "send_latency.p42_ms"
	sc.Claims[1].Predicates[0].Metric = "programs.nobody.send_threw"
	sc.Observed[1].Fit = &scenarios.Fit{Fault: "nope"}
	sc.Observed[1].Metric = "steps.crash.max_offset.broker-z.3"
	sc.Claims[0].Predicates[0].Metric = "steps.crash.max_offset.broker-a.x"
	err := CheckIncident(sc)
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{"i.yaml:", "observed[0].metric", "send_latency.p42_ms", "claims[1].holds", "no producer program", "no fault named \"nope\"",
		"observed[1].metric", "no broker \"broker-z\"", "claims[0].holds", "is not a queue id"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q has no %q", err, want)
		}
	}
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
