package ui

import (
	"errors"
	"log"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/kansa-audit/kansa/internal/workspace"
)

// unlockScreen asks for the passphrase of an existing store.
type unlockScreen struct {
	app *App

	pass    *widget.Entry
	unlock  *widget.Button
	message *messageLabel
	busy    *busyIndicator
}

func (s *unlockScreen) buildUI() fyne.CanvasObject {
	s.pass = widget.NewPasswordEntry()
	s.pass.OnChanged = func(string) { s.onPassphraseChanged() }
	s.pass.OnSubmitted = func(string) { s.onUnlock() }

	s.unlock = widget.NewButtonWithIcon(lang.L("unlock.button"), theme.LoginIcon(), s.onUnlock)
	s.unlock.Importance = widget.HighImportance
	s.unlock.Disable()
	s.message = newMessageLabel()
	s.busy = newBusyIndicator()

	content := container.NewVBox(
		widget.NewLabel(lang.L("unlock.passphrase")),
		s.pass,
		s.message.widget,
		container.NewHBox(layout.NewSpacer(), s.busy.widget, s.unlock),
	)
	return screenCard(440, lang.L("unlock.title"), lang.L("unlock.subtitle"), content)
}

func (s *unlockScreen) onShown() { s.app.win.Canvas().Focus(s.pass) }

func (s *unlockScreen) onPassphraseChanged() {
	if s.pass.Text == "" || s.busy.busy() {
		s.unlock.Disable()
	} else {
		s.unlock.Enable()
	}
}

// onUnlock derives the key from the passphrase (Argon2id) off the UI
// goroutine and opens the store.
func (s *unlockScreen) onUnlock() {
	if s.pass.Text == "" || s.busy.busy() {
		return
	}
	pass := []byte(s.pass.Text)
	s.message.clear()
	s.busy.start()
	s.pass.Disable()
	s.unlock.Disable()
	store := s.app.cfg.Store
	background(s.app.cfg.Run, func() (Workspace, error) {
		defer clear(pass)
		return store.Open(pass)
	}, s.onUnlocked)
}

func (s *unlockScreen) onUnlocked(ws Workspace, err error) {
	if !s.app.isCurrent(s) {
		if ws != nil {
			_ = ws.Close()
		}
		return
	}
	s.busy.stop()
	s.pass.Enable()
	s.pass.SetText("")
	if err != nil {
		s.message.show(unlockErrorText(err), widget.DangerImportance)
		s.app.win.Canvas().Focus(s.pass)
		return
	}
	s.app.unlocked(ws)
}

// unlockErrorText is what the user reads about a failed unlock; the cause
// goes to the log.
func unlockErrorText(err error) string {
	switch {
	case errors.Is(err, workspace.ErrWrongPassphrase):
		return lang.L("error.wrong_passphrase")
	case errors.Is(err, workspace.ErrAlreadyOpen):
		return lang.L("error.already_open")
	}
	log.Printf("ui: unlock: %v", err)
	switch {
	case errors.Is(err, workspace.ErrDamaged):
		return lang.L("error.damaged")
	case errors.Is(err, workspace.ErrNewerSchema):
		return lang.L("error.newer_schema")
	case errors.Is(err, workspace.ErrNoStore):
		return lang.L("error.no_store")
	}
	return lang.L("error.unlock_failed")
}
