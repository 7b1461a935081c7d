package audit

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// Item is one row of a checksheet.
type Item struct {
	ID             string `json:"id"`
	AuditID        string `json:"audit"`
	No             string `json:"no"`                        // as printed on the checksheet: "12", "DC-03", "3-2"
	Section        string `json:"section,omitempty"`         // 区分
	Title          string `json:"title"`                     // 監査項目
	Criteria       string `json:"criteria,omitempty"`        // 適用基準
	Points         string `json:"points,omitempty"`          // 確認の要点
	Examples       string `json:"examples,omitempty"`        // 監査証拠の例示
	HearingPurpose string `json:"hearing_purpose,omitempty"` // ヒアリング目的 (internal)
	GuidelineRef   string `json:"guideline_ref,omitempty"`   // 例文番号 (common-platform)
	Notes          string `json:"notes,omitempty"`           // 備考
	Origin         string `json:"origin,omitempty"`          // follow-up: the earlier finding this item re-checks
}

// Field returns the item's field for a checksheet column, or nil for a
// column items do not have. Importers write through it; exporters and
// screens read it.
func (it *Item) Field(c Column) *string {
	switch c {
	case ColNo:
		return &it.No
	case ColSection:
		return &it.Section
	case ColTitle:
		return &it.Title
	case ColCriteria:
		return &it.Criteria
	case ColPoints:
		return &it.Points
	case ColExamples:
		return &it.Examples
	case ColHearingPurpose:
		return &it.HearingPurpose
	case ColGuidelineRef:
		return &it.GuidelineRef
	case ColNotes:
		return &it.Notes
	}
	return nil
}

// Text is the item's text in column c ("" for a column items lack).
func (it Item) Text(c Column) string {
	if p := it.Field(c); p != nil {
		return *p
	}
	return ""
}

// Validate checks the item's number and title.
func (it Item) Validate() error {
	if NormalizeNo(it.No) == "" {
		return invalid("item.no", "is empty")
	}
	if strings.ContainsAny(it.No, "\n\r\t") {
		return invalid("item.no", "%q contains a line break or tab", it.No)
	}
	if strings.TrimSpace(it.Title) == "" {
		return invalid("item.title", "is empty (item %s)", it.No)
	}
	return nil
}

// NormalizeNo normalises an item number as people type it: full-width
// digits, letters and hyphens become ASCII, surrounding and internal spaces
// (including the ideographic space) are removed, and a trailing "." is dropped.
// So "１２", " 12 " and "12." are all "12".
func NormalizeNo(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '０' && r <= '９':
			r = '0' + (r - '０')
		case r >= 'Ａ' && r <= 'Ｚ':
			r = 'A' + (r - 'Ａ')
		case r >= 'ａ' && r <= 'ｚ':
			r = 'a' + (r - 'ａ')
		case r == '－' || r == 'ー' || r == '‐' || r == '−' || r == '―':
			r = '-'
		case r == '．':
			r = '.'
		}
		if unicode.IsSpace(r) {
			continue
		}
		b.WriteRune(r)
	}
	return strings.TrimSuffix(b.String(), ".")
}

// CompareNo orders item numbers naturally: "2" < "10", "DC-2" < "DC-10",
// and numeric numbers before alphanumeric ones.
func CompareNo(a, b string) int {
	a, b = NormalizeNo(a), NormalizeNo(b)
	for a != "" && b != "" {
		ca, ra := chunk(a)
		cb, rb := chunk(b)
		na, errA := strconv.Atoi(ca)
		nb, errB := strconv.Atoi(cb)
		switch {
		case errA == nil && errB == nil:
			if na != nb {
				return cmpInt(na, nb)
			}
		case errA == nil:
			return -1
		case errB == nil:
			return 1
		default:
			if c := strings.Compare(ca, cb); c != 0 {
				return c
			}
		}
		a, b = ra, rb
	}
	return cmpInt(len(a), len(b))
}

