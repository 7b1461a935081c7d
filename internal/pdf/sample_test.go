package pdf

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/kansa-audit/kansa/internal/report"
)

// The sample report used by the rendering tests, the screenshots and the
// benchmark: a ward's audit report with findings, photos and hearings.

var sentences = []string{
	"サーバ室の入退室管理については、ICカードによる認証と入退室記録簿への記入が併用されている。",
	"入退室記録簿には、退室時刻の記入漏れが令和8年10月の1か月間で17件確認された。",
	"情報セキュリティポリシー（令和6年4月改定）第12条では、管理区域への入退室の記録を求めている。",
	"ファイアウォールの管理画面（https://fw01.example.lg.jp/admin/login?redirect=%2Fpolicy）には、庁内LANの任意の端末からアクセスできる状態であった。",
	"ISMSの認証範囲とISO/IEC 27001:2022の附属書Aの管理策との対応表は、最新の組織改正が反映されていなかった。",
	"バックアップサーバ（192.168.10.25）のログは90日間保存されており、要件を満たしている。",
	"一方で、ログの定期的な点検は担当者の「気付いたとき」に行われているにとどまり、点検の記録も残されていない。",
	"「情報セキュリティ対策基準」では、特権IDの利用を申請・承認の手続に基づき行うこととされている。",
	"しかしながら、ヒアリングによれば、障害対応時には事後承認で特権IDが利用される運用が常態化している。",
	"委託先であるデータセンター事業者の監査報告書（SOC2 Type2）は、毎年度入手され、所管課において確認されている。",
	"パスワードは12文字以上とされているが、一部の業務システムでは8文字以上の設定のままとなっている。",
	"USBメモリ等の外部記録媒体は、台帳により管理され、貸出・返却の都度、管理者の確認を受けている。",
	"標的型攻撃メール訓練は年2回実施され、開封率は前年度の14.2％から6.8％に低下した。",
	"脆弱性診断の結果、CVSS v3.1の基本値が7.0以上の脆弱性が3件検出され、うち1件は対応が完了していない。",
	"なお、これらの事項は、監査手続の範囲内で確認されたものであり、全ての不備を網羅するものではない。",
	"職員への情報セキュリティ研修（eラーニング）の受講率は98.5％であり、未受講者には督促が行われている。",
	"クラウドサービスの利用に当たっては、「地方公共団体における情報セキュリティポリシーに関するガイドライン」（令和7年3月版）を参照している。",
	"障害発生時の連絡体制図は、人事異動後の令和8年4月以降、更新されていなかった――担当者の交代が反映されていない。",
	"監査人は、システム管理者、運用委託先の担当者及び所管課長に対してヒアリングを行った……その結果を以下に示す。",
	"端末のOS（Windows 11 23H2）の更新プログラムは、WSUSにより配信され、適用状況は月次で確認されている。",
}

var proposalSentences = []string{
	"入退室の記録は、管理区域の物理的な安全を確保するための基本的な管理策であり、記録の欠落は不正な立入りの検知を困難にする。",
	"このため、まず入退室記録簿の記入方法を見直し、退室時刻の記入を退室の条件とする運用とすることが望ましい。",
	"具体的には、ICカードの入退室ログと記録簿とを月次で突合し、不一致があれば理由を確認して記録する手順を定めることを提案する。",
	"突合の結果は、情報セキュリティ責任者に報告し、是正が必要な事項については期限を定めて対応させる。",
	"また、将来的には記録簿を廃止し、ICカードの入退室ログに一本化することも検討に値する。その際は、共連れを防止するための設備（アンチパスバック機能等）の導入を併せて検討されたい。",
	"特権IDの利用については、緊急時の事後承認を例外として明文化した上で、事後承認の期限（例えば翌営業日まで）と記録様式を定めることが必要である。",
	"事後承認の件数は四半期ごとに集計し、例外が常態化していないかを情報セキュリティ委員会において確認する。",
	"ファイアウォールの管理画面へのアクセスは、管理用セグメント（例：10.0.100.0/24）からに限定し、多要素認証を導入することが望ましい。",
	"これらの改善には一定の予算と人員を要するため、優先順位を付けて段階的に実施する計画を策定し、次年度の監査において進捗を確認することとしたい。",
	"なお、改善策の検討に当たっては、所管課のみならず、情報政策課及び委託先事業者を含めた体制で取り組むことが効果的である。",
	"ログの点検については、点検の頻度（週1回以上）、点検項目、異常時の報告先を定めたチェックリストを作成し、点検の都度、実施者と確認者が記名する運用とされたい。",
	"点検の負荷を軽減するため、SIEM等による自動集計の導入も中長期的な選択肢となる。",
	"規程の改正に当たっては、現場の運用実態を踏まえ、実行可能な手順とすることが重要であり、改正案は運用委託先とも協議した上で確定されたい。",
	"改善の状況は、次回の監査においてフォローアップとして確認する。それまでの間、所管課は四半期ごとに進捗を情報セキュリティ責任者に報告することが望ましい。",
	"教育の面では、管理区域に立ち入る職員及び委託先要員に対し、入退室の記録の意義と手順を年1回以上周知し、受講の記録を残すことを推奨する。",
	"なお、ICカードの紛失・退職時の失効手続が遅れると、記録の信頼性そのものが損なわれるため、人事異動の情報を失効手続に連動させる仕組みを併せて整備されたい。",
}

