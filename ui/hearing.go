package ui

import (
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/workspace"
)

// hearingJST is the zone hearing times are entered in.
var hearingJST = time.FixedZone("JST", 9*60*60)

// hearingForm records a hearing (ヒアリング記録) from the workspace
// screen: when and where, who was heard, who heard, what was said about
// which items, and what to ask next.
type hearingForm struct {
	s      *auditScreen
	dialog *dialog.CustomDialog

	date, clock *widget.Entry
	place       *widget.Entry
	people      []*intervieweeRow
	peopleBox   *fyne.Container
	auditors    *widget.Entry
	statements  []*statementRow
	stmtBox     *fyne.Container
	followUps   *widget.Entry
	notes       *widget.Entry

	addPerson, addStatement *widget.Button
	save, cancel            *widget.Button
	message                 *messageLabel
	busy                    *busyIndicator

	// The draft (hearing_draft.go).
	itemNo    string      // the item the form was opened from
	filling   bool        // fields are being set by code, not typed
	dirty     bool        // typed since the draft was last written
	closed    bool        // saved or cancelled: no more drafts
	stopTimer func() bool // the pending draft write; nil when none
}

// intervieweeRow is one person heard.
type intervieweeRow struct {
	name, division, role *widget.Entry
	remove               *widget.Button
	box                  *fyne.Container
}

// statementRow is one statement with the item numbers it concerns.
type statementRow struct {
	text   *widget.Entry
	items  *widget.Entry // item numbers, separated by commas or spaces
	remove *widget.Button
	box    *fyne.Container
}

// onNewHearing opens the hearing form with the selected item pre-linked.
func (s *auditScreen) onNewHearing() {
	s.app.touch()
	if !s.editable() {
		s.message.show(lang.L("hearing.not_editable"), widget.WarningImportance)
		return
	}
	s.saver.flush()
	if f := s.hearing; f != nil && !f.closed {
		// A form is open (perhaps one restored from its draft): bring it
		// back rather than start a second one over the same draft.
		f.dialog.Show()
		return
	}
	f := newHearingForm(s, s.state.Items[s.current].No, time.Now())
	s.hearing = f
	f.dialog.Show()
}

func newHearingForm(s *auditScreen, itemNo string, now time.Time) *hearingForm {
	f := &hearingForm{s: s, itemNo: itemNo, message: newMessageLabel(), busy: newBusyIndicator()}
	now = now.In(hearingJST)
	f.date = widget.NewEntry()
	f.date.SetPlaceHolder("2006/01/02")
	f.date.SetText(now.Format("2006/01/02"))
	f.clock = widget.NewEntry()
	f.clock.SetPlaceHolder("15:04")
	f.clock.SetText(now.Format("15:04"))
	f.place = widget.NewEntry()
	f.place.SetPlaceHolder(lang.L("hearing.place_hint"))
	f.auditors = widget.NewEntry()
	f.auditors.SetPlaceHolder(lang.L("hearing.auditors_hint"))
	if me := strings.TrimSpace(s.ws.Me().Name); me != "" {
		f.auditors.SetText(me)
	}
	f.followUps = widget.NewMultiLineEntry()
	f.followUps.Wrapping = fyne.TextWrapWord
	f.followUps.SetMinRowsVisible(3)
	f.followUps.SetPlaceHolder(lang.L("hearing.followups_hint"))
	f.notes = widget.NewMultiLineEntry()
	f.notes.Wrapping = fyne.TextWrapWord
	f.notes.SetMinRowsVisible(2)

	f.peopleBox = container.NewVBox()
	f.stmtBox = container.NewVBox()
	f.addPerson = widget.NewButtonWithIcon(lang.L("hearing.add_person"), theme.ContentAddIcon(), func() { f.addIntervieweeRow() })
	f.addStatement = widget.NewButtonWithIcon(lang.L("hearing.add_statement"), theme.ContentAddIcon(), func() { f.addStatementRow(itemNo) })
	f.addIntervieweeRow()
	f.addStatementRow(itemNo)

	when := container.NewGridWithColumns(2, f.date, f.clock)
	form := widget.NewForm(
		widget.NewFormItem(lang.L("hearing.at"), when),
		widget.NewFormItem(lang.L("hearing.place"), f.place),
		widget.NewFormItem(lang.L("hearing.auditors"), f.auditors),
	)
	body := container.NewVBox(
		form,
		widget.NewSeparator(),
		container.NewBorder(nil, nil, nil, f.addPerson, fieldLabel(lang.L("hearing.interviewees"))), f.peopleBox,
		widget.NewSeparator(),
		container.NewBorder(nil, nil, nil, f.addStatement, fieldLabel(lang.L("hearing.statements"))), f.stmtBox,
		widget.NewSeparator(),
		fieldLabel(lang.L("hearing.followups")), f.followUps,
		fieldLabel(lang.L("hearing.notes")), f.notes,
	)
	scroll := container.NewVScroll(container.NewPadded(body))
	scroll.SetMinSize(fyne.NewSize(600, 420))
	content := container.NewBorder(nil, f.message.widget, nil, nil, scroll)
	f.dialog = dialog.NewCustomWithoutButtons(lang.L("hearing.title", map[string]any{"No": itemNo}), content, s.app.win)
	f.cancel = widget.NewButton(lang.L("form.cancel"), func() {
		f.discardDraft()
		f.dialog.Hide()
	})
	f.watch(f.date, f.clock, f.place, f.auditors, f.followUps, f.notes)
	f.save = widget.NewButton(lang.L("hearing.save"), f.onSave)
	f.save.Importance = widget.HighImportance
	f.dialog.SetButtons([]fyne.CanvasObject{f.busy.widget, f.cancel, f.save})
	return f
}

