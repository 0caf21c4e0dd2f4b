package scenarios

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"rmqsim/history"
	"rmqsim/model"
	"rmqsim/sim"
)

// fakeBuild stands in for the model's cluster: every host and service of
// the scenario, where a producer "sends" each message one second after it
// starts (SendCall, Stored, SendReturn SEND_OK), then records its end and
// exits. Servers and other programs only record their start. It tests the
// timeline (anchors, steps, faults, windows) apart from the model.
func fakeBuild(w *sim.World, env *model.Env, s *Scenario) error {
	for host, svcs := range s.hostServices() {
		w.AddHost(host)
		for _, svc := range svcs {
			boot := func(p *sim.Process) {
				env.Rec.Add(history.Record{Kind: history.ProcStart, Proc: p.Name()})
			}
			for _, pr := range s.Programs.Producers {
				if pr.Name == svc {
					boot = fakeProducer(env, pr.ProducerSpec())
				}
			}
			w.Host(host).AddService(svc, boot)
		}
	}
	return nil
}

func fakeProducer(env *model.Env, spec model.ProducerProgramSpec) func(p *sim.Process) {
	return func(p *sim.Process) {
		env.Rec.Add(history.Record{Kind: history.ProcStart, Proc: p.Name()})
		p.After(time.Second, "", func() {
			for i := spec.FirstIndex; i < spec.FirstIndex+spec.Count; i++ {
				key := spec.Body(i)
				env.Rec.Add(history.Record{Kind: history.SendCall, Proc: p.Name(), Key: key, Index: i, Topic: spec.Topic})
				env.Rec.Add(history.Record{Kind: history.Stored, Proc: "m1/broker", Key: key, Topic: spec.Topic, Broker: "broker-a"})
				env.Rec.Add(history.Record{Kind: history.SendReturn, Proc: p.Name(), Key: key, Status: "SEND_OK", Broker: "broker-a"})
			}
			env.Rec.Add(history.Record{Kind: history.ProgramExit, Proc: p.Name(), Detail: "done"})
			p.Stop(0)
		})
	}
}

