package pdf

import (
	"strings"

	"github.com/kansa-audit/kansa/internal/report"
)

// cover lays out the title page: marking at the top right, the addressee
// at the top left, the title between rules in the upper third, the date and
// the issuer below. It carries no header and no page number.
func (l *layouter) cover(c *report.Cover) {
	centred := func(s string, font uint8, size, top, width float64) float64 {
		st := textStyle{font: font, bold: font, size: size, lead: size * 1.55, align: report.Middle}
		for _, text := range l.phrases(s, st, width) {
			gs := l.shape([]report.Run{{Text: text}}, st)
			for _, ln := range breakLines(gs, width, width) {
				l.drawLine(gs, ln, marginX+(textW-width)/2, baseline(top, st.lead, size), width, st)
				top += st.lead
			}
		}
		return top
	}
	if c.Marking != "" {
		size := 11.0
		w := l.textWidth(c.Marking, fHead, size)
		x := marginX + textW - w - 10
		y := 48.0
		st := textStyle{font: fHead, bold: fHead, size: size, lead: size * 1.8}
		gs := l.shape([]report.Run{{Text: c.Marking}}, st)
		l.drawLine(gs, line{start: 0, end: len(gs), width: w, hard: true}, x, baseline(y, st.lead, size), w, st)
		for _, e := range [][4]float64{{x - 8, y, x + w + 8, y}, {x - 8, y + st.lead, x + w + 8, y + st.lead},
			{x - 8, y, x - 8, y + st.lead}, {x + w + 8, y, x + w + 8, y + st.lead}} {
			l.add(lineOp{x1: e[0], y1: e[1], x2: e[2], y2: e[3], width: 0.8, gray: 0})
		}
	}
	if c.Client != "" {
		st := textStyle{font: fBody, bold: fBody, size: 14, lead: 14 * 1.6}
		gs := l.shape([]report.Run{{Text: c.Client}}, st)
		for _, ln := range breakLines(gs, textW, textW) {
			l.drawLine(gs, ln, marginX, baseline(l.y+40, st.lead, st.size), textW, st)
			l.y += st.lead
		}
	}
	y := 250.0
	if c.FiscalYear != "" && !strings.Contains(c.Title, c.FiscalYear) {
		y = centred(c.FiscalYear, fHead, 15, y, textW) + 8
	}
	l.add(lineOp{x1: marginX, y1: y, x2: marginX + textW, y2: y, width: 1.4, gray: 0.1})
	l.add(lineOp{x1: marginX, y1: y + 3, x2: marginX + textW, y2: y + 3, width: 0.4, gray: 0.1})
	y = centred(c.Title, fHead, 22, y+26, textW*0.9)
	if c.Subtitle != "" {
		y = centred(c.Subtitle, fHead, 14, y+8, textW*0.9)
	}
	y += 20
	l.add(lineOp{x1: marginX, y1: y, x2: marginX + textW, y2: y, width: 0.4, gray: 0.1})
	l.add(lineOp{x1: marginX, y1: y + 3, x2: marginX + textW, y2: y + 3, width: 1.4, gray: 0.1})
	if c.Date != "" {
		centred(c.Date, fBody, 14, 520, textW)
	}
	y = 640
	for _, s := range c.Issuer {
		y = centred(s, fBody, 14, y, textW)
	}
}

// phrases breaks a display line (a title) at its spaces only, into as few
// lines as greedy packing needs, balanced to similar lengths. Phrases
// longer than width are left to the line breaker.
func (l *layouter) phrases(s string, st textStyle, width float64) []string {
	isSep := func(r rune) bool { return r == ' ' || r == '\u3000' }
	// words as [start, end) byte ranges of s, so the original separators
	// (ideographic spaces) survive.
	var spans [][2]int
	start := -1
	for i, r := range s {
		switch {
		case isSep(r) && start >= 0:
			spans = append(spans, [2]int{start, i})
			start = -1
		case !isSep(r) && start < 0:
			start = i
		}
	}
	if start >= 0 {
		spans = append(spans, [2]int{start, len(s)})
	}
	if len(spans) <= 1 {
		return []string{strings.TrimFunc(s, isSep)}
	}
	ws := make([]float64, len(spans))
	for i, sp := range spans {
		ws[i] = l.textWidth(s[sp[0]:sp[1]], st.font, st.size)
	}
	pack := func(limit float64) [][2]int { // lines as ranges of spans
		var lines [][2]int
		x := 0.0
		for i := range spans {
			if len(lines) > 0 {
				sep := l.textWidth(s[spans[i-1][1]:spans[i][0]], st.font, st.size)
				if x+sep+ws[i] <= limit {
					lines[len(lines)-1][1] = i + 1
					x += sep + ws[i]
					continue
				}
			}
			lines = append(lines, [2]int{i, i + 1})
			x = ws[i]
		}
		return lines
	}
	n := len(pack(width))
	// Narrow the measure while the line count stays: balanced lines.
	lo, hi := maxOf(ws), width
	if lo < hi {
		for range 20 {
			mid := (lo + hi) / 2
			if len(pack(mid)) == n {
				hi = mid
			} else {
				lo = mid
			}
		}
	} else {
		hi = width
	}
	var out []string
	for _, ln := range pack(hi) {
		out = append(out, s[spans[ln[0]][0]:spans[ln[1]-1][1]])
	}
	return out
}

func maxOf(xs []float64) float64 {
	m := 0.0
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}
