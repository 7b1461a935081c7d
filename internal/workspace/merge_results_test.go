package workspace

import (
	"context"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/kansa-audit/kansa/internal/bolt"
	"github.com/kansa-audit/kansa/internal/change"
	"github.com/kansa-audit/kansa/internal/xlsx"
)

// replaceCell opens a workbook, replaces the text of the one cell of sheet
// that holds old (as a workbook round trip leaves it) by new, and saves.
func replaceCell(t *testing.T, path, sheet, old, new string) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	var cells []string
	for i, r := range rows {
		for j, v := range r {
			if normCell(v) == normCell(old) {
				c, _ := excelize.CoordinatesToCellName(j+1, i+1)
				cells = append(cells, c)
			}
		}
	}
	if len(cells) != 1 {
		t.Fatalf("%s: %d cells hold the text to replace (%v)", sheet, len(cells), cells)
	}
	if err := f.SetCellValue(sheet, cells[0], new); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
}

func versionVector(t *testing.T, w *Workspace) change.VersionVector {
	t.Helper()
	var vv change.VersionVector
	if err := w.st.View(func(tx *bolt.Tx) (err error) { vv, err = tx.VersionVector(); return err }); err != nil {
		t.Fatal(err)
	}
	return vv
}

// A merged proposal goes through a real workbook round trip: exported as
// the merged text, an untouched cell writes nothing on re-import, and an
// edited cell is written over exactly the merged values (no conflict).
func TestResultsRoundTripOfAMergedText(t *testing.T) {
	for _, kind := range []struct {
		name  string
		kind  ExportKind
		sheet string
	}{
		{"results", ExportResults, xlsx.ExportResultSheet},
		{"checksheet", ExportChecksheet, xlsx.ExportChecksheetSheet},
	} {
		t.Run(kind.name, func(t *testing.T) {
			reps, aud, id := mergeTeam(t, 2)
			a, b := reps[0], reps[1]
			setProposal(t, a, aud, paragraphs(5, map[int]string{0: "山田が修正した第1段落。"}))
			setProposal(t, b, aud, paragraphs(5, map[int]string{4: "佐藤が修正した第5段落。"}))
			exchangeAll(t, reps)
			merged := paragraphs(5, map[int]string{0: "山田が修正した第1段落。", 4: "佐藤が修正した第5段落。"})
			it := itemState(t, a, aud, "1")
			if it.Result.Proposal != merged || len(it.Merged["proposal"]) != 2 {
				t.Fatalf("not merged: %q, merged values %v", it.Result.Proposal, it.Merged)
			}
			var mergedOps []change.OpID
			for _, v := range it.Merged["proposal"] {
				op, err := change.ParseOpID(v.Op)
				if err != nil {
					t.Fatal(err)
				}
				mergedOps = append(mergedOps, op)
			}

			path := filepath.Join(t.TempDir(), kind.name+".xlsx")
			if err := a.ExportExcel(context.Background(), aud, kind.kind, path, nil); err != nil {
				t.Fatal(err)
			}
			before := versionVector(t, a)
			rep, err := a.ImportResults(context.Background(), aud, path)
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Updated) != 0 || len(rep.Conflicts) != 0 || len(rep.Problems) != 0 {
				t.Fatalf("re-import of an untouched export: %+v", rep)
			}
			if after := versionVector(t, a); !maps.Equal(after, before) {
				t.Fatalf("re-import of an untouched export wrote ops: %v -> %v", before, after)
			}

			edited := paragraphs(5, map[int]string{0: "山田が修正した第1段落。", 2: "Excelで書き直した第3段落。", 4: "佐藤が修正した第5段落。"})
			replaceCell(t, path, kind.sheet, merged, edited)
			rep, err = a.ImportResults(context.Background(), aud, path)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(rep.Updated, ",") != "1" || len(rep.Conflicts) != 0 {
				t.Fatalf("import of the edited cell: %+v", rep)
			}
			a.st.View(func(tx *bolt.Tx) error {
				e, err := tx.Entity(id)
				if err != nil {
					t.Fatal(err)
				}
				vals := e.Get("proposal").Values
				if len(vals) != 1 {
					t.Fatalf("proposal register holds %d values; want the Excel edit alone", len(vals))
				}
				op, err := tx.Op(vals[0].Op)
				if err != nil {
					t.Fatal(err)
				}
				got := stateOf(op.Supersedes)
				if !slices.Equal(got, stateOf(mergedOps)) {
					t.Fatalf("the Excel edit supersedes %v; want exactly the merged values %v", got, mergedOps)
				}
				return nil
			})
			exchangeAll(t, reps)
			for _, w := range reps {
				it := itemState(t, w, aud, "1")
				if it.Result.Proposal != normCell(edited) || len(it.Conflicts) != 0 || len(it.Merged) != 0 {
					t.Fatalf("%s: proposal %q, conflicts %v, merged %v", w.Me().Name, it.Result.Proposal, it.Conflicts, it.Merged)
				}
			}
		})
	}
}
