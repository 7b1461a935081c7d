package pdf

// Japanese line breaking (禁則処理) for the PDF renderer. gopdf only draws
// strings at positions; every line is broken here.
//
// The rules, after JIS X 4051 and the W3C "Requirements for Japanese Text
// Layout" (JLREQ), in the strict variant a business document uses:
//
//   - A break may fall between any two Japanese characters (kanji, kana,
//     full-width forms and punctuation), between Japanese and Latin text,
//     and after a space.
//   - A run of Latin letters, digits and ASCII punctuation without spaces
//     ("ISMS", "192.168.1.10", "https://example.lg.jp/a?b=c") is one word
//     and is not split. A space followed by a word that starts with a digit
//     does not break either, so "ISO/IEC 27001" and "Windows 11" stay
//     together. Only a word wider than a whole line is split, at the line's
//     end, character by character.
//   - 行頭禁則: no line starts with a closing bracket or quote, 、。，．,.
//     ・：；？！, small kana, ー, 々, iteration marks, hyphens and wave
//     dashes, or postfixed units (％ ℃ …). 行末禁則: no line ends with an
//     opening bracket or quote or a prefixed currency sign.
//   - Leaders and dashes (…… ‥‥ ―― ——) are never split.
//   - Kinsoku is resolved by 追い出し (oidashi): when the character that
//     would start the next line may not start one, the break moves back
//     until it is legal, carrying the previous characters down; the shorter
//     line is then justified. Nothing hangs into the margin (no
//     ぶら下げ) and nothing is squeezed (no 追い込み), so the right edge
//     is straight and punctuation keeps its full width.
//   - "\n" in a run is a forced line break; a forced line and the last line
//     of a paragraph are not justified.
//   - Justification spreads the extra space evenly over the gaps next to
//     Japanese characters and over spaces, never inside a Latin word.
//   - Adjacent full-width punctuation is closed up by half an em
//     (約物の詰め): "）、", "。」", "」「".
//   - A quarter-em space (和欧間) separates kanji and kana from Latin
//     letters and digits, as Word and InDesign do; it is dropped at the
//     start and end of a line.

// glyph is one character of a paragraph, measured.
type glyph struct {
	r    rune
	font uint8   // index into the renderer's faces
	fake bool    // fake bold: draw twice, slightly offset
	size float64 // font size, pt
	w    float64 // advance, pt
	pre  float64 // extra space before it (和欧間), dropped at line start
}

// line is one laid-out line: glyphs [start, end) with trailing spaces
// trimmed, the next line starting at next.
type line struct {
	start, end, next int
	width            float64 // natural width of [start, end)
	hard             bool    // ends the paragraph or at "\n": not justified
}

const (
	noStartChars = "、。，．,.）)]｝}〕〉》」』】〙〗〟’”｠»" +
		"ヽヾーァィゥェォッャュョヮヵヶぁぃぅぇぉっゃゅょゎゕゖㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ々〻" +
		"‐゠–〜～？！?!‼⁇⁈⁉・：；:;ゝゞ％‰°′″℃¢" +
		"｡｣､･ｧｨｩｪｫｬｭｮｯｰﾞﾟ" // half-width forms
	noEndChars      = "（([｛{〔〈《「『【〘〖〝‘“｟«￥＄£€＃｢"
	inseparableRuns = "…‥―—"
)

var noStart, noEnd, inseparable = runeSet(noStartChars), runeSet(noEndChars), runeSet(inseparableRuns)

func runeSet(s string) map[rune]bool {
	m := map[rune]bool{}
	for _, r := range s {
		m[r] = true
	}
	return m
}

// isSpace reports a breakable Latin space. The ideographic space U+3000 is
// an ordinary Japanese character.
func isSpace(r rune) bool { return r == ' ' }

