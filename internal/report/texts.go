package report

import (
	"strings"

	"github.com/kansa-audit/kansa/internal/audit"
)

// Standard wording used where the plan leaves a field blank. The lints
// report every such field (RulePlanDefault), so the chief auditor sees
// that the standard text was used.

func defaultPurpose(in Input) string {
	switch in.Audit.Kind {
	case audit.KindFollowup:
		return "前回の情報セキュリティ監査において報告した指摘事項及び改善提案について、被監査部門における改善の状況を確認し、更なる改善に向けた助言を行うことを目的とする。"
	case audit.KindDatacenter, audit.KindOpscenter:
		return "基幹システムの運用を委託している施設について、区が定める情報セキュリティ要件及び「電算処理の業務委託契約の特記事項」の遵守状況を確認し、改善に向けた助言を行うことを目的とする。"
	case audit.KindCommonPlatform:
		return "共通基盤システムについて、総務省「地方公共団体における情報セキュリティ監査に関するガイドライン」に示されたβ'モデルを採用する場合の追加監査項目等に照らして、情報セキュリティ対策の整備及び運用の状況を確認し、改善に向けた助言を行うことを目的とする。"
	case audit.KindInternal:
		return in.Engagement.Client + "の各部門における情報セキュリティ対策の実施状況を確認し、組織全体に共通する課題を把握して、改善に向けた助言を行うことを目的とする。"
	}
	return in.Engagement.Client + "の情報セキュリティポリシー及び関連する実施手順等に照らして、監査対象部門における情報セキュリティ対策の整備及び運用の状況を確認し、改善に向けた助言を行うことを目的とする。"
}

func defaultCriteria(in Input) string {
	c := in.Engagement.Client
	lines := []string{
		"・" + c + "情報セキュリティポリシー（基本方針及び対策基準）並びに実施手順",
		"・" + c + "「電算処理の業務委託契約の特記事項」",
		"・総務省「地方公共団体における情報セキュリティ監査に関するガイドライン」（最新版）",
	}
	switch in.Audit.Kind {
	case audit.KindDatacenter, audit.KindOpscenter:
		lines = append(lines, "・"+c+"が定めるデータセンター運用に係る情報セキュリティ要件")
	case audit.KindCommonPlatform:
		lines = append(lines,
			"・同ガイドラインの「β'モデルを採用する場合の追加監査項目」",
			"・同ガイドラインの「β・β'モデルを採用する場合の組織的・人的対策に係る監査項目」")
	case audit.KindFollowup:
		lines = append(lines, "・前回監査の監査報告書及び被監査部門の改善計画書兼進捗状況一覧表")
	}
	lines = append(lines, "・その他、"+c+"と協議の上定めたもの")
	return strings.Join(lines, "\n")
}

func defaultMethod(in Input) string {
	switch in.Audit.Kind {
	case audit.KindFollowup:
		return "被監査部門から提出された改善計画書兼進捗状況一覧表を基に、前回の指摘事項等ごとに、改善を示す規程、手順書及び記録の確認、担当者へのヒアリング並びに現地での確認により、改善の状況を確認する。"
	case audit.KindCommonPlatform:
		return "チェックシートの監査項目ごとに、規程及び手順書の確認、管理者及び担当者へのヒアリング、システムの設定画面等の確認並びに現地視察により、対策の整備及び運用の状況を確認する。"
	case audit.KindInternal:
		return "全対象部門に対する書面監査（チェックシートへの回答と根拠資料の確認）を行い、その結果を基に区と協議して選定した部門に対し、ヒアリング及び現地視察による実地監査を行う。"
	}
	return "予備調査で入手した資料を基に、チェックシートの監査項目ごとに、規程及び手順書の確認、管理者及び担当者へのヒアリング並びに現地視察により、対策の整備及び運用の状況を確認する。"
}

// evidenceKinds are the kinds of evidence collected (収集する監査証拠の範囲).
func evidenceKinds(k audit.Kind) [][2]string {
	rows := [][2]string{
		{"文書", "情報セキュリティポリシー、実施手順、規程、委託契約書等の文書"},
		{"記録", "入退室記録、アクセス権の申請・承認記録、点検記録、教育の実施記録、ログ等の運用記録"},
		{"ヒアリング", "管理者及び担当者への質問とその回答（ヒアリング記録）"},
		{"現地の状況", "サーバ室、執務室、書庫等の物理的対策の状況（写真）"},
	}
	switch k {
	case audit.KindCommonPlatform, audit.KindDatacenter, audit.KindOpscenter:
		rows = append(rows, [2]string{"システム画面", "設定画面、管理画面、ログ表示画面等（画面の写し）"})
	case audit.KindFollowup:
		rows = append(rows, [2]string{"改善の記録", "改善計画書兼進捗状況一覧表及び改善を示す規程、手順書、記録"})
	}
	return rows
}

