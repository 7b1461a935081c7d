package xlsx

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/xuri/excelize/v2"
)

// WriteResultList writes the audit's result list 監査結果一覧 (deliverables 3,
// 7, 11 and 25) to w as an .xlsx workbook with three sheets:
//
//   - 監査結果一覧: per item its number, section, item, criterion, rating,
//     what was done, the evidence seen (the auditor's words, then the titles
//     of the linked evidence files with their short ids, one per line, after
//     ExportEvidenceMarker), finding class and proposal; hidden KansaID and
//     KansaVersion columns as on the checksheet;
//   - 証跡一覧: every evidence file of the audit with its short id, file name,
//     caption, SHA-256, capture time (Japan time), who captured it and the
//     numbers of the items it belongs to;
//   - 集計: counts by section and rating, and by finding class, with a native
//     stacked-bar chart over the section table.
//
// Each sheet prints on A4 landscape, one page wide, with its header
// repeated. progress and ctx behave as for WriteChecksheet.
func WriteResultList(ctx context.Context, w io.Writer, a ExportAudit, progress func(done, total int)) error {
	if err := writeResultList(ctx, w, a, progress); err != nil {
		return fmt.Errorf("export result list: %w", err)
	}
	return nil
}

// writeResultColumns are the columns of the 監査結果一覧 sheet.
var writeResultColumns = []exportCol{
	{header: "No.", width: 6, center: true},
	{header: "区分", width: 10},
	{header: "監査項目", width: 24},
	{header: "適用基準", width: 16},
	{header: ExportHeaderRating, width: 9, center: true},
	{header: ExportHeaderObservation, width: 34},
	{header: ExportHeaderEvidenceSeen, width: 28},
	{header: ExportHeaderFinding, width: 10, center: true},
	{header: ExportHeaderProposal, width: 30},
	{header: ExportIDHeader, width: 18, hidden: true},
	{header: ExportVersionHeader, width: 18, hidden: true},
}

// writeEvidenceColumns are the columns of the 証跡一覧 sheet.
var writeEvidenceColumns = []exportCol{
	{header: "証跡ID", width: 11, center: true},
	{header: "ファイル名", width: 26},
	{header: "説明", width: 30},
	{header: "SHA-256", width: 58, hash: true},
	{header: "取得日時", width: 16, date: true},
	{header: "取得者", width: 12},
	{header: "関連項目", width: 14},
	{header: ExportIDHeader, width: 18, hidden: true},
}

func writeResultList(ctx context.Context, w io.Writer, a ExportAudit, progress func(done, total int)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	title := exportTitle(a, "監査結果一覧")
	b, err := exportNewBook(ctx, a, title, len(a.Items)+len(a.Evidence)+1, progress)
	if err != nil {
		return err
	}
	defer b.f.Close()
	b.report()

	// Create the sheets in their final order first: print titles refer to
	// sheets by position.
	for _, s := range []string{ExportResultSheet, ExportEvidenceSheet, ExportSummarySheet} {
		if err := b.newSheet(s); err != nil {
			return err
		}
	}
	short := exportShortIDs(a)
	if err := b.writeResultSheet(a, title, short); err != nil {
		return err
	}
	if err := b.writeEvidenceSheet(a, short); err != nil {
		return err
	}
	if err := b.writeSummarySheet(a); err != nil {
		return err
	}
	return b.finish(w)
}

