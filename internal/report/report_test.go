package report

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kansa-audit/kansa/internal/audit"
)

// squeeze removes all white space, so text can be compared across
// paragraph and line splitting.
func squeeze(s string) string { return strings.Join(strings.Fields(s), "") }

func mustReport(t *testing.T, in Input, v Variant) *Document {
	t.Helper()
	d, err := BuildReport(in, v)
	if err != nil {
		t.Fatalf("BuildReport(%s): %v", v, err)
	}
	return d
}

func headings(d *Document, level int) []string {
	var out []string
	for _, b := range d.Blocks {
		if h, ok := b.(Heading); ok && (level == 0 || h.Level == level) {
			out = append(out, h.Text)
		}
	}
	return out
}

// allText is every piece of text in a document, cover and plain-string
// fields included.
func allText(d *Document) string {
	var b strings.Builder
	b.WriteString(d.Title + "\n" + d.Subject + "\n" + d.Author + "\n")
	if c := d.Cover; c != nil {
		b.WriteString(strings.Join([]string{c.Title, c.Subtitle, c.Client, c.FiscalYear, c.Date, c.Marking}, "\n"))
		b.WriteString("\n" + strings.Join(c.Issuer, "\n") + "\n")
	}
	for _, bl := range d.Blocks {
		switch v := bl.(type) {
		case Table:
			b.WriteString(v.Caption + "\n")
		case Figure:
			b.WriteString(v.EvidenceID + " " + v.ShortHash + "\n")
		case TOC:
			b.WriteString(v.Title + "\n")
		}
	}
	b.WriteString(d.PlainText())
	return b.String()
}

func TestBuildPlanSections(t *testing.T) {
	in := externalInput()
	d, err := BuildPlan(in)
	if err != nil {
		t.Fatal(err)
	}
	if got := headings(d, 1); strings.Join(got, "|") != strings.Join(planSections, "|") {
		t.Errorf("plan chapters = %q; want %q", got, planSections)
	}
	for i, b := range d.Blocks {
		if h, ok := b.(Heading); ok && h.Level == 1 && h.Number == "" {
			t.Errorf("block %d: plan chapter %q is unnumbered", i, h.Text)
		}
	}
	text := d.PlainText()
	for _, want := range []string{
		in.Audit.Plan.Purpose, "情報政策課長", "住民記録システム", "委託事業者",
		"主監査人", "山田 花子", "CISA（平成27年4月1日取得）", "ISMS主任審査員", "主監査人補佐", "業務責任者",
		in.Audit.Plan.Method, in.Audit.Plan.EvidenceScope, in.Audit.Plan.EvidenceCollection,
		"入退室管理簿", "鍵の貸出簿", // examples from the checksheet
		"令和8年7月1日から令和8年12月25日まで", "令和8年9月10日（木）", "現地監査（情報政策課）",
		"適合", "一部適合", "不適合", "該当なし", "未確認", "指摘事項", "良好事例",
		"監査報告会は", "暗号化",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("plan text lacks %q", want)
		}
	}
	// The team table is in role order: chief first, then assistant, auditor, manager.
	iChief, iPM := strings.Index(text, "山田 花子"), strings.Index(text, "佐藤 一郎")
	if iChief < 0 || iPM < 0 || iChief > iPM {
		t.Errorf("team table order: chief at %d, project manager at %d", iChief, iPM)
	}
	// The schedule is sorted by date.
	if strings.Index(text, "予備調査（資料依頼）") > strings.Index(text, "現地監査（情報政策課）") {
		t.Error("schedule is not in date order")
	}
	c := d.Cover
	if c == nil || c.Client != "世田谷区　御中" || c.FiscalYear != "令和8年度" || c.Date != "令和8年12月25日" ||
		!strings.Contains(c.Title, "監査計画書") || c.Issuer[0] != "株式会社みらい監査法人" {
		t.Errorf("plan cover = %+v", c)
	}
	if d.Title != "監査計画書" || d.Language != "ja-JP" {
		t.Errorf("plan document = %q %q", d.Title, d.Language)
	}
}