// evidenceMethods are the ways evidence is collected (監査証拠の収集方法).
func evidenceMethods(k audit.Kind) [][2]string {
	rows := [][2]string{
		{"予備調査", "監査に先立ち資料の提出を依頼し、内容を確認する。"},
		{"文書確認", "規程、手順書及び記録を閲覧し、適用基準との整合及び運用の状況を確認する。"},
		{"ヒアリング", "管理者及び担当者に質問し、運用の実態を確認する。"},
		{"現地視察", "現地で物理的対策等の状況を目視で確認し、区の承認を得て写真を撮影する。"},
	}
	switch k {
	case audit.KindCommonPlatform, audit.KindDatacenter, audit.KindOpscenter:
		rows = append(rows, [2]string{"画面確認", "担当者の操作によりシステムの設定画面等を表示し、区の承認を得て画面を撮影する。"})
	case audit.KindFollowup:
		rows = append(rows, [2]string{"進捗状況の確認", "改善計画書兼進捗状況一覧表の記載と、改善を示す記録とを照合する。"})
	case audit.KindInternal:
		rows = append(rows, [2]string{"書面監査", "チェックシートへの回答と根拠資料の提出を依頼し、内容を確認する。"})
	}
	return rows
}

// handlingRules are the contract's duties for what is collected (特記事項).
var handlingRules = []string{
	"収集した資料は、区の承認を得た範囲でのみ複写し、目的外に使用しない。",
	"写真及び画面の写しは、区の承認を得て撮影し、暗号化した状態で保管する。",
	"区から受領した資料は、預かり証を発行し、受領台帳に記録する。",
	"監査の終了後、収集した資料は速やかに返却又は消去し、消去の日時、実施者及び方法を報告する。",
}

// otherMatters are the plan's standard その他 lines.
var otherMatters = []string{
	"監査の実施に当たっては、被監査部門の業務への影響が最小となるよう日程及び時間を調整する。",
	"監査の過程で知り得た情報は、契約に定める秘密保持の義務に従って取り扱う。",
	"監査の実施中に重大なリスクが認められた場合は、速やかに区に報告し、対応を協議する。",
}

// sectionRisks are the risk sentences by section (区分) keyword, first
// match wins.
var sectionRisks = []struct{ keys, risk string }{
	{"委託 外部サービス クラウド", "委託先における管理の不備を区が把握できず、委託先を経由した情報の漏えい等が生じるおそれがある。"},
	{"物理 入退 設備 施設 サーバ室 施錠", "権限のない者の立入りや機器の持出しにより、情報資産の盗難、破壊又は漏えいが生じるおそれがある。"},
	{"人的 教育 研修 職員", "職員等の認識の不足や誤った操作により、情報の漏えい等の事故が生じるおそれがある。"},
	{"資産 分類 情報の取扱 媒体", "情報資産がその重要性に応じて取り扱われず、機密性の高い情報の漏えい又は紛失が生じるおそれがある。"},
	{"技術 アクセス ネットワーク 認証 ID 端末 分離 マルウェア サーバ", "不正アクセスやマルウェア感染等により、システムの停止又は情報の漏えい若しくは改ざんが生じるおそれがある。"},
	{"運用 ログ バックアップ 障害 変更 インシデント", "運用の手順や記録が十分でないため、障害や事故の発見及び復旧が遅れるおそれがある。"},
	{"組織 体制 管理", "情報セキュリティに関する役割と責任が明確でないまま運用され、事故発生時の対応の遅れや対策の形骸化につながるおそれがある。"},
}

const genericRisk = "適用基準が求める対策が十分に機能せず、情報セキュリティ上の事故につながるおそれがある。"

// riskMarkers introduce an auditor-written risk in an item's notes.
var riskMarkers = []string{"想定されるリスク：", "想定されるリスク:", "【リスク】", "リスク：", "リスク:"}

// risk is the risk text of a finding. An auditor-written risk wins: the
// first line of the item's notes (備考) that starts with 「リスク：」,
// 「リスク:」, 「想定されるリスク：」 or 「【リスク】」, with the lines
// that follow it up to the next blank line. Otherwise the sentence is
// generated from keywords of the item's section (区分), else of its title,
// with a closing
// sentence by finding class; fromNotes says which.
func risk(it ItemInput) (text string, fromNotes bool) {
	if s := notesRisk(it.Notes); s != "" {
		return s, true
	}
	base := sectionRisk(it.Section)
	if base == genericRisk {
		base = sectionRisk(it.Title)
	}
	closing := "このため、計画的に対応することが望まれる。"
	if it.Result.Finding == audit.FindingMajor {
		closing = "このため、優先して対応することが望まれる。"
	}
	return "現状のまま運用が継続された場合、" + base + closing, false
}

// sectionRisk is the risk sentence for a section and title.
func sectionRisk(s string) string {
	for _, r := range sectionRisks {
		for _, k := range strings.Fields(r.keys) {
			if strings.Contains(s, k) {
				return r.risk
			}
		}
	}
	return genericRisk
}

// notesRisk extracts an auditor-written risk from notes, "" if none.
func notesRisk(notes string) string {
	lines := strings.Split(strings.ReplaceAll(notes, "\r\n", "\n"), "\n")
	for i, l := range lines {
		t := strings.TrimSpace(l)
		for _, m := range riskMarkers {
			rest, ok := strings.CutPrefix(t, m)
			if !ok {
				continue
			}
			out := []string{strings.TrimSpace(rest)}
			for _, more := range lines[i+1:] {
				if strings.TrimSpace(more) == "" {
					break
				}
				out = append(out, strings.TrimSpace(more))
			}
			return strings.TrimSpace(strings.Join(out, "\n"))
		}
	}
	return ""
}