// writeResultSheet streams the 監査結果一覧 sheet.
func (b *exportBook) writeResultSheet(a ExportAudit, title string, short map[string]string) error {
	const sheet = ExportResultSheet
	cols := writeResultColumns
	if err := b.setupSheet(sheet, cols, exportHeaderRow, exportHeaderRow+len(a.Items), title); err != nil {
		return err
	}
	scale := exportScale(a)
	last := exportFirstRow + len(a.Items) - 1
	labels := make([]string, len(scale.Ratings))
	for i, r := range scale.Ratings {
		labels[i] = r.Label
	}
	if err := b.exportDropDown(sheet, exportColRange(5, exportFirstRow, last), labels, 1, ExportHeaderRating); err != nil {
		return err
	}
	classes := make([]string, len(audit.FindingClasses))
	for i, c := range audit.FindingClasses {
		classes[i] = c.Label()
	}
	if err := b.exportDropDown(sheet, exportColRange(8, exportFirstRow, last), classes, 2, ExportHeaderFinding); err != nil {
		return err
	}

	sw, err := b.f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	if err := b.writeTitleRows(sw, exportTitleLines(a, title)); err != nil {
		return err
	}
	if err := b.writeHeader(sw, exportHeaderRow, cols); err != nil {
		return err
	}
	var seen strings.Builder
	for i, it := range a.Items {
		r := it.Result
		seen.Reset()
		seen.WriteString(exportText(r.EvidenceSeen))
		if len(it.Evidence) > 0 {
			if seen.Len() > 0 {
				seen.WriteByte('\n')
			}
			seen.WriteString(ExportEvidenceMarker)
			for _, e := range it.Evidence {
				seen.WriteString("\n・")
				seen.WriteString(short[e.ID])
				seen.WriteString(" ")
				seen.WriteString(exportText(writeEvidenceTitle(e)))
			}
		}
		vals := []any{
			exportNo(it.No),
			exportText(it.Section),
			exportText(it.Title),
			exportText(it.Criteria),
			exportRatingLabel(scale, r.Rating),
			exportText(r.Observation),
			seen.String(),
			exportFindingLabel(r.Finding),
			exportText(r.Proposal),
			it.ID,
			it.Version,
		}
		if err := b.writeTableRow(sw, exportFirstRow+i, cols, vals); err != nil {
			return err
		}
		if err := b.tick(); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// writeEvidenceTitle is how an evidence file is named in lists: its
// caption, or its file name when it has none.
func writeEvidenceTitle(e audit.Evidence) string {
	if c := strings.TrimSpace(e.Caption); c != "" {
		return strings.Join(strings.Fields(c), " ")
	}
	return e.FileName
}

// writeEvidenceSheet streams the 証跡一覧 sheet.
func (b *exportBook) writeEvidenceSheet(a ExportAudit, short map[string]string) error {
	const sheet = ExportEvidenceSheet
	cols := writeEvidenceColumns
	title := exportTitle(a, "証跡一覧")
	if err := b.setupSheet(sheet, cols, exportHeaderRow, exportHeaderRow+len(a.Evidence), title); err != nil {
		return err
	}

	// The items each file belongs to, in checksheet order, whichever side
	// recorded the link.
	pos := make(map[string]int, len(a.Items))
	for i, it := range a.Items {
		pos[it.ID] = i
	}
	linked := make(map[string][]int, len(a.Evidence))
	have := make(map[[2]int]bool)
	add := func(ev string, evIdx, item int) {
		if k := [2]int{evIdx, item}; !have[k] {
			have[k] = true
			linked[ev] = append(linked[ev], item)
		}
	}
	evIdx := make(map[string]int, len(a.Evidence))
	for i, e := range a.Evidence {
		evIdx[e.ID] = i
		for _, id := range e.Items {
			if p, ok := pos[id]; ok {
				add(e.ID, i, p)
			}
		}
	}
	for p, it := range a.Items {
		for _, e := range it.Evidence {
			if i, ok := evIdx[e.ID]; ok {
				add(e.ID, i, p)
			}
		}
	}

	sw, err := b.f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	if err := b.writeTitleRows(sw, exportTitleLines(a, title)); err != nil {
		return err
	}
	if err := b.writeHeader(sw, exportHeaderRow, cols); err != nil {
		return err
	}
	row := make([]any, len(cols))
	var nos strings.Builder
	for i, e := range a.Evidence {
		items := linked[e.ID]
		exportSortInts(items)
		nos.Reset()
		for k, p := range items {
			if k > 0 {
				nos.WriteString("、")
			}
			nos.WriteString(exportText(a.Items[p].No))
		}
		var at any = ""
		if !e.CapturedAt.IsZero() {
			at = exportWallClock(e.CapturedAt)
		}
		row[0] = short[e.ID]
		row[1] = exportText(e.FileName)
		row[2] = exportText(e.Caption)
		row[3] = e.SHA256
		row[4] = at
		row[5] = exportText(e.CapturedBy)
		row[6] = nos.String()
		row[7] = e.ID
		if err := b.writeTableRow(sw, exportFirstRow+i, cols, row); err != nil {
			return err
		}
		if err := b.tick(); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// exportWallClock is t in Japan time as a zone-less value: excelize turns
// a time.Time into a serial date from its UTC instant, so the Japanese wall
// clock is passed as if it were UTC.
func exportWallClock(t time.Time) time.Time {
	j := t.In(exportJST)
	return time.Date(j.Year(), j.Month(), j.Day(), j.Hour(), j.Minute(), j.Second(), 0, time.UTC)
}

// exportSortInts sorts a short slice in place (insertion sort: the lists
// are a handful of items long).
func exportSortInts(s []int) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// exportShortIDs gives every evidence file of the audit a short id: the
// shortest prefix of its id, at least 8 characters, that no other file
// shares.
func exportShortIDs(a ExportAudit) map[string]string {
	var ids []string
	seen := map[string]bool{}
	addID := func(id string) {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for _, e := range a.Evidence {
		addID(e.ID)
	}
	for _, it := range a.Items {
		for _, e := range it.Evidence {
			addID(e.ID)
		}
	}
	out := make(map[string]string, len(ids))
	for n := 8; len(ids) > 0; n++ {
		count := make(map[string]int, len(ids))
		prefix := func(id string) string { return string([]rune(id)[:min(n, len([]rune(id)))]) }
		for _, id := range ids {
			count[prefix(id)]++
		}
		var clash []string
		for _, id := range ids {
			p := prefix(id)
			if count[p] == 1 || p == id {
				out[id] = p
			} else {
				clash = append(clash, id)
			}
		}
		ids = clash
	}
	return out
}

// resultTally counts items by section and rating, and by finding class.
type resultTally struct {
	labels   []string         // rating columns: the scale's labels, then 未評価 and その他 when used
	sections []string         // in checksheet order
	counts   map[string][]int // section -> count per rating column
	findings []int            // per audit.FindingClasses, then none
}

const (
	resultChartMaxPx = 620   // the chart's greatest height, in pixels: one page
	resultPagePoints = 500.0 // printable height of an A4 landscape page
)

const (
	resultUnrated     = "未評価"
	resultOther       = "その他"
	resultNoSection   = "（区分なし）"
	resultNoFinding   = "なし"
	resultTotalHeader = "合計"
)

func resultCount(a ExportAudit) resultTally {
	scale := exportScale(a)
	t := resultTally{counts: map[string][]int{}, findings: make([]int, len(audit.FindingClasses)+1)}
	col := map[string]int{}
	for _, r := range scale.Ratings {
		col[r.Code] = len(t.labels)
		t.labels = append(t.labels, r.Label)
	}
	unrated, other := false, false
	for _, it := range a.Items {
		switch r := it.Result.Rating; {
		case r == "":
			unrated = true
		default:
			if _, ok := scale.Lookup(r); !ok {
				other = true
			}
		}
	}
	unratedCol, otherCol := -1, -1
	if unrated {
		unratedCol = len(t.labels)
		t.labels = append(t.labels, resultUnrated)
	}
	if other {
		otherCol = len(t.labels)
		t.labels = append(t.labels, resultOther)
	}
	for _, it := range a.Items {
		sec := strings.TrimSpace(it.Section)
		if sec == "" {
			sec = resultNoSection
		}
		row, ok := t.counts[sec]
		if !ok {
			row = make([]int, len(t.labels))
			t.counts[sec] = row
			t.sections = append(t.sections, sec)
		}
		c := otherCol
		if it.Result.Rating == "" {
			c = unratedCol
		} else if r, ok := scale.Lookup(it.Result.Rating); ok {
			c = col[r.Code]
		}
		row[c]++
		f := len(audit.FindingClasses)
		for i, fc := range audit.FindingClasses {
			if it.Result.Finding == fc {
				f = i
			}
		}
		t.findings[f]++
	}
	return t
}

// resultSeriesColor gives the default ratings their customary colours in
// the chart; other ratings use the theme's.
func resultSeriesColor(label string) string {
	switch label {
	case "適合":
		return "70AD47"
	case "一部適合":
		return "FFC000"
	case "不適合":
		return "C00000"
	case "該当なし":
		return "A5A5A5"
	case "未確認":
		return "D9D9D9"
	case resultUnrated:
		return "9DC3E6"
	}
	return ""
}

// writeSummarySheet writes the 集計 sheet with the regular API (it is small)
// and its chart.
func (b *exportBook) writeSummarySheet(a ExportAudit) error {
	const sheet = ExportSummarySheet
	f := b.f
	t := resultCount(a)
	title := exportTitle(a, "監査結果集計")

	cols := []exportCol{{header: "区分", width: 28}}
	for _, l := range t.labels {
		cols = append(cols, exportCol{header: l, width: 10})
	}
	cols = append(cols, exportCol{header: resultTotalHeader, width: 10})
	if err := b.setupSheet(sheet, cols, exportHeaderRow, 0, title); err != nil {
		return err
	}
	set := func(col, row int, v any, style int) error {
		cell, _ := excelize.CoordinatesToCellName(col, row)
		if err := f.SetCellValue(sheet, cell, v); err != nil {
			return err
		}
		return f.SetCellStyle(sheet, cell, cell, style)
	}
	for i, s := range exportTitleLines(a, title) {
		style := b.st.subtitle
		if i == 0 {
			style = b.st.title
			if err := f.SetRowHeight(sheet, 1, 24); err != nil {
				return err
			}
		}
		if err := set(1, i+1, s, style); err != nil {
			return err
		}
	}
	for i, c := range cols {
		if err := set(i+1, exportHeaderRow, c.header, b.st.header); err != nil {
			return err
		}
	}
	totals := make([]int, len(t.labels)+1)
	row := exportFirstRow
	for _, sec := range t.sections {
		if err := set(1, row, exportText(sec), b.st.text); err != nil {
			return err
		}
		sum := 0
		for j, n := range t.counts[sec] {
			if err := set(j+2, row, n, b.st.count); err != nil {
				return err
			}
			sum += n
			totals[j] += n
		}
		totals[len(t.labels)] += sum
		if err := set(len(t.labels)+2, row, sum, b.st.totalNo); err != nil {
			return err
		}
		row++
	}
	if err := set(1, row, resultTotalHeader, b.st.totalLabel); err != nil {
		return err
	}
	for j, n := range totals {
		if err := set(j+2, row, n, b.st.totalNo); err != nil {
			return err
		}
	}
	lastSection := row - 1

	// Counts by finding class.
	row += 2
	if err := set(1, row, ExportHeaderFinding, b.st.header); err != nil {
		return err
	}
	if err := set(2, row, "件数", b.st.header); err != nil {
		return err
	}
	sum := 0
	for i, n := range t.findings {
		row++
		label := resultNoFinding
		if i < len(audit.FindingClasses) {
			label = audit.FindingClasses[i].Label()
		}
		if err := set(1, row, label, b.st.text); err != nil {
			return err
		}
		if err := set(2, row, n, b.st.count); err != nil {
			return err
		}
		sum += n
	}
	row++
	if err := set(1, row, resultTotalHeader, b.st.totalLabel); err != nil {
		return err
	}
	if err := set(2, row, sum, b.st.totalNo); err != nil {
		return err
	}
	if len(t.sections) == 0 {
		return nil
	}
	return b.writeSummaryChart(t, lastSection, row+2)
}

// writeSummaryChart adds a stacked bar per section, one series per rating,
// reading the section table (rows exportFirstRow to lastSection) so that
// the chart follows edits made in Excel. It is at most one page tall; if
// it does not fit below the tables it starts a page.
func (b *exportBook) writeSummaryChart(t resultTally, lastSection, chartRow int) error {
	const sheet = ExportSummarySheet
	f := b.f
	heightPx := min(resultChartMaxPx, 120+26*len(t.sections))
	above := 24 + float64(chartRow-2)*15 // row 1 is 24 points, the others the default 15
	if above+float64(heightPx)*0.75 > resultPagePoints {
		if err := f.InsertPageBreak(sheet, fmt.Sprintf("A%d", chartRow)); err != nil {
			return err
		}
	}
	if above <= resultPagePoints {
		// The tables fit on the first page: a header repeated on the chart's
		// page would only stand there alone.
		if err := f.DeleteDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: sheet}); err != nil {
			return err
		}
	}
	axisFont := excelize.Font{Family: exportFont, Size: 9, Color: "404040"}
	q := exportQuoteSheet(sheet)
	chart := &excelize.Chart{
		Type:      excelize.BarStacked,
		Dimension: excelize.ChartDimension{Width: 760, Height: uint(heightPx)},
		Title: excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{
			Text: "区分別・評価別の件数", Font: &excelize.Font{Family: exportFont, Size: 12, Bold: true, Color: "262626"},
		}}},
		Legend:   excelize.ChartLegend{Position: "bottom", Font: &axisFont},
		XAxis:    excelize.ChartAxis{ReverseOrder: true, Font: axisFont},
		YAxis:    excelize.ChartAxis{MajorGridLines: true, Font: axisFont},
		PlotArea: excelize.ChartPlotArea{ShowVal: false},
		Format:   excelize.GraphicOptions{AltText: "区分別・評価別の件数", OffsetX: 4, OffsetY: 4},
	}
	for j, l := range t.labels {
		colName, _ := excelize.ColumnNumberToName(j + 2)
		s := excelize.ChartSeries{
			Name:       fmt.Sprintf("%s!$%s$%d", q, colName, exportHeaderRow),
			Categories: fmt.Sprintf("%s!$A$%d:$A$%d", q, exportFirstRow, lastSection),
			Values:     fmt.Sprintf("%s!$%s$%d:$%s$%d", q, colName, exportFirstRow, colName, lastSection),
		}
		if c := resultSeriesColor(l); c != "" {
			s.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{c}}
		}
		chart.Series = append(chart.Series, s)
	}
	gap, overlap, vary := uint(60), 100, false
	chart.GapWidth, chart.Overlap, chart.VaryColors = &gap, &overlap, &vary
	return f.AddChart(sheet, fmt.Sprintf("A%d", chartRow), chart)
}
