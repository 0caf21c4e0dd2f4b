package page

import (
	"bytes"
	"strings"
	"testing"
)

func sample() Doc {
	plot := IntervalPlot{Title: "t", XLabel: "x", YLabel: "y", Categories: []string{"defaults", "1s"},
		Series: []Series{{Name: "a", Values: []Interval{{Y: 1, Lo: 0.5, Hi: 2, Defined: true}, {}}}}}
	svg, err := plot.SVG()
	if err != nil {
		panic(err)
	}
	return Doc{
		Title: "Report <1>",
		Intro: Paras("Intro with `code` and **bold** & <tags>."),
		Sections: []*Section{
			{Title: "Findings", Blocks: []Block{List{"one | two", "three"}, Table{Head: []string{"k", "v"}, Rows: [][]string{{"a|b", "1"}}, Right: []bool{false, true}}}},
			{Title: "Findings", Sub: []*Section{{Title: "Sub one", Blocks: []Block{Details{Summary: "chain", Blocks: []Block{Code("step 1\nstep 2")}}, Figure{Caption: "plot", File: "plots/p.png", SVG: svg}}}}},
		},
	}
}

func TestMarkdown(t *testing.T) {
	md := string(Markdown(sample()))
	for _, want := range []string{"# Report <1>\n", "## Findings\n", "### Sub one\n", "| a\\|b | 1 |", "|---|---:|", "- one | two\n", "```\nstep 1\nstep 2\n```", "![plot](plots/p.png)", "<details><summary>chain</summary>"} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown has no %q:\n%s", want, md)
		}
	}
}

// TestHTMLSelfContained: escaped text, unique anchors, a table of
// contents, the SVG inline without its XML prolog, and nothing that
// loads from elsewhere.
func TestHTMLSelfContained(t *testing.T) {
	h := string(HTML(sample()))
	for _, want := range []string{"<title>Report &lt;1&gt;</title>", "<code>code</code>", "<strong>bold</strong>", "&amp; &lt;tags&gt;",
		`<section id="findings">`, `<section id="findings-2">`, `href="#sub-one"`, "<svg", "<figcaption>plot</figcaption>", `<td class="num">1</td>`, "<details><summary>chain</summary>"} {
		if !strings.Contains(h, want) {
			t.Errorf("HTML has no %q", want)
		}
	}
	for _, bad := range []string{"<?xml", "<script", "src=\"http", "href=\"http", "<link"} {
		if strings.Contains(h, bad) {
			t.Errorf("HTML holds %q: it must open from disk alone", bad)
		}
	}
	if !bytes.Equal(HTML(sample()), HTML(sample())) {
		t.Error("HTML is not a function of the document")
	}
}

func TestPlotRejectsNonFinite(t *testing.T) {
	p := IntervalPlot{Categories: []string{"a"}, Series: []Series{{Name: "s", Values: []Interval{{Y: 1.0 / zero(), Defined: true}}}}}
	if _, err := p.SVG(); err == nil {
		t.Error("an infinite value was drawn")
	}
	png, err := IntervalPlot{Categories: []string{"a"}, Series: []Series{{Name: "s", Values: []Interval{{Y: 1, Lo: 0, Hi: 2, Defined: true}}}}}.PNG()
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Errorf("PNG: %v, %q", err, png[:min(8, len(png))])
	}
}

func zero() float64 { return 0 }
