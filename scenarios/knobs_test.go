package scenarios

import (
	"strings"
	"testing"
	"time"
)

func TestKnobNameServersGrowsTheCluster(t *testing.T) {
	sc, err := LoadNamed("field-experiment")
	if err != nil {
		t.Fatal(err)
	}
	s3, err := sc.WithKnobs("baseline", []Knob{{"nameservers", "3"}})
	if err != nil {
		t.Fatal(err)
	}
	ns := s3.Cluster.NameServers
	if len(ns) != 3 || ns[2].Host != "nameserver03" || ns[2].IP != "172.16.7.97" {
		t.Fatalf("nameservers = %+v", ns)
	}
	if s3.Variant != "baseline" || len(s3.Faults) != len(sc.Faults) {
		t.Fatalf("variant %q, %d faults", s3.Variant, len(s3.Faults))
	}
	// Shrinking below the hosts the faults name is the file's own error.
	if _, err := sc.WithKnobs("", []Knob{{"nameservers", "1"}}); err == nil || !strings.Contains(err.Error(), "nameserver02") {
		t.Fatalf("nameservers=1: %v", err)
	}
}

func TestKnobWithoutDropsAFault(t *testing.T) {
	sc, err := LoadNamed("field-experiment")
	if err != nil {
		t.Fatal(err)
	}
	s, err := sc.WithKnobs("network-first", []Knob{{"without", "ns01-init0+ns01-power-on"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Faults) != 1 || s.Faults[0].Name != "ns02-init0" || s.Faults[0].Kind != "shutdown-network-first" {
		t.Fatalf("faults = %+v", s.Faults)
	}
	for _, bad := range []Knob{{"without", "nope"}, {"nameservers", "x"}, {"colour", "red"}} {
		if _, err := sc.WithKnobs("", []Knob{bad}); err == nil {
			t.Errorf("%v accepted", bad)
		} else if !strings.Contains(err.Error(), "field-experiment.yaml") {
			t.Errorf("%v: error does not name the file: %v", bad, err)
		}
	}
}

func TestKnobAtMovesAFault(t *testing.T) {
	sc, err := Load("../reviews/failover-cluster.yaml")
	if err != nil {
		t.Fatal(err)
	}
	moved, err := sc.WithKnobs("ns-kill", []Knob{{"at.ns-down", "failure + 7s"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range moved.Faults {
		if f.Name == "ns-down" && (f.At == nil || f.At.Anchor != "failure" || f.At.Offset != 7*time.Second) {
			t.Errorf("ns-down at %+v, want failure + 7s", f.At)
		}
	}
	if _, err := sc.WithKnobs("ns-kill", []Knob{{"at.nope", "10s"}}); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("at.nope: %v", err)
	}
	if _, err := sc.WithKnobs("ns-kill", []Knob{{"at.ns-down", "whenever"}}); err == nil {
		t.Error("a bad moment was accepted")
	}
}
