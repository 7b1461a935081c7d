package xlsx

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/xuri/excelize/v2"
)

// ExportItem is one checksheet row with its result and linked evidence, as
// the caller assembled it.
type ExportItem struct {
	audit.Item
	Result   audit.Result
	Evidence []audit.Evidence // evidence linked to this item
	// Version is an opaque token of the result's current state. It is written
	// to a hidden column so that a re-import can tell edits made in Excel from
	// edits made in Kansa since the export.
	Version string
}

// ExportAudit is everything an export needs, as the caller assembled it.
type ExportAudit struct {
	Audit           audit.Audit
	EngagementTitle string
	Client          string
	FiscalYear      int // Gregorian year the fiscal year starts; 0 leaves the year out
	Items           []ExportItem
	Evidence        []audit.Evidence // every evidence file of the audit, for the index sheet
	Now             time.Time        // the export's date, printed in the title rows
}

// Hidden columns: the item id makes a round trip exact, the version lets a
// re-import detect conflicting edits made in Kansa in the meantime.
const (
	ExportIDHeader      = "KansaID"
	ExportVersionHeader = "KansaVersion"
)

// Sheet names of exported workbooks.
const (
	ExportChecksheetSheet = "チェックシート"
	ExportResultSheet     = "監査結果一覧"
	ExportEvidenceSheet   = "証跡一覧"
	ExportSummarySheet    = "集計"
	// exportListSheet holds drop-down choices too long for an inline list.
	// It is hidden, not very hidden, so the ward can still show and edit it.
	exportListSheet = "選択肢"
)

// Headers of the result columns, canonical so the importer recognises them.
const (
	ExportHeaderRating       = "評価"
	ExportHeaderObservation  = "監査実施内容"
	ExportHeaderEvidenceSeen = "監査証拠"
	ExportHeaderFinding      = "指摘区分"
	ExportHeaderProposal     = "改善提案"
)

// ExportEvidenceMarker introduces the list of linked evidence that the
// result list appends to the 監査証拠 cell, one "・<short id> <title>" line
// each. ExportStripEvidenceList removes it again.
const ExportEvidenceMarker = "【関連証跡】"

// ExportStripEvidenceList returns a result-list 監査証拠 cell without the
// linked-evidence lines the export appended, i.e. the evidence seen as the
// auditor wrote it.
func ExportStripEvidenceList(cell string) string {
	if strings.HasPrefix(cell, ExportEvidenceMarker+"\n") || cell == ExportEvidenceMarker {
		return ""
	}
	if i := strings.LastIndex(cell, "\n"+ExportEvidenceMarker+"\n"); i >= 0 {
		return cell[:i]
	}
	return strings.TrimSuffix(cell, "\n"+ExportEvidenceMarker)
}

// ExportColumnHeader is the Japanese header of a checksheet column as the
// export writes it, for the given audit kind.
func ExportColumnHeader(k audit.Kind, c audit.Column) string {
	switch c {
	case audit.ColNo:
		return "No."
	case audit.ColSection:
		return "区分"
	case audit.ColTitle:
		return "監査項目"
	case audit.ColCriteria:
		return "適用基準"
	case audit.ColPoints:
		if k == audit.KindInternal {
			return "監査内容／確認ポイント"
		}
		return "確認の要点"
	case audit.ColExamples:
		return "監査証拠の例示"
	case audit.ColHearingPurpose:
		return "ヒアリング目的"
	case audit.ColGuidelineRef:
		return "例文番号"
	case audit.ColNotes:
		return "備考"
	}
	return string(c)
}

// exportColumnWidth is the width (in Excel character units) of a checksheet
// column; the sum over a sheet decides how far fit-to-width must shrink.
func exportColumnWidth(c audit.Column) float64 {
	switch c {
	case audit.ColNo:
		return 6
	case audit.ColSection:
		return 10
	case audit.ColTitle:
		return 24
	case audit.ColCriteria:
		return 16
	case audit.ColPoints:
		return 26
	case audit.ColExamples:
		return 18
	case audit.ColHearingPurpose:
		return 18
	case audit.ColGuidelineRef:
		return 9
	case audit.ColNotes:
		return 10
	}
	return 14
}

