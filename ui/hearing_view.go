package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/jpcal"
)

// hearingView shows one hearing record whole (ヒアリング記録): when and
// where, who was heard (division, role, name), the auditors present, every
// statement with the items it concerns (a tap goes to the item), the
// follow-up questions and the notes. The item pane shows only the
// statements about the selected item; this is the record as a reviewer
// reads it.
type hearingView struct {
	s      *auditScreen
	h      audit.Hearing
	dialog *dialog.CustomDialog
	items  []*widget.Button // the item links, in statement order
}

// openHearing opens the record of hearing id.
func (s *auditScreen) openHearing(id string) {
	s.app.touch()
	if s.state == nil {
		return
	}
	for _, h := range s.state.Hearings {
		if h.ID == id {
			v := newHearingView(s, h)
			s.hearingView = v
			v.dialog.Show()
			return
		}
	}
}

func newHearingView(s *auditScreen, h audit.Hearing) *hearingView {
	v := &hearingView{s: s, h: h}
	value := func(text string) *widget.Label {
		l := widget.NewLabel(text)
		l.Wrapping = fyne.TextWrapWord
		return l
	}
	at := h.At.In(jpcal.JST)
	when := at.Format("2006/01/02 15:04") + " JST（" + jpcal.WarekiDateTime(at) + "）"
	var people []string
	for _, p := range h.Interviewees {
		people = append(people, strings.TrimSpace(strings.Join([]string{p.Division, p.Role, p.Name}, "　")))
	}
	blank := lang.L("item.blank")
	orBlank := func(s string) string {
		if strings.TrimSpace(s) == "" {
			return blank
		}
		return s
	}
	head := container.New(layout.NewFormLayout(),
		fieldName(lang.L("hearing.at")), value(when),
		fieldName(lang.L("hearing.place")), value(orBlank(h.Place)),
		fieldName(lang.L("hearing.view_interviewees")), value(orBlank(strings.Join(people, "\n"))),
		fieldName(lang.L("hearing.auditors")), value(orBlank(strings.Join(h.Auditors, lang.L("list.separator")))),
	)
	body := container.NewVBox(head, widget.NewSeparator(), fieldLabel(lang.L("hearing.statements")))
	for i, st := range h.Statements {
		num := widget.NewLabelWithStyle(lang.L("hearing.view_statement_no", map[string]any{"N": i + 1}),
			fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		text := value(st.Text)
		links := container.NewHBox(caption())
		links.Objects[0].(*widget.Label).SetText(lang.L("hearing.view_items"))
		for _, itemID := range st.Items {
			no := v.itemNo(itemID)
			b := widget.NewButton(lang.L("hearing.view_item", map[string]any{"No": no}), func() { v.goTo(itemID) })
			b.Importance = widget.LowImportance
			if no == "" {
				b.SetText(lang.L("hearing.view_item_gone"))
				b.Disable()
			}
			links.Add(b)
			v.items = append(v.items, b)
		}
		bar := canvas.NewRectangle(theme.Color(theme.ColorNamePrimary))
		bar.SetMinSize(fyne.NewSize(3, 0))
		body.Add(container.NewBorder(nil, nil, bar, nil, container.NewVBox(num, text, links)))
	}
	if len(h.FollowUps) > 0 {
		body.Add(widget.NewSeparator())
		body.Add(fieldLabel(lang.L("hearing.view_followups")))
		for _, q := range h.FollowUps {
			body.Add(value("・" + q))
		}
	}
	if strings.TrimSpace(h.Notes) != "" {
		body.Add(widget.NewSeparator())
		body.Add(fieldLabel(lang.L("hearing.notes")))
		body.Add(value(h.Notes))
	}
	scroll := container.NewVScroll(container.NewPadded(body))
	scroll.SetMinSize(fyne.NewSize(640, 440))
	v.dialog = dialog.NewCustom(lang.L("hearing.view_title"), lang.L("item.close"), scroll, s.app.win)
	v.dialog.SetOnClosed(func() {
		if s.hearingView == v {
			s.hearingView = nil
		}
	})
	if win := s.app.win.Canvas().Size(); win.Width > 0 {
		v.dialog.Resize(fyne.NewSize(min(900, win.Width*0.9), win.Height*0.9))
	}
	return v
}

// itemNo is the number of item id; "" when it is not in the audit any
// more.
func (v *hearingView) itemNo(id string) string {
	for _, it := range v.s.state.Items {
		if it.ID == id {
			return it.No
		}
	}
	return ""
}

// goTo closes the record and selects item id.
func (v *hearingView) goTo(id string) {
	v.dialog.Hide()
	for i, it := range v.s.state.Items {
		if it.ID == id {
			v.s.selectItem(i)
			v.s.syncListSelection()
			return
		}
	}
}
