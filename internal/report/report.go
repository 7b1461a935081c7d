package report

import (
	"fmt"
	"sort"
	"strings"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/jpcal"
)

// BuildReport builds the audit report (監査報告書): cover, table of
// contents, 1 監査の概要, 2 総評, 3 監査結果一覧, 4 指摘事項及び改善提案
// (each proposal starting on a new page), 5 特記事項及び良好事例, and the
// evidence index and hearing log as appendices. A follow-up audit's report
// has 4 改善状況の確認結果 (each earlier finding with the auditee's status
// and comment and the auditor's evaluation) and 5 改善計画に対する評価
// instead, and its 特記事項及び良好事例 becomes chapter 6.
//
// VariantJLIS is for common-platform audits only: the J-LIS copy, in
// which confidential text (see confidential.go) reads 「（非開示）」.
func BuildReport(in Input, v Variant) (*Document, error) {
	if err := in.check(); err != nil {
		return nil, fmt.Errorf("build audit report: %w", err)
	}
	v, err := ParseVariant(string(v))
	if err != nil {
		return nil, fmt.Errorf("build audit report: %w", err)
	}
	if v == VariantJLIS && in.Audit.Kind != audit.KindCommonPlatform {
		return nil, fmt.Errorf("build audit report: %w: the jlis variant exists only for common-platform audits, not %s", audit.ErrInvalid, in.Audit.Kind)
	}
	b := newBuilder(in, "監査報告書", v == VariantJLIS)
	subtitle := ""
	if in.Audit.Kind == audit.KindCommonPlatform {
		subtitle = "（" + in.Engagement.Client + "提出版）"
		if v == VariantJLIS {
			subtitle = "（地方公共団体情報システム機構提出版）"
		}
	}
	b.cover("監査報告書", subtitle, "取扱注意")
	b.overview()
	b.overallChapter()
	b.summaryChapter()
	if in.followup() {
		b.followupChapter()
		b.heading(1, "改善計画に対する評価")
		for _, p := range planEvaluation(in) {
			b.para(Body, p)
		}
	} else {
		b.findingsChapter()
	}
	b.notableChapter()
	b.evidenceAppendix()
	b.hearingAppendix()
	if v == VariantJLIS {
		return b.doc.Redact(), nil
	}
	return b.doc, nil
}

// overview is chapter 1, 監査の概要.
func (b *builder) overview() {
	in := b.in
	p := in.Audit.Plan
	b.heading(1, "監査の概要")
	b.heading(2, "監査の目的")
	b.textOr(p.Purpose, defaultPurpose(in))
	b.heading(2, "監査の対象")
	if in.followup() {
		b.text(fmt.Sprintf("前回の監査において報告した指摘事項等%d件を対象とした。対象部門は次のとおりである。", len(in.Items)))
	} else {
		b.text("監査の対象とした部門及びシステムは、次のとおりである。")
	}
	b.targetTable()
	b.heading(2, "監査の期間")
	switch period, sched := b.period(), len(p.Schedule) > 0; {
	case period != "" && sched:
		b.text("監査は、" + period + "の期間に実施した。主な日程は次のとおりである。")
		b.scheduleTable()
	case period != "":
		b.text("監査は、" + period + "の期間に実施した。")
	default:
		b.text("監査の期間は、監査計画書のとおりである。")
	}
	b.heading(2, "監査の体制")
	b.teamTable()
	b.heading(2, "監査の基準")
	b.textOr(p.Criteria, defaultCriteria(in))
	b.heading(2, "監査の方法")
	b.textOr(p.Method, defaultMethod(in))
	if len(in.Items) > 0 {
		n := map[string]int{}
		for _, it := range in.Items {
			n[sectionOf(it)]++
		}
		var l []string
		for _, s := range sections(sortedItems(in.Items)) {
			l = append(l, fmt.Sprintf("%s（%d項目）", s, n[s]))
		}
		b.text(fmt.Sprintf("監査項目は%d項目であり、区分ごとの項目数は次のとおりである。", len(in.Items)))
		b.list(l)
	}
}

