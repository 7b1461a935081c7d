package ui

import (
	"maps"
	"strings"

	"fyne.io/fyne/v2/widget"
)

// Review notes and responses being typed, on an item's review panel or on
// the review queue, are kept like the hearing form (hearing_draft.go): in
// memory across every rebuild of their rows (a sign-off, a sync or the
// team's names arriving rebuilds them), and in the store a second after
// the last keystroke and whenever the screen goes (lock, quit, another
// screen), so that text typed when the idle lock strikes, the app quits
// or the laptop dies comes back the next time. A text leaves the draft
// once it is sent.

// reviewDraftKey names an audit's review draft in the store.
func reviewDraftKey(auditID string) string { return "review/" + auditID }

// Keys of the texts in a review draft.
func newNoteKey(itemID string) string { return "note/" + itemID }
func answerKey(noteID string) string  { return "answer/" + noteID }

const docNoteKey = "doc-note" // the queue's note on a document section

// typedTexts are the review texts of one audit typed and not yet sent.
type typedTexts struct {
	app   *App
	key   string            // the draft's name in the store
	texts map[string]string // newNoteKey / answerKey / docNoteKey -> text
	dirty bool
	stop  func() bool // the pending draft write; nil when none
}

func newTypedTexts(app *App, auditID string) *typedTexts {
	return &typedTexts{app: app, key: reviewDraftKey(auditID), texts: map[string]string{}}
}

// bind shows the text typed for key in e (after a rebuild) and keeps what
// is typed there.
func (t *typedTexts) bind(e *widget.Entry, key string) {
	if text := t.texts[key]; text != "" {
		e.SetText(text)
		// Typing goes on at the end of what is there.
		lines := strings.Split(text, "\n")
		e.CursorRow, e.CursorColumn = len(lines)-1, len([]rune(lines[len(lines)-1]))
	}
	e.OnChanged = func(text string) {
		if strings.TrimSpace(text) == "" {
			delete(t.texts, key)
		} else {
			t.texts[key] = text
		}
		t.app.touch()
		t.dirty = true
		t.app.draftSoon(&t.stop, t.write)
	}
}

// sent drops a text that was added or answered.
func (t *typedTexts) sent(key string) {
	if _, ok := t.texts[key]; ok {
		delete(t.texts, key)
		t.dirty = true
		t.write()
	}
}

// write writes the texts off the UI goroutine.
func (t *typedTexts) write() {
	if !t.dirty || t.app.ws == nil {
		return
	}
	t.dirty = false
	d := maps.Clone(t.texts)
	storeDraft(t.app, t.app.ws, t.key, d, len(d) == 0, "review draft")
}

// flush writes the texts now, on the calling goroutine: the screen is
// going, or the workspace is about to be closed.
func (t *typedTexts) flush() {
	if t.stop != nil {
		t.stop()
		t.stop = nil
	}
	if !t.dirty || t.app.ws == nil {
		return
	}
	t.dirty = false
	var err error
	if len(t.texts) == 0 {
		err = t.app.ws.DeleteDraft(t.key)
	} else {
		err = t.app.ws.PutDraft(t.key, t.texts)
	}
	if err != nil {
		logError("review draft", err)
	}
}

// load reads the texts left unsent in the store, keeps those not typed
// again since, and calls shown on the UI goroutine to show them.
func (t *typedTexts) load(shown func()) {
	ws, key := t.app.ws, t.key
	background(t.app.cfg.Run, func() (map[string]string, error) {
		d := map[string]string{}
		_, err := ws.Draft(key, &d)
		return d, err
	}, func(d map[string]string, err error) {
		if err != nil {
			logError("read review draft", err)
			return
		}
		if len(d) == 0 {
			return
		}
		for k, v := range d {
			if _, typing := t.texts[k]; !typing {
				t.texts[k] = v
			}
		}
		shown()
	})
}

// reopenReviewDraft brings back the review texts left unsent in this
// audit, and shows them in the panel.
func (s *auditScreen) reopenReviewDraft() {
	s.review.texts.load(func() {
		if s.app.isCurrent(s) && s.state != nil && s.current >= 0 {
			s.fillReview()
		}
	})
}
