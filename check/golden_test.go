package check

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/datadriven"

	"rmqsim/history"
)

// TestGolden runs the judges over the hand-made histories in testdata and
// compares the reports with the expected ones (go test -rewrite to
// regenerate). Commands:
//
//	judge file=NAME [bound=D] [heal=D] [horizon=D] [timeout=D]
//	      [orderly=G,...] [groups=G,...] [tolerate=NAME,...]
//	json  (same arguments): the report's JSON
//
// tolerate names: at-least-once, async-flush, async-master.
//
// Afterwards it checks that the cases, together, show every property both
// able to pass and able to fail, and unknown where it can be.
func TestGolden(t *testing.T) {
	seen := map[Property]map[Verdict]bool{}
	datadriven.RunTest(t, "testdata/judge", func(t *testing.T, d *datadriven.TestData) string {
		r, err := Judge(loadHistory(t, d), goldenConfig(t, d))
		if err != nil {
			return "error: " + err.Error() + "\n"
		}
		for _, p := range r.Properties {
			if seen[p.Property] == nil {
				seen[p.Property] = map[Verdict]bool{}
			}
			seen[p.Property][p.Verdict] = true
		}
		switch d.Cmd {
		case "judge":
			return r.Text()
		case "json":
			b, err := json.MarshalIndent(r, "", " ")
			if err != nil {
				t.Fatal(err)
			}
			return string(b) + "\n"
		}
		t.Fatalf("%s: unknown command %q", d.Pos, d.Cmd)
		return ""
	})
	canBeUnknown := []Property{NoAckedLost, Liveness, LinearQueues, LinearOffsets}
	for _, p := range properties() {
		want := []Verdict{Pass, Fail}
		if slices.Contains(canBeUnknown, p) {
			want = append(want, Unknown)
		}
		for _, v := range want {
			if !seen[p][v] {
				t.Errorf("no golden case shows %s coming out %s", p, v)
			}
		}
	}
}

func loadHistory(t testing.TB, d *datadriven.TestData) *history.History {
	var name string
	d.ScanArgs(t, "file", &name)
	return readHistory(t, name)
}

func readHistory(t testing.TB, name string) *history.History {
	f, err := os.Open(filepath.Join("testdata", name+".jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h, err := history.ReadJSONL(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return h
}

func goldenConfig(t testing.TB, d *datadriven.TestData) Config {
	cfg := Config{Linear: LinearOptions{Timeout: 10 * time.Second}}
	dur := func(key string, dst *time.Duration) {
		if d.HasArg(key) {
			var s string
			d.ScanArgs(t, key, &s)
			v, err := time.ParseDuration(s)
			if err != nil {
				t.Fatalf("%s: %s: %v", d.Pos, key, err)
			}
			*dst = v
		}
	}
	dur("bound", &cfg.Delivery.LivenessBound)
	dur("heal", &cfg.Delivery.HealAt)
	dur("horizon", &cfg.Delivery.Horizon)
	dur("timeout", &cfg.Linear.Timeout)
	list := func(key string) []string {
		if !d.HasArg(key) {
			return nil
		}
		var s string
		d.ScanArgs(t, key, &s)
		return strings.Split(s, ",")
	}
	cfg.Delivery.OrderlyGroups = list("orderly")
	cfg.Delivery.Groups = list("groups")
	for _, name := range list("tolerate") {
		switch name {
		case "at-least-once":
			cfg.Tolerance = append(cfg.Tolerance, AtLeastOnce()...)
		case "async-flush":
			cfg.Tolerance = append(cfg.Tolerance, AsyncFlush()...)
		case "async-master":
			cfg.Tolerance = append(cfg.Tolerance, AsyncMaster()...)
		default:
			t.Fatalf("%s: unknown tolerance %q", d.Pos, name)
		}
	}
	return cfg
}

// ExampleReport_Text shows the CLI's rendering of a clean run.
func ExampleReport_Text() {
	f, _ := os.Open("testdata/good.jsonl")
	defer f.Close()
	h, _ := history.ReadJSONL(f)
	r, _ := Judge(h, Config{
		Delivery: DeliveryOptions{LivenessBound: 10 * time.Second},
		Linear:   LinearOptions{Timeout: 10 * time.Second},
	})
	fmt.Print(strings.SplitAfter(r.Text(), "violations")[0])
	// Output:
	// properties:
	//   linearizable-offsets  pass    failures=0 findings=0 (1 offset partitions)
	//   linearizable-queues   pass    failures=0 findings=0 (1 log partitions)
	//   liveness              pass    failures=0 findings=0 (faults stopped at 0s; bound 10s)
	//   no-acked-lost         pass    failures=0 findings=0
	//   no-duplicates         pass    failures=0 findings=0
	//   no-phantom            pass    failures=0 findings=0
	//   per-queue-order       pass    failures=0 findings=0 (no orderly group declared: nothing to check)
	// violations
}