func TestBuildPlanDefaults(t *testing.T) {
	for _, kind := range audit.Kinds {
		in := externalInput()
		in.Audit.Kind = kind
		in.Audit.Plan = audit.Plan{}
		in.Engagement.Members = nil
		d, err := BuildPlan(in)
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		if got := headings(d, 1); len(got) != len(planSections) {
			t.Errorf("%s: %d chapters; want %d", kind, len(got), len(planSections))
		}
		text := d.PlainText()
		for _, want := range []string{defaultPurpose(in), "総務省", defaultMethod(in), "区と調整の上決定する", "従事者名簿"} {
			if !strings.Contains(squeeze(text), squeeze(want)) {
				t.Errorf("%s: plan lacks default text %q", kind, want)
			}
		}
		for _, w := range AssuranceWording(text) {
			t.Errorf("%s: plan standard text has assurance wording %q", kind, w)
		}
	}
}

func TestBuildReportStructure(t *testing.T) {
	in := externalInput()
	d := mustReport(t, in, VariantWard)
	want := []string{"監査の概要", "総評", "監査結果一覧", "指摘事項及び改善提案", "特記事項及び良好事例", "付録1　証跡一覧", "付録2　ヒアリング記録"}
	if got := headings(d, 1); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("chapters = %q; want %q", got, want)
	}
	sub := headings(d, 2)
	for _, w := range []string{"監査の目的", "監査の対象", "監査の期間", "監査の体制", "監査の基準", "監査の方法", "評価の集計", "特記事項", "良好事例"} {
		if !contains(sub, w) {
			t.Errorf("sections lack %q", w)
		}
	}
	if _, ok := d.Blocks[0].(TOC); !ok {
		t.Errorf("first block = %T; want the TOC", d.Blocks[0])
	}
	c := d.Cover
	if c == nil || c.Client != "世田谷区　御中" || c.FiscalYear != "令和8年度" || c.Date != "令和8年12月25日" ||
		c.Title != "令和8年度　外部監査　監査報告書" || c.Issuer[0] != "株式会社みらい監査法人" || c.Issuer[1] != "主監査人　山田 花子" {
		t.Errorf("cover = %+v", c)
	}
	// Numbering: chapters 1–5, finding sections 4.1–4.4, subsections 4.1.1–4.1.4.
	var nums []string
	for _, b := range d.Blocks {
		if h, ok := b.(Heading); ok && strings.HasPrefix(h.Number, "4.1") {
			nums = append(nums, h.Number)
		}
	}
	if got := strings.Join(nums, " "); got != "4.1 4.1.1 4.1.2 4.1.3 4.1.4" {
		t.Errorf("numbers under 4.1 = %s", got)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestReportHoldsEveryObservationAndProposal(t *testing.T) {
	for name, in := range map[string]Input{"external": externalInput(), "followup": followupInput(), "common-platform": commonPlatformInput()} {
		d := mustReport(t, in, VariantWard)
		text := squeeze(d.PlainText())
		for _, it := range in.Items {
			for what, s := range map[string]string{"observation": it.Result.Observation, "proposal": it.Result.Proposal, "evidence seen": it.Result.EvidenceSeen} {
				if s != "" && !strings.Contains(text, squeeze(s)) {
					t.Errorf("%s: report lacks the %s of No.%s", name, what, it.No)
				}
			}
			// Each proposal line is its own paragraph, intact.
			for _, p := range paragraphs(it.Result.Proposal) {
				if !strings.Contains(d.PlainText(), p+"\n") {
					t.Errorf("%s: proposal paragraph of No.%s not intact: %.30s…", name, it.No, p)
				}
			}
		}
		for _, e := range in.Evidence {
			if !strings.Contains(text, e.SHA256) || !strings.Contains(text, e.ID) {
				t.Errorf("%s: evidence index lacks %s", name, e.ID)
			}
		}
	}
}

func TestProposalStartsOnNewPage(t *testing.T) {
	for name, in := range map[string]Input{"external": externalInput(), "followup": followupInput()} {
		d := mustReport(t, in, VariantWard)
		proposals := 0
		for i, b := range d.Blocks {
			h, ok := b.(Heading)
			if !ok || h.Text != "改善提案" || h.Level != 3 {
				continue
			}
			proposals++
			if _, ok := d.Blocks[i-1].(PageBreak); !ok {
				t.Errorf("%s: proposal heading %s is preceded by %T, not a page break", name, h.Number, d.Blocks[i-1])
			}
			if p, ok := d.Blocks[i+1].(Paragraph); !ok || len(p.Runs) == 0 || !strings.HasPrefix(p.Runs[0].Text, "（1）") {
				t.Errorf("%s: proposal %s does not run as written: %#v", name, h.Number, d.Blocks[i+1])
			}
		}
		want := 0
		for _, it := range in.Items {
			if isFinding(it) {
				want++
			}
		}
		if proposals != want {
			t.Errorf("%s: %d proposals; want %d", name, proposals, want)
		}
	}
}

func TestFindingsOrder(t *testing.T) {
	in := externalInput()
	// Shuffle the input order; the report orders by class, then number.
	in.Items = []ItemInput{in.Items[6], in.Items[4], in.Items[1], in.Items[7], in.Items[2], in.Items[0], in.Items[3], in.Items[5]}
	d := mustReport(t, in, VariantWard)
	var got []string
	inChapter := false
	for _, b := range d.Blocks {
		if h, ok := b.(Heading); ok {
			if h.Level == 1 {
				inChapter = h.Text == "指摘事項及び改善提案"
			} else if inChapter && h.Level == 2 {
				got = append(got, h.Number+" "+h.Text)
			}
		}
	}
	want := []string{
		"4.1 【指摘事項】No.3　サーバ室の入退室管理",
		"4.2 【指摘事項】No.5　特権IDの管理",
		"4.3 【改善提案】No.2　情報資産台帳の整備",
		"4.4 【改善提案】No.7　委託先の監督",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings = %q; want %q", got, want)
	}
}

func TestFiguresAndEvidence(t *testing.T) {
	in := externalInput()
	d := mustReport(t, in, VariantWard)
	var figs []Figure
	for _, b := range d.Blocks {
		if f, ok := b.(Figure); ok {
			figs = append(figs, f)
		}
	}
	want := []struct{ caption, id string }{
		{"図1　サーバ室入口の入退室管理簿", "ev01"}, {"図2　サーバ室の鍵保管庫", "ev02"}, {"図3　管理サーバのアカウント一覧画面", "ev04"},
	}
	if len(figs) != len(want) {
		t.Fatalf("%d figures; want %d", len(figs), len(want))
	}
	for i, w := range want {
		f := figs[i]
		if f.Caption != w.caption || f.EvidenceID != w.id || f.ShortHash != sum(w.id)[:12] || len(f.Image.JPEG) == 0 {
			t.Errorf("figure %d = %q %s %s; want %q %s", i+1, f.Caption, f.EvidenceID, f.ShortHash, w.caption, w.id)
		}
	}
	text := d.PlainText()
	// A document is listed in words; so is every photo when there is no image source.
	if !strings.Contains(text, "情報資産台帳（情報政策課）（情報資産台帳_情報政策課.xlsx、証跡ID ev03）") {
		t.Error("document evidence is not listed under its finding")
	}
	if !strings.Contains(text, "令和8年9月10日 10:12") || !strings.Contains(text, "高橋 美咲") {
		t.Error("evidence index lacks the capture time in 和暦 (JST) or who captured it")
	}
	in.Image = nil
	d = mustReport(t, in, VariantWard)
	for _, b := range d.Blocks {
		if _, ok := b.(Figure); ok {
			t.Fatal("a figure without an image source")
		}
	}
	if !strings.Contains(d.PlainText(), "サーバ室の鍵保管庫（IMG_0013.jpg、証跡ID ev02）") {
		t.Error("photo without image is not listed in words")
	}
}

func TestRiskText(t *testing.T) {
	in := externalInput()
	text := mustReport(t, in, VariantWard).PlainText()
	// From the notes, for No.3.
	if !strings.Contains(text, "入退室の記録が不完全なため、権限のない者がサーバ室に立ち入っても事後に追跡できず") {
		t.Error("risk from the item's notes is missing")
	}
	if strings.Contains(text, "現地視察で確認。") {
		t.Error("notes other than the risk are printed")
	}
	tests := []struct {
		it        ItemInput
		want      string
		fromNotes bool
	}{
		{ItemInput{Item: audit.Item{Section: "技術的セキュリティ"}, Result: audit.Result{Finding: audit.FindingMajor}}, "不正アクセスやマルウェア感染等", false},
		{ItemInput{Item: audit.Item{Section: "業務委託と外部サービスの利用"}, Result: audit.Result{Finding: audit.FindingAdvice}}, "計画的に対応することが望まれる", false},
		{ItemInput{Item: audit.Item{Section: "物理的セキュリティ"}, Result: audit.Result{Finding: audit.FindingMajor}}, "優先して対応することが望まれる", false},
		{ItemInput{Item: audit.Item{Section: "", Title: "サーバ室の施錠"}}, "権限のない者の立入り", false},
		{ItemInput{Item: audit.Item{Section: "その他"}}, genericRisk, false},
		{ItemInput{Item: audit.Item{Notes: "【リスク】媒体の紛失により\n個人情報が漏えいするおそれがある。\n\n別件のメモ"}}, "媒体の紛失により\n個人情報が漏えいするおそれがある。", true},
		{ItemInput{Item: audit.Item{Notes: "想定されるリスク：ログの改ざん"}}, "ログの改ざん", true},
	}
	for _, tt := range tests {
		got, from := risk(tt.it)
		if !strings.Contains(got, tt.want) || from != tt.fromNotes {
			t.Errorf("risk(%q, %q) = %q, %v; want it to contain %q, %v", tt.it.Section, tt.it.Notes, got, from, tt.want, tt.fromNotes)
		}
		if w := AssuranceWording(got); len(w) > 0 {
			t.Errorf("risk text %q has assurance wording %q", got, w)
		}
	}
}

func TestHearingLogNames(t *testing.T) {
	in := externalInput()
	text := mustReport(t, in, VariantWard).PlainText()
	for _, name := range []string{"田中 誠", "小林 由美", "中村 健太"} {
		if strings.Contains(text, name) {
			t.Errorf("hearing log shows the personal name %s by default", name)
		}
	}
	for _, want := range []string{"情報政策課（課長、システム担当係長）", "令和8年9月10日 14:00", "第2庁舎4階会議室", "個人名は記載していない"} {
		if !strings.Contains(text, want) {
			t.Errorf("hearing log lacks %q", want)
		}
	}
	in.NamesInHearings = true
	text = mustReport(t, in, VariantWard).PlainText()
	if !strings.Contains(text, "情報政策課（課長 田中 誠、システム担当係長 小林 由美）") || strings.Contains(text, "個人名は記載していない") {
		t.Error("NamesInHearings does not show names")
	}
}

// cellText is the text of a table row.
func rowText(row []Cell) []string {
	var out []string
	for _, c := range row {
		var s string
		for _, r := range c.Runs {
			s += r.Text
		}
		out = append(out, s)
	}
	return out
}

func TestSummaryTable(t *testing.T) {
	d := mustReport(t, externalInput(), VariantWard)
	var tab *Table
	for _, b := range d.Blocks {
		if tb, ok := b.(Table); ok && strings.Contains(tb.Caption, "区分別の評価") {
			tab = &tb
			break
		}
	}
	if tab == nil {
		t.Fatal("no table of ratings by section")
	}
	var cols []string
	for _, c := range tab.Columns {
		cols = append(cols, c.Title)
	}
	if got := strings.Join(cols, ","); got != "区分,適合,一部適合,不適合,該当なし,未評価,計" {
		t.Errorf("columns = %s", got)
	}
	rows := map[string]string{}
	for _, r := range tab.Rows {
		cells := rowText(r)
		rows[cells[0]] = strings.Join(cells[1:], ",")
	}
	for sec, want := range map[string]string{
		"運用": "1,0,0,1,0,2", "物理的セキュリティ": "0,0,1,0,0,1", "合計": "3,2,2,1,0,8",
	} {
		if rows[sec] != want {
			t.Errorf("row %s = %s; want %s", sec, rows[sec], want)
		}
	}
}

func TestFollowupReport(t *testing.T) {
	in := followupInput()
	d := mustReport(t, in, VariantWard)
	want := []string{"監査の概要", "総評", "監査結果一覧", "改善状況の確認結果", "改善計画に対する評価", "特記事項及び良好事例", "付録1　証跡一覧", "付録2　ヒアリング記録"}
	if got := headings(d, 1); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("chapters = %q; want %q", got, want)
	}
	text := allText(d)
	for _, it := range in.Items {
		for _, w := range []string{it.Origin, it.Result.AuditeeComment, it.Result.Observation} {
			if !strings.Contains(text, w) {
				t.Errorf("No.%s: report lacks %q", it.No, w)
			}
		}
		label := "評価：" + in.ratingLabel(it) + "（改善状況：" + it.Result.Status.Label() + "）"
		if !strings.Contains(text, label) {
			t.Errorf("No.%s: report lacks %q", it.No, label)
		}
	}
	for _, w := range []string{
		"改善済2件、改善中1件、未着手1件", // 総評 and plan evaluation
		"改善済と報告された事項のうち1件",
		"未着手とされた1件については",
		"改善中とされた1件については",
		"区分別の改善状況",
	} {
		if !strings.Contains(text, w) {
			t.Errorf("follow-up report lacks %q", w)
		}
	}
	// Items in number order: 2, 3, 5, 7.
	var got []string
	for _, h := range headings(d, 2) {
		if strings.HasPrefix(h, "No.") {
			got = append(got, strings.Fields(strings.ReplaceAll(h, "　", " "))[0])
		}
	}
	if strings.Join(got, ",") != "No.2,No.3,No.5,No.7" {
		t.Errorf("follow-up items = %v", got)
	}
	// The auditor's own plan evaluation replaces the generated one.
	in.PlanEvaluation = "改善計画は具体的であり、担当と期限が明記されている。"
	if text := mustReport(t, in, VariantWard).PlainText(); !strings.Contains(text, in.PlanEvaluation) || strings.Contains(text, "未着手とされた1件については") {
		t.Error("PlanEvaluation does not replace the generated evaluation")
	}
}

