package report

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"github.com/kansa-audit/kansa/internal/audit"
)

// Finding is one lint result, shown before export.
type Finding struct {
	Item    string `json:"item"`    // the item's number as printed; "" for the audit as a whole
	Rule    string `json:"rule"`    // one of the Rule constants
	Message string `json:"message"` // Japanese, names the item
}

// Lint rules.
const (
	RuleProposalShort = "proposal-short"           // a proposal shorter than about one A4 page
	RuleNoEvidence    = "finding-without-evidence" // a finding or advice with no evidence file and no hearing
	RuleNoObservation = "observation-missing"      // a rated item without an observation
	RuleUnrated       = "unrated"                  // an item not rated yet
	RuleAssurance     = "assurance-wording"        // assurance wording in an advisory report
	RuleOpenNote      = "open-review-note"         // a review note not closed
	RuleNoStatus      = "status-missing"           // follow-up: no improvement status reported
	RulePlanDefault   = "plan-default-text"        // a plan field left blank, so standard wording is printed
	RulePhotoDamaged  = "photo-unreadable"         // a photo whose report copy cannot be read (the report lists it in words)
)

// Page measures. An A4 page at 10.5pt in the house layout holds about 40
// lines of 40 full-width characters; a proposal starts on a new page under
// its heading, so "about one page" is taken as 35 rendered lines.
const (
	LineChars        = 40 // full-width characters per line, for the estimate
	MinProposalLines = 35
)

// EstimateLines estimates the rendered A4 lines of one paragraph: LineChars
// full-width characters a line, half-width characters counting half.
func EstimateLines(text string) int {
	w := 0
	for _, r := range text {
		w += runeWidth(r)
	}
	if w == 0 {
		return 1
	}
	return int(math.Ceil(float64(w) / float64(2*LineChars)))
}

// runeWidth is 1 for half-width characters and 2 for full-width ones.
func runeWidth(r rune) int {
	switch {
	case unicode.Is(unicode.Mn, r):
		return 0
	case r < 0x1100, r >= 0xFF61 && r <= 0xFF9F:
		return 1
	}
	return 2
}

// proposalLines is the rendered length of a proposal, paragraph by
// paragraph as the builders print it.
func proposalLines(s string, measure func(string) int) int {
	n := 0
	for _, p := range paragraphs(s) {
		n += measure(p)
	}
	return n
}

