package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/color"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rmqsim/history"
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

// synthResults are the synthetic runs, the baseline's carrying a
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
	spec := &scenarios.Scenario{Name: "field-experiment", Horizon: scenarios.Duration(synthHorizon),
		Cluster: scenarios.Cluster{Name: "MyRocketmq", Brokers: []scenarios.BrokerGroup{{BrokerName: "broker-a"}, {BrokerName: "broker-b"}},
			Topics: []scenarios.Topic{{Name: topic, Queues: 16}}}}
	for _, r := range out {
		if r.Variant == "baseline" {
			r.Spec = spec
		}
	}
	return out
}

// synthRuns digests the synthetic results.
func synthRuns(t *testing.T) []*Run {
	t.Helper()
	var out []*Run
	for _, r := range synthResults(t) {
		out = append(out, NewRun(r))
	}
	return out
}

// runOf is the run of a variant and seed.
func runOf(t *testing.T, runs []*Run, variant string, seed uint64) *Run {
	t.Helper()
	for _, r := range runs {
		if r.Variant == variant && r.Seed == seed {
			return r
		}
	}
	t.Fatalf("no run %s seed %d", variant, seed)
	return nil
}

func TestTimelineGolden(t *testing.T) {
	for _, res := range synthResults(t) {
		if res.Seed != 1 {
			continue
		}
		tl := BuildTimeline(res.History, res.Cluster, synthHorizon)
		js, err := json.MarshalIndent(tl, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		golden(t, "timeline-"+res.Variant+".golden.json", append(js, '\n'))
	}
}

// TestReportGolden: REPORT.md of the synthetic runs, and one plot per
// variant and outcome class (the baseline's seeds fall in two).
func TestReportGolden(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, "field-experiment", "timeline-gone.svg")
	if err := os.MkdirAll(filepath.Dir(stale), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stale, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFieldExperiment(dir, synthRuns(t)); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "field-experiment", "REPORT.md"))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "REPORT.golden.md", got)
	files, _ := filepath.Glob(filepath.Join(dir, "field-experiment", "timeline-*"))
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(f))
	}
	want := []string{"timeline-baseline-a.png", "timeline-baseline-a.svg", "timeline-baseline-b.png", "timeline-baseline-b.svg",
		"timeline-consumer-restarted.png", "timeline-consumer-restarted.svg",
		"timeline-producer-after-outage.png", "timeline-producer-after-outage.svg"}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Errorf("plots %v, want %v", names, want)
	}
	for _, w := range []string{"[seed 2](timeline-baseline-b.svg)", "![timeline-baseline-b](timeline-baseline-b.svg)",
		"go run ./cmd/simulate run field-experiment -variant baseline -seed 2"} {
		if !strings.Contains(string(got), w) {
			t.Errorf("REPORT.md does not say %q", w)
		}
	}
}

// TestSVGWithoutEmbeddedFonts: the SVGs name a font with generic
// fallbacks and embed none (report/doc.go).
func TestSVGWithoutEmbeddedFonts(t *testing.T) {
	res := synthResults(t)[0]
	var b bytes.Buffer
	if err := WriteSVG(&b, BuildTimeline(res.History, res.Cluster, synthHorizon), "t"); err != nil {
		t.Fatal(err)
	}
	svg := b.String()
	if strings.Contains(svg, "@font-face") || strings.Contains(svg, "font-family:Liberation Sans;") {
		t.Error("the SVG embeds a font or names it without a fallback")
	}
	if !strings.Contains(svg, svgFontFamily) {
		t.Errorf("the SVG does not name %s", svgFontFamily)
	}
	if b.Len() > 200_000 {
		t.Errorf("SVG of %d bytes", b.Len())
	}
}

// TestRerunByteForByte: writing the report twice gives the same files.
func TestRerunByteForByte(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	if err := WriteFieldExperiment(a, synthRuns(t)); err != nil {
		t.Fatal(err)
	}
	if err := WriteFieldExperiment(b, synthRuns(t)); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(a, "field-experiment", "*"))
	for _, f := range files {
		x, _ := os.ReadFile(f)
		y, err := os.ReadFile(filepath.Join(b, "field-experiment", filepath.Base(f)))
		if err != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs between two writes", filepath.Base(f))
		}
	}
	if len(files) != 1+2*4 {
		t.Errorf("compared %d files, want REPORT.md and 4 plots of 2 files", len(files))
	}
}

// TestRunOrderDoesNotMatter: the report sorts the runs it is given.
func TestRunOrderDoesNotMatter(t *testing.T) {
	runs := synthRuns(t)
	var a, b bytes.Buffer
	none := func(io.Writer) {}
	writeReport(&a, groupRuns(runs), none)
	rev := append([]*Run(nil), runs...)
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	writeReport(&b, groupRuns(rev), none)
	// Variants come in the order they first appear; seeds are sorted.
	if vs := groupRuns(rev); vs[0].name != "producer-after-outage" || vs[2].runs[0].Seed != 1 {
		t.Errorf("grouped %s first, seeds %d…", vs[0].name, vs[2].runs[0].Seed)
	}
	if strings.Count(a.String(), "\n") != strings.Count(b.String(), "\n") {
		t.Error("the report's length depends on the order of the runs")
	}
}

