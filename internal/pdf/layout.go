package pdf

import (
	"bytes"
	"context"
	"image"
	_ "image/jpeg" // DecodeConfig for figure sizes
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kansa-audit/kansa/internal/report"
)

// Page geometry, in points (1/72 in). The text block is exactly 45
// full-width characters of 10.5 pt wide, so Japanese body text sits on a
// clean grid; the side margins come out at 21.7 mm.
const (
	pageW   = 595.28
	pageH   = 841.89
	bodyPt  = 10.5
	textW   = 45 * bodyPt
	marginX = (pageW - textW) / 2
	topY    = 76.0         // top of the text block (26.8 mm)
	bottomY = pageH - 68.0 // bottom of the text block (24 mm margin)
	headerY = 50.0         // header baseline
	footerY = pageH - 36.0 // page number baseline

	emBaseline = 0.88 // baseline within the ideographic em box

	maxFigureH = 311.8        // 11 cm
	minFigure  = 0.7          // a figure may shrink to this to fit the page's foot
	maxFigureW = textW * 0.64 // 10.7 cm: a 4:3 photo is 8 cm high
)

// Face slots in the renderer.
const (
	fBody uint8 = iota
	fHead
	fBold
	numFaces
)

// textStyle is how a block's text is set.
type textStyle struct {
	font    uint8
	bold    uint8 // face for bold runs
	size    float64
	lead    float64 // line pitch
	gray    float64 // text colour, 0 black
	justify bool
	align   report.Align
}

// op is one drawing operation on a page.
type op interface{}

type textOp struct {
	x, y float64 // start of the baseline
	font uint8
	fake bool
	size float64
	cs   float64 // character spacing
	gray float64
	text string
}

type lineOp struct {
	x1, y1, x2, y2 float64
	width, gray    float64
	dots           bool // leader dots
}

type rectOp struct{ x, y, w, h, gray float64 }

type imageOp struct {
	x, y, w, h float64
	img        *report.Image
	caption    string // for errors
}

// tocNumOp prints the page number of heading, right-aligned at x.
type tocNumOp struct {
	x, y    float64
	size    float64
	font    uint8
	heading int
}

// linkOp makes the rectangle a link to heading.
type linkOp struct {
	x, y, w, h float64
	heading    int
}

type page struct {
	ops     []op
	cover   bool
	num     int // printed page number; 0 for none
	lastBlk int // last block with content on this page, for progress
}

type headingInfo struct {
	level int
	title string // number and text
	page  int    // index into pages
	y     float64
}

// layouter places a document's blocks on pages. It measures with the faces'
// widths only; nothing is drawn until render.
type layouter struct {
	faces    [numFaces]*face
	fake     [numFaces]bool // text in this face slot is drawn fake bold
	pages    []*page
	cur      *page
	y        float64
	empty    bool // nothing placed on the current page yet
	blk      int
	headings []headingInfo
	hIndex   map[int]int // block index of a heading -> index in headings
	xs       []float64   // scratch
}

func (l *layouter) newPage() {
	p := &page{lastBlk: l.blk}
	l.pages = append(l.pages, p)
	l.cur = p
	l.y = topY
	l.empty = true
}

func (l *layouter) add(o op) {
	l.cur.ops = append(l.cur.ops, o)
	l.cur.lastBlk = l.blk
	l.empty = false
}

// space adds vertical space, none at the top of a page.
func (l *layouter) space(h float64) {
	if !l.empty {
		l.y += h
	}
}

// room is the height left on the current page.
func (l *layouter) room() float64 { return bottomY - l.y }

// need starts a new page unless h fits (or the page is still empty).
func (l *layouter) need(h float64) {
	if h > l.room()+1e-6 && !l.empty {
		l.newPage()
	}
}

// Styles.
func (l *layouter) bodyStyle() textStyle {
	return textStyle{font: fBody, bold: fBold, size: bodyPt, lead: bodyPt * 1.7, justify: true}
}