func (f *hearingForm) addIntervieweeRow() *intervieweeRow {
	r := &intervieweeRow{name: widget.NewEntry(), division: widget.NewEntry(), role: widget.NewEntry()}
	r.name.SetPlaceHolder(lang.L("hearing.name"))
	r.division.SetPlaceHolder(lang.L("hearing.division"))
	r.role.SetPlaceHolder(lang.L("hearing.role"))
	r.remove = widget.NewButtonWithIcon("", theme.DeleteIcon(), func() { f.removeInterviewee(r); f.changed() })
	f.watch(r.name, r.division, r.role)
	r.box = container.NewBorder(nil, nil, nil, r.remove, container.NewGridWithColumns(3, r.name, r.division, r.role))
	f.people = append(f.people, r)
	f.peopleBox.Add(r.box)
	return r
}

func (f *hearingForm) removeInterviewee(r *intervieweeRow) {
	for i, p := range f.people {
		if p == r {
			f.people = append(f.people[:i], f.people[i+1:]...)
			f.peopleBox.Remove(r.box)
			return
		}
	}
}

func (f *hearingForm) addStatementRow(itemNo string) *statementRow {
	r := &statementRow{text: widget.NewMultiLineEntry(), items: widget.NewEntry()}
	r.text.Wrapping = fyne.TextWrapWord
	r.text.SetMinRowsVisible(3)
	r.text.SetPlaceHolder(lang.L("hearing.statement_hint"))
	r.items.SetText(itemNo)
	r.items.SetPlaceHolder(lang.L("hearing.items_hint"))
	r.remove = widget.NewButtonWithIcon("", theme.DeleteIcon(), func() { f.removeStatement(r); f.changed() })
	f.watch(r.text, r.items)
	items := container.NewBorder(nil, nil, widget.NewLabel(lang.L("hearing.items")), r.remove, r.items)
	r.box = container.NewVBox(r.text, items)
	f.statements = append(f.statements, r)
	f.stmtBox.Add(r.box)
	return r
}

func (f *hearingForm) removeStatement(r *statementRow) {
	for i, st := range f.statements {
		if st == r {
			f.statements = append(f.statements[:i], f.statements[i+1:]...)
			f.stmtBox.Remove(r.box)
			return
		}
	}
}

// splitList splits a list typed with commas (、,，), semicolons or
// newlines, and with spaces too when spaces is set (names keep theirs).
func splitList(s string, spaces bool) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool {
		switch r {
		case ',', '、', '，', '\n', ';', '；':
			return true
		case ' ', '　', '\t':
			return spaces
		}
		return false
	}) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// parseHearingTime reads the date (2006/01/02 or 2006-01-02) and time
