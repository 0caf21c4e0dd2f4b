package page

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	vgdraw "gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// The plots use the embedded Liberation Sans; plotter.DefaultFont is a
// copy taken at package init, so both are set (LIBRARIES.md §3).
func init() {
	sans := font.Font{Typeface: "Liberation", Variant: "Sans"}
	plot.DefaultFont = sans
	plotter.DefaultFont = sans
}

// SVGFontFamily is the font-family the SVGs name instead of the bare
// "Liberation Sans" vgsvg writes: the font is not embedded (it would add
// some 0.7 MB to each file); Liberation Sans, Arimo, Arial and Helvetica
// share their metrics, and a generic sans-serif comes last.
const SVGFontFamily = "font-family:'Liberation Sans',Arimo,Arial,Helvetica,sans-serif;"

// Palette is the series colours, in order (colour-blind safe, Okabe-Ito).
var Palette = []color.Color{
	color.RGBA{R: 0x00, G: 0x72, B: 0xb2, A: 0xff},
	color.RGBA{R: 0xd5, G: 0x5e, B: 0x00, A: 0xff},
	color.RGBA{R: 0x00, G: 0x9e, B: 0x73, A: 0xff},
	color.RGBA{R: 0xcc, G: 0x79, B: 0xa7, A: 0xff},
	color.RGBA{R: 0x56, G: 0xb4, B: 0xe9, A: 0xff},
	color.RGBA{R: 0xe6, G: 0x9f, B: 0x00, A: 0xff},
	color.RGBA{R: 0x00, G: 0x00, B: 0x00, A: 0xff},
	color.RGBA{R: 0x99, G: 0x99, B: 0x99, A: 0xff},
}

// Interval is one estimate with its 95 % interval; Defined false leaves
// the category empty.
type Interval struct {
	Y, Lo, Hi float64
	Defined   bool
}

// Series is one line of an interval plot: a value per category.
type Series struct {
	Name   string
	Values []Interval
}

// IntervalPlot draws estimates with interval bars over named categories
// (the values of a swept key): one panel per series (a variant), each
// with its own y scale, so that a series in the tens of milliseconds is
// not flattened by one in the minutes.
type IntervalPlot struct {
	Title, XLabel, YLabel string
	Categories            []string
	Series                []Series
	// YMax fixes every panel's top (100 for percentages); 0: each
	// panel's highest bar, plus a margin.
	YMax float64
}

const (
	plotWidth   = 18 * vg.Centimeter
	panelHeight = 6 * vg.Centimeter
	plotDPI     = 96
	panelCols   = 2
)

// panels builds one plot per series that has a value.
func (ip IntervalPlot) panels() ([]*plot.Plot, error) {
	var out []*plot.Plot
	for si, s := range ip.Series {
		var pts plotter.XYs
		var errs plotter.YErrors
		top := 0.0
		for ci, v := range s.Values {
			if !v.Defined {
				continue
			}
			for _, x := range []float64{v.Y, v.Lo, v.Hi} {
				if math.IsNaN(x) || math.IsInf(x, 0) {
					return nil, fmt.Errorf("page: series %s: value %v is not finite", s.Name, x)
				}
			}
			pts = append(pts, plotter.XY{X: float64(ci), Y: v.Y})
			errs = append(errs, struct{ Low, High float64 }{v.Y - v.Lo, v.Hi - v.Y})
			top = math.Max(top, v.Hi)
		}
		if len(pts) == 0 {
			continue
		}
		p := plot.New()
		p.Title.Text = s.Name
		p.X.Label.Text = ip.XLabel
		p.Y.Label.Text = ip.YLabel
		c := Palette[si%len(Palette)]
		line, points, err := plotter.NewLinePoints(pts)
		if err != nil {
			return nil, err
		}
		line.Color, points.Color = c, c
		line.Width = vg.Points(1)
		line.Dashes = []vg.Length{vg.Points(2), vg.Points(2)}
		points.Shape = vgdraw.CircleGlyph{}
		points.Radius = vg.Points(3)
		bars, err := plotter.NewYErrorBars(struct {
			plotter.XYer
			plotter.YErrorer
		}{pts, errs})
		if err != nil {
			return nil, err
		}
		bars.Color = c
		bars.LineStyle.Width = vg.Points(1.5)
		p.Add(line, bars, points)
		p.NominalX(ip.Categories...)
		p.X.Min, p.X.Max = -0.5, float64(len(ip.Categories))-0.5
		p.Y.Min = 0
		if top <= 0 {
			top = 1
		}
		p.Y.Max = top * 1.15
		if ip.YMax > 0 {
			p.Y.Max = ip.YMax
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("page: plot %q has no defined value", ip.Title)
	}
	return out, nil
}

// draw lays the panels out in rows of panelCols under the title.
func (ip IntervalPlot) draw(c vg.CanvasSizer, ps []*plot.Plot) {
	dc := vgdraw.New(c)
	rows := (len(ps) + panelCols - 1) / panelCols
	grid := make([][]*plot.Plot, rows)
	for i := range grid {
		grid[i] = make([]*plot.Plot, panelCols)
		for j := range panelCols {
			if k := i*panelCols + j; k < len(ps) {
				grid[i][j] = ps[k]
			}
		}
	}
	title := plot.New()
	title.Title.Text = ip.Title
	const head = 0.9 * vg.Centimeter
	top := vgdraw.Canvas{Canvas: dc.Canvas, Rectangle: vg.Rectangle{Min: vg.Point{X: dc.Min.X, Y: dc.Max.Y - head}, Max: dc.Max}}
	top.FillText(title.Title.TextStyle, vg.Point{X: (dc.Min.X + dc.Max.X) / 2, Y: dc.Max.Y - head/2}, ip.Title)
	body := vgdraw.Canvas{Canvas: dc.Canvas, Rectangle: vg.Rectangle{Min: dc.Min, Max: vg.Point{X: dc.Max.X, Y: dc.Max.Y - head}}}
	tiles := vgdraw.Tiles{Rows: rows, Cols: panelCols, PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2,
		PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 3, PadX: vg.Millimeter * 4, PadY: vg.Millimeter * 4}
	canvases := plot.Align(grid, tiles, body)
	for i := range grid {
		for j, p := range grid[i] {
			if p != nil {
				p.Draw(canvases[i][j])
			}
		}
	}
}

func (ip IntervalPlot) size(n int) (vg.Length, vg.Length) {
	rows := (n + panelCols - 1) / panelCols
	return plotWidth, panelHeight*vg.Length(rows) + 0.9*vg.Centimeter
}

// SVG draws the plot as SVG text naming its font with fallbacks.
func (ip IntervalPlot) SVG() ([]byte, error) {
	ps, err := ip.panels()
	if err != nil {
		return nil, err
	}
	w, h := ip.size(len(ps))
	c := vgsvg.NewWith(vgsvg.UseWH(w, h))
	ip.draw(c, ps)
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		return nil, err
	}
	return bytes.ReplaceAll(b.Bytes(), []byte("font-family:Liberation Sans;"), []byte(SVGFontFamily)), nil
}