// shape turns runs into measured glyphs in st.
func (l *layouter) shape(runs []report.Run, st textStyle) []glyph {
	n := 0
	for _, r := range runs {
		n += len(r.Text)
	}
	gs := make([]glyph, 0, n)
	prev := rune(0)
	for _, run := range runs {
		font := st.font
		if run.Bold {
			font = st.bold
		}
		for _, r := range run.Text {
			switch {
			case r == '\n':
				gs = append(gs, glyph{r: '\n', font: font, size: st.size})
				prev = 0
				continue
			case r == '\t' || r == 0xA0 || r == 0x2002 || r == 0x2003 || r == 0x2009:
				r = ' '
			case r < 0x20 || r == 0x7F || r >= 0x200B && r <= 0x200F || r == 0xFEFF ||
				r >= 0xFE00 && r <= 0xFE0F || r >= 0xE0100 && r <= 0xE01EF:
				continue // controls, zero-width and variation selectors
			}
			g := glyph{r: r, font: font, size: st.size}
			adv, ok := l.faces[font].advance(r)
			if !ok {
				// Try the other faces before giving up on the character.
				for f := uint8(0); f < numFaces; f++ {
					if a, ok2 := l.faces[f].advance(r); ok2 {
						g.font, adv, ok = f, a, true
						break
					}
				}
			}
			if !ok {
				g.r = '〓'
				if adv, ok = l.faces[font].advance(g.r); !ok {
					g.r = '?'
					adv, _ = l.faces[font].advance(g.r)
				}
			}
			g.w = adv * st.size
			g.fake = l.fake[font] && l.faces[g.font] == l.faces[font]
			if prev != 0 {
				g.pre = (wagouGap(prev, g.r) + punctGap(prev, g.r)) * st.size
			}
			prev = g.r
			gs = append(gs, g)
		}
	}
	return gs
}

// textWidth measures a plain string in one face.
func (l *layouter) textWidth(s string, font uint8, size float64) float64 {
	gs := l.shape([]report.Run{{Text: s}}, textStyle{font: font, bold: font, size: size})
	return measure(gs, 0, len(gs))
}

// drawLine emits the glyphs of ln with the left edge at x and the baseline
// at base, aligned in width.
func (l *layouter) drawLine(gs []glyph, ln line, x, base, width float64, st textStyle) {
	if ln.end <= ln.start {
		return
	}
	justify := st.justify && st.align == report.Left
	xs := positions(gs, ln, width, justify, l.xs)
	l.xs = xs
	switch st.align {
	case report.Middle:
		x += (width - ln.width) / 2
	case report.AlignRight:
		x += width - ln.width
	}
	// Group glyphs into runs drawn with one character spacing.
	first := len(l.cur.ops)
	var sb strings.Builder
	for s := ln.start; s < ln.end; {
		g0 := gs[s]
		cs := math.NaN()
		e := s + 1
		for ; e < ln.end; e++ {
			g := gs[e]
			if g.font != g0.font || g.fake != g0.fake || g.size != g0.size {
				break
			}
			d := xs[e-ln.start] - xs[e-1-ln.start] - gs[e-1].w
			if math.IsNaN(cs) {
				cs = d
			} else if math.Abs(d-cs) > 0.005 {
				break
			}
		}
		if math.IsNaN(cs) {
			cs = 0
		}
		sb.Reset()
		for k := s; k < e; k++ {
			sb.WriteRune(gs[k].r)
		}
		size := g0.size
		if g0.fake {
			// A thousandth of a point larger: text extraction (poppler)
			// ends a word where the font size changes, so the bold run is
			// a word of its own and its overprinted copy is recognised.
			size += 0.001
		}
		l.add(textOp{x: x + xs[s-ln.start], y: base, font: g0.font, fake: g0.fake, size: size,
			cs: cs, gray: st.gray, text: sb.String()})
		s = e
	}
	// Fake bold: the line's bold runs again, offset by 1/40 em, after the
	// whole line, so that text extraction sees the same words twice at
	// nearly the same place and drops the copy.
	n := len(l.cur.ops)
	for k := first; k < n; k++ {
		if t, ok := l.cur.ops[k].(textOp); ok && t.fake {
			t.x += t.size / 40
			t.fake = false
			l.add(t)
		}
	}
}

