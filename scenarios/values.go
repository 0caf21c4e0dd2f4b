package scenarios

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Duration is a span of virtual time. In a file it is written either as a
// Go duration with a unit ("3s", "221.21s", "1m30s", "500ms") or as a
// clock "hh:mm:ss" or "hh:mm:ss.fff" ("00:03:41.210"), the precision of
// the field report's logs. A bare number is an error: the unit is never
// guessed.
type Duration time.Duration

// D is d as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

var clockRE = regexp.MustCompile(`^(\d+):([0-5]\d):([0-5]\d)(\.\d{1,9})?$`)

// ParseDuration reads a Duration's text form (see Duration).
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if m := clockRE.FindStringSubmatch(s); m != nil {
		h, _ := strconv.ParseInt(m[1], 10, 64)
		mi, _ := strconv.ParseInt(m[2], 10, 64)
		se, _ := strconv.ParseInt(m[3], 10, 64)
		d := time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute + time.Duration(se)*time.Second
		if m[4] != "" {
			frac := m[4][1:] + strings.Repeat("0", 9-len(m[4][1:]))
			ns, _ := strconv.ParseInt(frac, 10, 64)
			d += time.Duration(ns)
		}
		return d, nil
	}
	if s == "0" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("want a duration such as 3s, 221.21s, 1m30s or 00:03:41.210, got %q", s)
	}
	if d < 0 {
		return 0, fmt.Errorf("want a non-negative duration, got %q", s)
	}
	return d, nil
}

func (d *Duration) decodeNode(dec *decoder, n *yaml.Node, path string) {
	if n.Kind != yaml.ScalarNode {
		dec.ps.add(n.Line, path, "want a duration, got %s", DescribeNode(n))
		return
	}
	v, err := ParseDuration(n.Value)
	if err != nil {
		dec.ps.add(n.Line, path, "%v", err)
		return
	}
	*d = Duration(v)
}

// When is a moment on the timeline, written as
//
//	90s | 00:01:30.500          absolute: that long after the run starts
//	E3 | E3 + 2s                when step E3 starts (plus an offset)
//	producer-e2 exits [+ 30s]   when program producer-e2 ends (plus an offset)
//
// Offsets are non-negative Durations. A program "exits" when it records
// its end (history.ProgramExit) or its process dies, whichever comes
// first; only its first exit counts.
type When struct {
	// Anchor is "" (run start), a step name, or a program name (Exit).
	Anchor string
	Exit   bool
	Offset time.Duration
	Text   string
	Line   int
	Path   string
}

var nameRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]*$`)

// ParseWhen reads a When's text form.
func ParseWhen(s string) (When, error) {
	w := When{Text: s}
	left, right, plus := strings.Cut(s, "+")
	left = strings.TrimSpace(left)
	if !plus {
		if d, err := ParseDuration(left); err == nil {
			w.Offset = d
			return w, nil
		}
	} else {
		d, err := ParseDuration(right)
		if err != nil {
			return w, fmt.Errorf("offset: %v", err)
		}
		w.Offset = d
	}
	if name, ok := strings.CutSuffix(left, " exits"); ok {
		w.Exit, left = true, strings.TrimSpace(name)
	}
	if !nameRE.MatchString(left) {
		return w, fmt.Errorf("want a time (90s, 00:01:30.500), a step name (E3, E3 + 2s) or \"<program> exits [+ 30s]\", got %q", s)
	}
	w.Anchor = left
	return w, nil
}

func (w *When) decodeNode(dec *decoder, n *yaml.Node, path string) {
	if n.Kind != yaml.ScalarNode {
		dec.ps.add(n.Line, path, "want a time, got %s", DescribeNode(n))
		return
	}
	v, err := ParseWhen(n.Value)
	if err != nil {
		dec.ps.add(n.Line, path, "%v", err)
		return
	}
	v.Line, v.Path = n.Line, path
	*w = v
}

func (w When) String() string { return w.Text }

// Latency is a one-way delay range: "5ms" (fixed) or "1ms..20ms".
type Latency struct{ Min, Max time.Duration }

func (l *Latency) decodeNode(dec *decoder, n *yaml.Node, path string) {
	if n.Kind != yaml.ScalarNode {
		dec.ps.add(n.Line, path, "want a delay such as 5ms or 1ms..20ms, got %s", DescribeNode(n))
		return
	}
	lo, hi, ranged := strings.Cut(n.Value, "..")
	min, err := ParseDuration(lo)
	max := min
	if err == nil && ranged {
		max, err = ParseDuration(hi)
	}
	if err != nil || max < min {
		dec.ps.add(n.Line, path, "want a delay such as 5ms or 1ms..20ms (min ≤ max), got %q", n.Value)
		return
	}
	*l = Latency{Min: min, Max: max}
}

// Settings are configuration overrides "<component>.<field>: value", in
// file order (see model.Config.Set and `simulate params`).
type Settings []Setting

// Setting is one override and where it was written.
type Setting struct {
	Key, Value string
	Line       int
	Path       string
}

func (s *Settings) decodeNode(dec *decoder, n *yaml.Node, path string) {
	keys, vals := dec.mappingPairs(n, path)
	for i, k := range keys {
		at := JoinPath(path, k.Value)
		if vals[i].Kind != yaml.ScalarNode || IsNullNode(vals[i]) {
			dec.ps.add(k.Line, at, "want a single value, got %s", DescribeNode(vals[i]))
			continue
		}
		*s = append(*s, Setting{Key: k.Value, Value: vals[i].Value, Line: k.Line, Path: at})
	}
}

// Expectations are "property: pass|fail|unknown", in file order.
type Expectations []Expectation

// Expectation is one expected verdict and where it was written.
type Expectation struct {
	Property, Want string
	Line           int
	Path           string
}

// verdictWords are the verdicts a property can have.
var verdictWords = []string{"pass", "fail", "unknown"}

func (e *Expectations) decodeNode(dec *decoder, n *yaml.Node, path string) {
	keys, vals := dec.mappingPairs(n, path)
	for i, k := range keys {
		at := JoinPath(path, k.Value)
		v := vals[i]
		if v.Kind != yaml.ScalarNode || !contains(verdictWords, v.Value) {
			dec.ps.add(v.Line, at, "want one of %s, got %s", strings.Join(verdictWords, ", "), DescribeNode(v))
			continue
		}
		*e = append(*e, Expectation{Property: k.Value, Want: v.Value, Line: k.Line, Path: at})
	}
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
