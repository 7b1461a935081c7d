package xlsx

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/kansa-audit/kansa/internal/audit"
)

// TestImportRoundTrip: a 200-item checksheet exported by WriteChecksheet
// imports back as the same items, ids included, for every column layout.
func TestImportRoundTrip(t *testing.T) {
	sections := []string{"組織体制", "情報資産の分類と管理", "物理的セキュリティ", "人的セキュリティ", "技術的セキュリティ", "運用", "業務委託と外部サービスの利用"}
	odd := []string{"", "  前後に空白  ", "　字下げ\n二行目", "行末\n\n", "=SUM(A1)", "'引用符", "1/2", "ＤＣ－０３"}
	for _, k := range []audit.Kind{audit.KindExternal, audit.KindDatacenter, audit.KindInternal, audit.KindCommonPlatform} {
		t.Run(string(k), func(t *testing.T) {
			a := ExportAudit{Audit: audit.Audit{ID: "a1", Kind: k, Title: k.Label(), Scale: audit.DefaultScale()}, FiscalYear: 2026}
			var want []audit.Item
			for i := range 200 {
				it := audit.Item{
					ID: fmt.Sprintf("item%04d", i), No: fmt.Sprint(i + 1), Section: sections[(i/10)%len(sections)],
					Title:          fmt.Sprintf("項目%d：手順が定められ、運用されているか。%s", i+1, odd[i%len(odd)]),
					Criteria:       fmt.Sprintf("対策基準 第%d条\n第%d項", i%40+1, i%3+1),
					Points:         "1. 手順書が整備されているか\n2. 手順書が最新か" + odd[(i+1)%len(odd)],
					Examples:       "手順書\n運用記録",
					HearingPurpose: "運用の実態を把握する",
					GuidelineRef:   fmt.Sprintf("%d.%d", i%13+1, i%5+1),
					Notes:          odd[(i+2)%len(odd)],
				}
				if i%50 == 7 {
					it.No = fmt.Sprintf("DC-%02d", i)
				}
				a.Items = append(a.Items, ExportItem{Item: it})
				cols := map[audit.Column]bool{}
				for _, c := range k.Columns() {
					cols[c] = true
				}
				for _, c := range readTextCols {
					if !cols[c] {
						*it.Field(c) = ""
					}
				}
				want = append(want, it)
			}
			path := filepath.Join(t.TempDir(), "export.xlsx")
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := WriteChecksheet(context.Background(), f, a, nil); err != nil {
				t.Fatal(err)
			}
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
			rep, err := ReadChecksheet(context.Background(), path, ImportOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Warnings) > 0 {
				t.Errorf("warnings: %q", rep.Warnings)
			}
			if len(rep.Items) != len(want) {
				t.Fatalf("%d items; want %d", len(rep.Items), len(want))
			}
			for i := range want {
				if !reflect.DeepEqual(rep.Items[i], want[i]) {
					t.Errorf("item %d:\n got %+q\nwant %+q", i, rep.Items[i], want[i])
				}
			}
		})
	}
}
