package report

import (
	"fmt"
	"sort"
	"strings"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/jpcal"
)

// builder accumulates a document's blocks and numbers its headings.
type builder struct {
	in      Input
	doc     *Document
	mark    marker
	redact  bool // J-LIS: withhold confidential text in plain-string fields
	num     [3]int
	figures int
	tables  int
	items   map[string]ItemInput     // by id
	hear    map[string]audit.Hearing // by id
}

func newBuilder(in Input, title string, redact bool) *builder {
	b := &builder{
		in:     in,
		redact: redact,
		mark:   newMarker(in),
		items:  map[string]ItemInput{},
		hear:   map[string]audit.Hearing{},
		doc: &Document{
			Title:    title,
			Author:   in.issuer(),
			Language: "ja-JP",
		},
	}
	b.doc.Subject = b.flat(in.Audit.Title)
	for _, it := range in.Items {
		b.items[it.ID] = it
	}
	for _, h := range in.Hearings {
		b.hear[h.ID] = h
	}
	return b
}

func (b *builder) add(bl ...Block) { b.doc.Blocks = append(b.doc.Blocks, bl...) }

// flat is user text for a plain-string field: withheld where confidential
// in the J-LIS variant, as written otherwise.
func (b *builder) flat(s string) string {
	if b.redact {
		return b.mark.withhold(s)
	}
	return s
}

// runs is user text as runs, its confidential substrings marked.
func (b *builder) runs(s string) []Run { return b.mark.runs(s, false) }

func (b *builder) bold(s string) []Run { return b.mark.runs(s, true) }

// heading adds a numbered heading of the level (1–3).
func (b *builder) heading(level int, text string) {
	b.num[level-1]++
	for i := level; i < len(b.num); i++ {
		b.num[i] = 0
	}
	parts := make([]string, level)
	for i := range level {
		parts[i] = fmt.Sprint(b.num[i])
	}
	b.add(Heading{Level: level, Number: strings.Join(parts, "."), Text: b.flat(text)})
}

// appendix adds an unnumbered chapter heading.
func (b *builder) appendix(text string) { b.add(Heading{Level: 1, Text: text}) }

// text adds user-written text, one body paragraph per line.
func (b *builder) text(s string) {
	for _, p := range paragraphs(s) {
		b.add(Paragraph{Runs: b.runs(p)})
	}
}

// textOr adds s, or the fallback when s is blank.
func (b *builder) textOr(s, fallback string) {
	if strings.TrimSpace(s) == "" {
		s = fallback
	}
	b.text(s)
}

// para adds one paragraph in a style.
func (b *builder) para(style ParaStyle, s string) {
	b.add(Paragraph{Style: style, Runs: b.runs(s)})
}

// label adds a bold lead-in paragraph (「確認した監査証拠」).
func (b *builder) label(s string) { b.add(Paragraph{Runs: []Run{{Text: s, Bold: true}}}) }

// list adds a bullet list of user text.
func (b *builder) list(items []string) {
	if len(items) == 0 {
		return
	}
	l := List{}
	for _, s := range items {
		l.Items = append(l.Items, b.runs(s))
	}
	b.add(l)
}

func (b *builder) cell(s string) Cell { return Cell{Runs: b.runs(s)} }

func (b *builder) count(n int) Cell {
	return Cell{Runs: []Run{{Text: fmt.Sprint(n)}}, Align: AlignRight}
}

// confCell is a whole-field confidential cell (a system name).
func confCell(s string) Cell {
	if strings.TrimSpace(s) == "" {
		return Cell{Runs: []Run{{Text: "—"}}, Align: Middle}
	}
	return Cell{Runs: []Run{{Text: s, Confidential: true}}}
}

// keyValue adds a two-column table of labels and values.
func (b *builder) keyValue(rows [][2]string) {
	t := Table{Columns: []Column{{Title: "項目", Width: 1}, {Title: "内容", Width: 4}}}
	for _, r := range rows {
		if strings.TrimSpace(r[1]) == "" {
			continue
		}
		t.Rows = append(t.Rows, []Cell{{Runs: []Run{{Text: r[0]}}, Shade: true}, b.cell(r[1])})
	}
	b.add(t)
}

// cover fills the cover page.
func (b *builder) cover(docTitle, subtitle, marking string) {
	in := b.in
	issuer := []string{in.issuer()}
	if chief := chiefName(in.Engagement.Members); chief != "" {
		issuer = append(issuer, "主監査人　"+chief)
	}
	b.doc.Cover = &Cover{
		Title:      b.flat(in.fiscalYear() + "　" + in.Audit.Title + "　" + docTitle),
		Subtitle:   subtitle,
		Client:     in.Engagement.Client + "　御中",
		FiscalYear: in.fiscalYear(),
		Date:       jpcal.Wareki(in.Date.In(jpcal.JST)),
		Issuer:     issuer,
		Marking:    marking,
	}
	b.add(TOC{Title: "目次"}, PageBreak{})
}

