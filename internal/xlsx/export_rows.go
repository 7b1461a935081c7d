package xlsx

import (
	"archive/zip"
	"bytes"
	"io"
	"math"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Row heights.
//
// Neither Excel nor LibreOffice fits row heights to wrapped text reliably
// when a file is opened (LibreOffice 7 leaves rows without a height at the
// default, so multi-line cells overlap in print). So the export estimates
// each row's height from its text and the column widths and writes it. The
// heights are written as plain, not custom, heights: both programs show
// them, and Excel still re-fits a row when the auditor edits a cell in it.
// excelize only writes custom heights, so the finished workbook passes
// through exportLooseRowHeights.

const (
	// exportWideUnits is the width of a full-width character (kanji, kana,
	// full-width punctuation) of the 10-point body font, in Excel's column
	// units. A unit is the digit width of the default font, 8 pixels for
	// 11-point ＭＳ Ｐゴシック in Excel, and a 10-point full-width character
	// is 13.3 pixels: 1.67 units, rounded up so that the text never needs
	// more lines than the row has. (LibreOffice, without the font, measures
	// in wider units and so shows some spare room in each row.)
	exportWideUnits   = 1.7
	exportNarrowUnits = 0.95
	exportCellPadding = 0.5   // column units lost to the cell's inner margins
	exportLinePoints  = 12.75 // one line of 10-point ＭＳ Ｐゴシック, 17 pixels
	exportRowPadding  = 3.0   // points above and below the text
	exportMaxRowHt    = 409.0 // Excel's maximum row height
)

// exportRuneUnits is the width of r in column units at the body size.
func exportRuneUnits(r rune) float64 {
	switch {
	case r < 0x1100, r >= 0xFF61 && r <= 0xFF9F: // Latin and half-width kana
		return exportNarrowUnits
	case r >= 0x2000 && r <= 0x206F: // general punctuation: dashes, quotes
		return exportNarrowUnits
	}
	return exportWideUnits
}

// exportLines estimates how many lines s takes in a wrapped cell width
// columns wide, at scale times the body font size.
func exportLines(s string, width, scale float64) int {
	usable := (width - exportCellPadding) * 0.97 / scale
	if usable < exportWideUnits {
		usable = exportWideUnits
	}
	n := 0
	for p := range strings.SplitSeq(s, "\n") {
		n += exportParagraphLines(p, usable)
	}
	return max(n, 1)
}

// exportParagraphLines wraps one paragraph: runs of ASCII letters and
// digits move to the next line whole when they fit on one, everything else
// breaks between characters (as Japanese text does).
func exportParagraphLines(p string, usable float64) int {
	lines, x := 1, 0.0
	rs := []rune(p)
	for i := 0; i < len(rs); {
		j := i + 1
		if exportWordRune(rs[i]) {
			for j < len(rs) && exportWordRune(rs[j]) {
				j++
			}
		}
		w := 0.0
		for _, r := range rs[i:j] {
			w += exportRuneUnits(r)
		}
		switch {
		case x+w <= usable:
			x += w
		case w <= usable:
			lines++
			x = w
		default:
			for _, r := range rs[i:j] {
				cw := exportRuneUnits(r)
				if x+cw > usable && x > 0 {
					lines++
					x = 0
				}
				x += cw
			}
		}
		i = j
	}
	return lines
}

func exportWordRune(r rune) bool {
	return r < 0x80 && r > ' '
}

// exportRowHeight is the height in points of a row of vals (strings are
// measured, other values take one line) in cols.
func exportRowHeight(cols []exportCol, vals []any, bold bool) float64 {
	lines := 1
	for i, v := range vals {
		s, ok := v.(string)
		if !ok || s == "" || i >= len(cols) || cols[i].hidden {
			continue
		}
		scale := 1.0
		if cols[i].hash {
			scale = 0.8
		}
		if bold {
			scale *= 1.05
		}
		lines = max(lines, exportLines(s, cols[i].width, scale))
	}
	return math.Min(exportMaxRowHt, float64(lines)*exportLinePoints+exportRowPadding)
}

// writeTableRow streams one body row: each value gets its column's style,
// empty strings become empty styled cells (so the borders print), and the
// row gets its estimated height.
func (b *exportBook) writeTableRow(sw *excelize.StreamWriter, row int, cols []exportCol, vals []any) error {
	cells := make([]any, len(vals))
	for i, v := range vals {
		if s, ok := v.(string); ok && s == "" {
			v = nil
		}
		cells[i] = excelize.Cell{StyleID: b.bodyStyle(cols[i]), Value: v}
	}
	cell, _ := excelize.CoordinatesToCellName(1, row)
	return sw.SetRow(cell, cells, excelize.RowOpts{Height: exportRowHeight(cols, vals, false)})
}

// bodyStyle is the body cell style of a column.
func (b *exportBook) bodyStyle(c exportCol) int {
	switch {
	case c.hash:
		return b.st.hash
	case c.date:
		return b.st.date
	case c.center:
		return b.st.center
	}
	return b.st.text
}

// exportLooseRowHeights copies the workbook zip in src to w, turning the
// custom row heights excelize writes into plain ones (see Row heights).
// Other parts are copied without recompressing.
func exportLooseRowHeights(src []byte, w io.Writer) error {
	zr, err := zip.NewReader(bytes.NewReader(src), int64(len(src)))
	if err != nil {
		return err
	}
	zw := zip.NewWriter(w)
	for _, f := range zr.File {
		if !strings.HasPrefix(f.Name, "xl/worksheets/sheet") || !strings.HasSuffix(f.Name, ".xml") {
			if err := zw.Copy(f); err != nil {
				return err
			}
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return err
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return err
		}
		// Cell text cannot contain this: excelize escapes quotes in it.
		data = bytes.ReplaceAll(data, []byte(`" customHeight="1"`), []byte(`"`))
		out, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: f.Modified})
		if err != nil {
			return err
		}
		if _, err := out.Write(data); err != nil {
			return err
		}
	}
	return zw.Close()
}