// isWordChar reports characters that join into unbreakable Latin words.
func isWordChar(r rune) bool {
	switch {
	case r <= ' ':
		return false
	case r < 0x2000:
		return true
	case r >= 0x2010 && r <= 0x2013, // hyphens, en dash
		r >= 0x2018 && r <= 0x201F, // curly quotes
		r >= 0x2030 && r <= 0x2033, // ‰ ′ ″
		r >= 0x2070 && r < 0x2150:  // sub/superscripts, currency, letterlike
		return true
	}
	return false
}

// isCJKLetter reports kanji and kana, between which and Latin letters a
// quarter-em space is set.
func isCJKLetter(r rune) bool {
	switch {
	case r == 0x30A0 || r == 0x30FB || r == 0x309B || r == 0x309C:
		return false // ゠ ・ ゛ ゜
	case r >= 0x3041 && r <= 0x30FF, r >= 0x31F0 && r <= 0x31FF,
		r >= 0x3400 && r <= 0x4DBF, r >= 0x4E00 && r <= 0x9FFF,
		r >= 0xF900 && r <= 0xFAFF, r >= 0x20000 && r <= 0x3FFFF,
		r == 0x3005, r == 0x3006:
		return true
	}
	return false
}

func isLatinAlnum(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' ||
		r >= 0xC0 && r <= 0x24F && r != 0xD7 && r != 0xF7
}

const (
	closingPunct = "、。，．）〕］｝〉》」』】〙〗〟"
	openingPunct = "（〔［｛〈《「『【〘〖〝"
)

var closingFW, openingFW = runeSet(closingPunct), runeSet(openingPunct)

// punctGap is the adjustment before b following a, in ems, for adjacent
// full-width punctuation (約物の詰め, JIS X 4051): the half-em blanks of two
// marks next to each other collapse to at most one, so "）、" and "。」"
// close up and "」「" keeps a half em.
func punctGap(a, b rune) float64 {
	if closingFW[a] && (closingFW[b] || openingFW[b]) || openingFW[a] && openingFW[b] {
		return -0.5
	}
	return 0
}

// wagouGap is the 和欧間 space before b following a, in ems.
func wagouGap(a, b rune) float64 {
	if isCJKLetter(a) && isLatinAlnum(b) || isLatinAlnum(a) && isCJKLetter(b) {
		return 0.25
	}
	return 0
}

// Break classes of a boundary, see canBreak.
const (
	breakNever = iota
	breakLast  // only if nothing better fits on the line
	breakOK
)

// canBreak classifies the boundary between gs[i-1] and gs[i]. wordW[i] is
// the width of the Latin word gs[i] belongs to (0 outside words); limit is
// the full line width.
func canBreak(gs []glyph, i int, wordW []float64, limit float64) int {
	a, b := gs[i-1].r, gs[i].r
	if isSpace(b) {
		return breakNever // break after the spaces, not before
	}
	if noStart[b] || noEnd[a] {
		return breakNever
	}
	if isSpace(a) {
		// Keep "ISO/IEC 27001": a space between a Latin word and a word
		// starting with a digit breaks only when nothing else fits.
		if b >= '0' && b <= '9' {
			j := i - 1
			for j > 0 && isSpace(gs[j].r) {
				j--
			}
			if isWordChar(gs[j].r) {
				return breakLast
			}
		}
		return breakOK
	}
	if a == b && inseparable[a] {
		return breakNever
	}
	if isWordChar(a) && isWordChar(b) {
		if wordW[i] > limit {
			return breakOK // a word longer than a line is split
		}
		return breakNever
	}
	return breakOK
}

// kinsokuOK reports whether a break before gs[i] keeps the kinsoku rules,
// ignoring word integrity.
func kinsokuOK(gs []glyph, i int) bool {
	return !isSpace(gs[i].r) && !noStart[gs[i].r] && !noEnd[gs[i-1].r]
}

// expandable reports whether justification may widen the gap before gs[i].
func expandable(gs []glyph, i int) bool {
	a, b := gs[i-1].r, gs[i].r
	if isSpace(a) {
		return true
	}
	if isSpace(b) {
		return false
	}
	return !(isWordChar(a) && isWordChar(b))
}

