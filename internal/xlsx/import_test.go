package xlsx

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/xuri/excelize/v2"
)

// importJP is the usual Japanese header (external audit, §3).
var importJP = importRow("No.", "区分", "監査項目", "適用基準", "確認の要点", "監査証拠の例示", "備考")

// importItem builds an expected item.
func importItem(no, section, title, criteria, points, examples, notes string) audit.Item {
	return audit.Item{No: no, Section: section, Title: title, Criteria: criteria, Points: points, Examples: examples, Notes: notes}
}

func TestImportHeaderColumn(t *testing.T) {
	tests := []struct {
		in   string
		want audit.Column // "" = not a checksheet column
	}{
		{"No.", audit.ColNo}, {"Ｎｏ．", audit.ColNo}, {"No", audit.ColNo}, {"№", audit.ColNo}, {"番号", audit.ColNo},
		{"項番", audit.ColNo}, {"監査項目番号", audit.ColNo}, {"Item No.", audit.ColNo}, {"#", audit.ColNo},
		{"区分", audit.ColSection}, {"分類", audit.ColSection}, {"カテゴリ", audit.ColSection}, {"カテゴリー", audit.ColSection},
		{"Section", audit.ColSection}, {"Category", audit.ColSection},
		{"監査項目", audit.ColTitle}, {"監査\n項目", audit.ColTitle}, {"チェック項目", audit.ColTitle}, {"「監査項目」", audit.ColTitle},
		{"監査項目（チェック項目）", audit.ColTitle}, {"Item", audit.ColTitle}, {"Audit item", audit.ColTitle}, {"Check item", audit.ColTitle},
		{"適用基準", audit.ColCriteria}, {"根拠", audit.ColCriteria}, {"準拠基準", audit.ColCriteria}, {"関連規程", audit.ColCriteria},
		{"適用基準・根拠", audit.ColCriteria}, {"Criteria", audit.ColCriteria}, {"Criterion", audit.ColCriteria}, {"Reference", audit.ColCriteria},
		{"確認の要点", audit.ColPoints}, {"確認 ポイント", audit.ColPoints}, {"監査内容", audit.ColPoints}, {"監査内容／確認ポイント", audit.ColPoints},
		{"Points", audit.ColPoints}, {"Check points", audit.ColPoints},
		{"監査証拠の例示", audit.ColExamples}, {"証跡例", audit.ColExamples}, {"監査証拠", audit.ColExamples},
		{"Evidence examples", audit.ColExamples}, {"Evidence", audit.ColExamples},
		{"ヒアリング目的", audit.ColHearingPurpose}, {"Hearing purpose", audit.ColHearingPurpose},
		{"例文番号", audit.ColGuidelineRef}, {"ガイドライン番号", audit.ColGuidelineRef}, {"ガイドライン例文番号", audit.ColGuidelineRef},
		{"Guideline ref.", audit.ColGuidelineRef}, {"Example No.", audit.ColGuidelineRef},
		{"備考", audit.ColNotes}, {"その他", audit.ColNotes}, {"Notes", audit.ColNotes}, {"Remarks", audit.ColNotes},
		{"評価", ""}, {"監査実施内容", ""}, {"指摘区分", ""}, {"改善提案", ""}, {"KansaID", ""}, {"KansaVersion", ""},
		{"", ""}, {"令和6年度 情報セキュリティ外部監査 チェックシート（監査項目一覧）", ""}, {"結果", ""},
	}
	for _, tt := range tests {
		got, ok := HeaderColumn(tt.in)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("HeaderColumn(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
}

func TestImportNumbers(t *testing.T) {
	tests := []struct {
		in, want string
		valid    bool
	}{
		{"１２", "12", true}, {" 1 3 ", "13", true}, {"12.", "12", true}, {"ＤＣ－０３", "DC-03", true},
		{"⑤", "5", true}, {"（３）", "(3)", true}, {"3-2\n（再掲）", "3-2", true}, {"1.1.2", "1.1.2", true},
		{"１．組織体制", "1.組織体制", false}, {"※", "※", false}, {"", "", false}, {"A", "A", false},
		{"123456789012345678901", "123456789012345678901", false},
	}
	for _, tt := range tests {
		got := readItemNo(tt.in)
		if got != tt.want || readValidNo(got) != tt.valid {
			t.Errorf("readItemNo(%q) = %q (valid %v); want %q (valid %v)", tt.in, got, readValidNo(got), tt.want, tt.valid)
		}
	}
}

func TestImportDateFormats(t *testing.T) {
	for code, want := range map[string]bool{
		"yyyy/m/d": true, "[$-ja-JP]ggge年m月d日": true, "m/d/yy h:mm": true, "d-mmm": true,
		"0.00": false, "General": false, "#,##0": false, "0.00E+00": false, "@": false, `"day"0`: false, "h:mm": false,
	} {
		if got := readIsDateFormat(code); got != want {
			t.Errorf("readIsDateFormat(%q) = %v; want %v", code, got, want)
		}
	}
}

// importStyle sets a number format on a cell.
func importStyle(t testing.TB, f *excelize.File, sheet, cell string, st *excelize.Style) {
	t.Helper()
	id, err := f.NewStyle(st)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellStyle(sheet, cell, cell, id); err != nil {
		t.Fatal(err)
	}
}

func importStr(s string) *string { return &s }

// TestImportChecksheet covers the import rules, one workbook each.
func TestImportChecksheet(t *testing.T) {
	april := time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		path      func(t *testing.T) string
		opt       ImportOptions
		header    int
		title     string
		items     []audit.Item
		warnings  []string // substrings, each must appear in some warning
		noWarning []string // substrings no warning may contain
		cols      ColumnMap
		check     func(t *testing.T, rep *ImportReport)
	}{
		{
			name: "header at row 4 under two title rows",
			path: func(t *testing.T) string {
				return importBook(t, importSheet{name: "チェックシート", rows: [][]any{
					importRow("令和6年度 情報セキュリティ外部監査 チェックシート"),
					importRow("対象：総務部", nil, nil, nil, nil, "作成日", april),
					nil,
					importJP,
					importRow(1, "組織体制", "情報セキュリティ責任者の任命", "規程第3条", "任命文書を確認する", "任命通知書", ""),
					importRow(2, "組織体制", "委員会の開催", "規程第4条", "議事録を確認する", "議事録", "年2回"),
				}})
			},
			header: 4,
			title:  "令和6年度 情報セキュリティ外部監査 チェックシート\n対象：総務部 作成日 2024-04-01",
			items: []audit.Item{
				importItem("1", "組織体制", "情報セキュリティ責任者の任命", "規程第3条", "任命文書を確認する", "任命通知書", ""),
				importItem("2", "組織体制", "委員会の開催", "規程第4条", "議事録を確認する", "議事録", "年2回"),
			},
			cols:      ColumnMap{audit.ColNo: 0, audit.ColSection: 1, audit.ColTitle: 2, audit.ColCriteria: 3, audit.ColPoints: 4, audit.ColExamples: 5, audit.ColNotes: 6},
			noWarning: []string{"row"},
		},
		{
			name: "English headers",
			path: func(t *testing.T) string {
				return importBook(t, importSheet{name: "Checklist", rows: [][]any{
					importRow("Information security audit checklist"),
					importRow("No", "Category", "Audit item", "Criteria", "Check points", "Evidence examples", "Remarks"),
					importRow("A-1", "Organisation", "Appointment of a CISO", "Policy 3", "Check the letter", "Letter", "none"),
				}})
			},
			header: 2,
			title:  "Information security audit checklist",
			items:  []audit.Item{importItem("A-1", "Organisation", "Appointment of a CISO", "Policy 3", "Check the letter", "Letter", "none")},
		},
		{
			name: "header variants",
			path: func(t *testing.T) string {
				return importBook(t, importSheet{name: "S", rows: [][]any{
					importRow("項番", "分類", "チェック項目", "根拠", "確認ポイント", "証跡例", "備　考"),
					importRow(1, "人的", "教育の実施", "規程10条", "受講記録", "名簿", ""),
				}})
			},
			header: 1,
			items:  []audit.Item{importItem("1", "人的", "教育の実施", "規程10条", "受講記録", "名簿", "")},
		},
		{
			name: "more header variants, with line breaks and full-width",
			path: func(t *testing.T) string {
				return importBook(t, importSheet{name: "S", rows: [][]any{
					importRow("№", "カテゴリ", "監査\n項目", "関連規程", "監査内容", "監査証拠", "Ｎｏｔｅｓ"),
					importRow(1, "物理", "入退室管理", "規程20条", "記録を確認", "入退室記録", "x"),
				}})
			},
			header: 1,
			items:  []audit.Item{importItem("1", "物理", "入退室管理", "規程20条", "記録を確認", "入退室記録", "x")},
		},
		{
			name: "merged section cells spanning three rows",
			path: func(t *testing.T) string {
				return importBook(t, importSheet{name: "S", rows: [][]any{
					importJP,
					importRow(1, "組織体制", "a", "", "", "", ""),
					importRow(2, nil, "b"),
					importRow(3, nil, "c"),
					importRow(4, "物理的セキュリティ", "d"),
					importRow(5, nil, "e"),
				}, merges: []string{"B2:B4", "B5:B6"}})
			},
			header: 1,
			items: []audit.Item{
				importItem("1", "組織体制", "a", "", "", "", ""),
				importItem("2", "組織体制", "b", "", "", "", ""),
				importItem("3", "組織体制", "c", "", "", "", ""),
				importItem("4", "物理的セキュリティ", "d", "", "", "", ""),
				importItem("5", "物理的セキュリティ", "e", "", "", "", ""),
			},
			warnings: []string{"merged cells in column B (区分)", "B2:B4"},
		},
		{
			name: "merged criteria cell, and a merged cell spanning two mapped columns",
			path: func(t *testing.T) string {
				return importBook(t, importSheet{name: "S", rows: [][]any{
					importJP,
					importRow(1, "運用", "a", "規程第5条\n第2項", "p1"),
					importRow(2, "運用", "b", nil, "p2"),
					importRow(3, "運用", "c", "規程第6条", "p3"),
					importRow(4, "運用", "d（要点欄まで結合）", "hidden value", "hidden too"),
				}, merges: []string{"D2:D3", "C5:E5"}})
			},
			header: 1,
			items: []audit.Item{
				importItem("1", "運用", "a", "規程第5条\n第2項", "p1", "", ""),
				importItem("2", "運用", "b", "規程第5条\n第2項", "p2", "", ""),
				importItem("3", "運用", "c", "規程第6条", "p3", "", ""),
				importItem("4", "運用", "d（要点欄まで結合）", "", "", "", ""),
			},
			warnings: []string{"merged cells in column D (適用基準)", "D2:D3"},
		},
		{
			name: "multi-line cells keep their line breaks",
			path: func(t *testing.T) string {
				return importBook(t, importSheet{name: "S", rows: [][]any{
					importJP,
					importRow(1, "運用", "パスワード管理\n（定期変更）", "規程\r\n第7条", "・桁数\r・変更周期", "  設定画面\n\n", "　字下げ"),
				}})
			},
			header: 1,
			items:  []audit.Item{importItem("1", "運用", "パスワード管理\n（定期変更）", "規程\n第7条", "・桁数\n・変更周期", "設定画面", "　字下げ")},
		},
		{
			name: "full-width numbers and numbers with spaces",
			path: func(t *testing.T) string {
				return importBook(t, importSheet{name: "S", rows: [][]any{
					importJP,
					importRow("１２", "s", "a"),
					importRow(" 1 3 ", "s", "b"),
					importRow("ＤＣ－０３", "s", "c"),
					importRow("⑤", "s", "d"),
					importRow("14.", "s", "e"),
				}})
			},
			header: 1,
			items: []audit.Item{
				importItem("12", "s", "a", "", "", "", ""), importItem("13", "s", "b", "", "", "", ""),
				importItem("DC-03", "s", "c", "", "", "", ""), importItem("5", "s", "d", "", "", "", ""),
				importItem("14", "s", "e", "", "", "", ""),
			},
		},
		{
			name: "blank spacer rows are skipped; text after a blank row is not appended",
			path: func(t *testing.T) string {
				return importBook(t, importSheet{name: "S", rows: [][]any{
					importJP,
					nil,
					importRow(1, "s", "a"),
					nil,
					nil,
					importRow(2, "s", "b"),
					importRow("", "", "", "", "", "", "  "),
					importRow(3, "s", "c"),
					nil,
					importRow(nil, nil, "作成者メモ"),
				}})
			},
			header: 1,
			items: []audit.Item{
				importItem("1", "s", "a", "", "", "", ""), importItem("2", "s", "b", "", "", "", ""),
				importItem("3", "s", "c", "", "", "", ""),
			},
			warnings: []string{`row 10: no item number and not directly below an item; skipped ("作成者メモ")`},
		},
		{
			name: "repeated header and title rows mid-sheet",
			path: func(t *testing.T) string {
				return importBook(t, importSheet{name: "S", rows: [][]any{
					importRow("外部監査チェックシート"),
					importJP,
					importRow(1, "s", "a"),
					importRow(2, "s", "b"),
					importRow("外部監査チェックシート"),
					importJP,
					importRow(3, "s", "c"),
					importRow("No", "区分", "監査項目"),
					importRow(4, "s", "d"),
				}})
			},
			header: 2,
			title:  "外部監査チェックシート",
			items: []audit.Item{
				importItem("1", "s", "a", "", "", "", ""), importItem("2", "s", "b", "", "", "", ""),
				importItem("3", "s", "c", "", "", "", ""), importItem("4", "s", "d", "", "", "", ""),
			},
			noWarning: []string{"row"},
		},
		{
			name: "continuation rows",
			path: func(t *testing.T) string {
				return importBook(t, importSheet{name: "S", rows: [][]any{
					importJP,
					importRow(1, "s", "a", "c1", "p1"),
					importRow(nil, nil, "（続き）", nil, "p1-2"),
					importRow(2, "s", "b", "c2", "p2"),
					importRow(nil, nil, nil, nil, "p2-2"),
					importRow(nil, nil, nil, nil, "p2-3"),
				}, merges: []string{"A4:A6", "C4:C6", "D4:D6"}})
			},
			header: 1,
			items: []audit.Item{
				importItem("1", "s", "a\n（続き）", "c1", "p1\np1-2", "", ""),
				importItem("2", "s", "b", "c2", "p2\np2-2\np2-3", "", ""),
			},
			warnings:  []string{"row 3: no item number; its text was added to item 1 (row 2)"},
			noWarning: []string{"row 5", "row 6", "merged cells in column A"},
		},
		{
			name: "section rows above their items",
			path: func(t *testing.T) string {
				return importBook(t, importSheet{name: "S", rows: [][]any{
					importJP,
					importRow("1. 組織体制"),
					importRow(1, nil, "a"),
					importRow(2, nil, "b"),
					importRow("２．物理的セキュリティ"),
					importRow(3, nil, "c"),
					importRow(4, "運用", "d"),
					importRow(5, nil, "e"),
				}, merges: []string{"A2:G2"}})
			},
			header: 1,
			items: []audit.Item{
				importItem("1", "1. 組織体制", "a", "", "", "", ""), importItem("2", "1. 組織体制", "b", "", "", "", ""),
				importItem("3", "２．物理的セキュリティ", "c", "", "", "", ""), importItem("4", "運用", "d", "", "", "", ""),
				importItem("5", "運用", "e", "", "", "", ""),
			},
			noWarning: []string{"row"},
		},
		{
			name: "without a number column items are numbered in order",
			path: func(t *testing.T) string {
				return importBook(t, importSheet{name: "S", rows: [][]any{
					importRow("監査項目", "確認の要点"),
					importRow("a", "p1"),
					importRow(nil, "p1-2"),
					importRow("b", "p2"),
				}})
			},
			header: 1,
			items: []audit.Item{
				importItem("1", "", "a", "", "p1\np1-2", "", ""), importItem("2", "", "b", "", "p2", "", ""),
			},
			warnings: []string{"no number column"},
		},
		{
			name: "formulas: the saved value is used, nothing is evaluated",
			path: func(t *testing.T) string {
				return importRawBook(t, importSheetXML(
					`<row r="1"><c r="A1" t="inlineStr"><is><t>No.</t></is></c><c r="B1" t="inlineStr"><is><t>監査項目</t></is></c><c r="C1" t="inlineStr"><is><t>備考</t></is></c></row>`+
						`<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="str"><f>CONCAT("パスワード","管理")</f><v>パスワード管理</v></c><c r="C2" t="str"><f>NOW()</f><v>saved</v></c></row>`+
						`<row r="3"><c r="A3"><f>A2+1</f><v>2</v></c><c r="B3" t="inlineStr"><is><t>b</t></is></c><c r="C3"><f>1/0</f></c></row>`))
			},
			header: 1,
			items: []audit.Item{
				{No: "1", Title: "パスワード管理", Notes: "saved"},
				{No: "2", Title: "b"},
			},
			warnings: []string{"4 cells hold formulas (e.g. B2)", "nothing was recalculated", "formulas without a saved value read as empty (C3)"},
		},
		{
			name: "dates are written YYYY-MM-DD, never in the US short format",
			path: func(t *testing.T) string {
				return importBook(t, importSheet{name: "S", rows: [][]any{
					importRow("No.", "監査項目", "備考"),
					importRow(1, "a", april),
					importRow(2, "b", 45383),
					importRow(3, "c", 45383),
					importRow(4, "d", 45383.395833333336),
					importRow(5, "e", 45383),
					importRow(6, "f", 45383),
					importRow(7, "g", 12.5),
				}, setup: func(t testing.TB, f *excelize.File, s string) {
					importStyle(t, f, s, "C4", &excelize.Style{NumFmt: 14})
					importStyle(t, f, s, "C5", &excelize.Style{NumFmt: 22})
					importStyle(t, f, s, "C6", &excelize.Style{CustomNumFmt: importStr("[$-ja-JP]ggge年m月d日")})
					importStyle(t, f, s, "C7", &excelize.Style{NumFmt: 15})
					importStyle(t, f, s, "C8", &excelize.Style{NumFmt: 2})
				}})
			},
			header: 1,
			items: []audit.Item{
				{No: "1", Title: "a", Notes: "2024-04-01"}, {No: "2", Title: "b", Notes: "45383"},
				{No: "3", Title: "c", Notes: "2024-04-01"}, {No: "4", Title: "d", Notes: "2024-04-01 09:30"},
				{No: "5", Title: "e", Notes: "2024-04-01"}, {No: "6", Title: "f", Notes: "2024-04-01"},
				{No: "7", Title: "g", Notes: "12.50"},
			},
		},
		{
			name: "column override",
			path: func(t *testing.T) string {
				return importBook(t, importSheet{name: "S", rows: [][]any{
					importRow("No.", "区分", "監査項目", "説明", "証跡"),
					importRow(1, "s", "a", "説明文", "記録"),
				}})
			},
			opt:    ImportOptions{Columns: ColumnMap{audit.ColNo: 0, audit.ColSection: 1, audit.ColTitle: 2, audit.ColPoints: 3, audit.ColNotes: 4}},
			header: 1,
			items:  []audit.Item{{No: "1", Section: "s", Title: "a", Points: "説明文", Notes: "記録"}},
			cols:   ColumnMap{audit.ColNo: 0, audit.ColSection: 1, audit.ColTitle: 2, audit.ColPoints: 3, audit.ColNotes: 4},
			check: func(t *testing.T, rep *ImportReport) {
				want := ColumnMap{audit.ColNo: 0, audit.ColSection: 1, audit.ColTitle: 2, audit.ColExamples: 4}
				if got := rep.Candidates[0].Columns; !reflect.DeepEqual(got, want) {
					t.Errorf("detected columns = %v; want %v", got, want)
				}
			},
		},
		{
			name: "exported checksheet: result columns ignored, item ids read",
			path: func(t *testing.T) string {
				return importBook(t, importSheet{name: "チェックシート", rows: [][]any{
					importRow("令和8年度 外部監査 チェックシート"),
					importRow("A区　監査"),
					importRow("外部監査　作成日 2026年4月1日"),
					importRow("No.", "区分", "監査項目", "適用基準", "確認の要点", "監査証拠の例示", "備考", "評価", "監査実施内容", "監査証拠", "指摘区分", "改善提案", "KansaID", "KansaVersion"),
					importRow(1, "s", "a", "c", "p", "e", "n", "適合", "見た", "記録", "", "", "it_01", "v1"),
				}})
			},
			header: 4,
			title:  "令和8年度 外部監査 チェックシート\nA区　監査\n外部監査　作成日 2026年4月1日",
			items:  []audit.Item{{ID: "it_01", No: "1", Section: "s", Title: "a", Criteria: "c", Points: "p", Examples: "e", Notes: "n"}},
			cols:   ColumnMap{audit.ColNo: 0, audit.ColSection: 1, audit.ColTitle: 2, audit.ColCriteria: 3, audit.ColPoints: 4, audit.ColExamples: 5, audit.ColNotes: 6},
			check: func(t *testing.T, rep *ImportReport) {
				if rep.IDColumn != 12 {
					t.Errorf("IDColumn = %d; want 12", rep.IDColumn)
				}
			},
		},
		{
			name: "hidden rows, repeated numbers, rows without a title, cut cells",
			path: func(t *testing.T) string {
				return importBook(t, importSheet{name: "S", rows: [][]any{
					importJP,
					importRow(1, "s", "a"),
					importRow(2, "s", "b"),
					importRow(1, "s", "a again"),
					importRow(3, "s", nil, nil, "points only"),
					importRow(4, "s", strings.Repeat("長", 50)),
					importRow("※", "s", "note row"),
				}, setup: func(t testing.TB, f *excelize.File, s string) {
					if err := f.SetRowVisible(s, 3, false); err != nil {
						t.Fatal(err)
					}
				}})
			},
			opt:    ImportOptions{Limits: Limits{MaxCellChars: 40}},
			header: 1,
			items: []audit.Item{
				importItem("1", "s", "a", "", "", "", ""), importItem("2", "s", "b", "", "", "", ""),
				importItem("1", "s", "a again", "", "", "", ""), importItem("4", "s", strings.Repeat("長", 40)+"\nnote row", "", "", "", ""),
			},
			warnings: []string{
				"row 3: the row is hidden", "row 4: item number 1 appears again (first on row 2)",
				"row 5: item 3 has no text", "C6: the text was cut to 40 characters",
				`row 7: "※" in the number column is not an item number`, "row 7: no item number; its text was added to item 4 (row 6)",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.path(t)
			rep, err := ReadChecksheet(context.Background(), path, tt.opt)
			if err != nil {
				t.Fatalf("ReadChecksheet: %v", err)
			}
			if rep.Candidates[0].HeaderRow != tt.header {
				t.Errorf("header row = %d; want %d", rep.Candidates[0].HeaderRow, tt.header)
			}
			if rep.Title != tt.title {
				t.Errorf("title = %q; want %q", rep.Title, tt.title)
			}
			if !reflect.DeepEqual(rep.Items, tt.items) {
				t.Errorf("items:\n got %s\nwant %s", importDump(rep.Items), importDump(tt.items))
			}
			if tt.cols != nil && !reflect.DeepEqual(rep.Columns, tt.cols) {
				t.Errorf("columns = %v; want %v", rep.Columns, tt.cols)
			}
			all := strings.Join(rep.Warnings, "\n")
			for _, w := range tt.warnings {
				if !strings.Contains(all, w) {
					t.Errorf("no warning contains %q; warnings:\n%s", w, all)
				}
			}
			for _, w := range tt.noWarning {
				if strings.Contains(all, w) {
					t.Errorf("a warning contains %q; warnings:\n%s", w, all)
				}
			}
			if rep.Candidates[0].Rows != len(rep.Items) {
				t.Errorf("candidate rows = %d; want %d", rep.Candidates[0].Rows, len(rep.Items))
			}
			for _, it := range rep.Items {
				if err := it.Validate(); err != nil {
					t.Errorf("item %s: %v", it.No, err)
				}
			}
			if tt.check != nil {
				tt.check(t, rep)
			}
		})
	}
}

func importDump(items []audit.Item) string {
	var b strings.Builder
	for _, it := range items {
		fmt.Fprintf(&b, "\n  %+v", it)
	}
	return b.String()
}

// TestImportLayouts reads the column layouts of domain.md §3.
func TestImportLayouts(t *testing.T) {
	tests := []struct {
		kind   audit.Kind
		header []any
		row    []any
		want   audit.Item
	}{
		{
			audit.KindExternal,
			importRow("No.", "区分", "監査項目", "適用基準", "確認の要点", "監査証拠の例示", "その他"),
			importRow(1, "s", "t", "c", "p", "e", "o"),
			audit.Item{No: "1", Section: "s", Title: "t", Criteria: "c", Points: "p", Examples: "e", Notes: "o"},
		},
		{
			audit.KindDatacenter,
			importRow("No.", "区分", "監査項目", "適用基準", "確認の要点", "監査証拠の例示", "備考"),
			importRow("DC-01", "s", "t", "c", "p", "e", "o"),
			audit.Item{No: "DC-01", Section: "s", Title: "t", Criteria: "c", Points: "p", Examples: "e", Notes: "o"},
		},
		{
			audit.KindInternal,
			importRow("No.", "区分", "監査項目", "ヒアリング目的", "監査内容／確認ポイント", "監査証拠の例示", "適用基準"),
			importRow(1, "s", "t", "h", "p", "e", "c"),
			audit.Item{No: "1", Section: "s", Title: "t", HearingPurpose: "h", Points: "p", Examples: "e", Criteria: "c"},
		},
		{
			audit.KindCommonPlatform,
			importRow("No.", "区分", "監査項目", "例文番号", "確認の要点", "監査証拠の例示"),
			importRow(1, "s", "t", "2.1.3", "p", "e"),
			audit.Item{No: "1", Section: "s", Title: "t", GuidelineRef: "2.1.3", Points: "p", Examples: "e"},
		},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			path := importBook(t, importSheet{name: "S", rows: [][]any{tt.header, tt.row}})
			rep, err := ReadChecksheet(context.Background(), path, ImportOptions{})
			if err != nil {
				t.Fatal(err)
			}
			want := ColumnMap{}
			for i, c := range tt.kind.Columns() {
				want[c] = i
			}
			if !reflect.DeepEqual(rep.Columns, want) {
				t.Errorf("columns = %v; want %v", rep.Columns, want)
			}
			if len(rep.Items) != 1 || !reflect.DeepEqual(rep.Items[0], tt.want) {
				t.Errorf("items = %s; want %+v", importDump(rep.Items), tt.want)
			}
		})
	}
}

