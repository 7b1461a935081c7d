package report

import (
	"fmt"
	"strings"

	"github.com/kansa-audit/kansa/internal/audit"
)

// advisoryNote closes the 総評: what an advisory report is, without any
// wording that could read as assurance.
const advisoryNote = "本報告書は、助言型監査として、実施した監査手続の範囲で認められた事項に基づき、改善に向けた助言を記載したものである。"

// counts tallies an audit's results.
type counts struct {
	total    int
	byRating map[string]int // rated items by rating code
	unrated  int            // no rating, an unknown code, or a rating that is not "rated" (未確認)
	byClass  map[audit.FindingClass]int
	byStatus map[audit.ImprovementStatus]int
	// follow-up: reported as improved, but rated other than the scale's
	// first (best) rating or 該当なし
	improvedNotConform int
}

func countItems(in Input) counts {
	c := counts{byRating: map[string]int{}, byClass: map[audit.FindingClass]int{}, byStatus: map[audit.ImprovementStatus]int{}}
	best := ""
	if rs := in.scale().Ratings; len(rs) > 0 {
		best = rs[0].Code
	}
	for _, it := range in.Items {
		c.total++
		r, ok := in.rating(it.Result.Rating)
		if ok && r.Rated {
			c.byRating[r.Code]++
		} else {
			c.unrated++
		}
		c.byClass[it.Result.Finding]++
		c.byStatus[it.Result.Status]++
		if it.Result.Status == audit.StatusImproved && ok && r.Rated && r.Code != best && r.Label != "該当なし" {
			c.improvedNotConform++
		}
	}
	return c
}

// ratingBreakdown reads 「適合12件、一部適合3件、不適合1件」 in scale order.
func ratingBreakdown(in Input, c counts) string {
	var parts []string
	for _, r := range in.scale().Ratings {
		if n := c.byRating[r.Code]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s%d件", r.Label, n))
		}
	}
	return strings.Join(parts, "、")
}

// targetNames joins the targets for sentences: 「情報政策課（住民記録システム）、…」.
func targetNames(in Input) string {
	ts := in.Audit.Targets
	if len(ts) == 0 {
		return in.Audit.Title + "の対象部門"
	}
	var names []string
	for _, t := range ts {
		s := t.Division
		if t.System != "" {
			s += "（" + t.System + "）"
		}
		names = append(names, s)
	}
	if len(names) > 3 {
		return strings.Join(names[:3], "、") + fmt.Sprintf("ほか%d部門", len(names)-3)
	}
	return strings.Join(names, "、")
}

// quoteTitles reads 「「A」（No.3）、「B」（No.7）等」, at most three.
func quoteTitles(items []ItemInput) string {
	var parts []string
	for i, it := range items {
		if i == 3 {
			return strings.Join(parts, "、") + "等"
		}
		parts = append(parts, "「"+strings.TrimSpace(it.Title)+"」（No."+it.No+"）")
	}
	return strings.Join(parts, "、")
}

// classCount reads 「指摘事項2件及び改善提案3件」, leaving out a zero.
func classCount(major, advice int) string {
	switch {
	case major > 0 && advice > 0:
		return fmt.Sprintf("指摘事項%d件及び改善提案%d件", major, advice)
	case major > 0:
		return fmt.Sprintf("指摘事項%d件", major)
	}
	return fmt.Sprintf("改善提案%d件", advice)
}

// overall is the 総評, one string per paragraph: Input.Overall when
// given, otherwise generated from the counts. The generated text states
// what was examined and where there is room for improvement; it never
// states that something is free of problems (see the assurance lint,
// which the tests run over it).
func overall(in Input) []string {
	if strings.TrimSpace(in.Overall) != "" {
		return paragraphs(in.Overall)
	}
	if in.followup() {
		return overallFollowup(in)
	}
	c := countItems(in)
	major, advice := c.byClass[audit.FindingMajor], c.byClass[audit.FindingAdvice]
	how := "文書の確認、ヒアリング及び現地での確認"
	if in.Audit.Kind == audit.KindCommonPlatform || in.Audit.Kind == audit.KindDatacenter || in.Audit.Kind == audit.KindOpscenter {
		how = "文書及びシステム画面の確認、ヒアリング並びに現地での確認"
	}
	out := []string{fmt.Sprintf("本監査では、%sを対象として、%d件の監査項目について、%sにより情報セキュリティ対策の整備及び運用の状況を確認した。",
		targetNames(in), c.total, how)}
	p := ""
	if bd := ratingBreakdown(in, c); bd != "" {
		p = "評価の内訳は、" + bd + "であった。"
	}
	if c.unrated > 0 {
		p += fmt.Sprintf("なお、%d件の監査項目は評価が完了していない。", c.unrated)
	}
	if p != "" {
		out = append(out, p)
	}
	fs := findings(in.Items)
	if len(fs) == 0 {
		out = append(out, "今回の監査手続の範囲において、指摘事項及び改善提案として記載した事項はない。")
	} else {
		var secs []string
		for _, s := range sections(fs) {
			secs = append(secs, "「"+s+"」")
		}
		if len(secs) > 4 {
			secs = append(secs[:4:4], "等")
		}
		out = append(out, fmt.Sprintf("その結果、%sの区分について改善の余地が認められたことから、%sを第4章に取りまとめた。",
			strings.Join(secs, "、"), classCount(major, advice)))
	}
	if major > 0 {
		out = append(out, "指摘事項としては、"+quoteTitles(ofClass(in.Items, audit.FindingMajor))+
			"が挙げられる。これらは情報資産の漏えい、改ざん又は滅失につながるおそれがあることから、優先して対応することが望まれる。")
	}
	if good := ofClass(in.Items, audit.FindingGood); len(good) > 0 {
		out = append(out, "一方、"+quoteTitles(good)+"については、他の部門の参考となる良好な取組が認められた。")
	}
	if len(fs) > 0 {
		s := "各事項については、第4章に示す改善提案を参考として、対応の優先順位と完了の目標時期を定めた改善計画を策定し、計画的に取り組まれることが望まれる。"
		if in.Audit.Kind == audit.KindExternal {
			s += "その改善の状況は、次年度のフォローアップ監査において確認する予定である。"
		}
		out = append(out, s)
	}
	return out
}

