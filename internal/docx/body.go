package docx

import (
	"bufio"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/kansa-audit/kansa/internal/report"
)

// docWriter streams word/document.xml. Errors of the underlying writer are
// sticky in the bufio.Writer and surface at its Flush.
type docWriter struct {
	w    *bufio.Writer
	plan *plan
}

func (d *docWriter) s(s string) { d.w.WriteString(s) }

func (d *docWriter) document(doc *report.Document, step func() error) error {
	d.s(xmlHeader)
	d.s(`<w:document xmlns:w="` + nsW + `" xmlns:r="` + nsR + `" xmlns:wp="` + nsWP +
		`" xmlns:a="` + nsA + `" xmlns:pic="` + nsPic + `"><w:body>`)
	if doc.Cover != nil {
		d.cover(doc.Cover)
	}
	for i, b := range doc.Blocks {
		switch v := b.(type) {
		case report.Heading:
			d.heading(i, v)
		case report.Paragraph:
			d.paragraph(v)
		case report.List:
			d.list(i, v)
		case report.Table:
			d.table(v)
		case report.Figure:
			d.figure(i, v)
		case report.PageBreak:
			d.s(`<w:p><w:pPr><w:pStyle w:val="PageBreak"/></w:pPr><w:r><w:br w:type="page"/></w:r></w:p>`)
		case report.TOC:
			d.toc(v)
		case nil:
		default:
			return fmt.Errorf("docx: block %d: unknown block type %T", i, b)
		}
		if err := step(); err != nil {
			return err
		}
	}
	d.s(`<w:sectPr><w:footerReference w:type="default" r:id="` + ridFooter + `"/>`)
	d.pageSetup(true)
	d.s(`</w:sectPr></w:body></w:document>`)
	return nil
}

// pageSetup writes the A4 portrait page of a section's w:sectPr; numbered
// sections restart page numbering at 1.
func (d *docWriter) pageSetup(numbered bool) {
	fmt.Fprintf(d.w, `<w:pgSz w:w="%d" w:h="%d"/><w:pgMar w:top="%d" w:right="%d" w:bottom="%d" w:left="%d" w:header="851" w:footer="709" w:gutter="0"/>`,
		pageW, pageH, margin, margin, margin, margin)
	if numbered {
		d.s(`<w:pgNumType w:start="1"/>`)
	}
	d.s(`<w:cols w:space="425"/><w:docGrid w:linePitch="360"/>`)
}

// para writes a one-paragraph element: style, extra pPr (already in
// schema order after pStyle) and runs.
func (d *docWriter) para(style, pPr string, runs []report.Run) {
	d.s(`<w:p><w:pPr><w:pStyle w:val="` + style + `"/>` + pPr + `</w:pPr>`)
	for _, r := range runs {
		d.run(r.Text, r.Bold, "")
	}
	d.s(`</w:p>`)
}

// run writes one w:r. "\n" (and "\r\n", "\r") become w:br, "\t" w:tab.
// Only the East-Asian hint is set on the run; fonts come from the styles.
func (d *docWriter) run(text string, bold bool, rPr string) {
	text = clean(text)
	if text == "" {
		return
	}
	d.s(`<w:r><w:rPr><w:rFonts w:hint="eastAsia"/>`)
	if bold {
		d.s(`<w:b/><w:bCs/>`)
	}
	d.s(rPr + `</w:rPr>`)
	start := 0
	flush := func(end int) {
		if end > start {
			d.s(`<w:t xml:space="preserve">`)
			escape(d.w, text[start:end])
			d.s(`</w:t>`)
		}
	}
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '\n':
			flush(i)
			d.s(`<w:br/>`)
			start = i + 1
		case '\r':
			flush(i)
			d.s(`<w:br/>`)
			if i+1 < len(text) && text[i+1] == '\n' {
				i++
			}
			start = i + 1
		case '\t':
			flush(i)
			d.s(`<w:tab/>`)
			start = i + 1
		}
	}
	flush(len(text))
	d.s(`</w:r>`)
}

// text writes a plain run.
func (d *docWriter) text(s string) { d.run(s, false, "") }