// TestObservationsReadTheRuns: the table's cells are read from the
// synthetic runs.
func TestObservationsReadTheRuns(t *testing.T) {
	evs := map[string]*evidence{}
	for _, r := range synthResults(t) {
		evs[fmt.Sprintf("%s/%d", r.Variant, r.Seed)] = newEvidence(r)
	}
	base := evs["baseline/1"]
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
		{readE3Sent, evs["baseline/2"], cell{"0", markNo}},
		{readE3Consumed, evs["baseline/2"], cell{"0 (nothing to consume)", markYes}},
		{readE3Sent, evs["producer-after-outage/1"], cell{"0", markNo}},
		{readE4Recover, evs["consumer-restarted/1"], cell{"sent 0, consumed 10", markYes}},
		{readE4Lost, evs["producer-after-outage/1"], cell{"acked lost 0, never sent 19", markShape}},
	} {
		if got := tc.read(tc.ev); got != tc.want {
			t.Errorf("%s seed %d: got %+v, want %+v", tc.ev.res.Variant, tc.ev.res.Seed, got, tc.want)
		}
	}
}

// TestE3SentFromAFrozenConsole: read from the console, E3's count is what
// its last view before it went blank showed.
func TestE3SentFromAFrozenConsole(t *testing.T) {
	res := synthRun(synthVariant{name: "dashboard-counts", seed: 1})
	res.CountsFrom = "dashboard"
	if got := readE3Sent(newEvidence(res)); got != (cell{"console blank; its last view +0", markNo}) {
		t.Errorf("no refresh during E3: %+v", got)
	}
	// A refresh at 201 s, after 10 of E3's sends and before nameserver01
	// goes down at 202 s.
	view := history.Record{Kind: history.Observe, At: 201 * time.Second, Proc: "client01/dashboard",
		Counts: map[string]int64{"stored/" + topic: 210}}
	var out []history.Record
	for _, r := range res.History.All() {
		if r.At > view.At && view.Proc != "" {
			out = append(out, view)
			view.Proc = ""
		}
		out = append(out, r)
	}
	res.History = history.Of(out...)
	if got := readE3Sent(newEvidence(res)); got != (cell{"console blank; its last view +10", markShape}) {
		t.Errorf("a refresh during E3: %+v", got)
	}
}

// TestClasses: the baseline's seeds fall in two classes, told apart by
// the nameserver the E3 producer asked first.
func TestClasses(t *testing.T) {
	vs := groupRuns(synthRuns(t))
	base := vs[0]
	if base.name != "baseline" || len(base.classes) != 2 {
		t.Fatalf("%s: %d classes", base.name, len(base.classes))
	}
	a, b := base.classes[0], base.classes[1]
	if seedList(a.runs) != "1, 3" || seedList(b.runs) != "2" || a.rep().Seed != 1 || b.rep().Seed != 2 {
		t.Errorf("classes A %s, B %s", seedList(a.runs), seedList(b.runs))
	}
	apart := base.apart()
	wantA := "producer-e3: asked nameserver01 first (up), sent all 20"
	wantB := "producer-e3: asked nameserver02 first (down), aborted at its first send(): IllegalStateException"
	if strings.Join(apart[a], "; ") != wantA || strings.Join(apart[b], "; ") != wantB {
		t.Errorf("apart: A %q, B %q", apart[a], apart[b])
	}
	if base.plotName(a) != "timeline-baseline-a" || vs[1].plotName(vs[1].classes[0]) != "timeline-consumer-restarted" {
		t.Errorf("plot names %s, %s", base.plotName(a), vs[1].plotName(vs[1].classes[0]))
	}
	got := formatDistribution(distribution(base.runs, 8), len(base.runs))
	if want := "20 ≈ (2 of 3 seeds, e.g. seed 1) · 0 ✗ (1 of 3, e.g. seed 2)"; got != want {
		t.Errorf("E3 sent over the baseline's seeds: %q, want %q", got, want)
	}
}

// TestCompact: more than maxListed values of one shape become ranges.
func TestCompact(t *testing.T) {
	var vals []value
	for i, n := range []int{5970, 6012, 5986, 5999, 6001} {
		vals = append(vals, value{text: "sent 100, consumed " + num(n), mark: markYes, seeds: []uint64{uint64(i + 2)}})
	}
	vals = append(vals, value{text: "sent 0, consumed 0", mark: markNo, seeds: []uint64{1}})
	got := formatDistribution(compact(vals, maxListed), 6)
	want := "sent 100, consumed 5,970–6,012 ✓ (5 of 6 seeds, e.g. seed 2) · sent 0, consumed 0 ✗ (1 of 6, e.g. seed 1)"
	if got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if got := formatDistribution(compact(vals[:2], maxListed), 2); !strings.Contains(got, "6,012 ✓ (1 of 2, e.g. seed 3)") {
		t.Errorf("two values are merged: %q", got)
	}
}

