package ui

import (
	"errors"
	"log"
	"strings"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/workspace"
)

// minPassphraseRunes is the length below which the strength hint warns.
const minPassphraseRunes = 12

// createScreen makes the store on first start: who works here, and the
// passphrase that protects the store.
type createScreen struct {
	app *App

	name     *widget.Entry
	role     *widget.Select
	roles    []audit.Role // in the order of role.Options
	pass     *widget.Entry
	confirm  *widget.Entry
	strength *messageLabel
	mismatch *messageLabel
	create   *widget.Button
	message  *messageLabel
	busy     *busyIndicator
}

func (s *createScreen) buildUI() fyne.CanvasObject {
	changed := func(string) { s.onInputChanged() }

	s.name = widget.NewEntry()
	s.name.SetPlaceHolder(lang.L("create.name_placeholder"))
	s.name.OnChanged = changed

	s.roles = append([]audit.Role(nil), audit.Roles...)
	labels := make([]string, len(s.roles))
	for i, r := range s.roles {
		labels[i] = roleLabel(r)
	}
	s.role = widget.NewSelect(labels, changed)
	s.role.PlaceHolder = lang.L("create.role_placeholder")

	s.pass = widget.NewPasswordEntry()
	s.pass.OnChanged = changed
	s.confirm = widget.NewPasswordEntry()
	s.confirm.OnChanged = changed
	s.confirm.OnSubmitted = func(string) { s.onCreate() }

	s.strength = newMessageLabel()
	s.mismatch = newMessageLabel()
	s.message = newMessageLabel()
	s.busy = newBusyIndicator()
	s.create = widget.NewButton(lang.L("create.button"), s.onCreate)
	s.create.Importance = widget.HighImportance
	s.create.Disable()

	form := widget.NewForm(
		widget.NewFormItem(lang.L("create.name"), s.name),
		widget.NewFormItem(lang.L("create.role"), s.role),
		widget.NewFormItem(lang.L("create.passphrase"), container.NewVBox(s.pass, s.strength.widget)),
		widget.NewFormItem(lang.L("create.confirm"), container.NewVBox(s.confirm, s.mismatch.widget)),
	)
	content := container.NewVBox(form, s.message.widget, container.NewHBox(layout.NewSpacer(), s.busy.widget, s.create))
	return screenCard(560, lang.L("create.title"), lang.L("create.subtitle"), content)
}

func (s *createScreen) onShown() { s.app.win.Canvas().Focus(s.name) }

// ready reports whether the form can be submitted.
func (s *createScreen) ready() bool {
	return strings.TrimSpace(s.name.Text) != "" && s.role.SelectedIndex() >= 0 &&
		s.pass.Text != "" && s.pass.Text == s.confirm.Text && !s.busy.busy()
}

func (s *createScreen) onInputChanged() {
	switch n := utf8.RuneCountInString(s.pass.Text); {
	case n == 0:
		s.strength.clear()
	case n < minPassphraseRunes:
		s.strength.show(lang.L("create.too_short"), widget.WarningImportance)
	default:
		s.strength.show(lang.L("create.long_enough"), widget.SuccessImportance)
	}
	if s.confirm.Text != "" && s.confirm.Text != s.pass.Text {
		s.mismatch.show(lang.L("create.mismatch"), widget.DangerImportance)
	} else {
		s.mismatch.clear()
	}
	if s.ready() {
		s.create.Enable()
	} else {
		s.create.Disable()
	}
}

// onCreate makes the store off the UI goroutine (Argon2id runs).
func (s *createScreen) onCreate() {
	if !s.ready() {
		return
	}
	name := strings.TrimSpace(s.name.Text)
	role := s.roles[s.role.SelectedIndex()]
	pass := []byte(s.pass.Text)
	s.message.clear()
	s.busy.start()
	s.setInputEnabled(false)
	store := s.app.cfg.Store
	background(s.app.cfg.Run, func() (Workspace, error) {
		defer clear(pass)
		return store.Create(pass, name, role)
	}, s.onCreated)
}

func (s *createScreen) onCreated(ws Workspace, err error) {
	if !s.app.isCurrent(s) {
		if ws != nil {
			_ = ws.Close()
		}
		return
	}
	s.busy.stop()
	s.setInputEnabled(true)
	if err != nil {
		log.Printf("ui: create store: %v", err)
		text := lang.L("error.create_failed")
		if errors.Is(err, workspace.ErrExists) {
			text = lang.L("error.store_exists")
		}
		s.message.show(text, widget.DangerImportance)
		s.onInputChanged()
		return
	}
	s.pass.SetText("")
	s.confirm.SetText("")
	s.app.unlocked(ws)
}

func (s *createScreen) setInputEnabled(on bool) {
	for _, w := range []fyne.Disableable{s.name, s.role, s.pass, s.confirm, s.create} {
		if on {
			w.Enable()
		} else {
			w.Disable()
		}
	}
}
