package report

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kansa-audit/kansa/internal/audit"
)

// item returns a pointer to the fixture item with the number.
func item(in *Input, no string) *ItemInput {
	for i := range in.Items {
		if in.Items[i].No == no {
			return &in.Items[i]
		}
	}
	panic("no item " + no)
}

func TestLintCleanInput(t *testing.T) {
	if got := Lint(externalInput(), nil); len(got) != 0 {
		t.Errorf("Lint(clean external audit) = %v; want nothing", got)
	}
	// Every fixture proposal is about a page by the estimate.
	for _, it := range externalInput().Items {
		if isFinding(it) {
			if n := proposalLines(it.Result.Proposal, EstimateLines); n < MinProposalLines {
				t.Errorf("fixture proposal of No.%s has %d lines", it.No, n)
			}
		}
	}
	got := Lint(followupInput(), nil)
	if len(got) != 1 || got[0].Rule != RulePlanDefault || got[0].Item != "" {
		t.Errorf("Lint(follow-up without purpose) = %v; want one %s", got, RulePlanDefault)
	}
}

func TestLintRules(t *testing.T) {
	tests := []struct {
		name     string
		base     func() Input
		mut      func(in *Input)
		rule     string
		item     string
		inMsg    string // part of the message
		wantNone bool   // the mutation must raise no finding of the rule
	}{
		// Proposal length.
		{name: "short proposal", mut: func(in *Input) {
			item(in, "3").Result.Proposal = "入退室管理簿の様式を見直すことが望ましい。"
		},
			rule: RuleProposalShort, item: "3", inMsg: "No.3「サーバ室の入退室管理」（指摘事項）の改善提案が約1行"},
		{name: "blank proposal", mut: func(in *Input) { item(in, "2").Result.Proposal = " \n " },
			rule: RuleProposalShort, item: "2", inMsg: "改善提案が未記入"},
		{name: "short proposal of a good practice is fine", mut: func(in *Input) { item(in, "4").Result.Proposal = "他課への展開が望まれる。" },
			rule: RuleProposalShort, wantNone: true},
		{name: "half a page", mut: func(in *Input) {
			p := paragraphs(item(in, "5").Result.Proposal)
			item(in, "5").Result.Proposal = strings.Join(p[:4], "\n")
		}, rule: RuleProposalShort, item: "5", inMsg: "目安の1ページ（約35行）に足りません"},
		// Evidence.
		{name: "finding without evidence", mut: func(in *Input) { item(in, "2").Evidence = nil },
			rule: RuleNoEvidence, item: "2", inMsg: "No.2「情報資産台帳の整備」（改善提案）に証跡ファイルもヒアリング記録も"},
		{name: "major finding without evidence", mut: func(in *Input) { item(in, "5").Evidence = nil; item(in, "5").Hearings = nil },
			rule: RuleNoEvidence, item: "5"},
		{name: "a hearing is evidence", mut: func(in *Input) { item(in, "3").Evidence = nil },
			rule: RuleNoEvidence, wantNone: true},
		{name: "notable matter needs no evidence", mut: func(in *Input) { item(in, "6").Evidence = nil },
			rule: RuleNoEvidence, wantNone: true},
		// Observation.
		{name: "rated without observation", mut: func(in *Input) { item(in, "1").Result.Observation = "" },
			rule: RuleNoObservation, item: "1", inMsg: "No.1「情報セキュリティ管理体制の整備」は「適合」と評価されていますが"},
		{name: "not applicable without reason", mut: func(in *Input) { item(in, "10").Result.Observation = "  " },
			rule: RuleNoObservation, item: "10"},
		{name: "unrated without observation is only unrated", mut: func(in *Input) {
			item(in, "1").Result.Observation = ""
			item(in, "1").Result.Rating = ""
		}, rule: RuleNoObservation, wantNone: true},
		// Unrated.
		{name: "blank rating", mut: func(in *Input) { item(in, "10").Result.Rating = "" },
			rule: RuleUnrated, item: "10", inMsg: "No.10「ログの定期点検」が未評価です"},
		{name: "未確認 is unrated", mut: func(in *Input) { item(in, "1").Result.Rating = "unchecked" },
			rule: RuleUnrated, item: "1"},
		{name: "unknown code is unrated", mut: func(in *Input) { item(in, "1").Result.Rating = "ok" },
			rule: RuleUnrated, item: "1"},
		{name: "summary line", mut: func(in *Input) { item(in, "1").Result.Rating = ""; item(in, "10").Result.Rating = "" },
			rule: RuleUnrated, item: "", inMsg: "2件の監査項目が未評価です（全8件）"},
		{name: "rating by label is rated", mut: func(in *Input) { item(in, "1").Result.Rating = "適合" },
			rule: RuleUnrated, wantNone: true},
		// Assurance wording.
		{name: "assurance in observation", mut: func(in *Input) {
			item(in, "1").Result.Observation += "確認の結果、問題は認められなかった。"
		},
			rule: RuleAssurance, item: "1", inMsg: "No.1「情報セキュリティ管理体制の整備」の所見に、保証型監査と受け取られるおそれのある表現「問題は認められなかった」"},
		{name: "assurance in proposal", mut: func(in *Input) {
			item(in, "7").Result.Proposal += "\n以上の対策により、重要な問題は 発見されなくなる。全体として適切に管理されている。"
		},
			rule: RuleAssurance, item: "7", inMsg: "改善提案に"},
		{name: "assurance in evidence seen", mut: func(in *Input) {
			item(in, "6").Result.EvidenceSeen = "バックアップ取得記録（問題なし）"
		},
			rule: RuleAssurance, item: "6", inMsg: "確認した監査証拠に"},
		{name: "assurance in a risk from notes", mut: func(in *Input) { item(in, "3").Notes = "リスク：特に問題はないと考えられる。" },
			rule: RuleAssurance, item: "3", inMsg: "備考のリスクに"},
		{name: "assurance in the plan purpose", mut: func(in *Input) {
			in.Audit.Plan.Purpose = "情報セキュリティ対策が適切に運用されていることを保証する。"
		},
			rule: RuleAssurance, item: "", inMsg: "監査計画の「監査の目的」に"},
		{name: "assurance in a given 総評", mut: func(in *Input) { in.Overall = "以下の検出事項を除いて、重要な問題はない。" },
			rule: RuleAssurance, item: "", inMsg: "総評に、保証型監査と受け取られるおそれのある表現「以下の検出事項を除いて」"},
		{name: "assurance in a given plan evaluation", base: followupInput, mut: func(in *Input) { in.PlanEvaluation = "改善計画に問題はありません。" },
			rule: RuleAssurance, item: "", inMsg: "改善計画に対する評価に"},
		{name: "describing a check is not assurance", mut: func(in *Input) {
			item(in, "1").Result.Observation += "アクセス権に不備がないかを確認した。"
			item(in, "7").Result.Proposal += "\n不備がない状態を維持するため、点検を継続することが望ましい。"
		}, rule: RuleAssurance, wantNone: true},
		{name: "a disclaimer is not assurance", mut: func(in *Input) {
			in.Overall = "本報告書は、対策が適切であることを保証するものではない。"
		},
			rule: RuleAssurance, wantNone: true},
		// Review notes.
		{name: "open note on an item", mut: func(in *Input) { in.Notes[0].Status = audit.NoteOpen },
			rule: RuleOpenNote, item: "3", inMsg: "No.3「サーバ室の入退室管理」のレビューノートが未対応です（山田 花子：記入漏れの件数を再確認してください。）"},
		{name: "answered note not closed", mut: func(in *Input) { in.Notes[0].Status = audit.NoteAnswered; in.Notes[0].Response = "再確認した。" },
			rule: RuleOpenNote, item: "3", inMsg: "回答済みで未完了"},
		{name: "open note on a document section", mut: func(in *Input) {
			in.Notes = append(in.Notes, audit.ReviewNote{ID: "n2", Target: "report.overall", Author: "山田 花子", Text: "総評の2段落目を簡潔に。100%確認", Status: audit.NoteOpen})
		}, rule: RuleOpenNote, item: "", inMsg: "「report.overall」のレビューノートが未対応です（山田 花子：総評の2段落目を簡潔に。100%確認）"},
		{name: "open note on a known section", mut: func(in *Input) {
			in.Notes = append(in.Notes, audit.ReviewNote{ID: "n3", Target: "report/summary", Author: "山田 花子", Text: "根拠を明記。", Status: audit.NoteOpen})
		}, rule: RuleOpenNote, item: "", inMsg: "「監査報告書：総評」のレビューノートが未対応です（山田 花子：根拠を明記。）"},
		{name: "closed notes are fine", mut: func(in *Input) {}, rule: RuleOpenNote, wantNone: true},
		// Follow-up status.
		{name: "follow-up without status", base: followupInput, mut: func(in *Input) { item(in, "7").Result.Status = audit.StatusNone },
			rule: RuleNoStatus, item: "7", inMsg: "No.7「委託先の監督」の改善状況"},
		{name: "external audits need no status", mut: func(in *Input) {}, rule: RuleNoStatus, wantNone: true},
		// Plan defaults.
		{name: "blank plan method", mut: func(in *Input) { in.Audit.Plan.Method = "" },
			rule: RulePlanDefault, item: "", inMsg: "「監査実施方法の要領」が未記入"},
		{name: "blank criteria", mut: func(in *Input) { in.Audit.Plan.Criteria = "" },
			rule: RulePlanDefault, item: "", inMsg: "「監査基準」"},
	}
	for _, tt := range tests {
		base := externalInput
		if tt.base != nil {
			base = tt.base
		}
		in := clone(base())
		tt.mut(&in)
		var got []Finding
		for _, f := range Lint(in, nil) {
			if f.Rule == tt.rule {
				got = append(got, f)
			}
		}
		if tt.wantNone {
			if len(got) > 0 {
				t.Errorf("%s: Lint found %v; want no %s", tt.name, got, tt.rule)
			}
			continue
		}
		found := false
		for _, f := range got {
			if f.Item == tt.item && strings.Contains(f.Message, tt.inMsg) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: Lint %s findings = %v; want one for item %q mentioning %q", tt.name, tt.rule, got, tt.item, tt.inMsg)
		}
	}
}

