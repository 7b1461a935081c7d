package ui

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"github.com/kansa-audit/kansa/internal/workspace"
)

// testJPEG makes a small JPEG photo.
func testJPEG(t *testing.T, w, h int, c color.Color) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if x < w/2 {
				img.Set(x, y, c)
			} else {
				img.Set(x, y, color.White)
			}
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// bombJPEG is good with its SOF0 frame size patched to 20000×20000.
func bombJPEG(good []byte) []byte {
	bomb := append([]byte(nil), good...)
	for i := 2; i+9 < len(bomb); i++ {
		if bomb[i] == 0xFF && bomb[i+1] == 0xC0 {
			binary.BigEndian.PutUint16(bomb[i+5:], 20000)
			binary.BigEndian.PutUint16(bomb[i+7:], 20000)
			break
		}
	}
	return bomb
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// stripImages counts the thumbnails shown in the evidence strip.
func stripImages(s *auditScreen) int {
	n := 0
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *canvas.Image:
			n++
		case *fyne.Container:
			for _, c := range v.Objects {
				walk(c)
			}
		}
	}
	walk(s.evidenceBox)
	return n
}

func TestAttachEvidenceFromDialog(t *testing.T) {
	u, q, _ := newWorkspaceApp(t, newDemoStore(t))
	id := demoDatacenterID(t, u)
	s := openAuditAt(t, u, q, id, "")
	it := s.state.Items[s.current]
	before := len(it.Evidence)
	data := testJPEG(t, 64, 48, color.RGBA{200, 30, 30, 255})
	path := writeFile(t, t.TempDir(), "サーバ室.jpg", data)
	sum := sha256.Sum256(data)
	u.files = &fakePicker{openPath: path}

	triggerShortcut(t, u, attachShortcut)
	q.settle(t)

	if s.attaching != nil {
		t.Fatal("import still running")
	}
	got := stored(t, u.ws, id, it.No)
	if len(got.Evidence) != before+1 {
		t.Fatalf("item has %d evidence, want %d", len(got.Evidence), before+1)
	}
	ev := got.Evidence[len(got.Evidence)-1]
	if ev.FileName != "サーバ室.jpg" || ev.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("stored %s with SHA-256 %s, want %x", ev.FileName, ev.SHA256, sum)
	}
	if len(ev.Items) != 1 || ev.Items[0] != it.ID {
		t.Errorf("evidence linked to %v, want [%s]", ev.Items, it.ID)
	}
	if s.thumbs[ev.ID] == nil {
		t.Error("no thumbnail loaded for the new evidence")
	}
	if n := stripImages(s); n < 1 {
		t.Errorf("evidence strip shows %d thumbnails", n)
	}
	if !strings.Contains(s.message.text(), "1件を添付しました。") {
		t.Errorf("message = %q", s.message.text())
	}
}

