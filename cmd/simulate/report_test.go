package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const incident = "../../scenarios/incidents/producer-blocked-broker-crash.yaml"

// TestReportIncidentDeterministic: the incident report is written from
// data alone, the same bytes for any number of workers, with a verdict
// for every claim under every variant.
func TestReportIncidentDeterministic(t *testing.T) {
	root := t.TempDir()
	var trees []map[string][]byte
	for _, w := range []string{"1", "2"} {
		out := filepath.Join(root, "w"+w)
		if code, _, stderr := simulate(t, "report", incident, "-seeds", "1..2", "-workers", w, "-out", out); code != exitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		trees = append(trees, readTree(t, out))
	}
	sameTree(t, "report with 2 workers", trees[0], trees[1])
	md := string(trees[0]["producer-blocked-broker-crash/REPORT.md"])
	for _, want := range []string{"## Observations", "## Claims", "### the reporter", "### the maintainer", "power-off: **", "process-crash: **", "## Variants", "timeline-power-off.png"} {
		if !strings.Contains(md, want) {
			t.Errorf("REPORT.md has no %q", want)
		}
	}
	html := string(trees[0]["producer-blocked-broker-crash/report.html"])
	if !strings.Contains(html, "<svg") || strings.Contains(html, "<script") {
		t.Error("report.html is not a self-contained page with inline plots")
	}
}

func TestReportBadInput(t *testing.T) {
	b, err := os.ReadFile(incident)
	if err != nil {
		t.Fatal(err)
	}
	badMetric := writeFile(t, "i.yaml", strings.Replace(string(b), "metric: send_latency.max_ms", "metric: send_latency.p42_ms", 1))
	badStep := writeFile(t, "i.yaml", strings.Replace(string(b), "steps.crash.send_failed == 0", "steps.nope.send_failed == 0", 1))
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"no observations", []string{"report", reviewScenario, "-out", t.TempDir()}, "no observed: section"},
		{"unknown metric", []string{"report", badMetric, "-out", t.TempDir()}, "i.yaml:"},
		{"unknown metric names it", []string{"report", badMetric, "-out", t.TempDir()}, "send_latency.p42_ms"},
		{"template names no step", []string{"report", badStep, "-out", t.TempDir()}, "names no step"},
		{"bad seeds", []string{"report", incident, "-seeds", "3..1", "-out", t.TempDir()}, "empty"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := simulate(t, c.args...)
			if code != exitBadInput || !strings.Contains(stderr, c.want) {
				t.Errorf("exit %d, stderr %q; want exit 2 naming %q", code, stderr, c.want)
			}
		})
	}
}
