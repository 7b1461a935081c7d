package xlsx

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/xuri/excelize/v2"
)

var exportTestSections = []string{
	"組織体制", "情報資産の分類と管理", "物理的セキュリティ", "人的セキュリティ",
	"技術的セキュリティ", "運用", "業務委託と外部サービスの利用",
}

// exportTestAudit builds an audit of kind k with n items; every item links
// evPerItem evidence files of its own.
func exportTestAudit(k audit.Kind, n, evPerItem int) ExportAudit {
	a := ExportAudit{
		Audit: audit.Audit{
			ID: "a1", Kind: k, Title: k.Label(), Scale: audit.DefaultScale(),
		},
		EngagementTitle: "情報セキュリティ監査業務委託",
		Client:          "世田谷区",
		FiscalYear:      2026,
		Now:             time.Date(2026, 9, 10, 1, 15, 0, 0, time.UTC),
	}
	codes := append(a.Audit.Scale.Codes(), "")
	findings := []audit.FindingClass{audit.FindingNone, audit.FindingMajor, audit.FindingAdvice, audit.FindingNone, audit.FindingNotable, audit.FindingGood}
	for i := range n {
		it := ExportItem{
			Item: audit.Item{
				ID:             fmt.Sprintf("item%012d", i),
				AuditID:        "a1",
				No:             strconv.Itoa(i + 1),
				Section:        exportTestSections[(i/10)%len(exportTestSections)],
				Title:          fmt.Sprintf("項目%dについて、情報セキュリティポリシーに基づく手順が定められ、運用されているか。", i+1),
				Criteria:       fmt.Sprintf("情報セキュリティ対策基準 第%d条", i%40+1),
				Points:         "1. 手順書が整備されているか\n2. 手順書が最新か\n3. 担当者が手順を理解しているか",
				Examples:       "手順書\n運用記録",
				HearingPurpose: "運用の実態を把握する",
				GuidelineRef:   fmt.Sprintf("%d.%d", i%13+1, i%5+1),
				Notes:          "",
			},
			Result: audit.Result{
				Rating:       codes[i%len(codes)],
				Observation:  fmt.Sprintf("担当者にヒアリングし、手順書（第%d版）を閲覧した。\n運用記録と照合した。", i%3+1),
				EvidenceSeen: "手順書\n運用記録（令和8年4月～6月）",
				Finding:      findings[i%len(findings)],
			},
			Version: fmt.Sprintf("v%d-%d", i, i*7),
		}
		if it.Result.Finding != audit.FindingNone {
			it.Result.Proposal = "手順書の改訂履歴を記録し、年1回見直すことが望ましい。"
		}
		for j := range evPerItem {
			id := fmt.Sprintf("%08x%08x", i*evPerItem+j, 0xabc)
			sum := sha256.Sum256([]byte(id))
			e := audit.Evidence{
				ID: id, AuditID: "a1", Kind: audit.EvidencePhoto,
				FileName:   fmt.Sprintf("IMG_%04d.jpg", i*evPerItem+j),
				Size:       1234,
				SHA256:     hex.EncodeToString(sum[:]),
				CapturedAt: time.Date(2026, 9, 10, 1, 15, 0, 0, time.UTC).Add(time.Duration(i*evPerItem+j) * time.Minute),
				CapturedBy: "監査 太郎",
				Items:      []string{it.ID},
			}
			if j%2 == 0 {
				e.Caption = fmt.Sprintf("サーバ室の入退室記録 %d", j+1)
			}
			it.Evidence = append(it.Evidence, e)
			a.Evidence = append(a.Evidence, e)
		}
		a.Items = append(a.Items, it)
	}
	return a
}

type exportWriter func(context.Context, io.Writer, ExportAudit, func(int, int)) error

