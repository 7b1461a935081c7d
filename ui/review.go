package ui

import (
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/jpcal"
	"github.com/kansa-audit/kansa/internal/workspace"
)

// reviewWorkspace is what the review workflow needs of the workspace:
// review notes, sign-offs, the chief's approval and the review queue.
type reviewWorkspace interface {
	// AddNote writes a review note on an item (number or id) or a
	// document section; it returns the note's id.
	AddNote(auditID, target, text string) (string, error)
	// AnswerNote records the preparer's response.
	AnswerNote(noteID, response string) error
	// CloseNote closes a note (its author or a reviewer).
	CloseNote(noteID string) error
	// SignOff signs an item off as preparer or reviewer.
	SignOff(auditID, target string, kind audit.SignOffKind) (audit.SignOff, error)
	// Approve (chief) approves the audit, which locks it.
	Approve(auditID string) (audit.SignOff, error)
	// Reopen (chief) unlocks an approved audit, giving a reason.
	Reopen(auditID, reason string) error
	// ReviewQueue lists what awaits the reviewer in an audit.
	ReviewQueue(auditID string) (*workspace.ReviewQueue, error)
	// Conflicts of hearings and notes (record_conflict.go).
	recordConflictWorkspace
}

// formatJST is how the review screens print a time.
func formatJST(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(jpcal.JST).Format("2006/01/02 15:04")
}

// memberNames maps member ids to names (workspace.MemberNames: the
// engagement's team, the sync roster and this device's user); a failed
// read leaves ids shown as unknown members, logged.
func memberNames(ws Workspace, engagementID string) map[string]string {
	names, err := ws.MemberNames(engagementID)
	if err != nil {
		logError("read the team's names", err)
	}
	if names == nil {
		names = map[string]string{ws.Me().Member: ws.Me().Name}
	}
	return names
}

// nameOf is a member's name, or a neutral stand-in for an unknown id.
func nameOf(names map[string]string, id string) string {
	if n := names[id]; n != "" {
		return n
	}
	if id == "" {
		return lang.L("review.unknown_member")
	}
	return lang.L("review.member_id", map[string]any{"ID": shortID(id)})
}

// signOffKindLabel names a sign-off kind: 作成者 / レビュアー / 承認.
func signOffKindLabel(k audit.SignOffKind) string {
	switch k {
	case audit.SignPreparer:
		return lang.L("review.kind_preparer")
	case audit.SignReviewer:
		return lang.L("review.kind_reviewer")
	case audit.SignApproval:
		return lang.L("review.kind_approval")
	}
	return string(k)
}

// noteStatusLabel names a note's state: 未回答 / 回答済 / 完了.
func noteStatusLabel(s audit.NoteStatus) string {
	switch s {
	case audit.NoteAnswered:
		return lang.L("review.note_answered")
	case audit.NoteClosed:
		return lang.L("review.note_closed")
	}
	return lang.L("review.note_open")
}

// reviewErrorText is what the user reads about a refused review action.
func reviewErrorText(err error) string {
	switch {
	case errors.Is(err, workspace.ErrSelfReview):
		return lang.L("review.self_review")
	case errors.Is(err, workspace.ErrRole):
		return lang.L("review.role")
	case errors.Is(err, workspace.ErrLocked):
		return lang.L("review.locked")
	}
	return lang.L("review.failed")
}

// ---- the item's review panel in the audit workspace ----

// reviewPanel is the review part of the workspace's detail pane: the
// current item's sign-offs (stale ones marked), the sign-off buttons, its
// review notes with answer and close, and a field to add a note.
type reviewPanel struct {
	s     *auditScreen
	box   *fyne.Container
	head  *widget.Label
	names map[string]string

	// For tests: the controls of the item shown last.
	prepare, review *widget.Button
	noteText        *widget.Entry
	addNote         *widget.Button
	answers         map[string]*widget.Entry  // note id -> response field
	answerBtns      map[string]*widget.Button // note id -> 回答
	closeBtns       map[string]*widget.Button // note id -> 完了にする

	// signAfterSave is a sign-off asked for while edits were being
	// written; "" when none.
	signAfterSave audit.SignOffKind
	signItem      string // the item it is for
	loadingNames  bool

	// texts are the notes and answers typed and not yet sent
	// (review_draft.go).
	texts *typedTexts
}

