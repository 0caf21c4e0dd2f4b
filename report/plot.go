package report

import (
	"bytes"
	"fmt"
	"image/color"
	"io"
	"math"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"rmqsim/explain"
)

// The plots use the embedded Liberation Sans. plotter.DefaultFont is a
// copy taken at package init, so both must be set (LIBRARIES.md §3).
func init() {
	sans := font.Font{Typeface: "Liberation", Variant: "Sans"}
	plot.DefaultFont = sans
	plotter.DefaultFont = sans
}

// Plot sizes and colours.
const (
	plotWidth  = 26 * vg.Centimeter
	plotHeight = 30 * vg.Centimeter
	plotDPI    = 96
)

var (
	colorAcked    = color.RGBA{R: 0x1b, G: 0x9e, B: 0x77, A: 0xff}
	colorFailed   = color.RGBA{R: 0xd9, G: 0x5f, B: 0x02, A: 0xff}
	colorConsumed = color.RGBA{R: 0x75, G: 0x70, B: 0xb3, A: 0xff}
	colorUp       = color.RGBA{R: 0xc7, G: 0xe9, B: 0xc0, A: 0xff}
	colorDown     = color.RGBA{R: 0xe3, G: 0x1a, B: 0x1c, A: 0xff}
	colorStep     = color.Gray{Y: 0x90}
	brokerColors  = []color.Color{
		color.RGBA{R: 0x37, G: 0x7e, B: 0xb8, A: 0xff},
		color.RGBA{R: 0xe4, G: 0x1a, B: 0x1c, A: 0xff},
		color.RGBA{R: 0x4d, G: 0xaf, B: 0x4a, A: 0xff},
		color.RGBA{R: 0x98, G: 0x4e, B: 0xa3, A: 0xff},
	}
)

// svgFontFamily is the font-family every SVG text names instead of the
// bare "Liberation Sans" vgsvg writes: the SVGs do not embed the font
// (it would add some 0.7 MB to each file). Liberation Sans, Arimo, Arial
// and Helvetica share their metrics, so text laid out with Liberation's
// fits wherever one of them stands in; a generic sans-serif comes last.
const svgFontFamily = "font-family:'Liberation Sans',Arimo,Arial,Helvetica,sans-serif;"

// WriteSVG draws the timeline as an SVG that names its font with
// fallbacks (svgFontFamily) instead of embedding it; its bytes are
// stable on one machine.
func WriteSVG(w io.Writer, tl *Timeline, title string) error {
	c := vgsvg.NewWith(vgsvg.UseWH(plotWidth, plotHeight))
	drawTimeline(draw.New(c), tl, title)
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		return err
	}
	svg := bytes.ReplaceAll(b.Bytes(), []byte("font-family:Liberation Sans;"), []byte(svgFontFamily))
	_, err := w.Write(svg)
	return err
}

// drawTimeline draws the three panels, one above the other, on a shared
// time axis in minutes.
func drawTimeline(dc draw.Canvas, tl *Timeline, title string) {
	panels := [][]*plot.Plot{{ratePanel(tl, title)}, {bandPanel(tl)}, {dashboardPanel(tl)}}
	maxX := float64(tl.Seconds) / 60
	for _, row := range panels {
		row[0].X.Min, row[0].X.Max = 0, maxX
		row[0].X.Label.Text = "virtual time (minutes)"
	}
	tiles := draw.Tiles{Rows: 3, Cols: 1, PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2,
		PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 4, PadY: vg.Millimeter * 4}
	canvases := plot.Align(panels, tiles, dc)
	for i, row := range panels {
		row[0].Draw(canvases[i][0])
	}
}

// ratePanel: acknowledged and failed sends and consumptions per second.
func ratePanel(tl *Timeline, title string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title + ": sends and consumptions per second"
	p.Y.Label.Text = "per second"
	addSeries(p, "send() SEND_OK", tl.Acked, colorAcked, 2.5)
	addSeries(p, "send() failed", tl.Failed, colorFailed, 1.5)
	addSeries(p, "delivered to the listener", tl.Consumed, colorConsumed, 1)
	addStepMarks(p, tl)
	p.Legend.Top = true
	return p
}

// addSeries adds a per-second count as a step line; wider lines go
// first so that equal counts stay visible underneath.
// Only the seconds where the count changes become points: the step line
// is the same, and the SVG much smaller.
func addSeries(p *plot.Plot, name string, perSecond []int, c color.Color, width float64) {
	var xys plotter.XYs
	for i, v := range perSecond {
		if i == 0 || v != perSecond[i-1] {
			xys = append(xys, plotter.XY{X: float64(i) / 60, Y: float64(v)})
		}
	}
	xys = append(xys, plotter.XY{X: float64(len(perSecond)) / 60, Y: 0})
	l, err := plotter.NewLine(xys)
	if err != nil {
		panic(fmt.Sprintf("report: series %s: %v", name, err)) // only NaN/Inf fail; counts are finite
	}
	l.StepStyle = plotter.PostStep
	l.Color = c
	l.Width = vg.Points(width)
	p.Add(l)
	p.Legend.Add(name, l)
}

