package ui

import (
	"fmt"
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/kansa-audit/kansa/internal/audit"
)

// The workspace screen's shortcuts. They sit on the main menu, which the
// driver consults before the focused widget: a focused Entry would
// swallow canvas shortcuts.
var (
	nextItemShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyDown, Modifier: fyne.KeyModifierShortcutDefault}
	prevItemShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyUp, Modifier: fyne.KeyModifierShortcutDefault}
	searchShortcut   = &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}
	helpShortcut     = &desktop.CustomShortcut{KeyName: fyne.KeySlash, Modifier: fyne.KeyModifierShortcutDefault}
	attachShortcut   = &desktop.CustomShortcut{KeyName: fyne.KeyE, Modifier: fyne.KeyModifierShortcutDefault}
	hearingShortcut  = &desktop.CustomShortcut{KeyName: fyne.KeyH, Modifier: fyne.KeyModifierShortcutDefault}
	// unrateShortcut (Ctrl+0) clears the rating.
	unrateShortcut = &desktop.CustomShortcut{KeyName: fyne.Key0, Modifier: fyne.KeyModifierShortcutDefault}
)

// ratingKeys are the keys that, with Ctrl, choose the 1st to 9th rating
// of the audit's scale.
var ratingKeys = []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4, fyne.Key5, fyne.Key6, fyne.Key7, fyne.Key8, fyne.Key9}

// ratingShortcut is Ctrl+n for the n-th rating (1-based).
func ratingShortcut(n int) *desktop.CustomShortcut {
	return &desktop.CustomShortcut{KeyName: ratingKeys[n-1], Modifier: fyne.KeyModifierShortcutDefault}
}

// auditMenu is the main menu's 監査 menu: what the workspace screen does
// from the keyboard. Its items are enabled while that screen is shown.
type auditMenu struct {
	menu   *fyne.Menu
	next   *fyne.MenuItem
	prev   *fyne.MenuItem
	rate   *fyne.MenuItem // its child menu holds one item per rating
	search *fyne.MenuItem
	help   *fyne.MenuItem
	// attach opens the file dialog to attach evidence to the item.
	attach *fyne.MenuItem
	// newHearing opens the hearing form for the item.
	newHearing *fyne.MenuItem
	// review opens the audit's review queue.
	review *fyne.MenuItem
}

// onAudit runs f with the workspace screen if it is the one shown.
func (a *App) onAudit(f func(*auditScreen)) func() {
	return func() {
		if s, ok := a.screen.(*auditScreen); ok && a.ws != nil {
			f(s)
		}
	}
}

// buildAuditMenu makes the 監査 menu.
func (a *App) buildAuditMenu() *fyne.Menu {
	m := &auditMenu{}
	m.next = fyne.NewMenuItem(lang.L("menu.next_item"), a.onAudit(func(s *auditScreen) { s.move(1) }))
	m.next.Shortcut = nextItemShortcut
	m.prev = fyne.NewMenuItem(lang.L("menu.prev_item"), a.onAudit(func(s *auditScreen) { s.move(-1) }))
	m.prev.Shortcut = prevItemShortcut
	m.rate = fyne.NewMenuItem(lang.L("menu.rate"), nil)
	m.rate.ChildMenu = fyne.NewMenu("")
	m.search = fyne.NewMenuItem(lang.L("menu.search"), a.onAudit(func(s *auditScreen) { s.focusSearch() }))
	m.search.Shortcut = searchShortcut
	m.attach = fyne.NewMenuItem(lang.L("menu.attach"), a.onAudit(func(s *auditScreen) { s.onAttach() }))
	m.attach.Shortcut = attachShortcut
	m.newHearing = fyne.NewMenuItem(lang.L("menu.new_hearing"), a.onAudit(func(s *auditScreen) { s.onNewHearing() }))
	m.newHearing.Shortcut = hearingShortcut
	m.review = fyne.NewMenuItem(lang.L("menu.review"), a.onAudit(func(s *auditScreen) { s.openReview() }))
	m.help = fyne.NewMenuItem(lang.L("menu.shortcuts"), a.onAudit(func(s *auditScreen) { s.onHelp() }))
	m.help.Shortcut = helpShortcut
	m.menu = fyne.NewMenu(lang.L("menu.audit"), m.next, m.prev, fyne.NewMenuItemSeparator(), m.rate,
		fyne.NewMenuItemSeparator(), m.search, m.attach, m.newHearing, m.review, fyne.NewMenuItemSeparator(), m.help)
	a.audit = m
	a.setRatingMenu(audit.DefaultScale())
	return m.menu
}