// exportCol is one column of an exported sheet.
type exportCol struct {
	header string
	width  float64
	center bool // short values (numbers, ratings, classes) are centred
	input  bool // filled in by the auditor: the header is coloured
	hidden bool
	hash   bool // a SHA-256 in a smaller font
	date   bool // a date and time
}

// exportFont is the cell font, the classic Japanese Excel font: every
// Japanese Windows has it, and its compact, well-known line height lets the
// export size rows for print (see exportRowHeight). Only the name is
// written; LibreOffice substitutes a Japanese gothic where it is missing.
const exportFont = "ＭＳ Ｐゴシック"

// Layout constants shared by the sheets.
const (
	exportTitleRows  = 3 // title, client, date
	exportHeaderRow  = exportTitleRows + 1
	exportFirstRow   = exportHeaderRow + 1
	exportBodySize   = 10 // points; row heights assume it
	exportTickEvery  = 64 // rows between context checks and progress reports
	exportPaperA4    = 9
	exportDateFormat = "yyyy/mm/dd hh:mm"
)

// exportJST is Japan time; Japan has no daylight saving, so a fixed zone
// avoids depending on the system's time-zone database.
var exportJST = time.FixedZone("JST", 9*60*60)

// styleIDs are the cell styles of one workbook.
type styleIDs struct {
	title, subtitle            int
	header, headerInput        int
	text, center, date, hash   int
	count, totalLabel, totalNo int
}

// exportBook is a workbook being written, with the progress of the export.
type exportBook struct {
	f        *excelize.File
	st       styleIDs
	ctx      context.Context
	progress func(done, total int)
	done     int
	total    int
}

// exportNewBook starts a workbook with Kansa's fonts, styles and document
// properties. The caller closes b.f.
func exportNewBook(ctx context.Context, a ExportAudit, title string, total int, progress func(done, total int)) (*exportBook, error) {
	f := excelize.NewFile()
	b := &exportBook{f: f, ctx: ctx, progress: progress, total: total}
	if err := f.SetDefaultFont(exportFont); err != nil {
		f.Close()
		return nil, err
	}
	now := a.Now
	if now.IsZero() {
		now = time.Now()
	}
	stamp := now.UTC().Format(time.RFC3339)
	if err := f.SetDocProps(&excelize.DocProperties{
		Title:          title,
		Subject:        a.Audit.Kind.Label(),
		Creator:        "Kansa",
		LastModifiedBy: "Kansa",
		Created:        stamp,
		Modified:       stamp,
		Language:       "ja-JP",
	}); err != nil {
		f.Close()
		return nil, err
	}
	if err := b.makeStyles(); err != nil {
		f.Close()
		return nil, err
	}
	return b, nil
}