func TestJLISVariant(t *testing.T) {
	in := commonPlatformInput()
	ward := allText(mustReport(t, in, VariantWard))
	jlis := allText(mustReport(t, in, VariantJLIS))
	for _, s := range secrets {
		if !strings.Contains(ward, s) {
			t.Errorf("ward variant lacks %q", s)
		}
		if strings.Contains(jlis, s) {
			t.Errorf("jlis variant contains confidential %q", s)
		}
	}
	// Photos are withheld whole in the J-LIS copy; the caption stays,
	// redacted.
	var caption string
	for _, b := range mustReport(t, in, VariantJLIS).Blocks {
		if _, ok := b.(Figure); ok {
			t.Error("jlis variant still holds a photo")
		}
		if p, ok := b.(Paragraph); ok && len(p.Runs) > 0 && strings.HasPrefix(p.Runs[0].Text, WithheldPhoto) {
			caption = p.Runs[0].Text
		}
	}
	if !strings.HasPrefix(caption, WithheldPhoto+"図1　（非開示） の共有フォルダ権限設定画面") {
		t.Errorf("jlis withheld photo line = %q", caption)
	}
	if !strings.Contains(jlis, Withheld) {
		t.Error("jlis variant has no 「（非開示）」")
	}
	for _, keep := range []string{"DX推進担当課", "共通基盤システム監査", "10:30:00", "1.2.300.4", "例文 3.2(1)", "無害化処理を経ないファイル", "（地方公共団体情報システム機構提出版）"} {
		if !strings.Contains(jlis, keep) {
			t.Errorf("jlis variant lost non-confidential %q", keep)
		}
	}
	if !strings.Contains(ward, "（世田谷区提出版）") {
		t.Error("ward variant of a common-platform report lacks its subtitle")
	}
	// The variant exists only for common-platform audits.
	if _, err := BuildReport(externalInput(), VariantJLIS); !errors.Is(err, audit.ErrInvalid) {
		t.Errorf("BuildReport(external, jlis) = %v; want ErrInvalid", err)
	}
	if _, err := BuildReport(externalInput(), "pdf"); !errors.Is(err, audit.ErrInvalid) {
		t.Errorf("BuildReport(external, pdf) = %v; want ErrInvalid", err)
	}
}

