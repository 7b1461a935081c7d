package ui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// hearingDraftDelay is how long the hearing form waits after a keystroke
// before it writes its draft.
const hearingDraftDelay = time.Second

// hearingDraft is everything typed into a hearing form, kept in the store
// (workspace drafts) until the hearing is saved or the form is cancelled:
// a form left open when the idle lock strikes, the app quits or the
// laptop dies is filled in again the next time the audit is opened.
type hearingDraft struct {
	ItemNo     string           `json:"item"` // the item the form was opened from
	Date       string           `json:"date"`
	Clock      string           `json:"clock"`
	Place      string           `json:"place"`
	Auditors   string           `json:"auditors"`
	People     [][3]string      `json:"people"` // name, division, role
	Statements []draftStatement `json:"statements"`
	FollowUps  string           `json:"followups"`
	Notes      string           `json:"notes"`
}

type draftStatement struct {
	Text  string `json:"text"`
	Items string `json:"items"`
}

// hearingDraftKey names an audit's hearing draft in the store.
func hearingDraftKey(auditID string) string { return "hearing/" + auditID }

// snapshot reads the form.
func (f *hearingForm) snapshot() hearingDraft {
	d := hearingDraft{ItemNo: f.itemNo, Date: f.date.Text, Clock: f.clock.Text, Place: f.place.Text,
		Auditors: f.auditors.Text, FollowUps: f.followUps.Text, Notes: f.notes.Text}
	for _, p := range f.people {
		d.People = append(d.People, [3]string{p.name.Text, p.division.Text, p.role.Text})
	}
	for _, r := range f.statements {
		d.Statements = append(d.Statements, draftStatement{Text: r.text.Text, Items: r.items.Text})
	}
	return d
}

// restore fills the form from a draft.
func (f *hearingForm) restore(d hearingDraft) {
	f.filling = true
	defer func() { f.filling = false }()
	f.date.SetText(d.Date)
	f.clock.SetText(d.Clock)
	f.place.SetText(d.Place)
	f.auditors.SetText(d.Auditors)
	f.followUps.SetText(d.FollowUps)
	f.notes.SetText(d.Notes)
	for len(f.people) > 0 {
		f.removeInterviewee(f.people[0])
	}
	for _, p := range d.People {
		r := f.addIntervieweeRow()
		r.name.SetText(p[0])
		r.division.SetText(p[1])
		r.role.SetText(p[2])
	}
	if len(f.people) == 0 {
		f.addIntervieweeRow()
	}
	for len(f.statements) > 0 {
		f.removeStatement(f.statements[0])
	}
	for _, st := range d.Statements {
		r := f.addStatementRow("")
		r.text.SetText(st.Text)
		r.items.SetText(st.Items)
	}
	if len(f.statements) == 0 {
		f.addStatementRow(d.ItemNo)
	}
}

// hasInput reports whether the form holds anything the user typed beyond
// what a new form is filled with (date, time, the auditor's own name and
// the pre-linked item).
func (d hearingDraft) hasInput() bool {
	if strings.TrimSpace(d.Place+d.FollowUps+d.Notes) != "" {
		return true
	}
	for _, p := range d.People {
		if strings.TrimSpace(p[0]+p[1]+p[2]) != "" {
			return true
		}
	}
	for _, st := range d.Statements {
		if strings.TrimSpace(st.Text) != "" {
			return true
		}
	}
	return false
}

// watch makes every field of the form count as activity for the idle
// lock and schedule a draft write.
func (f *hearingForm) watch(entries ...*widget.Entry) {
	for _, e := range entries {
		prev := e.OnChanged
		e.OnChanged = func(text string) {
			if prev != nil {
				prev(text)
			}
			f.changed()
		}
	}
}

// changed records a keystroke: the idle lock counts from here, and the
// draft is written a second after the last one.
func (f *hearingForm) changed() {
	if f.filling {
		return
	}
	f.s.app.touch()
	f.dirty = true
	f.s.app.draftSoon(&f.stopTimer, f.writeDraft)
}

// draftSoon runs write on the UI goroutine hearingDraftDelay from now,
// replacing the write *stop was to run: a draft is written a second
// after the last keystroke.
func (a *App) draftSoon(stop *func() bool, write func()) {
	if *stop != nil {
		(*stop)()
	}
	after := a.cfg.After
	if after == nil {
		after = realAfterFunc
	}
	do := a.cfg.Do
	*stop = after(hearingDraftDelay, func() { do(write) })
}

// writeDraft writes the draft off the UI goroutine (on the UI goroutine:
// it reads the widgets first).
func (f *hearingForm) writeDraft() {
	if !f.dirty || f.closed || f.s.app.ws == nil {
		return
	}
	f.dirty = false
	d := f.snapshot()
	storeDraft(f.s.app, f.s.ws, hearingDraftKey(f.s.route.AuditID), d, !d.hasInput(), "hearing draft")
}

// storeDraft writes draft d under key off the UI goroutine, or drops the
// key when empty; what names it in the log if that fails.
func storeDraft(a *App, ws Workspace, key string, d any, empty bool, what string) {
	background(a.cfg.Run, func() (struct{}, error) {
		if empty {
			return struct{}{}, ws.DeleteDraft(key)
		}
		return struct{}{}, ws.PutDraft(key, d)
	}, func(_ struct{}, err error) {
		if err != nil {
			logError(what, err)
		}
	})
}

// flushDraft writes the draft now, on the calling goroutine: the
// workspace is about to be closed (lock, quit).
func (f *hearingForm) flushDraft() {
	if f.stopTimer != nil {
		f.stopTimer()
		f.stopTimer = nil
	}
	if f.closed || !f.dirty {
		return
	}
	f.dirty = false
	d := f.snapshot()
	if !d.hasInput() {
		return
	}
	if err := f.s.ws.PutDraft(hearingDraftKey(f.s.route.AuditID), d); err != nil {
		logError("hearing draft", err)
	}
}

// discardDraft drops the draft once the hearing is saved or the user
// cancelled the form.
func (f *hearingForm) discardDraft() {
	f.closed = true
	if f.stopTimer != nil {
		f.stopTimer()
		f.stopTimer = nil
	}
	ws, key := f.s.ws, hearingDraftKey(f.s.route.AuditID)
	background(f.s.app.cfg.Run, func() (struct{}, error) { return struct{}{}, ws.DeleteDraft(key) },
		func(_ struct{}, err error) {
			if err != nil {
				logError("discard hearing draft", err)
			}
		})
}

// reopenHearingDraft looks for a hearing form left unsaved in this audit
// and, when there is one, opens the form filled in again.
func (s *auditScreen) reopenHearingDraft() {
	ws, key := s.ws, hearingDraftKey(s.route.AuditID)
	type found struct {
		d  hearingDraft
		ok bool
	}
	background(s.app.cfg.Run, func() (found, error) {
		var d hearingDraft
		ok, err := ws.Draft(key, &d)
		return found{d, ok}, err
	}, func(r found, err error) {
		if err != nil {
			logError("read hearing draft", err)
			return
		}
		if !r.ok || !s.app.isCurrent(s) || s.state == nil || !s.editable() || s.hearing != nil && !s.hearing.closed {
			return
		}
		f := newHearingForm(s, r.d.ItemNo, time.Now())
		f.restore(r.d)
		s.hearing = f
		f.message.show(lang.L("hearing.draft_restored"), widget.WarningImportance)
		f.dialog.Show()
	})
}
