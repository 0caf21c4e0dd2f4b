package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rmqsim/scenarios"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func golden(t *testing.T, file string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", file)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update creates it)", err)
	}
	if !bytes.Equal(want, got) {
		w, g := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
		for i := 0; i < len(w) && i < len(g); i++ {
			if w[i] != g[i] {
				t.Fatalf("%s differs at line %d (go test -update rewrites it):\nwant: %s\n got: %s", file, i+1, w[i], g[i])
			}
		}
		t.Fatalf("%s differs in length: want %d lines, got %d", file, len(w), len(g))
	}
}

// fakeRun stands in for scenarios.Run in the start-index sweep: it
// writes the synthetic E1 for the start index of the override.
func fakeRun(sc *scenarios.Scenario, opts scenarios.RunOptions) (*scenarios.Result, error) {
	var n int
	if len(opts.Overrides) != 1 {
		return nil, fmt.Errorf("want one override, got %q", opts.Overrides)
	}
	if _, err := fmt.Sscanf(opts.Overrides[0], "producer.sendWhichQueue=%d", &n); err != nil {
		return nil, err
	}
	b := newBuilder()
	b.synthE1(n)
	end := sc.Horizon.D()
	res := &scenarios.Result{Variant: "baseline", Seed: opts.Seed, SimTimeMs: end.Milliseconds(), History: b.h, Cluster: synthCluster()}
	res.Steps = []scenarios.StepResult{synthStep(b.h, "E1", 60*time.Second, end, true)}
	return res, nil
}

// synthResults are the three synthetic variants, the baseline carrying a
// scenario so that the sweep runs (through fakeRun).
func synthResults(t *testing.T) []*scenarios.Result {
	t.Helper()
	orig := runScenario
	runScenario = fakeRun
	t.Cleanup(func() { runScenario = orig })
	var out []*scenarios.Result
	for _, v := range synthVariants {
		out = append(out, synthRun(v))
	}
	out[0].Spec = &scenarios.Scenario{Name: "field-experiment", Horizon: scenarios.Duration(synthHorizon)}
	return out
}

func TestTimelineGolden(t *testing.T) {
	for _, res := range synthResults(t) {
		tl := BuildTimeline(res.History, res.Cluster, synthHorizon)
		js, err := json.MarshalIndent(tl, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		golden(t, "timeline-"+res.Variant+".golden.json", append(js, '\n'))
	}
}

func TestReportGolden(t *testing.T) {
	dir := t.TempDir()
	if err := WriteFieldExperiment(dir, synthResults(t)); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "field-experiment", "REPORT.md"))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "REPORT.golden.md", got)
	for _, v := range synthVariants {
		for _, ext := range []string{".png", ".svg"} {
			if fi, err := os.Stat(filepath.Join(dir, "field-experiment", "timeline-"+v.name+ext)); err != nil || fi.Size() == 0 {
				t.Errorf("timeline-%s%s: %v", v.name, ext, err)
			}
		}
	}
}

// TestRerunByteForByte: writing the report twice gives the same Markdown
// and the same SVGs.
func TestRerunByteForByte(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	if err := WriteFieldExperiment(a, synthResults(t)); err != nil {
		t.Fatal(err)
	}
	if err := WriteFieldExperiment(b, synthResults(t)); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(a, "field-experiment", "*"))
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, ".png") {
			continue // pixels may depend on the machine (LIBRARIES.md §3)
		}
		n++
		x, _ := os.ReadFile(f)
		y, err := os.ReadFile(filepath.Join(b, "field-experiment", filepath.Base(f)))
		if err != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs between two writes", filepath.Base(f))
		}
	}
	if n != 1+len(synthVariants) {
		t.Errorf("compared %d files, want REPORT.md and %d SVGs", n, len(synthVariants))
	}
}

