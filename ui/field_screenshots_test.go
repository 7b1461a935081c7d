package ui

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/kansa-audit/kansa/internal/audit"
)

// TestFieldScreenshots renders the screens of the field workspace (issue 3)
// with the demo engagement and the Kansa theme on the test driver: home,
// the audit workspace with an item selected, the evidence viewer, a
// hearing record and the hearing form.
//
//	KANSA_SCREENSHOTS=$PWD/docs/screenshots go test -tags migrated_fynedo ./ui/ -run TestFieldScreenshots
func TestFieldScreenshots(t *testing.T) {
	dir := os.Getenv(ScreenshotEnv)
	if dir == "" {
		t.Skipf("set %s to a folder to write the screenshots", ScreenshotEnv)
	}
	u, q := newTestApp(t, newDemoStore(t), themedAt(time.Date(2026, 10, 14, 1, 30, 0, 0, time.UTC)))
	u.win.Resize(fyne.NewSize(1280, 800))
	home := unlockHome(t, u, q)
	id := demoDatacenterID(t, u)
	selectAudit(t, home, id)
	q.settle(t)
	capture(t, u, filepath.Join(dir, "home.png"))

	// The item with the finding, its evidence and a hearing.
	s := openAuditAt(t, u, q, id, "15")
	q.settle(t)
	capture(t, u, filepath.Join(dir, "audit-workspace.png"))

	s.openEvidence(0)
	q.settle(t)
	capture(t, u, filepath.Join(dir, "evidence-viewer.png"))
	s.viewer.dialog.Hide()

	var h audit.Hearing
	for _, x := range s.state.Hearings {
		if len(x.Statements) > len(h.Statements) {
			h = x
		}
	}
	s.openHearing(h.ID)
	q.settle(t)
	capture(t, u, filepath.Join(dir, "hearing-record.png"))
	s.hearingView.dialog.Hide()

	s.onNewHearing()
	f := s.hearing
	f.place.SetText("第二データセンター 2階 会議室B")
	f.people[0].name.SetText("センター長")
	f.people[0].division.SetText("運用管理部")
	f.people[0].role.SetText("部長")
	f.statements[0].text.SetText("特権IDの共用は、夜間の障害対応で担当者が入れ替わるためやむを得ず続けている。")
	f.followUps.SetText("特権IDの個人別発行の計画と時期は？")
	capture(t, u, filepath.Join(dir, "hearing-form.png"))
	f.discardDraft()
	f.dialog.Hide()
}
