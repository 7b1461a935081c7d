package pdf

import "github.com/kansa-audit/kansa/internal/report"

// Table cell metrics.
const (
	cellSize = 9.5
	cellLead = cellSize * 1.55
	cellPadX = 4.5
	cellPadY = 3.5

	ruleW    = 0.5
	ruleGray = 0.35
)

type cellLayout struct {
	gs    []glyph
	lines []line
	st    textStyle
	shade float64 // fill gray; 0 none
}

// table lays out a table across pages: the header row is repeated on every
// page, a row that does not fit moves to the next page, and a row taller
// than a page is split between lines.
func (l *layouter) table(t report.Table) {
	ncol := len(t.Columns)
	for _, r := range t.Rows {
		ncol = max(ncol, len(r))
	}
	if ncol == 0 {
		return
	}
	ws := make([]float64, ncol)
	sum := 0.0
	for i := range ws {
		w := 0.0
		if i < len(t.Columns) {
			w = t.Columns[i].Width
		}
		if w <= 0 {
			w = 1
		}
		ws[i] = w
		sum += w
	}
	for i := range ws {
		ws[i] = ws[i] / sum * textW
	}
	colAlign := func(i int) report.Align {
		if i < len(t.Columns) {
			return t.Columns[i].Align
		}
		return report.Left
	}
	cell := func(runs []report.Run, head bool, align report.Align, i int) cellLayout {
		st := textStyle{font: fBody, bold: fBold, size: cellSize, lead: cellLead, justify: true, align: align}
		c := cellLayout{st: st}
		if head {
			c.st.font, c.st.bold, c.st.align, c.st.justify = fHead, fHead, report.Middle, false
			c.shade = 0.87
		}
		c.gs = l.shape(runs, c.st)
		w := ws[i] - 2*cellPadX
		c.lines = breakLines(c.gs, w, w)
		return c
	}
	header := make([]cellLayout, ncol)
	for i := range header {
		title := ""
		if i < len(t.Columns) {
			title = t.Columns[i].Title
		}
		header[i] = cell([]report.Run{{Text: title}}, true, report.Middle, i)
	}
	headerH := rowHeight(header)

	rowCells := func(r []report.Cell) []cellLayout {
		cs := make([]cellLayout, ncol)
		for i := range cs {
			var c report.Cell
			if i < len(r) {
				c = r[i]
			}
			a := c.Align
			if a == report.Left {
				a = colAlign(i)
			}
			cs[i] = cell(c.Runs, false, a, i)
			if c.Shade {
				cs[i].shade = 0.94
			}
		}
		return cs
	}

	// Caption, header and the start of the first row stay together.
	var cgs []glyph
	var clines []line
	var cst textStyle
	capH := 0.0
	if t.Caption != "" {
		cgs, clines, cst = l.captionLines(t.Caption)
		capH = float64(len(clines))*cst.lead + 3
	}
	firstH := headerH
	var first []cellLayout
	if len(t.Rows) > 0 {
		first = rowCells(t.Rows[0])
		firstH = min(rowHeight(first), 3*cellLead+2*cellPadY)
	}
	l.space(6)
	l.need(capH + headerH + firstH)
	for _, ln := range clines {
		l.drawLine(cgs, ln, marginX, baseline(l.y, cst.lead, cst.size), textW, cst)
		l.y += cst.lead
	}
	l.y += min(capH, 3)

	drawHeader := func() {
		l.add(lineOp{x1: marginX, y1: l.y, x2: marginX + textW, y2: l.y, width: 0.8, gray: ruleGray})
		l.drawRow(header, ws, 0, maxLines(header), headerH, true)
		l.y += headerH
	}
	drawHeader()
	for ri, r := range t.Rows {
		cs := first
		if ri > 0 {
			cs = rowCells(r)
		}
		n := maxLines(cs)
		for from := 0; from < n; {
			h := float64(n-from)*cellLead + 2*cellPadY
			if h <= l.room()+1e-6 {
				l.drawRow(cs, ws, from, n, h, from == 0)
				l.y += h
				break
			}
			fresh := bottomY - topY - headerH
			k := int((l.room() - 2*cellPadY + 1e-6) / cellLead)
			if (from == 0 && h <= fresh) || k < 2 {
				l.newPage()
				drawHeader()
				continue
			}
			h = float64(k)*cellLead + 2*cellPadY
			l.drawRow(cs, ws, from, from+k, h, false)
			l.y += h
			from += k
			l.newPage()
			drawHeader()
		}
	}
	l.y += 8
}

func maxLines(cs []cellLayout) int {
	n := 1
	for _, c := range cs {
		if len(c.lines) > n {
			n = len(c.lines)
		}
	}
	return n
}

func rowHeight(cs []cellLayout) float64 {
	return float64(maxLines(cs))*cellLead + 2*cellPadY
}

// drawRow draws lines [from, to) of every cell of a row in a band of
// height h at l.y, with its shading and rules. whole says the band is the
// whole row, whose cells are then centred vertically.
func (l *layouter) drawRow(cs []cellLayout, ws []float64, from, to int, h float64, whole bool) {
	x := marginX
	top := l.y
	for i, c := range cs {
		if c.shade > 0 {
			l.add(rectOp{x: x, y: top, w: ws[i], h: h, gray: c.shade})
		}
		lo, hi := min(from, len(c.lines)), min(to, len(c.lines))
		ty := top + cellPadY
		if whole {
			ty = top + (h-float64(hi-lo)*cellLead)/2
		}
		for j := lo; j < hi; j++ {
			ln := c.lines[j]
			if whole && j == len(c.lines)-1 {
				ln.hard = true
			}
			l.drawLine(c.gs, ln, x+cellPadX, baseline(ty, cellLead, c.st.size), ws[i]-2*cellPadX, c.st)
			ty += cellLead
		}
		x += ws[i]
	}
	// rules: bottom and verticals (the top is the previous row's bottom)
	l.add(lineOp{x1: marginX, y1: top + h, x2: marginX + textW, y2: top + h, width: ruleW, gray: ruleGray})
	x = marginX
	for i := 0; i <= len(ws); i++ {
		l.add(lineOp{x1: x, y1: top, x2: x, y2: top + h, width: ruleW, gray: ruleGray})
		if i < len(ws) {
			x += ws[i]
		}
	}
}