// cover writes the title page and closes its section, which has no footer.
// A long title that has spaces is set one part per line
// (令和8年度 / 基幹システム外部データセンター監査 / 監査報告書).
func (d *docWriter) cover(c *report.Cover) {
	if c.Marking != "" {
		d.s(`<w:p><w:pPr><w:pStyle w:val="Marking"/></w:pPr>`)
		d.run(c.Marking, false, `<w:bdr w:val="single" w:sz="8" w:space="2" w:color="auto"/>`)
		d.s(`</w:p>`)
	} else {
		d.s(`<w:p><w:pPr><w:pStyle w:val="Marking"/></w:pPr></w:p>`)
	}
	gap := func(twips int) string { return `<w:spacing w:before="` + strconv.Itoa(twips) + `"/>` }

	first := gap(2600)
	if c.FiscalYear != "" && !strings.Contains(c.Title, c.FiscalYear) {
		d.para("Subtitle", first, []report.Run{{Text: c.FiscalYear}})
		first = ""
	}
	title := c.Title
	// Title is 20 pt on a 160 mm line: about 22 ems.
	if emWidth(title) > 21 {
		title = strings.Join(strings.FieldsFunc(title, func(r rune) bool { return r == ' ' || r == '\u3000' }), "\n")
	}
	d.para("Title", first, []report.Run{{Text: title}})
	if c.Subtitle != "" {
		d.para("Subtitle", "", []report.Run{{Text: c.Subtitle}})
	}
	if c.Client != "" {
		d.para("CoverClient", gap(1800), []report.Run{{Text: c.Client}})
	}
	next := gap(3000)
	if c.Date != "" {
		d.para("CoverText", next, []report.Run{{Text: c.Date}})
		next = ""
	}
	for _, line := range c.Issuer {
		d.para("CoverText", next, []report.Run{{Text: line}})
		next = ""
	}
	d.s(`<w:p><w:pPr><w:sectPr>`)
	d.pageSetup(false)
	d.s(`</w:sectPr></w:pPr></w:p>`)
}

func (d *docWriter) heading(i int, h report.Heading) {
	lvl := headingLevel(h.Level)
	d.s(`<w:p><w:pPr><w:pStyle w:val="Heading` + strconv.Itoa(lvl) + `"/></w:pPr>`)
	id, marked := d.plan.bookmarks[i]
	if marked {
		fmt.Fprintf(d.w, `<w:bookmarkStart w:id="%d" w:name="%s"/>`, id, bookmarkName(id))
	}
	d.text(headingText(h))
	if marked {
		fmt.Fprintf(d.w, `<w:bookmarkEnd w:id="%d"/>`, id)
	}
	d.s(`</w:p>`)
}

var paraStyles = map[report.ParaStyle]string{
	report.Body:    "BodyText",
	report.Note:    "Note",
	report.Caption: "Caption",
	report.Quote:   "Quote",
	report.Center:  "Center",
	report.Right:   "Right",
}

func (d *docWriter) paragraph(p report.Paragraph) {
	style, ok := paraStyles[p.Style]
	if !ok {
		style = "BodyText"
	}
	d.para(style, "", p.Runs)
}

func (d *docWriter) list(i int, l report.List) {
	numID := 1
	if l.Ordered {
		numID = d.plan.lists[i]
	}
	pPr := `<w:numPr><w:ilvl w:val="0"/><w:numId w:val="` + strconv.Itoa(numID) + `"/></w:numPr>`
	for _, item := range l.Items {
		d.para("ListParagraph", pPr, item)
	}
}

