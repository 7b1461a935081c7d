package docx

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"math"
	"strings"
	"testing"

	"github.com/kansa-audit/kansa/internal/report"
)

// testJPEG draws a photo-like picture (gradients, a few shapes, a little
// noise so it compresses like a photo) and encodes it.
func testJPEG(tb testing.TB, w, h, seed int) []byte {
	tb.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	rng := uint32(seed*2654435761 + 12345)
	next := func() uint32 {
		rng ^= rng << 13
		rng ^= rng >> 17
		rng ^= rng << 5
		return rng
	}
	cx, cy := float64(w)*(0.3+0.05*float64(seed%7)), float64(h)*(0.4+0.04*float64(seed%5))
	rad := float64(min(w, h)) * 0.25
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			r := 60 + 140*x/w + seed*13%40
			g := 80 + 120*y/h
			b := 120 + 60*math.Sin(float64(x+y+seed*31)/90)
			if dx, dy := float64(x)-cx, float64(y)-cy; dx*dx+dy*dy < rad*rad {
				r, g = 220-r/3, 200-g/4
			}
			if (x/(40+seed%30)+y/(55+seed%20))%9 == 0 {
				r, g, b = r/2, g/2, b/2
			}
			n := int(next()%10) - 5
			o := img.PixOffset(x, y)
			img.Pix[o], img.Pix[o+1], img.Pix[o+2], img.Pix[o+3] = clamp8(r+n), clamp8(g+n), clamp8(int(b)+n), 255
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 82}); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func clamp8(v int) uint8 { return uint8(min(max(v, 0), 255)) }

// variant makes a distinct file of the same picture: a JPEG comment
// segment right after SOI, so every evidence photo has its own bytes.
func variant(j []byte, n int) []byte {
	com := fmt.Appendf(nil, "kansa evidence photo %06d", n)
	out := make([]byte, 0, len(j)+len(com)+4)
	out = append(out, j[:2]...)
	out = append(out, 0xFF, 0xFE, byte((len(com)+2)>>8), byte(len(com)+2))
	out = append(out, com...)
	return append(out, j[2:]...)
}

var proposalSentences = []string{
	"本項目については、現行の運用手順が文書化されているものの、実際の運用との間に乖離が認められた。",
	"このため、まず現行手順書を最新の運用実態に合わせて改訂し、改訂履歴を明確にしたうえで関係者へ周知することが望ましい。",
	"改訂にあたっては、情報政策課が主管となり、委託事業者の作業責任者を交えた検討会を設け、役割分担と承認手続を明確にされたい。",
	"また、手順書の改訂だけでは運用の定着は期待できないため、四半期ごとに運用状況の自己点検を実施し、その結果を情報セキュリティ委員会へ報告する仕組みを整備することを推奨する。",
	"自己点検の項目には、アクセス権限の棚卸し、特権IDの利用記録の確認、入退室記録と作業申請の突合を含めることが考えられる。",
	"特に特権IDについては、利用の都度、事前申請と事後の作業報告を求め、ログの確認結果を責任者が承認する運用とすることで、不正利用や誤操作の早期発見につながる。",
	"なお、委託事業者に対しては、契約書及び仕様書に定める報告義務の履行状況を定期的に確認し、必要に応じて是正を求めることが重要である。",
	"以上の改善を段階的に進めるため、令和9年度上半期までに手順書の改訂を完了し、下半期から自己点検を開始する計画を策定されたい。",
	"改善の進捗については、次回の監査においてフォローアップを行い、その有効性を評価する予定である。",
	"さらに、職員の異動時に引継ぎが確実に行われるよう、手順書の所在と更新責任者を明示し、新任者向けの説明資料を整備することも有効である。",
}

// proposal is about 1,500 characters of improvement proposal for finding
// n, unique to n.
func proposal(n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "指摘事項%dに対する改善提案を以下に示す。", n)
	for i := 0; b.Len() < 1500*3; i++ {
		b.WriteString(proposalSentences[(i+n)%len(proposalSentences)])
		if i == 6 {
			fmt.Fprintf(&b, "（対象ネットワーク VPN 接続 192.168.%d.0/24 を含む。）", n%256)
		}
	}
	return b.String()
}

