package xlsx

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/kansa-audit/kansa/internal/audit"
)

// filledTestSet writes value into the column named header of the row whose
// No. is no, as an auditor would in Excel, and saves the workbook.
func filledTestSet(t *testing.T, f *excelize.File, sheet string, edits map[string]map[string]string) {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	hdr, cols := -1, map[string]int{}
	for i, r := range rows {
		for _, c := range r {
			if c == ExportIDHeader {
				hdr = i
			}
		}
		if hdr >= 0 {
			break
		}
	}
	if hdr < 0 {
		t.Fatal("no header row with KansaID")
	}
	for j, c := range rows[hdr] {
		cols[c] = j
	}
	for i := hdr + 1; i < len(rows); i++ {
		if len(rows[i]) == 0 {
			continue
		}
		for header, v := range edits[rows[i][0]] {
			cell, _ := excelize.CoordinatesToCellName(cols[header]+1, i+1)
			if err := f.SetCellValue(sheet, cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
}

func TestReadFilled(t *testing.T) {
	for _, tc := range []struct {
		name  string
		write exportWriter
		sheet string
	}{
		{"checksheet", WriteChecksheet, ExportChecksheetSheet},
		{"result list", WriteResultList, ExportResultSheet},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := exportTestAudit(audit.KindDatacenter, 30, 1)
			path, f := exportTestWrite(t, tc.write, a)
			filledTestSet(t, f, tc.sheet, map[string]map[string]string{
				a.Items[4].No: {ExportHeaderRating: "不適合", ExportHeaderObservation: "Excelで記入\n2行目", ExportHeaderFinding: "指摘事項"},
			})
			fs, err := ReadFilled(context.Background(), path, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if fs.Sheet != tc.sheet || len(fs.Rows) != 30 {
				t.Fatalf("sheet %q, %d rows", fs.Sheet, len(fs.Rows))
			}
			r := fs.Rows[4]
			if r.ID != a.Items[4].ID || r.Version != a.Items[4].Version || r.No != a.Items[4].No {
				t.Fatalf("row 5 ids = %q %q %q", r.ID, r.Version, r.No)
			}
			if r.Rating != "不適合" || r.Observation != "Excelで記入\n2行目" || r.Finding != "指摘事項" {
				t.Fatalf("row 5 = %+v", r)
			}
			// The result list's evidence lines are not part of what the
			// auditor wrote.
			if got := fs.Rows[0].EvidenceSeen; got != a.Items[0].Result.EvidenceSeen {
				t.Fatalf("evidence seen = %q; want %q", got, a.Items[0].Result.EvidenceSeen)
			}
		})
	}
}

func TestReadFilledRefusesForeignWorkbooks(t *testing.T) {
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"No.", "監査項目", "評価"})
	f.SetSheetRow("Sheet1", "A2", &[]any{"1", "入退室", "適合"})
	path := filepath.Join(t.TempDir(), "手作り.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFilled(context.Background(), path, Limits{}); !errors.Is(err, ErrNoHeader) {
		t.Fatalf("ReadFilled(no KansaID) = %v; want ErrNoHeader", err)
	}
}

func TestReadProgressList(t *testing.T) {
	f := excelize.NewFile()
	sh := "Sheet1"
	f.SetCellValue(sh, "A1", "改善計画書兼進捗状況一覧表")
	f.SetCellValue(sh, "A2", "所管課：情報政策課")
	f.SetSheetRow(sh, "A4", &[]any{"項番", "指摘事項", "改善計画", "改善状況\n（改善済/改善中/未着手）", "備考"})
	f.SetSheetRow(sh, "A5", &[]any{"１２", "入退室記録の確認", "日次確認を手順化", "改善済", ""})
	f.SetSheetRow(sh, "A6", &[]any{"26", "預かり証の様式", "様式改定中", "改善中", "12月完了予定"})
	f.SetSheetRow(sh, "A8", &[]any{"", "バックアップの検証", "", "未着手", ""})
	path := filepath.Join(t.TempDir(), "進捗.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	items, err := ReadProgressList(context.Background(), path, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(items)
	want := "[{5 12 入退室記録の確認 改善済 日次確認を手順化} {6 26 預かり証の様式 改善中 様式改定中} {8  バックアップの検証 未着手 }]"
	if got != want {
		t.Fatalf("ReadProgressList =\n%s\nwant\n%s", got, want)
	}
	empty := excelize.NewFile()
	p2 := filepath.Join(t.TempDir(), "empty.xlsx")
	empty.SaveAs(p2)
	if _, err := ReadProgressList(context.Background(), p2, Limits{}); !errors.Is(err, ErrNoHeader) {
		t.Fatalf("ReadProgressList(empty) = %v; want ErrNoHeader", err)
	}
}
