package ui

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/jpcal"
)

// evidenceViewer shows one piece of an item's evidence large: the upright
// report-size copy of a photo (never the original, which can be 12 MP and
// would multiply memory in Fyne), its caption, file name, capture time,
// who captured it and the full SHA-256, with previous/next across the
// item's evidence. Non-photo evidence shows its metadata only.
type evidenceViewer struct {
	s     *auditScreen
	list  []audit.Evidence // the item's evidence, as when opened
	index int
	// seq counts the images asked for; a load that finishes after the
	// user moved on is dropped.
	seq int

	dialog   *dialog.CustomDialog
	title    *widget.Label
	image    *canvas.Image // its Image is nil while loading or for non-photos
	status   *widget.Label // loading, no image, load failed
	caption  *widget.Label
	file     *widget.Label
	captured *widget.Label
	by       *widget.Label
	hash     *widget.Label
	items    *widget.Label  // the numbers of the items it supports
	unlink   *widget.Button // removes it from the current item
	prev     *widget.Button
	next     *widget.Button
}

// viewerImageSize is the smallest area the image is fitted into.
var viewerImageSize = fyne.NewSize(720, 480)

// openEvidence opens the viewer on the current item's evidence number i.
func (s *auditScreen) openEvidence(i int) {
	s.app.touch()
	if s.state == nil || s.current < 0 {
		return
	}
	evs := s.state.Items[s.current].Evidence
	if i < 0 || i >= len(evs) {
		return
	}
	v := newEvidenceViewer(s, append([]audit.Evidence(nil), evs...))
	s.viewer = v
	v.dialog.Show()
	v.showAt(i)
}

func newEvidenceViewer(s *auditScreen, list []audit.Evidence) *evidenceViewer {
	v := &evidenceViewer{s: s, list: list}
	v.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.image = &canvas.Image{FillMode: canvas.ImageFillContain, ScaleMode: canvas.ImageScaleSmooth}
	v.image.SetMinSize(viewerImageSize)
	v.status = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{})
	v.status.Wrapping = fyne.TextWrapWord
	value := func() *widget.Label {
		l := widget.NewLabel("")
		l.Wrapping = fyne.TextWrapWord
		return l
	}
	v.caption, v.file, v.captured, v.by, v.items = value(), value(), value(), value(), value()
	v.hash = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	v.hash.Wrapping = fyne.TextWrapBreak
	v.hash.Selectable = true
	form := container.New(layout.NewFormLayout(),
		fieldName(lang.L("viewer.caption")), v.caption,
		fieldName(lang.L("viewer.file")), v.file,
		fieldName(lang.L("viewer.captured")), v.captured,
		fieldName(lang.L("viewer.captured_by")), v.by,
		fieldName("SHA-256"), v.hash,
		fieldName(lang.L("viewer.items")), v.items)
	v.prev = widget.NewButtonWithIcon(lang.L("viewer.prev"), theme.NavigateBackIcon(), func() { v.step(-1) })
	v.next = widget.NewButtonWithIcon(lang.L("viewer.next"), theme.NavigateNextIcon(), func() { v.step(1) })
	v.next.IconPlacement = widget.ButtonIconTrailingText
	v.unlink = widget.NewButtonWithIcon(lang.L("viewer.unlink"), theme.ContentRemoveIcon(), func() {
		ev := v.list[v.index]
		v.dialog.Hide()
		s.onUnlinkEvidence(ev)
	})
	v.unlink.Importance = widget.LowImportance
	setEnabled(v.unlink, s.editable())
	nav := container.NewBorder(nil, nil, v.prev, container.NewHBox(v.unlink, v.next), container.NewCenter(v.title))
	picture := container.NewStack(v.image, container.NewCenter(v.status))
	content := container.NewBorder(nav, form, nil, nil, picture)
	v.dialog = dialog.NewCustom(lang.L("viewer.heading"), lang.L("item.close"), content, s.app.win)
	v.dialog.SetOnClosed(func() {
		v.seq++ // drop a load still running
		if s.viewer == v {
			s.viewer = nil
		}
	})
	if win := s.app.win.Canvas().Size(); win.Width > 0 {
		v.dialog.Resize(fyne.NewSize(win.Width*0.92, win.Height*0.92))
	}
	return v
}

func fieldName(text string) *widget.Label {
	return widget.NewLabelWithStyle(text, fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
}

// step moves to the previous (-1) or next (+1) evidence.
func (v *evidenceViewer) step(d int) {
	v.s.app.touch()
	if i := v.index + d; i >= 0 && i < len(v.list) {
		v.showAt(i)
	}
}

// showAt shows evidence i: its metadata at once, its image once loaded.
func (v *evidenceViewer) showAt(i int) {
	v.index = i
	ev := v.list[i]
	v.title.SetText(lang.L("viewer.title", map[string]any{"N": i + 1, "Total": len(v.list)}))
	if c := strings.TrimSpace(ev.Caption); c != "" {
		v.caption.SetText(c)
	} else {
		v.caption.SetText(lang.L("item.blank"))
	}
	v.file.SetText(ev.FileName)
	v.captured.SetText(capturedText(ev))
	v.by.SetText(ev.CapturedBy)
	v.hash.SetText(ev.SHA256)
	v.items.SetText(itemNumbersOf(v.s.state, ev))
	if i > 0 {
		v.prev.Enable()
	} else {
		v.prev.Disable()
	}
	if i < len(v.list)-1 {
		v.next.Enable()
	} else {
		v.next.Disable()
	}
	v.seq++
	v.setImage(nil)
	if ev.Kind != audit.EvidencePhoto {
		v.status.SetText(lang.L("viewer.no_image"))
		return
	}
	v.status.SetText(lang.L("viewer.loading"))
	v.load(ev.ID, v.seq)
}

// load reads and decodes the report-size copy off the UI goroutine.
func (v *evidenceViewer) load(id string, seq int) {
	ws := v.s.ws
	type loaded struct {
		img image.Image
		ok  bool
	}
	background(v.s.app.cfg.Run, func() (loaded, error) {
		jpg, _, _, ok, err := ws.EvidenceImage(id, false)
		if err != nil || !ok {
			return loaded{}, err
		}
		img, err := jpeg.Decode(bytes.NewReader(jpg))
		if err != nil {
			return loaded{}, fmt.Errorf("decode report copy: %w", err)
		}
		return loaded{img, true}, nil
	}, func(l loaded, err error) {
		if seq != v.seq {
			return
		}
		switch {
		case err != nil:
			logError("evidence image "+id, err)
			v.status.SetText(lang.L("viewer.load_failed"))
		case !l.ok:
			v.status.SetText(lang.L("viewer.no_image"))
		default:
			v.status.SetText("")
			v.setImage(l.img)
		}
	})
}

func (v *evidenceViewer) setImage(img image.Image) {
	v.image.Image = img
	v.image.Refresh()
}

// capturedText is the capture time in JST, with the 和暦 date.
func capturedText(ev audit.Evidence) string {
	if ev.CapturedAt.IsZero() {
		return lang.L("item.blank")
	}
	t := ev.CapturedAt.In(jpcal.JST)
	return t.Format("2006/01/02 15:04") + " JST（" + jpcal.WarekiDateTime(t) + "）"
}