// para builds a paragraph of n sentences from pool, starting at seed.
func para(pool []string, seed, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(pool[(seed+i*7)%len(pool)])
	}
	return b.String()
}

// sampleJPEG draws a photo-like picture: a lit room with a cabinet, a door
// and some noise, so the JPEG is about as large as a real photo.
func sampleJPEG(tb testing.TB, w, h, variant int) []byte {
	tb.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(uint64(variant), 7))
	base := [3]float64{150 + float64(variant*13%80), 140 + float64(variant*29%70), 120 + float64(variant*7%90)}
	type box struct {
		x0, y0, x1, y1 int
		c              [3]float64
	}
	var boxes []box
	for i := 0; i < 6; i++ {
		x0, y0 := rng.IntN(w*3/4), rng.IntN(h*3/4)
		boxes = append(boxes, box{x0, y0, x0 + w/8 + rng.IntN(w/4), y0 + h/6 + rng.IntN(h/3),
			[3]float64{float64(rng.IntN(200)), float64(rng.IntN(200)), float64(rng.IntN(200))}})
	}
	for y := 0; y < h; y++ {
		t := float64(y) / float64(h)
		row := img.Pix[y*img.Stride:]
		for x := 0; x < w; x++ {
			c := [3]float64{base[0] * (1.1 - 0.4*t), base[1] * (1.1 - 0.4*t), base[2] * (1.1 - 0.3*t)}
			for _, b := range boxes {
				if x >= b.x0 && x < b.x1 && y >= b.y0 && y < b.y1 {
					c = b.c
					if (x-b.x0)%40 < 2 || (y-b.y0)%60 < 2 {
						c = [3]float64{30, 30, 30}
					}
				}
			}
			n := rng.Float64()*10 - 5
			p := row[4*x : 4*x+4]
			p[0], p[1], p[2], p[3] = clamp(c[0]+n), clamp(c[1]+n), clamp(c[2]+n), 255
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func clamp(v float64) uint8 {
	switch {
	case v < 0:
		return 0
	case v > 255:
		return 255
	}
	return uint8(v)
}

// withComment returns a copy of a JPEG with a COM segment after SOI: other
// bytes, the same picture, no re-encoding.
func withComment(j []byte, s string) []byte {
	out := make([]byte, 0, len(j)+len(s)+4)
	out = append(out, j[:2]...)
	n := len(s) + 2
	out = append(out, 0xFF, 0xFE, byte(n>>8), byte(n))
	out = append(out, s...)
	return append(out, j[2:]...)
}

type sampleSpec struct {
	findings  int
	photos    int // in total, spread over the findings
	hearings  int
	indexRows int // rows in the evidence index table
	jpegs     [][]byte
	jpegW     int
	jpegH     int
}

// sampleReport builds a report document like the builders make.
func sampleReport(spec sampleSpec) *report.Document {
	d := &report.Document{
		Title: "監査報告書", Subject: "令和8年度 基幹システム外部データセンター監査", Author: "株式会社かんさ監査法人",
		Language: "ja-JP",
		Cover: &report.Cover{
			Title:      "令和8年度 基幹システム外部データセンター 情報セキュリティ監査 監査報告書",
			Subtitle:   "（助言型監査）",
			Client:     "世田谷区 御中",
			FiscalYear: "令和8年度",
			Date:       "令和8年12月25日",
			Issuer:     []string{"株式会社かんさ監査法人", "主任監査人　公認情報セキュリティ監査人　山田 太郎"},
			Marking:    "取扱注意",
		},
	}
	add := func(b ...report.Block) { d.Blocks = append(d.Blocks, b...) }
	h := func(level int, num, text string) { add(report.Heading{Level: level, Number: num, Text: text}) }
	p := func(s string) { add(report.Text(s)) }
	add(report.TOC{Title: "目次"})
	h(1, "1", "監査の概要")
	h(2, "1.1", "監査の目的")
	p("本監査は、世田谷区（以下「区」という。）の基幹システムを運用する外部データセンターにおける情報セキュリティ対策の実施状況を確認し、改善に向けた助言を行うことを目的とする。")
	p("監査は、「地方公共団体における情報セキュリティ監査に関するガイドライン」に準拠した助言型監査として実施した。したがって、本報告書は、区の情報セキュリティ対策が適切であることを保証するものではない。")
	h(2, "1.2", "監査対象")
	add(report.List{Items: [][]report.Run{
		{{Text: "基幹システム（住民記録、税務、国民健康保険）の運用環境"}},
		{{Text: "外部データセンター（東京都内）のサーバ室及び監視室"}},
		{{Text: "運用委託先：株式会社サンプルシステムズ（", Bold: false}, {Text: "契約番号 R8-IT-0042", Confidential: true}, {Text: "）"}},
	}})
	h(2, "1.3", "監査期間")
	p("令和8年10月1日から令和8年11月30日まで（実地監査：令和8年11月5日及び6日）")
	h(2, "1.4", "監査チーム")
	add(report.Table{Caption: "表1 監査チームの構成",
		Columns: []report.Column{{Title: "役割", Width: 2}, {Title: "氏名", Width: 2}, {Title: "資格", Width: 4}},
		Rows: [][]report.Cell{
			{{Runs: []report.Run{{Text: "主任監査人"}}}, {Runs: []report.Run{{Text: "山田 太郎"}}}, {Runs: []report.Run{{Text: "公認情報セキュリティ主任監査人、CISA"}}}},
			{{Runs: []report.Run{{Text: "監査人"}}}, {Runs: []report.Run{{Text: "佐藤 花子"}}}, {Runs: []report.Run{{Text: "公認情報セキュリティ監査人、情報処理安全確保支援士（登録番号 012345）"}}}},
			{{Runs: []report.Run{{Text: "監査人補"}}}, {Runs: []report.Run{{Text: "鈴木 一郎"}}}, {Runs: []report.Run{{Text: "情報セキュリティマネジメント試験合格"}}}},
		}})
	h(2, "1.5", "監査の基準及び手続")
	p("監査の基準は、区の情報セキュリティポリシー及び「地方公共団体における情報セキュリティポリシーに関するガイドライン」とした。評価は次の4段階で行った。")
	add(report.List{Ordered: true, Items: [][]report.Run{
		{{Text: "A：", Bold: true}, {Text: "基準を満たしている。"}},
		{{Text: "B：", Bold: true}, {Text: "概ね基準を満たしているが、一部に改善の余地がある。"}},
		{{Text: "C：", Bold: true}, {Text: "基準を満たしていない事項があり、改善が必要である。"}},
		{{Text: "D：", Bold: true}, {Text: "基準を満たしておらず、早急な改善が必要である。"}},
	}})
	add(report.Paragraph{Style: report.Note, Runs: []report.Run{{Text: "※ 評価は監査手続を実施した範囲における監査人の判断であり、監査対象の全ての事項を網羅するものではない。"}}})
	h(1, "2", "総評")
	for i := 0; i < 3; i++ {
		p(para(sentences, i*3, 5))
	}
	h(1, "3", "監査結果一覧")
	sum := report.Table{Caption: "表2 監査項目別の評価",
		Columns: []report.Column{{Title: "No.", Width: 0.7, Align: report.Middle}, {Title: "監査項目", Width: 5}, {Title: "評価", Width: 0.9, Align: report.Middle}, {Title: "指摘", Width: 0.9, Align: report.Middle}}}
	ratings := []string{"A", "B", "C", "B", "A", "D"}
	items := []string{"情報セキュリティポリシーの策定と見直し", "組織体制（CISO、情報セキュリティ委員会）", "管理区域への入退室管理",
		"情報資産の分類と管理", "外部記録媒体の管理", "特権IDの管理", "アクセス制御（ファイアウォール、VPN）", "ログの取得と点検",
		"不正プログラム対策", "委託先の管理（SOC2報告書の確認を含む）", "障害・事故発生時の対応", "職員への教育・訓練"}
	for i := 0; i < 12; i++ {
		r := ratings[i%len(ratings)]
		ref := "－"
		if r == "C" || r == "D" {
			ref = fmt.Sprintf("4.%d", i/3+1)
		}
		sum.Rows = append(sum.Rows, []report.Cell{
			{Runs: []report.Run{{Text: fmt.Sprint(i + 1)}}},
			{Runs: []report.Run{{Text: items[i]}}},
			{Runs: []report.Run{{Text: r, Bold: r == "D"}}, Shade: r == "D"},
			{Runs: []report.Run{{Text: ref}}},
		})
	}
	add(sum)
	h(1, "4", "指摘事項及び改善提案")
	photo := 0
	for f := 0; f < spec.findings; f++ {
		n := fmt.Sprint(f + 1)
		h(2, "4."+n, fmt.Sprintf("指摘事項%s　%s", n, []string{"管理区域への入退室の記録", "特権IDの管理", "ログの点検", "ファイアウォールの管理"}[f%4]))
		add(report.Paragraph{Runs: []report.Run{{Text: "【監査項目】", Bold: true}, {Text: "物理的セキュリティ　管理区域への入退室管理（チェック項目 3.2.1）"}}})
		add(report.Paragraph{Runs: []report.Run{{Text: "【監査基準】", Bold: true}, {Text: "情報セキュリティ対策基準 第12条第2項「管理区域への入退室は、記録し、一定期間保存すること。」"}}})
		add(report.Paragraph{Runs: []report.Run{{Text: "【観察事項】", Bold: true}}})
		p(para(sentences, f, 6))
		per := 0
		if spec.findings > 0 {
			per = spec.photos / spec.findings
			if f < spec.photos%spec.findings {
				per++
			}
		}
		for k := 0; k < per && len(spec.jpegs) > 0; k++ {
			photo++
			j := spec.jpegs[photo%len(spec.jpegs)]
			if spec.photos > len(spec.jpegs) {
				j = withComment(j, fmt.Sprintf("photo %d", photo))
			}
			add(report.Figure{
				Image:      report.Image{JPEG: j, Width: spec.jpegW, Height: spec.jpegH},
				Caption:    fmt.Sprintf("図%d %s", photo, []string{"サーバ室入口の入退室記録簿", "監視室のモニタ", "ラック背面の配線", "媒体保管庫"}[photo%4]),
				EvidenceID: fmt.Sprintf("E-%04d", photo),
				ShortHash:  fmt.Sprintf("%012x", uint64(photo)*0x9e3779b97f4a7c15>>16),
			})
		}
		add(report.Paragraph{Runs: []report.Run{{Text: "【リスク】", Bold: true}}})
		p(para(sentences, f+5, 2))
		add(report.PageBreak{})
		add(report.Paragraph{Runs: []report.Run{{Text: "【改善提案】", Bold: true}}})
		for k := 0; k < 7; k++ {
			p(para(proposalSentences, f*5+k*4, 3))
		}
		add(report.PageBreak{})
	}
	h(1, "5", "特記事項及び良好事例")
	h(2, "5.1", "特記事項")
	p(para(sentences, 11, 3))
	h(2, "5.2", "良好事例")
	p("標的型攻撃メール訓練の結果を部署別に分析し、開封率の高い部署に対して個別の研修を実施している点は、他団体の参考となる取組である。")
	add(report.PageBreak{})
	h(1, "", "付録1 証跡一覧")
	idx := report.Table{Caption: "表3 証跡一覧",
		Columns: []report.Column{{Title: "証跡ID", Width: 1.15}, {Title: "説明", Width: 3.6}, {Title: "ファイル名", Width: 2.15},
			{Title: "SHA-256（先頭12桁）", Width: 2.2}, {Title: "取得日時", Width: 2.25}, {Title: "取得者", Width: 1.0, Align: report.Middle}}}
	for i := 1; i <= spec.indexRows; i++ {
		idx.Rows = append(idx.Rows, []report.Cell{
			{Runs: []report.Run{{Text: fmt.Sprintf("E-%04d", i)}}},
			{Runs: []report.Run{{Text: []string{"サーバ室入口の入退室記録簿", "監視室のモニタ（障害監視画面）", "ラック背面の配線", "媒体保管庫の施錠状況", "特権ID利用申請書（令和8年10月分）"}[i%5]}}},
			{Runs: []report.Run{{Text: fmt.Sprintf("IMG_%04d.jpg", 3000+i)}}},
			{Runs: []report.Run{{Text: fmt.Sprintf("%012x", uint64(i)*0x9e3779b97f4a7c15>>16)}}},
			{Runs: []report.Run{{Text: fmt.Sprintf("R8.11.%d %d:%02d", 5+i%2, 9+i%8, i%60)}}},
			{Runs: []report.Run{{Text: []string{"佐藤", "鈴木", "山田"}[i%3]}}},
		})
	}
	add(idx)
	add(report.PageBreak{})
	h(1, "", "付録2 ヒアリング記録")
	for i := 1; i <= spec.hearings; i++ {
		h(3, "", fmt.Sprintf("ヒアリング%d　令和8年11月%d日　%s", i, 5+i%2, []string{"情報政策課長", "システム管理者", "運用委託先 担当者"}[i%3]))
		add(report.Paragraph{Style: report.Quote, Runs: []report.Run{{Text: para(sentences, i+2, 2)}}})
		add(report.Paragraph{Style: report.Quote, Runs: []report.Run{{Text: "（回答）" + para(proposalSentences, i, 1)}}})
	}
	add(report.Paragraph{Style: report.Right, Runs: []report.Run{{Text: "以上"}}})
	return d
}