func chiefName(ms []audit.Member) string {
	for _, m := range ms {
		if m.Role == audit.RoleChief {
			return m.Name
		}
	}
	return ""
}

// members returns the roster in role order (audit.Roles), stable.
func members(ms []audit.Member) []audit.Member {
	rank := func(r audit.Role) int {
		for i, x := range audit.Roles {
			if x == r {
				return i
			}
		}
		return len(audit.Roles)
	}
	out := append([]audit.Member(nil), ms...)
	sort.SliceStable(out, func(i, j int) bool { return rank(out[i].Role) < rank(out[j].Role) })
	return out
}

// duty is what each role does on the team.
func duty(r audit.Role) string {
	switch r {
	case audit.RoleProjectManager:
		return "業務全体の管理、区との連絡調整"
	case audit.RoleChief:
		return "監査の計画、実施及び報告の統括"
	case audit.RoleAssistant:
		return "主監査人の補佐、監査手続の実施"
	case audit.RoleAuditor:
		return "監査手続の実施、監査証拠の収集及び記録"
	}
	return ""
}

// teamTable is the team from the roster, with roles and qualifications.
func (b *builder) teamTable() {
	ms := members(b.in.Engagement.Members)
	if len(ms) == 0 {
		b.text("監査従事者は、別途提出する従事者名簿のとおりとする。")
		return
	}
	t := Table{Columns: []Column{
		{Title: "役割", Width: 1.3}, {Title: "氏名", Width: 1.2}, {Title: "所属・役職", Width: 2},
		{Title: "保有資格", Width: 2.6}, {Title: "担当", Width: 2.2},
	}}
	for _, m := range ms {
		var qs []string
		for _, q := range m.Qualifications {
			s := q.Name
			if d, ok := date(q.Obtained); ok {
				s += "（" + jpcal.Wareki(d) + "取得）"
			}
			qs = append(qs, s)
		}
		org := strings.TrimSpace(strings.TrimSpace(m.Organisation) + "　" + strings.TrimSpace(m.Title))
		t.Rows = append(t.Rows, []Cell{
			{Runs: []Run{{Text: m.Role.Label()}}}, b.cell(m.Name), b.cell(org),
			b.cell(orDash(strings.Join(qs, "、"))), {Runs: []Run{{Text: duty(m.Role)}}},
		})
	}
	b.add(t)
}

// targetTable lists the audited divisions and systems.
func (b *builder) targetTable() {
	ts := b.in.Audit.Targets
	if len(ts) == 0 {
		b.text(b.in.Audit.Title + "の対象部門（監査計画書のとおり）")
		return
	}
	t := Table{Columns: []Column{
		{Title: "区分", Width: 1}, {Title: "監査対象部門", Width: 2.2}, {Title: "責任者", Width: 1.6}, {Title: "対象システム", Width: 2.4},
	}}
	for _, x := range ts {
		kind := "区"
		if x.Vendor {
			kind = "委託事業者"
		}
		t.Rows = append(t.Rows, []Cell{
			{Runs: []Run{{Text: kind}}, Align: Middle}, b.cell(x.Division), b.cell(orDash(x.Responsible)), confCell(x.System),
		})
	}
	b.add(t)
}

// period is the audit period in 和暦, "" when the plan gives neither a
// period nor a schedule.
func (b *builder) period() string {
	p := b.in.Audit.Plan
	switch {
	case p.PeriodStart != "" && p.PeriodEnd != "":
		return wareki(p.PeriodStart) + "から" + wareki(p.PeriodEnd) + "まで"
	case p.PeriodStart != "":
		return wareki(p.PeriodStart) + "から"
	case len(p.Schedule) > 0:
		first, last := p.Schedule[0].Date, p.Schedule[0].Date
		for _, s := range p.Schedule {
			first, last = min(first, s.Date), max(last, s.Date)
		}
		if first == last {
			return wareki(first)
		}
		return wareki(first) + "から" + wareki(last) + "まで"
	}
	return ""
}

// scheduleTable adds the schedule with dates in 和暦 and weekdays; false
// when the plan has none.
func (b *builder) scheduleTable() bool {
	s := append([]audit.ScheduleEntry(nil), b.in.Audit.Plan.Schedule...)
	if len(s) == 0 {
		return false
	}
	sort.SliceStable(s, func(i, j int) bool { return s[i].Date < s[j].Date })
	t := Table{Columns: []Column{{Title: "日程", Width: 2.2}, {Title: "実施内容", Width: 3.4}, {Title: "場所", Width: 2}}}
	for _, e := range s {
		d := e.Date
		if tm, ok := date(e.Date); ok {
			d = jpcal.WarekiWeekday(tm)
		}
		t.Rows = append(t.Rows, []Cell{{Runs: []Run{{Text: d}}}, b.cell(e.Activity), b.cell(orDash(e.Place))})
	}
	b.add(t)
	return true
}