// wordWidths returns, for each glyph inside a Latin word, the width of the
// whole word.
func wordWidths(gs []glyph) []float64 {
	ww := make([]float64, len(gs))
	for i := 0; i < len(gs); {
		if !isWordChar(gs[i].r) {
			i++
			continue
		}
		j, w := i, 0.0
		for j < len(gs) && isWordChar(gs[j].r) {
			w += gs[j].w
			if j > i {
				w += gs[j].pre
			}
			j++
		}
		for k := i; k < j; k++ {
			ww[k] = w
		}
		i = j
	}
	return ww
}

// breakLines breaks gs into lines no wider than first (the first line) and
// width (the others). A glyph with r == '\n' forces a break. An empty
// paragraph still yields one (empty) line.
func breakLines(gs []glyph, first, width float64) []line {
	const eps = 1e-6
	ww := wordWidths(gs)
	var lines []line
	i, n := 0, len(gs)
	soft := false // the previous line ended by wrapping
	for {
		if soft {
			for i < n && isSpace(gs[i].r) {
				i++
			}
		}
		avail := width
		if len(lines) == 0 {
			avail = first
		}
		x, j := 0.0, i
		for j < n && gs[j].r != '\n' {
			w := gs[j].w
			if j > i {
				w += gs[j].pre
			}
			if x+w > avail+eps && !isSpace(gs[j].r) {
				break
			}
			x += w
			j++
		}
		if j >= n || gs[j].r == '\n' {
			ln := trimmed(gs, i, j)
			ln.hard = true
			ln.next = j + 1
			if j >= n {
				ln.next = n
			}
			lines = append(lines, ln)
			if j >= n {
				return lines
			}
			i, soft = j+1, false
			if i >= n {
				// a trailing "\n" ends with an empty line
				lines = append(lines, line{start: n, end: n, next: n, hard: true})
				return lines
			}
			continue
		}
		b, last := j, -1
		for ; b > i; b-- {
			c := canBreak(gs, b, ww, width)
			if c == breakOK {
				break
			}
			if c == breakLast && last < 0 {
				last = b
			}
		}
		if b == i && last > 0 {
			b = last
		}
		if b == i {
			// No legal break fits (a bracketed word or a run of kinsoku
			// characters longer than the line, a very narrow column):
			// split a word rather than break kinsoku, and if even that is
			// impossible, break where the line overflows.
			for b = j; b > i && !kinsokuOK(gs, b); b-- {
			}
			if b == i {
				b = max(j, i+1)
			}
		}
		ln := trimmed(gs, i, b)
		ln.next = b
		lines = append(lines, ln)
		i, soft = b, true
		if i >= n {
			lines[len(lines)-1].hard = true
			return lines
		}
	}
}

// trimmed makes the line [i, j) without trailing spaces and measures it.
func trimmed(gs []glyph, i, j int) line {
	for j > i && isSpace(gs[j-1].r) {
		j--
	}
	return line{start: i, end: j, width: measure(gs, i, j)}
}

func measure(gs []glyph, i, j int) float64 {
	w := 0.0
	for k := i; k < j; k++ {
		w += gs[k].w
		if k > i {
			w += gs[k].pre
		}
	}
	return w
}

// positions returns the x offset of each glyph of ln, justified to width
// when justify is set and the line is soft.
func positions(gs []glyph, ln line, width float64, justify bool, xs []float64) []float64 {
	xs = xs[:0]
	gap := 0.0
	if justify && !ln.hard && ln.end-ln.start > 1 {
		n := 0
		for k := ln.start + 1; k < ln.end; k++ {
			if expandable(gs, k) {
				n++
			}
		}
		if n > 0 && width > ln.width {
			gap = (width - ln.width) / float64(n)
		}
	}
	x := 0.0
	for k := ln.start; k < ln.end; k++ {
		if k > ln.start {
			x += gs[k-1].w + gs[k].pre
			if gap > 0 && expandable(gs, k) {
				x += gap
			}
		}
		xs = append(xs, x)
	}
	return xs
}
