// Package docx renders a report.Document (audit plan 監査計画書, audit report
// 監査報告書) as an editable Word file (.docx, Office Open XML, ISO/IEC 29500
// transitional). The chief auditor edits the result in Word, so the file is a
// plain, native Word document: real styles, real lists, real fields.
//
// # What the file contains
//
//   - Built-in style ids and names, so Word's navigation pane, the styles
//     gallery and "update table of contents" work: Heading1..Heading3 ("heading
//     1".."heading 3", with outline levels 0..2), Title, Subtitle, BodyText,
//     Quote, Caption, TOCHeading, TOC1, TOC2, ListParagraph, Footer and Table
//     Grid, plus a few of our own (Note, Center, Right, TableText,
//     TableHeading, Figure, CoverClient, Marking).
//   - Fonts are set in the styles, never as direct formatting on runs, so a
//     style change in Word reaches every paragraph: 游明朝 for body text,
//     游ゴシック for headings, captions and table headers, each with
//     w:eastAsia set and w:lang w:eastAsia="ja-JP"; body text is 10.5 pt.
//     Runs carry only w:rFonts w:hint="eastAsia", which makes Word draw
//     ambiguous-width characters (“”・…※) with the Japanese face, as Word
//     itself does for Japanese input.
//   - Japanese line breaking is Word's own: kinsoku on with the strict rule
//     set (w:strictFirstAndLastChars: no line starts with 、。）」ー・ or small
//     kana, none ends with （「), w:wordWrap on (Latin words are not split),
//     w:overflowPunct on (、。 may hang in the margin), punctuation compression
//     on, automatic spacing between Japanese and Latin text.
//   - A4 portrait, 25 mm margins. The cover is its own section without a
//     footer; the body section restarts page numbering at 1 and has a
//     centred "- PAGE -" field in its footer.
//   - The table of contents is a real TOC field (\o "1-2" \h \z \u) whose
//     cached result already lists the level-1 and level-2 headings as TOC1
//     and TOC2 paragraphs, each a hyperlink to a bookmark on its heading,
//     so the contents read well before any field is updated. The entries
//     have no page numbers: settings.xml asks Word to update fields on open
//     (w:updateFields), so Word asks once whether to update the fields and
//     then rebuilds the TOC with page numbers. LibreOffice ignores that
//     setting and shows the cached entries (Tools > Update fills them in).
//     PAGEREF fields in the entries were tried and dropped: LibreOffice
//     keeps a TOC's cached result as static text and showed empty dot
//     leaders.
//   - Tables have a fixed grid from the model's relative column widths, a
//     header row that repeats on every page (w:tblHeader), borders, shading
//     and per-cell alignment. A row of up to about eight lines is kept on
//     one page (w:cantSplit); longer rows may break across pages, so a
//     long cell never runs off the page.
//   - Figures are inline pictures (wp:inline) of the report-size JPEG, stored
//     as is under word/media (identical images are stored once), scaled to
//     the text width and at most 11 cm high, with a caption paragraph
//     carrying the evidence id and the short hash.
//   - Text is escaped, and characters XML 1.0 forbids (control characters,
//     U+FFFE/U+FFFF, broken UTF-8) are dropped, so Word never offers to
//     repair the file. "\n" in a run becomes a line break (w:br), "\t" a tab.
//
// # Why the OOXML is written by hand
//
// The Go docx libraries were weighed and none was used. `go list -m
// -versions` lists no tagged release of github.com/gomutex/godocx or
// github.com/fumiama/go-docx; github.com/unidoc/unioffice is commercial and
// needs a licence key, and the module proxy refused both it and
// baliance.com/gooxml, its abandoned predecessor. More to the point, the
// parts that matter here are exactly the ones a general library covers
// least or hides: East-Asian font slots and language tags in styles,
// kinsoku and punctuation settings, a TOC field with a pre-rendered
// result, list numbering that restarts per list, table header repetition
// and section-level page numbering. Each would need raw XML anyway. The
// WordprocessingML a report needs is small and stable (about 1,200 lines
// here, styles included), so the package writes it directly with
// archive/zip and a streaming writer. That gives full control of every
// element and of its schema order (Word reports an unreadable document for
// out-of-order elements that LibreOffice tolerates), keeps the package to
// the standard library, and streams: photos go from the model into the
// zip without a copy, and memory stays near the size of the model itself.
//
// The output is deterministic: the same document and clock give the same
// bytes.
package docx
