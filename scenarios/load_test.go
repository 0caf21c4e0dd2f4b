package scenarios

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestLoadEmbedded(t *testing.T) {
	names := Names()
	if len(names) == 0 {
		t.Fatal("no embedded scenarios")
	}
	for _, name := range names {
		s, err := LoadNamed(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if s.Name != name {
			t.Errorf("scenarios/%s.yaml: name %q, want the file name", name, s.Name)
		}
		for _, v := range s.VariantNames() {
			if _, err := s.WithVariant(v); err != nil {
				t.Errorf("%s -variant %s: %v", name, v, err)
			}
		}
	}
}

func readSmall(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("testdata/small.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestLoadSmall(t *testing.T) {
	s, err := Parse("small.yaml", []byte(readSmall(t)))
	if err != nil {
		t.Fatal(err)
	}
	if s.Horizon.D() != 5*time.Minute || s.Seed != 7 || s.CountsFrom != "logs" {
		t.Errorf("top level: horizon %v seed %d countsFrom %q", s.Horizon.D(), s.Seed, s.CountsFrom)
	}
	p := s.Programs.Producers[0]
	if p.Mode != "sync" || p.OnError != "abort" || p.Start.Anchor != "S1" {
		t.Errorf("producer defaults/start: %+v", p)
	}
	if s.Programs.Consumers[0].SubExpression != "*" {
		t.Errorf("consumer subExpression default: %q", s.Programs.Consumers[0].SubExpression)
	}
	s3 := s.Steps[2].At
	if s3.Anchor != "S2" || s3.Offset != time.Minute+500*time.Millisecond {
		t.Errorf("S3 at: %+v", s3)
	}
	if st := s.Steps[1].At; !st.Exit || st.Anchor != "p1" || st.Offset != 10*time.Second {
		t.Errorf("S2 at: %+v", st)
	}
	if l := s.Faults[4].Latency; l == nil || l.Min != time.Millisecond || l.Max != 5*time.Millisecond {
		t.Errorf("link latency: %+v", l)
	}
	if got := s.VariantNames(); strings.Join(got, ",") != "later,no-return,both" {
		t.Errorf("variants: %v", got)
	}
}

func TestVariantPatches(t *testing.T) {
	base, err := Parse("small.yaml", []byte(readSmall(t)))
	if err != nil {
		t.Fatal(err)
	}
	s, err := base.WithVariant("both")
	if err != nil {
		t.Fatal(err)
	}
	if s.Variant != "both" {
		t.Errorf("Variant = %q", s.Variant)
	}
	if got := s.Programs.Producers[1].Start.Text; got != "S2 + 20s" {
		t.Errorf("included program patch: start %q", got)
	}
	if s.Faults[0].Kind != "shutdown-network-first" {
		t.Errorf("included fault patch: kind %q", s.Faults[0].Kind)
	}
	for _, f := range s.Faults {
		if f.Name == "ns-up" {
			t.Error("removeFaults left ns-up")
		}
	}
	if len(s.Config) != 2 || s.Config[1].Key != "client.pollNameServerInterval" {
		t.Errorf("config patch: %+v", s.Config)
	}
	if len(s.Expect) != 1 || s.Expect[0].Want != "fail" {
		t.Errorf("expect patch: %+v", s.Expect)
	}
	// The base is untouched by applying a variant.
	if base.Faults[0].Kind != "shutdown-orderly" || len(base.Faults) != 7 {
		t.Errorf("base changed: %s, %d faults", base.Faults[0].Kind, len(base.Faults))
	}
}

func TestDurationForms(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"3s": 3 * time.Second, "221.21s": 221210 * time.Millisecond, "1m30s": 90 * time.Second,
		"00:03:41.210": 221210 * time.Millisecond, "01:00:00": time.Hour, "0": 0, "00:00:00.5": 500 * time.Millisecond,
	} {
		got, err := ParseDuration(in)
		if err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"20", "-3s", "00:61:00", "3 s", "", "1:2:3"} {
		if _, err := ParseDuration(bad); err == nil {
			t.Errorf("ParseDuration(%q): no error", bad)
		}
	}
}

func TestWhenForms(t *testing.T) {
	cases := []struct {
		in           string
		anchor       string
		exit         bool
		offset       time.Duration
		wantErr      bool
		errorMention string
	}{
		{in: "90s", offset: 90 * time.Second},
		{in: "00:01:30.500", offset: 90500 * time.Millisecond},
		{in: "E3", anchor: "E3"},
		{in: "E3 + 2s", anchor: "E3", offset: 2 * time.Second},
		{in: "E3+2s", anchor: "E3", offset: 2 * time.Second},
		{in: "producer-e2 exits", anchor: "producer-e2", exit: true},
		{in: "producer-e2 exits + 30s", anchor: "producer-e2", exit: true, offset: 30 * time.Second},
		{in: "E3 + soon", wantErr: true, errorMention: "offset"},
		{in: "3 apples", wantErr: true, errorMention: "want a time"},
		{in: "+ 3s", wantErr: true, errorMention: "want a time"},
	}
	for _, c := range cases {
		w, err := ParseWhen(c.in)
		if c.wantErr {
			if err == nil || !strings.Contains(err.Error(), c.errorMention) {
				t.Errorf("ParseWhen(%q): error %v, want one mentioning %q", c.in, err, c.errorMention)
			}
			continue
		}
		if err != nil || w.Anchor != c.anchor || w.Exit != c.exit || w.Offset != c.offset {
			t.Errorf("ParseWhen(%q) = %+v, %v", c.in, w, err)
		}
	}
}

// lineOf is the 1-based line of the first occurrence of marker in src.
func lineOf(t *testing.T, src, marker string) int {
	t.Helper()
	i := strings.Index(src, marker)
	if i < 0 {
		t.Fatalf("marker %q not in source", marker)
	}
	return strings.Count(src[:i], "\n") + 1
}

// TestBadInput edits the small scenario into broken ones: each error must
// name the file, the line and the field.
func TestBadInput(t *testing.T) {
	cases := []struct {
		name, old, new string
		marker         string // the line the error must name
		want           string // "<field>: <message start>"
	}{
		{"unknown top-level field", "seed: 7", "sede: 7", "sede:", `sede: unknown field "sede" (want one of name,`},
		{"unknown fault kind", "kind: shutdown-orderly", "kind: poweroff", "kind: poweroff",
			`faults[0].kind: unknown fault kind "poweroff" (want one of kill, stop, start, restart, power-off,`},
		{"unknown config key", "producer.sendWhichQueue: 0", "producer.sendWhichQ: 0", "producer.sendWhichQ",
			`config.producer.sendWhichQ: unknown parameter "producer.sendWhichQ"`},
		{"bad config value", "producer.sendWhichQueue: 0", "client.pollNameServerInterval: 30", "client.poll",
			`config.client.pollNameServerInterval: parameter "client.pollNameServerInterval": want a duration`},
		{"duration without unit", "horizon: 5m", "horizon: 300", "horizon:", `horizon: want a duration such as 3s`},
		{"unknown step", "at: S2 + 00:01:00.500", "at: S9 + 1s", "at: S9", `steps[2].at: no step "S9" (have: S1, S2, S3)`},
		{"program used as step", "start: S1\n", "start: p2\n", "start: p2", `programs.producers[0].start: no step "p2"`},
		{"unknown service", "target: m1/broker", "target: m1/namesrv", "target: m1/namesrv",
			`faults[6].target: no service "namesrv" on m1 (it runs: broker)`},
		{"unknown program host", "      host: c1\n      group: g1\n      topic: t1\n      count: 5",
			"      host: c9\n      group: g1\n      topic: t1\n      count: 5", "host: c9",
			`programs.producers[0].host: no host "c9" in the cluster`},
		{"field of another kind", "kind: power-on\n    target: ns1", "kind: power-on\n    target: ns1\n    grace: 3s", "grace: 3s",
			`faults[1].grace: does not apply to kind power-on`},
		{"repeated key", "seed: 7", "seed: 7\nseed: 8", "seed: 8", `seed: given twice (first at line`},
		{"wrong shape", "clients:\n    - {host: c1, ip: 10.0.0.9}", "clients: c1", "clients: c1", `cluster.clients: want a list, got "c1"`},
		{"bad ip", "ip: 10.0.0.9", "ip: 10.0.0.999", "ip: 10.0.0.999", `cluster.clients[0].ip: want an IPv4 address, got "10.0.0.999"`},
		{"cycle", "start: S1\n", "start: S2\n", "at: p1 exits", `steps[1].at: waits for itself: step:S2 → exit:p1 → step:S2`},
		{"bad expectation", "no-acked-lost: pass", "no-acked-lost: maybe", "no-acked-lost: maybe",
			`expect.no-acked-lost: want one of pass, fail, unknown, got "maybe"`},
		{"variant names a missing program", "p2: {start: S2 + 20s}", "p3: {start: S2 + 20s}", "p3: {",
			`variants[0].programs.p3: nothing named "p3" to change (have: p1, p2, cons, dash)`},
		{"variant patch is checked like the file", "ns-down: {kind: shutdown-network-first}", "ns-down: {kind: unplug}",
			"ns-down: {kind: unplug}", `faults[0].kind: unknown fault kind "unplug"`},
		{"variant with unknown key", "removeFaults: [ns-up]", "removeFault: [ns-up]", "removeFault:",
			`variants[1].removeFault: unknown field "removeFault"`},
		{"unknown console view", "      host: c1\n      start: 0s\n", "      host: c1\n      start: 0s\n      visits:\n        - {at: S1, view: brokers}\n",
			"view: brokers", `programs.dashboards[0].visits[0].view: want one of home, cluster, topicStatus, consumer, messagePage, got "brokers"`},
		{"visit at an unknown step", "      host: c1\n      start: 0s\n", "      host: c1\n      start: 0s\n      visits:\n        - {at: S7, view: home}\n",
			"at: S7", `programs.dashboards[0].visits[0].at: no step "S7"`},
		{"message window half given", "      host: c1\n      start: 0s\n", "      host: c1\n      start: 0s\n      visits:\n        - {at: S2, view: messagePage, begin: S1}\n",
			"begin: S1", `programs.dashboards[0].visits[0].begin: give both begin and end`},
		{"auto-refresh off the consumer page", "      host: c1\n      start: 0s\n", "      host: c1\n      start: 0s\n      visits:\n        - {at: S2, view: cluster, autoRefresh: true}\n",
			"autoRefresh: true", `programs.dashboards[0].visits[0].autoRefresh: only the consumer page has auto-refresh`},
		{"read of an unknown step", "      host: c1\n      start: 0s\n", "      host: c1\n      start: 0s\n      reads:\n        - {step: S9, view: home}\n",
			"step: S9", `programs.dashboards[0].reads[0].step: no step "S9"`},
		{"bad console profile", "producer.sendWhichQueue: 0", "console.profile: dashboard-2", "console.profile",
			`config.console.profile: parameter "console.profile"`},
		{"missing required", "seed: 7\n", "", "name: small", `seed: required`},
		{"yaml syntax", "seed: 7", "seed: [7", "seed: [7", `did not find expected ',' or ']'`},
	}
	src := readSmall(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(src, c.old) {
				t.Fatalf("case does not apply: %q not in small.yaml", c.old)
			}
			bad := strings.Replace(src, c.old, c.new, 1)
			_, err := Parse("x.yaml", []byte(bad))
			if err == nil {
				t.Fatal("no error")
			}
			prefix := "x.yaml:" + strconv.Itoa(lineOf(t, bad, c.marker)) + ": " + c.want
			if !hasLine(err.Error(), prefix) {
				t.Errorf("error:\n%v\nwant a line starting %q", err, prefix)
			}
		})
	}
}

