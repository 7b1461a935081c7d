package ui

import (
	"bytes"
	"image/jpeg"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"github.com/kansa-audit/kansa/internal/audit"
)

func TestEvidenceViewerShowsReportCopyAndHash(t *testing.T) {
	u, q, _ := newWorkspaceApp(t, newDemoStore(t))
	id := demoDatacenterID(t, u)
	s := openAuditAt(t, u, q, id, "")

	// The item with the most evidence, a photo among it.
	best := -1
	for i, it := range s.state.Items {
		for _, ev := range it.Evidence {
			if ev.Kind == audit.EvidencePhoto && (best < 0 || len(it.Evidence) > len(s.state.Items[best].Evidence)) {
				best = i
			}
		}
	}
	if best < 0 {
		t.Fatal("the demo audit has no photo evidence")
	}
	s.selectItem(best)
	q.settle(t)
	evs := s.state.Items[best].Evidence
	first := 0
	for evs[first].Kind != audit.EvidencePhoto {
		first++
	}

	stack, ok := s.evidenceBox.Objects[first].(*fyne.Container)
	if !ok || len(stack.Objects) != 2 {
		t.Fatalf("evidence row is %T, want the row under a tap area", s.evidenceBox.Objects[first])
	}
	row, ok := stack.Objects[1].(*tapRow)
	if !ok {
		t.Fatalf("evidence row's tap area is %T, want a tappable row", stack.Objects[1])
	}
	test.Tap(row)
	v := s.viewer
	if v == nil {
		t.Fatal("tapping the evidence row opened no viewer")
	}
	if v.image.Image != nil || v.status.Text != lang.L("viewer.loading") {
		t.Errorf("before the load finishes: image %v, status %q", v.image.Image != nil, v.status.Text)
	}
	q.settle(t)

	ev := evs[first]
	_, w, h, ok, err := s.ws.EvidenceImage(ev.ID, false)
	if err != nil || !ok {
		t.Fatalf("EvidenceImage: ok %v, %v", ok, err)
	}
	if v.image.Image == nil {
		t.Fatalf("no image shown; status %q", v.status.Text)
	}
	if b := v.image.Image.Bounds(); b.Dx() != w || b.Dy() != h {
		t.Errorf("viewer image is %dx%d, want the report copy's %dx%d", b.Dx(), b.Dy(), w, h)
	}
	thumb, _, _, _, _ := s.ws.EvidenceImage(ev.ID, true)
	if tc, err := jpeg.DecodeConfig(bytes.NewReader(thumb)); err != nil || (tc.Width == w && tc.Height == h) {
		t.Errorf("thumbnail %+v (%v) cannot be told from the %dx%d report copy", tc, err, w, h)
	}
	assertShows(t, u, ev.SHA256)
	assertShows(t, u, ev.FileName)
	assertShows(t, u, capturedText(ev))
	if ev.CapturedBy != "" {
		assertShows(t, u, ev.CapturedBy)
	}
	if len(ev.SHA256) != 64 {
		t.Errorf("SHA-256 %q is not the full hex", ev.SHA256)
	}

	// Previous/next across the item's evidence.
	if first == 0 && !v.prev.Disabled() {
		t.Error("previous is enabled on the first evidence")
	}
	if len(evs) > first+1 {
		test.Tap(v.next)
		q.settle(t)
		assertShows(t, u, evs[first+1].SHA256)
		if v.index != first+1 {
			t.Errorf("after next the viewer shows %d, want %d", v.index, first+1)
		}
		test.Tap(v.prev)
		q.settle(t)
		assertShows(t, u, ev.SHA256)
	}

	v.dialog.Hide()
	if s.viewer != nil {
		t.Error("closing the viewer left it recorded as open")
	}
}

func TestEvidenceViewerNonPhotoShowsMetadataOnly(t *testing.T) {
	u, q, _ := newWorkspaceApp(t, newDemoStore(t))
	id := demoDatacenterID(t, u)
	s := openAuditAt(t, u, q, id, "")
	s.selectItem(0)
	q.settle(t)
	// A document stands in the current item's evidence for the test.
	doc := audit.Evidence{ID: "doc-1", Kind: audit.EvidenceDocument, FileName: "規程.pdf",
		SHA256: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", CapturedBy: "田中 一郎"}
	s.state.Items[0].Evidence = append([]audit.Evidence{doc}, s.state.Items[0].Evidence...)
	s.openEvidence(0)
	q.settle(t)
	v := s.viewer
	if v == nil {
		t.Fatal("no viewer")
	}
	if v.image.Image != nil {
		t.Error("a document shows an image")
	}
	if v.status.Text != lang.L("viewer.no_image") {
		t.Errorf("status %q, want the no-image note", v.status.Text)
	}
	assertShows(t, u, doc.SHA256)
	assertShows(t, u, doc.FileName)
}
