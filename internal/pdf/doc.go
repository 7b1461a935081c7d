// Package pdf renders a report.Document (audit plans and audit reports) to
// an A4 PDF set like a Japanese audit firm's deliverable, with gopdf.
//
// gopdf only places strings; everything else is done here, in two passes.
// The layout pass (layout.go, table.go, cover.go) measures every glyph with
// the font's own advance widths, breaks lines (linebreak.go), paginates and
// records drawing operations per page; the render pass (render.go) replays
// them through gopdf. Laying out first is what lets the table of contents
// print page numbers that are only known once the whole document is laid
// out.
//
// # Page
//
// A4 portrait (595.28 x 841.89 pt). The text block is 45 full-width
// characters of 10.5 pt (166.7 mm, side margins 21.7 mm), from 26.8 mm
// below the top to 24 mm above the bottom. Body text is 10.5 pt Mincho
// with a line pitch of 1.7; headings, labels, captions, table headers and
// bold runs are Gothic. Body paragraphs are justified with a one-character
// first-line indent (not for paragraphs that start with a bold label, a
// bracket, a mark or a number). Pages after the cover carry a running
// header (the cover's marking, e.g. 取扱注意, on the left, the document
// title on the right, over a hairline) and the page number "- n -" at the
// foot; the cover has neither and is not counted.
//
// # Flow
//
//   - Paragraphs continue across pages, never leaving a single first line
//     at the foot of a page or carrying a single last line to the next.
//   - A heading is kept with the headings that follow it and two lines of
//     the next block (or the whole of a figure, or a table's caption,
//     header and first row).
//   - Tables are scaled to the text width, repeat their header row on every
//     page, wrap cells with the same line breaker, centre cells vertically,
//     and move a row that does not fit to the next page; a row taller than
//     a page is split between lines.
//   - Figures are at most 10.7 cm wide and 11 cm high, centred, with a
//     hairline frame; the caption (with the evidence ID and short SHA-256)
//     stays with the picture. A figure shrinks to 70% rather than leave
//     the rest of a page empty.
//   - A page break on an empty page is ignored; the table of contents ends
//     its page.
//
// # Japanese line breaking
//
// See linebreak.go: strict 禁則処理 resolved by 追い出し (the character
// before a forbidden line start moves down; no hanging punctuation, no
// squeezing), Latin words and numbers kept whole unless longer than a
// line, "\n" kept, 約物の詰め for adjacent punctuation, a quarter em
// between kana/kanji and Latin letters or digits, and justification that
// spreads space between Japanese characters and at spaces only.
//
// # Fonts
//
// No font is committed. FindFont looks, in order, at the configured path,
// $KANSA_PDF_FONT, and the known system fonts (IPAex, IPA, Noto JP
// TrueType; Yu, Meiryo, MS and BIZ UD on Windows). gopdf reads only
// TrueType-outline .ttf data, so CFF fonts (.otf, the Noto CJK .ttc) are
// skipped, and one face of a .ttc collection is extracted into a standalone
// TrueType font in memory (sfnt.go). gopdf embeds a subset of the glyphs
// used, with a ToUnicode map, so the text can be searched and extracted.
// With a single face (no Mincho/Gothic pair), headings and bold runs are
// drawn fake bold: overprinted 1/40 em to the right, as a separate text
// run a thousandth of a point larger so that text extraction recognises
// the copy and drops it.
//
// # Images and outline
//
// Figures hand gopdf the JPEG bytes as they are: gopdf embeds a JPEG as a
// DCTDecode stream without decoding it, so photos are passed through
// without re-encoding (pdfimages lists them as jpeg, byte-identical).
// Headings become nested bookmarks (outline.go) and the table of contents
// entries link to them.
//
// # Memory
//
// gopdf keeps two copies of every embedded JPEG until the file is written,
// so a report holds about three times its photos in memory (the document's
// copy included), plus about 50 MB for fonts and pages. Page content
// streams are written uncompressed (about 4 KB a page): Go's flate writer
// allocates over half a megabyte per stream, which for a 300-page report
// doubled the peak heap. BenchmarkRender60Findings measures the
// acceptance-size report.
package pdf