func hasLine(text, prefix string) bool {
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, prefix) {
			return true
		}
	}
	return false
}

func TestUnknownVariantAndScenario(t *testing.T) {
	s, err := Parse("small.yaml", []byte(readSmall(t)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.WithVariant("nope"); err == nil || !strings.Contains(err.Error(), `no variant "nope" in small (have: later, no-return, both)`) {
		t.Errorf("unknown variant: %v", err)
	}
	if _, err := Find("no-such-scenario"); err == nil || !strings.Contains(err.Error(), "no such scenario") {
		t.Errorf("unknown scenario: %v", err)
	}
	if _, err := Find("testdata/missing.yaml"); err == nil || !strings.HasPrefix(err.Error(), "testdata/missing.yaml: ") {
		t.Errorf("missing file: %v", err)
	}
}

// TestDocExample keeps the complete example of docs/scenarios.md valid.
func TestDocExample(t *testing.T) {
	b, err := os.ReadFile("../docs/scenarios.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "## A complete example")
	if !ok {
		t.Fatal("docs/scenarios.md has no complete example")
	}
	_, rest, _ = strings.Cut(rest, "```yaml\n")
	example, _, _ := strings.Cut(rest, "```")
	s, err := Parse("docs/scenarios.md example", []byte(example))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Variants) != 2 || len(s.Faults) != 4 {
		t.Errorf("example: %d variants, %d faults", len(s.Variants), len(s.Faults))
	}
}

func TestBadJudge(t *testing.T) {
	src := readSmall(t)
	cases := []struct{ old, new, marker, want string }{
		{"tolerate: [at-least-once]", "tolerate: [sometimes]", "tolerate: [sometimes]", `judge.tolerate: unknown tolerance "sometimes"`},
		{`{cause: unflushed-lost, why: "ASYNC_FLUSH"}`, `{cause: gremlins, why: "x"}`, "cause: gremlins", `judge.tolerance[0].cause: unknown cause "gremlins"`},
		{"healAt: S3 + 6s", "healAt: S7", "healAt: S7", `judge.healAt: no step "S7"`},
		{"livenessBound: 1m", "livenesBound: 1m", "livenesBound", `judge.livenesBound: unknown field`},
	}
	for _, c := range cases {
		bad := strings.Replace(src, c.old, c.new, 1)
		_, err := Parse("x.yaml", []byte(bad))
		prefix := "x.yaml:" + strconv.Itoa(lineOf(t, bad, c.marker)) + ": " + c.want
		if err == nil || !hasLine(err.Error(), prefix) {
			t.Errorf("error:\n%v\nwant a line starting %q", err, prefix)
		}
	}
}
