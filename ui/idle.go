package ui

import (
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// idleLockPref is the app preference with the idle lock's delay in
// minutes; 0 turns the idle lock off.
const idleLockPref = "idle_lock_minutes"

// defaultIdleLockMinutes is the delay when the preference is not set.
const defaultIdleLockMinutes = 5

// idleCheckInterval is how often the idle lock looks at the clock.
const idleCheckInterval = 10 * time.Second

// tickerEvery is the production Config.Every: a time.Ticker whose ticks
// run f through do.
func tickerEvery(do func(func())) func(time.Duration, func()) func() {
	return func(d time.Duration, f func()) func() {
		t := time.NewTicker(d)
		stop := make(chan struct{})
		go func() {
			for {
				select {
				case <-t.C:
					do(f)
				case <-stop:
					return
				}
			}
		}()
		return func() {
			t.Stop()
			close(stop)
		}
	}
}

// startIdleLock starts the idle check; it runs for the life of the window.
func (a *App) startIdleLock() {
	every := a.cfg.Every
	if every == nil {
		every = tickerEvery(a.cfg.Do)
	}
	a.touch()
	a.stopIdle = every(idleCheckInterval, a.checkIdle)
}

// idleLockDelay is the configured idle time; zero when the lock is off.
func (a *App) idleLockDelay() time.Duration {
	if a.prefs == nil {
		return defaultIdleLockMinutes * time.Minute
	}
	m := a.prefs.IntWithFallback(idleLockPref, defaultIdleLockMinutes)
	if m <= 0 {
		return 0
	}
	return time.Duration(m) * time.Minute
}

// touch records user activity: the idle lock counts from here.
func (a *App) touch() { a.lastActive = a.cfg.Now() }

// activitySensor lies under a screen's content and counts the mouse
// moving over the window as activity, so an auditor reading a long
// proposal or scrolling the item list with the mouse is not locked out.
// Fyne gives hover events to the topmost hoverable object under the
// pointer, so the sensor sees the pointer wherever the content has no
// hoverable widget of its own (labels, backgrounds, the list); buttons and
// fields take their own events, and using them counts already.
type activitySensor struct {
	widget.BaseWidget
	touch func()
}

func newActivitySensor(touch func()) *activitySensor {
	s := &activitySensor{touch: touch}
	s.ExtendBaseWidget(s)
	return s
}

func (s *activitySensor) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}

// MouseIn, MouseMoved and MouseOut implement desktop.Hoverable.
func (s *activitySensor) MouseIn(*desktop.MouseEvent)    { s.touch() }
func (s *activitySensor) MouseMoved(*desktop.MouseEvent) { s.touch() }
func (s *activitySensor) MouseOut()                      {}

// withActivitySensor puts the sensor under content.
func (a *App) withActivitySensor(content fyne.CanvasObject) fyne.CanvasObject {
	return container.NewStack(newActivitySensor(a.touch), content)
}

// focusState is what the idle check last saw of the focused text field.
type focusState struct {
	entry    *widget.Entry
	text     string
	row, col int
}

// noticeTyping counts typing into whatever text field has the focus as
// activity, dialogs included: keystrokes in a focused Entry never reach
// the canvas, and not every form reports them. It compares the field's
// text and cursor with the previous idle check.
func (a *App) noticeTyping() {
	e, _ := a.win.Canvas().Focused().(*widget.Entry)
	now := focusState{entry: e}
	if e != nil {
		now.text, now.row, now.col = e.Text, e.CursorRow, e.CursorColumn
	}
	if e != nil && now != a.focus {
		a.touch()
	}
	a.focus = now
}

// busyWorker is a screen that can be running work the lock must not cut
// short (an evidence import); the idle lock waits for it.
type busyWorker interface{ workRunning() bool }

// checkIdle locks the workspace once the user has been idle for the
// configured time.
func (a *App) checkIdle() {
	d := a.idleLockDelay()
	if a.ws == nil || d == 0 {
		return
	}
	if b, ok := a.screen.(busyWorker); ok && b.workRunning() {
		a.touch()
		return
	}
	a.noticeTyping()
	if a.cfg.Now().Sub(a.lastActive) >= d {
		a.lock()
		if u, ok := a.screen.(*unlockScreen); ok {
			u.message.show(lang.L("idle.locked"), widget.MediumImportance)
		}
	}
}

// dropped takes files dropped on the window: the workspace screen attaches
// them to the selected item; other screens ignore them.
func (a *App) dropped(uris []fyne.URI) {
	a.touch()
	s, ok := a.screen.(*auditScreen)
	if !ok || a.ws == nil {
		return
	}
	var paths []string
	for _, u := range uris {
		if u != nil && u.Scheme() == "file" {
			paths = append(paths, u.Path())
		}
	}
	s.attachFiles(paths)
}
