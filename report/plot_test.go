package report

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"strings"
	"testing"
	"time"

	"rmqsim/scenarios"
)

// incidentResult is one run of the shipped incident scenario.
func incidentResult(t *testing.T) *scenarios.Result {
	t.Helper()
	sc := incidentScenario(t)
	spec, err := sc.WithVariant(sc.VariantNames()[0])
	if err != nil {
		t.Fatal(err)
	}
	res, err := scenarios.Run(spec, scenarios.RunOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestTimelineFollowsTheHistory: the plot's data counts what the run's
// history holds: acknowledged sends per second add up to the run's
// SEND_OKs, deliveries to its consumed messages (and duplicates), and
// the timeline is the same when built twice.
func TestTimelineFollowsTheHistory(t *testing.T) {
	res := incidentResult(t)
	horizon := time.Duration(res.SimTimeMs) * time.Millisecond
	tl := BuildTimeline(res.History, res.Cluster, horizon)
	a, _ := json.Marshal(tl)
	b, _ := json.Marshal(BuildTimeline(res.History, res.Cluster, horizon))
	if !bytes.Equal(a, b) {
		t.Error("two builds of the timeline differ")
	}
	sum := func(xs []int) int {
		n := 0
		for _, x := range xs {
			n += x
		}
		return n
	}
	if got, want := sum(tl.Acked), res.Messages.SendOK; got != want {
		t.Errorf("acknowledged per second add up to %d, the run acknowledged %d", got, want)
	}
	if got, want := sum(tl.Consumed), res.Messages.ConsumedUnique+res.Messages.Duplicates; got != want {
		t.Errorf("deliveries per second add up to %d, the run delivered %d", got, want)
	}
	if len(tl.Brokers) == 0 || tl.Topic == "" {
		t.Errorf("no brokers (%v) or topic (%q)", tl.Brokers, tl.Topic)
	}
}

// TestSVGWithoutEmbeddedFonts: the SVGs name a font with generic
// fallbacks and embed none (report/doc.go).
func TestSVGWithoutEmbeddedFonts(t *testing.T) {
	res := incidentResult(t)
	var b bytes.Buffer
	if err := WriteSVG(&b, BuildTimeline(res.History, res.Cluster, time.Duration(res.SimTimeMs)*time.Millisecond), "t"); err != nil {
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
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 12345: "12,345", -1234567: "-1,234,567"} {
		if got := num(n); got != want {
			t.Errorf("num(%d) = %q", n, got)
		}
	}
}