func TestAttachDroppedBatchKeepsGoodFiles(t *testing.T) {
	u, q, _ := newWorkspaceApp(t, newDemoStore(t))
	id := demoDatacenterID(t, u)
	s := openAuditAt(t, u, q, id, "")
	it := s.state.Items[s.current]
	before := len(it.Evidence)
	dir := t.TempDir()
	good := testJPEG(t, 64, 64, color.RGBA{20, 120, 200, 255})
	good2 := testJPEG(t, 80, 40, color.RGBA{20, 200, 20, 255})
	paths := []string{
		writeFile(t, dir, "good.jpg", good),
		writeFile(t, dir, "bomb.jpg", bombJPEG(good)),
		writeFile(t, dir, "truncated.jpg", good[:len(good)/2]),
		writeFile(t, dir, "good2.jpg", good2),
	}
	var uris []fyne.URI
	for _, p := range paths {
		uris = append(uris, storage.NewFileURI(p))
	}
	u.dropped(uris)
	if s.attaching == nil {
		t.Fatal("drop did not start an import")
	}
	if !s.workRunning() {
		t.Error("import not reported as running")
	}
	q.settle(t)

	got := stored(t, u.ws, id, it.No)
	if len(got.Evidence) != before+2 {
		t.Fatalf("item has %d evidence, want %d", len(got.Evidence), before+2)
	}
	var names []string
	for _, ev := range got.Evidence[before:] {
		names = append(names, ev.FileName)
	}
	slices.Sort(names)
	if strings.Join(names, ",") != "good.jpg,good2.jpg" {
		t.Errorf("imported %v", names)
	}
	msg := s.message.text()
	for _, want := range []string{"2件を添付しました。", "2件は取り込めませんでした", "bomb.jpg", "truncated.jpg"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	if strings.Contains(msg, "good") {
		t.Errorf("message names a good file: %q", msg)
	}
	if n := stripImages(s); n < 2 {
		t.Errorf("evidence strip shows %d thumbnails, want at least 2", n)
	}
}

func TestAttachInHelpOverlay(t *testing.T) {
	u, q, _ := newWorkspaceApp(t, newDemoStore(t))
	s := openAuditAt(t, u, q, demoDatacenterID(t, u), "")
	s.onHelp()
	want := shortcutText(attachShortcut) + ": 証跡を添付"
	found := false
	for _, l := range s.help.lines {
		found = found || l == want
	}
	if !found {
		t.Errorf("help lacks %q: %v", want, s.help.lines)
	}
}

func TestIdleLock(t *testing.T) {
	u, q, _ := newWorkspaceApp(t, newDemoStore(t))
	s := openAuditAt(t, u, q, demoDatacenterID(t, u), "")
	now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	u.cfg.Now = func() time.Time { return now }
	u.touch()

	// Activity postpones the lock.
	now = now.Add(4 * time.Minute)
	typeActivity(s)
	now = now.Add(4 * time.Minute)
	u.checkIdle()
	if u.ws == nil {
		t.Fatal("locked although the user typed 4 minutes ago")
	}
	now = now.Add(61 * time.Second)
	u.checkIdle()
	if u.ws != nil {
		t.Fatal("workspace still open after 5 idle minutes")
	}
	screenOf[*unlockScreen](t, u)
	assertShows(t, u, "しばらく操作がなかったため、ロックしました。")

	// 0 turns the idle lock off.
	unlockHome(t, u, q)
	u.prefs.SetInt(idleLockPref, 0)
	now = now.Add(time.Hour)
	u.checkIdle()
	if u.ws == nil {
		t.Error("idle lock set to 0 locked anyway")
	}
}

// typeActivity types into the observation field as the user would.
func typeActivity(s *auditScreen) {
	s.observation.SetText(s.observation.Text + "確認")
}

func TestLinkExistingEvidenceToAnotherItem(t *testing.T) {
	u, q, _ := newWorkspaceApp(t, newDemoStore(t))
	id := demoDatacenterID(t, u)
	s := openAuditAt(t, u, q, id, "")
	// An item without the demo photo to link: the first one lacking any
	// evidence of the audit.
	var target workspace.ItemState
	for _, it := range s.state.Items {
		if len(it.Evidence) == 0 {
			target = it
			break
		}
	}
	if target.ID == "" || len(s.state.Evidence) == 0 {
		t.Fatal("demo has no item without evidence, or no evidence")
	}
	s = openAuditAt(t, u, q, id, target.No)
	ev := s.state.Evidence[0]
	before := len(ev.Items)

	s.linkBtn.OnTapped()
	p := s.linking
	if p == nil {
		t.Fatal("link picker did not open")
	}
	// Search narrows the list to the file; tick it and confirm.
	p.search.SetText(ev.ShortHash())
	if len(p.shown) != 1 || p.all[p.shown[0]].ID != ev.ID {
		t.Fatalf("search by hash shows %d candidates", len(p.shown))
	}
	p.chosen[ev.ID] = true
	p.dialog.Confirm()
	q.settle(t)

	got := stored(t, u.ws, id, target.No)
	if len(got.Evidence) != 1 || got.Evidence[0].ID != ev.ID {
		t.Fatalf("item %s has evidence %+v, want %s", target.No, got.Evidence, ev.FileName)
	}
	st, err := u.ws.AuditState(id)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range st.Evidence {
		if e.ID == ev.ID && len(e.Items) != before+1 {
			t.Errorf("evidence now on %d items, want %d", len(e.Items), before+1)
		}
	}
	if len(st.Evidence) != len(s.state.Evidence) {
		t.Errorf("linking stored a copy: %d files, screen had %d", len(st.Evidence), len(s.state.Evidence))
	}
	if len(s.state.Items[s.current].Evidence) != 1 || !strings.Contains(s.message.text(), "リンクしました") {
		t.Errorf("screen not updated: %d evidence, message %q", len(s.state.Items[s.current].Evidence), s.message.text())
	}

	// The viewer removes it from this item again; the file stays.
	s.openEvidence(0)
	if s.viewer == nil {
		t.Fatal("viewer did not open")
	}
	s.viewer.unlink.OnTapped()
	q.settle(t)
	if got := stored(t, u.ws, id, target.No); len(got.Evidence) != 0 {
		t.Errorf("item still has %d evidence after unlink", len(got.Evidence))
	}
	if st, _ := u.ws.AuditState(id); len(st.Evidence) != len(s.state.Evidence) {
		t.Error("unlink deleted the file from the audit")
	}
}

func TestIdleLockCountsMouseMovement(t *testing.T) {
	u, q, _ := newWorkspaceApp(t, newDemoStore(t))
	s := openAuditAt(t, u, q, demoDatacenterID(t, u), "")
	u.win.Resize(fyne.NewSize(1280, 800))
	now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	u.cfg.Now = func() time.Time { return now }
	u.touch()

	// The pointer moving over the screen's title (a label: no hoverable
	// widget of its own) postpones the lock.
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(s.title).AddXY(4, 4)
	now = now.Add(4 * time.Minute)
	test.MoveMouse(u.win.Canvas(), pos)
	test.MoveMouse(u.win.Canvas(), pos.AddXY(3, 0))
	now = now.Add(4 * time.Minute)
	u.checkIdle()
	if u.ws == nil {
		t.Fatal("locked although the mouse moved 4 minutes ago")
	}
	// Without any activity it still locks.
	now = now.Add(5 * time.Minute)
	u.checkIdle()
	if u.ws != nil {
		t.Fatal("not locked after 5 idle minutes")
	}
}

// TestIdleLockCountsTypingInAnyField: typing into a field that reports
// nothing itself (the link picker's search, in a dialog) postpones the
// lock, seen by the idle check through the focused field.
func TestIdleLockCountsTypingInAnyField(t *testing.T) {
	u, q, _ := newWorkspaceApp(t, newDemoStore(t))
	s := openAuditAt(t, u, q, demoDatacenterID(t, u), "")
	now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	u.cfg.Now = func() time.Time { return now }
	u.touch()
	s.linkBtn.OnTapped()
	if s.linking == nil {
		t.Fatal("link picker did not open")
	}
	e := s.linking.search
	u.win.Canvas().Focus(e)
	for range 3 { // 3 × 3 minutes of typing, checked every "10 s"
		now = now.Add(3 * time.Minute)
		test.Type(e, "鍵")
		u.checkIdle()
		if u.ws == nil {
			t.Fatalf("locked while the user was typing (%q)", e.Text)
		}
	}
	now = now.Add(5*time.Minute + time.Second)
	u.checkIdle()
	if u.ws != nil {
		t.Fatal("not locked after 5 minutes without typing")
	}
}

// TestEvidenceStripShowsAPageAtATime: an item with more evidence than a
// page shows the first page with thumbnails and a 「さらに表示」 button
// that adds the next rows.
func TestEvidenceStripShowsAPageAtATime(t *testing.T) {
	u, q, _ := newWorkspaceApp(t, newDemoStore(t))
	id := demoDatacenterID(t, u)
	s := openAuditAt(t, u, q, id, "")
	dir := t.TempDir()
	n := evidencePage + 5
	var paths []string
	for i := range n {
		paths = append(paths, writeFile(t, dir, "p"+strconv.Itoa(i)+".jpg", testJPEG(t, 40+i, 30, color.RGBA{uint8(i * 9), 80, 160, 255})))
	}
	before := len(s.state.Items[s.current].Evidence)
	s.attachFiles(paths)
	q.settle(t)
	total := before + n
	if got := len(stored(t, u.ws, id, s.state.Items[s.current].No).Evidence); got != total {
		t.Fatalf("stored %d evidence, want %d", got, total)
	}
	if got := stripImages(s); got != evidencePage {
		t.Fatalf("strip shows %d thumbnails, want a page of %d", got, evidencePage)
	}
	more := s.strip.more
	if more == nil || !strings.Contains(more.Text, strconv.Itoa(total-evidencePage)) {
		t.Fatalf("no 「さらに表示」 button for the %d rows left (%v)", total-evidencePage, more)
	}
	test.Tap(more)
	q.settle(t)
	if got := stripImages(s); got != total {
		t.Errorf("after 「さらに表示」 the strip shows %d thumbnails, want %d", got, total)
	}
	if s.strip.more != nil {
		t.Error("the button stays when every row is shown")
	}
}
