package ui

import (
	"bytes"
	"encoding/json"
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

// Conflicts of hearings and review notes (AuditState.RecordConflicts):
// the hearing records of the workspace screen, the review notes of the
// item's review panel and of the review queue say which field is in
// conflict and open the conflict view on it. The value kept or merged is
// written by Workspace.ResolveRecordConflict, which supersedes every
// competing value.

// recordConflictWorkspace is what resolving needs of the workspace.
type recordConflictWorkspace interface {
	// ResolveRecordConflict writes the value kept or merged of a hearing's
	// or review note's field: text for text, JSON for other fields.
	ResolveRecordConflict(auditID, entityID, field, value string) error
}

// recordFieldOrder is the order fields in conflict are listed in.
var recordFieldOrder = []string{"at", "place", "interviewees", "auditors", "statements", "followups", "notes",
	"target", "text", "status", "response", "responder"}

// recordFieldName names a field of a hearing or note.
func recordFieldName(field string) string {
	switch field {
	case "at":
		return lang.L("hearing.at")
	case "place":
		return lang.L("hearing.place")
	case "interviewees":
		return lang.L("record.interviewees")
	case "auditors":
		return lang.L("record.auditors")
	case "statements":
		return lang.L("hearing.statements")
	case "followups":
		return lang.L("record.followups")
	case "notes":
		return lang.L("hearing.notes")
	case "text":
		return lang.L("record.note_text")
	case "response":
		return lang.L("record.note_response")
	case "status":
		return lang.L("record.note_status")
	}
	return field
}

// recordTextField reports whether a field of a hearing or note is free
// text, merged by hand as text.
func recordTextField(field string) bool {
	return field == "place" || field == "notes" || field == "text" || field == "response"
}

// recordFields lists the fields of entity id in conflict, in display order.
func recordFields(st *workspace.AuditState, id string) []string {
	fs := st.RecordConflicts[id]
	var out []string
	for _, f := range recordFieldOrder {
		if len(fs[f]) > 0 {
			out = append(out, f)
		}
	}
	for f := range fs { // a field this version does not know, last
		if len(fs[f]) > 0 && !contains(recordFieldOrder, f) {
			out = append(out, f)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// recordValueText is how a competing value of a hearing's or note's field
// reads: lists one element a line, statements with the items they
// concern, a time in Japan time, a status by its label.
func recordValueText(st *workspace.AuditState, field, v string) string {
	if recordTextField(field) {
		if strings.TrimSpace(v) == "" {
			return lang.L("item.blank")
		}
		return v
	}
	switch field {
	case "statements":
		var sts []audit.Statement
		if json.Unmarshal([]byte(v), &sts) != nil {
			break
		}
		no := map[string]string{}
		for _, it := range st.Items {
			no[it.ID] = it.No
		}
		var lines []string
		for _, s := range sts {
			var nos []string
			for _, id := range s.Items {
				if n := no[id]; n != "" {
					nos = append(nos, "No."+n)
				}
			}
			line := "・" + s.Text
			if len(nos) > 0 {
				line += lang.L("record.statement_items", map[string]any{"Items": strings.Join(nos, lang.L("list.separator"))})
			}
			lines = append(lines, line)
		}
		if len(lines) == 0 {
			return lang.L("item.blank")
		}
		return strings.Join(lines, "\n")
	case "interviewees":
		var ps []audit.Interviewee
		if json.Unmarshal([]byte(v), &ps) != nil {
			break
		}
		var lines []string
		for _, p := range ps {
			lines = append(lines, strings.TrimSpace(strings.Join([]string{p.Division, p.Role, p.Name}, " ")))
		}
		return strings.Join(lines, "\n")
	case "auditors", "followups":
		var list []string
		if json.Unmarshal([]byte(v), &list) != nil {
			break
		}
		if len(list) == 0 {
			return lang.L("item.blank")
		}
		return strings.Join(list, "\n")
	case "at":
		var t time.Time
		if json.Unmarshal([]byte(v), &t) == nil {
			return t.In(jpcal.JST).Format("2006/01/02 15:04")
		}
	case "status":
		return noteStatusLabel(audit.NoteStatus(v))
	}
	return v
}

// recordListField reports whether a field is a JSON list merged by hand
// by choosing its elements.
func recordListField(field string) bool {
	return field == "statements" || field == "interviewees" || field == "auditors"
}

// buildUnits makes the hand merge of a list: every distinct element of
// every value, in order, each with a tick (all ticked at first), and the
// button that saves the ticked ones as the field's value.
func (v *conflictView) buildUnits(editable bool) fyne.CanvasObject {
	seen := map[string]bool{}
	list := container.NewVBox()
	for _, c := range v.choices {
		var elems []json.RawMessage
		if json.Unmarshal([]byte(c.value), &elems) != nil {
			continue
		}
		for _, e := range elems {
			var b bytes.Buffer
			if json.Compact(&b, e) != nil || seen[b.String()] {
				continue
			}
			u := b.String()
			seen[u] = true
			check := widget.NewCheck(strings.TrimPrefix(v.show("["+u+"]"), "・"), nil)
			check.SetChecked(true)
			setEnabled(check, editable)
			v.unitValues = append(v.unitValues, u)
			v.unitChecks = append(v.unitChecks, check)
			list.Add(check)
		}
	}
	if len(v.unitValues) == 0 {
		return nil
	}
	v.save = widget.NewButtonWithIcon(lang.L("conflict.save_merged"), theme.DocumentSaveIcon(), v.onSaveUnits)
	v.save.Importance = widget.HighImportance
	setEnabled(v.save, editable)
	hint := caption()
	hint.Wrapping = fyne.TextWrapWord
	hint.SetText(lang.L("conflict.units_hint"))
	scroll := container.NewVScroll(list)
	scroll.SetMinSize(fyne.NewSize(0, 160))
	return container.NewVBox(widget.NewSeparator(), heading(lang.L("conflict.merge")), hint, scroll,
		container.NewHBox(layout.NewSpacer(), v.save))
}

// onSaveUnits keeps the ticked elements, in order.
func (v *conflictView) onSaveUnits() {
	var keep []string
	for i, c := range v.unitChecks {
		if c.Checked {
			keep = append(keep, v.unitValues[i])
		}
	}
	v.resolve("[" + strings.Join(keep, ",") + "]")
}

// linesJSON turns text into a JSON list of its non-blank lines.
func linesJSON(text string) string {
	list := []string{}
	for _, line := range strings.Split(text, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			list = append(list, line)
		}
	}
	raw, _ := json.Marshal(list)
	return string(raw)
}

// recordConflictLines says, for each field of entity id in conflict, that
// it is, with 比較・統合… opening the conflict view on it; nil when none.
func recordConflictLines(st *workspace.AuditState, id string, open func(field string)) fyne.CanvasObject {
	fields := recordFields(st, id)
	if len(fields) == 0 {
		return nil
	}
	box := container.NewVBox()
	for _, f := range fields {
		note := widget.NewLabel(lang.L("record.conflict", map[string]any{"Field": recordFieldName(f), "Count": len(st.RecordConflicts[id][f])}))
		note.Importance = widget.WarningImportance
		note.Wrapping = fyne.TextWrapWord
		b := widget.NewButtonWithIcon(lang.L("conflict.compare"), theme.ViewRestoreIcon(), func() { open(f) })
		b.Importance = widget.WarningImportance
		box.Add(container.NewBorder(nil, nil, widget.NewIcon(theme.WarningIcon()), container.NewVBox(b), note))
	}
	return box
}

// recordTitle is the conflict view's title for a hearing or a note.
func recordTitle(st *workspace.AuditState, id, field string, names map[string]string) string {
	for _, h := range st.Hearings {
		if h.ID == id {
			return lang.L("record.title_hearing", map[string]any{"At": h.At.In(jpcal.JST).Format("2006/01/02 15:04"), "Field": recordFieldName(field)})
		}
	}
	for _, n := range st.Notes {
		if n.ID == id {
			return lang.L("record.title_note", map[string]any{"Author": nameOf(names, n.Author), "Field": recordFieldName(field)})
		}
	}
	return recordFieldName(field)
}

// newRecordConflictView builds the conflict view of a hearing's or
// note's field; apply writes the value kept or merged.
func newRecordConflictView(app *App, st *workspace.AuditState, names map[string]string, id, field string, editable bool, apply func(string)) *conflictView {
	var choices []conflictChoice
	for _, c := range st.RecordConflicts[id][field] {
		author := c.Author
		if n := names[author]; n != "" {
			author = n // a member id the store could not name
		}
		choices = append(choices, conflictChoice{value: c.Value, author: author, at: c.At})
	}
	if len(choices) == 0 {
		return nil
	}
	v := &conflictView{app: app, field: field, itemID: id, choices: choices, editable: editable,
		title: recordTitle(st, id, field, names),
		text:  recordTextField(field), lines: field == "followups", units: recordListField(field),
		show:  func(val string) string { return recordValueText(st, field, val) },
		apply: apply}
	v.build()
	return v
}

// resolveRecord writes the value kept or merged off the UI goroutine,
// rereads the audit and hands it to done (on the UI goroutine).
func resolveRecord(app *App, ws Workspace, auditID, id, field, value string, done func(*workspace.AuditState, error)) {
	background(app.cfg.Run, func() (*workspace.AuditState, error) {
		if err := ws.ResolveRecordConflict(auditID, id, field, value); err != nil {
			return nil, err
		}
		return ws.AuditState(auditID)
	}, done)
}

// openRecordConflictView opens the conflict view of a field of a hearing
// or note from the workspace screen.
func (s *auditScreen) openRecordConflictView(id, field string) {
	if s.state == nil {
		return
	}
	var names map[string]string
	if s.review != nil {
		names = s.review.names
	}
	auditID := s.route.AuditID
	v := newRecordConflictView(s.app, s.state, names, id, field, s.editable(), func(val string) {
		if !s.editable() {
			return
		}
		s.busy.start()
		resolveRecord(s.app, s.ws, auditID, id, field, val, func(st *workspace.AuditState, err error) {
			if !s.app.isCurrent(s) || s.state == nil {
				return
			}
			s.busy.stop()
			if err != nil {
				logError("resolve a conflict", err)
				s.message.show(withDetails(lang.L("record.resolve_failed"), err), widget.DangerImportance)
				return
			}
			s.recordsChanged(st)
			s.message.show(lang.L("record.resolved"), widget.SuccessImportance)
		})
	})
	if v == nil {
		return
	}
	s.conflictView = v
	v.dialog.Show()
}

// recordsChanged takes the hearings, notes, sign-offs and record
// conflicts of a fresh read, and shows them.
func (s *auditScreen) recordsChanged(st *workspace.AuditState) {
	s.state.RecordConflicts = st.RecordConflicts
	s.state.Notes, s.state.SignOffs = st.Notes, st.SignOffs
	s.hearingsChanged(st) // refills the hearings
	if s.current >= 0 {
		s.fillReview()
	}
}
