package xlsx

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/kansa-audit/kansa/internal/audit"
)

// Checksheet import.
//
// ReadSheets finds the sheets that look like checksheets (for the import
// preview); ReadChecksheet reads the items of one of them. Both open the
// workbook the same careful way (import_open.go): the file is checked for
// size, type, encryption and zip bombs before excelize sees it, and every
// refusal is one of the Err* sentinels, wrapped with the file's name and
// what to do.
//
// How a sheet is read (import_sheet.go):
//
//   - Header: the first 30 rows are searched for the row that names the
//     title column (監査項目, チェック項目, Item, …) and the most other known
//     columns (HeaderColumn lists the names); a row needs the title column
//     and at least one other to count. On a tie the upper row wins. Sheets
//     without such a row are skipped and named in the report.
//   - Title: the non-empty rows above the header, one line each (cells of a
//     row joined by a space), become the report's Title.
//   - Merged cells: the top-left value of a merged range applies to every
//     row the range spans, in the leftmost mapped column it covers; other
//     mapped columns inside the range read as empty. The number column is
//     the exception: rows below the top of a merged number belong to the
//     item above (see continuation rows).
//   - Cells: values are read as Excel displays them, except dates, which
//     are always written YYYY-MM-DD (with hh:mm when they carry a time), never
//     in the US short format. Formulas are never evaluated: the value Excel
//     last saved is used, and the report says so. Line breaks are kept
//     ("\r\n" becomes "\n"); surrounding spaces and blank lines are trimmed,
//     except in a checksheet exported by Kansa (it has the hidden KansaID
//     column), whose cells are taken verbatim so that a round trip is exact
//     and whose item ids are read into Item.ID.
//   - Numbers: the first line of the number cell, full-width characters and
//     circled digits folded and spaces removed (audit.NormalizeNo). A number
//     has a digit and only ASCII letters, digits and - . _ ( ) /, at most 20
//     characters; anything else (１．組織体制, ※) is not a number.
//   - Skipped rows: blank rows, rows that repeat the header (printed page
//     headers: two or more mapped cells equal to the header's, after
//     HeaderNormalize), rows that repeat a title line.
//   - Section rows: a row without a number whose only text (one value) sits
//     left of the title column, in the section column, or in a merged cell
//     spanning several mapped columns, sets the section of the items below
//     it. A blank section cell inherits the section above.
//   - Continuation rows: a row without a number directly below an item (no
//     blank row between) adds its text to that item, each column's text on
//     a new line; the report warns unless the row lies inside a merged cell
//     that starts on the item's row. A row without a number that does not
//     follow an item is skipped with a warning, so nothing is dropped
//     silently. Without a number column every row with its own title is an
//     item, numbered 1, 2, 3, … in sheet order.
//   - A number without a title is skipped with a warning; a number seen
//     twice, hidden rows and cut cells are imported with a warning.

// ColumnMap maps checksheet columns to 0-based column indexes of a sheet.
type ColumnMap map[audit.Column]int

// SheetCandidate is one sheet that has a recognisable checksheet header.
type SheetCandidate struct {
	Name      string
	HeaderRow int       // 1-based
	Title     string    // title rows above the header, joined by "\n"
	Columns   ColumnMap // detected mapping
	Headers   []string  // the header row's cells as found, by 0-based column
	Rows      int       // items the sheet yields; -1 when not counted (ReadChecksheet counts only the imported sheet)
}

// ImportReport says what an import found.
type ImportReport struct {
	Sheet      string
	Title      string
	Columns    ColumnMap // the mapping used: the detected one or ImportOptions.Columns
	IDColumn   int       // 0-based index of the hidden KansaID column of an exported checksheet, -1 if none
	Items      []audit.Item
	Skipped    []ImportSkip // sheets without a header, with the reason
	Warnings   []string     // rows and cells worth a look: "row 17: …"
	Candidates []SheetCandidate
}

// ImportSkip names a sheet that was not imported and why.
type ImportSkip struct {
	Sheet, Reason string
}

// ImportOptions steer ReadChecksheet.
type ImportOptions struct {
	// Sheet is the sheet to import. "" imports the only candidate sheet and
	// fails with ErrChooseSheet when there are several.
	Sheet string
	// Columns, if not nil, replaces the detected mapping (the preview lets
	// the user correct it). It must map the title column.
	Columns ColumnMap
	// Limits bound the cost of opening the workbook; zero fields take
	// DefaultLimits.
	Limits Limits
	// Progress, if not nil, is called now and then with the rows read of
	// the imported sheet.
	Progress func(done, total int)
}

// Errors of the import besides those in limits.go.
var (
	// ErrChooseSheet: several sheets have a checksheet header and none was
	// chosen, or the chosen sheet does not exist. The message lists the
	// candidates.
	ErrChooseSheet = errors.New("choose the sheet to import")
	// ErrColumnMap: ImportOptions.Columns cannot be used.
	ErrColumnMap = errors.New("the column assignment cannot be used")
)