// baseline of a line whose box starts at top.
func baseline(top, lead, size float64) float64 {
	return top + (lead-size)/2 + emBaseline*size
}

// flow places a paragraph's lines at x, continuing across pages, with no
// single first line left at a page's foot and no single last line carried
// to the next page. firstIndent indents the first line. onChunk is called
// for each page's part with its top and bottom (for decorations).
func (l *layouter) flow(gs []glyph, lines []line, x, width, firstIndent float64, st textStyle, onChunk func(top, bottom float64)) {
	for idx := 0; idx < len(lines); {
		fit := int((l.room() + 1e-6) / st.lead)
		rem := len(lines) - idx
		if fit <= 0 {
			l.newPage()
			continue
		}
		k := min(fit, rem)
		if k < rem {
			if rem-k == 1 && k >= 2 && len(lines) >= 3 {
				k-- // carry two lines, not one
			}
			if k == 1 && idx == 0 && len(lines) >= 2 && !l.empty {
				l.newPage() // don't leave the first line alone
				continue
			}
		}
		top := l.y
		for j := idx; j < idx+k; j++ {
			lx, lw := x, width
			if j == 0 {
				lx, lw = x+firstIndent, width-firstIndent
			}
			l.drawLine(gs, lines[j], lx, baseline(l.y, st.lead, st.size), lw, st)
			l.y += st.lead
		}
		l.empty = false
		if onChunk != nil {
			onChunk(top, l.y)
		}
		idx += k
		if idx < len(lines) {
			l.newPage()
		}
	}
}

// paraStyle returns the text style, indents and spacing of a paragraph.
func (l *layouter) paraStyle(p report.Paragraph) (st textStyle, left, right, indent, before, after float64) {
	st = l.bodyStyle()
	switch p.Style {
	case report.Note:
		st.size, st.lead, st.gray = 9, 9*1.6, 0.2
		before, after = 2, 2
	case report.Caption:
		st.font, st.bold, st.size, st.lead = fHead, fHead, 9.5, 9.5*1.6
		st.align, st.justify = report.Middle, false
		before, after = 4, 6
	case report.Quote:
		st.size, st.lead = 10, 10*1.65
		left, right = 2*bodyPt, bodyPt
		before, after = 4, 6
	case report.Center:
		st.align, st.justify = report.Middle, false
	case report.Right:
		st.align, st.justify = report.AlignRight, false
	default:
		if indentFirst(p.Runs) {
			indent = bodyPt
		}
		after = 3
	}
	return
}

// indentFirst reports whether a body paragraph gets the customary one-
// character first-line indent: not when it starts with a bold label, a
// bracket, a mark such as ※ or ・, a space, or a digit ("1." lists).
func indentFirst(runs []report.Run) bool {
	for _, r := range runs {
		if r.Text == "" {
			continue
		}
		if r.Bold {
			return false
		}
		c, _ := utf8.DecodeRuneInString(r.Text)
		if c == ' ' || c == '\u3000' || c == '\n' || noEnd[c] || c >= '0' && c <= '9' ||
			strings.ContainsRune("※・●○■□◆◇◎★☆▲△▼▽→＊*-–—―①②③④⑤⑥⑦⑧⑨⑩(（【「『［[", c) ||
			c >= 0x2460 && c <= 0x24FF || c >= 0xFF10 && c <= 0xFF19 {
			return false
		}
		return true
	}
	return false
}

func (l *layouter) paragraph(p report.Paragraph) {
	st, left, right, indent, before, after := l.paraStyle(p)
	gs := l.shape(p.Runs, st)
	width := textW - left - right
	lines := breakLines(gs, width-indent, width)
	l.space(before)
	var chunk func(top, bottom float64)
	if p.Style == report.Quote {
		chunk = func(top, bottom float64) {
			x := marginX + bodyPt*0.9
			l.add(lineOp{x1: x, y1: top + 2, x2: x, y2: bottom - 2, width: 1.6, gray: 0.72})
		}
	}
	l.flow(gs, lines, marginX+left, width, indent, st, chunk)
	l.y += after
}