// ratingMeaning explains a rating of the default scale; custom labels get
// a pointer to the agreement with the ward (the scale has no descriptions).
func ratingMeaning(r audit.Rating) string {
	switch r.Label {
	case "適合":
		return "適用基準が求める対策が整備され、その運用を記録等により確認できたもの"
	case "一部適合":
		return "対策は整備されているが、その一部又は運用に不十分な点が認められたもの"
	case "不適合":
		return "適用基準が求める対策が整備されていない、又は運用されていないもの"
	case "該当なし":
		return "対象部門の業務又はシステムに当該監査項目が該当しないもの"
	case "未確認":
		return "監査期間内に確認が完了していないもの"
	}
	if !r.Rated {
		return "確認が完了していないもの"
	}
	return "区と協議の上定めた判断基準による"
}

// scaleTable is the audit's rating scale.
func (b *builder) scaleTable() {
	t := Table{Columns: []Column{{Title: "評価", Width: 1.2}, {Title: "判断の基準", Width: 5}}}
	for _, r := range b.in.scale().Ratings {
		t.Rows = append(t.Rows, []Cell{{Runs: []Run{{Text: r.Label}}, Align: Middle}, {Runs: []Run{{Text: ratingMeaning(r)}}}})
	}
	b.add(t)
}

// classTable explains the finding classes.
func (b *builder) classTable() {
	rows := [][2]string{
		{audit.FindingMajor.Label(), "適用基準が求める対策に不備があり、改善が必要と認められる事項"},
		{audit.FindingAdvice.Label(), "不備とまではいえないが、より望ましい対策に向けて改善の余地が認められる事項"},
		{audit.FindingNotable.Label(), "評価の対象ではないが、区において留意すべきと認められる事項"},
		{audit.FindingGood.Label(), "他の部門の参考となる優れた取組と認められる事項"},
	}
	t := Table{Columns: []Column{{Title: "分類", Width: 1.2}, {Title: "内容", Width: 5}}}
	for _, r := range rows {
		t.Rows = append(t.Rows, []Cell{{Runs: []Run{{Text: r[0]}}, Align: Middle}, {Runs: []Run{{Text: r[1]}}}})
	}
	b.add(t)
}

// itemNos turns item ids into printed numbers.
func (b *builder) itemNos(ids []string) string {
	var nos []string
	seen := map[string]bool{}
	for _, id := range ids {
		if it, ok := b.items[id]; ok && !seen[it.No] {
			seen[it.No] = true
			nos = append(nos, it.No)
		}
	}
	sort.SliceStable(nos, func(i, j int) bool { return audit.CompareNo(nos[i], nos[j]) < 0 })
	return strings.Join(nos, "、")
}

// interviewees names the people heard by division and role, grouped by
// division: 「情報政策課（課長、システム担当係長）、税務課（課長補佐）」.
// Personal names follow the role only when the input asks for them.
func (b *builder) interviewees(h audit.Hearing) string {
	var divs []string
	roles := map[string][]string{}
	for _, p := range h.Interviewees {
		d := strings.TrimSpace(p.Division)
		r := strings.TrimSpace(p.Role)
		if b.in.NamesInHearings && strings.TrimSpace(p.Name) != "" {
			r = strings.TrimSpace(r + " " + strings.TrimSpace(p.Name))
		}
		if r == "" {
			r = "担当者"
		}
		if _, ok := roles[d]; !ok {
			divs = append(divs, d)
		}
		roles[d] = append(roles[d], r)
	}
	var out []string
	for _, d := range divs {
		rs := strings.Join(roles[d], "、")
		if d == "" {
			out = append(out, rs)
			continue
		}
		out = append(out, d+"（"+rs+"）")
	}
	return strings.Join(out, "、")
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

// sections returns the items' sections in first-seen order.
func sections(items []ItemInput) []string {
	var out []string
	seen := map[string]bool{}
	for _, it := range items {
		s := sectionOf(it)
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func sectionOf(it ItemInput) string {
	if s := strings.TrimSpace(it.Section); s != "" {
		return s
	}
	return "（区分なし）"
}

// sortedItems returns the items in checksheet-number order.
func sortedItems(items []ItemInput) []ItemInput {
	out := append([]ItemInput(nil), items...)
	sort.SliceStable(out, func(i, j int) bool { return audit.CompareNo(out[i].No, out[j].No) < 0 })
	return out
}

// findings returns the findings (指摘事項) and then the advice (改善提案),
// each in number order.
func findings(items []ItemInput) []ItemInput {
	var out []ItemInput
	for _, class := range []audit.FindingClass{audit.FindingMajor, audit.FindingAdvice} {
		for _, it := range sortedItems(items) {
			if it.Result.Finding == class {
				out = append(out, it)
			}
		}
	}
	return out
}

// ofClass returns the items of a finding class in number order.
func ofClass(items []ItemInput, class audit.FindingClass) []ItemInput {
	var out []ItemInput
	for _, it := range sortedItems(items) {
		if it.Result.Finding == class {
			out = append(out, it)
		}
	}
	return out
}
