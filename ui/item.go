package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2/lang"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/report"
	"github.com/kansa-audit/kansa/internal/workspace"
)

// maxDetailRunes bounds a long text shown as an excerpt (a competing
// value of a field in conflict); the whole text is in the field itself.
const maxDetailRunes = 400

// openItem is where screens jump to look at one checksheet item: item
// itemNo of audit auditID ("" for the audit as a whole), with the lints
// that sent the user there. It opens the workspace screen at that item
// (the first one for the audit as a whole), showing the lints on it; its
// 戻る returns to the screen that called.
func (a *App) openItem(auditID, itemNo string, lints []report.Finding) {
	if a.ws == nil || auditID == "" {
		return
	}
	back := a.route
	r := Route{Page: PageAudit, EngagementID: a.route.EngagementID, AuditID: auditID, ItemNo: itemNo}
	s := newAuditScreen(a, r)
	s.lints = lints
	if back.Page != PageUnlock && back.Page != PageCreate {
		s.back = back
	}
	a.show(r, s)
}

// findItem finds the item numbered no, as people type numbers.
func findItem(st *workspace.AuditState, no string) (workspace.ItemState, bool) {
	want := audit.NormalizeNo(no)
	for _, it := range st.Items {
		if audit.NormalizeNo(it.No) == want {
			return it, true
		}
	}
	return workspace.ItemState{}, false
}

// ratingName is how a rating code reads: its label in the audit's scale,
// 未評価 when blank, the code itself when the scale lacks it.
func ratingName(s audit.Scale, code string) string {
	if strings.TrimSpace(code) == "" {
		return lang.L("item.unrated")
	}
	if r, ok := s.Lookup(code); ok {
		return r.Label
	}
	return code
}

func findingLabel(f audit.FindingClass) string {
	if f == audit.FindingNone {
		return ""
	}
	return lang.L("finding." + string(f))
}

// excerpt is the start of a long text for the detail dialog; "（未記入）"
// when blank.
func excerpt(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return lang.L("item.blank")
	}
	if r := []rune(s); len(r) > maxDetailRunes {
		return fmt.Sprintf("%s…", string(r[:maxDetailRunes]))
	}
	return s
}

// statusLabel is how a follow-up's improvement status reads; 未入力 when
// the auditee has not reported one.
func statusLabel(s audit.ImprovementStatus) string {
	if s == audit.StatusNone {
		return lang.L("item.no_status")
	}
	return lang.L("status." + string(s))
}
