package pdf

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// synth shapes s with synthetic metrics, 1 em wide for Japanese and 0.5 em
// for Latin, at size 1, so the tests do not depend on a font.
func synth(s string) []glyph {
	var gs []glyph
	prev := rune(0)
	for _, r := range s {
		g := glyph{r: r, size: 1, w: 1}
		if r < 0x2000 || isWordChar(r) {
			g.w = 0.5
		}
		if r == '\n' {
			g.w = 0
			prev = 0
			gs = append(gs, g)
			continue
		}
		if prev != 0 {
			g.pre = wagouGap(prev, r) + punctGap(prev, r)
		}
		prev = r
		gs = append(gs, g)
	}
	return gs
}

func lineTexts(gs []glyph, lines []line) []string {
	out := make([]string, len(lines))
	for i, ln := range lines {
		var b strings.Builder
		for _, g := range gs[ln.start:ln.end] {
			b.WriteRune(g.r)
		}
		out[i] = b.String()
	}
	return out
}

func TestBreakLinesTable(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		width float64
		want  []string
	}{
		{"plain", "あいうえおかきくけこ", 4, []string{"あいうえ", "おかきく", "けこ"}},
		{"fits", "あいう", 3, []string{"あいう"}},
		{"empty", "", 5, []string{""}},
		// 行頭禁則: the character before is carried down (oidashi).
		{"maru", "あいうえお。かきくけこ", 5, []string{"あいうえ", "お。かきく", "けこ"}},
		{"ten", "あいうえ、かき", 4, []string{"あいう", "え、かき"}},
		{"close-kakko", "あいう」えお", 3, []string{"あい", "う」え", "お"}},
		{"close-paren", "あいう）えお", 3, []string{"あい", "う）え", "お"}},
		{"close-then-maru", "あいう」。えお", 3, []string{"あい", "う」。", "えお"}},
		{"small-tsu", "あいうえっと", 4, []string{"あいう", "えっと"}},
		{"small-katakana", "プロジェクト", 3, []string{"プロ", "ジェク", "ト"}},
		{"choon", "データサーバー", 3, []string{"データ", "サー", "バー"}},
		{"nakaguro", "申請・承認", 2, []string{"申", "請・", "承認"}},
		{"question", "なぜか？はい", 3, []string{"なぜ", "か？は", "い"}},
		{"iteration", "人々の時々", 2, []string{"人々", "の", "時々"}},
		{"ascii-comma", "あいう,えお", 3, []string{"あい", "う,え", "お"}},
		// 行末禁則: an opening bracket is carried down.
		{"open-kakko", "あいうえ「かきくけこ」", 5, []string{"あいうえ", "「かきくけ", "こ」"}},
		{"open-paren", "あいう（えお）", 4, []string{"あいう", "（えお）"}},
		{"open-ascii", "あいう(abc)", 4, []string{"あいう", "(abc)"}},
		{"yen", "価格＄100", 3, []string{"価格", "＄100"}},
		// A bracketed word longer than the line: the word yields, not kinsoku.
		{"bracketed-word", "（abcdefgh）", 4.5, []string{"（abcdefg", "h）"}},
		// Latin words and numbers are not split.
		{"isms", "ISMSの認証", 3, []string{"ISMS", "の認証"}},
		{"ip", "アドレス192.168.1.10を確認", 6, []string{"アドレス", "192.168.1.10", "を確認"}},
		{"iso-together", "規格ISO/IEC 27001を参照", 8, []string{"規格", "ISO/IEC 27001を", "参照"}},
		{"iso-split-last", "ISO/IEC 27001", 5, []string{"ISO/IEC", "27001"}},
		{"english", "see the log files", 4, []string{"see the", "log", "files"}},
		// A word longer than a line is split at the line's end.
		{"long-url", "見よhttps://a.b/cdefgh", 6, []string{"見よhttps:/", "/a.b/cdefgh"}},
		{"long-hash", "0123456789abcdef", 3, []string{"012345", "6789ab", "cdef"}},
		{"long-word-kinsoku", "abcdefg.hij", 3.5, []string{"abcdef", "g.hij"}},
		// Leaders and dashes stay together.
		{"leaders", "あいうえ……", 5, []string{"あいうえ", "……"}},
		{"dashes", "あいう――え", 4, []string{"あいう", "――え"}},
		// "\n" is a line break.
		{"newline", "あい\nう", 10, []string{"あい", "う"}},
		{"newline-empty", "あ\n\nい", 10, []string{"あ", "", "い"}},
		{"newline-trailing", "あ\n", 10, []string{"あ", ""}},
		{"spaces-trimmed", "ab cd ef", 2.5, []string{"ab", "cd", "ef"}},
		// 約物の詰め: "）、" takes 1.5 em, so it fits.
		{"punct-squeeze", "あ）、い", 3.5, []string{"あ）、い"}},
		// Nothing fits: at least one glyph per line.
		{"too-narrow", "あい", 0.5, []string{"あ", "い"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gs := synth(tt.text)
			got := lineTexts(gs, breakLines(gs, tt.width, tt.width))
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("breakLines(%q, %v) = %q; want %q", tt.text, tt.width, got, tt.want)
			}
		})
	}
}