// toc writes the table of contents: a TOC field whose cached result
// lists the level 1-2 headings, each a hyperlink to its heading's
// bookmark. The entries carry no page numbers: Word adds them when it
// updates the field (settings.xml asks it to on open), and PAGEREF fields
// in the cached result would show empty dot leaders in LibreOffice, which
// keeps a TOC's cached result as static text.
func (d *docWriter) toc(t report.TOC) {
	title := t.Title
	if title == "" {
		title = "目次"
	}
	d.para("TOCHeading", "", []report.Run{{Text: title}})
	begin := `<w:r><w:fldChar w:fldCharType="begin"/></w:r>` +
		`<w:r><w:instrText xml:space="preserve"> TOC \o "1-2" \h \z \u </w:instrText></w:r>` +
		`<w:r><w:fldChar w:fldCharType="separate"/></w:r>`
	end := `<w:r><w:fldChar w:fldCharType="end"/></w:r>`
	if len(d.plan.toc) == 0 {
		d.s(`<w:p><w:pPr><w:pStyle w:val="TOC1"/></w:pPr>` + begin + end + `</w:p>`)
		return
	}
	for n, e := range d.plan.toc {
		d.s(`<w:p><w:pPr><w:pStyle w:val="TOC` + strconv.Itoa(e.level) + `"/></w:pPr>`)
		if n == 0 {
			d.s(begin)
		}
		d.s(`<w:hyperlink w:anchor="` + e.bookmark + `" w:history="1">`)
		d.text(oneLine.Replace(e.text))
		d.s(`</w:hyperlink>`)
		if n == len(d.plan.toc)-1 {
			d.s(end)
		}
		d.s(`</w:p>`)
	}
}

var oneLine = strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ")

var jcValues = [...]string{report.Left: "left", report.Middle: "center", report.AlignRight: "right"}

func jc(a report.Align) string {
	if int(a) >= 0 && int(a) < len(jcValues) {
		return jcValues[a]
	}
	return "left"
}

// gridWidths scales relative column widths to the text width in twips.
// Missing or non-positive widths count as the mean of the others (or 1);
// the rounding error goes to the widest column, so the sum is exact.
func gridWidths(cols []report.Column, n int) []int {
	rel := make([]float64, n)
	var sum float64
	var pos int
	for i := 0; i < n && i < len(cols); i++ {
		if w := cols[i].Width; w > 0 && !math.IsInf(w, 0) {
			rel[i] = w
			sum += w
			pos++
		}
	}
	fill := 1.0
	if pos > 0 {
		fill = sum / float64(pos)
	}
	sum = 0
	for i := range rel {
		if rel[i] == 0 {
			rel[i] = fill
		}
		sum += rel[i]
	}
	out := make([]int, n)
	total, widest := 0, 0
	for i, r := range rel {
		out[i] = int(float64(textW) * r / sum)
		total += out[i]
		if out[i] > out[widest] {
			widest = i
		}
	}
	out[widest] += textW - total
	return out
}

// cellMargin is a table cell's left and right padding, 1.5 mm.
const cellMargin = 85

func (d *docWriter) table(t report.Table) {
	n := len(t.Columns)
	for _, row := range t.Rows {
		n = max(n, len(row))
	}
	if t.Caption != "" {
		d.para("Caption", `<w:keepNext/>`, []report.Run{{Text: t.Caption}})
	}
	if n == 0 {
		return
	}
	widths := gridWidths(t.Columns, n)
	fmt.Fprintf(d.w, `<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="%d" w:type="dxa"/>`+
		`<w:tblBorders>%s</w:tblBorders><w:tblLayout w:type="fixed"/>`+
		`<w:tblCellMar><w:top w:w="28" w:type="dxa"/><w:left w:w="%d" w:type="dxa"/><w:bottom w:w="28" w:type="dxa"/><w:right w:w="%d" w:type="dxa"/></w:tblCellMar>`+
		`<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>`,
		textW, tableBorders, cellMargin, cellMargin)
	for _, w := range widths {
		fmt.Fprintf(d.w, `<w:gridCol w:w="%d"/>`, w)
	}
	d.s(`</w:tblGrid>`)

	if len(t.Columns) > 0 {
		// The header row repeats on every page and is never split.
		d.s(`<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>`)
		for c := 0; c < n; c++ {
			title := ""
			if c < len(t.Columns) {
				title = t.Columns[c].Title
			}
			d.cell(widths[c], "D9D9D9", "TableHeading", "center", []report.Run{{Text: title}})
		}
		d.s(`</w:tr>`)
	}
	for _, row := range t.Rows {
		// A short row is kept whole; a row of more than a few lines may
		// break across pages, so a long cell never runs off the page.
		if rowLines(row, widths) <= maxWholeRowLines {
			d.s(`<w:tr><w:trPr><w:cantSplit/></w:trPr>`)
		} else {
			d.s(`<w:tr>`)
		}
		for c := 0; c < n; c++ {
			var cell report.Cell
			if c < len(row) {
				cell = row[c]
			}
			align := cell.Align
			if align == report.Left && c < len(t.Columns) {
				align = t.Columns[c].Align
			}
			fill := ""
			if cell.Shade {
				fill = "F2F2F2"
			}
			d.cell(widths[c], fill, "TableText", jc(align), cell.Runs)
		}
		d.s(`</w:tr>`)
	}
	d.s(`</w:tbl>`)
	// A paragraph after every table: Word merges adjacent tables and wants
	// a paragraph before the final sectPr.
	d.s(`<w:p><w:pPr><w:pStyle w:val="Normal"/><w:spacing w:line="240" w:lineRule="auto"/></w:pPr></w:p>`)
}

