package scenarios

import (
	"strings"
	"testing"
)

func TestParseShape(t *testing.T) {
	for _, c := range []struct {
		in       string
		v, whole float64
		holds    bool
	}{
		{"367", 367, 0, true}, {"367", 366, 0, false},
		{"100..120", 110, 0, true}, {"100..120", 121, 0, false},
		{"> 0", 1, 0, true}, {"> 0", 0, 0, false}, {">= 3000", 3000, 0, true}, {"<= 5", 6, 0, false},
		{"true", 1, 0, true}, {"false", 1, 0, false},
		{"all", 10, 10, true}, {"all", 9, 10, false}, {"all", 0, 0, false},
		{"partial", 5, 10, true}, {"partial", 10, 10, false}, {"partial", 0, 10, false},
		{"none", 0, 10, true}, {"none", 1, 10, false},
	} {
		s, err := ParseShape(c.in)
		if err != nil {
			t.Fatalf("%q: %v", c.in, err)
		}
		if got := s.Holds(c.v, c.whole); got != c.holds {
			t.Errorf("%q holds for %v of %v: %v, want %v", c.in, c.v, c.whole, got, c.holds)
		}
	}
	for _, bad := range []string{"", "lots", "5..1", "> x", "1..b"} {
		if _, err := ParseShape(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestParsePredicate(t *testing.T) {
	get := func(m map[string]float64) func(string) (float64, bool) {
		return func(n string) (float64, bool) { v, ok := m[n]; return v, ok }
	}
	vals := get(map[string]float64{"a": 3, "b": 3, "c": 0})
	for in, want := range map[string]bool{"a == 3": true, "a > b": false, "a >= b": true, "c == false": true, "a != 0": true, "c < 1": true} {
		p, err := ParsePredicate(in)
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		if h, ok := p.Eval(vals); !ok || h != want {
			t.Errorf("%q = %v (%v), want %v", in, h, ok, want)
		}
	}
	if p, _ := ParsePredicate("a == missing"); true {
		if _, ok := p.Eval(vals); ok {
			t.Error("an undefined metric was read")
		}
	}
	for _, bad := range []string{"a==3", "a ~ 3", "== 3", "a b == 3"} {
		if _, err := ParsePredicate(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestObservedAndClaimsProblems: each mistake names its line and field.
func TestObservedAndClaimsProblems(t *testing.T) {
	base := strings.Split(strings.TrimSpace(readSmall(t)), "\n")
	add := func(extra string) string { return strings.Join(base, "\n") + "\n" + extra }
	for _, c := range []struct{ extra, want string }{
		{"observed:\n  - {metric: messages.send_ok, value: lots}", "observed[0].value"},
		{"observed:\n  - {metric: messages.send_ok, value: all}", "observed[0].of: required"},
		{"observed:\n  - {step: nope, metric: messages.send_ok, value: '1'}", "observed[0].step: no step \"nope\""},
		{"observed:\n  - {metric: messages.send_ok, value: '1', read: console}", "observed[0].read"},
		{"observed:\n  - {metric: messages.send_ok, value: '1', fit: {fault: ns-down, at: S1, from: 0s, to: 10s, step: 0s}}", "observed[0].fit.step"},
		{"observed:\n  - {metric: messages.send_ok, value: '1', colour: red}", "observed[0].colour"},
		{"observed:\n  - {metric: messages.send_ok, value: '1', fit: {param: producer.nope, values: 0..3}}", "observed[0].fit.param: unknown parameter"},
		{"observed:\n  - {metric: messages.send_ok, value: '1', fit: {param: producer.sendWhichQueue, values: 3..1}}", "observed[0].fit.values"},
		{"observed:\n  - {metric: messages.send_ok, value: '1', fit: {param: producer.sendWhichQueue, values: 0..500}}", "at most 200"},
		{"observed:\n  - {metric: messages.send_ok, value: '1', fit: {param: producer.sendWhichQueue, values: 0..3, fault: ns-down}}", "not both"},
		{"observed:\n  - {metric: messages.send_ok, value: '1', fit: {at: S1, from: 0s, to: 10s, step: 5s}}", "observed[0].fit.fault: required"},
		{"observed:\n  - {metric: messages.send_ok, value: '1', fit: {fault: ns-down, at: S1, from: 0s, to: 10s, step: 5s, values: 0..3}}", "values go with param"},
		{"claims:\n  - {text: x, holds: [a==1]}", "claims[0].holds[0]"},
		{"claims:\n  - {holds: [a == 1]}", "claims[0].text: required"},
	} {
		_, err := Parse("x.yaml", []byte(add(c.extra)))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s:\n got %v\nwant %q", c.extra, err, c.want)
		}
		if err != nil && !strings.Contains(err.Error(), "x.yaml:") {
			t.Errorf("%v does not name the file and line", err)
		}
	}
}