// overallChapter is chapter 2, 総評.
func (b *builder) overallChapter() {
	b.heading(1, "総評")
	for _, p := range overall(b.in) {
		b.para(Body, p)
	}
	b.para(Note, advisoryNote)
}

// tableCaption numbers a table caption: 表1　….
func (b *builder) tableCaption(s string) string {
	b.tables++
	return fmt.Sprintf("表%d　%s", b.tables, s)
}

// summaryChapter is chapter 3, 監査結果一覧: counts by section and rating
// (and status, for follow-ups), by section and finding class, and the
// result of every item.
func (b *builder) summaryChapter() {
	in := b.in
	secs := sections(sortedItems(in.Items))
	b.heading(1, "監査結果一覧")
	if in.followup() {
		b.heading(2, "改善状況の集計")
		statuses := append(append([]audit.ImprovementStatus(nil), audit.ImprovementStatuses...), audit.StatusNone)
		cols := []string{}
		for _, s := range statuses {
			cols = append(cols, statusLabel(s))
		}
		b.add(b.crossTable(b.tableCaption("区分別の改善状況"), secs, cols, func(it ItemInput) int {
			for i, s := range statuses {
				if it.Result.Status == s {
					return i
				}
			}
			return len(statuses) - 1
		}))
	}
	b.heading(2, "評価の集計")
	ratings := in.scale().Ratings
	var cols []string
	for _, r := range ratings {
		if r.Rated {
			cols = append(cols, r.Label)
		}
	}
	cols = append(cols, "未評価")
	b.add(b.crossTable(b.tableCaption("区分別の評価"), secs, cols, func(it ItemInput) int {
		r, ok := in.rating(it.Result.Rating)
		if ok && r.Rated {
			for i, c := range cols {
				if c == r.Label {
					return i
				}
			}
		}
		return len(cols) - 1
	}))
	b.heading(2, "指摘事項等の集計")
	classes := audit.FindingClasses
	var ccols []string
	for _, c := range classes {
		ccols = append(ccols, c.Label())
	}
	ccols = append(ccols, "なし")
	b.add(b.crossTable(b.tableCaption("区分別の指摘事項等の件数"), secs, ccols, func(it ItemInput) int {
		for i, c := range classes {
			if it.Result.Finding == c {
				return i
			}
		}
		return len(classes)
	}))

	b.heading(2, "監査項目別の結果")
	t := Table{Caption: b.tableCaption("監査項目別の結果"), Columns: []Column{
		{Title: "No.", Width: 0.7, Align: Middle}, {Title: "区分", Width: 1.6}, {Title: "監査項目", Width: 3.4},
		{Title: "評価", Width: 1.1, Align: Middle}, {Title: "分類", Width: 1.1, Align: Middle},
	}}
	if in.followup() {
		t.Columns = append(t.Columns, Column{Title: "改善状況", Width: 1.1, Align: Middle})
	}
	for _, it := range sortedItems(in.Items) {
		row := []Cell{
			{Runs: []Run{{Text: it.No}}, Align: Middle}, b.cell(sectionOf(it)), b.cell(it.Title),
			{Runs: []Run{{Text: in.ratingLabel(it)}}, Align: Middle},
			{Runs: []Run{{Text: orDash(it.Result.Finding.Label())}}, Align: Middle},
		}
		if in.followup() {
			row = append(row, Cell{Runs: []Run{{Text: statusLabel(it.Result.Status)}}, Align: Middle})
		}
		t.Rows = append(t.Rows, row)
	}
	b.add(t)
	if !in.followup() {
		b.itemResults()
	}
}