// PNG draws the plot as a 256-colour PNG.
func (ip IntervalPlot) PNG() ([]byte, error) {
	ps, err := ip.panels()
	if err != nil {
		return nil, err
	}
	w, h := ip.size(len(ps))
	c := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(plotDPI))
	ip.draw(c, ps)
	var b bytes.Buffer
	if err := png.Encode(&b, Paletted(c.Image(), append([]color.Color{color.White, color.Black}, Palette...))); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Paletted turns a drawing into a 256-colour image: first the given
// colours (so each keeps its exact value), then the image's most frequent
// other colours (anti-aliased edges), each pixel mapped to the nearest.
// The palette is a function of the pixels alone (ties broken by value),
// so the bytes are as stable as the drawing's.
func Paletted(img image.Image, first []color.Color) *image.Paletted {
	b := img.Bounds()
	rgba := image.NewRGBA(b)
	draw.Draw(rgba, b, img, b.Min, draw.Src)
	counts := map[uint32]int{}
	for i := 0; i < len(rgba.Pix); i += 4 {
		counts[pixelKey(rgba.Pix[i:i+4])]++
	}
	pal := color.Palette(append([]color.Color(nil), first...))
	inPal := map[uint32]bool{}
	for _, c := range pal {
		r, g, bl, a := c.RGBA()
		inPal[pixelKey([]uint8{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), uint8(a >> 8)})] = true
	}
	keys := make([]uint32, 0, len(counts))
	for k := range counts {
		if !inPal[k] {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		if counts[keys[i]] != counts[keys[j]] {
			return counts[keys[i]] > counts[keys[j]]
		}
		return keys[i] < keys[j]
	})
	for _, k := range keys {
		if len(pal) == 256 {
			break
		}
		pal = append(pal, color.RGBA{R: uint8(k >> 24), G: uint8(k >> 16), B: uint8(k >> 8), A: uint8(k)})
	}
	out := image.NewPaletted(b, pal)
	index := map[uint32]uint8{}
	for i, j := 0, 0; i < len(rgba.Pix); i, j = i+4, j+1 {
		k := pixelKey(rgba.Pix[i : i+4])
		n, ok := index[k]
		if !ok {
			n = uint8(pal.Index(color.RGBA{R: rgba.Pix[i], G: rgba.Pix[i+1], B: rgba.Pix[i+2], A: rgba.Pix[i+3]}))
			index[k] = n
		}
		out.Pix[j] = n
	}
	return out
}

func pixelKey(p []uint8) uint32 {
	return uint32(p[0])<<24 | uint32(p[1])<<16 | uint32(p[2])<<8 | uint32(p[3])
}
