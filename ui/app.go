package ui

import (
	"log"
	"net/url"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
)

// Config wires the GUI to its backend.
type Config struct {
	Store Store
	// Demo fills a workspace with a demo engagement and returns its id.
	// Nil hides the demo offer.
	Demo func(Workspace) (engagementID string, err error)
	// Theme is applied to the app when set, with the look stored under
	// ThemePref (light, dark or the system's); Run sets NewTheme().
	Theme fyne.Theme
	// Run runs slow work off the UI goroutine; nil means a goroutine and
	// fyne.Do. Tests pass a Runner they can drain.
	Run Runner
	// Do runs f on the UI goroutine; work running off it uses Do to show
	// progress. Nil means fyne.Do. Tests pass one they drain.
	Do func(f func())
	// Now is the clock (default time.Now).
	Now func() time.Time
	// After runs the autosave's debounce timers (default time.AfterFunc).
	// Tests pass timers they fire by hand.
	After AfterFunc
	// Every calls f on the UI goroutine every d until stop is called: the
	// idle lock's check (default a time.Ticker and Do). Tests pass one
	// they tick by hand.
	Every func(d time.Duration, f func()) (stop func())
}

// Page names a screen.
type Page int

// The screens.
const (
	PageUnlock Page = iota + 1 // passphrase for an existing store
	PageCreate                 // first start: make the store
	PageHome                   // engagements, audits and team
	PageImport                 // checksheet import preview of one workbook into one audit
	PageExport                 // audit plan and report export of one audit, with the lints
	PageAudit                  // the on-site workspace of one audit: its items and results
	PageSync                   // the shared-folder sync of an engagement, and its team
	PageReview                 // the review queue of one audit, with the chief's approval
)

// Route is a navigation target. It is a struct so that screens can carry
// their arguments (an engagement, an audit) in typed fields.
type Route struct {
	Page Page
	// EngagementID and AuditID select an engagement and one of its audits:
	// on PageHome the ones to show selected, on PageImport the audit the
	// checksheet goes into, on PageExport the audit whose documents are
	// exported.
	EngagementID, AuditID string
	// Path is the workbook of PageImport.
	Path string
	// ItemID or else ItemNo (a checksheet number) is the item PageAudit
	// shows selected; the first item when neither is set.
	ItemID, ItemNo string
}

// screen is one screen of the app.
type screen interface {
	// buildUI makes the screen's widgets and returns its content.
	buildUI() fyne.CanvasObject
	// onShown runs once the content is on the window: focus, first load.
	onShown()
}

// App is the running GUI: one window, the current screen, and the session.
type App struct {
	win    fyne.Window
	cfg    Config
	ws     Workspace // the unlocked workspace; nil while locked
	route  Route
	screen screen

	demoOffered bool // the first-start demo offer is made once per run

	lockItem *fyne.MenuItem // disabled while locked
	syncItem *fyne.MenuItem // 同期…: disabled while locked (sync_screen.go)
	audit    *auditMenu     // the workspace screen's keyboard commands

	// files asks the user for the files to import and export; tests put
	// in one that answers with a path.
	files filePicker
	// openURL hands a URL to the system (the file manager for a file://
	// folder); tests record it instead.
	openURL func(*url.URL) error

	// fyneApp is the Fyne app: its settings take the theme.
	fyneApp fyne.App
	// prefs holds the settings: language (LanguagePref), look (ThemePref)
	// and the idle lock's delay (idleLockPref).
	prefs fyne.Preferences
	// settings is the settings dialog open; nil when none.
	settings *settingsDialog
	// lastActive is when the user last typed, clicked or moved on; the
	// idle lock counts from it.
	lastActive time.Time
	focus      focusState // the focused text field at the last idle check (idle.go)
	stopIdle   func()
}

// lockShortcut locks the workspace: Ctrl+L (Cmd+L on macOS).
var lockShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault}

// quitShortcut closes the window and so quits: Ctrl+Q (Cmd+Q on macOS).
// The workspace is closed on the way out, like a lock.
var quitShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault}