// itemResults prints what was done and seen for every item (the result
// list's 監査実施内容 and 監査証拠); items printed in chapters 4 and 5
// point there instead of repeating.
func (b *builder) itemResults() {
	ref := map[string]string{}
	for i, it := range findings(b.in.Items) {
		ref[it.ID] = fmt.Sprintf("4.%d", i+1)
	}
	for _, it := range ofClass(b.in.Items, audit.FindingNotable) {
		ref[it.ID] = "5.1"
	}
	for _, it := range ofClass(b.in.Items, audit.FindingGood) {
		ref[it.ID] = "5.2"
	}
	b.heading(2, "監査項目別の確認内容")
	b.text("監査項目ごとに確認した内容は、次のとおりである。指摘事項、改善提案、特記事項又は良好事例とした項目は、その内容を記載した節を示す。")
	for _, it := range sortedItems(b.in.Items) {
		head := append([]Run{{Text: "No." + it.No + "　", Bold: true}}, b.bold(strings.TrimSpace(it.Title))...)
		head = append(head, Run{Text: "（評価：" + b.in.ratingLabel(it) + "）", Bold: true})
		b.add(Paragraph{Runs: head})
		if r, ok := ref[it.ID]; ok {
			b.text(it.Result.Finding.Label() + "として" + r + "に記載した。")
			continue
		}
		b.textOr(it.Result.Observation, "（未記入）")
		if s := strings.TrimSpace(it.Result.EvidenceSeen); s != "" {
			b.para(Note, "確認した監査証拠："+s)
		}
	}
}

func statusLabel(s audit.ImprovementStatus) string {
	if s == audit.StatusNone {
		return "未報告"
	}
	return s.Label()
}

// crossTable counts items by section (rows) and a column chosen per item,
// with totals.
func (b *builder) crossTable(caption string, secs, cols []string, col func(ItemInput) int) Table {
	t := Table{Caption: caption, Columns: []Column{{Title: "区分", Width: 2.6}}}
	for _, c := range cols {
		t.Columns = append(t.Columns, Column{Title: c, Width: 1, Align: AlignRight})
	}
	t.Columns = append(t.Columns, Column{Title: "計", Width: 0.8, Align: AlignRight})
	total := make([]int, len(cols))
	for _, s := range secs {
		n := make([]int, len(cols))
		sum := 0
		for _, it := range b.in.Items {
			if sectionOf(it) == s {
				n[col(it)]++
				sum++
			}
		}
		row := []Cell{b.cell(s)}
		for i, v := range n {
			row = append(row, b.count(v))
			total[i] += v
		}
		t.Rows = append(t.Rows, append(row, b.count(sum)))
	}
	row := []Cell{{Runs: []Run{{Text: "合計"}}, Shade: true}}
	sum := 0
	for _, v := range total {
		c := b.count(v)
		c.Shade = true
		row = append(row, c)
		sum += v
	}
	c := b.count(sum)
	c.Shade = true
	t.Rows = append(t.Rows, append(row, c))
	return t
}

// findingsChapter is chapter 4, 指摘事項及び改善提案.
func (b *builder) findingsChapter() {
	fs := findings(b.in.Items)
	b.heading(1, "指摘事項及び改善提案")
	if len(fs) == 0 {
		b.text("今回の監査では、本章に記載する指摘事項及び改善提案はない。")
		return
	}
	c := countItems(b.in)
	b.text("本章では、" + classCount(c.byClass[audit.FindingMajor], c.byClass[audit.FindingAdvice]) +
		"について、監査項目、適用基準、確認した事実、想定されるリスク及び改善提案を示す。指摘事項を先に、それぞれ監査項目の番号順に記載し、改善提案は新しい頁から記載する。")
	for _, it := range fs {
		b.heading(2, "【"+it.Result.Finding.Label()+"】No."+it.No+"　"+strings.TrimSpace(it.Title))
		b.itemTable(it)
		b.heading(3, "適用基準")
		b.textOr(it.Criteria, "チェックシートの適用基準のとおり。")
		b.heading(3, "確認した事実")
		b.facts(it)
		b.riskAndProposal(it)
	}
}

