package ui

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
)

// TestRecordConflictScreenshots renders a hearing whose notes are in
// conflict on the workspace screen, the conflict view on them, and the
// review queue with a note in conflict (see TestSyncScreenshots).
func TestRecordConflictScreenshots(t *testing.T) {
	dir := os.Getenv(ScreenshotEnv)
	if dir == "" {
		t.Skipf("set %s to a folder to write the screenshots", ScreenshotEnv)
	}
	rt := newRecordTeam(t)
	u, q := newTestApp(t, rt.member, themedAt(time.Date(2026, 5, 1, 8, 30, 0, 0, time.UTC)),
		func(c *Config) { c.After = (&fakeTimers{}).after })
	unlock := screenOf[*unlockScreen](t, u)
	test.Type(unlock.pass, testPassphrase)
	typeEnter(unlock.pass)
	q.settle(t)
	s := openAuditAt(t, u, q, rt.auditID, rt.item.No)
	s.detailScroll.ScrollToBottom()
	capture(t, u, filepath.Join(dir, "record-conflict-hearing.png"))
	s.openRecordConflictView(rt.hearing, "notes")
	q.settle(t)
	capture(t, u, filepath.Join(dir, "record-conflict-view.png"))
	s.conflictView.dialog.Hide()
	u.navigate(Route{Page: PageReview, AuditID: rt.auditID})
	q.settle(t)
	capture(t, u, filepath.Join(dir, "record-conflict-queue.png"))
}
