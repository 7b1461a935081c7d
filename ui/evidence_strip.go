package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/kansa-audit/kansa/internal/audit"
)

// evidencePage is how many evidence rows the item shows at first and adds
// per 「さらに表示」: building a row costs about a millisecond on the UI
// goroutine, so an item with a hundred photos must not build them all in
// one go (the UI would stall for over 100 ms after an import).
const evidencePage = 20

// evidenceStrip is what the item's evidence list shows: how many rows for
// which item, and the holder of each row's thumbnail, so that a thumbnail
// arriving later replaces an icon without the rows being built again.
type evidenceStrip struct {
	itemID string
	limit  int
	icons  map[string]*fyne.Container // evidence id -> the row's thumbnail holder
	more   *widget.Button
}

// fillEvidence lists the current item's evidence: thumbnail, file name,
// caption and short hash, a page at a time. Thumbnails load off the UI
// goroutine, for the rows shown. Clicking a row opens the evidence viewer
// on it.
func (s *auditScreen) fillEvidence() {
	it := &s.state.Items[s.current]
	st := &s.strip
	if st.itemID != it.ID {
		st.itemID, st.limit = it.ID, evidencePage
	}
	s.evidenceHead.SetText(lang.L("workspace.evidence", map[string]any{"Count": len(it.Evidence)}))
	s.evidenceBox.RemoveAll()
	st.icons = map[string]*fyne.Container{}
	if len(it.Evidence) == 0 {
		l := caption()
		l.SetText(lang.L("workspace.no_evidence"))
		s.evidenceBox.Add(l)
	}
	s.addEvidenceRows(0, min(st.limit, len(it.Evidence)))
}

// addEvidenceRows appends rows [from, to) of the current item's evidence,
// then the 「さらに表示」 button when more are left, and loads the
// thumbnails the new rows lack.
func (s *auditScreen) addEvidenceRows(from, to int) {
	it := &s.state.Items[s.current]
	st := &s.strip
	if st.more != nil {
		s.evidenceBox.Remove(st.more)
		st.more = nil
	}
	var missing []string
	for i := from; i < to; i++ {
		ev := it.Evidence[i]
		// A transparent tap area over the row opens the viewer.
		tap := newTapRow(canvas.NewRectangle(color.Transparent), s.openEvidence, s.openEvidence)
		tap.index = i
		row, icon := s.evidenceRow(ev)
		st.icons[ev.ID] = icon
		s.evidenceBox.Add(container.NewStack(row, tap))
		if _, ok := s.thumbs[ev.ID]; !ok && !s.loading[ev.ID] && ev.Kind == audit.EvidencePhoto {
			missing = append(missing, ev.ID)
			s.loading[ev.ID] = true
		}
	}
	if rest := len(it.Evidence) - to; rest > 0 {
		st.more = widget.NewButton(lang.L("workspace.evidence_more", map[string]any{"Count": min(rest, evidencePage), "Rest": rest}), func() {
			s.app.touch()
			if s.current < 0 || s.state.Items[s.current].ID != st.itemID {
				return
			}
			st.limit = to + evidencePage
			s.addEvidenceRows(to, min(st.limit, len(s.state.Items[s.current].Evidence)))
		})
		st.more.Importance = widget.LowImportance
		s.evidenceBox.Add(st.more)
	}
	s.evidenceBox.Refresh()
	if len(missing) > 0 {
		s.loadThumbs(missing, it.ID)
	}
}

// thumbsArrived puts loaded thumbnails into the rows shown for item
// itemID, leaving the other rows alone.
func (s *auditScreen) thumbsArrived(ids []string, itemID string) {
	if !s.app.isCurrent(s) || s.current < 0 || s.state.Items[s.current].ID != itemID || s.strip.itemID != itemID {
		return
	}
	for _, id := range ids {
		holder := s.strip.icons[id]
		if img := s.thumbs[id]; holder != nil && img != nil {
			holder.Objects = []fyne.CanvasObject{thumbImage(img)}
			holder.Refresh()
		}
	}
}
