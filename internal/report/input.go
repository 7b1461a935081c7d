package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/jpcal"
)

// Input is everything a builder or the lints need about one audit. The
// caller (the workspace) assembles it from the store; builders never read
// the store themselves.
type Input struct {
	Engagement audit.Engagement
	Audit      audit.Audit
	Items      []ItemInput        // the checksheet, with results
	Evidence   []audit.Evidence   // all evidence of the audit, for the appendix
	Hearings   []audit.Hearing    // all hearings of the audit, for the appendix
	Notes      []audit.ReviewNote // review notes, for the lints

	Issuer string    // the audit firm, printed on the cover; "" = the chief's organisation
	Date   time.Time // issue date, printed in 和暦 (converted to JST)

	// Image returns the report-size JPEG of a photo; nil, or false for an
	// id, lists the evidence in words instead of as a figure.
	Image func(evidenceID string) (Image, bool)

	// NamesInHearings prints interviewees' personal names in the hearing
	// log; by default they appear by division and role only.
	NamesInHearings bool

	// ConfidentialTerms are further words (host names, product names,
	// network names) withheld in the J-LIS variant, in addition to the
	// targets' system names and the patterns of confidential.go.
	ConfidentialTerms []string

	// Overall replaces the generated 総評 when not blank.
	Overall string
	// PlanEvaluation is the auditor's evaluation of the auditee's
	// improvement plan in a follow-up report; blank: generated from the
	// improvement statuses.
	PlanEvaluation string
}

// ItemInput is one checksheet item with its result and what is linked to
// it (the workspace's ItemState).
type ItemInput struct {
	audit.Item
	Result   audit.Result
	Evidence []audit.Evidence // linked evidence, in capture order
	Hearings []string         // ids of hearings whose statements link here
}

// Variant selects a version of a common-platform report.
type Variant string

// Report variants.
const (
	VariantWard Variant = "ward" // for the ward: everything printed
	VariantJLIS Variant = "jlis" // for J-LIS: confidential text withheld
)

// ParseVariant accepts "ward" or "jlis" ("" means ward).
func ParseVariant(s string) (Variant, error) {
	switch v := Variant(strings.ToLower(strings.TrimSpace(s))); v {
	case "", VariantWard:
		return VariantWard, nil
	case VariantJLIS:
		return VariantJLIS, nil
	}
	return "", fmt.Errorf("%w: variant %q is not ward or jlis", audit.ErrInvalid, s)
}

// check reports what a builder cannot do without.
func (in Input) check() error {
	switch {
	case strings.TrimSpace(in.Engagement.Client) == "":
		return fmt.Errorf("%w: the engagement has no client", audit.ErrInvalid)
	case strings.TrimSpace(in.Audit.Title) == "":
		return fmt.Errorf("%w: the audit has no title", audit.ErrInvalid)
	case in.Date.IsZero():
		return fmt.Errorf("%w: the issue date is missing", audit.ErrInvalid)
	case in.issuer() == "":
		return fmt.Errorf("%w: the issuer (audit firm) is missing and the chief auditor has no organisation", audit.ErrInvalid)
	}
	return nil
}

// issuer is the firm printed on the cover.
func (in Input) issuer() string {
	if s := strings.TrimSpace(in.Issuer); s != "" {
		return s
	}
	for _, m := range in.Engagement.Members {
		if m.Role == audit.RoleChief && strings.TrimSpace(m.Organisation) != "" {
			return strings.TrimSpace(m.Organisation)
		}
	}
	return ""
}

// fiscalYear is the engagement's fiscal year label, or the issue date's.
func (in Input) fiscalYear() string {
	if in.Engagement.FiscalYear != 0 {
		return jpcal.FiscalYear(in.Engagement.FiscalYear)
	}
	return jpcal.FiscalYear(jpcal.FiscalYearOf(in.Date.In(jpcal.JST)))
}

// scale is the audit's rating scale, or the default.
func (in Input) scale() audit.Scale {
	if len(in.Audit.Scale.Ratings) == 0 {
		return audit.DefaultScale()
	}
	return in.Audit.Scale
}

// rating looks a result's rating up in the scale: ok is false for "" and
// unknown codes.
func (in Input) rating(code string) (audit.Rating, bool) {
	if strings.TrimSpace(code) == "" {
		return audit.Rating{}, false
	}
	return in.scale().Lookup(code)
}

// rated reports whether the item carries a rating that counts as checked.
func (in Input) rated(it ItemInput) bool {
	r, ok := in.rating(it.Result.Rating)
	return ok && r.Rated
}

// ratingLabel is the printed rating, 「未評価」 when none.
func (in Input) ratingLabel(it ItemInput) string {
	if r, ok := in.rating(it.Result.Rating); ok {
		return r.Label
	}
	return "未評価"
}

// itemName names an item in messages and headings: No.12「サーバ室の入退室管理」.
func itemName(it ItemInput) string {
	return "No." + it.No + "「" + strings.TrimSpace(it.Title) + "」"
}

// isFinding reports whether the item is a finding or advice that needs a
// proposal (指摘事項, 改善提案).
func isFinding(it ItemInput) bool {
	return it.Result.Finding == audit.FindingMajor || it.Result.Finding == audit.FindingAdvice
}

// followup reports whether the audit is a follow-up audit.
func (in Input) followup() bool { return in.Audit.Kind == audit.KindFollowup }

// paragraphs splits free text into paragraphs, one per non-blank line, as
// written: the builders print each as a paragraph and the proposal lint
// measures each.
func paragraphs(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		out = append(out, strings.TrimRight(line, " \t\u3000"))
	}
	return out
}

// date parses a plan date (YYYY-MM-DD).
func date(s string) (time.Time, bool) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	return t, err == nil
}

// wareki prints a plan date in 和暦, or the text as given if it is no date.
func wareki(s string) string {
	if t, ok := date(s); ok {
		return jpcal.Wareki(t)
	}
	return s
}