// buildReviewPanel makes the panel; fillReview fills it for an item.
func (s *auditScreen) buildReviewPanel() fyne.CanvasObject {
	s.review = &reviewPanel{s: s, box: container.NewVBox(), head: heading(lang.L("review.heading")), texts: newTypedTexts(s.app, s.route.AuditID)}
	return container.NewVBox(widget.NewSeparator(), s.review.head, s.review.box)
}

// fillReview shows the current item's sign-offs and notes.
func (s *auditScreen) fillReview() {
	p := s.review
	if p == nil || s.state == nil || s.current < 0 {
		return
	}
	s.loadNames()
	it := &s.state.Items[s.current]
	p.box.RemoveAll()
	p.answers, p.answerBtns, p.closeBtns = map[string]*widget.Entry{}, map[string]*widget.Button{}, map[string]*widget.Button{}
	editable := s.editable()

	// Sign-offs of this item, latest of each kind.
	latest := map[audit.SignOffKind]workspace.SignOffState{}
	for _, so := range s.state.SignOffs {
		if so.Target == it.ID && so.Valid && !so.Reopened {
			latest[so.Kind] = so
		}
	}
	for _, k := range []audit.SignOffKind{audit.SignPreparer, audit.SignReviewer} {
		so, ok := latest[k]
		if !ok {
			p.box.Add(summaryLine(theme.RadioButtonIcon(), lang.L("review.not_signed", map[string]any{"Kind": signOffKindLabel(k)}), widget.MediumImportance))
			continue
		}
		text := lang.L("review.signed", map[string]any{"Kind": signOffKindLabel(k), "Name": nameOrID(so, p.names), "At": formatJST(so.At)})
		if so.Stale {
			p.box.Add(summaryLine(theme.WarningIcon(), text+lang.L("review.stale_suffix"), widget.WarningImportance))
			for _, c := range so.Changes {
				p.box.Add(captionText(staleChangeText(c, p.names)))
			}
		} else {
			p.box.Add(summaryLine(theme.ConfirmIcon(), text, widget.SuccessImportance))
		}
	}
	p.prepare = widget.NewButtonWithIcon(lang.L("review.sign_preparer"), theme.ConfirmIcon(), func() { s.onSignOff(audit.SignPreparer) })
	p.review = widget.NewButtonWithIcon(lang.L("review.sign_reviewer"), theme.ConfirmIcon(), func() { s.onSignOff(audit.SignReviewer) })
	role := audit.Role(s.ws.Me().Role)
	setEnabled(p.prepare, editable)
	setEnabled(p.review, editable && role.MaySign(audit.SignReviewer))
	p.box.Add(container.NewHBox(p.prepare, p.review))

	// Notes on this item.
	var notes []audit.ReviewNote
	for _, n := range s.state.Notes {
		if n.Target == it.ID {
			notes = append(notes, n)
		}
	}
	open := 0
	for _, n := range notes {
		if n.Status != audit.NoteClosed {
			open++
		}
	}
	p.head.SetText(lang.L("review.heading_count", map[string]any{"Open": open}))
	for _, n := range notes {
		p.box.Add(p.noteRow(n, editable))
	}
	p.noteText = widget.NewMultiLineEntry()
	p.noteText.Wrapping = fyne.TextWrapWord
	p.noteText.SetMinRowsVisible(2)
	p.noteText.SetPlaceHolder(lang.L("review.note_placeholder"))
	p.addNote = widget.NewButtonWithIcon(lang.L("review.add_note"), theme.ContentAddIcon(), s.onAddNote)
	p.texts.bind(p.noteText, newNoteKey(it.ID))
	setEnabled(p.noteText, editable)
	setEnabled(p.addNote, editable)
	p.box.Add(container.NewBorder(nil, nil, nil, container.NewVBox(p.addNote), p.noteText))
	p.box.Refresh()
}

// loadNames reads the team's names off the UI goroutine, once; the
// review panel is filled again when they are in.
func (s *auditScreen) loadNames() {
	p := s.review
	if p.names != nil || p.loadingNames {
		return
	}
	p.loadingNames = true
	ws, eng := s.ws, s.state.Audit.EngagementID
	background(s.app.cfg.Run, func() (map[string]string, error) { return memberNames(ws, eng), nil },
		func(names map[string]string, _ error) {
			p.names, p.loadingNames = names, false
			if s.app.isCurrent(s) && s.state != nil && s.current >= 0 {
				s.fillReview()
			}
		})
}