// ReadSheets opens the workbook at path and lists the sheets that look like
// checksheets, each with its detected header, title and item count, and
// the sheets skipped. It is the import preview.
func ReadSheets(path string, lim Limits) (cands []SheetCandidate, skips []ImportSkip, err error) {
	lim = readLimits(lim)
	defer func() {
		if r := recover(); r != nil {
			cands, skips, err = nil, nil, readPanicErr(path, r)
		}
	}()
	b, err := readOpen(path, lim)
	if err != nil {
		return nil, nil, err
	}
	defer b.close()
	ctx := context.Background()
	cands, skips, refs, err := b.detect(ctx)
	if err != nil {
		return nil, nil, err
	}
	for i := range cands {
		out, err := b.readSheet(ctx, refs[i], true, nil, nil)
		if err != nil {
			return nil, nil, err
		}
		cands[i] = out.cand
	}
	return cands, skips, nil
}

// ReadChecksheet imports the checksheet items of one sheet of the workbook
// at path. It changes nothing; the caller stores the items.
//
// On ErrChooseSheet and ErrNoHeader the report is returned along with the
// error, with Candidates and Skipped filled, so the caller can offer a
// choice. Every other error comes with a nil report.
func ReadChecksheet(ctx context.Context, path string, opt ImportOptions) (rep *ImportReport, err error) {
	lim := readLimits(opt.Limits)
	defer func() {
		if r := recover(); r != nil {
			rep = nil
			err = readPanicErr(path, r)
		}
	}()
	if opt.Columns != nil {
		if err := readCheckColumns(path, opt.Columns); err != nil {
			return nil, err
		}
	}
	b, err := readOpen(path, lim)
	if err != nil {
		return nil, err
	}
	defer b.close()
	cands, skips, refs, err := b.detect(ctx)
	if err != nil {
		return nil, err
	}
	rep = &ImportReport{Skipped: skips, Candidates: cands, IDColumn: -1}
	if len(cands) == 0 {
		return rep, readErr(b.base, ErrNoHeader, readNoHeaderAdvice(skips), nil)
	}
	pick := -1
	switch {
	case opt.Sheet != "":
		for i, c := range cands {
			if c.Name == opt.Sheet {
				pick = i
			}
		}
		if pick < 0 {
			for _, s := range skips {
				if s.Sheet == opt.Sheet {
					return rep, readErr(b.base, ErrNoHeader, fmt.Sprintf("sheet %q: %s; choose one of %s", s.Sheet, s.Reason, readSheetList(cands)), nil)
				}
			}
			return rep, readErr(b.base, ErrChooseSheet, fmt.Sprintf("there is no sheet %q; choose one of %s", opt.Sheet, readSheetList(cands)), nil)
		}
	case len(cands) == 1:
		pick = 0
	default:
		return rep, readErr(b.base, ErrChooseSheet, fmt.Sprintf("%d sheets have a checksheet header: %s; choose one", len(cands), readSheetList(cands)), nil)
	}
	out, err := b.readSheet(ctx, refs[pick], true, opt.Columns, opt.Progress)
	if err != nil {
		return nil, err
	}
	rep.Candidates[pick] = out.cand
	rep.Sheet = out.cand.Name
	rep.Title = out.cand.Title
	rep.Columns = out.cols
	rep.IDColumn = out.idCol
	rep.Items = out.items
	rep.Warnings = out.warnings
	return rep, nil
}

// readCheckColumns validates a column override.
func readCheckColumns(path string, m ColumnMap) error {
	base := readBase(path)
	if _, ok := m[audit.ColTitle]; !ok {
		return readErr(base, ErrColumnMap, "assign the 監査項目 (item) column", nil)
	}
	seen := map[int]audit.Column{}
	cols := make([]audit.Column, 0, len(m))
	for c := range m {
		cols = append(cols, c)
	}
	slices.Sort(cols)
	for _, c := range cols {
		if c != audit.ColNo && c != audit.ColSection && !slices.Contains(readTextCols, c) {
			return readErr(base, ErrColumnMap, fmt.Sprintf("%q is not a checksheet column", c), nil)
		}
		i := m[c]
		if i < 0 || i >= readMaxCols {
			return readErr(base, ErrColumnMap, fmt.Sprintf("column %d for %s is outside the sheet", i+1, c), nil)
		}
		if prev, ok := seen[i]; ok {
			return readErr(base, ErrColumnMap, fmt.Sprintf("%s and %s are both assigned to column %s; assign each to its own column", prev, c, readColName(i)), nil)
		}
		seen[i] = c
	}
	return nil
}

// readSheetList quotes sheet names for a message.
func readSheetList(cands []SheetCandidate) string {
	names := make([]string, len(cands))
	for i, c := range cands {
		names[i] = fmt.Sprintf("%q", c.Name)
	}
	return strings.Join(names, ", ")
}

// readNoHeaderAdvice explains ErrNoHeader.
func readNoHeaderAdvice(skips []ImportSkip) string {
	var b strings.Builder
	b.WriteString("add a header row within the first 30 rows that names the 監査項目 (item) column and at least one other, such as No. or 適用基準")
	if len(skips) > 0 {
		b.WriteString(" (")
		for i, s := range skips {
			if i > 0 {
				b.WriteString("; ")
			}
			fmt.Fprintf(&b, "sheet %q: %s", s.Sheet, s.Reason)
		}
		b.WriteString(")")
	}
	return b.String()
}