// setRatingMenu makes the rating submenu match scale: Ctrl+1… for its
// ratings in order, Ctrl+0 for 未評価.
func (a *App) setRatingMenu(scale audit.Scale) {
	if a.audit == nil {
		return
	}
	disabled := a.audit.next.Disabled
	var items []*fyne.MenuItem
	for i, r := range scale.Ratings {
		if i >= len(ratingKeys) {
			break
		}
		n := i + 1
		it := fyne.NewMenuItem(r.Label, a.onAudit(func(s *auditScreen) { s.rateByShortcut(n) }))
		it.Shortcut = ratingShortcut(n)
		it.Disabled = disabled
		items = append(items, it)
	}
	unrated := fyne.NewMenuItem(lang.L("item.unrated"), a.onAudit(func(s *auditScreen) { s.rateByShortcut(0) }))
	unrated.Shortcut = unrateShortcut
	unrated.Disabled = disabled
	a.audit.rate.ChildMenu.Items = append(items, unrated)
	if m := a.win.MainMenu(); m != nil {
		m.Refresh()
	}
}

// enableAuditMenu enables the 監査 menu while the workspace screen is
// shown.
func (a *App) enableAuditMenu(on bool) {
	if a.audit == nil {
		return
	}
	for _, it := range []*fyne.MenuItem{a.audit.next, a.audit.prev, a.audit.rate, a.audit.search, a.audit.attach, a.audit.newHearing, a.audit.review, a.audit.help} {
		it.Disabled = !on
	}
	for _, it := range a.audit.rate.ChildMenu.Items {
		it.Disabled = !on
	}
}

// shortcutText is how a shortcut reads in the help: Ctrl+↓.
func shortcutText(sc *desktop.CustomShortcut) string {
	key := string(sc.KeyName)
	switch sc.KeyName {
	case fyne.KeyDown:
		key = "↓"
	case fyne.KeyUp:
		key = "↑"
	}
	mod := "Ctrl"
	if sc.Modifier == fyne.KeyModifierSuper {
		mod = "Cmd"
	}
	return fmt.Sprintf("%s+%s", mod, key)
}

// helpOverlay lists the workspace screen's shortcuts.
type helpOverlay struct {
	dialog *dialog.CustomDialog
	lines  []string // "keys: what", as shown; for tests
}

func newHelpOverlay(scale audit.Scale, win fyne.Window) *helpOverlay {
	h := &helpOverlay{}
	grid := container.New(layout.NewFormLayout())
	add := func(keys, what string) {
		h.lines = append(h.lines, keys+": "+what)
		grid.Add(widget.NewLabelWithStyle(keys, fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}))
		grid.Add(widget.NewLabel(what))
	}
	add(shortcutText(nextItemShortcut), lang.L("menu.next_item"))
	add(shortcutText(prevItemShortcut), lang.L("menu.prev_item"))
	for i, r := range scale.Ratings {
		if i < len(ratingKeys) {
			add(shortcutText(ratingShortcut(i+1)), lang.L("help.rate", map[string]any{"Rating": r.Label}))
		}
	}
	add(shortcutText(unrateShortcut), lang.L("help.unrate"))
	add(shortcutText(searchShortcut), lang.L("menu.search"))
	add(shortcutText(attachShortcut), lang.L("menu.attach"))
	add(shortcutText(hearingShortcut), lang.L("menu.new_hearing"))
	add(shortcutText(helpShortcut), lang.L("menu.shortcuts"))
	add(shortcutText(lockShortcut), lang.L("menu.lock"))
	add(shortcutText(quitShortcut), lang.L("menu.quit"))
	note := widget.NewLabel(lang.L("help.autosave"))
	note.Wrapping = fyne.TextWrapWord
	h.dialog = dialog.NewCustom(lang.L("help.title"), lang.L("item.close"),
		container.New(fixedWidth(460), container.NewVBox(grid, widget.NewSeparator(), note)), win)
	return h
}

func (h *helpOverlay) show() { h.dialog.Show() }

// thumbImage shows a decoded thumbnail scaled to fit.
func thumbImage(src image.Image) fyne.CanvasObject {
	img := canvas.NewImageFromImage(src)
	img.FillMode = canvas.ImageFillContain
	img.ScaleMode = canvas.ImageScaleFastest
	return img
}