// Lint checks an audit before export and returns its findings: audit-level
// ones first, then item by item in checksheet order. measure returns the
// rendered A4 lines of one paragraph (the PDF renderer's line breaker);
// nil uses EstimateLines.
//
// Rules:
//   - RuleProposalShort: a 指摘事項 or 改善提案 whose proposal renders to
//     fewer than MinProposalLines lines (a blank proposal included);
//   - RuleNoEvidence: a 指摘事項 or 改善提案 with neither a linked evidence
//     file nor a linked hearing (the evidence-seen text alone is not
//     enough: a finding must be traceable);
//   - RuleNoObservation: an item rated on the scale (該当なし included,
//     which needs its reason) without an observation;
//   - RuleUnrated: every item without a rating that counts as checked
//     (blank, 未確認, or a code not in the scale), plus one summary line
//     when there are two or more;
//   - RuleAssurance: assurance wording (AssuranceWording) in observations,
//     evidence seen, proposals, risks written in notes, the plan's purpose,
//     method and other matters, and the 総評 and plan evaluation, generated
//     or given;
//   - RuleOpenNote: review notes still open or answered but not closed;
//   - RuleNoStatus: in a follow-up audit, an item without an improvement
//     status;
//   - RulePlanDefault: a blank plan purpose, criteria or method, for which
//     the builders print standard wording.
func Lint(in Input, measure func(text string) int) []Finding {
	if measure == nil {
		measure = EstimateLines
	}
	var out []Finding
	audit1 := func(rule, msg string) { out = append(out, Finding{Rule: rule, Message: msg}) }

	p := in.Audit.Plan
	for _, f := range []struct{ name, text string }{
		{"監査の目的", p.Purpose}, {"監査基準", p.Criteria}, {"監査実施方法の要領", p.Method},
	} {
		if strings.TrimSpace(f.text) == "" {
			audit1(RulePlanDefault, "監査計画の「"+f.name+"」が未記入のため、標準の文言を記載します。内容を確認してください。")
		}
	}
	for _, f := range []struct{ name, text string }{
		{"監査計画の「監査の目的」", p.Purpose}, {"監査計画の「監査実施方法の要領」", p.Method}, {"監査計画の「その他」", p.Other},
		{"総評", strings.Join(overall(in), "\n")},
	} {
		for _, m := range AssuranceWording(f.text) {
			audit1(RuleAssurance, f.name+"に、保証型監査と受け取られるおそれのある表現「"+m+"」があります。"+assuranceAdvice)
		}
	}
	if in.followup() {
		for _, m := range AssuranceWording(strings.Join(planEvaluation(in), "\n")) {
			audit1(RuleAssurance, "改善計画に対する評価に、保証型監査と受け取られるおそれのある表現「"+m+"」があります。"+assuranceAdvice)
		}
	}

	items := sortedItems(in.Items)
	byID := map[string]ItemInput{}
	var unrated int
	for _, it := range items {
		byID[it.ID] = it
		if !in.rated(it) {
			unrated++
		}
	}
	if unrated >= 2 {
		audit1(RuleUnrated, fmt.Sprintf("%d件の監査項目が未評価です（全%d件）。", unrated, len(items)))
	}
	for _, n := range in.Notes {
		if n.Status == audit.NoteClosed {
			continue
		}
		state := "未対応"
		if n.Status == audit.NoteAnswered {
			state = "回答済みで未完了"
		}
		msg := func(target string) string {
			return target + "のレビューノートが" + state + "です（" + n.Author + "：" + oneLine(n.Text, 40) + "）。"
		}
		if it, ok := byID[n.Target]; ok {
			out = append(out, Finding{Item: it.No, Rule: RuleOpenNote, Message: msg(itemName(it))})
		} else if title, ok := SectionTitle(n.Target); ok {
			audit1(RuleOpenNote, msg("「"+title+"」"))
		} else {
			audit1(RuleOpenNote, msg("「"+n.Target+"」"))
		}
	}

	for _, it := range items {
		add := func(rule, msg string) { out = append(out, Finding{Item: it.No, Rule: rule, Message: msg}) }
		name := itemName(it)
		r := it.Result
		if !in.rated(it) {
			add(RuleUnrated, name+"が未評価です。")
		} else if strings.TrimSpace(r.Observation) == "" {
			add(RuleNoObservation, name+"は「"+in.ratingLabel(it)+"」と評価されていますが、所見（監査実施内容）が未記入です。")
		}
		if isFinding(it) {
			class := r.Finding.Label()
			if strings.TrimSpace(r.Proposal) == "" {
				add(RuleProposalShort, fmt.Sprintf("%s（%s）の改善提案が未記入です。改善提案は1ページ（約%d行）以上を目安に記載してください。", name, class, MinProposalLines))
			} else if n := proposalLines(r.Proposal, measure); n < MinProposalLines {
				add(RuleProposalShort, fmt.Sprintf("%s（%s）の改善提案が約%d行で、目安の1ページ（約%d行）に足りません。", name, class, n, MinProposalLines))
			}
			if len(it.Evidence) == 0 && len(it.Hearings) == 0 {
				add(RuleNoEvidence, name+"（"+class+"）に証跡ファイルもヒアリング記録も紐付いていません。根拠となる監査証拠を紐付けてください。")
			}
		}
		if in.followup() && r.Status == audit.StatusNone {
			add(RuleNoStatus, name+"の改善状況（改善済／改善中／未着手）が未入力です。")
		}
		riskText := notesRisk(it.Notes)
		for _, f := range []struct{ name, text string }{
			{"所見", r.Observation}, {"確認した監査証拠", r.EvidenceSeen}, {"改善提案", r.Proposal}, {"備考のリスク", riskText},
		} {
			for _, m := range AssuranceWording(f.text) {
				add(RuleAssurance, name+"の"+f.name+"に、保証型監査と受け取られるおそれのある表現「"+m+"」があります。"+assuranceAdvice)
			}
		}
	}
	// Audit-level first, then items in checksheet order; stable within.
	order := map[string]int{"": -1}
	for i, it := range items {
		if _, ok := order[it.No]; !ok {
			order[it.No] = i
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return order[out[i].Item] < order[out[j].Item] })
	return out
}