// nameOrID is the signer's name as signed, else from the team.
func nameOrID(so workspace.SignOffState, names map[string]string) string {
	if so.Name != "" {
		return so.Name
	}
	return nameOf(names, so.Signer)
}

// staleChangeText says what made a sign-off stale.
func staleChangeText(c workspace.StaleChange, names map[string]string) string {
	if c.Gone {
		return lang.L("review.stale_gone", map[string]any{"No": c.ItemNo})
	}
	author := c.Author
	if author == "" {
		author = lang.L("review.unknown_member")
	}
	return lang.L("review.stale_change", map[string]any{"No": c.ItemNo, "Field": resultFieldName(c.Field), "Author": author, "At": formatJST(c.At)})
}

// noteRow shows a note: status, text, author and time, the response, and
// for a note not closed a response field with 回答 and 完了にする.
func (p *reviewPanel) noteRow(n audit.ReviewNote, editable bool) fyne.CanvasObject {
	status := widget.NewLabelWithStyle(noteStatusLabel(n.Status), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	switch n.Status {
	case audit.NoteOpen:
		status.Importance = widget.WarningImportance
	case audit.NoteAnswered:
		status.Importance = widget.HighImportance
	default:
		status.Importance = widget.LowImportance
	}
	text := widget.NewLabel(n.Text)
	text.Wrapping = fyne.TextWrapWord
	meta := captionText(lang.L("review.note_meta", map[string]any{"Author": nameOf(p.names, n.Author), "At": formatJST(n.At)}))
	rows := container.NewVBox(container.NewBorder(nil, nil, status, nil, text), meta)
	id := n.ID
	if c := recordConflictLines(p.s.state, id, func(f string) { p.s.openRecordConflictView(id, f) }); c != nil {
		rows.Add(c) // record_conflict.go
	}
	if strings.TrimSpace(n.Response) != "" {
		resp := widget.NewLabel(lang.L("review.response", map[string]any{"Name": nameOf(p.names, n.Responder), "Text": n.Response}))
		resp.Wrapping = fyne.TextWrapWord
		rows.Add(resp)
	}
	if n.Status != audit.NoteClosed {
		answer := widget.NewEntry()
		answer.SetPlaceHolder(lang.L("review.answer_placeholder"))
		p.texts.bind(answer, answerKey(id))
		answerBtn := widget.NewButton(lang.L("review.answer"), func() { p.s.onAnswerNote(id) })
		closeBtn := widget.NewButton(lang.L("review.close_note"), func() { p.s.onCloseNote(id) })
		closeBtn.Importance = widget.LowImportance
		setEnabled(answer, editable)
		setEnabled(answerBtn, editable)
		setEnabled(closeBtn, editable)
		p.answers[id], p.answerBtns[id], p.closeBtns[id] = answer, answerBtn, closeBtn
		rows.Add(container.NewBorder(nil, nil, nil, container.NewHBox(answerBtn, closeBtn), answer))
	}
	return container.NewPadded(rows)
}

// reviewAction runs one review write off the UI goroutine, then rereads
// the audit's notes and sign-offs and shows them. sent, when given, names
// the typed text the write sent (review_draft.go): it is dropped once the
// write succeeded.
func (s *auditScreen) reviewAction(what func(ws Workspace) error, done string, sent ...string) {
	if s.state == nil {
		return
	}
	s.saver.flush() // a sign-off covers what is on the screen
	s.busy.start()
	ws, id := s.ws, s.route.AuditID
	background(s.app.cfg.Run, func() (*workspace.AuditState, error) {
		if err := what(ws); err != nil {
			return nil, err
		}
		return ws.AuditState(id)
	}, func(st *workspace.AuditState, err error) {
		if !s.app.isCurrent(s) {
			return
		}
		s.busy.stop()
		if err != nil {
			logError("review", err)
			s.message.show(withDetails(reviewErrorText(err), err), widget.DangerImportance)
			return
		}
		s.state.Notes, s.state.SignOffs, s.state.RecordConflicts = st.Notes, st.SignOffs, st.RecordConflicts
		for _, k := range sent {
			s.review.texts.sent(k)
		}
		s.message.show(done, widget.SuccessImportance)
		s.fillReview()
	})
}

// onSignOff signs the current item off. The sign-off must cover what is
// on the screen, so edits still waiting are sent first and the sign-off
// runs once they are stored (afterSave).
func (s *auditScreen) onSignOff(kind audit.SignOffKind) {
	if !s.editable() {
		return
	}
	itemID := s.state.Items[s.current].ID
	s.saver.flush()
	if !s.saver.idle() {
		s.review.signAfterSave, s.review.signItem = kind, itemID
		return
	}
	s.signOff(kind, itemID)
}

// idle reports whether no edit is waiting or being written.
func (a *autosaver) idle() bool {
	return len(a.pending) == 0 && len(a.queue) == 0 && a.running == nil
}

func (s *auditScreen) signOff(kind audit.SignOffKind, itemID string) {
	auditID := s.route.AuditID
	s.reviewAction(func(ws Workspace) error {
		_, err := ws.SignOff(auditID, itemID, kind)
		return err
	}, lang.L("review.signed_done", map[string]any{"Kind": signOffKindLabel(kind)}))
}

func (s *auditScreen) onAddNote() {
	p := s.review
	text := strings.TrimSpace(p.noteText.Text)
	if !s.editable() || text == "" {
		return
	}
	itemID, auditID := s.state.Items[s.current].ID, s.route.AuditID
	s.reviewAction(func(ws Workspace) error {
		_, err := ws.AddNote(auditID, itemID, text)
		return err
	}, lang.L("review.note_added"), newNoteKey(itemID))
}

func (s *auditScreen) onAnswerNote(noteID string) {
	e := s.review.answers[noteID]
	if e == nil || strings.TrimSpace(e.Text) == "" || !s.editable() {
		return
	}
	text := strings.TrimSpace(e.Text)
	s.reviewAction(func(ws Workspace) error { return ws.AnswerNote(noteID, text) }, lang.L("review.answered"), answerKey(noteID))
}

func (s *auditScreen) onCloseNote(noteID string) {
	if !s.editable() {
		return
	}
	s.reviewAction(func(ws Workspace) error { return ws.CloseNote(noteID) }, lang.L("review.closed"))
}

// openReviewButton opens the audit's review queue.
func (s *auditScreen) openReviewButton() fyne.CanvasObject {
	b := widget.NewButtonWithIcon(lang.L("review.open_queue"), theme.ListIcon(), s.openReview)
	b.Importance = widget.LowImportance
	return b
}

// openReview opens the audit's review queue (the button, the 監査 menu).
func (s *auditScreen) openReview() {
	s.app.navigate(Route{Page: PageReview, EngagementID: s.back.EngagementID, AuditID: s.route.AuditID})
}

// ---- the chief's review queue ----

// reviewScreen is the review queue of one audit: items whose preparer has
// signed off and await a reviewer, review notes not closed, and sign-offs
// a later edit made stale. Each row opens its item. The chief approves
// the audit here (which locks it) or reopens it with a reason.
type reviewScreen struct {
	app   *App
	ws    Workspace
	route Route

	state *workspace.AuditState
	queue *workspace.ReviewQueue
	names map[string]string

	title   *widget.Label
	status  *widget.Label
	body    *fyne.Container
	scroll  *container.Scroll
	approve *widget.Button
	reopen  *widget.Button
	reason  *widget.Entry
	back    *widget.Button
	message *messageLabel
	busy    *busyIndicator

	// Review notes on document sections, and the answer and close of
	// every note in the queue (note id -> control).
	docSection *widget.Select
	docNote    *widget.Entry
	addDocNote *widget.Button
	docBox     *fyne.Container
	answers    map[string]*widget.Entry
	answerBtns map[string]*widget.Button
	closeBtns  map[string]*widget.Button
	// texts are the notes and answers typed and not yet sent
	// (review_draft.go).
	texts *typedTexts
	// conflictView is the last conflict view opened; for tests.
	conflictView *conflictView

	// links are the 開く buttons in the order shown; kept for tests.
	links []*widget.Button
	// approving is the approval's confirmation, kept for tests.
	approving *confirmDialog
}

func newReviewScreen(app *App, r Route) *reviewScreen {
	return &reviewScreen{app: app, ws: app.ws, route: r}
}

func (s *reviewScreen) buildUI() fyne.CanvasObject {
	s.busy = newBusyIndicator()
	s.message = newMessageLabel()
	s.title = widget.NewLabelWithStyle(lang.L("review.queue_title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.title.SizeName = theme.SizeNameSubHeadingText
	s.title.Truncation = fyne.TextTruncateEllipsis
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord
	s.back = widget.NewButtonWithIcon(lang.L("review.back"), theme.NavigateBackIcon(), s.onBack)
	s.approve = widget.NewButtonWithIcon(lang.L("review.approve"), theme.ConfirmIcon(), s.onApprove)
	s.approve.Importance = widget.HighImportance
	s.approve.Hide()
	s.reason = widget.NewEntry()
	s.reason.SetPlaceHolder(lang.L("review.reopen_reason"))
	s.reason.Hide()
	s.reopen = widget.NewButtonWithIcon(lang.L("review.reopen"), theme.ContentUndoIcon(), s.onReopen)
	s.reopen.Hide()
	top := container.NewVBox(
		container.NewBorder(nil, nil, s.back, s.busy.widget, s.title),
		s.status,
		container.NewBorder(nil, nil, nil, container.NewHBox(s.reopen, s.approve), s.reason),
		s.message.widget, widget.NewSeparator())
	s.texts = newTypedTexts(s.app, s.route.AuditID)
	s.buildDocNote()
	s.body = container.NewVBox()
	s.scroll = container.NewVScroll(container.NewPadded(s.body))
	return container.NewPadded(container.NewBorder(top, nil, nil, nil, s.scroll))
}

func (s *reviewScreen) onShown() {
	s.load()
	s.texts.load(func() {
		if s.app.isCurrent(s) && s.queue != nil {
			s.show()
		}
	})
}

// onHidden keeps what was typed: another screen reads the draft next.
func (s *reviewScreen) onHidden() { s.texts.flush() }

// flushSaves keeps what was typed before the workspace closes.
func (s *reviewScreen) flushSaves() { s.texts.flush() }

// load reads the audit and its queue off the UI goroutine.
func (s *reviewScreen) load() {
	s.busy.start()
	ws, id, eng := s.ws, s.route.AuditID, s.route.EngagementID
	type loaded struct {
		state *workspace.AuditState
		queue *workspace.ReviewQueue
		names map[string]string
	}
	background(s.app.cfg.Run, func() (loaded, error) {
		st, err := ws.AuditState(id)
		if err != nil {
			return loaded{}, err
		}
		q, err := ws.ReviewQueue(id)
		if err != nil {
			return loaded{}, err
		}
		if eng == "" {
			eng = st.Audit.EngagementID
		}
		return loaded{st, q, memberNames(ws, eng)}, nil
	}, func(l loaded, err error) {
		if !s.app.isCurrent(s) {
			return
		}
		s.busy.stop()
		if err != nil {
			logError("load the review queue", err)
			s.message.show(withDetails(lang.L("review.load_failed"), err), widget.DangerImportance)
			return
		}
		s.state, s.queue, s.names = l.state, l.queue, l.names
		s.route.EngagementID = l.state.Audit.EngagementID
		s.show()
	})
}

// show fills the screen from the queue read last.
func (s *reviewScreen) show() {
	st, q := s.state, s.queue
	s.title.SetText(lang.L("review.queue_title_audit", map[string]any{"Audit": st.Audit.Title}))
	chief := audit.Role(s.ws.Me().Role) == audit.RoleChief
	if q.Locked {
		s.status.Importance = widget.SuccessImportance
		s.status.SetText(lang.L("review.status_locked"))
	} else {
		s.status.Importance = widget.MediumImportance
		s.status.SetText(lang.L("review.status", map[string]any{
			"Awaiting": len(q.AwaitingReview), "Notes": len(q.OpenNotes), "Stale": len(q.Stale)}))
	}
	s.approve.Hidden = !chief || q.Locked
	s.reopen.Hidden = !chief || !q.Locked
	s.reason.Hidden = s.reopen.Hidden
	s.approve.Refresh()
	s.reopen.Refresh()
	s.reason.Refresh()

	s.links = nil
	s.answers, s.answerBtns, s.closeBtns = map[string]*widget.Entry{}, map[string]*widget.Button{}, map[string]*widget.Button{}
	s.body.RemoveAll()
	s.body.Add(sectionHeading(lang.L("review.awaiting", map[string]any{"Count": len(q.AwaitingReview)}), false))
	if len(q.AwaitingReview) == 0 {
		s.body.Add(captionText(lang.L("review.awaiting_none")))
	}
	for _, r := range q.AwaitingReview {
		what := s.targetLabel(r.Target, r.ItemNo, r.Title)
		meta := lang.L("review.prepared_by", map[string]any{"Name": r.Name, "At": formatJST(r.PreparedAt)})
		s.body.Add(s.row(theme.DocumentIcon(), what, meta, widget.MediumImportance, r.Target))
	}
	s.body.Add(widget.NewSeparator())
	s.body.Add(sectionHeading(lang.L("review.open_notes", map[string]any{"Count": len(q.OpenNotes)}), len(q.OpenNotes) > 0))
	if len(q.OpenNotes) == 0 {
		s.body.Add(captionText(lang.L("review.open_notes_none")))
	}
	for _, n := range q.OpenNotes {
		// The target on the first line, like the other rows; the note
		// under it, coloured by its state.
		text := widget.NewLabel(lang.L("review.note_line", map[string]any{"Status": noteStatusLabel(n.Status), "Text": oneLine(n.Text)}))
		text.Wrapping = fyne.TextWrapWord
		text.Importance = widget.WarningImportance
		if n.Status == audit.NoteAnswered {
			text.Importance = widget.HighImportance
		}
		meta := lang.L("review.note_meta", map[string]any{"Author": nameOf(s.names, n.Author), "At": formatJST(n.At)})
		if n.Response != "" {
			meta += "\n" + lang.L("review.response", map[string]any{"Name": nameOf(s.names, n.Responder), "Text": oneLine(n.Response)})
		}
		// A conflict of the note, and for a note on a document section
		// (which has no item to open) the answer and close, under it.
		extra := []fyne.CanvasObject{text, captionText(meta)}
		id := n.ID
		if c := recordConflictLines(st, id, func(f string) { s.openNoteConflict(id, f) }); c != nil {
			extra = append(extra, c) // record_conflict.go
		}
		if !s.isItem(n.Target) {
			extra = append(extra, s.noteControls(n, !q.Locked))
		}
		s.body.Add(s.row(theme.MailComposeIcon(), s.targetLabel(n.Target, "", ""), "", widget.MediumImportance, n.Target, extra...))
	}
	s.body.Add(widget.NewSeparator())
	s.body.Add(sectionHeading(lang.L("review.stale", map[string]any{"Count": len(q.Stale)}), len(q.Stale) > 0))
	if len(q.Stale) == 0 {
		s.body.Add(captionText(lang.L("review.stale_none")))
	} else {
		s.body.Add(captionText(lang.L("review.stale_hint")))
	}
	for _, so := range q.Stale {
		what := lang.L("review.stale_line", map[string]any{"Kind": signOffKindLabel(so.Kind),
			"Target": s.targetLabel(so.Target, so.ItemNo, ""), "Name": nameOrID(so.SignOffState, s.names), "At": formatJST(so.At)})
		var why []string
		for _, c := range so.Changes {
			why = append(why, staleChangeText(c, s.names))
		}
		s.body.Add(s.row(theme.WarningIcon(), what, strings.Join(why, "\n"), widget.WarningImportance, so.Target))
	}
	if len(q.Invalid) > 0 {
		s.body.Add(widget.NewSeparator())
		s.body.Add(sectionHeading(lang.L("review.invalid", map[string]any{"Count": len(q.Invalid)}), true))
		for _, so := range q.Invalid {
			s.body.Add(summaryLine(theme.ErrorIcon(), lang.L("review.invalid_line", map[string]any{
				"Kind": signOffKindLabel(so.Kind), "Name": nameOrID(so, s.names), "Reason": so.Invalid}), widget.DangerImportance))
		}
	}
	s.body.Add(s.docBox)
	setEnabled(s.docSection, !q.Locked)
	setEnabled(s.docNote, !q.Locked)
	setEnabled(s.addDocNote, !q.Locked)
	s.body.Refresh()
}

// targetLabel names what a row is about: an item by number and title, the
// whole audit, or a document section by its key.
func (s *reviewScreen) targetLabel(target, no, title string) string {
	if target == s.state.Audit.ID {
		return lang.L("review.whole_audit")
	}
	for _, it := range s.state.Items {
		if it.ID == target {
			return lang.L("review.item", map[string]any{"No": it.No, "Title": oneLine(it.Title)})
		}
	}
	if no != "" {
		return lang.L("review.item", map[string]any{"No": no, "Title": oneLine(title)})
	}
	if label, ok := docSectionLabel(target); ok {
		return lang.L("review.section_label", map[string]any{"Section": label})
	}
	return lang.L("review.section", map[string]any{"Key": target})
}

// buildDocNote makes the form for a review note on a document section.
func (s *reviewScreen) buildDocNote() {
	s.docSection = widget.NewSelect(docSectionOptions(), nil)
	s.docSection.PlaceHolder = lang.L("review.doc_section_placeholder")
	s.docNote = widget.NewMultiLineEntry()
	s.docNote.Wrapping = fyne.TextWrapWord
	s.docNote.SetMinRowsVisible(2)
	s.docNote.SetPlaceHolder(lang.L("review.doc_note_placeholder"))
	s.texts.bind(s.docNote, docNoteKey)
	s.addDocNote = widget.NewButtonWithIcon(lang.L("review.add_note"), theme.ContentAddIcon(), s.onAddDocNote)
	hint := captionText(lang.L("review.doc_note_hint"))
	s.docBox = container.NewVBox(widget.NewSeparator(), sectionHeading(lang.L("review.doc_notes"), false), hint,
		container.NewBorder(nil, nil, nil, container.NewVBox(s.addDocNote), container.NewVBox(s.docSection, s.docNote)))
}

// onAddDocNote writes the review note typed on the section chosen.
func (s *reviewScreen) onAddDocNote() {
	key := docSectionKey(s.docSection.Selected)
	text := strings.TrimSpace(s.docNote.Text)
	if s.busy.busy() || s.state == nil {
		return
	}
	if key == "" || text == "" {
		s.message.show(lang.L("review.doc_note_incomplete"), widget.WarningImportance)
		return
	}
	s.act(func(ws Workspace, id string) error {
		_, err := ws.AddNote(id, key, text)
		return err
	}, lang.L("review.note_added"), docNoteKey)
}

// noteControls are a note's response field with 回答 and 完了にする.
func (s *reviewScreen) noteControls(n audit.ReviewNote, editable bool) fyne.CanvasObject {
	id := n.ID
	answer := widget.NewEntry()
	answer.SetPlaceHolder(lang.L("review.answer_placeholder"))
	s.texts.bind(answer, answerKey(id))
	answerBtn := widget.NewButton(lang.L("review.answer"), func() {
		text := strings.TrimSpace(s.answers[id].Text)
		if text == "" || s.busy.busy() {
			return
		}
		s.act(func(ws Workspace, _ string) error { return ws.AnswerNote(id, text) }, lang.L("review.answered"), answerKey(id))
	})
	closeBtn := widget.NewButton(lang.L("review.close_note"), func() {
		if s.busy.busy() {
			return
		}
		s.act(func(ws Workspace, _ string) error { return ws.CloseNote(id) }, lang.L("review.closed"))
	})
	closeBtn.Importance = widget.LowImportance
	setEnabled(answer, editable)
	setEnabled(answerBtn, editable)
	setEnabled(closeBtn, editable)
	s.answers[id], s.answerBtns[id], s.closeBtns[id] = answer, answerBtn, closeBtn
	return container.NewBorder(nil, nil, nil, container.NewHBox(answerBtn, closeBtn), answer)
}

// openNoteConflict opens the conflict view of a note's field from the queue.
func (s *reviewScreen) openNoteConflict(id, field string) {
	if s.state == nil || s.queue == nil {
		return
	}
	auditID := s.route.AuditID
	v := newRecordConflictView(s.app, s.state, s.names, id, field, !s.queue.Locked, func(val string) {
		s.busy.start()
		resolveRecord(s.app, s.ws, auditID, id, field, val, func(_ *workspace.AuditState, err error) {
			if !s.app.isCurrent(s) {
				return
			}
			s.busy.stop()
			if err != nil {
				logError("resolve a conflict", err)
				s.message.show(withDetails(lang.L("record.resolve_failed"), err), widget.DangerImportance)
				return
			}
			s.message.show(lang.L("record.resolved"), widget.SuccessImportance)
			s.load()
		})
	})
	if v == nil {
		return
	}
	s.conflictView = v
	v.dialog.Show()
}

// row is one line of the queue with 開く when it is about an item.
// extra lines go between the text and the caption.
func (s *reviewScreen) row(icon fyne.Resource, text, meta string, imp widget.Importance, target string, extra ...fyne.CanvasObject) fyne.CanvasObject {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	l.Importance = imp
	lines := container.NewVBox(l)
	for _, o := range extra {
		lines.Add(o)
	}
	if meta != "" {
		lines.Add(captionText(meta))
	}
	var open fyne.CanvasObject = layout.NewSpacer()
	if s.isItem(target) {
		b := widget.NewButtonWithIcon(lang.L("review.open_item"), theme.NavigateNextIcon(), func() {
			s.app.navigate(Route{Page: PageAudit, EngagementID: s.route.EngagementID, AuditID: s.route.AuditID, ItemID: target})
		})
		s.links = append(s.links, b)
		open = container.NewVBox(b)
	}
	return container.NewBorder(nil, nil, container.NewVBox(widget.NewIcon(icon)), open, lines)
}

func (s *reviewScreen) isItem(id string) bool {
	for _, it := range s.state.Items {
		if it.ID == id {
			return true
		}
	}
	return false
}

// onApprove (chief) approves the audit after a confirmation; it is then
// locked against edits until reopened.
func (s *reviewScreen) onApprove() {
	if s.busy.busy() || s.queue == nil {
		return
	}
	text := lang.L("review.approve_question")
	if n := len(s.queue.AwaitingReview) + len(s.queue.OpenNotes) + len(s.queue.Stale); n > 0 {
		text = lang.L("review.approve_question_open", map[string]any{"Count": n})
	}
	s.approving = newConfirmDialog(lang.L("review.approve_title"), text, lang.L("review.approve"), lang.L("form.cancel"), func() {
		s.act(func(ws Workspace, id string) error { _, err := ws.Approve(id); return err }, lang.L("review.approved"))
	}, s.app.win)
	s.approving.dialog.Show()
}

// onReopen (chief) reopens the approved audit with the reason typed.
func (s *reviewScreen) onReopen() {
	reason := strings.TrimSpace(s.reason.Text)
	if s.busy.busy() {
		return
	}
	if reason == "" {
		s.message.show(lang.L("review.reopen_needs_reason"), widget.WarningImportance)
		return
	}
	s.act(func(ws Workspace, id string) error { return ws.Reopen(id, reason) }, lang.L("review.reopened"))
}

// act runs an approval action off the UI goroutine and reloads.
func (s *reviewScreen) act(what func(ws Workspace, auditID string) error, done string, sent ...string) {
	s.busy.start()
	ws, id := s.ws, s.route.AuditID
	background(s.app.cfg.Run, func() (struct{}, error) { return struct{}{}, what(ws, id) }, func(_ struct{}, err error) {
		if !s.app.isCurrent(s) {
			return
		}
		s.busy.stop()
		if err != nil {
			logError("approval", err)
			s.message.show(withDetails(reviewErrorText(err), err), widget.DangerImportance)
			return
		}
		s.reason.SetText("")
		for _, k := range sent {
			s.texts.sent(k)
		}
		if done == lang.L("review.note_added") {
			s.docNote.SetText("")
		}
		s.message.show(done, widget.SuccessImportance)
		s.load()
	})
}

func (s *reviewScreen) onBack() {
	s.app.navigate(Route{Page: PageAudit, EngagementID: s.route.EngagementID, AuditID: s.route.AuditID})
}

// afterSave runs once an edit of the workspace is stored: the unsynced
// count goes up, a note that the field was merged line by line goes, and
// a sign-off covering the edited item may have gone stale, which the
// review panel then shows.
func (s *auditScreen) afterSave(k fieldKey) {
	s.unsynced.refresh()
	if s.state == nil {
		return
	}
	// A field merged line by line is one value again once written.
	for i := range s.state.Items {
		if it := &s.state.Items[i]; it.ID == k.entityID && len(it.Merged[k.field]) > 0 {
			delete(it.Merged, k.field)
			if i == s.current {
				s.fillConflicts()
			}
		}
	}
	if kind := s.review.signAfterSave; kind != "" && s.saver.idle() {
		s.review.signAfterSave = ""
		if s.editable() {
			s.signOff(kind, s.review.signItem)
		}
		return
	}
	signed := false
	for _, so := range s.state.SignOffs {
		if so.Target == k.entityID && so.Valid && !so.Stale && !so.Reopened {
			signed = true
		}
	}
	if !signed {
		return
	}
	ws, id := s.ws, s.route.AuditID
	background(s.app.cfg.Run, func() (*workspace.AuditState, error) { return ws.AuditState(id) },
		func(st *workspace.AuditState, err error) {
			if !s.app.isCurrent(s) || s.state == nil {
				return
			}
			if err != nil {
				logError("reread the sign-offs", err)
				return
			}
			s.state.Notes, s.state.SignOffs = st.Notes, st.SignOffs
			if s.current >= 0 && s.state.Items[s.current].ID == k.entityID {
				s.fillReview()
			}
		})
}