// headingStyle per level.
func headingStyle(level int) (st textStyle, before, after float64) {
	st = textStyle{font: fHead, bold: fHead, size: bodyPt, align: report.Left}
	switch level {
	case 1:
		st.size = 15
		before, after = 22, 12
	case 2:
		st.size = 12
		before, after = 16, 6
	default:
		st.size = bodyPt
		before, after = 10, 3
	}
	st.lead = st.size * 1.5
	return
}

// headingLines shapes and breaks a heading: the number, a one-em gap, and
// the text, wrapped lines hanging under the text.
func (l *layouter) headingLines(h report.Heading, st textStyle, width float64) (gs []glyph, lines []line, hang float64) {
	runs := []report.Run{{Text: h.Text}}
	if h.Number != "" {
		hang = l.textWidth(h.Number, st.font, st.size) + st.size
	}
	gs = l.shape(runs, st)
	lines = breakLines(gs, width-hang, width-hang)
	return
}

func (l *layouter) headingHeight(h report.Heading) float64 {
	st, before, after := headingStyle(h.Level)
	_, lines, _ := l.headingLines(h, st, textW)
	return before + float64(len(lines))*st.lead + after
}

// keepHeight is the height that must follow a heading on its page: the
// following headings and two lines of the first other block.
func (l *layouter) keepHeight(blocks []report.Block, i int) float64 {
	if i >= len(blocks) {
		return 0
	}
	switch b := blocks[i].(type) {
	case report.Heading:
		return l.headingHeight(b) + l.keepHeight(blocks, i+1)
	case report.Paragraph:
		st, left, right, indent, before, _ := l.paraStyle(b)
		lines := breakLines(l.shape(b.Runs, st), textW-left-right-indent, textW-left-right)
		return before + float64(min(2, len(lines)))*st.lead
	case report.List:
		return 2 * bodyPt * 1.7
	case report.Table:
		h := 0.0
		if b.Caption != "" {
			h += 9.5*1.6 + 4
		}
		return h + 3*cellLead + 4*cellPadY
	case report.Figure:
		return l.figureHeight(b)
	}
	return 0
}

func (l *layouter) heading(blocks []report.Block, i int, h report.Heading) {
	st, before, after := headingStyle(h.Level)
	gs, lines, hang := l.headingLines(h, st, textW)
	height := float64(len(lines))*st.lead + after
	if !l.empty {
		l.y += before
	}
	keep := height + l.keepHeight(blocks, i+1)
	if keep > l.room() && !l.empty {
		l.newPage()
	}
	top := l.y
	info := headingInfo{level: h.Level, title: strings.TrimSpace(h.Number + " " + h.Text), page: len(l.pages) - 1, y: top}
	l.hIndex[i] = len(l.headings)
	l.headings = append(l.headings, info)
	for j, ln := range lines {
		base := baseline(l.y, st.lead, st.size)
		if j == 0 && h.Number != "" {
			ng := l.shape([]report.Run{{Text: h.Number}}, st)
			nl := line{start: 0, end: len(ng), width: measure(ng, 0, len(ng)), hard: true}
			l.drawLine(ng, nl, marginX, base, hang, st)
		}
		l.drawLine(gs, ln, marginX+hang, base, textW-hang, st)
		l.y += st.lead
	}
	if h.Level == 1 {
		y := l.y + 2
		l.add(lineOp{x1: marginX, y1: y, x2: marginX + textW, y2: y, width: 0.9, gray: 0.15})
	}
	l.y += after
}

