package report

import (
	"fmt"
	"strings"
)

// maxExamples caps the evidence examples listed in a plan; the checksheet
// has the rest.
const maxExamples = 30

// Plan section titles (domain.md §3), in order.
var planSections = []string{
	"監査の目的",
	"監査基準",
	"監査対象部門及び対象システム",
	"監査従事者及び体制",
	"監査実施方法の要領",
	"収集する監査証拠の範囲",
	"監査証拠の収集方法",
	"実施スケジュール",
	"評価基準",
	"その他",
}

// BuildPlan builds the audit plan (監査計画書) with every section of
// domain.md §3. Blank plan fields get standard wording for the audit's
// kind (the lints list them).
func BuildPlan(in Input) (*Document, error) {
	if err := in.check(); err != nil {
		return nil, fmt.Errorf("build audit plan: %w", err)
	}
	b := newBuilder(in, "監査計画書", false)
	b.cover("監査計画書", "", "")
	p := in.Audit.Plan

	b.heading(1, planSections[0])
	b.textOr(p.Purpose, defaultPurpose(in))

	b.heading(1, planSections[1])
	b.text("本監査は、次に掲げるものを監査の適用基準として実施する。")
	b.textOr(p.Criteria, defaultCriteria(in))

	b.heading(1, planSections[2])
	b.text("監査の対象とする部門及びシステムは、次のとおりとする。")
	b.targetTable()

	b.heading(1, planSections[3])
	b.text("本監査は、次の体制で実施する。")
	b.teamTable()
	b.list([]string{
		"主監査人は、監査の計画、実施及び報告を統括し、監査の品質に責任を負う。",
		"主監査人又は主監査人補佐は、区との打合せに必ず出席する。",
		"監査の独立性を確保するため、監査対象システムの開発又は運用に従事した者は、本監査に従事させない。",
	})

	b.heading(1, planSections[4])
	b.textOr(p.Method, defaultMethod(in))
	if len(in.Items) > 0 {
		b.text(fmt.Sprintf("監査項目は、別紙チェックシートのとおりとする（%d項目）。区分ごとの項目数は次のとおりである。", len(in.Items)))
		n := map[string]int{}
		for _, it := range in.Items {
			n[sectionOf(it)]++
		}
		var l []string
		for _, s := range sections(sortedItems(in.Items)) {
			l = append(l, fmt.Sprintf("%s（%d項目）", s, n[s]))
		}
		b.list(l)
	}

	b.heading(1, planSections[5])
	if strings.TrimSpace(p.EvidenceScope) != "" {
		b.text(p.EvidenceScope)
	} else {
		b.text("監査項目ごとに、適用基準への準拠の状況を判断するために必要な範囲で、次の種類の監査証拠を収集する。")
	}
	b.add(kindTable("証拠の種類", evidenceKinds(in.Audit.Kind)))
	if ex := examples(in.Items); len(ex) > 0 {
		b.text("主な監査証拠は、次のとおりである。")
		if len(ex) > maxExamples {
			b.list(ex[:maxExamples])
			b.para(Note, fmt.Sprintf("ほか%d件。詳細はチェックシートの「監査証拠の例示」欄のとおり。", len(ex)-maxExamples))
		} else {
			b.list(ex)
		}
	}

	b.heading(1, planSections[6])
	if strings.TrimSpace(p.EvidenceCollection) != "" {
		b.text(p.EvidenceCollection)
	} else {
		b.text("監査証拠は、次の方法により収集する。")
	}
	b.add(kindTable("収集方法", evidenceMethods(in.Audit.Kind)))
	b.text("収集した監査証拠は、次のとおり取り扱う。")
	b.list(handlingRules)

	b.heading(1, planSections[7])
	period := "区と協議の上定める"
	if per := b.period(); per != "" {
		period = per + "とする"
	}
	if len(p.Schedule) > 0 {
		b.text("監査期間は、" + period + "。日程は次のとおりとする。")
		b.scheduleTable()
	} else {
		b.text("監査期間は、" + period + "。実施日程は、区と調整の上決定する。")
	}

	b.heading(1, planSections[8])
	b.text("監査項目ごとの評価は、次の基準による。")
	b.scaleTable()
	b.text("監査の結果認められた事項は、次の分類により報告する。")
	b.classTable()

	b.heading(1, planSections[9])
	if strings.TrimSpace(p.Other) != "" {
		b.text(p.Other)
	}
	b.list(otherMatters)
	return b.doc, nil
}

// kindTable is a two-column table of a kind and its description.
func kindTable(head string, rows [][2]string) Table {
	t := Table{Columns: []Column{{Title: head, Width: 1.4}, {Title: "内容", Width: 5}}}
	for _, r := range rows {
		t.Rows = append(t.Rows, []Cell{{Runs: []Run{{Text: r[0]}}, Shade: true}, {Runs: []Run{{Text: r[1]}}}})
	}
	return t
}

// examples gathers the distinct evidence examples (監査証拠の例示) of the
// items, without their bullet marks, in checksheet order.
func examples(items []ItemInput) []string {
	var out []string
	seen := map[string]bool{}
	for _, it := range sortedItems(items) {
		for _, l := range paragraphs(it.Examples) {
			l = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(l), "・-－*●○◆■□"))
			if l == "" || seen[l] {
				continue
			}
			seen[l] = true
			out = append(out, l)
		}
	}
	return out
}
