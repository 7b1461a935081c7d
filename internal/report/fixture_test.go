package report

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/jpcal"
)

// Fixtures: a 令和8年度 external audit of 世田谷区, a common-platform audit
// (with confidential text) and a follow-up audit, all in code.

func at(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, jpcal.JST)
}

func sum(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func evidence(id string, kind audit.EvidenceKind, file, caption string, when time.Time, by string, items ...string) audit.Evidence {
	return audit.Evidence{ID: id, AuditID: "a1", Kind: kind, FileName: file, Size: 245_000, SHA256: sum(id),
		CapturedAt: when.UTC(), CapturedBy: by, Caption: caption, Items: items}
}

var team = []audit.Member{
	{ID: "m4", Name: "高橋 美咲", Role: audit.RoleAuditor, Organisation: "株式会社みらい監査法人", Title: "シニアコンサルタント",
		Qualifications: []audit.Qualification{{Name: "情報処理安全確保支援士", Obtained: "2021-10-01"}}},
	{ID: "m1", Name: "佐藤 一郎", Role: audit.RoleProjectManager, Organisation: "株式会社みらい監査法人", Title: "パートナー"},
	{ID: "m2", Name: "山田 花子", Role: audit.RoleChief, Organisation: "株式会社みらい監査法人", Title: "マネージャー",
		Qualifications: []audit.Qualification{{Name: "CISA", Obtained: "2015-04-01"}, {Name: "公認情報セキュリティ主任監査人", Obtained: "2018-07-01"}}},
	{ID: "m3", Name: "鈴木 健", Role: audit.RoleAssistant, Organisation: "株式会社みらい監査法人", Title: "シニアマネージャー",
		Qualifications: []audit.Qualification{{Name: "ISMS主任審査員"}, {Name: "システム監査技術者", Obtained: "2012-06-20"}}},
}

// Closing paragraphs shared by the long proposals.
const (
	closing1 = "（実施に当たっての留意点）上記の対策は、一度に全てを実施する必要はなく、リスクの大きさと実施に要する負担を踏まえて優先順位を付け、段階的に実施することが考えられる。その際、各対策の担当者と完了の目標時期を改善計画書兼進捗状況一覧表に明記し、所属長が四半期ごとに進捗を確認する運用とすることが望ましい。"
	closing2 = "（効果の確認）対策の実施後は、手順が定着しているかを確認するため、実施から三か月程度を目途に記録の抽出点検を行い、その結果を情報セキュリティ責任者に報告することが望ましい。点検で不備が見つかった場合は、原因を分析した上で手順又は様式を見直し、同種の不備が繰り返されない仕組みとすることが重要である。"
	closing3 = "（次回監査での確認事項）次年度のフォローアップ監査においては、本提案に基づいて改定された手順書、記録の様式、点検の実施記録等を確認する予定である。改善の過程で判断に迷う点が生じた場合には、監査人への照会も可能であるので、必要に応じて活用されたい。"
)

func proposal(paras ...string) string {
	return strings.Join(append(paras, closing1, closing2, closing3), "\n")
}

var proposalServerRoom = proposal(
	"（1）入退室管理の手順の明確化　サーバ室への入室を許可する者の範囲、入室の申請及び承認の方法、入退室管理簿への記入事項（氏名、所属、入室目的、入室時刻、退室時刻、同行者）を、実施手順として文書化することが望ましい。現状は担当者の慣行に依存しているため、担当者の異動後も同じ水準の管理が維持されるよう、手順を明文化しておく必要がある。",
	"（2）入退室管理簿の記入の徹底　今回確認した令和8年4月から6月までの入退室管理簿では、退室時刻の記入漏れが12件、同行者の記載漏れが5件あった。記入漏れを防ぐため、管理簿の様式に必須項目を明示するとともに、退室時に担当者が記入内容を確認して署名する運用とすることが考えられる。",
	"（3）委託事業者の入室時の立会い　保守作業のために委託事業者がサーバ室に入室する場合は、職員が立ち会うことを原則とし、立会者を管理簿に記録することが望ましい。やむを得ず立ち会えない場合の取扱い（事前の作業計画書の提出、作業後の報告書による確認等）についても、手順書にあらかじめ定めておくことが重要である。",
	"（4）鍵及び入館カードの管理　サーバ室の鍵の貸出記録と入退室管理簿とを照合できるよう、鍵の貸出簿に貸出時刻と返却時刻を記録することが望ましい。また、入館カードの権限設定を年に一度以上見直し、異動者や契約が終了した委託事業者の権限が残っていないかを確かめる手順を設けることが考えられる。",
	"（5）定期的な点検　情報システム管理者は、月に一度、入退室管理簿、鍵の貸出簿及び入館カードの利用履歴を突き合わせ、記録の欠落や不自然な入室がないかを点検し、その結果を記録に残すことが望ましい。点検で不備が見つかった場合は、当事者に確認の上、是正の内容を併せて記録する。",
	"（6）職員及び委託事業者への周知　手順の改定後は、サーバ室に入室する可能性のある職員及び委託事業者に対し、改定の趣旨と具体的な記入方法を周知することが望ましい。周知の際には、記入漏れがあった場合の影響（不正な入室があっても事後に追跡できないこと）を具体的に説明すると、理解が得られやすい。",
)

var proposalPrivileged = proposal(
	"（1）特権IDの個人への割当て　共用されている特権IDの利用を停止し、特権操作を行う運用担当者ごとに個人の特権IDを発行することが望ましい。個人IDとすることで、ログから操作者を特定できるようになり、誤操作や不正操作があった場合の原因究明と責任の明確化が可能となる。システムの仕様上、共用IDを廃止できない場合は、次の（2）の管理を確実に行う必要がある。",
	"（2）特権IDの利用申請と承認　特権IDを利用する都度、利用者、利用目的、作業内容及び利用予定時間を記載した申請を行い、情報システム管理者が承認する手順を定めることが望ましい。緊急時の事後申請を認める場合は、その条件と、事後承認を行うまでの期限を手順書に明記しておく。",
	"（3）パスワードの管理　共用IDを残す場合は、パスワードを情報システム管理者が封印管理し、利用の都度貸し出し、利用後に変更する運用とすることが考えられる。パスワード管理ツールの導入により、貸出しと変更の記録を自動的に残す方法も有効である。",
	"（4）操作ログの取得と点検　特権IDによる操作ログを取得し、利用申請の記録と突き合わせて、申請のない利用や申請と異なる作業がないかを定期的に点検することが望ましい。点検の頻度は、少なくとも月に一度とし、点検者と点検結果を記録に残す。ログは改ざんを防ぐため、運用担当者が変更できない場所に保管する。",
	"（5）特権IDの棚卸し　年に一度以上、システムに登録されている特権IDの一覧を出力し、利用者と利用目的が明確でないID、長期間利用されていないIDがないかを確認することが望ましい。不要なIDは速やかに無効化し、棚卸しの結果を情報セキュリティ責任者に報告する。",
	"（6）委託事業者との取決め　運用を委託している場合は、特権IDの管理に関する上記の事項を委託契約の仕様書又は運用手順書に明記し、委託事業者から定期的に管理状況の報告を受けることが望ましい。報告の内容は、ID一覧、利用申請の件数、点検結果とすることが考えられる。",
)

var proposalAssetRegister = proposal(
	"（1）情報資産台帳の記載項目の統一　情報資産台帳の様式を全庁で統一し、資産の名称、管理者、保管場所、機密性・完全性・可用性の分類、保存期間及び廃棄方法を必須の記載項目とすることが望ましい。現状は課ごとに様式が異なり、分類の記載がない台帳もあるため、比較や集計が困難となっている。",
	"（2）分類基準の具体化　情報セキュリティポリシーに定める機密性の分類について、課の業務で扱う代表的な情報（住民の個人情報、課税情報、内部の会議資料等）ごとに分類の例を示した手引を作成すると、職員による判断のばらつきを抑えることができる。",
	"（3）台帳の定期的な更新　新たなシステムの導入、業務の変更、組織の改編があった際に台帳を更新する手順を定めるとともに、年に一度、全ての課で台帳の内容を見直す時期を定めることが望ましい。見直しの結果は、更新日と確認者を台帳に記録する。",
	"（4）電子データの所在の把握　ファイルサーバや外部記録媒体に保存されている電子データについても、主要なものを台帳に登録し、保存場所と利用者の範囲を明確にすることが望ましい。特に機密性の高い情報は、アクセス権を設定したフォルダに集約することが考えられる。",
	"（5）廃棄の記録　保存期間を経過した情報資産を廃棄する際は、廃棄日、廃棄方法及び実施者を台帳又は廃棄記録に記録し、外部に委託して廃棄する場合は、委託先から廃棄証明書を受領して保管することが望ましい。",
	"（6）職員への教育　台帳の作成と更新の方法について、各課の情報セキュリティ担当者を対象とした説明の機会を設け、記載例を示すことが望ましい。説明の資料は庁内ポータルに掲載し、異動者が参照できるようにしておく。",
	"（7）台帳と実際の保管状況との照合　年に一度の見直しの際には、台帳の記載と書庫、ファイルサーバ等における実際の保管状況とを抽出により照合し、台帳に記載のない資産や、既に廃棄されたにもかかわらず台帳に残っている資産がないかを確かめることが望ましい。照合の結果は、見直しの記録と併せて保管する。",
)

var proposalVendor = proposal(
	"（1）監督項目の明確化　委託先に対して確認すべき事項（再委託の有無、従事者の範囲、情報の持出しの有無、事故発生時の報告体制等）を一覧にまとめ、契約ごとに確認の時期と方法を定めることが望ましい。「電算処理の業務委託契約の特記事項」の各条項と対応付けておくと、確認の漏れを防ぐことができる。",
	"（2）定期報告の受領　委託先から、情報セキュリティ対策の実施状況について、少なくとも年に一度、書面による報告を受けることが望ましい。報告様式を区であらかじめ定めておけば、委託先ごとの比較や経年の変化の把握が容易となる。",
	"（3）実地の確認　重要な情報を取り扱う委託先については、報告書の確認に加え、作業場所への立入りによる確認を計画的に実施することが望ましい。立入りの際は、入退室管理、端末の管理、記録媒体の保管の状況を重点的に確認する。",
	"（4）再委託の管理　再委託を承認する際は、再委託先における情報セキュリティ対策が委託先と同等以上であることを書面で確認し、承認の記録を保管することが望ましい。再委託先の変更があった場合も、同様の手続を経ることを契約で求める。",
	"（5）契約終了時の措置　契約の終了時には、委託先から情報の返却又は消去の報告を受け、消去の日時、実施者及び方法が記載されていることを確認の上、保管することが望ましい。",
	"（6）担当者の引継ぎ　委託先の監督に関する記録は、課の担当者が異動しても引き継がれるよう、契約ごとのファイルに集約して保管することが望ましい。引継ぎの際には、未了の確認事項と次回の確認予定を明示する。",
	"（7）事故発生時の連絡体制の確認　委託先で情報セキュリティ上の事故が発生した場合の連絡先、連絡の期限及び報告すべき内容を契約書又は仕様書で明確にし、年に一度、連絡先に変更がないかを委託先に確認することが望ましい。連絡体制の確認の結果は、監督の記録に含めて保管する。",
	"（8）監督結果の活用　委託先から受けた報告と実地の確認の結果は、次回の契約更新時の仕様の見直しや、委託先の選定の際の参考として活用することが望ましい。改善を求めた事項については、委託先の対応状況を次回の確認時に必ず確かめる。",
)

// externalInput is a clean external audit: every item rated and observed,
// every finding with a long proposal and evidence, no open notes. The
// lints find nothing in it.
func externalInput() Input {
	e1 := evidence("ev01", audit.EvidencePhoto, "IMG_0012.jpg", "サーバ室入口の入退室管理簿", at(2026, 9, 10, 10, 12), "高橋 美咲", "i3")
	e2 := evidence("ev02", audit.EvidencePhoto, "IMG_0013.jpg", "サーバ室の鍵保管庫", at(2026, 9, 10, 10, 20), "高橋 美咲", "i3")
	e3 := evidence("ev03", audit.EvidenceDocument, "情報資産台帳_情報政策課.xlsx", "情報資産台帳（情報政策課）", at(2026, 9, 10, 13, 40), "鈴木 健", "i2")
	e4 := evidence("ev04", audit.EvidencePhoto, "IMG_0020.jpg", "管理サーバのアカウント一覧画面", at(2026, 9, 11, 11, 5), "鈴木 健", "i5")
	h1 := audit.Hearing{ID: "h1", AuditID: "a1", At: at(2026, 9, 10, 14, 0), Place: "第2庁舎4階会議室",
		Interviewees: []audit.Interviewee{{Name: "田中 誠", Division: "情報政策課", Role: "課長"}, {Name: "小林 由美", Division: "情報政策課", Role: "システム担当係長"}},
		Auditors:     []string{"山田 花子", "鈴木 健"},
		Statements: []audit.Statement{
			{Text: "入退室管理簿は担当者が毎朝確認しているが、退室時刻の記入は徹底できていない。", Items: []string{"i3"}},
			{Text: "委託先からの報告は契約更新時に口頭で受けている。", Items: []string{"i7"}},
		}}
	h2 := audit.Hearing{ID: "h2", AuditID: "a1", At: at(2026, 9, 11, 10, 0), Place: "税務課執務室",
		Interviewees: []audit.Interviewee{{Name: "中村 健太", Division: "税務課", Role: "課長補佐"}},
		Statements:   []audit.Statement{{Text: "研修は全職員が受講している。", Items: []string{"i4"}}}}
	items := []ItemInput{
		{Item: audit.Item{ID: "i1", No: "1", Section: "組織体制", Title: "情報セキュリティ管理体制の整備",
			Criteria: "情報セキュリティ対策基準 第2条（組織体制）", Examples: "・情報セキュリティ管理体制図\n・情報セキュリティ委員会の議事録"},
			Result: audit.Result{Rating: "conform", Observation: "情報セキュリティ管理体制図が令和8年4月に更新され、各課の情報セキュリティ責任者が指名されていることを体制図及び指名通知により確認した。",
				EvidenceSeen: "情報セキュリティ管理体制図（令和8年4月1日版）、指名通知"}},
		{Item: audit.Item{ID: "i2", No: "2", Section: "情報資産の分類と管理", Title: "情報資産台帳の整備",
			Criteria: "情報セキュリティ対策基準 第5条（情報資産の分類）", Examples: "・情報資産台帳\n・情報セキュリティ管理体制図"},
			Result: audit.Result{Rating: "partial", Finding: audit.FindingAdvice,
				Observation:  "情報政策課の情報資産台帳には、紙の文書は登録されているが、ファイルサーバ上の電子データが登録されておらず、機密性の分類欄が空欄の資産が38件中11件あった。",
				EvidenceSeen: "情報資産台帳（令和8年7月時点）", Proposal: proposalAssetRegister},
			Evidence: []audit.Evidence{e3}},
		{Item: audit.Item{ID: "i3", No: "3", Section: "物理的セキュリティ", Title: "サーバ室の入退室管理",
			Criteria: "情報セキュリティ対策基準 第12条（管理区域への入退室管理）", Examples: "・入退室管理簿\n・鍵の貸出簿",
			Notes: "現地視察で確認。\nリスク：入退室の記録が不完全なため、権限のない者がサーバ室に立ち入っても事後に追跡できず、機器の持出しや不正な接続を発見できないおそれがある。"},
			Result: audit.Result{Rating: "nonconform", Finding: audit.FindingMajor,
				Observation:  "サーバ室の入退室管理簿を確認したところ、令和8年4月から6月までの記録のうち退室時刻の記入漏れが12件、同行者の記載漏れが5件あった。\n委託事業者の保守作業時に職員の立会いがなかった日が3日あった。",
				EvidenceSeen: "入退室管理簿（令和8年4月〜6月）、鍵の貸出簿", Proposal: proposalServerRoom},
			Evidence: []audit.Evidence{e1, e2}, Hearings: []string{"h1"}},
		{Item: audit.Item{ID: "i4", No: "4", Section: "人的セキュリティ", Title: "情報セキュリティ研修の受講管理",
			Criteria: "情報セキュリティ対策基準 第18条（教育及び訓練）"},
			Result: audit.Result{Rating: "conform", Finding: audit.FindingGood,
				Observation:  "税務課では、研修の未受講者に対して課長補佐が個別に受講を促し、受講率100％を3年連続で維持している。受講状況を課内の掲示板で共有する工夫が見られた。",
				EvidenceSeen: "研修受講者一覧（令和6年度〜令和8年度）"},
			Hearings: []string{"h2"}},
		{Item: audit.Item{ID: "i5", No: "5", Section: "技術的セキュリティ", Title: "特権IDの管理",
			Criteria: "情報セキュリティ対策基準 第25条（アクセス制御）"},
			Result: audit.Result{Rating: "nonconform", Finding: audit.FindingMajor,
				Observation:  "住民記録システムの管理サーバ（192.168.10.21）において、特権ID「admin」が複数の運用担当者により共用されていることを、アカウント一覧画面及びヒアリングにより確認した。特権IDの利用申請及び承認の記録は作成されておらず、利用後のパスワード変更も行われていなかった。",
				EvidenceSeen: "アカウント一覧画面", Proposal: proposalPrivileged},
			Evidence: []audit.Evidence{e4}},
		{Item: audit.Item{ID: "i6", No: "6", Section: "運用", Title: "バックアップからの復元テスト",
			Criteria: "情報セキュリティ対策基準 第30条（バックアップ）"},
			Result: audit.Result{Rating: "conform", Finding: audit.FindingNotable,
				Observation: "バックアップは日次で取得されているが、復元テストは前回の実施から2年が経過している。次回の実施時期は未定であった。"}},
		{Item: audit.Item{ID: "i7", No: "7", Section: "業務委託と外部サービスの利用", Title: "委託先の監督",
			Criteria: "電算処理の業務委託契約の特記事項 第20条"},
			Result: audit.Result{Rating: "partial", Finding: audit.FindingAdvice,
				Observation:  "委託先からの情報セキュリティ対策の実施状況の報告は、契約更新時に口頭で受けているのみで、書面による報告及び記録はなかった。",
				EvidenceSeen: "委託契約書、仕様書", Proposal: proposalVendor},
			Hearings: []string{"h1"}},
		{Item: audit.Item{ID: "i10", No: "10", Section: "運用", Title: "ログの定期点検",
			Criteria: "情報セキュリティ対策基準 第32条（ログの取得等）"},
			Result: audit.Result{Rating: "na", Observation: "対象部門はログを取得するシステムを所管していないため、該当なしとした。"}},
	}
	return Input{
		Engagement: audit.Engagement{ID: "e1", Title: "令和8年度 情報セキュリティ監査業務委託", Client: "世田谷区", FiscalYear: 2026, Members: team},
		Audit: audit.Audit{ID: "a1", EngagementID: "e1", Kind: audit.KindExternal, Title: "外部監査", Scale: audit.DefaultScale(),
			Targets: []audit.Target{
				{Division: "情報政策課", Responsible: "情報政策課長", System: "住民記録システム"},
				{Division: "税務課", Responsible: "税務課長", System: "税務総合システム"},
				{Division: "株式会社サンプル情報サービス", Responsible: "運用部長", Vendor: true},
			},
			Plan: audit.Plan{
				Purpose:            "世田谷区情報セキュリティポリシーに基づき、システムを所管する部門における情報セキュリティ対策の整備及び運用の状況を確認し、改善に向けた助言を行う。",
				Criteria:           "・世田谷区情報セキュリティポリシー及び実施手順\n・電算処理の業務委託契約の特記事項\n・総務省「地方公共団体における情報セキュリティ監査に関するガイドライン」",
				Method:             "予備調査の後、文書確認、ヒアリング及び現地視察により監査を行う。",
				EvidenceScope:      "監査項目ごとに、判断の根拠となる文書、記録及び現地の状況を収集する。",
				EvidenceCollection: "文書は閲覧し、区の承認を得て写しを入手する。現地の状況は区の承認を得て撮影する。",
				PeriodStart:        "2026-07-01", PeriodEnd: "2026-12-25",
				Schedule: []audit.ScheduleEntry{
					{Date: "2026-09-11", Activity: "現地監査（税務課）", Place: "税務課執務室"},
					{Date: "2026-09-10", Activity: "現地監査（情報政策課）", Place: "第2庁舎4階会議室"},
					{Date: "2026-08-20", Activity: "予備調査（資料依頼）"},
					{Date: "2026-12-25", Activity: "監査報告書の提出"},
				},
				Other: "監査報告会は、報告書提出後に区と日程を調整して開催する。",
			}},
		Items:    items,
		Evidence: []audit.Evidence{e4, e3, e1, e2},
		Hearings: []audit.Hearing{h2, h1},
		Notes: []audit.ReviewNote{
			{ID: "n1", AuditID: "a1", Target: "i3", Author: "山田 花子", Text: "記入漏れの件数を再確認してください。", Status: audit.NoteClosed},
		},
		Issuer: "株式会社みらい監査法人",
		Date:   at(2026, 12, 25, 9, 0),
		Image: func(id string) (Image, bool) {
			if id == "ev01" || id == "ev02" || id == "ev04" {
				return Image{JPEG: []byte{0xFF, 0xD8, 0xFF, 0xD9}, Width: 1600, Height: 1200}, true
			}
			return Image{}, false
		},
	}
}

// Confidential text in the common-platform fixture.
var secrets = []string{
	"SETA-NET庁内共通基盤", "10.20.30.40", "172.16.0.0/12", "fe80::1c2b:3aff:fe4d:5e6f",
	"fs01.setagaya.local", `\\fs02`, "SGY-AD01", "mail.city.setagaya.lg.jp",
}

func commonPlatformInput() Input {
	in := externalInput()
	in.Engagement.FiscalYear = 2027
	in.Date = at(2027, 12, 20, 9, 0)
	in.Audit.Kind = audit.KindCommonPlatform
	in.Audit.Title = "共通基盤システム監査"
	in.Audit.Plan.PeriodStart, in.Audit.Plan.PeriodEnd, in.Audit.Plan.Schedule = "2027-05-10", "2027-12-20", nil
	in.Audit.Targets = []audit.Target{{Division: "DX推進担当課", Responsible: "DX推進担当課長", System: "SETA-NET庁内共通基盤"}}
	in.ConfidentialTerms = []string{"SGY-AD01"}
	ev := evidence("ev11", audit.EvidencePhoto, "fs01.setagaya.local_acl.png", "fs01.setagaya.local の共有フォルダ権限設定画面", at(2027, 6, 3, 11, 0), "鈴木 健", "c1")
	in.Evidence = []audit.Evidence{ev}
	in.Hearings = nil
	in.Image = func(string) (Image, bool) {
		return Image{JPEG: []byte{0xFF, 0xD8, 0xFF, 0xD9}, Width: 1920, Height: 1080}, true
	}
	in.Items = []ItemInput{
		{Item: audit.Item{ID: "c1", No: "β'-3", Section: "ネットワーク分離", Title: "SETA-NET庁内共通基盤のファイル無害化",
			GuidelineRef: "例文 3.2(1)", Criteria: "地方公共団体における情報セキュリティ監査に関するガイドライン β'モデル追加監査項目"},
			Result: audit.Result{Rating: "partial", Finding: audit.FindingMajor,
				Observation:  "SETA-NET庁内共通基盤のファイルサーバ fs01.setagaya.local（10.20.30.40）及び \\\\fs02 の共有フォルダに、無害化処理を経ないファイルが保存可能な設定となっていた。管理端末 fe80::1c2b:3aff:fe4d:5e6f からのアクセスも制限されていなかった。",
				EvidenceSeen: "共有フォルダの権限設定画面（fs01.setagaya.local）", Proposal: proposalPrivileged},
			Evidence: []audit.Evidence{ev}},
		{Item: audit.Item{ID: "c2", No: "β'-7", Section: "認証", Title: "ドメインコントローラの管理者アカウント", GuidelineRef: "例文 4.1(2)"},
			Result: audit.Result{Rating: "partial", Finding: audit.FindingAdvice,
				Observation:  "ドメインコントローラ SGY-AD01 の管理者アカウントのうち、2件が6か月以上利用されていなかった。172.16.0.0/12 からの管理接続が許可されていた。メールサーバ mail.city.setagaya.lg.jp の管理画面も同じ管理者アカウントで利用されていた。",
				EvidenceSeen: "アカウント一覧", Proposal: proposalVendor},
			Hearings: []string{"h9"}},
		{Item: audit.Item{ID: "c3", No: "組-1", Section: "組織的対策", Title: "情報セキュリティ責任者の指名", GuidelineRef: "例文 1.1(1)"},
			Result: audit.Result{Rating: "conform", Observation: "責任者が指名され、令和9年4月1日付けの指名通知を確認した。作業は10:30:00に開始し、バージョン1.2.300.4の手順書に従っていた。"}},
	}
	return in
}

func followupInput() Input {
	in := externalInput()
	in.Audit.Kind = audit.KindFollowup
	in.Audit.Title = "外部監査 フォローアップ監査"
	in.Audit.Plan.Purpose = ""
	in.Evidence = in.Evidence[2:3] // the entry log photo
	ev := in.Evidence[0]
	in.Items = []ItemInput{
		{Item: audit.Item{ID: "f1", No: "3", Section: "物理的セキュリティ", Title: "サーバ室の入退室管理", Origin: "令和7年度 外部監査 No.3（指摘事項）"},
			Result: audit.Result{Rating: "conform", Status: audit.StatusImproved, AuditeeComment: "入退室管理手順を令和8年5月に改定し、退室時の確認欄を設けた。",
				Observation: "改定後の入退室管理手順書及び令和8年6月から8月までの入退室管理簿を確認し、退室時刻の記入欄に記入漏れがないことを確認した。", EvidenceSeen: "入退室管理手順書（令和8年5月改定）"},
			Evidence: []audit.Evidence{ev}},
		{Item: audit.Item{ID: "f2", No: "5", Section: "技術的セキュリティ", Title: "特権IDの管理", Origin: "令和7年度 外部監査 No.5（指摘事項）"},
			Result: audit.Result{Rating: "partial", Status: audit.StatusInProgress, Finding: audit.FindingAdvice, AuditeeComment: "個人IDの発行は完了したが、共用IDの廃止はシステム更改時（令和9年度）に行う予定。",
				Observation: "個人の特権IDは発行されていたが、共用ID「admin」は引き続き利用可能な状態であり、利用申請の記録も一部作成されていなかった。", EvidenceSeen: "アカウント一覧画面、特権ID利用申請書", Proposal: proposalPrivileged},
			Hearings: []string{"h1"}},
		{Item: audit.Item{ID: "f3", No: "7", Section: "業務委託と外部サービスの利用", Title: "委託先の監督", Origin: "令和7年度 外部監査 No.7（改善提案）"},
			Result: audit.Result{Rating: "nonconform", Status: audit.StatusNotStarted, AuditeeComment: "担当者の異動により着手できていない。",
				Observation: "委託先からの書面による報告は依然として受けておらず、監督項目の一覧も作成されていなかった。"}},
		{Item: audit.Item{ID: "f4", No: "2", Section: "情報資産の分類と管理", Title: "情報資産台帳の整備", Origin: "令和7年度 外部監査 No.2（改善提案）"},
			Result: audit.Result{Rating: "partial", Status: audit.StatusImproved, AuditeeComment: "台帳の様式を統一した。",
				Observation: "台帳の様式は統一されていたが、電子データの登録は一部の課にとどまっていた。"}},
	}
	return in
}

// clone copies an input deeply enough for tests to change items.
func clone(in Input) Input {
	in.Items = append([]ItemInput(nil), in.Items...)
	in.Notes = append([]audit.ReviewNote(nil), in.Notes...)
	return in
}
