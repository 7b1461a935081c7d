package ui

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"fyne.io/fyne/v2"
)

// TestDetailFitsTheWindow: at the window's first size, and at 1024×640
// (a small laptop), nothing in an item's detail pane is wider than the
// pane: a vertical scroll cannot scroll sideways, so anything wider is cut
// off at the right (buttons under the scroll bar).
func TestDetailFitsTheWindow(t *testing.T) {
	u, q := newTestApp(t, newDemoStore(t), themedAt(time.Date(2026, 10, 14, 1, 30, 0, 0, time.UTC)))
	unlockHome(t, u, q)
	id := demoDatacenterID(t, u)
	s := openAuditAt(t, u, q, id, "15")
	q.settle(t)
	for _, size := range []fyne.Size{u.win.Canvas().Size(), fyne.NewSize(1024, 640)} {
		u.win.Resize(size)
		q.settle(t)
		content := s.detailScroll.Content
		if w, have := content.MinSize().Width, s.detailScroll.Size().Width; w > have {
			t.Errorf("window %v: the detail needs %.0f px, the pane has %.0f; widest parts: %v", size, w, have, widest(content, have))
		}
	}
}

// widest lists the objects under o whose minimum width exceeds limit,
// innermost first.
func widest(o fyne.CanvasObject, limit float32) []string {
	var out []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o.MinSize().Width <= limit {
			return
		}
		n := len(out)
		for _, k := range children(o) {
			walk(k)
		}
		if len(out) == n {
			out = append(out, fmt.Sprintf("%T %.0f", o, o.MinSize().Width))
		}
	}
	walk(o)
	sort.Strings(out)
	return out
}