// itemTable is the key facts of an item under its heading.
func (b *builder) itemTable(it ItemInput) {
	rows := [][2]string{
		{"区分", sectionOf(it)},
		{"監査項目", "No." + it.No + "　" + it.Title},
		{"例文番号", it.GuidelineRef},
	}
	if b.in.followup() {
		rows = append(rows, [2]string{"前回の指摘", it.Origin}, [2]string{"改善状況", statusLabel(it.Result.Status)})
	}
	rows = append(rows, [2]string{"評価", b.in.ratingLabel(it)}, [2]string{"分類", it.Result.Finding.Label()})
	b.keyValue(rows)
}

// facts prints what was seen: the observation, the evidence seen, the
// figures and the other linked evidence and hearings.
func (b *builder) facts(it ItemInput) {
	b.textOr(it.Result.Observation, "（未記入）")
	if strings.TrimSpace(it.Result.EvidenceSeen) != "" {
		b.label("確認した監査証拠")
		b.text(it.Result.EvidenceSeen)
	}
	var others []string
	for _, e := range it.Evidence {
		if e.Kind == audit.EvidencePhoto && b.in.Image != nil {
			if img, ok := b.in.Image(e.ID); ok {
				b.figures++
				b.add(Figure{
					Image:      img,
					Caption:    b.flat(fmt.Sprintf("図%d　%s", b.figures, evidenceCaption(e))),
					EvidenceID: e.ID,
					ShortHash:  e.ShortHash(),
				})
				continue
			}
		}
		others = append(others, fmt.Sprintf("%s（%s、証跡ID %s）", evidenceCaption(e), e.FileName, e.ID))
	}
	if len(others) > 0 {
		b.label("関連する証跡")
		b.list(others)
	}
	var hs []string
	for _, id := range it.Hearings {
		if h, ok := b.hear[id]; ok {
			hs = append(hs, jpcal.Wareki(h.At.In(jpcal.JST))+"　"+b.interviewees(h))
		}
	}
	if len(hs) > 0 {
		b.label("関連するヒアリング")
		b.list(hs)
	}
}

func evidenceCaption(e audit.Evidence) string {
	if s := strings.TrimSpace(e.Caption); s != "" {
		return s
	}
	return e.FileName
}

// riskAndProposal prints the risk and then, on a new page, the proposal
// as written.
func (b *builder) riskAndProposal(it ItemInput) {
	b.heading(3, "想定されるリスク")
	r, _ := risk(it)
	b.text(r)
	b.add(PageBreak{})
	b.heading(3, "改善提案")
	b.textOr(it.Result.Proposal, "（未記入）")
}

// followupChapter is a follow-up report's chapter 4: every earlier finding
// with the auditee's status and comment and the auditor's evaluation.
func (b *builder) followupChapter() {
	b.heading(1, "改善状況の確認結果")
	b.text("前回の指摘事項等ごとに、被監査部門の報告による改善状況及び説明と、監査人による確認の結果を示す。引き続き改善を要する事項については、想定されるリスク及び改善提案を新しい頁から記載する。")
	for _, it := range sortedItems(b.in.Items) {
		b.heading(2, "No."+it.No+"　"+strings.TrimSpace(it.Title))
		b.itemTable(it)
		b.heading(3, "被監査部門の説明")
		if strings.TrimSpace(it.Result.AuditeeComment) == "" {
			b.text("（改善計画書兼進捗状況一覧表に記載なし）")
		} else {
			for _, p := range paragraphs(it.Result.AuditeeComment) {
				b.para(Quote, p)
			}
		}
		b.heading(3, "監査人の評価")
		b.add(Paragraph{Runs: []Run{{Text: "評価：" + b.in.ratingLabel(it) + "（改善状況：" + statusLabel(it.Result.Status) + "）", Bold: true}}})
		b.facts(it)
		if isFinding(it) {
			b.riskAndProposal(it)
		}
	}
}

