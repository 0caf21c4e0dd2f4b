package check

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// canonical re-encodes JSON through generic maps, which encoding/json
// writes with sorted keys: equal bytes mean every object was sorted.
func canonical(t *testing.T, b []byte) []byte {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestReportJSONStable: for every hand-made history, the report's JSON has
// sorted keys at every level and is the same on a second run.
func TestReportJSONStable(t *testing.T) {
	files, err := filepath.Glob("testdata/*.jsonl")
	if err != nil || len(files) == 0 {
		t.Fatalf("no histories: %v", err)
	}
	cfg := Config{
		Delivery:  DeliveryOptions{LivenessBound: 30 * time.Second, OrderlyGroups: []string{"g"}},
		Linear:    LinearOptions{Timeout: 10 * time.Second},
		Tolerance: append(AtLeastOnce(), AsyncFlush()...),
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".jsonl")
		if name == "explode" {
			continue // its verdicts depend on the wall clock by design
		}
		var runs [2][]byte
		for i := range runs {
			r, err := Judge(readHistory(t, name), cfg)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if runs[i], err = json.Marshal(r); err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(runs[0], runs[1]) {
			t.Errorf("%s: two runs differ", name)
		}
		if c := canonical(t, runs[0]); !bytes.Equal(c, runs[0]) {
			t.Errorf("%s: keys not sorted:\n%s\n%s", name, runs[0], c)
		}
		if bytes.Contains(runs[0], []byte("null")) {
			t.Errorf("%s: null in report JSON: %s", name, runs[0])
		}
	}
}

func TestToleranceValidate(t *testing.T) {
	for _, tol := range []Tolerance{AtLeastOnce(), AsyncFlush(), AsyncMaster(), nil} {
		if err := tol.Validate(); err != nil {
			t.Errorf("preset invalid: %v", err)
		}
	}
	bad := Tolerance{{Cause: "lost-in-space", Why: "x"}, {Cause: CauseLate, Property: "speed"}}
	err := bad.Validate()
	for _, want := range []string{`tolerance[0]: unknown cause "lost-in-space"`, `tolerance[1]: unknown property "speed"`, "tolerance[1]: cause \"late\" needs a why"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v lacks %q", err, want)
		}
	}
	if _, err := Judge(readHistory(t, "good"), Config{Tolerance: bad, Linear: LinearOptions{Timeout: time.Second}}); err == nil {
		t.Error("Judge accepted an invalid tolerance")
	}
}

// TestToleranceIsData: a tolerance read from a scenario file (JSON here)
// works like the preset it spells out.
func TestToleranceIsData(t *testing.T) {
	var tol Tolerance
	src := `[{"cause":"unflushed-lost","why":"ASYNC_FLUSH"},{"cause":"slave-read","property":"linearizable-queues","why":"ASYNC_MASTER"}]`
	if err := json.Unmarshal([]byte(src), &tol); err != nil {
		t.Fatal(err)
	}
	if err := tol.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		v  Violation
		ok bool
	}{
		{Violation{Property: NoAckedLost, Cause: CauseUnflushedLost}, true},
		{Violation{Property: Liveness, Cause: CauseUnflushedLost}, true},
		{Violation{Property: LinearQueues, Cause: CauseSlaveRead}, true},
		{Violation{Property: LinearOffsets, Cause: CauseSlaveRead}, false},
		{Violation{Property: NoAckedLost, Cause: CauseNotConsumed}, false},
	} {
		if _, ok := tol.Match(c.v); ok != c.ok {
			t.Errorf("%s/%s tolerated=%v, want %v", c.v.Property, c.v.Cause, ok, c.ok)
		}
	}
}