// makeStyles registers the cell styles.
func (b *exportBook) makeStyles() error {
	thin := []excelize.Border{
		{Type: "left", Color: "808080", Style: 1},
		{Type: "right", Color: "808080", Style: 1},
		{Type: "top", Color: "808080", Style: 1},
		{Type: "bottom", Color: "808080", Style: 1},
	}
	shiftJIS := 128 // the charset Excel records with Japanese fonts
	font := func(size float64, bold bool) *excelize.Font {
		return &excelize.Font{Family: exportFont, Size: size, Bold: bold, Charset: &shiftJIS}
	}
	fill := func(rgb string) excelize.Fill {
		return excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{rgb}}
	}
	dateFmt := exportDateFormat
	defs := []struct {
		id *int
		s  excelize.Style
	}{
		{&b.st.title, excelize.Style{Font: font(14, true)}},
		{&b.st.subtitle, excelize.Style{Font: font(exportBodySize, false)}},
		{&b.st.header, excelize.Style{Font: font(exportBodySize, true), Border: thin, Fill: fill("D9E1F2"),
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}},
		{&b.st.headerInput, excelize.Style{Font: font(exportBodySize, true), Border: thin, Fill: fill("FCE4D6"),
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}},
		{&b.st.text, excelize.Style{Font: font(exportBodySize, false), Border: thin,
			Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
		{&b.st.center, excelize.Style{Font: font(exportBodySize, false), Border: thin,
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "top", WrapText: true}}},
		{&b.st.date, excelize.Style{Font: font(exportBodySize, false), Border: thin, CustomNumFmt: &dateFmt,
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "top"}}},
		{&b.st.hash, excelize.Style{Font: font(8, false), Border: thin,
			Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
		{&b.st.count, excelize.Style{Font: font(exportBodySize, false), Border: thin,
			Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "center"}}},
		{&b.st.totalLabel, excelize.Style{Font: font(exportBodySize, true), Border: thin, Fill: fill("F2F2F2"),
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}}},
		{&b.st.totalNo, excelize.Style{Font: font(exportBodySize, true), Border: thin, Fill: fill("F2F2F2"),
			Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "center"}}},
	}
	for _, d := range defs {
		id, err := b.f.NewStyle(&d.s)
		if err != nil {
			return err
		}
		*d.id = id
	}
	return nil
}

// tick counts one row done: every few rows it checks the context and
// reports progress.
func (b *exportBook) tick() error {
	b.done++
	if b.done%exportTickEvery != 0 {
		return nil
	}
	if err := b.ctx.Err(); err != nil {
		return err
	}
	b.report()
	return nil
}

func (b *exportBook) report() {
	if b.progress != nil {
		b.progress(b.done, b.total)
	}
}

// finish writes the workbook to w, then reports the last step done. Nothing
// reaches w if the context was cancelled before.
func (b *exportBook) finish(w io.Writer) error {
	if err := b.ctx.Err(); err != nil {
		return err
	}
	// No SetActiveSheet here: it would read every streamed sheet back in.
	// The first sheet is active from the start.
	buf, err := b.f.WriteToBuffer()
	if err != nil {
		return err
	}
	if err := b.ctx.Err(); err != nil {
		return err
	}
	if err := exportLooseRowHeights(buf.Bytes(), w); err != nil {
		return err
	}
	b.done = b.total
	b.report()
	return nil
}

// newSheet adds a sheet; the first call renames the default Sheet1 so that
// no empty sheet is left over.
func (b *exportBook) newSheet(name string) error {
	if b.f.SheetCount == 1 {
		if only := b.f.GetSheetName(0); only == "Sheet1" {
			return b.f.SetSheetName(only, name)
		}
	}
	_, err := b.f.NewSheet(name)
	return err
}

// setupSheet applies the column layout and print settings of a table
// sheet whose header is at headerRow: A4 landscape, one page wide, the
// header repeated on every page, frozen below the header, page numbers in
// the footer. It must run before the sheet's stream writer starts; rows is
// the number of rows the stream will write (0 when not streaming).
func (b *exportBook) setupSheet(sheet string, cols []exportCol, headerRow, rows int, pageTitle string) error {
	f := b.f
	// excelize puts each column it touches first in the <cols> list and the
	// stream writer keeps that order, but Excel wants them ascending: so go
	// from the last column to the first.
	for i := len(cols) - 1; i >= 0; i-- {
		c := cols[i]
		name, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sheet, name, name, c.width); err != nil {
			return err
		}
		if c.hidden {
			if err := f.SetColVisible(sheet, name, false); err != nil {
				return err
			}
		}
	}
	if rows > 0 { // the stream writer writes the dimension before the rows
		lastCol, _ := excelize.ColumnNumberToName(len(cols))
		if err := f.SetSheetDimension(sheet, fmt.Sprintf("A1:%s%d", lastCol, max(rows, headerRow))); err != nil {
			return err
		}
	}
	first := fmt.Sprintf("A%d", headerRow+1)
	if err := f.SetPanes(sheet, &excelize.Panes{
		Freeze: true, YSplit: headerRow, TopLeftCell: first, ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: first, ActiveCell: first, Pane: "bottomLeft"}},
	}); err != nil {
		return err
	}
	if err := b.setupPrint(sheet, pageTitle); err != nil {
		return err
	}
	return f.SetDefinedName(&excelize.DefinedName{
		Name:     "_xlnm.Print_Titles",
		RefersTo: fmt.Sprintf("%s!$%d:$%d", exportQuoteSheet(sheet), headerRow, headerRow),
		Scope:    sheet,
	})
}