func TestGeneratedTextHasNoAssuranceWording(t *testing.T) {
	noFindings := externalInput()
	for i := range noFindings.Items {
		noFindings.Items[i].Result.Finding = audit.FindingNone
	}
	allGood := clone(noFindings)
	for i := range allGood.Items {
		allGood.Items[i].Result.Finding = audit.FindingGood
		allGood.Items[i].Result.Rating = "conform"
	}
	unrated := externalInput()
	for i := range unrated.Items {
		unrated.Items[i].Result.Rating = ""
	}
	fu := followupInput()
	for i := range fu.Items {
		fu.Items[i].Result.Status = audit.StatusImproved
		fu.Items[i].Result.Rating = "conform"
		fu.Items[i].Result.Finding = audit.FindingNone
	}
	cases := map[string]Input{
		"external": externalInput(), "no findings": noFindings, "all good": allGood, "unrated": unrated,
		"followup": followupInput(), "followup all improved": fu, "common-platform": commonPlatformInput(),
	}
	for name, in := range cases {
		gen := strings.Join(overall(in), "\n")
		if in.followup() {
			gen += "\n" + strings.Join(planEvaluation(in), "\n")
		}
		if w := AssuranceWording(gen); len(w) > 0 {
			t.Errorf("%s: generated 総評 has assurance wording %q:\n%s", name, w, gen)
		}
		if w := AssuranceWording(advisoryNote); len(w) > 0 {
			t.Errorf("advisory note has assurance wording %q", w)
		}
		for _, f := range Lint(in, nil) {
			if f.Rule == RuleAssurance && f.Item == "" {
				t.Errorf("%s: Lint on the generated text: %s", name, f.Message)
			}
		}
		// The whole report's text, standard wording included.
		d := mustReport(t, in, VariantWard)
		if w := AssuranceWording(d.PlainText()); len(w) > 0 {
			t.Errorf("%s: report has assurance wording %q", name, w)
		}
	}
	if got := strings.Join(overall(noFindings), ""); !strings.Contains(got, "指摘事項及び改善提案として記載した事項はない") {
		t.Errorf("総評 without findings = %q", got)
	}
	if got := strings.Join(overall(externalInput()), ""); !strings.Contains(got, "改善の余地が認められた") || !strings.Contains(got, "指摘事項2件及び改善提案2件") {
		t.Errorf("総評 = %q", got)
	}
	in := externalInput()
	in.Overall = "監査人が書いた総評。\n二段落目。"
	if got := overall(in); len(got) != 2 || got[0] != "監査人が書いた総評。" {
		t.Errorf("Overall is not used: %q", got)
	}
}

