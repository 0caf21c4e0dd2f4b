package report

import (
	"image"
	"image/color"
	"image/png"
	"io"

	plotdraw "gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"rmqsim/page"
)

// WritePNG draws the timeline as a PNG of 256 colours (pixels may differ
// across machines: compare the Timeline data, not these bytes).
func WritePNG(w io.Writer, tl *Timeline, title string) error {
	c := vgimg.NewWith(vgimg.UseWH(plotWidth, plotHeight), vgimg.UseDPI(plotDPI))
	drawTimeline(plotdraw.New(c), tl, title)
	return png.Encode(w, paletted(c.Image()))
}

// plotColors are the colours the plots draw with; they come first in a
// PNG's palette, so that each keeps its exact value.
func plotColors() []color.Color {
	out := []color.Color{color.White, color.Black, colorAcked, colorFailed, colorConsumed, colorUp, colorDown, colorStep}
	return append(out, brokerColors...)
}

// paletted is page.Paletted with the timeline's colours first.
func paletted(img image.Image) *image.Paletted { return page.Paletted(img, plotColors()) }
