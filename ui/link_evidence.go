package ui

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/jpcal"
	"github.com/kansa-audit/kansa/internal/workspace"
)

// linkPicker lets the user link evidence already in the audit to the
// current item: one photo of a server-room door can support several
// items without being stored twice. It lists every file of the audit not
// yet on the item, searchable by file name, caption, hash and item
// number, with a check box each.
type linkPicker struct {
	s        *auditScreen
	itemID   string
	itemNo   string
	all      []audit.Evidence // candidates: the audit's evidence not on the item
	shown    []int            // indexes into all that match the search
	chosen   map[string]bool  // evidence ids ticked
	search   *widget.Entry
	list     *widget.List
	dialog   *dialog.ConfirmDialog
	noneNote *widget.Label
}

// onLinkEvidence opens the picker for the selected item.
func (s *auditScreen) onLinkEvidence() {
	s.app.touch()
	if !s.editable() || s.state == nil || s.current < 0 {
		return
	}
	it := s.state.Items[s.current]
	p := &linkPicker{s: s, itemID: it.ID, itemNo: it.No, chosen: map[string]bool{}}
	for _, ev := range s.state.Evidence {
		if !slices.Contains(ev.Items, it.ID) {
			p.all = append(p.all, ev)
		}
	}
	p.build()
	s.linking = p
	p.dialog.Show()
	if len(p.all) > 0 {
		s.app.win.Canvas().Focus(p.search)
	}
}

func (p *linkPicker) build() {
	p.search = widget.NewEntry()
	p.search.SetPlaceHolder(lang.L("link.search"))
	p.search.OnChanged = func(string) { p.filter() }
	p.list = widget.NewList(func() int { return len(p.shown) },
		func() fyne.CanvasObject {
			c := widget.NewCheck("", nil)
			meta := caption()
			icon := container.New(layout.NewGridWrapLayout(fyne.NewSquareSize(linkThumbSize)), widget.NewIcon(theme.FileImageIcon()))
			return container.NewBorder(nil, nil, icon, nil, container.NewVBox(c, meta))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			row := o.(*fyne.Container)
			text := row.Objects[0].(*fyne.Container)
			icon := row.Objects[1].(*fyne.Container)
			ev := p.all[p.shown[i]]
			c := text.Objects[0].(*widget.Check)
			c.OnChanged = nil
			label := ev.FileName
			if note := strings.TrimSpace(ev.Caption); note != "" {
				label += "　" + note
			}
			c.SetText(label)
			c.SetChecked(p.chosen[ev.ID])
			id := ev.ID
			c.OnChanged = func(on bool) {
				p.s.app.touch()
				if on {
					p.chosen[id] = true
				} else {
					delete(p.chosen, id)
				}
			}
			text.Objects[1].(*widget.Label).SetText(p.metaText(ev))
			icon.Objects[0] = p.thumbOf(ev, i)
			icon.Refresh()
		})
	p.noneNote = widget.NewLabel(lang.L("link.none"))
	p.noneNote.Wrapping = fyne.TextWrapWord
	p.noneNote.Hidden = len(p.all) > 0
	p.filter()
	body := container.NewBorder(container.NewVBox(p.noneNote, p.search), nil, nil, nil, p.list)
	title := lang.L("link.title", map[string]any{"No": p.itemNo})
	p.dialog = dialog.NewCustomConfirm(title, lang.L("link.confirm"), lang.L("Cancel"), body, p.done, p.s.app.win)
	if win := p.s.app.win.Canvas().Size(); win.Width > 0 {
		p.dialog.Resize(fyne.NewSize(min(760, win.Width*0.9), win.Height*0.8))
	}
}

// linkThumbSize is the edge of a candidate's thumbnail.
const linkThumbSize = 48

// thumbOf is the thumbnail of candidate ev shown in row i, from the
// screen's cache; a photo not cached yet is loaded off the UI goroutine
// (only rows on screen ask, so a large audit does not load them all) and
// the row redrawn.
func (p *linkPicker) thumbOf(ev audit.Evidence, row widget.ListItemID) fyne.CanvasObject {
	s := p.s
	if img := s.thumbs[ev.ID]; img != nil {
		return thumbImage(img)
	}
	if _, cached := s.thumbs[ev.ID]; !cached && ev.Kind == audit.EvidencePhoto && !s.loading[ev.ID] {
		s.loading[ev.ID] = true
		ws, id := s.ws, ev.ID
		background(s.app.cfg.Run, func() (image.Image, error) {
			jpg, _, _, ok, err := ws.EvidenceImage(id, true)
			if err != nil || !ok {
				return nil, err
			}
			return jpeg.Decode(bytes.NewReader(jpg))
		}, func(img image.Image, err error) {
			delete(s.loading, id)
			if err != nil {
				logError("thumbnail "+id, err)
			}
			s.thumbs[id] = img
			if s.linking == p && row < len(p.shown) {
				p.list.RefreshItem(row)
			}
		})
	}
	if ev.Kind == audit.EvidencePhoto {
		return widget.NewIcon(theme.FileImageIcon())
	}
	return widget.NewIcon(theme.FileIcon())
}

