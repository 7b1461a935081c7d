package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/report"
	"github.com/kansa-audit/kansa/internal/workspace"
)

// maxDetailRunes bounds the observation and proposal shown in the item
// detail; the whole text is for the item screen and the documents.
const maxDetailRunes = 400

// openItem is where screens jump to look at one checksheet item: item
// itemNo of audit auditID ("" for the audit as a whole), with the lints
// that sent the user there. It is the navigation hook for the item
// workspace screen; until that screen exists it reads the audit off the
// UI goroutine and shows the item's details in a dialog over the current
// screen.
func (a *App) openItem(auditID, itemNo string, lints []report.Finding) {
	if a.ws == nil {
		return
	}
	from, ws := a.screen, a.ws
	background(a.cfg.Run, func() (*workspace.AuditState, error) { return ws.AuditState(auditID) },
		func(st *workspace.AuditState, err error) {
			if !a.isCurrent(from) {
				return
			}
			if err != nil {
				logError("open item "+itemNo, err)
				dialog.ShowInformation(lang.L("item.title"), withDetails(lang.L("item.load_failed"), err), a.win)
				return
			}
			a.item = newItemDetail(st, itemNo, lints, a.win)
			a.item.dialog.Show()
		})
}

// itemDetail is the dialog openItem shows: the item's number and title,
// its result, and the lints about it.
type itemDetail struct {
	dialog *dialog.CustomDialog
	title  *widget.Label
	lints  []string // the lint lines shown
	found  bool     // the item exists in the audit
}

func newItemDetail(st *workspace.AuditState, itemNo string, lints []report.Finding, win fyne.Window) *itemDetail {
	d := &itemDetail{title: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})}
	d.title.Wrapping = fyne.TextWrapWord
	d.title.SizeName = theme.SizeNameSubHeadingText
	body := container.NewVBox(d.title)
	var fields fyne.CanvasObject
	if itemNo == "" {
		d.found = true
		d.title.SetText(lang.L("item.audit_level", map[string]any{"Audit": st.Audit.Title}))
	} else if it, ok := findItem(st, itemNo); ok {
		d.found = true
		d.title.SetText(lang.L("item.heading", map[string]any{"No": it.No, "Title": oneLine(it.Title)}))
		fields = itemFields(st, it)
	} else {
		d.title.SetText(lang.L("item.missing", map[string]any{"No": itemNo}))
	}
	// What sent the user here comes first, then the item.
	if len(lints) > 0 {
		body.Add(heading(lang.L("item.lints")))
		for _, f := range lints {
			line := lang.L("item.lint_line", map[string]any{"Rule": ruleLabel(f.Rule), "Message": f.Message})
			d.lints = append(d.lints, line)
			l := widget.NewLabel(line)
			l.Wrapping = fyne.TextWrapWord
			l.Importance = widget.WarningImportance
			body.Add(l)
		}
	}
	if fields != nil {
		body.Add(widget.NewSeparator())
		body.Add(fields)
	}
	content := container.NewVScroll(container.New(fixedWidth(600), body))
	content.SetMinSize(fyne.NewSize(620, 420))
	title := lang.L("item.title")
	if itemNo == "" {
		title = lang.L("item.audit_title")
	}
	d.dialog = dialog.NewCustom(title, lang.L("item.close"), content, win)
	return d
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

// itemFields lays out an item's section and result as label/value rows.
func itemFields(st *workspace.AuditState, it workspace.ItemState) fyne.CanvasObject {
	grid := container.New(layout.NewFormLayout())
	add := func(key, value string) {
		v := widget.NewLabel(value)
		v.Wrapping = fyne.TextWrapWord
		grid.Add(widget.NewLabelWithStyle(lang.L(key), fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}))
		grid.Add(v)
	}
	r := it.Result
	if s := oneLine(it.Section); s != "" {
		add("item.section", s)
	}
	add("item.rating", ratingName(st.Audit.Scale, r.Rating))
	if r.Finding != audit.FindingNone {
		add("item.finding", findingLabel(r.Finding))
	}
	if st.Audit.Kind == audit.KindFollowup {
		add("item.status", statusLabel(r.Status))
	}
	add("item.observation", excerpt(r.Observation))
	if r.Finding != audit.FindingNone || strings.TrimSpace(r.Proposal) != "" {
		add("item.proposal", excerpt(r.Proposal))
	}
	add("item.evidence", lang.L("item.evidence_count", map[string]any{"Evidence": len(it.Evidence), "Hearings": len(it.Hearings)}))
	return grid
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

func statusLabel(s audit.ImprovementStatus) string {
	if s == audit.StatusNone {
		return lang.L("item.no_status")
	}
	return lang.L("status." + string(s))
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
