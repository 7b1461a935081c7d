package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/kansa-audit/kansa/internal/workspace"
)

// fillCells edits an exported workbook as an auditor would in Excel:
// edits maps item number -> header -> new value.
func fillCells(t *testing.T, path, sheet string, edits map[string]map[string]string) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows(sheet)
	hdr := -1
	for i, r := range rows {
		if len(r) > 0 && r[0] == "No." {
			hdr = i
			break
		}
	}
	if hdr < 0 {
		t.Fatal("no header row")
	}
	col := map[string]int{}
	for j, c := range rows[hdr] {
		col[c] = j
	}
	for i := hdr + 1; i < len(rows); i++ {
		if len(rows[i]) == 0 {
			continue
		}
		for h, v := range edits[rows[i][0]] {
			cell, _ := excelize.CoordinatesToCellName(col[h]+1, i+1)
			f.SetCellValue(sheet, cell, v)
		}
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
}

func (c *cli) show(aud string) workspace.ShowDoc {
	c.t.Helper()
	var doc workspace.ShowDoc
	if err := json.Unmarshal([]byte(c.ok("show", "--audit", aud, "--json")), &doc); err != nil {
		c.t.Fatal(err)
	}
	return doc
}

func item(doc workspace.ShowDoc, no string) workspace.ShowItem {
	for _, it := range doc.Items {
		if it.No == no {
			return it
		}
	}
	return workspace.ShowItem{}
}

func TestCLIExcelRoundTrip(t *testing.T) {
	c := newCLI(t)
	eng, aud := c.setup()
	dir := t.TempDir()
	cs := filepath.Join(dir, "チェックシート.xlsx")
	c.ok("result", "set", "--audit", aud, "--item", "7", "--observation", "Kansaでの記録")
	c.ok("checksheet", "export", "--audit", aud, "--out", cs)

	// The checksheet round trip is exact: importing it back changes nothing.
	out := c.ok("checksheet", "import", cs, "--audit", aud, "--dry-run")
	if !strings.Contains(out, "would add 0, changed 0, unchanged 50") {
		t.Fatalf("re-import of the export:\n%s", out)
	}
	// Into a new empty audit it adds the 50 items.
	empty := c.ok("audit", "create", "--engagement", eng, "--kind", "datacenter", "--title", "空")
	if out := c.ok("checksheet", "import", cs, "--audit", empty); !strings.Contains(out, "added 50") {
		t.Fatalf("import into an empty audit:\n%s", out)
	}

	// Filled in Excel; meanwhile item 7 is edited again in Kansa.
	fillCells(t, cs, "チェックシート", map[string]map[string]string{
		"3": {"評価": "一部適合", "監査実施内容": "Excelで記入した内容", "指摘区分": "改善提案"},
		"7": {"監査実施内容": "Excelでの修正"},
		"9": {"評価": "すばらしい"},
	})
	c.ok("result", "set", "--audit", aud, "--item", "7", "--observation", "Kansaで後から修正")
	out = c.ok("results", "import", cs, "--audit", aud)
	if !strings.Contains(out, "updated 2 items") || !strings.Contains(out, "conflicts (changed in Excel and in Kansa; both kept, choose in Kansa): 7") || !strings.Contains(out, "すばらしい") {
		t.Fatalf("results import:\n%s", out)
	}
	doc := c.show(aud)
	if r := item(doc, "3").Result; r.Rating != "partial" || r.Observation != "Excelで記入した内容" || r.Finding != "advice" {
		t.Fatalf("item 3 = %+v", r)
	}
	if got := item(doc, "7").Conflicts["observation"]; len(got) != 2 {
		t.Fatalf("item 7 conflicts = %v", item(doc, "7").Conflicts)
	}

	// The result list exports and reads back too.
	rl := filepath.Join(dir, "監査結果一覧.xlsx")
	c.ok("results", "export", "--audit", aud, "--out", rl)
	if out := c.ok("results", "import", rl, "--audit", aud); !strings.Contains(out, "updated 0 items") {
		t.Fatalf("re-import of an untouched result list:\n%s", out)
	}
	c.ok("check")
}

func TestCLIHostileWorkbookChangesNothing(t *testing.T) {
	c := newCLI(t)
	_, aud := c.setup()
	before := c.ok("show", "--audit", aud, "--json")
	bad := filepath.Join(t.TempDir(), "偽物.xlsx")
	os.WriteFile(bad, []byte("this is not a workbook at all"), 0o600)
	for _, args := range [][]string{
		{"checksheet", "import", bad, "--audit", aud},
		{"results", "import", bad, "--audit", aud},
	} {
		_, errs, code := c.run(args...)
		if code != exitError || !strings.Contains(errs, "偽物.xlsx") || !strings.Contains(errs, "not an Excel workbook") {
			t.Errorf("%v: exit %d, %q", args, code, errs)
		}
	}
	if after := c.ok("show", "--audit", aud, "--json"); after != before {
		t.Fatal("a refused workbook changed the audit")
	}
}

func TestCLIFollowupAndProgress(t *testing.T) {
	c := newCLI(t)
	eng, aud := c.setup()
	c.ok("result", "set", "--audit", aud, "--item", "12", "--finding", "finding", "--observation", "記録漏れ")
	c.ok("result", "set", "--audit", aud, "--item", "26", "--finding", "advice", "--observation", "様式が古い")
	fu := c.ok("followup", "create", "--engagement", eng, "--from", aud)
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"項番", "指摘事項", "改善状況", "所管課コメント"})
	f.SetSheetRow("Sheet1", "A2", &[]any{"12", "", "改善済", "日次確認を開始した"})
	f.SetSheetRow("Sheet1", "A3", &[]any{"26", "", "対応中", ""})
	p := filepath.Join(t.TempDir(), "改善計画書兼進捗状況一覧表.xlsx")
	if err := f.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	if out := c.ok("progress", "import", p, "--audit", fu); !strings.Contains(out, "updated 2 items") {
		t.Fatalf("progress import:\n%s", out)
	}
	doc := c.show(fu)
	if len(doc.Items) != 2 || item(doc, "12").Result.Status != "improved" || item(doc, "12").Result.AuditeeComment != "日次確認を開始した" || item(doc, "26").Result.Status != "in-progress" {
		t.Fatalf("follow-up items = %+v", doc.Items)
	}
}