func TestLintMeasure(t *testing.T) {
	in := externalInput()
	var calls []string
	short := func(s string) int { calls = append(calls, s); return 1 }
	var n int
	for _, f := range Lint(in, short) {
		if f.Rule == RuleProposalShort {
			n++
			want := fmt.Sprintf("約%d行", len(paragraphs(item(&in, f.Item).Result.Proposal)))
			if !strings.Contains(f.Message, want) {
				t.Errorf("message %q does not report the measured lines (%s)", f.Message, want)
			}
		}
	}
	if n != 4 {
		t.Errorf("with 1 line a paragraph, %d short proposals; want 4", n)
	}
	for _, c := range calls {
		if strings.Contains(c, "\n") || strings.TrimSpace(c) == "" {
			t.Errorf("measure called with %q; want one paragraph at a time", c)
		}
	}
	long := func(string) int { return 5 }
	item(&in, "3").Result.Proposal = "一行目\n二行目\n三行目\n四行目\n五行目\n六行目\n七行目"
	for _, f := range Lint(in, long) {
		if f.Rule == RuleProposalShort {
			t.Errorf("7 paragraphs of 5 lines: %s", f.Message)
		}
	}
}

func TestEstimateLines(t *testing.T) {
	tests := []struct {
		text string
		want int
	}{
		{"", 1},
		{strings.Repeat("あ", 40), 1},
		{strings.Repeat("あ", 41), 2},
		{strings.Repeat("a", 80), 1},
		{strings.Repeat("a", 81), 2},
		{strings.Repeat("ｱ", 80), 1}, // half-width katakana
		{strings.Repeat("あa", 27), 2},
		{strings.Repeat("漢", 400), 10},
	}
	for _, tt := range tests {
		if got := EstimateLines(tt.text); got != tt.want {
			t.Errorf("EstimateLines(%d runes) = %d; want %d", len([]rune(tt.text)), got, tt.want)
		}
	}
}