// docSpec sizes a generated report.
type docSpec struct {
	findings, photosPerFinding, hearings, summaryRows int
	photos                                            [][]byte // cycled; each use gets its own bytes
	extras                                            bool     // notes, control characters, quotes, ordered lists
}

// buildDocument makes a report shaped like the real 監査報告書: cover,
// contents, overview with team table, summary table, one chapter per
// finding (figures, risk, a proposal on a new page), appendix with the
// evidence index and hearing log.
func buildDocument(s docSpec) *report.Document {
	d := &report.Document{
		Title:    "監査報告書",
		Subject:  "令和8年度 基幹システム外部データセンター監査",
		Author:   "株式会社テスト監査法人",
		Language: "ja-JP",
		Cover: &report.Cover{
			Title:      "令和8年度 基幹システム外部データセンター監査 監査報告書",
			Subtitle:   "（情報セキュリティ外部監査）",
			Client:     "世田谷区 御中",
			FiscalYear: "令和8年度",
			Date:       "令和8年12月25日",
			Issuer:     []string{"株式会社テスト監査法人", "主任監査人　監査 太郎"},
			Marking:    "取扱注意",
		},
	}
	add := func(b ...report.Block) { d.Blocks = append(d.Blocks, b...) }
	para := func(st report.ParaStyle, rs ...report.Run) report.Paragraph {
		return report.Paragraph{Style: st, Runs: rs}
	}

	add(report.TOC{Title: "目次"}, report.PageBreak{})
	add(report.Heading{Level: 1, Number: "1", Text: "監査の概要"})
	add(report.Heading{Level: 2, Number: "1.1", Text: "監査の目的"})
	add(report.Text("本監査は、基幹システムを運用する外部データセンターにおける情報セキュリティ対策の実施状況を確認し、" +
		"情報セキュリティポリシー及び関連規程への準拠性と、その有効性について助言することを目的とする。"))
	add(report.Heading{Level: 2, Number: "1.2", Text: "監査対象"})
	add(report.List{Items: [][]report.Run{
		{{Text: "基幹システム（住民記録、税務、福祉）の運用環境"}},
		{{Text: "外部データセンター（"}, {Text: "東京第二センター", Confidential: true}, {Text: "）のサーバ室及び監視室"}},
		{{Text: "委託事業者の運用体制と", Bold: true}, {Text: "作業管理"}},
	}})
	add(report.Heading{Level: 2, Number: "1.3", Text: "監査チーム"})
	add(report.Table{
		Caption: "表1 監査チーム",
		Columns: []report.Column{{Title: "役割", Width: 2}, {Title: "氏名", Width: 2}, {Title: "資格", Width: 4}},
		Rows: [][]report.Cell{
			{{Runs: []report.Run{{Text: "主任監査人"}}}, {Runs: []report.Run{{Text: "監査 太郎"}}}, {Runs: []report.Run{{Text: "CISA、情報処理安全確保支援士"}}}},
			{{Runs: []report.Run{{Text: "監査人"}}}, {Runs: []report.Run{{Text: "検査 花子"}}}, {Runs: []report.Run{{Text: "CISSP"}}}},
		},
	})
	add(report.Heading{Level: 3, Number: "1.3.1", Text: "監査の方法"})
	add(report.List{Ordered: true, Items: [][]report.Run{
		{{Text: "文書の閲覧"}}, {{Text: "関係者へのヒアリング"}}, {{Text: "現地の視察及び写真撮影"}},
	}})
	if s.extras {
		add(para(report.Note, report.Run{Text: "注：資格は監査実施時点のもの。記号 <>&\"' もそのまま表示される。"}))
		add(para(report.Body,
			report.Run{Text: "制御文字\x00\x07\x1bを含む段落\ufffeです。"},
			report.Run{Text: "改行の前\nと後", Bold: true},
			report.Run{Text: "（壊れた\xffバイトと\tタブ）"}))
		add(para(report.Center, report.Run{Text: "中央揃えの段落"}))
		add(para(report.Right, report.Run{Text: "令和8年12月25日\n株式会社テスト監査法人"}))
		add(report.List{Ordered: true, Items: [][]report.Run{{{Text: "二つ目の番号付きリストは(1)から"}}, {{Text: "始まる"}}}})
		add(report.Heading{Level: 2, Text: ""}, report.Heading{Level: 9, Number: "9.9.9.9", Text: "深すぎる見出し"})
		add(report.Table{Columns: []report.Column{{Title: "項目", Width: 1}, {Title: "長い内容", Width: 4}}, Rows: [][]report.Cell{
			{{Runs: []report.Run{{Text: "短い行"}}}, {Runs: []report.Run{{Text: "一行"}}}},
			{{Runs: []report.Run{{Text: "長い行"}}}, {Runs: []report.Run{{Text: proposal(99)}}}},
		}})
	}
	add(report.PageBreak{})

	add(report.Heading{Level: 1, Number: "2", Text: "総評"})
	add(report.Text("全体として、情報セキュリティ対策は概ね計画どおりに実施されているが、運用手順と実態の乖離、" +
		"特権IDの管理及び委託先管理について改善の余地が認められた。\n詳細は第4章に示す。"))

	add(report.Heading{Level: 1, Number: "3", Text: "監査結果一覧"})
	cols := []report.Column{
		{Title: "No.", Width: 0.6, Align: report.Middle},
		{Title: "区分", Width: 2},
		{Title: "監査項目", Width: 5},
		{Title: "評価", Width: 1, Align: report.Middle},
	}
	var rows [][]report.Cell
	for i := 1; i <= s.summaryRows; i++ {
		rating := []string{"A", "B", "C", "－"}[i%4]
		rows = append(rows, []report.Cell{
			{Runs: []report.Run{{Text: fmt.Sprint(i)}}},
			{Runs: []report.Run{{Text: []string{"組織的対策", "物理的対策", "技術的対策", "運用"}[i%4]}}},
			{Runs: []report.Run{{Text: fmt.Sprintf("監査項目%d：入退室管理の記録が保管され、定期的に確認されていること", i)}}},
			{Runs: []report.Run{{Text: rating}}, Shade: rating == "C"},
		})
	}
	rows = append(rows, []report.Cell{{}, {Runs: []report.Run{{Text: "合計", Bold: true}}, Shade: true}, {Shade: true},
		{Runs: []report.Run{{Text: fmt.Sprint(s.summaryRows)}}, Align: report.AlignRight, Shade: true}})
	add(report.Table{Caption: "表2 監査結果一覧", Columns: cols, Rows: rows})
	add(report.Paragraph{Style: report.Note, Runs: []report.Run{{Text: "評価　A：適切　B：概ね適切　C：改善を要する"}}})

	add(report.PageBreak{})
	add(report.Heading{Level: 1, Number: "4", Text: "指摘事項及び改善提案"})
	photo := 0
	type ev struct{ id, caption, file, hash string }
	var evidence []ev
	for f := 1; f <= s.findings; f++ {
		add(report.Heading{Level: 2, Number: fmt.Sprintf("4.%d", f), Text: fmt.Sprintf("指摘事項%d 特権IDの管理", f)})
		add(report.Heading{Level: 3, Number: fmt.Sprintf("4.%d.1", f), Text: "監査項目及び基準"})
		add(report.Text(fmt.Sprintf("監査項目%d：特権IDは必要最小限の者に付与され、その利用は記録及び確認されていること（基準 6.2.%d）。", f, f)))
		add(report.Heading{Level: 3, Number: fmt.Sprintf("4.%d.2", f), Text: "監査で確認した事実"})
		add(report.Text(fmt.Sprintf("所見%d：サーバ室の入退室記録簿と作業申請書を突合したところ、申請のない入室が3件認められた。"+
			"また、特権IDの利用記録について、責任者による確認の記録が一部欠落していた。", f)))
		for k := 0; k < s.photosPerFinding && len(s.photos) > 0; k++ {
			photo++
			id := fmt.Sprintf("E-%04d", photo)
			hash := fmt.Sprintf("%012x", uint64(photo)*0x9E3779B97F4A7C15>>16)
			caption := fmt.Sprintf("図%d サーバ室入口の入退室記録簿（指摘%d）", photo, f)
			add(report.Figure{
				Image:      report.Image{JPEG: variant(s.photos[(photo-1)%len(s.photos)], photo)},
				Caption:    caption,
				EvidenceID: id,
				ShortHash:  hash,
			})
			evidence = append(evidence, ev{id, caption, fmt.Sprintf("IMG_%04d.jpg", photo), hash})
		}
		add(report.Heading{Level: 3, Number: fmt.Sprintf("4.%d.3", f), Text: "リスク"})
		add(report.Text("申請のない入室や確認されない特権操作は、不正な持出しや設定変更を見逃すおそれがある。"))
		add(report.PageBreak{})
		add(report.Heading{Level: 3, Number: fmt.Sprintf("4.%d.4", f), Text: "改善提案"})
		add(report.Text(proposal(f)))
	}

	add(report.PageBreak{})
	add(report.Heading{Level: 1, Number: "5", Text: "特記事項及び良好事例"})
	add(report.Paragraph{Style: report.Quote, Runs: []report.Run{{Text: "「監視室では、夜間も二名体制で監視を行っている。」（運用責任者）"}}})

	add(report.PageBreak{})
	add(report.Heading{Level: 1, Text: "付録A 証跡一覧"})
	evRows := make([][]report.Cell, 0, len(evidence))
	for _, e := range evidence {
		evRows = append(evRows, []report.Cell{
			{Runs: []report.Run{{Text: e.id}}}, {Runs: []report.Run{{Text: e.caption}}},
			{Runs: []report.Run{{Text: e.file}}}, {Runs: []report.Run{{Text: e.hash}}},
			{Runs: []report.Run{{Text: "令和8年10月1日 10:00"}}}, {Runs: []report.Run{{Text: "監査人"}}},
		})
	}
	add(report.Table{Caption: "表3 証跡一覧", Columns: []report.Column{
		{Title: "証跡ID", Width: 1.2}, {Title: "説明", Width: 4}, {Title: "ファイル名", Width: 1.8},
		{Title: "SHA-256", Width: 2}, {Title: "取得日時", Width: 2}, {Title: "取得者", Width: 1},
	}, Rows: evRows})
	add(report.Heading{Level: 1, Text: "付録B ヒアリング記録"})
	var hRows [][]report.Cell
	for h := 1; h <= s.hearings; h++ {
		hRows = append(hRows, []report.Cell{
			{Runs: []report.Run{{Text: fmt.Sprintf("令和8年10月%d日", h%28+1)}}},
			{Runs: []report.Run{{Text: "運用責任者、情報政策課担当"}}},
			{Runs: []report.Run{{Text: fmt.Sprintf("ヒアリング%d：特権IDの払出し手続と、作業申請の承認の流れについて確認した。", h)}}},
		})
	}
	add(report.Table{Caption: "表4 ヒアリング記録", Columns: []report.Column{
		{Title: "実施日", Width: 2}, {Title: "対象者（役職）", Width: 3}, {Title: "内容", Width: 6},
	}, Rows: hRows})
	return d
}

// sampleDocument is the test report: three findings with two photos each
// (one 16:9 landscape, one portrait taller than the 11 cm limit), an 80-row
// table, and the awkward text of docSpec.extras.
func sampleDocument(tb testing.TB) *report.Document {
	return buildDocument(docSpec{
		findings: 3, photosPerFinding: 2, hearings: 5, summaryRows: 80, extras: true,
		photos: [][]byte{testJPEG(tb, 800, 450, 1), testJPEG(tb, 480, 900, 2)},
	})
}
