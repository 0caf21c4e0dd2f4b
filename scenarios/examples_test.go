package scenarios

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSlaveStaleReadFoundByPorcupine: on a simulated run (not a hand-made
// history), a consumer that falls back to an ASYNC_MASTER's lagging slave
// after the master is killed reads NO_NEW_MSG at an acknowledged offset:
// the queue log is not linearizable, nothing acknowledged is lost, and
// porcupine's visualisation is written with the kill annotated.
func TestSlaveStaleReadFoundByPorcupine(t *testing.T) {
	sc, err := Load("examples/slave-stale-read.yaml")
	if err != nil {
		t.Fatal(err)
	}
	viz := filepath.Join(t.TempDir(), "lin.html")
	res, err := Run(sc, RunOptions{VisualizePath: viz})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Verdicts["linearizable-queues"]; got != "fail" {
		t.Fatalf("linearizable-queues %s, want fail", got)
	}
	if got := res.Verdicts["no-acked-lost"]; got != "pass" {
		t.Fatalf("no-acked-lost %s, want pass (a kill loses nothing, facts §5.9)", got)
	}
	if !res.ExpectationsHeld() {
		t.Errorf("expectations: %+v", res.Expectations)
	}
	html, err := os.ReadFile(viz)
	if err != nil {
		t.Fatalf("no visualisation: %v", err)
	}
	if !strings.Contains(string(html), "kill master-a/broker") {
		t.Error("the visualisation does not annotate the kill")
	}
}