// exportTestWrite exports to a real file and re-opens it.
func exportTestWrite(t testing.TB, write exportWriter, a ExportAudit) (string, *excelize.File) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "out.xlsx")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := write(context.Background(), out, a, nil); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Items) >= 100 && st.Size() < 20_000 {
		t.Fatalf("export of %d items is only %d bytes", len(a.Items), st.Size())
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("re-open export: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return path, f
}

// exportTestZipPart returns a part of the .xlsx zip, or "" if absent.
func exportTestZipPart(t testing.TB, path, name string) string {
	t.Helper()
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	for _, f := range z.File {
		if f.Name == name {
			r, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			b, err := io.ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
	}
	return ""
}

// exportTestNoProtection checks that no part of the workbook carries a
// password or a lock (deliverables must stay editable).
func exportTestNoProtection(t *testing.T, path string) {
	t.Helper()
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	for _, f := range z.File {
		if !strings.HasSuffix(f.Name, ".xml") {
			continue
		}
		r, _ := f.Open()
		b, _ := io.ReadAll(r)
		r.Close()
		for _, bad := range []string{"sheetProtection", "workbookProtection", "fileSharing", "EncryptionInfo"} {
			if bytes.Contains(b, []byte(bad)) {
				t.Errorf("%s contains %s", f.Name, bad)
			}
		}
	}
}

// exportTestPrint checks the print settings of a table sheet.
// titles says whether the header must repeat on every page (a summary
// that fits one page has no print titles).
func exportTestPrint(t *testing.T, f *excelize.File, sheet string, headerRow int, titles bool) {
	t.Helper()
	pl, err := f.GetPageLayout(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if pl.Size == nil || *pl.Size != 9 || pl.Orientation == nil || *pl.Orientation != "landscape" {
		t.Errorf("%s: page layout size %v orientation %v; want A4 (9) landscape", sheet, exportTestDeref(pl.Size), exportTestDeref(pl.Orientation))
	}
	if pl.FitToWidth == nil || *pl.FitToWidth != 1 || pl.FitToHeight == nil || *pl.FitToHeight != 0 {
		t.Errorf("%s: fit to %v wide x %v tall; want 1 x 0", sheet, exportTestDeref(pl.FitToWidth), exportTestDeref(pl.FitToHeight))
	}
	props, err := f.GetSheetProps(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if props.FitToPage == nil || !*props.FitToPage {
		t.Errorf("%s: fitToPage not set", sheet)
	}
	want := fmt.Sprintf("'%s'!$%d:$%d", sheet, headerRow, headerRow)
	idx, _ := f.GetSheetIndex(sheet)
	found := false
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm.Print_Titles" && dn.Scope == sheet {
			found = true
			if dn.RefersTo != want {
				t.Errorf("%s: print titles %q; want %q", sheet, dn.RefersTo, want)
			}
		}
	}
	if found != titles {
		t.Errorf("%s (index %d): print titles defined %v; want %v; names %+v", sheet, idx, found, titles, f.GetDefinedName())
	}
	panes, err := f.GetPanes(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != headerRow || panes.XSplit != 0 {
		t.Errorf("%s: panes %+v; want frozen below row %d", sheet, panes, headerRow)
	}
	hf, err := f.GetHeaderFooter(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if hf == nil || !strings.Contains(hf.OddFooter, "&P") || !strings.Contains(hf.OddFooter, "&N") {
		t.Errorf("%s: footer %+v; want page numbers &P / &N", sheet, hf)
	}
}

func exportTestDeref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// exportTestColumn finds a header in the header row; 1-based.
func exportTestColumn(t *testing.T, header []string, name string) int {
	t.Helper()
	i := slices.Index(header, name)
	if i < 0 {
		t.Fatalf("header %q has no %q", header, name)
	}
	return i + 1
}

func exportTestRows(t *testing.T, f *excelize.File, sheet string) [][]string {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func exportTestCell(rows [][]string, row, col int) string {
	if row-1 >= len(rows) || col-1 >= len(rows[row-1]) {
		return ""
	}
	return rows[row-1][col-1]
}

func TestExportChecksheetLayouts(t *testing.T) {
	for _, k := range audit.Kinds {
		t.Run(string(k), func(t *testing.T) {
			a := exportTestAudit(k, 200, 1)
			path, f := exportTestWrite(t, WriteChecksheet, a)
			if got := f.GetSheetList(); !slices.Equal(got, []string{ExportChecksheetSheet}) {
				t.Fatalf("sheets %q; want only %q", got, ExportChecksheetSheet)
			}
			const sheet = ExportChecksheetSheet
			rows := exportTestRows(t, f, sheet)
			if got, want := exportTestCell(rows, 1, 1), "令和8年度 "+k.Label()+" チェックシート"; got != want {
				t.Errorf("title %q; want %q", got, want)
			}
			if got := exportTestCell(rows, 2, 1); !strings.Contains(got, "世田谷区") {
				t.Errorf("client row %q lacks the client", got)
			}

			var want []string
			for _, c := range k.Columns() {
				want = append(want, ExportColumnHeader(k, c))
			}
			want = append(want, "評価", "監査実施内容", "監査証拠", "指摘区分", "改善提案", ExportIDHeader, ExportVersionHeader)
			header := rows[exportHeaderRow-1]
			if !slices.Equal(header, want) {
				t.Fatalf("header %q; want %q", header, want)
			}
			switch k {
			case audit.KindInternal:
				for _, h := range []string{"ヒアリング目的", "監査内容／確認ポイント", "適用基準"} {
					exportTestColumn(t, header, h)
				}
			case audit.KindCommonPlatform:
				exportTestColumn(t, header, "例文番号")
			default:
				for _, h := range []string{"適用基準", "確認の要点", "監査証拠の例示", "備考"} {
					exportTestColumn(t, header, h)
				}
			}

			// Hidden columns are hidden, the others visible and sensibly wide.
			for i, h := range header {
				name, _ := excelize.ColumnNumberToName(i + 1)
				vis, err := f.GetColVisible(sheet, name)
				if err != nil {
					t.Fatal(err)
				}
				hidden := h == ExportIDHeader || h == ExportVersionHeader
				if vis == hidden {
					t.Errorf("column %s (%s) visible=%v", name, h, vis)
				}
				w, _ := f.GetColWidth(sheet, name)
				if w < 5 || w > 40 {
					t.Errorf("column %s (%s) width %v", name, h, w)
				}
			}
			noW, _ := f.GetColWidth(sheet, "A")
			titleW, _ := f.GetColWidth(sheet, "C")
			if noW >= titleW {
				t.Errorf("No. column %v not narrower than 監査項目 %v", noW, titleW)
			}

			// Rows: ids, versions, ratings as labels, multi-line cells.
			if got := len(rows) - exportHeaderRow; got != 200 {
				t.Fatalf("%d item rows; want 200", got)
			}
			idCol := exportTestColumn(t, header, ExportIDHeader)
			verCol := exportTestColumn(t, header, ExportVersionHeader)
			ratingCol := exportTestColumn(t, header, "評価")
			obsCol := exportTestColumn(t, header, "監査実施内容")
			findCol := exportTestColumn(t, header, "指摘区分")
			const pointsCol = 5 // 確認の要点 or 監査内容／確認ポイント in every layout
			for i, it := range a.Items {
				r := exportFirstRow + i
				if got := exportTestCell(rows, r, 1); got != it.No {
					t.Fatalf("row %d No. %q; want %q", r, got, it.No)
				}
				if got := exportTestCell(rows, r, idCol); got != it.ID {
					t.Fatalf("row %d id %q; want %q", r, got, it.ID)
				}
				if got := exportTestCell(rows, r, verCol); got != it.Version {
					t.Fatalf("row %d version %q; want %q", r, got, it.Version)
				}
				wantRating := ""
				if rt, ok := a.Audit.Scale.Lookup(it.Result.Rating); ok && it.Result.Rating != "" {
					wantRating = rt.Label
				}
				if got := exportTestCell(rows, r, ratingCol); got != wantRating {
					t.Fatalf("row %d rating %q; want %q", r, got, wantRating)
				}
				if got := exportTestCell(rows, r, obsCol); got != it.Result.Observation {
					t.Fatalf("row %d observation %q; want %q", r, got, it.Result.Observation)
				}
				if got := exportTestCell(rows, r, findCol); got != it.Result.Finding.Label() {
					t.Fatalf("row %d finding %q; want %q", r, got, it.Result.Finding.Label())
				}
				if got := exportTestCell(rows, r, pointsCol); got != it.Points {
					t.Fatalf("row %d points %q; want the multi-line %q", r, got, it.Points)
				}
			}

			// Drop-downs: the scale's labels on the rating column, the classes
			// on the finding column, inline (short lists).
			dvs, err := f.GetDataValidations(sheet)
			if err != nil {
				t.Fatal(err)
			}
			last := exportFirstRow + 199
			exportTestDropDown(t, dvs, exportColRange(ratingCol, exportFirstRow, last), []string{"適合", "一部適合", "不適合", "該当なし", "未確認"})
			exportTestDropDown(t, dvs, exportColRange(findCol, exportFirstRow, last), []string{"指摘事項", "改善提案", "特記事項", "良好事例"})

			exportTestPrint(t, f, sheet, exportHeaderRow, true)
			exportTestNoProtection(t, path)
			exportTestSheetXML(t, path, "xl/worksheets/sheet1.xml", len(header), exportHeaderRow+200)
		})
	}
}

var (
	exportTestColRE = regexp.MustCompile(`<col min="(\d+)" max="(\d+)"`)
	exportTestRowRE = regexp.MustCompile(`<row r="(\d+)"([^>]*)>`)
	exportTestHtRE  = regexp.MustCompile(` ht="([\d.]+)"`)
)

// exportTestSheetXML checks what excelize's reader does not show: <col>
// elements in ascending order (Excel requires it), the dimension, and row
// heights that are set, plain (not custom, so Excel re-fits edited rows)
// and taller for multi-line rows.
func exportTestSheetXML(t *testing.T, path, part string, ncols, nrows int) {
	t.Helper()
	x := exportTestZipPart(t, path, part)
	last := 0
	for _, m := range exportTestColRE.FindAllStringSubmatch(x, -1) {
		lo, _ := strconv.Atoi(m[1])
		if lo <= last {
			t.Fatalf("%s: <col min=%d> after <col max=%d>: not ascending", part, lo, last)
		}
		last, _ = strconv.Atoi(m[2])
	}
	if last != ncols {
		t.Errorf("%s: <cols> end at column %d; want %d", part, last, ncols)
	}
	if want := fmt.Sprintf(`<dimension ref="A1:%s%d">`, exportTestColName(ncols), nrows); !strings.Contains(x, want) {
		t.Errorf("%s lacks %s", part, want)
	}
	rows := exportTestRowRE.FindAllStringSubmatch(x, -1)
	if len(rows) != nrows {
		t.Fatalf("%s: %d rows; want %d", part, len(rows), nrows)
	}
	for _, r := range rows {
		if strings.Contains(r[2], "customHeight") {
			t.Fatalf("%s: row %s has a custom height: %s", part, r[1], r[0])
		}
		m := exportTestHtRE.FindStringSubmatch(r[2])
		if m == nil {
			t.Fatalf("%s: row %s has no height", part, r[1])
		}
		if ht, _ := strconv.ParseFloat(m[1], 64); ht < 15 || ht > 409 {
			t.Fatalf("%s: row %s height %v", part, r[1], ht)
		}
	}
}

func TestExportRowHeight(t *testing.T) {
	cols := []exportCol{{width: 10}, {width: 24}, {width: 18, hidden: true}}
	one := exportRowHeight(cols, []any{"短い", 12, strings.Repeat("長", 200)}, false)
	three := exportRowHeight(cols, []any{"", "一行目\n二行目\n三行目", nil}, false)
	wrapped := exportRowHeight(cols, []any{strings.Repeat("漢", 30), "", ""}, false)
	huge := exportRowHeight(cols, []any{strings.Repeat("漢字\n", 200), "", ""}, false)
	if one != exportLinePoints+exportRowPadding {
		t.Errorf("one line: %v; want %v (hidden columns and numbers do not count)", one, exportLinePoints+exportRowPadding)
	}
	if three != 3*exportLinePoints+exportRowPadding {
		t.Errorf("three lines: %v", three)
	}
	// 30 full-width characters in a 10-wide column: about 5 per line.
	if wrapped < 5*exportLinePoints || wrapped > 8*exportLinePoints+exportRowPadding {
		t.Errorf("30 wrapped characters: %v points", wrapped)
	}
	if huge != exportMaxRowHt {
		t.Errorf("200 lines: %v; want Excel's maximum %v", huge, exportMaxRowHt)
	}
	// An ASCII word moves to the next line whole; a word longer than a line
	// breaks.
	if n := exportParagraphLines("abc defghij", 8); n != 2 {
		t.Errorf("word wrap: %d lines; want 2", n)
	}
	if n := exportParagraphLines(strings.Repeat("x", 30), 10); n != 3 {
		t.Errorf("long word: %d lines; want 3", n)
	}
}

// exportTestDropDown checks an inline list validation on sqref.
func exportTestDropDown(t *testing.T, dvs []*excelize.DataValidation, sqref string, want []string) {
	t.Helper()
	for _, dv := range dvs {
		if dv.Sqref != sqref {
			continue
		}
		if dv.Type != "list" {
			t.Errorf("%s: validation type %q; want list", sqref, dv.Type)
		}
		if got, wantF := dv.Formula1, `"`+strings.Join(want, ",")+`"`; got != wantF {
			t.Errorf("%s: list %q; want %q", sqref, got, wantF)
		}
		return
	}
	var got []string
	for _, dv := range dvs {
		got = append(got, dv.Sqref+" "+dv.Formula1)
	}
	t.Errorf("no validation on %s; have %q", sqref, got)
}

func TestExportChecksheetLongDropDown(t *testing.T) {
	for _, tc := range []struct {
		name   string
		labels []string
	}{
		{"over 255 characters", func() []string {
			var l []string
			for i := range 12 {
				l = append(l, fmt.Sprintf("評価区分%02d：重大な不適合であり、直ちに改善を要する", i))
			}
			return l
		}()},
		{"label with a comma", []string{"適合", "不適合, 要改善", "該当なし"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := exportTestAudit(audit.KindExternal, 30, 0)
			a.Audit.Scale = audit.Scale{}
			for i, l := range tc.labels {
				a.Audit.Scale.Ratings = append(a.Audit.Scale.Ratings, audit.Rating{Code: fmt.Sprintf("r%d", i), Label: l, Rated: true})
			}
			for i := range a.Items {
				a.Items[i].Result.Rating = fmt.Sprintf("r%d", i%len(tc.labels))
			}
			if tc.name == "over 255 characters" && len([]rune(strings.Join(tc.labels, ","))) <= 255 {
				t.Fatal("test labels do not exceed 255 characters")
			}
			path, f := exportTestWrite(t, WriteChecksheet, a)
			sheets := f.GetSheetList()
			if !slices.Equal(sheets, []string{ExportChecksheetSheet, exportListSheet}) {
				t.Fatalf("sheets %q; want the checksheet and the list sheet", sheets)
			}
			if vis, _ := f.GetSheetVisible(exportListSheet); vis {
				t.Error("list sheet is visible; want hidden")
			}
			if vis, _ := f.GetSheetVisible(ExportChecksheetSheet); !vis {
				t.Error("checksheet is hidden")
			}
			if i := f.GetActiveSheetIndex(); i != 0 {
				t.Errorf("active sheet %d; want the checksheet", i)
			}
			dvs, err := f.GetDataValidations(ExportChecksheetSheet)
			if err != nil {
				t.Fatal(err)
			}
			ratingCol := len(audit.KindExternal.Columns()) + 1
			sqref := exportColRange(ratingCol, exportFirstRow, exportFirstRow+29)
			var dv *excelize.DataValidation
			for _, d := range dvs {
				if d.Sqref == sqref {
					dv = d
				}
			}
			if dv == nil {
				t.Fatalf("no validation on %s", sqref)
			}
			wantRef := fmt.Sprintf("'%s'!$A$1:$A$%d", exportListSheet, len(tc.labels))
			if dv.Type != "list" || dv.Formula1 != wantRef {
				t.Fatalf("rating validation %s %q; want list %q", dv.Type, dv.Formula1, wantRef)
			}
			for i, l := range tc.labels {
				got, _ := f.GetCellValue(exportListSheet, fmt.Sprintf("A%d", i+1))
				if got != l {
					t.Errorf("list A%d = %q; want %q", i+1, got, l)
				}
			}
			// The finding classes are short: they stay inline.
			exportTestDropDown(t, dvs, exportColRange(ratingCol+3, exportFirstRow, exportFirstRow+29), []string{"指摘事項", "改善提案", "特記事項", "良好事例"})
			// The rating cells hold the long labels.
			got, _ := f.GetCellValue(ExportChecksheetSheet, fmt.Sprintf("%s%d", exportTestColName(ratingCol), exportFirstRow+1))
			if got != tc.labels[1] {
				t.Errorf("rating cell %q; want %q", got, tc.labels[1])
			}
			exportTestNoProtection(t, path)
		})
	}
}

func exportTestColName(n int) string {
	s, err := excelize.ColumnNumberToName(n)
	if err != nil {
		panic(err)
	}
	return s
}

func TestExportResultList(t *testing.T) {
	a := exportTestAudit(audit.KindExternal, 120, 2)
	// An evidence file linked to two items, known only from the item side
	// for the second, and one linked to none.
	shared := a.Evidence[0]
	shared.Items = []string{a.Items[0].ID}
	a.Items[5].Evidence = append(a.Items[5].Evidence, shared)
	loose := a.Evidence[1]
	loose.ID, loose.Items, loose.Caption, loose.FileName = "ffffffff00000001", nil, "", "議事録.pdf"
	a.Evidence = append(a.Evidence, loose)
	a.Items[7].Result.EvidenceSeen = ""

	path, f := exportTestWrite(t, WriteResultList, a)
	if got, want := f.GetSheetList(), []string{ExportResultSheet, ExportEvidenceSheet, ExportSummarySheet}; !slices.Equal(got, want) {
		t.Fatalf("sheets %q; want %q", got, want)
	}
	exportTestNoProtection(t, path)
	if i := f.GetActiveSheetIndex(); i != 0 {
		t.Errorf("active sheet %d; want the first", i)
	}

	// 監査結果一覧
	rows := exportTestRows(t, f, ExportResultSheet)
	header := rows[exportHeaderRow-1]
	wantHeader := []string{"No.", "区分", "監査項目", "適用基準", "評価", "監査実施内容", "監査証拠", "指摘区分", "改善提案", ExportIDHeader, ExportVersionHeader}
	if !slices.Equal(header, wantHeader) {
		t.Fatalf("header %q; want %q", header, wantHeader)
	}
	if got := exportTestCell(rows, 1, 1); got != "令和8年度 外部監査 監査結果一覧" {
		t.Errorf("title %q", got)
	}
	short := exportShortIDs(a)
	for i, it := range a.Items {
		r := exportFirstRow + i
		if got := exportTestCell(rows, r, 10); got != it.ID {
			t.Fatalf("row %d id %q; want %q", r, got, it.ID)
		}
		if got := exportTestCell(rows, r, 6); got != it.Result.Observation {
			t.Fatalf("row %d observation %q; want multi-line %q", r, got, it.Result.Observation)
		}
		seen := exportTestCell(rows, r, 7)
		if got := ExportStripEvidenceList(seen); got != it.Result.EvidenceSeen {
			t.Fatalf("row %d evidence seen %q strips to %q; want %q", r, seen, got, it.Result.EvidenceSeen)
		}
		for _, e := range it.Evidence {
			line := "・" + short[e.ID] + " " + writeEvidenceTitle(e)
			if !strings.Contains(seen, "\n"+line) {
				t.Fatalf("row %d evidence cell %q lacks line %q", r, seen, line)
			}
		}
	}
	if got := exportTestCell(rows, exportFirstRow+7, 7); !strings.HasPrefix(got, ExportEvidenceMarker+"\n・") {
		t.Errorf("evidence cell without seen text %q; want it to start with the marker", got)
	}
	exportTestPrint(t, f, ExportResultSheet, exportHeaderRow, true)

	// 証跡一覧
	ev := exportTestRows(t, f, ExportEvidenceSheet)
	wantEv := []string{"証跡ID", "ファイル名", "説明", "SHA-256", "取得日時", "取得者", "関連項目", ExportIDHeader}
	if got := ev[exportHeaderRow-1]; !slices.Equal(got, wantEv) {
		t.Fatalf("evidence header %q; want %q", got, wantEv)
	}
	if got := len(ev) - exportHeaderRow; got != len(a.Evidence) {
		t.Fatalf("%d evidence rows; want %d", got, len(a.Evidence))
	}
	for i, e := range a.Evidence {
		r := exportFirstRow + i
		if got := exportTestCell(ev, r, 4); got != e.SHA256 || len(got) != 64 {
			t.Fatalf("row %d SHA-256 %q; want %q", r, got, e.SHA256)
		}
		if got := exportTestCell(ev, r, 1); got != short[e.ID] || len(got) < 8 {
			t.Fatalf("row %d short id %q; want %q", r, got, short[e.ID])
		}
		if got := exportTestCell(ev, r, 8); got != e.ID {
			t.Fatalf("row %d id %q; want %q", r, got, e.ID)
		}
	}
	if got := exportTestCell(ev, exportFirstRow, 5); got != "2026/09/10 10:15" {
		t.Errorf("captured at %q; want 2026/09/10 10:15 (Japan time)", got)
	}
	if got := exportTestCell(ev, exportFirstRow, 7); got != "1、6" {
		t.Errorf("shared evidence items %q; want 1、6", got)
	}
	if got := exportTestCell(ev, exportFirstRow+1, 6); got != "監査 太郎" {
		t.Errorf("captured by %q", got)
	}
	if got := exportTestCell(ev, len(ev), 7); got != "" {
		t.Errorf("loose evidence items %q; want none", got)
	}
	if got := exportTestCell(ev, len(ev), 2); got != "議事録.pdf" {
		t.Errorf("loose evidence file %q", got)
	}
	exportTestPrint(t, f, ExportEvidenceSheet, exportHeaderRow, true)
	exportTestSheetXML(t, path, "xl/worksheets/sheet1.xml", len(wantHeader), exportHeaderRow+len(a.Items))
	exportTestSheetXML(t, path, "xl/worksheets/sheet2.xml", len(wantEv), exportHeaderRow+len(a.Evidence))

	// 集計: recount independently.
	sum := exportTestRows(t, f, ExportSummarySheet)
	sh := sum[exportHeaderRow-1]
	wantSH := []string{"区分", "適合", "一部適合", "不適合", "該当なし", "未確認", "未評価", "合計"}
	if !slices.Equal(sh, wantSH) {
		t.Fatalf("summary header %q; want %q", sh, wantSH)
	}
	want := map[string]map[string]int{}
	var order []string
	for _, it := range a.Items {
		if want[it.Section] == nil {
			want[it.Section] = map[string]int{}
			order = append(order, it.Section)
		}
		label := "未評価"
		if r, ok := a.Audit.Scale.Lookup(it.Result.Rating); ok && it.Result.Rating != "" {
			label = r.Label
		}
		want[it.Section][label]++
		want[it.Section]["合計"]++
	}
	for i, sec := range order {
		r := exportFirstRow + i
		if got := exportTestCell(sum, r, 1); got != sec {
			t.Fatalf("summary row %d section %q; want %q", r, got, sec)
		}
		for j, h := range sh[1:] {
			if got, w := exportTestCell(sum, r, j+2), strconv.Itoa(want[sec][h]); got != w {
				t.Errorf("summary %s/%s = %s; want %s", sec, h, got, w)
			}
		}
	}
	totalRow := exportFirstRow + len(order)
	if got := exportTestCell(sum, totalRow, 1); got != "合計" {
		t.Fatalf("total row label %q", got)
	}
	for j, h := range sh[1:] {
		n := 0
		for _, sec := range order {
			n += want[sec][h]
		}
		if got := exportTestCell(sum, totalRow, j+2); got != strconv.Itoa(n) {
			t.Errorf("total %s = %s; want %d", h, got, n)
		}
	}
	if got := exportTestCell(sum, totalRow, len(sh)); got != "120" {
		t.Errorf("grand total %s; want 120", got)
	}
	// By finding class.
	fr := totalRow + 2
	if exportTestCell(sum, fr, 1) != "指摘区分" {
		t.Fatalf("finding table header at row %d is %q", fr, exportTestCell(sum, fr, 1))
	}
	wantF := map[string]int{}
	for _, it := range a.Items {
		l := it.Result.Finding.Label()
		if l == "" {
			l = "なし"
		}
		wantF[l]++
	}
	for i, l := range []string{"指摘事項", "改善提案", "特記事項", "良好事例", "なし"} {
		if got := exportTestCell(sum, fr+1+i, 1); got != l {
			t.Errorf("finding row %q; want %q", got, l)
		}
		if got := exportTestCell(sum, fr+1+i, 2); got != strconv.Itoa(wantF[l]) {
			t.Errorf("finding %s = %s; want %d", l, got, wantF[l])
		}
	}
	exportTestPrint(t, f, ExportSummarySheet, exportHeaderRow, false)

	// The native chart reads the summary cells.
	chart := html.UnescapeString(exportTestZipPart(t, path, "xl/charts/chart1.xml"))
	if chart == "" {
		t.Fatal("no xl/charts/chart1.xml in the workbook")
	}
	cats := fmt.Sprintf("'集計'!$A$%d:$A$%d", exportFirstRow, totalRow-1)
	vals := fmt.Sprintf("'集計'!$B$%d:$B$%d", exportFirstRow, totalRow-1)
	for _, ref := range []string{cats, vals, "<barChart>", `<barDir val="bar">`, `<grouping val="stacked">`} {
		if !strings.Contains(chart, ref) {
			t.Errorf("chart1.xml lacks %s", ref)
		}
	}
	if n := strings.Count(chart, "<ser>"); n != len(wantSH)-2 {
		t.Errorf("chart has %d series; want %d", n, len(wantSH)-2)
	}
	if d := exportTestZipPart(t, path, "xl/worksheets/_rels/sheet3.xml.rels"); !strings.Contains(d, "drawing") {
		t.Errorf("the summary sheet has no drawing: %q", d)
	}
}

func TestExportSummaryManySections(t *testing.T) {
	a := exportTestAudit(audit.KindExternal, 120, 0)
	for i := range a.Items {
		a.Items[i].Section = fmt.Sprintf("区分%02d", i/3)
	}
	path, f := exportTestWrite(t, WriteResultList, a)
	rows := exportTestRows(t, f, ExportSummarySheet)
	if got := exportTestCell(rows, exportFirstRow+39, 1); got != "区分39" {
		t.Errorf("last section %q; want 区分39", got)
	}
	if got := exportTestCell(rows, exportFirstRow+40, len(rows[exportHeaderRow-1])); got != "120" {
		t.Errorf("grand total %q; want 120", got)
	}
	// The tables fill more than a page: the header repeats, and the chart
	// starts a page of its own.
	exportTestPrint(t, f, ExportSummarySheet, exportHeaderRow, true)
	sheet := exportTestZipPart(t, path, "xl/worksheets/sheet3.xml")
	if !strings.Contains(sheet, "<rowBreaks") {
		t.Error("no page break before the chart")
	}
	chart := html.UnescapeString(exportTestZipPart(t, path, "xl/charts/chart1.xml"))
	if want := fmt.Sprintf("'集計'!$A$%d:$A$%d", exportFirstRow, exportFirstRow+39); !strings.Contains(chart, want) {
		t.Errorf("chart categories are not %s", want)
	}
}

func TestExportCancel(t *testing.T) {
	a := exportTestAudit(audit.KindExternal, 500, 1)
	for name, write := range map[string]exportWriter{"checksheet": WriteChecksheet, "result list": WriteResultList} {
		t.Run(name+" before", func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			var buf bytes.Buffer
			err := write(ctx, &buf, a, nil)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v; want context.Canceled", err)
			}
			if buf.Len() != 0 {
				t.Errorf("%d bytes written after cancellation", buf.Len())
			}
		})
		t.Run(name+" midway", func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var buf bytes.Buffer
			last := 0
			err := write(ctx, &buf, a, func(done, total int) {
				last = done
				if done >= 100 {
					cancel()
				}
			})
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v; want context.Canceled", err)
			}
			if buf.Len() != 0 || last >= 200 {
				t.Errorf("export went on after cancellation: %d bytes, progress %d", buf.Len(), last)
			}
		})
	}
}

func TestExportProgress(t *testing.T) {
	a := exportTestAudit(audit.KindInternal, 300, 2)
	for name, write := range map[string]exportWriter{"checksheet": WriteChecksheet, "result list": WriteResultList} {
		t.Run(name, func(t *testing.T) {
			var calls [][2]int
			if err := write(context.Background(), io.Discard, a, func(done, total int) {
				calls = append(calls, [2]int{done, total})
			}); err != nil {
				t.Fatal(err)
			}
			if len(calls) < 3 {
				t.Fatalf("progress called %d times: %v", len(calls), calls)
			}
			for i, c := range calls {
				if c[1] != calls[0][1] || c[0] > c[1] || (i > 0 && c[0] < calls[i-1][0]) {
					t.Fatalf("progress calls not monotonic within a fixed total: %v", calls)
				}
			}
			if l := calls[len(calls)-1]; l[0] != l[1] {
				t.Errorf("last progress %v; want done == total", l)
			}
		})
	}
}

func TestExportEmptyAndOddText(t *testing.T) {
	a := exportTestAudit(audit.KindCommonPlatform, 0, 0)
	a.Audit.Scale = audit.Scale{} // falls back to the default scale
	a.FiscalYear = 0
	_, f := exportTestWrite(t, WriteChecksheet, a)
	rows := exportTestRows(t, f, ExportChecksheetSheet)
	if len(rows) != exportHeaderRow {
		t.Errorf("%d rows for no items; want the %d title and header rows", len(rows), exportHeaderRow)
	}
	if got := exportTestCell(rows, 1, 1); got != "共通基盤システム監査 チェックシート" {
		t.Errorf("title without year %q", got)
	}
	_, f = exportTestWrite(t, WriteResultList, a)
	if _, err := f.GetRows(ExportSummarySheet); err != nil {
		t.Fatal(err)
	}

	// Control characters, CR LF, text that looks like a formula, an unknown
	// rating code and finding class, item numbers that are not numbers.
	a = exportTestAudit(audit.KindExternal, 4, 1)
	a.Items[0].Title = "制御\x01文字\x1fと\r\n改行\rと\tタブ"
	a.Items[1].Title = "=SUM(A1:A2)"
	a.Items[1].No = "DC-03"
	a.Items[2].No = "007"
	a.Items[2].Result.Rating = "legacy"
	a.Items[3].Result.Finding = "weird"
	a.Items[3].Points = strings.Repeat("長", 40_000) // beyond Excel's 32,767 characters
	a.Items[3].Result.Observation = "a & b < c > d \"e\" 'f'"
	for _, write := range []exportWriter{WriteChecksheet, WriteResultList} {
		_, f := exportTestWrite(t, write, a)
		sheet := f.GetSheetName(0)
		rows := exportTestRows(t, f, sheet)
		if got := exportTestCell(rows, exportFirstRow, 3); got != "制御文字と\n改行\nと\tタブ" {
			t.Errorf("%s: sanitised title %q", sheet, got)
		}
		if got := exportTestCell(rows, exportFirstRow+1, 3); got != "=SUM(A1:A2)" {
			t.Errorf("%s: formula-like title %q; want it kept as text", sheet, got)
		}
		if f, _ := f.GetCellFormula(sheet, fmt.Sprintf("C%d", exportFirstRow+1)); f != "" {
			t.Errorf("%s: formula-like text became formula %q", sheet, f)
		}
		for i, no := range []string{"1", "DC-03", "007"} {
			if got := exportTestCell(rows, exportFirstRow+i, 1); got != no {
				t.Errorf("%s: No. %q; want %q", sheet, got, no)
			}
		}
		header := rows[exportHeaderRow-1]
		if got := exportTestCell(rows, exportFirstRow+2, exportTestColumn(t, header, "評価")); got != "legacy" {
			t.Errorf("%s: unknown rating written as %q; want the code", sheet, got)
		}
		if got := exportTestCell(rows, exportFirstRow+3, exportTestColumn(t, header, "指摘区分")); got != "weird" {
			t.Errorf("%s: unknown finding written as %q; want the class", sheet, got)
		}
		if got := exportTestCell(rows, exportFirstRow+3, exportTestColumn(t, header, "監査実施内容")); got != a.Items[3].Result.Observation {
			t.Errorf("%s: escaped text %q", sheet, got)
		}
	}
}

func TestExportShortIDs(t *testing.T) {
	a := ExportAudit{Evidence: []audit.Evidence{
		{ID: "aaaaaaaa11111111"}, {ID: "aaaaaaaa11122222"}, {ID: "bbbbbbbb00000000"}, {ID: "short"},
	}}
	a.Items = []ExportItem{{Evidence: []audit.Evidence{{ID: "cccccccc00000000"}, {ID: "aaaaaaaa11111111"}}}}
	got := exportShortIDs(a)
	want := map[string]string{
		"aaaaaaaa11111111": "aaaaaaaa1111",
		"aaaaaaaa11122222": "aaaaaaaa1112",
		"bbbbbbbb00000000": "bbbbbbbb",
		"cccccccc00000000": "cccccccc",
		"short":            "short",
	}
	if len(got) != len(want) {
		t.Fatalf("exportShortIDs = %v; want %v", got, want)
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("short id of %s = %q; want %q", id, got[id], w)
		}
	}
}

func TestExportStripEvidenceList(t *testing.T) {
	for _, tc := range []struct{ cell, want string }{
		{"", ""},
		{"手順書", "手順書"},
		{"手順書\n運用記録", "手順書\n運用記録"},
		{"手順書\n" + ExportEvidenceMarker + "\n・abcdef12 写真", "手順書"},
		{ExportEvidenceMarker + "\n・abcdef12 写真\n・abcdef13 議事録.pdf", ""},
		{"手順書\n" + ExportEvidenceMarker, "手順書"},
	} {
		if got := ExportStripEvidenceList(tc.cell); got != tc.want {
			t.Errorf("ExportStripEvidenceList(%q) = %q; want %q", tc.cell, got, tc.want)
		}
	}
}