func runSmall(t *testing.T, variant string, trace *bytes.Buffer) *Result {
	t.Helper()
	s, err := Parse("small.yaml", []byte(readSmall(t)))
	if err != nil {
		t.Fatal(err)
	}
	opts := RunOptions{Variant: variant, build: fakeBuild}
	if trace != nil {
		opts.TraceWriter = trace
	}
	res, err := Run(s, opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestTimelineSteps(t *testing.T) {
	res := runSmall(t, "", nil)
	want := []struct {
		name       string
		start, end int64
	}{
		// S1 at 30 s; p1 exits at 31 s, so S2 at 41 s; S3 60.5 s later,
		// ending 30 s after it starts.
		{"S1", 30_000, 41_000}, {"S2", 41_000, 101_500}, {"S3", 101_500, 131_500},
	}
	if len(res.Steps) != len(want) {
		t.Fatalf("steps: %+v", res.Steps)
	}
	for i, w := range want {
		st := res.Steps[i]
		if st.Name != w.name || !st.Started || st.StartMs != w.start || st.EndMs != w.end {
			t.Errorf("step %d = %+v, want %s [%d, %d)", i, st, w.name, w.start, w.end)
		}
	}
	if m := res.Steps[0].Messages; m.Intended != 5 || m.SendOK != 5 || m.Stored != 5 || m.NeverSent != 0 || m.LostAcked != 5 {
		t.Errorf("S1 counters: %+v", m)
	}
	if m := res.Steps[1].Messages; m.Intended != 3 || m.SendOK != 3 {
		t.Errorf("S2 counters (p2 starts at S2 + 1s): %+v", m)
	}
	if m := res.Steps[2].Messages; m != (Messages{}) {
		t.Errorf("S3 counters: %+v", m)
	}
	// Nothing of the stand-in cluster runs after S3's end: the event queue
	// empties before the horizon.
	if res.SimTimeMs != 131_500 || res.Outcome != "done" {
		t.Errorf("run end: %d ms, %s", res.SimTimeMs, res.Outcome)
	}
}

func TestTimelineRecords(t *testing.T) {
	res := runSmall(t, "", nil)
	var faults, steps []string
	intends := map[string]time.Duration{}
	var intendAt []time.Duration
	for _, r := range res.History.All() {
		switch r.Kind {
		case history.Fault:
			faults = append(faults, r.At.String()+" "+r.Detail+" @"+r.Target)
		case history.Step:
			steps = append(steps, r.At.String()+" "+r.Detail)
		case history.Intend:
			intends[r.Key] = r.Start
			intendAt = append(intendAt, r.At)
			if !strings.HasPrefix(r.Proc, "c1/p") || r.Topic != "t1" {
				t.Errorf("intend record %+v", r)
			}
		}
	}
	wantFaults := []string{
		"41s shutdown-orderly grace=10s power-off-delay=2s @ns1",
		"1m41.5s power-on boot=30s @ns1",
		"1m42.5s partition @c1|m1,s1",
		"1m43.5s heal @network",
		"1m44.5s delay latency=1ms..5ms loss=0.1 both ways @c1|m1",
		"1m45.5s link reset both ways @c1|m1",
		"1m47.5s restart grace=10s @m1/broker",
	}
	if strings.Join(faults, "\n") != strings.Join(wantFaults, "\n") {
		t.Errorf("faults:\n%s\nwant:\n%s", strings.Join(faults, "\n"), strings.Join(wantFaults, "\n"))
	}
	if strings.Join(steps, ",") != "30s S1,41s S2,1m41.5s S3" {
		t.Errorf("steps: %v", steps)
	}
	if len(intends) != 8 || intends["m0"] != 30*time.Second || intends["m7"] != 42*time.Second {
		t.Errorf("intends: %v", intends)
	}
	// Intend records are written when the start becomes known: p1 at S1,
	// p2 when S2 starts (41 s), never later than the start itself.
	if intendAt[0] != 30*time.Second || intendAt[7] != 41*time.Second {
		t.Errorf("intend times: %v", intendAt)
	}
}

func TestVariantRun(t *testing.T) {
	res := runSmall(t, "both", nil)
	if res.Variant != "both" {
		t.Errorf("variant %q", res.Variant)
	}
	for _, r := range res.History.All() {
		if r.Kind == history.Fault && strings.HasPrefix(r.Detail, "power-on") {
			t.Error("removeFaults: power-on still happened")
		}
		if r.Kind == history.Fault && r.Target == "ns1" && !strings.HasPrefix(r.Detail, "shutdown-network-first") {
			t.Errorf("ns1 fault %q, want network-first", r.Detail)
		}
	}
	if res.Config.Client.PollNameServerInterval != 10*time.Second {
		t.Errorf("variant config not applied: %v", res.Config.Client.PollNameServerInterval)
	}
	if len(res.Expectations) != 1 || res.Expectations[0].Want != "fail" {
		t.Errorf("expectations: %+v", res.Expectations)
	}
}

func TestNeverStartedProducer(t *testing.T) {
	// The dashboard never exits, so p2's start never comes.
	src := strings.Replace(readSmall(t), "start: S2 + 1s", "start: dash exits", 1)
	s, err := Parse("small.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(s, RunOptions{build: fakeBuild})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range res.History.All() {
		if r.Kind == history.Intend && strings.HasPrefix(r.Key, "m") && r.Index >= 5 {
			n++
			if r.Start != 0 || r.At != time.Duration(res.SimTimeMs)*time.Millisecond {
				t.Errorf("intend of a program that never started: %+v", r)
			}
		}
	}
	if n != 3 {
		t.Errorf("%d intend records for p2, want 3", n)
	}
}

func TestOverrides(t *testing.T) {
	s, err := Parse("small.yaml", []byte(readSmall(t)))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(s, RunOptions{build: fakeBuild, Overrides: []string{"producer.sendWhichQueue=3"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Config.Producer.SendWhichQueue != 3 {
		t.Errorf("override not applied: %d", res.Config.Producer.SendWhichQueue)
	}
	for _, bad := range []string{"producer.sendWhichQueue", "producer.nope=1", "client.pollNameServerInterval=30"} {
		if _, err := Run(s, RunOptions{build: fakeBuild, Overrides: []string{bad}}); err == nil || !strings.HasPrefix(err.Error(), "-set ") {
			t.Errorf("override %q: error %v", bad, err)
		}
	}
}

// TestTimelineDeterminism: the same inputs give the same trace, byte for
// byte; another seed changes the network draws and so the trace.
func TestTimelineDeterminism(t *testing.T) {
	var a, b bytes.Buffer
	ra, rb := runSmall(t, "", &a), runSmall(t, "", &b)
	if ra.TraceHash != rb.TraceHash || !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatalf("same inputs, different traces: %s vs %s", ra.TraceHash, rb.TraceHash)
	}
	if got := strings.ToLower(ra.TraceHash); len(got) != 16 || strings.Trim(got, "0123456789abcdef") != "" {
		t.Errorf("trace hash %q: want 16 hex digits", ra.TraceHash)
	}
	if want := sim.HashLines(a.Bytes()); ra.TraceHash != strings.ToLower(formatHash(want)) {
		t.Errorf("trace hash %s does not match the written trace (%016x)", ra.TraceHash, want)
	}
}

func formatHash(h uint64) string {
	const digits = "0123456789abcdef"
	b := make([]byte, 16)
	for i := 15; i >= 0; i-- {
		b[i] = digits[h&15]
		h >>= 4
	}
	return string(b)
}

// TestResultJSONShape pins the JSON field names of the CLI's contract.
func TestResultJSONShape(t *testing.T) {
	res := runSmall(t, "", nil)
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"scenario", "variant", "seed", "trace_hash", "events", "sim_time_ms", "wall_ms",
		"outcome", "counts_from", "messages", "stored_by_broker", "fates", "verdicts", "expectations", "steps"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON has no %q", k)
		}
	}
	var msgs map[string]int
	if err := json.Unmarshal(m["messages"], &msgs); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"intended", "send_ok", "send_failed", "never_sent", "stored", "consumed_unique", "duplicates", "lost_acked"} {
		if _, ok := msgs[k]; !ok {
			t.Errorf("messages has no %q", k)
		}
	}
	var steps []map[string]json.RawMessage
	if err := json.Unmarshal(m["steps"], &steps); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"name", "start_ms", "end_ms", "messages", "observer"} {
		if _, ok := steps[0][k]; !ok {
			t.Errorf("steps[0] has no %q", k)
		}
	}
	if string(steps[0]["observer"]) != "null" {
		t.Errorf("observer with no dashboard view: %s, want null", steps[0]["observer"])
	}
}