// TestVerdictsFollowEvidence: the verdicts change with the runs.
func TestVerdictsFollowEvidence(t *testing.T) {
	runs := synthRuns(t)
	vs := groupRuns(runs)
	cs := conclusions(vs)
	want := []string{verdictHolds, verdictPartly, verdictPartly, verdictDifferent}
	for i, c := range cs {
		if c.verdict != want[i] {
			t.Errorf("conclusion %d: %s, want %s", i+1, c.verdict, want[i])
		}
	}
	// Conclusion 2 read from one run at a time: traffic refutes it, a
	// client that had work and could not do it confirms it, a producer
	// without a route confirms it only for such clients.
	for _, tc := range []struct {
		variant string
		seed    uint64
		want    string
	}{
		{"baseline", 1, verdictWrong}, {"consumer-restarted", 1, verdictPartly},
		{"producer-after-outage", 1, verdictNewClients}, {"baseline", 2, verdictNewClients},
	} {
		one := groupRuns([]*Run{runOf(t, runs, tc.variant, tc.seed)})
		if c := conclusionAllDown(one); c.verdict != tc.want {
			t.Errorf("%s seed %d alone, conclusion 2: %s, want %s", tc.variant, tc.seed, c.verdict, tc.want)
		}
	}
	// Nothing acknowledged is lost and, in the baseline's seed 1 alone,
	// nothing was waiting for the nameservers: conclusion 3 does not hold.
	if c := conclusionRecovery(groupRuns([]*Run{runOf(t, runs, "baseline", 1)})); c.verdict != verdictWrong {
		t.Errorf("baseline seed 1 alone, conclusion 3: %s", c.verdict)
	}
	body := strings.Join(cs[1].body, " ")
	for _, want := range []string{"`baseline`: 10 in 2 of 3 (seeds 1, 3)",
		"In `baseline` this follows the E3 producer's random first nameserver alone",
		"in every run in which it first asked one that was down (nameserver02)"} {
		if !strings.Contains(body, want) {
			t.Errorf("conclusion 2 does not say %q:\n%s", want, body)
		}
	}
}

// TestOnly367: the logs give all or nothing here; a partial count is
// reported as such.
func TestOnly367(t *testing.T) {
	runs := synthRuns(t)
	var b bytes.Buffer
	writeOnly367(&b, groupRuns(runs))
	text := b.String()
	for _, want := range []string{"| 0 | 2 | `baseline`: 1 of 3 (seed 2); `producer-after-outage`: seed 1 |",
		"| 20 | 3 |", "Every run gave all or nothing.", "No console froze at a partial count"} {
		if !strings.Contains(text, want) {
			t.Errorf("the section does not say %q:\n%s", want, text)
		}
	}
	runOf(t, runs, "baseline", 3).e3.producer.acked = 10
	b.Reset()
	writeOnly367(&b, groupRuns(runs))
	if !strings.Contains(b.String(), "Partial counts: 10.") {
		t.Errorf("a run that sent 10 of 20:\n%s", b.String())
	}
	r := runOf(t, runs, "baseline", 1)
	if rate, ok := r.e3.rate(); !ok || rate < 1 {
		t.Errorf("baseline seed 1: rate %v, %v", rate, ok)
	}
}

func TestSweep(t *testing.T) {
	runs := synthRuns(t)
	base := sweepBase(groupRuns(runs))
	ps, err := sweepStartIndex(base)
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
	if ps[8].first != "broker-a q8" || ps[8].queueB13 != 3 || len(ps) != 32 {
		t.Errorf("start 8: %+v (%d placements)", ps[8], len(ps))
	}
	var b bytes.Buffer
	writeSweep(&b, base, ps, nil)
	if !strings.Contains(b.String(), "so pin 8 gives broker-a q8") || strings.Contains(b.String(), "+1") {
		t.Errorf("sweep text:\n%s", b.String())
	}
	base.spec = nil
	if _, err := sweepStartIndex(base); err == nil {
		t.Error("a run without a scenario is swept")
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

// TestPaletted: a PNG keeps the plot's colours exactly and maps other
// shades to the nearest of at most 256.
func TestPaletted(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 40, 40))
	for x := 0; x < 40; x++ {
		for y := 0; y < 40; y++ {
			img.Set(x, y, color.RGBA{R: uint8(x * 6), G: uint8(y * 6), B: 128, A: 255})
		}
	}
	img.Set(0, 0, colorConsumed)
	p := paletted(img)
	if len(p.Palette) != 256 {
		t.Errorf("%d colours", len(p.Palette))
	}
	if r, g, b, _ := p.At(0, 0).RGBA(); color.RGBAModel.Convert(colorConsumed) != (color.RGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: 255}) {
		t.Errorf("the consumed colour became %v", p.At(0, 0))
	}
	if q := paletted(img); !bytes.Equal(q.Pix, p.Pix) {
		t.Error("two conversions differ")
	}
}

func TestNum(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 10197: "10,197", -1234567: "-1,234,567"} {
		if got := num(n); got != want {
			t.Errorf("num(%d) = %q", n, got)
		}
	}
}