// list lays out a bullet or numbered list with hanging indents.
func (l *layouter) list(b report.List) {
	st := l.bodyStyle()
	labels := make([]string, len(b.Items))
	labelW := 0.0
	for i := range b.Items {
		if b.Ordered {
			labels[i] = "(" + strconv.Itoa(i+1) + ")"
			labelW = max(labelW, l.textWidth(labels[i], st.font, st.size))
		}
	}
	left := bodyPt
	text := left + bodyPt
	if b.Ordered {
		text = left + labelW + bodyPt*0.5
	}
	l.space(2)
	for i, item := range b.Items {
		gs := l.shape(item, st)
		lines := breakLines(gs, textW-text, textW-text)
		first := true
		l.flow(gs, lines, marginX+text, textW-text, 0, st, func(top, _ float64) {
			if !first {
				return
			}
			first = false
			base := baseline(top, st.lead, st.size)
			if b.Ordered {
				ls := l.shape([]report.Run{{Text: labels[i]}}, st)
				ln := line{start: 0, end: len(ls), width: measure(ls, 0, len(ls)), hard: true}
				lst := st
				lst.align = report.AlignRight
				l.drawLine(ls, ln, marginX+left, base, labelW, lst)
			} else {
				d := st.size * 0.3
				cy := base - st.size*0.33
				l.add(rectOp{x: marginX + left + st.size*0.35 - d/2, y: cy - d/2, w: d, h: d, gray: -1})
			}
		})
	}
	l.y += 4
}

// figure geometry.
func figureSize(img *report.Image) (w, h float64) {
	pw, ph := img.Width, img.Height
	if pw <= 0 || ph <= 0 {
		if cfg, _, err := image.DecodeConfig(bytes.NewReader(img.JPEG)); err == nil {
			pw, ph = cfg.Width, cfg.Height
		}
	}
	if pw <= 0 || ph <= 0 {
		return maxFigureW, maxFigureW * 0.75
	}
	s := min(maxFigureW/float64(pw), maxFigureH/float64(ph))
	return float64(pw) * s, float64(ph) * s
}

// figureCaption is the caption with the evidence's provenance:
// 図3 入退室記録簿（証跡ID E-0012、SHA-256 1a2b3c4d5e6f）
func figureCaption(f report.Figure) string {
	var prov []string
	if f.EvidenceID != "" {
		prov = append(prov, "証跡ID "+f.EvidenceID)
	}
	if f.ShortHash != "" {
		prov = append(prov, "SHA-256 "+f.ShortHash)
	}
	if len(prov) == 0 {
		return f.Caption
	}
	return f.Caption + "（" + strings.Join(prov, "、") + "）"
}

func (l *layouter) captionLines(s string) ([]glyph, []line, textStyle) {
	st, _, _, _, _, _ := l.paraStyle(report.Paragraph{Style: report.Caption})
	gs := l.shape([]report.Run{{Text: s}}, st)
	return gs, breakLines(gs, textW, textW), st
}

const figGap = 6.0

func (l *layouter) figureHeight(f report.Figure) float64 {
	_, h := figureSize(&f.Image)
	_, lines, st := l.captionLines(figureCaption(f))
	return 6 + h + figGap + float64(len(lines))*st.lead + 8
}

func (l *layouter) figure(f *report.Figure) {
	w, h := figureSize(&f.Image)
	gs, lines, st := l.captionLines(figureCaption(*f))
	l.space(6)
	capH := figGap + float64(len(lines))*st.lead
	if avail := l.room() - capH; h > avail && avail >= h*minFigure && !l.empty {
		// Shrink a little rather than leave the rest of the page empty.
		w, h = w*avail/h, avail
	}
	l.need(h + capH)
	x := marginX + (textW-w)/2
	if len(f.Image.JPEG) > 0 {
		l.add(imageOp{x: x, y: l.y, w: w, h: h, img: &f.Image, caption: f.Caption})
	} else {
		l.add(rectOp{x: x, y: l.y, w: w, h: h, gray: 0.93})
	}
	// hairline frame
	for _, e := range [][4]float64{{x, l.y, x + w, l.y}, {x, l.y + h, x + w, l.y + h}, {x, l.y, x, l.y + h}, {x + w, l.y, x + w, l.y + h}} {
		l.add(lineOp{x1: e[0], y1: e[1], x2: e[2], y2: e[3], width: 0.4, gray: 0.55})
	}
	l.y += h + figGap
	for _, ln := range lines {
		l.drawLine(gs, ln, marginX, baseline(l.y, st.lead, st.size), textW, st)
		l.y += st.lead
	}
	l.y += 8
}

