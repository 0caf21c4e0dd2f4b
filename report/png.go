package report

import (
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"sort"

	plotdraw "gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
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

// paletted turns the drawing into a 256-colour image: the plot's colours,
// then the image's most frequent other colours (the anti-aliased edges),
// each pixel mapped to the nearest. The plots have a few thousand
// distinct colours, nearly all faint edge shades, so the result looks
// the same and the file is a third of the size of the 32-bit one. The
// palette is a function of the pixels alone (ties broken by value), so
// the bytes are as stable as the drawing's.
func paletted(img image.Image) *image.Paletted {
	b := img.Bounds()
	rgba := image.NewRGBA(b)
	draw.Draw(rgba, b, img, b.Min, draw.Src)
	counts := map[uint32]int{}
	for i := 0; i < len(rgba.Pix); i += 4 {
		counts[pixelKey(rgba.Pix[i:i+4])]++
	}
	pal := color.Palette(plotColors())
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