// TestObservationsReadTheRuns: the table's cells are read from the
// synthetic runs.
func TestObservationsReadTheRuns(t *testing.T) {
	evs := map[string]*evidence{}
	for _, r := range synthResults(t) {
		evs[r.Variant] = newEvidence(r)
	}
	base := evs["baseline"]
	for _, tc := range []struct {
		read func(*evidence) cell
		ev   *evidence
		want cell
	}{
		{readE1Sent, base, cell{"100", markYes}},
		{readE1First, base, cell{"broker-a q8 @0", markYes}},
		{readE1RoundRobin, base, cell{"99/99 in order", markYes}},
		{readE1Console, base, cell{"52 / 48", markYes}},
		{readE1cConsumed, base, cell{"100 (console 100)", markYes}},
		{readE1cQueue13, base, cell{"MAX_OFFSET=3", markYes}},
		{readE2Sent, base, cell{"100 (console +100)", markYes}},
		{readE3Sent, base, cell{"20", markShape}},
		{readE3Consumed, base, cell{"20", markNo}},
		{readE3Sent, evs["producer-after-outage"], cell{"0", markNo}},
		{readE4Recover, evs["consumer-restarted"], cell{"sent 0, consumed 10", markYes}},
		{readE4Lost, evs["producer-after-outage"], cell{"acked lost 0, never sent 19", markShape}},
	} {
		if got := tc.read(tc.ev); got != tc.want {
			t.Errorf("%s: got %+v, want %+v", tc.ev.res.Variant, got, tc.want)
		}
	}
}

// TestVerdictsFollowEvidence: the verdicts change with the runs.
func TestVerdictsFollowEvidence(t *testing.T) {
	var evs []*evidence
	for _, r := range synthResults(t) {
		evs = append(evs, newEvidence(r))
	}
	cs := conclusions(evs)
	want := []string{verdictHolds, verdictPartly, verdictPartly, verdictDifferent}
	for i, c := range cs {
		if c.verdict != want[i] {
			t.Errorf("conclusion %d: %s, want %s", i+1, c.verdict, want[i])
		}
	}
	// Conclusion 2 read from one run at a time: traffic refutes it, a
	// client that had work and could not do it confirms it, a producer
	// without a route confirms it only for such clients.
	for i, want := range []string{verdictWrong, verdictPartly, verdictNewClients} {
		if c := conclusionAllDown(evs[i : i+1]); c.verdict != want {
			t.Errorf("%s alone, conclusion 2: %s, want %s", evs[i].res.Variant, c.verdict, want)
		}
	}
	// Nothing acknowledged is lost and, in the baseline alone, nothing was
	// waiting for the nameservers: conclusion 3 does not hold there.
	if c := conclusionRecovery(evs[:1]); c.verdict != verdictWrong {
		t.Errorf("baseline alone, conclusion 3: %s", c.verdict)
	}
	if !strings.Contains(strings.Join(cs[1].body, " "), "`baseline` 10") {
		t.Errorf("conclusion 2 does not give the baseline's 10 acknowledged during the outage: %q", cs[1].body)
	}
}

func TestSweep(t *testing.T) {
	res := synthResults(t)[0]
	ps, err := sweepStartIndex(res)
	if err != nil {
		t.Fatal(err)
	}
	var split []int
	for _, p := range ps {
		if p.split52() {
			split = append(split, p.start)
		}
	}
	if got := ranges(split); got != "0–12" {
		t.Errorf("52/48 start indexes %s, want 0–12", got)
	}
	if ps[8].first != "broker-a q8" || ps[8].queueB13 != 3 {
		t.Errorf("start 8: %+v", ps[8])
	}
	res.Spec = nil
	if _, err := sweepStartIndex(res); err == nil {
		t.Error("a result without a scenario is swept")
	}
}

func TestRanges(t *testing.T) {
	for in, want := range map[string]string{"": "none", "3": "3", "0 1 2 5 7 8": "0–2, 5, 7–8"} {
		var xs []int
		for _, f := range strings.Fields(in) {
			var x int
			fmt.Sscan(f, &x)
			xs = append(xs, x)
		}
		if got := ranges(xs); got != want {
			t.Errorf("ranges(%q) = %q, want %q", in, got, want)
		}
	}
}
