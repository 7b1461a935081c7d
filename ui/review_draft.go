package ui

import (
	"maps"
	"strings"

	"fyne.io/fyne/v2/widget"
)

// Review notes and responses being typed are kept like the hearing form
// (hearing_draft.go): in memory across every refill of the review panel
// (a sign-off, a sync or the team's names arriving rebuilds it), and in
// the store a second after the last keystroke, so that text typed when
// the idle lock strikes, the app quits or the laptop dies comes back the
// next time the audit is opened. A text leaves the draft once it is sent.

// reviewDraftKey names an audit's review draft in the store.
func reviewDraftKey(auditID string) string { return "review/" + auditID }

// Keys of the texts in a review draft.
func newNoteKey(itemID string) string { return "note/" + itemID }
func answerKey(noteID string) string  { return "answer/" + noteID }

// bind shows the text typed for key in e (after a refill) and keeps what
// is typed there.
func (p *reviewPanel) bind(e *widget.Entry, key string) {
	if text := p.typed[key]; text != "" {
		e.SetText(text)
		// Typing goes on at the end of what is there.
		lines := strings.Split(text, "\n")
		e.CursorRow, e.CursorColumn = len(lines)-1, len([]rune(lines[len(lines)-1]))
	}
	e.OnChanged = func(text string) {
		if strings.TrimSpace(text) == "" {
			delete(p.typed, key)
		} else {
			p.typed[key] = text
		}
		p.s.app.touch()
		p.draftDirty = true
		p.s.app.draftSoon(&p.stopDraft, p.writeDraft)
	}
}

// sent drops a text that was added or answered.
func (p *reviewPanel) sent(key string) {
	if _, ok := p.typed[key]; ok {
		delete(p.typed, key)
		p.draftDirty = true
		p.writeDraft()
	}
}

// writeDraft writes the typed texts off the UI goroutine.
func (p *reviewPanel) writeDraft() {
	s := p.s
	if !p.draftDirty || s.app.ws == nil || !s.app.isCurrent(s) {
		return
	}
	p.draftDirty = false
	d := maps.Clone(p.typed)
	storeDraft(s.app, s.ws, reviewDraftKey(s.route.AuditID), d, len(d) == 0, "review draft")
}

// flushDraft writes the typed texts now, on the calling goroutine: the
// workspace is about to be closed (lock, quit).
func (p *reviewPanel) flushDraft() {
	if p.stopDraft != nil {
		p.stopDraft()
		p.stopDraft = nil
	}
	if !p.draftDirty {
		return
	}
	p.draftDirty = false
	key := reviewDraftKey(p.s.route.AuditID)
	var err error
	if len(p.typed) == 0 {
		err = p.s.ws.DeleteDraft(key)
	} else {
		err = p.s.ws.PutDraft(key, p.typed)
	}
	if err != nil {
		logError("review draft", err)
	}
}

// reopenReviewDraft brings back the review texts left unsent in this
// audit, and shows them in the panel.
func (s *auditScreen) reopenReviewDraft() {
	ws, key := s.ws, reviewDraftKey(s.route.AuditID)
	background(s.app.cfg.Run, func() (map[string]string, error) {
		d := map[string]string{}
		_, err := ws.Draft(key, &d)
		return d, err
	}, func(d map[string]string, err error) {
		if err != nil {
			logError("read review draft", err)
			return
		}
		p := s.review
		if len(d) == 0 || p == nil || !s.app.isCurrent(s) {
			return
		}
		for k, v := range d {
			if _, typing := p.typed[k]; !typing {
				p.typed[k] = v
			}
		}
		if s.state != nil && s.current >= 0 {
			s.fillReview()
		}
	})
}