const assuranceAdvice = "助言型監査では、確認した事実と改善の余地を記載する表現に改めてください。"

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// assurancePhrases are the wordings that make an advisory report read as
// an assurance report (JASA advisory-audit guide; domain.md §1). Each
// pattern runs over the text with all spaces removed; example is a phrase
// it must catch (the tests check every example). A match followed by one
// of unless is not reported (「問題がないか確認した」 describes a check).
var assurancePhrases = []struct {
	example string
	re      *regexp.Regexp
	unless  []string
}{
	{example: "重要な問題は発見されなかった", re: regexp.MustCompile(`重要な(?:問題|不備|欠陥|指摘事項|懸念)(?:点)?(?:は|が|も)?(?:特に|何ら|一切)?(?:発見|検出|確認|認め|見受け|見当たら|見|あり|存在し)?(?:され|られ|でき)?(?:なかった|ない|ません|なし)`)},
	{example: "以下の検出事項を除いて、重要な問題はない", re: regexp.MustCompile(`(?:以下|下記|上記|前述|次)の(?:検出|指摘)事項を除(?:いて|き|けば)`)},
	{example: "指摘事項を除き、問題はない", re: regexp.MustCompile(`(?:検出|指摘)事項を除(?:いて|き|けば)`)},
	{example: "問題はない", re: regexp.MustCompile(`(?:問題|不備|欠陥|不具合|不適切な(?:点|事項)|懸念)(?:点)?(?:は|が|も)?(?:特に|特段|何ら|一切|全く)?(?:発見|検出|確認|認め|見受け|見当たら|見|あり|ござい|存在し)?(?:され|られ|でき)?(?:なかった|ない|ません|なし|無し|無い)`),
		unless: []string{"か", "よう", "状態", "ため", "場合", "範囲"}},
	{example: "問題は認められなかった"},
	{example: "問題点は見受けられなかった"},
	{example: "特段の不備は見当たらない"},
	{example: "問題ありません"},
	{example: "確認の結果、問題なし"},
	{example: "指摘すべき事項はない", re: regexp.MustCompile(`指摘(?:すべき|する|を要する)(?:事項|点)(?:は|が)?(?:特に)?(?:ない|なかった|ありません|ございません|なし)`)},
	{example: "適切に運用されていることを保証する", re: regexp.MustCompile(`(?:こと|もの|状態|性)を(?:保証|証明|確約)`),
		unless: []string{"するものではな", "しない", "できな", "するものでは"}},
	{example: "本報告書は情報セキュリティの確保を保証します", re: regexp.MustCompile(`保証(?:します|いたします|致します|できます|する。)`)},
	{example: "全体として適切に管理されている", re: regexp.MustCompile(`(?:全体として|全体的に|総じて|全般的に|全ての項目(?:について|で)?|すべての項目(?:について|で)?)(?:概ね|おおむね)?(?:適切|適正|妥当|有効|十分)`)},
	{example: "概ね適切に運用されている", re: regexp.MustCompile(`(?:概ね|おおむね)(?:適切|適正|妥当)に(?:運用|管理|整備|実施)(?:されて|して)`)},
}

// AssurancePhrases lists example phrases the assurance lint catches, for
// help texts.
func AssurancePhrases() []string {
	out := make([]string, len(assurancePhrases))
	for i, p := range assurancePhrases {
		out[i] = p.example
	}
	return out
}

// AssuranceWording returns the assurance-like phrases found in text, in
// order, each once.
func AssuranceWording(text string) []string {
	s := normalizeWording(text)
	if s == "" {
		return nil
	}
	type hit struct {
		at   int
		text string
	}
	var hits []hit
	for _, p := range assurancePhrases {
		if p.re == nil {
			continue
		}
	next:
		for _, loc := range p.re.FindAllStringIndex(s, -1) {
			rest := s[loc[1]:]
			for _, u := range p.unless {
				if strings.HasPrefix(rest, u) {
					continue next
				}
			}
			hits = append(hits, hit{loc[0], s[loc[0]:loc[1]]})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].at < hits[j].at })
	var out []string
	seen := map[string]bool{}
	end := -1
	for _, h := range hits {
		if h.at < end || seen[h.text] { // inside a phrase already reported
			continue
		}
		seen[h.text] = true
		out = append(out, h.text)
		end = h.at + len(h.text)
	}
	return out
}

// normalizeWording removes spaces and line breaks, and folds spellings.
func normalizeWording(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	return strings.NewReplacer("無かった", "なかった", "見当らな", "見当たらな", "御座い", "ござい").Replace(s)
}
