package sweep

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"rmqsim/metrics"
	"rmqsim/scenarios"
	"rmqsim/shard"
)

func reviewScenario(t *testing.T) *scenarios.Scenario {
	t.Helper()
	sc, err := scenarios.Load("../reviews/failover-cluster.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// TestResolveLaysOutCells: per variant, defaults first, then each grid's
// points in order, a point two grids share once, grids limited to their
// variants; jobs are cells × seeds.
func TestResolveLaysOutCells(t *testing.T) {
	spec := Spec{Name: "t", Seeds: Seeds{3, 5}, Variants: []string{"ns-kill", "all-ns-down"}, Grids: []Grid{
		{Axes: []Axis{{Key: "producer.sendMsgTimeout", Values: []string{"1s", "10s"}}}},
		{Axes: []Axis{{Key: "producer.sendMsgTimeout", Values: []string{"10s"}}}},
		{Axes: []Axis{{Key: "nameservers", Values: []string{"3"}}}, Variants: []string{"ns-kill"}},
	}}
	p, err := Resolve(spec, reviewScenario(t))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range p.Cells {
		got = append(got, c.Variant+": "+c.Label)
	}
	want := []string{
		"ns-kill: defaults", "ns-kill: producer.sendMsgTimeout=1s", "ns-kill: producer.sendMsgTimeout=10s", "ns-kill: nameservers=3",
		"all-ns-down: defaults", "all-ns-down: producer.sendMsgTimeout=1s", "all-ns-down: producer.sendMsgTimeout=10s",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("cells:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if p.Jobs != 7*3 {
		t.Errorf("jobs %d, want 21", p.Jobs)
	}
	if c, seed := p.Job(4); c != 1 || seed != 4 {
		t.Errorf("job 4 = cell %d seed %d, want cell 1 seed 4", c, seed)
	}
	if n := len(p.specs[3].Cluster.NameServers); n != 3 {
		t.Errorf("nameservers=3 gave %d nameservers", n)
	}
	spec.Seeds = Seeds{1, 1}
	q, _ := Resolve(spec, reviewScenario(t))
	if q.Fingerprint == p.Fingerprint {
		t.Error("another seed range has the same fingerprint")
	}
}

func TestResolveRejects(t *testing.T) {
	sc := reviewScenario(t)
	for name, spec := range map[string]Spec{
		"unknown metric":            {Name: "t", Seeds: Seeds{1, 1}, Metrics: []string{"runs.nope"}},
		"variant twice":             {Name: "t", Seeds: Seeds{1, 1}, Variants: []string{"ns-kill", "ns-kill"}},
		"unknown variant":           {Name: "t", Seeds: Seeds{1, 1}, Variants: []string{"nope"}},
		"grid of a variant not run": {Name: "t", Seeds: Seeds{1, 1}, Variants: []string{"ns-kill"}, Grids: []Grid{{Axes: []Axis{{Key: "nameservers", Values: []string{"3"}}}, Variants: []string{"all-ns-down"}}}},
		"key swept twice":           {Name: "t", Seeds: Seeds{1, 1}, Grids: []Grid{{Axes: []Axis{{Key: "nameservers", Values: []string{"3"}}, {Key: "nameservers", Values: []string{"4"}}}}}},
		"bad knob value":            {Name: "t", Seeds: Seeds{1, 1}, Grids: []Grid{{Axes: []Axis{{Key: "nameservers", Values: []string{"many"}}}}}},
		"empty seeds":               {Name: "t", Seeds: Seeds{5, 1}},
	} {
		if _, err := Resolve(spec, sc); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestParseSeedsAndAxis(t *testing.T) {
	for in, ok := range map[string]bool{"1..16": true, "7": true, "5..1": false, "0..3": false, "a..b": false, "": false} {
		if _, err := ParseSeeds(in); (err == nil) != ok {
			t.Errorf("ParseSeeds(%q): %v", in, err)
		}
	}
	for in, ok := range map[string]bool{
		"client.connectTimeoutMillis=1s,10s": true, "nameservers=2,3": true, "client.connectTimeoutMillis=": false,
		"client.connectTimeoutMillis=1s,1s": false, "=1s": false, "client.nope=1": false, "producer.retryTimesWhenSendFailed=x": false,
	} {
		if _, err := ParseAxis(in); (err == nil) != ok {
			t.Errorf("ParseAxis(%q): %v", in, err)
		}
	}
}

// line is a run line with one rate and one distribution metric.
func line(run int, threw bool, latency float64) RunLine {
	return RunLine{Run: run, Outcome: "horizon", Metrics: metrics.Set{
		"runs.send_threw":     metricValue(t2j(threw)),
		"send_latency.max_ms": metricValue(f2j(latency)),
	}}
}

func metricValue(j string) metrics.Value {
	var v metrics.Value
	if err := v.UnmarshalJSON([]byte(j)); err != nil {
		panic(err)
	}
	return v
}

func t2j(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func f2j(x float64) string {
	if x < 0 {
		return "null"
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// TestSummariseAndFindings: a point whose latency is far off the
// defaults' is a finding; one a little off (under the 10 % floor) is
// not; a rate 0/4 against 4/4 is a finding, 1/4 against 2/4 is not; an
// undefined value counts as missing, not as 0.
func TestSummariseAndFindings(t *testing.T) {
	p := &Plan{Spec: Spec{Seeds: Seeds{1, 4}, Variants: []string{"v"}, Metrics: []string{"runs.send_threw", "send_latency.max_ms"}},
		Cells: []Cell{
			{Variant: "v", Label: "defaults"},
			{Variant: "v", Point: Point{{"k", "far"}}, Label: "k=far", Axis: "k"},
			{Variant: "v", Point: Point{{"k", "near"}}, Label: "k=near", Axis: "k"},
		}}
	p.Jobs = 12
	var lines []RunLine
	for i, l := range []struct {
		threw bool
		lat   float64
	}{
		{true, 3000}, {true, 3001}, {true, 3002}, {true, 3003}, // defaults
		{false, 1000}, {false, 1001}, {false, 1002}, {false, -1}, // far: better, one undefined
		{true, 3100}, {false, 3101}, {true, 3102}, {false, 3103}, // near: within 10 %
	} {
		lines = append(lines, line(i, l.threw, l.lat))
	}
	sum := Summarise(p, lines)
	if len(sum) != 3 {
		t.Fatalf("%d cells", len(sum))
	}
	far := sum[1].Metrics["send_latency.max_ms"].Dist
	if far.N != 3 || far.Missing != 1 || far.Mean != 1001 {
		t.Errorf("far latency %+v, want n 3, missing 1, mean 1001", far)
	}
	r := &reporter{p: p, sum: sum}
	var got []string
	for _, m := range p.Spec.Metrics {
		for _, f := range r.findings(m) {
			got = append(got, f.label+" "+f.metric+" "+map[int]string{1: "better", -1: "worse", 0: "neither"}[f.better])
		}
	}
	want := "k=far runs.send_threw better\nk=far send_latency.max_ms better"
	if strings.Join(got, "\n") != want {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), want)
	}
}

// TestExecuteCancelledLeavesCompleteLines: stopped after two runs (as by
// Ctrl-C), runs.jsonl holds complete lines in job order, the manifest
// says how many, and no report is written from a partial sweep.
func TestExecuteCancelledLeavesCompleteLines(t *testing.T) {
	p, err := Resolve(Spec{Name: "t", Seeds: Seeds{1, 6}, Variants: []string{"ns-kill"}}, reviewScenario(t))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done, err := Execute(ctx, p, dir, Options{Shard: shard.Whole, Workers: 2, Progress: func(d, _ int) {
		if d == 2 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	lines, err := shard.ReadLines(filepath.Join(dir, RunsFile))
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != done || done < 2 || done == p.Jobs {
		t.Fatalf("%d lines, %d done of %d", len(lines), done, p.Jobs)
	}
	for i, l := range lines {
		if l.Run != i {
			t.Fatalf("line %d is run %d", i, l.Run)
		}
	}
	m, err := shard.ReadManifest(dir)
	if err != nil || m.Done != done || m.Complete() {
		t.Fatalf("manifest %+v (%v)", m, err)
	}
	if _, err := os.Stat(filepath.Join(dir, ReportFile)); !os.IsNotExist(err) {
		t.Errorf("a report was written for a stopped sweep (%v)", err)
	}
}