// setupPrint sets A4 landscape, fit to one page wide (any height), narrow
// margins, and a header and footer.
func (b *exportBook) setupPrint(sheet, pageTitle string) error {
	f := b.f
	fit := true
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	size, orient, wide, tall := exportPaperA4, "landscape", 1, 0
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{
		Size: &size, Orientation: &orient, FitToWidth: &wide, FitToHeight: &tall,
	}); err != nil {
		return err
	}
	lr, tb, hf, centre := 0.4, 0.6, 0.3, true
	if err := f.SetPageMargins(sheet, &excelize.PageLayoutMarginsOptions{
		Left: &lr, Right: &lr, Top: &tb, Bottom: &tb, Header: &hf, Footer: &hf, Horizontally: &centre,
	}); err != nil {
		return err
	}
	return f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{
		OddHeader: "&R" + exportHeaderFooterText(pageTitle, 120),
		OddFooter: "&C&P / &N",
	})
}

// exportHeaderFooterText escapes & for a header/footer and shortens the
// text to stay within the 255-character limit.
func exportHeaderFooterText(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > max {
		s = string(r[:max-1]) + "…"
	}
	return strings.ReplaceAll(s, "&", "&&")
}

// exportQuoteSheet quotes a sheet name for use in a formula or reference.
func exportQuoteSheet(name string) string {
	return "'" + strings.ReplaceAll(name, "'", "''") + "'"
}

// exportTitle builds the title line, e.g. 令和8年度 外部監査 チェックシート.
func exportTitle(a ExportAudit, what string) string {
	var parts []string
	if a.FiscalYear > 0 {
		parts = append(parts, audit.FiscalYearLabel(a.FiscalYear))
	}
	title := strings.TrimSpace(a.Audit.Title)
	if title == "" {
		title = a.Audit.Kind.Label()
	}
	if !strings.HasSuffix(title, what) {
		title += " " + what
	}
	return strings.Join(append(parts, title), " ")
}

// exportTitleLines are the rows above a table's header: title, client and
// engagement, audit kind and date.
func exportTitleLines(a ExportAudit, title string) [exportTitleRows]string {
	var who []string
	for _, s := range []string{a.Client, a.EngagementTitle} {
		if s = strings.TrimSpace(s); s != "" {
			who = append(who, s)
		}
	}
	when := a.Now
	if when.IsZero() {
		when = time.Now()
	}
	when = when.In(exportJST)
	return [exportTitleRows]string{
		exportText(title),
		exportText(strings.Join(who, "　")),
		fmt.Sprintf("%s　作成日 %d年%d月%d日", a.Audit.Kind.Label(), when.Year(), int(when.Month()), when.Day()),
	}
}

// writeTitleRows streams the title rows.
func (b *exportBook) writeTitleRows(sw *excelize.StreamWriter, rows [exportTitleRows]string) error {
	for i, s := range rows {
		style, ht := b.st.subtitle, exportLinePoints+exportRowPadding
		if i == 0 {
			style, ht = b.st.title, 24
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, []any{excelize.Cell{StyleID: style, Value: s}}, excelize.RowOpts{Height: ht}); err != nil {
			return err
		}
	}
	return nil
}

// writeHeader streams a header row.
func (b *exportBook) writeHeader(sw *excelize.StreamWriter, row int, cols []exportCol) error {
	vals := make([]any, len(cols))
	texts := make([]any, len(cols))
	for i, c := range cols {
		style := b.st.header
		if c.input {
			style = b.st.headerInput
		}
		vals[i] = excelize.Cell{StyleID: style, Value: c.header}
		texts[i] = c.header
	}
	cell, _ := excelize.CoordinatesToCellName(1, row)
	return sw.SetRow(cell, vals, excelize.RowOpts{Height: exportRowHeight(cols, texts, true)})
}

