package pdf

import (
	"fmt"

	"github.com/signintech/gopdf/fontmaker/core"
)

// face is a loaded TrueType face: its data for gopdf and the advance
// widths the line breaker measures with. Widths are in thousandths of an
// em, truncated exactly as gopdf writes them into the PDF's /W array, so
// what the layout measures is what a viewer draws.
type face struct {
	family string // gopdf family name
	data   []byte
	bmp    []uint16 // advance by rune for the BMP; noGlyph when absent
	astral map[rune]uint16
}

const noGlyph = 0xFFFF

func newFace(family string, data []byte) (f *face, err error) {
	// gopdf's parser is not hardened against damaged fonts; a configured
	// font file must not crash the application.
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("parse font: %w: %v", errBadFont, r)
		}
	}()
	var p core.TTFParser
	if err := p.ParseFontData(data); err != nil {
		return nil, fmt.Errorf("parse font: %w", err)
	}
	upem := p.UnitsPerEm()
	widths := p.Widths()
	nh := p.NumberOfHMetrics()
	if upem == 0 || nh == 0 || len(widths) == 0 {
		return nil, fmt.Errorf("parse font: %w: no metrics", errBadFont)
	}
	f = &face{family: family, data: data, bmp: make([]uint16, 0x10000), astral: map[rune]uint16{}}
	for i := range f.bmp {
		f.bmp[i] = noGlyph
	}
	for r, g := range p.Chars() {
		if g == 0 {
			continue // .notdef
		}
		if g >= nh {
			g = nh - 1
		}
		if int(g) >= len(widths) {
			continue
		}
		w := widths[g] * 1000 / upem
		if w >= noGlyph {
			w = noGlyph - 1
		}
		if r >= 0 && r < 0x10000 {
			f.bmp[r] = uint16(w)
		} else if r >= 0x10000 {
			f.astral[rune(r)] = uint16(w)
		}
	}
	return f, nil
}

// advance returns the advance of r in ems and whether the face has it.
func (f *face) advance(r rune) (float64, bool) {
	var w uint16 = noGlyph
	if r >= 0 && r < 0x10000 {
		w = f.bmp[r]
	} else if a, ok := f.astral[r]; ok {
		w = a
	}
	if w == noGlyph {
		return 0, false
	}
	return float64(w) / 1000, true
}

func (f *face) has(r rune) bool {
	_, ok := f.advance(r)
	return ok
}