// toc lays out the table of contents; page numbers are filled in at render
// time from the headings found by the layout.
func (l *layouter) toc(t report.TOC, blocks []report.Block) {
	title := t.Title
	if title == "" {
		title = "目次"
	}
	l.need(200)
	tst := textStyle{font: fHead, bold: fHead, size: 16, lead: 16 * 1.6, align: report.Middle}
	tg := l.shape([]report.Run{{Text: title}}, tst)
	l.drawLine(tg, line{start: 0, end: len(tg), width: measure(tg, 0, len(tg)), hard: true}, marginX, baseline(l.y, tst.lead, tst.size), textW, tst)
	l.y += tst.lead + 18
	const numCol = 3 * bodyPt
	for bi, b := range blocks {
		h, ok := b.(report.Heading)
		if !ok || h.Level > 2 {
			continue
		}
		st := textStyle{font: fBody, bold: fBody, size: bodyPt, lead: bodyPt * 1.95}
		indent := 2 * bodyPt
		if h.Level == 1 {
			st.font, st.bold = fHead, fHead
			indent = 0
			l.space(6)
		}
		hw := 0.0
		if h.Number != "" {
			hw = l.textWidth(h.Number, st.font, st.size) + st.size
		}
		gs := l.shape([]report.Run{{Text: h.Text}}, st)
		avail := textW - indent - hw - numCol - bodyPt
		lines := breakLines(gs, avail, avail)
		l.need(float64(len(lines)) * st.lead)
		top := l.y
		var base float64
		for j, ln := range lines {
			base = baseline(l.y, st.lead, st.size)
			if j == 0 && h.Number != "" {
				ng := l.shape([]report.Run{{Text: h.Number}}, st)
				l.drawLine(ng, line{start: 0, end: len(ng), width: measure(ng, 0, len(ng)), hard: true}, marginX+indent, base, hw, st)
			}
			lst := st
			lst.justify = false
			l.drawLine(gs, ln, marginX+indent+hw, base, avail, lst)
			l.y += st.lead
		}
		last := lines[len(lines)-1]
		x1 := marginX + indent + hw + last.width + bodyPt*0.6
		x2 := marginX + textW - numCol + bodyPt*0.6
		if x2 > x1 {
			l.add(lineOp{x1: x1, y1: base - 1, x2: x2, y2: base - 1, width: 0.7, gray: 0.45, dots: true})
		}
		l.add(tocNumOp{x: marginX + textW, y: base, size: st.size, font: st.font, heading: bi})
		l.add(linkOp{x: marginX + indent, y: top, w: textW - indent, h: l.y - top, heading: bi})
	}
}

// layoutDoc lays out the whole document.
func (l *layouter) layoutDoc(ctx context.Context, doc *report.Document, progress func(done, total int), total int) error {
	l.hIndex = map[int]int{}
	if doc.Cover != nil {
		l.blk = -1
		l.newPage()
		l.cur.cover = true
		l.cover(doc.Cover)
		l.blk = 0
	}
	l.newPage()
	for i, b := range doc.Blocks {
		if err := ctx.Err(); err != nil {
			return err
		}
		l.blk = i
		switch v := b.(type) {
		case report.Heading:
			l.heading(doc.Blocks, i, v)
		case report.Paragraph:
			l.paragraph(v)
		case report.List:
			l.list(v)
		case report.Table:
			l.table(v)
		case report.Figure:
			f := v
			l.figure(&f)
		case report.PageBreak:
			if !l.empty {
				l.newPage()
			}
		case report.TOC:
			l.toc(v, doc.Blocks)
			l.newPage()
		}
		if progress != nil {
			progress(i+1, total)
		}
	}
	// Drop a trailing empty page (after a final page break).
	if n := len(l.pages); n > 1 && l.empty && len(l.pages[n-1].ops) == 0 {
		l.pages = l.pages[:n-1]
	}
	num := 0
	for _, p := range l.pages {
		if !p.cover {
			num++
			p.num = num
		}
	}
	return nil
}