var kinsokuCorpus = []string{
	"本監査は、世田谷区（以下「区」という。）の基幹システムを運用する外部データセンターにおける情報セキュリティ対策の実施状況を確認し、改善に向けた助言を行うことを目的とする。",
	"ファイアウォールの管理画面（https://fw01.example.lg.jp/admin/login?redirect=%2Fpolicy）には、庁内LANの任意の端末からアクセスできる状態であった。",
	"ISMSの認証範囲とISO/IEC 27001:2022の附属書Aの管理策との対応表は、最新の組織改正が反映されていなかった。",
	"バックアップサーバ（192.168.10.25）のログは90日間保存されており、要件を満たしている――しかし、点検の記録は残されていない……。",
	"「『情報セキュリティ対策基準』では、特権IDの利用を申請・承認の手続に基づき行うこととされている。」との回答を得た。",
	"パスワードは12文字以上とされているが、一部の業務システム（Windows 11 23H2、RHEL 9.4）では8文字以上の設定のままとなっている！？",
	"標的型攻撃メール訓練は年2回実施され、開封率は前年度の14.2％から6.8％に低下した。ッャュョァィゥェォっゃゅょぁぃぅぇぉーー々ゝゞヽヾ。",
	"【指摘】〔注〕《参考》〈例〉｛補足｝『引用』「発言」（括弧）[bracket] {brace} (paren) “quote” ‘single’ — done.",
	"See https://www.soumu.go.jp/main_content/000000000.pdf and the log at C:\\ProgramData\\Kansa\\logs\\kansa-2026-11-05.log for details, then report.",
	"行頭に来てはならない文字、。，．・：；？！ゝゞヽヾ々ー）」』】〕｝〉》と行末に来てはならない文字（「『【〔｛〈《を交互に並べた試験用の文。",
	"短い\n改行\n\nを含む段落で、改行は保たれる。",
}