func TestBuildErrors(t *testing.T) {
	tests := []struct {
		name string
		mut  func(*Input)
	}{
		{"no date", func(in *Input) { in.Date = time.Time{} }},
		{"no client", func(in *Input) { in.Engagement.Client = " " }},
		{"no title", func(in *Input) { in.Audit.Title = "" }},
		{"no issuer", func(in *Input) { in.Issuer = ""; in.Engagement.Members = nil }},
	}
	for _, tt := range tests {
		in := externalInput()
		tt.mut(&in)
		if _, err := BuildPlan(in); !errors.Is(err, audit.ErrInvalid) {
			t.Errorf("%s: BuildPlan = %v; want ErrInvalid", tt.name, err)
		}
		if _, err := BuildReport(in, VariantWard); !errors.Is(err, audit.ErrInvalid) {
			t.Errorf("%s: BuildReport = %v; want ErrInvalid", tt.name, err)
		}
	}
	// The issuer falls back to the chief's organisation.
	in := externalInput()
	in.Issuer = ""
	d, err := BuildReport(in, VariantWard)
	if err != nil || d.Cover.Issuer[0] != "株式会社みらい監査法人" {
		t.Errorf("issuer fallback: %v, %v", err, d)
	}
}

func TestParseVariant(t *testing.T) {
	for in, want := range map[string]Variant{"": VariantWard, "ward": VariantWard, " JLIS ": VariantJLIS} {
		if got, err := ParseVariant(in); err != nil || got != want {
			t.Errorf("ParseVariant(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseVariant("j-lis"); !errors.Is(err, audit.ErrInvalid) {
		t.Errorf("ParseVariant(j-lis) = %v; want ErrInvalid", err)
	}
}

func TestConfidentialRuns(t *testing.T) {
	m := newMarker(Input{Audit: audit.Audit{Targets: []audit.Target{{System: "住民記録システム"}, {System: "X"}}}, ConfidentialTerms: []string{"SGY-FS01", " "}})
	tests := []struct {
		in   string
		want []string // the confidential substrings, in order
	}{
		{"管理サーバ（192.168.10.21）を確認した。", []string{"192.168.10.21"}},
		{"10.0.0.0/8 と 172.16.0.0/12 からの接続", []string{"10.0.0.0/8", "172.16.0.0/12"}},
		{"住民記録システムの管理サーバ", []string{"住民記録システム"}},
		{"fe80::1c2b:3aff:fe4d:5e6f から接続", []string{"fe80::1c2b:3aff:fe4d:5e6f"}},
		{"2001:db8::/32 の範囲", []string{"2001:db8::/32"}},
		{"ホスト ad01.setagaya.local と portal.intra", []string{"ad01.setagaya.local", "portal.intra"}},
		{`共有 \\fs02\share に保存`, []string{`\\fs02`}},
		{"SGY-FS01のログ", []string{"SGY-FS01"}},
		{"住民記録システム（192.168.1.1）", []string{"住民記録システム", "192.168.1.1"}},
		// Not confidential.
		{"10:30:00に開始した", nil},
		{"バージョン1.2.300.4", nil},
		{"IMG_0012.jpg と 台帳.xlsx", nil},
		{"令和8年9月10日", nil},
		{"Xという文字", nil}, // one-character terms are ignored
		{"www.example.com", nil},
		{"ISO/IEC 27001:2022", nil},
	}
	for _, tt := range tests {
		var got []string
		var joined string
		for _, r := range m.runs(tt.in, false) {
			joined += r.Text
			if r.Confidential {
				got = append(got, r.Text)
			}
		}
		if joined != tt.in {
			t.Errorf("runs(%q) rejoin to %q", tt.in, joined)
		}
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("confidential in %q = %q; want %q", tt.in, got, tt.want)
		}
	}
	if got := m.withhold("住民記録システム（192.168.1.1）の画面"); got != "（非開示）（（非開示））の画面" {
		t.Errorf("withhold = %q", got)
	}
}