// TestImportSheets covers workbooks with several sheets.
func TestImportSheets(t *testing.T) {
	cover := importSheet{name: "表紙", rows: [][]any{importRow("情報セキュリティ監査"), importRow("令和6年度")}}
	empty := importSheet{name: "空"}
	hidden := importSheet{name: "選択肢", rows: [][]any{importRow("適合"), importRow("不適合")}, setup: func(t testing.TB, f *excelize.File, s string) {
		if err := f.SetSheetVisible(s, false); err != nil {
			t.Fatal(err)
		}
	}}
	ext := importSheet{name: "外部", rows: [][]any{importRow("外部監査"), importJP, importRow(1, "s", "a"), importRow(2, "s", "b")}}
	in := importSheet{name: "内部", rows: [][]any{importRow("No.", "監査項目", "ヒアリング目的"), importRow(1, "x", "h")}}
	ctx := context.Background()

	t.Run("cover sheet skipped and reported", func(t *testing.T) {
		path := importBook(t, cover, ext, empty, hidden)
		rep, err := ReadChecksheet(ctx, path, ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Sheet != "外部" || len(rep.Items) != 2 {
			t.Errorf("sheet %q with %d items; want 外部 with 2", rep.Sheet, len(rep.Items))
		}
		want := []ImportSkip{
			{"表紙", "no header row naming 監査項目 (item) and another known column in the first 30 rows"},
			{"空", "the sheet is empty"},
			{"選択肢", "a hidden sheet; no header row naming 監査項目 (item) and another known column in the first 30 rows"},
		}
		if !reflect.DeepEqual(rep.Skipped, want) {
			t.Errorf("skipped = %q; want %q", rep.Skipped, want)
		}
	})
	t.Run("two candidates: choose", func(t *testing.T) {
		path := importBook(t, cover, ext, in)
		rep, err := ReadChecksheet(ctx, path, ImportOptions{})
		if !errors.Is(err, ErrChooseSheet) {
			t.Fatalf("err = %v; want ErrChooseSheet", err)
		}
		for _, s := range []string{`"外部"`, `"内部"`, "checksheet.xlsx"} {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("error %q does not name %s", err, s)
			}
		}
		if rep == nil || len(rep.Candidates) != 2 || len(rep.Skipped) != 1 {
			t.Fatalf("report = %+v; want 2 candidates and 1 skipped", rep)
		}
		rep, err = ReadChecksheet(ctx, path, ImportOptions{Sheet: "内部"})
		if err != nil {
			t.Fatal(err)
		}
		want := []audit.Item{{No: "1", Title: "x", HearingPurpose: "h"}}
		if rep.Sheet != "内部" || !reflect.DeepEqual(rep.Items, want) {
			t.Errorf("sheet %q items %s; want 内部 %s", rep.Sheet, importDump(rep.Items), importDump(want))
		}
		if rep.Candidates[0].Rows != -1 || rep.Candidates[1].Rows != 1 {
			t.Errorf("candidate rows = %d, %d; want -1, 1", rep.Candidates[0].Rows, rep.Candidates[1].Rows)
		}
		if _, err := ReadChecksheet(ctx, path, ImportOptions{Sheet: "なし"}); !errors.Is(err, ErrChooseSheet) {
			t.Errorf("unknown sheet: err = %v; want ErrChooseSheet", err)
		}
		if _, err := ReadChecksheet(ctx, path, ImportOptions{Sheet: "表紙"}); !errors.Is(err, ErrNoHeader) {
			t.Errorf("cover sheet: err = %v; want ErrNoHeader", err)
		}
	})
	t.Run("no candidate", func(t *testing.T) {
		path := importBook(t, cover)
		rep, err := ReadChecksheet(ctx, path, ImportOptions{})
		if !errors.Is(err, ErrNoHeader) || rep == nil || len(rep.Skipped) != 1 {
			t.Fatalf("err = %v, report %+v; want ErrNoHeader with the cover skipped", err, rep)
		}
		if !strings.Contains(err.Error(), "表紙") {
			t.Errorf("error %q does not name the skipped sheet", err)
		}
	})
	t.Run("ReadSheets preview", func(t *testing.T) {
		path := importBook(t, cover, ext, in)
		cands, skips, err := ReadSheets(path, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if len(cands) != 2 || len(skips) != 1 || skips[0].Sheet != "表紙" {
			t.Fatalf("candidates %+v, skipped %+v", cands, skips)
		}
		c := cands[0]
		if c.Name != "外部" || c.HeaderRow != 2 || c.Title != "外部監査" || c.Rows != 2 || c.Columns[audit.ColCriteria] != 3 || c.Headers[2] != "監査項目" {
			t.Errorf("candidate = %+v", c)
		}
		if cands[1].Rows != 1 || cands[1].Columns[audit.ColHearingPurpose] != 2 {
			t.Errorf("candidate = %+v", cands[1])
		}
	})
	t.Run("bad column override", func(t *testing.T) {
		path := importBook(t, ext)
		for _, m := range []ColumnMap{
			{audit.ColNo: 0},
			{audit.ColTitle: 2, audit.ColNotes: 2},
			{audit.ColTitle: -1},
			{audit.ColTitle: 2, audit.Column("rating"): 3},
		} {
			if _, err := ReadChecksheet(ctx, path, ImportOptions{Columns: m}); !errors.Is(err, ErrColumnMap) {
				t.Errorf("Columns %v: err = %v; want ErrColumnMap", m, err)
			}
		}
	})
}

func TestImportProgressAndCancel(t *testing.T) {
	rows := [][]any{importJP}
	for i := 1; i <= 300; i++ {
		rows = append(rows, importRow(i, "s", fmt.Sprintf("item %d", i)))
	}
	path := importBook(t, importSheet{name: "S", rows: rows})
	var calls, lastDone, lastTotal int
	rep, err := ReadChecksheet(context.Background(), path, ImportOptions{Progress: func(done, total int) {
		calls++
		if done < lastDone || done > total {
			t.Errorf("progress(%d, %d) after (%d, %d)", done, total, lastDone, lastTotal)
		}
		lastDone, lastTotal = done, total
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Items) != 300 || calls < 2 || lastDone != lastTotal || lastTotal != 301 {
		t.Errorf("%d items, %d progress calls, last (%d, %d); want 300 items, last (301, 301)", len(rep.Items), calls, lastDone, lastTotal)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ReadChecksheet(ctx, path, ImportOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v; want context.Canceled", err)
	}
}

// TestImportDamagedSheetXML: a well-formed zip whose sheet XML is not.
func TestImportDamagedSheetXML(t *testing.T) {
	for name, body := range map[string]string{
		"unclosed":      `<row r="1"><c r="A1" t="inlineStr"><is><t>No.</t></is></c><c r="B1" t="inlineStr"><is><t>監査項目</t></is></c></row><row r="2"><c r="A2"><v>1</v>`,
		"bad reference": `<row r="1"><c r="A1" t="inlineStr"><is><t>No.</t></is></c><c r="B1" t="inlineStr"><is><t>監査項目</t></is></c></row><row r="2"><c r="ZZZZZZ2"><v>1</v></c></row>`,
		"row number":    `<row r="1"><c r="A1" t="inlineStr"><is><t>No.</t></is></c><c r="B1" t="inlineStr"><is><t>監査項目</t></is></c></row><row r="99999999"><c><v>1</v></c></row>`,
	} {
		t.Run(name, func(t *testing.T) {
			path := importRawBook(t, importSheetXML(body))
			_, err := ReadChecksheet(context.Background(), path, ImportOptions{})
			if !errors.Is(err, ErrTruncated) {
				t.Errorf("err = %v; want ErrTruncated", err)
			}
		})
	}
}

// importZipOf builds a zip of the given parts, for files that are zips but
// not workbooks.
func importZipOf(t *testing.T, parts map[string]string) string {
	t.Helper()
	var b strings.Builder
	zw := zip.NewWriter(&b)
	for name, body := range parts {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	zw.Close()
	return importWriteFile(t, "notbook.xlsx", []byte(b.String()))
}