// metaText is the second line of a candidate: when, the short hash, and
// the items it already supports.
func (p *linkPicker) metaText(ev audit.Evidence) string {
	return lang.L("link.meta", map[string]any{
		"At":    ev.CapturedAt.In(jpcal.JST).Format("2006/01/02 15:04"),
		"Hash":  ev.ShortHash(),
		"Items": p.itemNumbers(ev),
	})
}

// itemNumbers lists the numbers of the items ev is linked to.
func (p *linkPicker) itemNumbers(ev audit.Evidence) string {
	if nos := itemNumbersOf(p.s.state, ev); nos != "" {
		return nos
	}
	return "—"
}

// itemNumbersOf lists, joined with 、, the numbers of the items of st
// that ev supports.
func itemNumbersOf(st *workspace.AuditState, ev audit.Evidence) string {
	var nos []string
	for _, it := range st.Items {
		if slices.Contains(ev.Items, it.ID) {
			nos = append(nos, it.No)
		}
	}
	return strings.Join(nos, "、")
}

// filter shows the candidates whose file name, caption, hash or item
// numbers contain the search text.
func (p *linkPicker) filter() {
	q := strings.ToLower(strings.TrimSpace(p.search.Text))
	p.shown = p.shown[:0]
	for i, ev := range p.all {
		hay := strings.ToLower(strings.Join([]string{ev.FileName, ev.Caption, ev.SHA256, p.itemNumbers(ev)}, "\n"))
		if q == "" || strings.Contains(hay, q) {
			p.shown = append(p.shown, i)
		}
	}
	p.list.Refresh()
}

// done links the ticked files off the UI goroutine, then redraws the
// evidence of the items that changed.
func (p *linkPicker) done(ok bool) {
	s := p.s
	if s.linking == p {
		s.linking = nil
	}
	if !ok || len(p.chosen) == 0 || !s.app.isCurrent(s) {
		return
	}
	var ids []string
	for _, ev := range p.all { // in the audit's order
		if p.chosen[ev.ID] {
			ids = append(ids, ev.ID)
		}
	}
	ws, auditID, itemNo := s.ws, s.route.AuditID, p.itemNo
	s.changeLinks(func() error {
		for _, id := range ids {
			if err := ws.LinkEvidence(auditID, id, itemNo); err != nil {
				return fmt.Errorf("link %s: %w", id, err)
			}
		}
		return nil
	}, lang.L("link.done", map[string]any{"Count": len(ids), "No": itemNo}))
}

// onUnlinkEvidence removes evidence ev from the current item, keeping the
// file in the audit and on its other items.
func (s *auditScreen) onUnlinkEvidence(ev audit.Evidence) {
	s.app.touch()
	if !s.editable() || s.state == nil || s.current < 0 {
		return
	}
	itemNo := s.state.Items[s.current].No
	ws, auditID := s.ws, s.route.AuditID
	s.changeLinks(func() error { return ws.UnlinkEvidence(auditID, ev.ID, itemNo) },
		lang.L("link.unlinked", map[string]any{"File": ev.FileName, "No": itemNo}))
}

// changeLinks runs change (links or unlinks) off the UI goroutine, reads
// the audit again, and redraws the evidence, saying done when it worked.
func (s *auditScreen) changeLinks(change func() error, done string) {
	ws, auditID := s.ws, s.route.AuditID
	s.busy.start()
	background(s.app.cfg.Run, func() (*workspace.AuditState, error) {
		if err := change(); err != nil {
			return nil, err
		}
		return ws.AuditState(auditID)
	}, func(st *workspace.AuditState, err error) {
		if !s.app.isCurrent(s) || s.state == nil {
			return
		}
		s.busy.stop()
		if err != nil {
			s.showError(lang.L("link.failed"), err)
			return
		}
		s.evidenceChanged(st)
		s.message.show(done, widget.SuccessImportance)
	})
}

// evidenceChanged takes the evidence lists of a freshly read state,
// leaving every other field as the screen has it (an edit being typed is
// not overwritten), and redraws what shows evidence.
func (s *auditScreen) evidenceChanged(st *workspace.AuditState) {
	byID := make(map[string][]audit.Evidence, len(st.Items))
	for _, it := range st.Items {
		byID[it.ID] = it.Evidence
	}
	s.state.Evidence = st.Evidence
	for i := range s.state.Items {
		it := &s.state.Items[i]
		if evs, ok := byID[it.ID]; ok && !sameEvidence(it.Evidence, evs) {
			it.Evidence = evs
			s.hay[i] = ""
			s.refreshRow(i)
		}
	}
	if s.current >= 0 {
		s.fillEvidence()
	}
}

func sameEvidence(a, b []audit.Evidence) bool {
	return slices.EqualFunc(a, b, func(x, y audit.Evidence) bool { return x.ID == y.ID })
}