// New makes the main window and shows the first screen: unlock when the
// store exists, create otherwise.
func New(a fyne.App, cfg Config) *App {
	if cfg.Run == nil {
		cfg.Run = goRunner
	}
	if cfg.Do == nil {
		cfg.Do = fyne.Do
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if err := UseLanguage(ChooseLanguage(a.Preferences())); err != nil {
		log.Printf("ui: %v", err)
	}
	u := &App{cfg: cfg, fyneApp: a, prefs: a.Preferences()}
	// The configured theme, with the look chosen in the settings.
	if cfg.Theme != nil || themeMode(u.prefs) != ThemeSystem {
		u.applyLook()
	}
	u.win = a.NewWindow(lang.L("app.title"))
	u.files = dialogPicker{win: u.win}
	u.openURL = a.OpenURL
	u.win.Resize(fyne.NewSize(1100, 720))
	u.win.SetOnClosed(func() {
		if u.stopIdle != nil {
			u.stopIdle()
		}
		u.closeWorkspace()
	})
	u.win.SetMaster()
	u.buildMenu()
	u.startIdleLock()
	u.win.SetOnDropped(func(_ fyne.Position, uris []fyne.URI) { u.dropped(uris) })
	if cfg.Store.Exists() {
		u.navigate(Route{Page: PageUnlock})
	} else {
		u.navigate(Route{Page: PageCreate})
	}
	return u
}

// Run shows the GUI and blocks until it quits.
func Run(a fyne.App, cfg Config) {
	if cfg.Theme == nil {
		cfg.Theme = NewTheme()
	}
	u := New(a, cfg)
	u.win.ShowAndRun()
	u.closeWorkspace()
}

// buildMenu installs the main menu. Its shortcuts work wherever the focus
// is: a focused text field swallows canvas shortcuts, but the driver
// consults the main menu first.
func (a *App) buildMenu() {
	a.lockItem = fyne.NewMenuItem(lang.L("menu.lock"), func() {
		if a.ws != nil {
			a.lock()
		}
	})
	a.lockItem.Shortcut = lockShortcut
	quit := fyne.NewMenuItem(lang.L("menu.quit"), func() { a.win.Close() })
	settings := fyne.NewMenuItem(lang.L("menu.settings"), a.showSettings)
	// Keys typed while no field has the focus count as activity too.
	a.win.Canvas().SetOnTypedKey(func(*fyne.KeyEvent) { a.touch() })
	a.win.Canvas().SetOnTypedRune(func(rune) { a.touch() })
	quit.Shortcut = quitShortcut
	quit.IsQuit = true
	a.win.SetMainMenu(fyne.NewMainMenu(
		fyne.NewMenu(lang.L("menu.file"), settings, a.buildSyncMenuItem(), a.lockItem, fyne.NewMenuItemSeparator(), quit),
		a.buildAuditMenu()))
	a.enableAuditMenu(false)
	a.win.Canvas().AddShortcut(quitShortcut, func(fyne.Shortcut) { a.win.Close() })
}

// Window is the main window.
func (a *App) Window() fyne.Window { return a.win }

// navigate shows the screen of r. Pages that need an unlocked workspace
// fall back to the unlock screen when there is none. PageImport needs the
// workbook already read, so it is opened with show; navigating to it goes
// home.
func (a *App) navigate(r Route) {
	if (r.Page == PageHome || r.Page == PageImport || r.Page == PageExport || r.Page == PageAudit || r.Page == PageSync || r.Page == PageReview) && a.ws == nil {
		r = Route{Page: PageUnlock}
	}
	if (r.Page == PageExport || r.Page == PageAudit || r.Page == PageReview) && r.AuditID == "" {
		r.Page = PageHome
	}
	var s screen
	switch r.Page {
	case PageCreate:
		s = &createScreen{app: a}
	case PageExport:
		s = newExportScreen(a, r)
	case PageAudit:
		s = newAuditScreen(a, r)
	case PageSync:
		s = newSyncScreen(a, r)
	case PageReview:
		s = newReviewScreen(a, r)
	case PageHome, PageImport:
		r.Page = PageHome
		s = &homeScreen{app: a, ws: a.ws, want: r}
	default:
		r = Route{Page: PageUnlock}
		s = &unlockScreen{app: a}
	}
	a.show(r, s)
}

// hider is a screen that has something to stop when it leaves the window:
// work to cancel, say.
type hider interface{ onHidden() }

// show puts s, the screen of r, on the window.
func (a *App) show(r Route, s screen) {
	if h, ok := a.screen.(hider); ok {
		h.onHidden()
	}
	a.clearOverlays()
	a.win.Canvas().RemoveShortcut(lockShortcut)
	if a.ws != nil {
		a.win.Canvas().AddShortcut(lockShortcut, func(fyne.Shortcut) { a.lock() })
	}
	a.route, a.screen = r, s
	a.touch()
	if a.lockItem != nil {
		a.lockItem.Disabled = a.ws == nil
		a.syncItem.Disabled = a.ws == nil
		_, onAudit := s.(*auditScreen)
		a.enableAuditMenu(onAudit && a.ws != nil)
		if m := a.win.MainMenu(); m != nil {
			m.Refresh()
		}
	}
	a.win.SetContent(a.withActivitySensor(s.buildUI()))
	s.onShown()
}

// isCurrent reports whether s is still on the window; results of work that
// finishes after the user moved on are dropped.
func (a *App) isCurrent(s screen) bool { return a.screen == s }

// clearOverlays closes dialogs and pop-ups left by the previous screen.
func (a *App) clearOverlays() {
	ov := a.win.Canvas().Overlays()
	for top := ov.Top(); top != nil; top = ov.Top() {
		ov.Remove(top)
	}
}

// unlocked starts a session with ws and goes home.
func (a *App) unlocked(ws Workspace) {
	a.ws = ws
	a.navigate(Route{Page: PageHome})
}

// lock ends the session: the workspace is closed (its keys dropped) and
// the unlock screen shown.
func (a *App) lock() {
	a.closeWorkspace()
	a.navigate(Route{Page: PageUnlock})
}

// flusher is a screen with edits that must reach the store before the
// workspace is closed: it writes them and returns when they are stored.
type flusher interface{ flushSaves() }

// closeWorkspace writes the current screen's pending edits, then closes
// the workspace. Lock and quit both come here.
func (a *App) closeWorkspace() {
	if a.ws == nil {
		return
	}
	if f, ok := a.screen.(flusher); ok {
		f.flushSaves()
	}
	if err := a.ws.Close(); err != nil {
		log.Printf("ui: close workspace: %v", err)
	}
	a.ws = nil
}
