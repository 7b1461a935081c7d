// Package report turns an audit's data into one document model, which the
// PDF (internal/pdf) and Word (internal/docx) renderers both draw, so every
// deliverable's content is written once. It also holds the lints run before
// every export.
//
// The model is deliberately small: headings, paragraphs of runs, bullet
// lists, tables with repeated header rows, figures, page breaks and a table
// of contents. Page numbers, outline and footers are the renderers' job.
package report

import "strings"

// Document is one deliverable, ready to render.
type Document struct {
	Title    string // document title, e.g. 監査報告書
	Subject  string // for file metadata, e.g. the audit's title
	Author   string // issuer, e.g. the audit firm
	Cover    *Cover // nil: no cover page
	Blocks   []Block
	Language string // BCP 47, "ja-JP"
}

// Cover is the title page.
type Cover struct {
	Title      string   // 令和8年度 基幹システム外部データセンター監査 監査報告書
	Subtitle   string   // optional second line
	Client     string   // 世田谷区 御中 (the renderer prints it as given)
	FiscalYear string   // 令和8年度
	Date       string   // 令和8年12月25日 (already formatted)
	Issuer     []string // lines: firm, chief auditor
	Marking    string   // e.g. 取扱注意, printed at the top right; "" for none
}

// Block is one element of the document flow.
type Block interface{ isBlock() }

// Heading starts a numbered section. Level 1 is a chapter (1 監査の概要),
// 2 a section (1.1 目的), 3 a subsection. Number is the printed number,
// "" for unnumbered headings (appendix titles). Headings feed the table of
// contents and the PDF outline; a renderer never leaves one alone at the
// bottom of a page.
type Heading struct {
	Level  int
	Number string
	Text   string
}

// Run is a piece of text in one style.
type Run struct {
	Text         string
	Bold         bool
	Confidential bool // replaced by 「（非開示）」 in redacted variants
}

// ParaStyle selects a paragraph's look.
type ParaStyle int

// Paragraph styles.
const (
	Body    ParaStyle = iota // justified body text
	Note                     // smaller, for remarks under tables
	Caption                  // figure and table captions, centred
	Quote                    // indented, for hearing statements
	Center                   // centred body text
	Right                    // right-aligned (dates, signatures)
)

// Paragraph is a paragraph of runs. Line breaks inside a run's text ("\n")
// are kept as line breaks.
type Paragraph struct {
	Style ParaStyle
	Runs  []Run
}

// Text makes a one-run body paragraph.
func Text(s string) Paragraph { return Paragraph{Runs: []Run{{Text: s}}} }

// List is a bullet (or numbered) list; each item is one paragraph of runs.
type List struct {
	Ordered bool
	Items   [][]Run
}

// Align is a table cell's horizontal alignment.
type Align int

// Alignments.
const (
	Left Align = iota
	Middle
	AlignRight
)

// Cell is one table cell.
type Cell struct {
	Runs  []Run
	Align Align
	Shade bool // light background (header cells, totals)
}

// Column is a table column: its header text and relative width.
type Column struct {
	Title string
	Width float64 // relative; the renderer scales widths to the text block
	Align Align
}

// Table is a table that may span pages; its header row is repeated on every
// page it spans.
type Table struct {
	Columns []Column
	Rows    [][]Cell
	Caption string // printed above the table, "" for none
}

// Image is a JPEG ready for the page: the report-size copy, with EXIF
// orientation already applied, passed through without re-encoding.
type Image struct {
	JPEG   []byte
	Width  int // pixels
	Height int
}

// Figure is an evidence photo with its caption and provenance.
type Figure struct {
	Image      Image
	Caption    string // 図3 サーバ室入口の入退室記録簿
	EvidenceID string
	ShortHash  string // first 12 hex digits of the original's SHA-256
}

// PageBreak starts a new page.
type PageBreak struct{}

// TOC is the table of contents: the renderer lists the headings of levels
// 1 and 2 with their page numbers.
type TOC struct{ Title string }

func (Heading) isBlock()   {}
func (Paragraph) isBlock() {}
func (List) isBlock()      {}
func (Table) isBlock()     {}
func (Figure) isBlock()    {}
func (PageBreak) isBlock() {}
func (TOC) isBlock()       {}

// Withheld replaces confidential text in redacted variants.
const Withheld = "（非開示）"

// WithheldPhoto replaces a photo in redacted variants.
const WithheldPhoto = "〔写真は非開示〕"

// Redact returns a copy of the document in which every confidential run
// reads Withheld (the J-LIS variant of a common-platform report). Photos
// are withheld whole, since a screen capture may show addresses or host
// names that no text rule can find; their caption and provenance stay.
func (d *Document) Redact() *Document {
	out := *d
	out.Blocks = make([]Block, len(d.Blocks))
	for i, b := range d.Blocks {
		switch v := b.(type) {
		case Figure:
			text := WithheldPhoto + v.Caption
			if v.EvidenceID != "" {
				text += "（証跡ID " + v.EvidenceID + "、SHA-256 " + v.ShortHash + "）"
			}
			out.Blocks[i] = Paragraph{Style: Caption, Runs: []Run{{Text: text}}}
		case Paragraph:
			v.Runs = redactRuns(v.Runs)
			out.Blocks[i] = v
		case List:
			items := make([][]Run, len(v.Items))
			for j, it := range v.Items {
				items[j] = redactRuns(it)
			}
			v.Items = items
			out.Blocks[i] = v
		case Table:
			rows := make([][]Cell, len(v.Rows))
			for r, row := range v.Rows {
				rows[r] = make([]Cell, len(row))
				for c, cell := range row {
					cell.Runs = redactRuns(cell.Runs)
					rows[r][c] = cell
				}
			}
			v.Rows = rows
			out.Blocks[i] = v
		default:
			out.Blocks[i] = b
		}
	}
	return &out
}

func redactRuns(rs []Run) []Run {
	out := make([]Run, len(rs))
	for i, r := range rs {
		if r.Confidential {
			r = Run{Text: Withheld, Bold: r.Bold}
		}
		out[i] = r
	}
	return out
}

// PlainText returns the document's text in reading order, one block per
// line group: what `pdftotext` should give back, for tests and lints.
func (d *Document) PlainText() string {
	var b strings.Builder
	runs := func(rs []Run) {
		for _, r := range rs {
			b.WriteString(r.Text)
		}
		b.WriteByte('\n')
	}
	for _, bl := range d.Blocks {
		switch v := bl.(type) {
		case Heading:
			b.WriteString(strings.TrimSpace(v.Number + " " + v.Text))
			b.WriteByte('\n')
		case Paragraph:
			runs(v.Runs)
		case List:
			for _, it := range v.Items {
				runs(it)
			}
		case Table:
			for _, c := range v.Columns {
				b.WriteString(c.Title + "\t")
			}
			b.WriteByte('\n')
			for _, row := range v.Rows {
				for _, c := range row {
					for _, r := range c.Runs {
						b.WriteString(r.Text)
					}
					b.WriteByte('\t')
				}
				b.WriteByte('\n')
			}
		case Figure:
			b.WriteString(v.Caption + "\n")
		}
	}
	return b.String()
}
