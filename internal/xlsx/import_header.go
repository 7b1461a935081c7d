package xlsx

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kansa-audit/kansa/internal/audit"
)

// Header recognition.
//
// A header cell is normalised (HeaderNormalize) and compared with the
// names below. A cell matches a column, best first:
//
//  1. exactly, with the column's first (primary) name, e.g. 監査証拠の例示;
//  2. exactly, with any other name, e.g. 監査証拠;
//  3. as a suffix, the longest name wins: 監査項目番号 ends in 項目番号 (No),
//     ガイドライン例文番号 in 例文番号 (guideline), Item No. in no;
//  4. as a substring, for names of three or more characters, the longest
//     wins: 監査内容／確認ポイント contains 確認ポイント (points).
//
// Cells longer than headerMaxRunes after normalisation are sentences (titles,
// notes), never headers. Cells naming a result column (評価, 監査実施内容,
// 指摘区分, 改善提案, …) match nothing, so an exported checksheet with its
// result columns reads back as the checksheet it was.

// headerMaxRunes bounds the length of a header cell after normalisation.
const headerMaxRunes = 24

// headerNames lists each column's names, normalised, primary name first.
var headerNames = []struct {
	col   audit.Column
	names []string
}{
	{audit.ColNo, []string{"no", "番号", "項番", "項目番号", "通番", "連番", "管理番号", "number", "itemno", "itemnumber", "num"}},
	{audit.ColSection, []string{"区分", "分類", "カテゴリ", "カテゴリー", "大項目", "大分類", "分野", "領域", "section", "category", "area", "domain"}},
	{audit.ColTitle, []string{"監査項目", "チェック項目", "確認項目", "点検項目", "評価項目", "項目", "item", "audititem", "checkitem", "items", "title"}},
	{audit.ColCriteria, []string{"適用基準", "根拠", "準拠基準", "関連規程", "関連規定", "根拠規程", "根拠規定", "監査基準", "基準", "参照基準", "準拠規程", "criteria", "criterion", "reference", "references", "standard"}},
	{audit.ColPoints, []string{"確認の要点", "確認ポイント", "監査内容", "確認要点", "要点", "確認内容", "着眼点", "監査の着眼点", "チェックポイント", "points", "checkpoints", "checkpoint", "pointstocheck", "auditprocedure", "procedure"}},
	{audit.ColExamples, []string{"監査証拠の例示", "証跡例", "監査証拠", "証跡", "監査証拠例", "証拠資料", "確認資料", "エビデンス", "evidenceexamples", "evidence", "exampleevidence", "examplesofevidence", "evidenceexample"}},
	{audit.ColHearingPurpose, []string{"ヒアリング目的", "ヒアリングの目的", "目的", "hearingpurpose", "purposeofhearing", "interviewpurpose", "purpose"}},
	{audit.ColGuidelineRef, []string{"例文番号", "ガイドライン番号", "例文", "例文no", "ガイドライン例文番号", "ガイドライン", "guidelineref", "guidelinereference", "guidelineno", "exampleno", "examplenumber"}},
	{audit.ColNotes, []string{"備考", "その他", "補足", "メモ", "注記", "notes", "note", "remarks", "remark", "comments", "comment"}},
}

// headerOther are headers of columns that are not checksheet columns: the
// result columns an exported checksheet carries, and its hidden version
// column. They never match a checksheet column.
var headerOther = map[string]bool{
	"評価": true, "評価結果": true, "判定": true, "結果": true, "監査結果": true,
	"監査実施内容": true, "実施内容": true, "指摘区分": true, "指摘事項": true,
	"改善提案": true, "所見": true, "rating": true, "result": true, "finding": true,
	"observation": true, "proposal": true, "kansaversion": true,
}

// headerIDName is the normalised header of the hidden item-id column an
// exported checksheet carries (KansaID).
const headerIDName = "kansaid"

// headerMatch is how well a cell matched a column; larger is better.
type headerMatch int

const (
	headerNone headerMatch = iota
	headerContains
	headerSuffix
	headerExactAlias
	headerExactPrimary
)

// HeaderNormalize normalises a header cell for matching: full-width letters,
// digits and symbols become half-width, "№" and "#" become "no", ASCII
// letters are lower-cased, and spaces, line breaks and punctuation
// (「」・．：（）／ and the like) are removed.
func HeaderNormalize(s string) string {
	var b strings.Builder
	for _, r := range s {
		r = headerFoldWidth(r)
		switch {
		case r == '№' || r == '#':
			b.WriteString("no")
			continue
		case unicode.IsSpace(r), unicode.IsPunct(r), unicode.IsSymbol(r), unicode.IsControl(r):
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// headerFoldWidth maps a full-width ASCII variant to ASCII and the
// ideographic space to a space.
func headerFoldWidth(r rune) rune {
	switch {
	case r >= '！' && r <= '～':
		return r - '！' + '!'
	case r == '\u3000':
		return ' '
	}
	return r
}

// HeaderColumn says which checksheet column a header cell names, if any.
func HeaderColumn(text string) (audit.Column, bool) {
	c, m := headerClassify(HeaderNormalize(text))
	return c, m != headerNone
}

// headerClassify matches a normalised header cell against the names.
func headerClassify(n string) (audit.Column, headerMatch) {
	if n == "" || utf8.RuneCountInString(n) > headerMaxRunes || headerOther[n] || n == headerIDName {
		return "", headerNone
	}
	for _, e := range headerNames {
		for i, name := range e.names {
			if n == name {
				if i == 0 {
					return e.col, headerExactPrimary
				}
				return e.col, headerExactAlias
			}
		}
	}
	best, bestLen, kind := audit.Column(""), 0, headerNone
	for _, e := range headerNames {
		for _, name := range e.names {
			l := utf8.RuneCountInString(name)
			switch {
			case strings.HasSuffix(n, name):
				if kind < headerSuffix || l > bestLen {
					best, bestLen, kind = e.col, l, headerSuffix
				}
			case kind < headerSuffix && l >= 3 && strings.Contains(n, name):
				if l > bestLen {
					best, bestLen, kind = e.col, l, headerContains
				}
			}
		}
	}
	return best, kind
}

// headerRow is what a row reads as when taken for a header.
type headerRow struct {
	cols    ColumnMap
	score   int
	idCol   int // the KansaID column, -1 if none
	headers []string
}

// headerDetect reads a row as a header. It counts when it names the title
// column and at least one other: score is the number of columns named.
// Where two cells name the same column, the better match wins, then the
// leftmost one.
func headerDetect(cells []string) (headerRow, bool) {
	h := headerRow{cols: ColumnMap{}, idCol: -1}
	quality := map[audit.Column]headerMatch{}
	for i, cell := range cells {
		n := HeaderNormalize(cell)
		if n == headerIDName && h.idCol < 0 {
			h.idCol = i
			continue
		}
		c, m := headerClassify(n)
		if m == headerNone {
			continue
		}
		if m > quality[c] {
			quality[c] = m
			h.cols[c] = i
		}
	}
	h.score = len(h.cols)
	if _, ok := h.cols[audit.ColTitle]; !ok || h.score < 2 {
		return headerRow{}, false
	}
	h.headers = append([]string(nil), cells...)
	return h, true
}