// (15:04) as Japan time.
func parseHearingTime(date, clock string) (time.Time, bool) {
	date = strings.ReplaceAll(strings.TrimSpace(date), "-", "/")
	clock = strings.ReplaceAll(strings.TrimSpace(clock), "：", ":")
	t, err := time.ParseInLocation("2006/1/2 15:04", date+" "+clock, hearingJST)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

// value checks the form and returns the hearing to store, or the message
// to show.
func (f *hearingForm) value() (workspace.NewHearing, string) {
	var n workspace.NewHearing
	at, ok := parseHearingTime(f.date.Text, f.clock.Text)
	if !ok {
		return n, lang.L("hearing.bad_time")
	}
	n.At = at
	n.Place = strings.TrimSpace(f.place.Text)
	for _, p := range f.people {
		iv := audit.Interviewee{Name: strings.TrimSpace(p.name.Text), Division: strings.TrimSpace(p.division.Text),
			Role: strings.TrimSpace(p.role.Text)}
		if iv.Name == "" && iv.Role == "" {
			if iv.Division != "" {
				return n, lang.L("hearing.required")
			}
			continue // an empty row
		}
		n.Interviewees = append(n.Interviewees, iv)
	}
	if len(n.Interviewees) == 0 {
		return n, lang.L("hearing.required")
	}
	n.Auditors = splitList(f.auditors.Text, false)
	for _, r := range f.statements {
		text := strings.TrimSpace(r.text.Text)
		nos := splitList(r.items.Text, true)
		if text == "" {
			continue // an empty row, perhaps with its pre-linked item
		}
		if len(nos) == 0 {
			return n, lang.L("hearing.no_items")
		}
		st := workspace.NewStatement{Text: text}
		for _, no := range nos {
			it, ok := f.s.state.Item(no)
			if !ok {
				return n, lang.L("hearing.unknown_item", map[string]any{"No": no})
			}
			st.ItemNos = append(st.ItemNos, it.No)
		}
		n.Statements = append(n.Statements, st)
	}
	if len(n.Statements) == 0 {
		return n, lang.L("hearing.required")
	}
	for _, line := range strings.Split(f.followUps.Text, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			n.FollowUps = append(n.FollowUps, line)
		}
	}
	n.Notes = strings.TrimSpace(f.notes.Text)
	return n, ""
}

// onSave stores the hearing off the UI goroutine.
func (f *hearingForm) onSave() {
	s := f.s
	s.app.touch()
	if f.busy.busy() {
		return
	}
	n, problem := f.value()
	if problem != "" {
		f.message.show(problem, widget.DangerImportance)
		return
	}
	f.message.clear()
	f.busy.start()
	f.save.Disable()
	ws, auditID := s.ws, s.route.AuditID
	type saved struct {
		id string
		st *workspace.AuditState
	}
	background(s.app.cfg.Run, func() (saved, error) {
		id, err := ws.AddHearing(auditID, n)
		if err != nil {
			return saved{}, err
		}
		st, err := ws.AuditState(auditID)
		return saved{id: id, st: st}, err
	}, func(r saved, err error) {
		f.busy.stop()
		f.save.Enable()
		if err != nil && r.id == "" {
			logError("add hearing", err)
			f.message.show(hearingErrorText(err), widget.DangerImportance)
			return
		}
		f.discardDraft()
		f.dialog.Hide()
		if !s.app.isCurrent(s) {
			return
		}
		if err != nil { // stored, but the reread failed
			s.showError(lang.L("hearing.reload_failed"), err)
			return
		}
		s.hearingsChanged(r.st)
		s.message.show(lang.L("hearing.saved"), widget.SuccessImportance)
	})
}

// hearingErrorText is what the user reads when a hearing is not stored.
func hearingErrorText(err error) string {
	switch {
	case errors.Is(err, workspace.ErrInvalid):
		return lang.L("hearing.required")
	case errors.Is(err, workspace.ErrLocked):
		return lang.L("hearing.locked")
	case errors.Is(err, workspace.ErrNotFound):
		return lang.L("hearing.not_found")
	}
	return withDetails(lang.L("hearing.failed"), err)
}

// hearingsChanged takes the hearings of a fresh read of the audit, and
// their links to items, leaving everything else as shown (edits may be
// under way).
func (s *auditScreen) hearingsChanged(st *workspace.AuditState) {
	if s.state == nil || st == nil {
		return
	}
	s.state.Hearings = st.Hearings
	fresh := map[string][]string{}
	for _, it := range st.Items {
		fresh[it.ID] = it.Hearings
	}
	for i := range s.state.Items {
		if hs, ok := fresh[s.state.Items[i].ID]; ok && len(hs) != len(s.state.Items[i].Hearings) {
			s.state.Items[i].Hearings = hs
			s.hay[i] = ""
			s.refreshRow(i)
		}
	}
	s.statementText = nil
	if s.current >= 0 {
		s.fillHearings()
	}
	s.applyFilter()
}

// hearingText is the text of the statements linked to item id, for the
// search.
func (s *auditScreen) hearingText(itemID string) string {
	if s.statementText == nil {
		s.statementText = map[string]string{}
		for _, h := range s.state.Hearings {
			for _, st := range h.Statements {
				for _, id := range st.Items {
					s.statementText[id] += st.Text + "\n"
				}
			}
		}
	}
	return s.statementText[itemID]
}
