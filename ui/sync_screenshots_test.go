package ui

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/kansa-audit/kansa/fixtures"
	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/jpcal"
	"github.com/kansa-audit/kansa/internal/workspace"
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
	u, q := newTestApp(t, st.member, themedAt(time.Date(2026, 5, 1, 8, 30, 0, 0, time.UTC))) // 17:30 JST
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

// TestReviewScreenshot renders the chief's review queue with an item
// awaiting review, open and answered notes and a stale sign-off.
func TestReviewScreenshot(t *testing.T) {
	dir := os.Getenv(ScreenshotEnv)
	if dir == "" {
		t.Skipf("set %s to a folder to write the screenshots", ScreenshotEnv)
	}
	opts := fastOptions
	opts.Now = tickingClock(time.Date(2026, 5, 1, 14, 3, 0, 0, jpcal.JST))
	store := DirStore{Dir: filepath.Join(t.TempDir(), "store"), Options: opts}
	ws, err := workspace.Create(store.Dir, []byte(testPassphrase), chiefName, audit.RoleChief, opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fixtures.Demo(ws); err != nil {
		t.Fatal(err)
	}
	ws.Close()
	ft := &fakeTimers{}
	u, q := newTestApp(t, store, themedAt(time.Date(2026, 5, 1, 8, 30, 0, 0, time.UTC)), func(c *Config) { c.After = ft.after })
	unlock := screenOf[*unlockScreen](t, u)
	test.Type(unlock.pass, testPassphrase)
	typeEnter(unlock.pass)
	q.settle(t)
	s, auditID := openRatedItem(t, u, q)
	rated := []string{}
	for _, it := range s.state.Items {
		if it.Result.Rating != "" {
			rated = append(rated, it.No)
		}
	}
	note := func(s *auditScreen, text string) {
		test.Type(s.review.noteText, text)
		test.Tap(s.review.addNote)
		q.settle(t)
	}
	// The first rated item: signed off, then edited (stale), with a note.
	test.Tap(s.review.prepare)
	q.settle(t)
	note(s, "監査証拠に記録の対象期間を追記してください。")
	test.Type(s.observation, "（10月分の記録も確認）")
	q.settle(t)
	ft.fire()
	q.settle(t)
	// Two more: signed off and awaiting review; one note answered.
	for i, no := range rated[1:3] {
		s = openAuditAt(t, u, q, auditID, no)
		test.Tap(s.review.prepare)
		q.settle(t)
		if i == 0 {
			note(s, "指摘区分を「指摘事項」とした根拠をヒアリング記録と紐付けてください。")
			for id, e := range s.review.answers {
				test.Type(e, "センター長へのヒアリング（9月10日）の発言を紐付けました。")
				test.Tap(s.review.answerBtns[id])
				q.settle(t)
			}
		}
	}
	u.navigate(Route{Page: PageReview, AuditID: auditID})
	q.settle(t)
	// And a note on the report's overall assessment, from the queue.
	r := screenOf[*reviewScreen](t, u)
	r.docSection.SetSelected("監査報告書：総評")
	test.Type(r.docNote, "総評の「おおむね適切」の根拠を、評価の集計と対応させてください。")
	test.Tap(r.addDocNote)
	q.settle(t)
	r.message.clear()
	// Tall enough for every section of the queue.
	u.win.Resize(fyne.NewSize(u.win.Canvas().Size().Width, 1060))
	capture(t, u, filepath.Join(dir, "review.png"))
}