// chunk splits off a leading run of digits or of non-digits.
func chunk(s string) (string, string) {
	digit := s[0] >= '0' && s[0] <= '9'
	i := 1
	for i < len(s) && (s[i] >= '0' && s[i] <= '9') == digit {
		i++
	}
	return s[:i], s[i:]
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Rating is one grade of a rating scale.
type Rating struct {
	Code    string `json:"code"`
	Label   string `json:"label"`    // Japanese, as printed
	LabelEN string `json:"label_en"` // English UI
	Rated   bool   `json:"rated"`    // counts as "checked" for progress (false for 未確認)
}

// Scale is an audit's configurable rating scale.
type Scale struct {
	Ratings []Rating `json:"ratings"`
}

// DefaultScale is the Japanese default scale of domain.md §3.
func DefaultScale() Scale {
	return Scale{Ratings: []Rating{
		{Code: "conform", Label: "適合", LabelEN: "Conform", Rated: true},
		{Code: "partial", Label: "一部適合", LabelEN: "Partly conform", Rated: true},
		{Code: "nonconform", Label: "不適合", LabelEN: "Nonconform", Rated: true},
		{Code: "na", Label: "該当なし", LabelEN: "Not applicable", Rated: true},
		{Code: "unchecked", Label: "未確認", LabelEN: "Not yet checked", Rated: false},
	}}
}

// Validate checks that codes are unique, non-empty identifiers.
func (s Scale) Validate() error {
	if len(s.Ratings) == 0 {
		return invalid("scale", "has no ratings")
	}
	seen := map[string]bool{}
	for i, r := range s.Ratings {
		if r.Code == "" || strings.ContainsAny(r.Code, " \t\n") {
			return invalid(fmt.Sprintf("scale.ratings[%d].code", i), "%q must be a non-empty word", r.Code)
		}
		if seen[r.Code] {
			return invalid("scale.ratings", "code %q appears twice", r.Code)
		}
		seen[r.Code] = true
		if strings.TrimSpace(r.Label) == "" {
			return invalid(fmt.Sprintf("scale.ratings[%d].label", i), "is empty")
		}
	}
	return nil
}

// Lookup finds a rating by code or by its Japanese or English label.
func (s Scale) Lookup(v string) (Rating, bool) {
	v = strings.TrimSpace(v)
	for _, r := range s.Ratings {
		if r.Code == v || r.Label == v || strings.EqualFold(r.LabelEN, v) {
			return r, true
		}
	}
	return Rating{}, false
}

// Codes lists the scale's codes in order.
func (s Scale) Codes() []string {
	out := make([]string, len(s.Ratings))
	for i, r := range s.Ratings {
		out[i] = r.Code
	}
	return out
}

// FindingClass classifies a result's finding.
type FindingClass string

// Finding classes (domain.md §3). The empty class means "no finding".
const (
	FindingNone    FindingClass = ""
	FindingMajor   FindingClass = "finding" // 指摘事項
	FindingAdvice  FindingClass = "advice"  // 改善提案／助言
	FindingNotable FindingClass = "notable" // 特記事項
	FindingGood    FindingClass = "good"    // 良好事例
)

// FindingClasses lists the non-empty classes in display order.
var FindingClasses = []FindingClass{FindingMajor, FindingAdvice, FindingNotable, FindingGood}

// Label is the Japanese name of the class.
func (f FindingClass) Label() string {
	switch f {
	case FindingMajor:
		return "指摘事項"
	case FindingAdvice:
		return "改善提案"
	case FindingNotable:
		return "特記事項"
	case FindingGood:
		return "良好事例"
	}
	return ""
}

// ParseFindingClass accepts a class id, its Japanese label, or "" / "none".
func ParseFindingClass(s string) (FindingClass, error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.EqualFold(s, "none") {
		return FindingNone, nil
	}
	for _, f := range FindingClasses {
		if string(f) == strings.ToLower(s) || f.Label() == s {
			return f, nil
		}
	}
	return "", invalid("finding", "%q is not one of finding, advice, notable, good", s)
}

// Result is what the auditor recorded for one item.
type Result struct {
	Rating       string       `json:"rating"`        // a code of the audit's scale; "" = not yet rated
	Observation  string       `json:"observation"`   // 監査実施内容: what was done and seen
	EvidenceSeen string       `json:"evidence_seen"` // 監査証拠: evidence examined, in words
	Finding      FindingClass `json:"finding"`
	Proposal     string       `json:"proposal"` // 改善提案
	// Follow-up audits: the auditee's reported progress on the earlier
	// finding, and their comment, from the improvement plan and progress list.
	Status         ImprovementStatus `json:"status,omitempty"`
	AuditeeComment string            `json:"auditee_comment,omitempty"`
}

// Validate checks the result against the audit's scale.
func (r Result) Validate(s Scale) error {
	if r.Rating != "" {
		if _, ok := s.Lookup(r.Rating); !ok {
			return invalid("result.rating", "%q is not in the scale (%s)", r.Rating, strings.Join(s.Codes(), ", "))
		}
	}
	if r.Finding != FindingNone {
		if _, err := ParseFindingClass(string(r.Finding)); err != nil {
			return err
		}
	}
	if r.Status != StatusNone {
		if _, err := ParseImprovementStatus(string(r.Status)); err != nil {
			return err
		}
	}
	return nil
}