func overallFollowup(in Input) []string {
	c := countItems(in)
	out := []string{fmt.Sprintf("本監査では、前回の監査において報告した指摘事項等%d件について、被監査部門の改善計画書兼進捗状況一覧表を基に、改善の状況を確認した。", c.total)}
	out = append(out, statusSentence(c))
	if bd := ratingBreakdown(in, c); bd != "" {
		p := "監査人による評価の内訳は、" + bd + "であった。"
		if c.unrated > 0 {
			p += fmt.Sprintf("なお、%d件は評価が完了していない。", c.unrated)
		}
		out = append(out, p)
	}
	if c.improvedNotConform > 0 {
		out = append(out, fmt.Sprintf("改善済と報告された事項のうち%d件については、改善の効果を確認できる記録等が十分でなく、引き続き改善の余地が認められた。", c.improvedNotConform))
	}
	major, advice := c.byClass[audit.FindingMajor], c.byClass[audit.FindingAdvice]
	if major+advice > 0 {
		out = append(out, "引き続き改善を要する事項として、"+classCount(major, advice)+"を第4章に記載した。")
	}
	if c.byStatus[audit.StatusInProgress]+c.byStatus[audit.StatusNotStarted] > 0 {
		out = append(out, "改善中及び未着手の事項については、改善計画に沿って着実に対応されることが望まれる。")
	}
	return out
}

// statusSentence reads 「…改善済5件、改善中3件、未着手1件であった。」.
func statusSentence(c counts) string {
	var parts []string
	for _, s := range audit.ImprovementStatuses {
		parts = append(parts, fmt.Sprintf("%s%d件", s.Label(), c.byStatus[s]))
	}
	s := "被監査部門からの報告による改善状況は、" + strings.Join(parts, "、") + "であった。"
	if n := c.byStatus[audit.StatusNone]; n > 0 {
		s += fmt.Sprintf("このほか%d件は改善状況の報告がなかった。", n)
	}
	return s
}

// planEvaluation is the evaluation of the auditee's improvement plan in a
// follow-up report: Input.PlanEvaluation when given, else generated from
// the statuses and ratings.
func planEvaluation(in Input) []string {
	if strings.TrimSpace(in.PlanEvaluation) != "" {
		return paragraphs(in.PlanEvaluation)
	}
	c := countItems(in)
	out := []string{"被監査部門の改善計画書兼進捗状況一覧表について、前回の指摘事項等ごとの対応方針及び進捗の状況を確認した。" + statusSentence(c)}
	if n := c.byStatus[audit.StatusImproved]; n > 0 {
		out = append(out, fmt.Sprintf("改善済とされた%d件については、改善後の運用が定着するよう、定期的な点検によりその継続を確認することが望まれる。", n))
	}
	if c.improvedNotConform > 0 {
		out = append(out, fmt.Sprintf("ただし、そのうち%d件については改善の効果を確認できる記録等が十分でなかったため、改善の完了をどのように確認したかを改善計画書兼進捗状況一覧表に記録することが望まれる。", c.improvedNotConform))
	}
	if n := c.byStatus[audit.StatusInProgress]; n > 0 {
		out = append(out, fmt.Sprintf("改善中とされた%d件については、完了の目標時期を明確にし、完了時には改善の効果を確認できる記録を残すことが望まれる。", n))
	}
	if n := c.byStatus[audit.StatusNotStarted]; n > 0 {
		out = append(out, fmt.Sprintf("未着手とされた%d件については、着手の時期、担当及び完了の目標時期を改善計画に明記し、進捗を定期的に確認することが望まれる。", n))
	}
	if n := c.byStatus[audit.StatusNone]; n > 0 {
		out = append(out, fmt.Sprintf("改善状況の報告がなかった%d件については、改善計画書兼進捗状況一覧表に対応方針と進捗を記載することが望まれる。", n))
	}
	return out
}