func TestLintOrder(t *testing.T) {
	in := clone(externalInput())
	item(&in, "10").Result.Rating = ""
	item(&in, "1").Result.Observation = ""
	in.Audit.Plan.Purpose = ""
	item(&in, "2").Evidence = nil
	got := Lint(in, nil)
	var items []string
	for _, f := range got {
		items = append(items, f.Item)
	}
	if want := []string{"", "1", "2", "10"}; strings.Join(items, ",") != strings.Join(want, ",") {
		t.Errorf("Lint order = %q; want %q", items, want)
	}
}

func TestAssuranceWording(t *testing.T) {
	for _, p := range AssurancePhrases() {
		if got := AssuranceWording("確認した。" + p + "。"); len(got) == 0 {
			t.Errorf("AssuranceWording(%q) found nothing", p)
		}
	}
	positive := map[string]string{
		"重要な問題は発見されなかった。":        "重要な問題は発見されなかった",
		"特段の問題は認められない":           "問題は認められない",
		"不 備 は\n見 当 た ら な か っ た": "不備は見当たらなかった",
		"問題点は見受けられませんでした":        "問題点は見受けられません",
		"問題が無い":          "問題が無い",
		"指摘すべき事項は特にない":   "指摘すべき事項は特にない",
		"おおむね適切に運用されている": "おおむね適切に運用されて",
		"安全性を保証いたします":    "性を保証",
	}
	for in, want := range positive {
		got := AssuranceWording(in)
		if len(got) != 1 || got[0] != want {
			t.Errorf("AssuranceWording(%q) = %q; want [%q]", in, got, want)
		}
	}
	negative := []string{
		"アクセス権の設定に不備がないかを確認した。",
		"不備がないかどうか、抽出して点検した。",
		"問題が発生しないよう、手順を定めることが望ましい。",
		"本報告書は、対策が適切であることを保証するものではない。",
		"不備がない状態を維持するため、点検を継続する。",
		"記入漏れがないことを確認した。",
		"問題がある場合は速やかに報告する。",
		"改善の余地が認められた。",
		"評価の内訳は、適合3件、該当なし1件であった。",
		"保証期間内の機器について、保守契約を確認した。",
		"今回の監査手続の範囲において、指摘事項及び改善提案として記載した事項はない。",
		advisoryNote,
	}
	for _, s := range negative {
		if got := AssuranceWording(s); len(got) > 0 {
			t.Errorf("AssuranceWording(%q) = %q; want nothing", s, got)
		}
	}
}
