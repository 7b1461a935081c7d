package ui

import (
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// unsyncedBadge shows how many of this device's changes no sync has
// published yet (未同期 3件); it is hidden when there are none, and in a
// store that has never synced (one auditor working alone would otherwise
// see every change counted). refresh counts them off the UI goroutine.
type unsyncedBadge struct {
	app     *App
	ws      Workspace
	widget  *widget.Label
	count   int
	pending bool // a count is running
	again   bool // another refresh was asked for while it ran
}

func newUnsyncedBadge(app *App) *unsyncedBadge {
	l := widget.NewLabel("")
	l.Importance = widget.WarningImportance
	l.Hide()
	return &unsyncedBadge{app: app, ws: app.ws, widget: l}
}

// refresh counts again; asked for while a count runs, it counts once more
// afterwards, so that a burst of saves costs two reads at most.
func (b *unsyncedBadge) refresh() {
	if b.ws == nil {
		return
	}
	if b.pending {
		b.again = true
		return
	}
	b.pending = true
	ws := b.ws
	background(b.app.cfg.Run, func() (int, error) { return unsyncedIfSyncing(ws) }, func(n int, err error) {
		b.pending = false
		if err != nil {
			logError("count unsynced changes", err)
		} else {
			b.show(n)
		}
		if b.again && b.app.ws == ws {
			b.again = false
			b.refresh()
		}
	})
}

func (b *unsyncedBadge) show(n int) {
	b.count = n
	if n == 0 {
		b.widget.Hide()
		return
	}
	b.widget.SetText(lang.L("sync.badge", map[string]any{"Count": n}))
	b.widget.Show()
}

// unsyncedIfSyncing counts the unsynced changes of a store that syncs
// (workspace.Syncs); 0 for one that does not.
func unsyncedIfSyncing(ws Workspace) (int, error) {
	if syncs, err := ws.Syncs(); err != nil || !syncs {
		return 0, err
	}
	return ws.Unsynced()
}