// exportText makes a string safe and stable for a cell: line breaks become
// "\n", and control characters that XML cannot carry are dropped.
func exportText(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' || r == 0xFFFE || r == 0xFFFF }) {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\r':
			return '\n'
		case r < 0x20 && r != '\n' && r != '\t', r == 0xFFFE, r == 0xFFFF:
			return -1
		}
		return r
	}, s)
}

// exportNo is an item number as a cell value: a plain number when the text
// is one (so Excel shows no "number stored as text" warning), else text.
func exportNo(no string) any {
	if n, err := strconv.Atoi(no); err == nil && strconv.Itoa(n) == no && n >= 0 {
		return n
	}
	return exportText(no)
}

// exportRatingLabel is the Japanese label of a rating code; an unknown
// code is written as is, so nothing is lost.
func exportRatingLabel(s audit.Scale, code string) string {
	if code == "" {
		return ""
	}
	if r, ok := s.Lookup(code); ok {
		return r.Label
	}
	return exportText(code)
}

// exportFindingLabel is the Japanese label of a finding class; an unknown
// class is written as is.
func exportFindingLabel(f audit.FindingClass) string {
	if l := f.Label(); l != "" || f == audit.FindingNone {
		return l
	}
	return exportText(string(f))
}

// exportScale is the audit's scale, or the default when it has none.
func exportScale(a ExportAudit) audit.Scale {
	if len(a.Audit.Scale.Ratings) == 0 {
		return audit.DefaultScale()
	}
	return a.Audit.Scale
}

// exportDropDown adds a list validation to sqref. The choices go inline
// when the list fits Excel's 255-character limit and no choice contains a
// comma; otherwise they are written to column listCol of the hidden list
// sheet and the validation points at that range.
func (b *exportBook) exportDropDown(sheet, sqref string, choices []string, listCol int, title string) error {
	dv := excelize.NewDataValidation(true)
	dv.Sqref = sqref
	inline := strings.Join(choices, ",")
	if len(utf16.Encode([]rune(inline))) <= 255 && !exportAnyContains(choices, ",") {
		if err := dv.SetDropList(choices); err != nil {
			return err
		}
	} else {
		ref, err := b.exportListRange(choices, listCol)
		if err != nil {
			return err
		}
		dv.SetSqrefDropList(ref)
	}
	dv.SetError(excelize.DataValidationErrorStyleWarning, title, title+"は一覧から選んでください。")
	return b.f.AddDataValidation(sheet, dv)
}

func exportAnyContains(ss []string, sub string) bool {
	for _, s := range ss {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// exportListRange writes choices down column col of the hidden list sheet
// and returns the absolute reference to them.
func (b *exportBook) exportListRange(choices []string, col int) (string, error) {
	f := b.f
	if idx, _ := f.GetSheetIndex(exportListSheet); idx < 0 {
		if _, err := f.NewSheet(exportListSheet); err != nil {
			return "", err
		}
		if err := f.SetSheetVisible(exportListSheet, false); err != nil {
			return "", err
		}
	}
	for i, c := range choices {
		cell, _ := excelize.CoordinatesToCellName(col, i+1)
		if err := f.SetCellStr(exportListSheet, cell, c); err != nil {
			return "", err
		}
	}
	name, _ := excelize.ColumnNumberToName(col)
	return fmt.Sprintf("%s!$%s$1:$%s$%d", exportQuoteSheet(exportListSheet), name, name, max(len(choices), 1)), nil
}

// exportColRange is the A1 range of column col from row first to last.
func exportColRange(col, first, last int) string {
	a, _ := excelize.CoordinatesToCellName(col, first)
	z, _ := excelize.CoordinatesToCellName(col, max(last, first))
	return a + ":" + z
}
