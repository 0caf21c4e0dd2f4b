package report

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"rmqsim/scenarios"
)

// TestNoIncidentInTheCode: the report engine names no step, number or
// name of the field experiment (or of any incident): those live in the
// scenario files. The patterns are written so that this file does not
// match them itself, and every .go file of the package is read.
func TestNoIncidentInTheCode(t *testing.T) {
	banned := []*regexp.Regexp{
		regexp.MustCompile(`\bE[1-4]c?\b`),             // the field experiment's steps
		regexp.MustCompile(`\b36[7]\b`),                // the producer's count
		regexp.MustCompile(`\b5[2]\b|\b4[8]\b`),        // the console's per-broker counts
		regexp.MustCompile(`\b10,?00[0]\b`),            // the count meant to be sent
		regexp.MustCompile(`nameserver0[12]|ns0[12]-`), // its hosts and faults
		regexp.MustCompile(`topic_test_12[3]|group_test_12[3]|MyRocket[m]q`),
		regexp.MustCompile(`master0[12]|slave0[12]|client0[1]`), // its hosts (broker-a/b are RocketMQ's usual names, in other incidents too)
		regexp.MustCompile(`producer-e[1-4]|consumer-restarte[d]|only36[7]|sent36[7]`),
	}
	files, err := filepath.Glob("*.go")
	if err != nil || len(files) < 5 {
		t.Fatalf("read %d files: %v", len(files), err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			for _, re := range banned {
				if m := re.FindString(line); m != "" {
					t.Errorf("%s:%d names %q of an incident; put it in the scenario file: %s", f, i+1, m, strings.TrimSpace(line))
				}
			}
		}
	}
}

// TestWriteIncidentRerun: writing the same runs twice gives the same
// bytes, and a plot an earlier report left behind is removed.
func TestWriteIncidentRerun(t *testing.T) {
	sc := incidentScenario(t)
	var runs []*IncidentRun
	for _, v := range sc.VariantNames() {
		spec, err := sc.WithVariant(v)
		if err != nil {
			t.Fatal(err)
		}
		res, err := scenarios.Run(spec, scenarios.RunOptions{Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, NewIncidentRun(res, IncidentMetrics(sc)...))
	}
	in := IncidentInput{Scenario: sc, Command: "simulate report i.yaml -seeds 1..1", Runs: runs}
	a, b := t.TempDir(), t.TempDir()
	stale := filepath.Join(b, sc.Name, "timeline-gone.svg")
	if err := os.MkdirAll(filepath.Dir(stale), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stale, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{a, b} {
		if err := WriteIncident(dir, in); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the old plot is still there (%v)", err)
	}
	files, _ := filepath.Glob(filepath.Join(a, sc.Name, "*"))
	other, _ := filepath.Glob(filepath.Join(b, sc.Name, "*"))
	if len(files) < 4 || len(files) != len(other) {
		t.Fatalf("wrote %d and %d files", len(files), len(other))
	}
	for _, f := range files {
		x, _ := os.ReadFile(f)
		y, err := os.ReadFile(filepath.Join(b, sc.Name, filepath.Base(f)))
		if err != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs between two writes", filepath.Base(f))
		}
	}
}