// addStepMarks draws a dashed vertical line at each step's start, named
// below the zero line (alternately higher and lower, so that close steps
// stay readable), clear of the legend at the top.
func addStepMarks(p *plot.Plot, tl *Timeline) {
	if len(tl.Steps) == 0 {
		return
	}
	top := 1.0
	for _, vs := range [][]int{tl.Acked, tl.Failed, tl.Consumed} {
		for _, v := range vs {
			top = math.Max(top, float64(v))
		}
	}
	p.Y.Min, p.Y.Max = -0.16*top, top*1.25
	labels := plotter.XYLabels{}
	for i, s := range tl.Steps {
		x := s.At.Minutes()
		l, _ := plotter.NewLine(plotter.XYs{{X: x, Y: -0.16 * top}, {X: x, Y: top * 1.25}})
		l.Color, l.Dashes = colorStep, []vg.Length{vg.Points(3), vg.Points(3)}
		p.Add(l)
		labels.XYs = append(labels.XYs, plotter.XY{X: x, Y: -top * (0.07 + 0.07*float64(i%2))})
		labels.Labels = append(labels.Labels, " "+s.Name)
	}
	if lb, err := plotter.NewLabels(labels); err == nil {
		p.Add(lb)
	}
}

// bandPanel: one row per nameserver and broker host, green while up, red
// while down.
func bandPanel(tl *Timeline) *plot.Plot {
	p := plot.New()
	p.Title.Text = "nameservers and brokers: up (green) / down (red)"
	names := make([]string, len(tl.Nodes))
	for i, n := range tl.Nodes {
		names[len(tl.Nodes)-1-i] = n.Label()
	}
	p.Add(&bands{nodes: tl.Nodes, end: float64(tl.Seconds) / 60})
	p.NominalY(names...)
	p.Y.Min, p.Y.Max = -0.6, float64(len(tl.Nodes))-0.4
	return p
}

// bands is a plotter of up/down rows; row 0 (top) is the first node.
type bands struct {
	nodes []explain.NodeTimeline
	end   float64
}

// Plot implements plot.Plotter.
func (b *bands) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	rect := func(x0, x1, y float64, col color.Color) {
		path := c.ClipPolygonXY([]vg.Point{
			{X: tx(x0), Y: ty(y - 0.35)}, {X: tx(x1), Y: ty(y - 0.35)},
			{X: tx(x1), Y: ty(y + 0.35)}, {X: tx(x0), Y: ty(y + 0.35)},
		})
		c.FillPolygon(col, path)
	}
	for i, n := range b.nodes {
		y := float64(len(b.nodes) - 1 - i)
		rect(0, b.end, y, colorUp)
		for _, o := range n.Outages {
			rect(o.From.Minutes(), o.To.Minutes(), y, colorDown)
		}
	}
}

// DataRange implements plot.DataRanger.
func (b *bands) DataRange() (xmin, xmax, ymin, ymax float64) {
	return 0, b.end, -0.5, float64(len(b.nodes)) - 0.5
}

// dashboardPanel: per broker, what the console showed (points; crosses
// at zero where it showed nothing) against what the master held (line).
func dashboardPanel(tl *Timeline) *plot.Plot {
	p := plot.New()
	p.Title.Text = "messages per broker: console (points, × = console blank) vs master's store (line)"
	p.Y.Label.Text = "messages"
	p.Y.Min = 0
	end := float64(tl.Seconds) / 60
	for i, b := range tl.Brokers {
		col := brokerColors[i%len(brokerColors)]
		xys := append(plotter.XYs{{X: 0, Y: 0}}, perSecondSteps(tl.Truth[i])...)
		xys = append(xys, plotter.XY{X: end, Y: xys[len(xys)-1].Y})
		l, _ := plotter.NewLine(xys)
		l.StepStyle, l.Color, l.Width = plotter.PostStep, col, vg.Points(1)
		p.Add(l)
		p.Legend.Add(b+" stored", l)
		var seen plotter.XYs
		for _, v := range tl.Dashboard {
			if n, ok := v.Counts[b]; ok && !v.Blank {
				seen = append(seen, plotter.XY{X: v.At.Minutes(), Y: float64(n)})
			}
		}
		if len(seen) > 0 {
			s, _ := plotter.NewScatter(seen)
			s.GlyphStyle.Color, s.GlyphStyle.Radius = col, vg.Points(1.5)
			s.GlyphStyle.Shape = draw.CircleGlyph{}
			p.Add(s)
			p.Legend.Add(b+" console", s)
		}
	}
	var blank plotter.XYs
	for _, v := range tl.Dashboard {
		if v.Blank {
			blank = append(blank, plotter.XY{X: v.At.Minutes(), Y: 0})
		}
	}
	if len(blank) > 0 {
		s, _ := plotter.NewScatter(blank)
		s.GlyphStyle.Color, s.GlyphStyle.Radius, s.GlyphStyle.Shape = colorDown, vg.Points(2.5), draw.CrossGlyph{}
		p.Add(s)
		p.Legend.Add("console blank", s)
	}
	p.Legend.Top, p.Legend.Left = true, true
	return p
}

// perSecondSteps thins a count series to one step per second of virtual
// time: at the second's first change, the value after its last. At 20
// minutes across 26 cm a second is 0.2 mm, so the line looks the same,
// while many stored messages no longer make as many SVG path points.
func perSecondSteps(cs []Count) plotter.XYs {
	var out plotter.XYs
	lastBin := time.Duration(-1)
	for _, c := range cs {
		bin := c.At / time.Second
		if bin == lastBin {
			out[len(out)-1].Y = float64(c.Value)
			continue
		}
		lastBin = bin
		out = append(out, plotter.XY{X: c.At.Minutes(), Y: float64(c.Value)})
	}
	return out
}