// TestBreakLinesInvariants checks every corpus paragraph at many widths:
// no character is lost, no line starts or ends with a forbidden
// character, no Latin word shorter than a line is split, and no line is
// wider than the measure.
func TestBreakLinesInvariants(t *testing.T) {
	for ci, text := range kinsokuCorpus {
		gs := synth(text)
		ww := wordWidths(gs)
		for w := 3.0; w <= 46; w += 0.5 {
			lines := breakLines(gs, w, w)
			// no loss: lines plus what was dropped (spaces, "\n") give the text back
			var rebuilt strings.Builder
			pos := 0
			for _, ln := range lines {
				for _, g := range gs[pos:ln.start] {
					if g.r != ' ' && g.r != '\n' {
						t.Fatalf("corpus %d width %v: dropped %q", ci, w, g.r)
					}
				}
				for _, g := range gs[ln.start:ln.end] {
					rebuilt.WriteRune(g.r)
				}
				pos = ln.end
			}
			want := strings.NewReplacer(" ", "", "\n", "").Replace(text)
			if got := strings.ReplaceAll(rebuilt.String(), " ", ""); got != want {
				t.Fatalf("corpus %d width %v: text changed:\n got %q\nwant %q", ci, w, got, want)
			}
			legal := func(b int) bool { return canBreak(gs, b, ww, w) != breakNever }
			for li, ln := range lines {
				if ln.end <= ln.start {
					continue
				}
				if ln.width > w+1e-9 && ln.end-ln.start > 1 {
					t.Errorf("corpus %d width %v line %d: width %v", ci, w, li, ln.width)
				}
				if ln.hard {
					continue
				}
				// The break after a soft line is legal (kinsoku, words) if
				// any legal break fits; else it keeps kinsoku if any break
				// that does fits; else it is wherever the line overflowed.
				b := ln.next
				anyLegal, anyKinsoku := false, false
				for k := ln.start + 1; k <= b; k++ {
					anyLegal = anyLegal || legal(k)
					anyKinsoku = anyKinsoku || kinsokuOK(gs, k)
				}
				switch {
				case anyLegal && !legal(b):
					t.Errorf("corpus %d width %v: illegal break after line %d: %q", ci, w, li, lineTexts(gs, lines[li:li+2]))
				case !anyLegal && anyKinsoku && !kinsokuOK(gs, b):
					t.Errorf("corpus %d width %v: kinsoku broken after line %d: %q", ci, w, li, lineTexts(gs, lines[li:li+2]))
				}
				if anyLegal && (noEnd[gs[ln.end-1].r] || noStart[gs[b].r]) {
					t.Errorf("corpus %d width %v: kinsoku broken after line %d: %q", ci, w, li, lineTexts(gs, lines[li:li+2]))
				}
				if anyLegal && isWordChar(gs[b-1].r) && isWordChar(gs[b].r) && ww[b] <= w {
					t.Errorf("corpus %d width %v: word split after line %d: %q", ci, w, li, lineTexts(gs, lines[li:li+2]))
				}
			}
		}
	}
}

func TestBreakLinesKeepsNewlines(t *testing.T) {
	gs := synth("一行目\n二行目は少し長い文です\n三")
	lines := breakLines(gs, 5, 5)
	got := lineTexts(gs, lines)
	want := []string{"一行目", "二行目は少", "し長い文で", "す", "三"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got %q; want %q", got, want)
	}
	hard := []bool{true, false, false, true, true}
	for i, ln := range lines {
		if ln.hard != hard[i] {
			t.Errorf("line %d (%q) hard = %v; want %v", i, got[i], ln.hard, hard[i])
		}
	}
}

func TestPositionsJustify(t *testing.T) {
	gs := synth("あいうISMSえお")
	ln := line{start: 0, end: len(gs), width: measure(gs, 0, len(gs))}
	xs := positions(gs, ln, ln.width+3, true, nil)
	// gaps: あ|い, い|う, う|I, S|え, え|お expand (5); inside ISMS they don't
	if got, want := xs[len(xs)-1]+gs[len(gs)-1].w, ln.width+3; fmt.Sprintf("%.6f", got) != fmt.Sprintf("%.6f", want) {
		t.Errorf("justified line ends at %v; want %v", got, want)
	}
	for k := 4; k < 7; k++ { // S M S after I: no extra space
		if d := xs[k] - xs[k-1] - gs[k-1].w; d > 1e-9 {
			t.Errorf("gap inside ISMS before %q = %v", gs[k].r, d)
		}
	}
	ln.hard = true
	xs = positions(gs, ln, ln.width+3, true, nil)
	if got := xs[len(xs)-1] + gs[len(gs)-1].w; got > ln.width+1e-9 {
		t.Errorf("last line justified to %v", got)
	}
	if n := utf8.RuneCountInString("あいうISMSえお"); len(xs) != n {
		t.Errorf("%d positions for %d glyphs", len(xs), n)
	}
}
