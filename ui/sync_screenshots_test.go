package ui

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
)

// ScreenshotEnv names the folder TestSyncScreenshots writes its PNGs to
// (docs/screenshots when refreshing the README's pictures); unset, the
// test is skipped.
const ScreenshotEnv = "KANSA_SCREENSHOTS"

// TestSyncScreenshots renders the sync result and the conflict view with
// the Kansa theme (a Japanese system font) on the test driver:
//
//	KANSA_SCREENSHOTS=$PWD/docs/screenshots go test -tags migrated_fynedo ./ui/ -run TestSyncScreenshots
func TestSyncScreenshots(t *testing.T) {
	dir := os.Getenv(ScreenshotEnv)
	if dir == "" {
		t.Skipf("set %s to a folder to write the screenshots", ScreenshotEnv)
	}
	usb, err := os.MkdirTemp("", "usb")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(usb) })
	st := newSyncTeamIn(t, filepath.Join(usb, "令和8年度監査共有"))
	t.Setenv(LanguageEnv, "")
	a := test.NewTempApp(t)
	q := newQueueRunner()
	u := New(a, Config{Store: st.member, Theme: NewTheme(), Run: q.run, Do: q.post,
		Now:   func() time.Time { return time.Date(2026, 5, 1, 8, 30, 0, 0, time.UTC) }, // 17:30 JST
		Every: func(time.Duration, func()) func() { return func() {} }})
	t.Cleanup(func() {
		q.settle(t)
		u.closeWorkspace()
	})
	unlock := screenOf[*unlockScreen](t, u)
	test.Type(unlock.pass, testPassphrase)
	typeEnter(unlock.pass)
	q.settle(t)
	u.navigate(Route{Page: PageSync})
	q.settle(t)
	s := screenOf[*syncScreen](t, u)
	syncNow(t, u, q, s)
	capture(t, u, filepath.Join(dir, "sync.png"))

	test.Tap(s.summary.links[0])
	q.settle(t)
	as := screenOf[*auditScreen](t, u)
	as.openConflictView(fieldObservation)
	q.settle(t)
	capture(t, u, filepath.Join(dir, "conflict.png"))
}

func capture(t *testing.T, u *App, path string) {
	t.Helper()
	u.win.Content().Refresh() // lay out what was shown or hidden since
	img := u.win.Canvas().Capture()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", path)
}