// maxWholeRowLines is the most lines a table row may have and still be
// kept on one page.
const maxWholeRowLines = 8

// rowLines estimates the lines of a table row's tallest cell at 9 pt.
func rowLines(row []report.Cell, widths []int) int {
	most := 1
	for c, cell := range row {
		if c >= len(widths) {
			break
		}
		ems := float64(widths[c]-2*cellMargin) / 180
		var b strings.Builder
		for _, r := range cell.Runs {
			b.WriteString(r.Text)
		}
		lines := 0
		for _, seg := range strings.Split(b.String(), "\n") {
			lines += max(1, int(math.Ceil(emWidth(seg)/max(ems, 1))))
		}
		most = max(most, lines)
	}
	return most
}

func (d *docWriter) cell(width int, fill, style, align string, runs []report.Run) {
	fmt.Fprintf(d.w, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/>`, width)
	if fill != "" {
		d.s(`<w:shd w:val="clear" w:color="auto" w:fill="` + fill + `"/>`)
	}
	d.s(`<w:vAlign w:val="center"/></w:tcPr>`)
	d.para(style, `<w:jc w:val="`+align+`"/>`, runs)
	d.s(`</w:tc>`)
}

// figure writes an inline picture and its caption: the caption text, then
// the evidence id and short hash on a second, smaller line.
func (d *docWriter) figure(i int, f report.Figure) {
	fp := d.plan.figures[i]
	name := fmt.Sprintf("図 %d", fp.docPr)
	d.s(`<w:p><w:pPr><w:pStyle w:val="Figure"/></w:pPr><w:r><w:rPr><w:noProof/></w:rPr><w:drawing>`)
	fmt.Fprintf(d.w, `<wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="%d" cy="%d"/>`+
		`<wp:effectExtent l="0" t="0" r="0" b="0"/><wp:docPr id="%d" name="%s" descr="`,
		fp.cx, fp.cy, fp.docPr, name)
	escape(d.w, f.Caption)
	d.s(`"/><wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>` +
		`<a:graphic><a:graphicData uri="` + nsPic + `"><pic:pic>`)
	fmt.Fprintf(d.w, `<pic:nvPicPr><pic:cNvPr id="%d" name="%s"/><pic:cNvPicPr><a:picLocks noChangeAspect="1" noChangeArrowheads="1"/></pic:cNvPicPr></pic:nvPicPr>`+
		`<pic:blipFill><a:blip r:embed="%s"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>`+
		`<pic:spPr bwMode="auto"><a:xfrm><a:off x="0" y="0"/><a:ext cx="%d" cy="%d"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>`,
		fp.docPr, fp.media.name, fp.media.rID, fp.cx, fp.cy)
	d.s(`</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>`)

	d.s(`<w:p><w:pPr><w:pStyle w:val="Caption"/></w:pPr>`)
	d.text(f.Caption)
	var prov []string
	if f.EvidenceID != "" {
		prov = append(prov, "証跡 "+f.EvidenceID)
	}
	if f.ShortHash != "" {
		prov = append(prov, "SHA-256 "+f.ShortHash)
	}
	if len(prov) > 0 {
		meta := "（" + strings.Join(prov, "\u3000") + "）"
		if clean(f.Caption) != "" {
			meta = "\n" + meta
		}
		d.run(meta, false, `<w:sz w:val="16"/><w:szCs w:val="16"/>`)
	}
	d.s(`</w:p>`)
}