// notableChapter lists the 特記事項 and 良好事例.
func (b *builder) notableChapter() {
	b.heading(1, "特記事項及び良好事例")
	for _, class := range []audit.FindingClass{audit.FindingNotable, audit.FindingGood} {
		b.heading(2, class.Label())
		items := ofClass(b.in.Items, class)
		if len(items) == 0 {
			b.text("該当する事項はない。")
			continue
		}
		for _, it := range items {
			b.add(Paragraph{Runs: append([]Run{{Text: "No." + it.No + "　", Bold: true}}, b.bold(strings.TrimSpace(it.Title))...)})
			b.textOr(it.Result.Observation, "（未記入）")
			if s := strings.TrimSpace(it.Result.EvidenceSeen); s != "" {
				b.para(Note, "確認した監査証拠："+s)
			}
			if strings.TrimSpace(it.Result.Proposal) != "" {
				b.label("助言")
				b.text(it.Result.Proposal)
			}
		}
	}
}

// evidenceAppendix is the evidence index.
func (b *builder) evidenceAppendix() {
	b.add(PageBreak{})
	b.appendix("付録1　証跡一覧")
	ev := append([]audit.Evidence(nil), b.in.Evidence...)
	if len(ev) == 0 {
		b.text("本監査で取得した証跡はない。")
		return
	}
	sort.SliceStable(ev, func(i, j int) bool { return ev[i].CapturedAt.Before(ev[j].CapturedAt) })
	t := Table{Columns: []Column{
		{Title: "No.", Width: 0.5, Align: Middle}, {Title: "証跡ID", Width: 1.4}, {Title: "説明", Width: 2},
		{Title: "ファイル名", Width: 1.6}, {Title: "SHA-256", Width: 2.2}, {Title: "取得日時", Width: 1.5},
		{Title: "取得者", Width: 1}, {Title: "関連項目", Width: 0.8},
	}}
	for i, e := range ev {
		t.Rows = append(t.Rows, []Cell{
			{Runs: []Run{{Text: fmt.Sprint(i + 1)}}, Align: Middle}, {Runs: []Run{{Text: e.ID}}},
			b.cell(orDash(e.Caption)), b.cell(e.FileName), {Runs: []Run{{Text: e.SHA256}}},
			{Runs: []Run{{Text: jpcal.WarekiDateTime(e.CapturedAt.In(jpcal.JST))}}}, b.cell(e.CapturedBy),
			{Runs: []Run{{Text: orDash(b.itemNos(e.Items))}}},
		})
	}
	b.add(t)
	b.para(Note, "SHA-256は、取得時の原本ファイルのハッシュ値である。本文中の図に付した値は、その先頭12桁である。取得日時は日本標準時による。")
}

// hearingAppendix is the hearing log, by division and role.
func (b *builder) hearingAppendix() {
	b.appendix("付録2　ヒアリング記録")
	hs := append([]audit.Hearing(nil), b.in.Hearings...)
	if len(hs) == 0 {
		b.text("本監査で実施したヒアリングの記録はない。")
		return
	}
	sort.SliceStable(hs, func(i, j int) bool { return hs[i].At.Before(hs[j].At) })
	t := Table{Columns: []Column{
		{Title: "No.", Width: 0.5, Align: Middle}, {Title: "日時", Width: 1.8}, {Title: "場所", Width: 1.4},
		{Title: "対象者", Width: 3}, {Title: "関連項目", Width: 1.2},
	}}
	for i, h := range hs {
		t.Rows = append(t.Rows, []Cell{
			{Runs: []Run{{Text: fmt.Sprint(i + 1)}}, Align: Middle},
			{Runs: []Run{{Text: jpcal.WarekiDateTime(h.At.In(jpcal.JST))}}},
			b.cell(orDash(h.Place)), b.cell(b.interviewees(h)), {Runs: []Run{{Text: orDash(b.itemNos(h.ItemIDs()))}}},
		})
	}
	b.add(t)
	if !b.in.NamesInHearings {
		b.para(Note, "対象者は所属及び役職により記載し、個人名は記載していない。")
	}
}
